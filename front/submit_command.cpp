#include "front/submit_command.hpp"

#include <fstream>
#include <iostream>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "common/curve_setup.hpp"
#include "common/endpoints.hpp"
#include "common/plural.hpp"
#include "front/job_spec_parser.hpp"
#include "front/submit_workflow_flags.hpp"
#include "front/time_text.hpp"
#include "front/ventilator_options.hpp"

namespace zpipe {
namespace {

constexpr std::size_t kJobsPerRequest = 1000;

class SubmitCommand : public Command {
 public:
  explicit SubmitCommand(CLI::App& parent)
      : app_(*parent.add_subcommand("submit", "Submit jobs; prints each job's id once accepted")) {
    app_.add_option("type", arguments_.type, "Job type: echo, sleep, fail, exec, or a custom one");
    app_.add_option("command", arguments_.argv,
                    "For exec: the command line after --, e.g. -- ls -l /tmp");
    app_.add_option("--arg,-a", arguments_.args,
                    "Payload field as key=value (value parsed as JSON if it can be); repeatable");
    app_.add_option("--payload,-p", arguments_.payload_json, "The payload as JSON");
    app_.add_option("--timeout", arguments_.timeout_s,
                    "Time limit of one attempt, in seconds (default: the ventilator's)")
        ->check(CLI::Range(0.001, 604800.0));
    app_.add_option("--max-attempts", arguments_.max_attempts,
                    "Attempts allowed (default: the ventilator's)");
    app_.add_option("--queue", arguments_.queue, "The job's queue (default: \"default\")")
        ->type_name("QUEUE");
    app_.add_option("--priority", arguments_.priority,
                    "Lower runs first within its queue (default 0; may be negative)")
        ->type_name("N");
    app_.add_option("--in", arguments_.in,
                    "Run it after this delay: 500ms, 90s, 5m, 2h, 1d (not with --at)")
        ->type_name("DELAY");
    app_.add_option("--at", arguments_.at,
                    "Run it at this time: RFC 3339 (2026-12-24T18:00:00Z) or Unix seconds; a "
                    "time past runs it at once (not with --in)")
        ->type_name("TIME");
    app_.add_option("--unique-key", arguments_.unique_key,
                    "While a job with this key is waiting, scheduled or running, return its id "
                    "instead of adding another (a safe retry after a timeout)")
        ->type_name("KEY");
    app_.add_option("--batch", arguments_.batch,
                    "Put the job in this open batch (zpipe batch open prints one)")
        ->type_name("ID");
    workflow_.add_options(app_);
    app_.add_option("--jsonl", jsonl_,
                    "Submit one job per line of this file ('-': stdin): {\"type\":..., "
                    "\"payload\":..., \"timeout\": s, \"max_attempts\": n, \"queue\": q, "
                    "\"priority\": n, \"delay\": s or \"run_at\": time, \"unique_key\": k, "
                    "\"batch\": id, \"then\": [{job}, ...], \"on_failure\": [{job}, ...]}");
    ventilator_.add_options(app_);
    app_.add_flag("--no-wait", no_wait_,
                  "When the ventilator's backlog is full, fail at once (exit 1) instead of "
                  "waiting for room");
    app_.add_flag("--quiet,-q", quiet_, "Print nothing but errors");
  }

  CLI::App& app() override { return app_; }

