#include "front/cancel_command.hpp"

#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <vector>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "front/cancel_json.hpp"
#include "front/cancel_result_text.hpp"
#include "front/ventilator_options.hpp"

namespace zpipe {
namespace {

class CancelCommand : public Command {
 public:
  explicit CancelCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "cancel",
            "Cancel jobs: waiting, scheduled and retrying ones never run, running ones are "
            "stopped by their worker; each is recorded as cancelled, not retried")) {
    app_.add_option("ids", ids_, "Ids of the jobs")->required();
    app_.add_option("--by", by_, "Who cancels, kept with each job's record (default: $USER@host)")
        ->type_name("NAME");
    app_.add_flag("--json", json_, "Print one JSON object");
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    if (auto code = ventilator_.load("zpipe cancel")) return *code;
    Client client(ventilator_.client);
    auto reply = client.cancel(ids_, by_.empty() ? default_canceller() : by_);
    if (!reply.ok()) {
      std::cerr << "zpipe cancel: " << reply.error().message << "\n";
      return kExitFailure;
    }
    bool any_unknown = false;
    for (const auto& job : reply.value().jobs) any_unknown |= job.result == CancelResult::kUnknown;
    if (json_) {
      std::cout << cancel_json(reply.value()).dump() << "\n";
    } else {
      for (const auto& job : reply.value().jobs) {
        std::cout << job.id << " " << describe_cancel_result(job.result) << "\n";
      }
    }
    return any_unknown ? kExitFailure : kExitOk;
  }

 private:
  CLI::App& app_;
  std::vector<std::string> ids_;
  std::string by_;
  bool json_ = false;
  VentilatorConnection ventilator_{10.0};
};

}  // namespace

std::string default_canceller() {
  const char* user = std::getenv("USER");
  char host[HOST_NAME_MAX + 1] = {};
  const bool has_host = ::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0';
  return std::string(user != nullptr && *user != '\0' ? user : "?") + "@" + (has_host ? host : "?");
}

std::unique_ptr<Command> make_cancel_command(CLI::App& parent) {
  return std::make_unique<CancelCommand>(parent);
}

}  // namespace zpipe
