#include "web/query_params.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "web/http_replies.hpp"

namespace zpipe {

std::string text_param(const httplib::Request& req, const std::string& name) {
  return req.has_param(name.c_str()) ? req.get_param_value(name.c_str()) : std::string();
}

Result<std::optional<std::uint64_t>> optional_number_param(const httplib::Request& req,
                                                           const std::string& name,
                                                           std::uint64_t max) {
  if (!req.has_param(name.c_str())) return std::optional<std::uint64_t>();
  const auto text = req.get_param_value(name.c_str());
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value > max) {
    return Error{ErrorCode::kInvalid, "?" + name + "=" + text + ": a whole number up to " +
                                          std::to_string(max) + " is wanted"};
  }
  return std::optional<std::uint64_t>(value);
}

Result<std::uint64_t> number_param(const httplib::Request& req, const std::string& name,
                                   std::uint64_t fallback, std::uint64_t min, std::uint64_t max) {
  auto value = optional_number_param(req, name, max);
  if (!value.ok()) return value.error();
  if (!value.value()) return fallback;
  if (*value.value() < min) {
    return Error{ErrorCode::kInvalid, "?" + name + "=" + std::to_string(*value.value()) +
                                          ": at least " + std::to_string(min) + " is wanted"};
  }
  return *value.value();
}

httplib::Server::Handler with_params(std::initializer_list<const char*> known,
                                     httplib::Server::Handler handler) {
  return [names = std::vector<std::string>(known.begin(), known.end()),
          handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    for (const auto& [name, value] : req.params) {
      if (std::find(names.begin(), names.end(), name) != names.end()) continue;
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      reply_error(res, 400,
                  "unknown parameter ?" + name +
                      (list.empty() ? " (this takes none)" : " (known: " + list + ")"));
      return;
    }
    handler(req, res);
  };
}

}  // namespace zpipe