  int run() override {
    if (auto code = ventilator_.load("zpipe submit")) return *code;
    std::vector<JobSpec> specs;
    const auto now_ms = static_cast<std::uint64_t>(unix_now_ms());
    if (!jsonl_.empty()) {
      if (!arguments_.type.empty()) return usage("give either TYPE or --jsonl, not both");
      if (const auto flag = job_flag_given()) {
        return usage(*flag + " goes with TYPE; with --jsonl, give it on each line");
      }
      auto parsed = job_specs_from_jsonl_file(jsonl_, now_ms);
      if (!parsed.ok()) return usage(parsed.error().message);
      specs = std::move(parsed).value();
      if (specs.empty()) return usage("no jobs in " + jsonl_);
    } else {
      if (arguments_.type.empty())
        return usage("give a job TYPE (e.g. zpipe submit echo --arg msg=hi) or --jsonl FILE");
      if (auto read = workflow_.read(app_, arguments_); !read.ok()) {
        return usage(read.error().message);
      }
      auto spec = job_spec_from_arguments(arguments_, now_ms);
      if (!spec.ok()) return usage(spec.error().message);
      specs.push_back(std::move(spec).value());
    }

    const auto busy_wait = no_wait_ ? std::chrono::milliseconds(0) : ventilator_.client.busy_wait;
    ventilator_.client.busy_wait =
        std::chrono::milliseconds(0);  // first ask once, to say why we wait
    Client client(ventilator_.client);
    std::size_t accepted = 0;
    std::size_t delayed = 0;
    for (std::size_t first = 0; first < specs.size(); first += kJobsPerRequest) {
      const auto last = std::min(specs.size(), first + kJobsPerRequest);
      const std::vector<JobSpec> batch(specs.begin() + static_cast<long>(first),
                                       specs.begin() + static_cast<long>(last));
      auto ids = client.submit(batch);
      if (!ids.ok() && is_refused_for_now(ids.error().code) && busy_wait.count() > 0) {
        if (!quiet_) {
          std::cerr << "zpipe submit: " << ids.error().message
                    << "\nzpipe submit: waiting for room (--no-wait fails instead)\n";
        }
        ClientConfig waiting = ventilator_.client;
        waiting.busy_wait = busy_wait;
        ids = Client(waiting).submit(batch);
      }
      if (!ids.ok()) {
        std::cerr << "zpipe submit: " << ids.error().message << "\n";
        if (accepted > 0)
          std::cerr << "zpipe submit: the first " << count_noun(accepted, "job")
                    << (accepted == 1 ? " was" : " were") << " accepted\n";
        return kExitFailure;
      }
      if (!quiet_) {
        for (std::size_t i = 0; i < ids.value().size(); ++i) {
          std::cout << ids.value()[i] << "\n";
          // Said on stderr, so that stdout stays one id a line for scripts.
          const auto run_at = static_cast<std::int64_t>(batch[i].run_at_ms);
          if (specs.size() == 1 && run_at > static_cast<std::int64_t>(now_ms)) {
            std::cout.flush();
            std::cerr << "zpipe submit: " << ids.value()[i] << " runs at " << local_time(run_at)
                      << " (" << relative_time(run_at, static_cast<std::int64_t>(now_ms)) << ")\n";
          }
        }
      }
      accepted += ids.value().size();
      for (const auto& spec : batch) delayed += spec.run_at_ms > now_ms ? 1 : 0;
    }
    std::cout.flush();
    if (specs.size() > 1 && !quiet_) {
      std::cerr << "submitted " << count_noun(accepted, "job");
      if (delayed > 0) std::cerr << ", " << delayed << " of them delayed (zpipe scheduled)";
      std::cerr << "\n";
    }
    return kExitOk;
  }

 private:
  // The first flag given that describes one job, which --jsonl lines say for themselves.
  std::optional<std::string> job_flag_given() const {
    for (const char* flag : {"--arg", "--payload", "--timeout", "--max-attempts", "--queue",
                             "--priority", "--in", "--at", "--unique-key", "--batch", "--then",
                             "--then-arg", "--on-failure", "--on-failure-arg"}) {
      if (app_.count(flag) > 0) return std::string(flag);
    }
    return std::nullopt;
  }

  int usage(const std::string& message) {
    std::cerr << "zpipe submit: " << message << "\nRun 'zpipe submit --help' for the options.\n";
    return kExitUsage;
  }

  CLI::App& app_;
  SubmitArguments arguments_;
  SubmitWorkflowFlags workflow_;
  std::string jsonl_;
  VentilatorConnection ventilator_{10.0};
  bool quiet_ = false;
  bool no_wait_ = false;
};

}  // namespace

std::unique_ptr<Command> make_submit_command(CLI::App& parent) {
  return std::make_unique<SubmitCommand>(parent);
}

}  // namespace zpipe
