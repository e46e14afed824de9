#include "front/dead_jobs_commands.hpp"

#include <iostream>
#include <set>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "common/curve_setup.hpp"
#include "common/endpoints.hpp"
#include "front/job_state_text.hpp"
#include "front/time_text.hpp"
#include "front/ventilator_options.hpp"

namespace zpipe {
namespace {

class DeadJobsCommand : public Command {
 public:
  DeadJobsCommand(CLI::App& parent, DeadJobsRequest::Action action)
      : action_(action),
        verb_(action == DeadJobsRequest::Action::kRetry ? "retry" : "discard"),
        app_(*parent.add_subcommand(
            verb_, action == DeadJobsRequest::Action::kRetry
                       ? "Queue dead jobs again, each with a fresh round of attempts"
                       : "Delete dead jobs from the ventilator's journal (their last outcome "
                         "stays in the store)")) {
    app_.add_option("ids", selection_.ids, "Ids of dead jobs (see zpipe failures)");
    app_.add_flag("--dead", selection_.all_dead, "Every dead job (or every one of --type)");
    app_.add_option("--type", selection_.type, "With --dead: only jobs of this type");
    ventilator_.add_options(app_);
  }

  CLI::App& app() override { return app_; }

  int run() override {
    if (auto code = ventilator_.load("zpipe " + verb_)) return *code;
    if (selection_.all_dead == !selection_.ids.empty()) {
      std::cerr << "zpipe " << verb_ << ": give job ids, or --dead [--type TYPE]\n"
                << "Run 'zpipe " << verb_ << " --help' for the options.\n";
      return kExitUsage;
    }
    if (!selection_.type.empty() && !selection_.all_dead) {
      std::cerr << "zpipe " << verb_ << ": --type goes with --dead\n";
      return kExitUsage;
    }
    Client client(ventilator_.client);
    auto done = client.dead_jobs(DeadJobsRequest{0, action_, selection_});
    if (!done.ok()) {
      std::cerr << "zpipe " << verb_ << ": " << done.error().message << "\n";
      return kExitFailure;
    }
    for (const auto& id : done.value()) std::cout << id << "\n";
    std::cerr << (action_ == DeadJobsRequest::Action::kRetry ? "queued again: " : "discarded: ")
              << done.value().size() << (done.value().size() == 1 ? " dead job\n" : " dead jobs\n");
    // Ids asked for by name that were not dead are named, with where they are instead.
    const std::set<std::string> acted(done.value().begin(), done.value().end());
    std::vector<std::string> missing;
    for (const auto& id : selection_.ids) {
      if (!acted.contains(id)) missing.push_back(id);
    }
    if (missing.empty()) return kExitOk;
    const auto states = client.job_statuses(missing);
    for (std::size_t i = 0; i < missing.size(); ++i) {
      std::cerr << "zpipe " << verb_ << ": " << missing[i] << " is not a dead job"
                << (states.ok() ? ": " + describe_job_state(states.value()[i], unix_now_ms())
                                : std::string())
                << "\n";
    }
    return kExitFailure;
  }

 private:
  DeadJobsRequest::Action action_;
  std::string verb_;
  CLI::App& app_;
  DeadSelection selection_;
  VentilatorConnection ventilator_{10.0};
};

}  // namespace

std::vector<std::unique_ptr<Command>> make_dead_jobs_commands(CLI::App& parent) {
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(std::make_unique<DeadJobsCommand>(parent, DeadJobsRequest::Action::kRetry));
  commands.push_back(std::make_unique<DeadJobsCommand>(parent, DeadJobsRequest::Action::kDiscard));
  return commands;
}

}  // namespace zpipe
