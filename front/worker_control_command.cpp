#include "front/worker_control_command.hpp"

#include <iostream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "front/cancel_command.hpp"
#include "front/ventilator_options.hpp"

namespace zpipe {
namespace {

std::string description_of(WorkerAction action) {
  switch (action) {
    case WorkerAction::kPause:
      return "Pause a worker: it takes no new jobs and finishes those it runs (SIGUSR2 on its "
             "host does the same)";
    case WorkerAction::kResume:
      return "Let a paused worker take jobs again (SIGCONT on its host does the same)";
    case WorkerAction::kStop:
      return "Stop a worker gracefully: it takes no new jobs, finishes those it runs and exits "
             "(SIGTERM on its host does the same)";
  }
  return "";
}

// An option given to `zpipe workers` before the subcommand is the listing's, not this
// command's: the first such one, so that it is refused rather than the order going to another
// ventilator than the one named. One that both got from the environment is no concern.
std::optional<std::string> misplaced_option(const CLI::App& app) {
  for (const auto* given : app.get_parent()->get_options()) {
    if (given->count() == 0) continue;
    const auto* own = app.get_option_no_throw(given->get_name());
    if (own == nullptr || own->results() != given->results()) return given->get_name();
  }
  return std::nullopt;
}

class WorkerControlCommand : public Command {
 public:
  WorkerControlCommand(CLI::App& workers, WorkerAction action)
      : action_(action),
        full_name_("zpipe workers " + std::string(to_string(action))),
        app_(*workers.add_subcommand(std::string(to_string(action)), description_of(action))) {
    app_.add_option("worker", worker_,
                    "The worker's name, or its process (host:pid) when several share the name, "
                    "as zpipe workers lists them")
        ->required();
    app_.add_option("--by", by_, "Who asks, for the worker's log (default: $USER@host)")
        ->type_name("NAME");
    app_.add_flag("--json", json_, "Print one JSON object");
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    if (const auto option = misplaced_option(app_)) {
      std::cerr << full_name_ << ": give " << *option << " after " << app_.get_name() << " ("
                << full_name_ << " WORKER " << *option << " ...)\n";
      return kExitUsage;
    }
    if (auto code = ventilator_.load(full_name_)) return *code;
    Client client(ventilator_.client);
    auto reply = client.control_worker(worker_, action_, by_.empty() ? default_canceller() : by_);
    if (!reply.ok()) {
      std::cerr << full_name_ << ": " << reply.error().message << "\n";
      // A name that picks no single worker is what was typed: a usage error, as CLI11's would be.
      const auto code = reply.error().code;
      return code == ErrorCode::kNotFound || code == ErrorCode::kAmbiguous ? kExitUsage
                                                                           : kExitFailure;
    }
    const auto& done = reply.value();
    if (json_) {
      std::cout << nlohmann::json{{"pipeline", done.pipeline},
                                  {"worker", done.worker},
                                  {"process", done.process},
                                  {"action", to_string(done.action)}}
                       .dump()
                << "\n";
      return kExitOk;
    }
    const auto worker =
        done.process.empty() ? done.worker : done.worker + " (" + done.process + ")";
    switch (action_) {
      case WorkerAction::kPause:
        std::cout << "worker " << worker
                  << " pauses: it takes no new jobs and finishes those it runs, until zpipe "
                     "workers resume "
                  << worker_ << "\n";
        break;
      case WorkerAction::kResume:
        std::cout << "worker " << worker << " takes jobs again\n";
        break;
      case WorkerAction::kStop:
        std::cout << "worker " << worker
                  << " stops: it takes no new jobs, finishes those it runs and exits\n";
        break;
    }
    return kExitOk;
  }

 private:
  WorkerAction action_;
  std::string full_name_;
  CLI::App& app_;
  std::string worker_;
  std::string by_;
  bool json_ = false;
  VentilatorConnection ventilator_{10.0};
};

}  // namespace

std::vector<std::unique_ptr<Command>> make_worker_control_commands(CLI::App& workers) {
  std::vector<std::unique_ptr<Command>> commands;
  for (const auto action : {WorkerAction::kPause, WorkerAction::kResume, WorkerAction::kStop}) {
    commands.push_back(std::make_unique<WorkerControlCommand>(workers, action));
  }
  return commands;
}

}  // namespace zpipe
