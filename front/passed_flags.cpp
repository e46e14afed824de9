#include "front/passed_flags.hpp"

namespace zpipe {

void PassedFlags::add(CLI::App& app, const std::string& flag, const std::string& type_name,
                      const std::string& help, const std::string& group,
                      std::vector<std::vector<std::string>*> to, bool repeatable) {
  auto& passed = passed_.emplace_back(Passed{flag, {}, std::move(to)});
  auto* option = app.add_option(flag, passed.values, help)->type_name(type_name)->group(group);
  if (!repeatable) option->expected(1);
}

void PassedFlags::pass_on() const {
  for (const auto& passed : passed_) {
    for (const auto& value : passed.values) {
      for (auto* args : passed.to) args->insert(args->end(), {passed.flag, value});
    }
  }
}

}  // namespace zpipe
