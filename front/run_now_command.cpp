#include "front/run_now_command.hpp"

#include <iostream>
#include <vector>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "front/run_now_json.hpp"
#include "front/run_now_result_text.hpp"
#include "front/ventilator_options.hpp"

namespace zpipe {
namespace {

class RunNowCommand : public Command {
 public:
  explicit RunNowCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "run-now",
            "Make jobs that wait for a time (scheduled for later, or for a retry) due now: each "
            "runs as soon as a worker takes it")) {
    app_.add_option("ids", ids_, "Ids of the jobs")->required();
    app_.add_flag("--json", json_, "Print one JSON object");
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    if (auto code = ventilator_.load("zpipe run-now")) return *code;
    Client client(ventilator_.client);
    auto reply = client.run_now(ids_);
    if (!reply.ok()) {
      std::cerr << "zpipe run-now: " << reply.error().message << "\n";
      return kExitFailure;
    }
    bool all_due = true;
    for (const auto& job : reply.value().jobs) all_due &= job.result == RunNowResult::kDue;
    if (json_) {
      std::cout << run_now_json(reply.value()).dump() << "\n";
    } else {
      // Those not made due on stderr, so that a script sees them beside the exit code.
      for (const auto& job : reply.value().jobs) {
        auto& out = job.result == RunNowResult::kDue ? std::cout : std::cerr;
        out << job.id << " " << describe_run_now_result(job.result) << "\n";
      }
    }
    return all_due ? kExitOk : kExitFailure;
  }

 private:
  CLI::App& app_;
  std::vector<std::string> ids_;
  bool json_ = false;
  VentilatorConnection ventilator_{10.0};
};

}  // namespace

std::unique_ptr<Command> make_run_now_command(CLI::App& parent) {
  return std::make_unique<RunNowCommand>(parent);
}

}  // namespace zpipe
