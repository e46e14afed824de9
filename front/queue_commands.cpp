#include "front/queue_commands.hpp"

#include <iostream>
#include <string>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "front/queue_table.hpp"
#include "front/queues_json.hpp"
#include "front/ventilator_options.hpp"

namespace zpipe {
namespace {

enum class QueueAction { kList, kPause, kResume, kSetLimit, kClearLimit };

// One of the commands; they differ in what they ask and what they say before the table.
class QueueCommand : public Command {
 public:
  QueueCommand(CLI::App& parent, QueueAction action, const std::string& name,
               const std::string& description, const std::string& full_name)
      : action_(action), full_name_(full_name), app_(*parent.add_subcommand(name, description)) {
    switch (action_) {
      case QueueAction::kList:
        break;
      case QueueAction::kPause:
      case QueueAction::kResume:
        app_.add_option("queue", argument_, "The queue's name")->required();
        break;
      case QueueAction::kSetLimit:
        app_.add_option("spec", argument_,
                        "TYPE=10/s (also /m, /h), TYPE=concurrency:4, queue:NAME=... for a queue")
            ->required();
        break;
      case QueueAction::kClearLimit:
        app_.add_option("spec", argument_,
                        "TYPE or queue:NAME (every limit of it), TYPE=rate or TYPE=concurrency "
                        "(that one)")
            ->required();
        break;
    }
    app_.add_flag("--json", json_, "Print one JSON object: the queues and limits after it");
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    if (auto code = ventilator_.load(full_name_)) return *code;
    Client client(ventilator_.client);
    auto reply = ask(client);
    if (!reply.ok()) {
      std::cerr << full_name_ << ": " << reply.error().message << "\n";
      // The ventilator refused what was typed (a limit it cannot read, a name it does not know):
      // a usage error, as CLI11's would be.
      return reply.error().code == ErrorCode::kInvalid ? kExitUsage : kExitFailure;
    }
    if (json_) {
      std::cout << queues_json(reply.value()).dump() << "\n";
      return kExitOk;
    }
    if (const auto said = what_was_done(); !said.empty()) std::cout << said << "\n";
    std::cout << queue_table(reply.value());
    return kExitOk;
  }

 private:
  Result<QueuesReply> ask(Client& client) {
    switch (action_) {
      case QueueAction::kList:
        return client.queues();
      case QueueAction::kPause:
        return client.pause(argument_);
      case QueueAction::kResume:
        return client.resume(argument_);
      case QueueAction::kSetLimit:
        return client.set_limit(argument_);
      case QueueAction::kClearLimit:
        return client.clear_limit(argument_);
    }
    return client.queues();
  }

  std::string what_was_done() const {
    switch (action_) {
      case QueueAction::kList:
        return "";
      case QueueAction::kPause:
        return "paused queue " + argument_ +
               ": its jobs wait (new ones are accepted) until zpipe resume " + argument_;
      case QueueAction::kResume:
        return "resumed queue " + argument_;
      case QueueAction::kSetLimit:
        return "limit set: " + argument_;
      case QueueAction::kClearLimit:
        return "limit cleared: " + argument_;
    }
    return "";
  }

  QueueAction action_;
  std::string full_name_;
  CLI::App& app_;
  std::string argument_;
  bool json_ = false;
  VentilatorConnection ventilator_{5.0};
};

}  // namespace

std::vector<std::unique_ptr<Command>> make_queue_commands(CLI::App& parent) {
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(std::make_unique<QueueCommand>(
      parent, QueueAction::kList, "queues",
      "List the queues (pending, running, scheduled, latency, paused) and the dispatch limits",
      "zpipe queues"));
  commands.push_back(std::make_unique<QueueCommand>(
      parent, QueueAction::kPause, "pause",
      "Stop dispatching jobs from a queue (kept across restarts; jobs are still accepted)",
      "zpipe pause"));
  commands.push_back(std::make_unique<QueueCommand>(parent, QueueAction::kResume, "resume",
                                                    "Dispatch jobs from a paused queue again",
                                                    "zpipe resume"));
  auto& limit = *parent.add_subcommand(
      "limit", "Set or clear a dispatch limit at run time (kept across restarts)");
  limit.require_subcommand(1);
  commands.push_back(std::make_unique<QueueCommand>(
      limit, QueueAction::kSetLimit, "set",
      "Set a limit: TYPE=10/s, TYPE=concurrency:4, queue:NAME=5/m", "zpipe limit set"));
  commands.push_back(std::make_unique<QueueCommand>(
      limit, QueueAction::kClearLimit, "clear",
      "Clear a limit: TYPE, queue:NAME, TYPE=rate or TYPE=concurrency", "zpipe limit clear"));
  return commands;
}

}  // namespace zpipe
