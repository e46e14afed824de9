#include "front/schedule_commands.hpp"

#include <iostream>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "front/schedule_arguments.hpp"
#include "front/schedule_table.hpp"
#include "front/scheduled_table.hpp"
#include "front/schedules_json.hpp"
#include "front/time_text.hpp"
#include "front/ventilator_options.hpp"

namespace zpipe {
namespace {

class ScheduledCommand : public Command {
 public:
  explicit ScheduledCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "scheduled",
            "List the jobs that wait for a time (delayed, or waiting to be retried), soonest "
            "first")) {
    app_.add_flag("--json", json_, "Print one JSON object");
    app_.add_option("--limit", limit_, "List at most this many")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, kMaxScheduledListed));
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    if (auto code = ventilator_.load("zpipe scheduled")) return *code;
    Client client(ventilator_.client);
    auto reply = client.scheduled(limit_);
    if (!reply.ok()) {
      std::cerr << "zpipe scheduled: " << reply.error().message << "\n";
      return kExitFailure;
    }
    if (json_) {
      std::cout << scheduled_jobs_json(reply.value()).dump() << "\n";
      return kExitOk;
    }
    std::cout << scheduled_table(reply.value(), unix_now_ms());
    return kExitOk;
  }

 private:
  CLI::App& app_;
  std::uint64_t limit_ = 100;
  bool json_ = false;
  VentilatorConnection ventilator_{5.0};
};

class ScheduleAddCommand : public Command {
 public:
  explicit ScheduleAddCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "add",
            "Add a recurring job: NAME (--every 30s | --cron \"*/5 * * * *\") TYPE [--arg k=v]")) {
    app_.add_option("name", arguments_.name, "The schedule's name")->required();
    app_.add_option("type", arguments_.job.type, "The job type each run submits");
    app_.add_option("--every", arguments_.every, "Run every DURATION: 30s, 5m, 1h, 1d")
        ->type_name("DURATION");
    app_.add_option("--cron", arguments_.cron,
                    "Run at the times of five crontab fields, in UTC: \"*/5 * * * *\"")
        ->type_name("\"MIN HOUR DAY MONTH WEEKDAY\"");
    app_.add_option("--arg,-a", arguments_.job.args,
                    "Payload field as key=value (value parsed as JSON if it can be); repeatable");
    app_.add_option("--payload,-p", arguments_.job.payload_json, "The payload as JSON");
    app_.add_option("--queue", arguments_.job.queue, "The jobs' queue (default: \"default\")")
        ->type_name("QUEUE");
    app_.add_option("--priority", arguments_.job.priority, "Lower runs first within its queue")
        ->type_name("N");
    app_.add_option("--timeout", arguments_.job.timeout_s,
                    "Time limit of one attempt, in seconds (default: the ventilator's)")
        ->check(CLI::Range(0.001, 604800.0));
    app_.add_option("--max-attempts", arguments_.job.max_attempts,
                    "Attempts allowed (default: the ventilator's)");
    app_.add_flag("--json", json_, "Print one JSON object: the schedules after it");
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    if (auto code = ventilator_.load("zpipe schedule add")) return *code;
    auto schedule = recurring_job_from_arguments(arguments_);
    if (!schedule.ok()) {
      std::cerr << "zpipe schedule add: " << schedule.error().message
                << "\nRun 'zpipe schedule add --help' for the options.\n";
      return kExitUsage;
    }
    Client client(ventilator_.client);
    auto reply = client.add_schedule(schedule.value());
    if (!reply.ok()) {
      std::cerr << "zpipe schedule add: " << reply.error().message << "\n";
      return reply.error().code == ErrorCode::kInvalid ? kExitUsage : kExitFailure;
    }
    const auto& all = reply.value().schedules;
    if (json_) {
      std::cout << schedules_json(reply.value()).dump() << "\n";
      return kExitOk;
    }
    std::cout << "added " << arguments_.name << ": " << schedule_when(schedule.value()) << ", "
              << schedule.value().job.type << " jobs\n"
              << schedule_table(all, unix_now_ms());
    return kExitOk;
  }

 private:
  CLI::App& app_;
  ScheduleArguments arguments_;
  bool json_ = false;
  VentilatorConnection ventilator_{10.0};
};

class ScheduleListCommand : public Command {
 public:
  ScheduleListCommand(CLI::App& parent, bool remove)
      : remove_(remove),
        full_name_(remove ? "zpipe schedule remove" : "zpipe schedule list"),
        app_(*parent.add_subcommand(
            remove ? "remove" : "list",
            remove ? "Remove a recurring job (jobs it submitted already go on)"
                   : "List the recurring jobs: when each runs next, its last run and job")) {
    if (remove_) app_.add_option("name", name_, "The schedule's name")->required();
    app_.add_flag("--json", json_, "Print one JSON object");
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    if (auto code = ventilator_.load(full_name_)) return *code;
    Client client(ventilator_.client);
    auto reply = remove_ ? client.remove_schedule(name_) : client.schedules();
    if (!reply.ok()) {
      std::cerr << full_name_ << ": " << reply.error().message << "\n";
      return kExitFailure;
    }
    const auto& all = reply.value().schedules;
    if (json_) {
      std::cout << schedules_json(reply.value()).dump() << "\n";
      return kExitOk;
    }
    if (remove_) std::cout << "removed " << name_ << "\n";
    std::cout << schedule_table(all, unix_now_ms());
    return kExitOk;
  }

 private:
  bool remove_;
  std::string full_name_;
  CLI::App& app_;
  std::string name_;
  bool json_ = false;
  VentilatorConnection ventilator_{5.0};
};

}  // namespace

std::vector<std::unique_ptr<Command>> make_schedule_commands(CLI::App& parent) {
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(std::make_unique<ScheduledCommand>(parent));
  auto& schedule = *parent.add_subcommand(
      "schedule", "Recurring jobs, held by the ventilator: add, list, remove");
  schedule.require_subcommand(1);
  commands.push_back(std::make_unique<ScheduleAddCommand>(schedule));
  commands.push_back(std::make_unique<ScheduleListCommand>(schedule, false));
  commands.push_back(std::make_unique<ScheduleListCommand>(schedule, true));
  return commands;
}

}  // namespace zpipe
