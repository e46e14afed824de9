#include "ventilator/options.hpp"

#include <iostream>
#include <string>
#include <vector>

#include "common/command_line.hpp"
#include "common/curve_setup.hpp"
#include "ventilator/job_policy.hpp"

namespace zpipe {

std::variant<VentilatorOptions, int> parse_ventilator_options(int argc, char** argv) {
  VentilatorOptions options;
  auto& config = options.config;
  auto& log_options = options.log;
  CLI::App app{
      "zpipe-ventilator: accepts jobs from producers and hands them out to workers; "
      "hosts the event hub that monitors subscribe to.",
      "zpipe-ventilator"};
  app.get_formatter()->column_width(36);
  app.add_option("--submit", config.submit_endpoint, "Endpoint producers submit to (ROUTER, bind)")
      ->capture_default_str();
  app.add_option("--jobs", config.jobs_endpoint,
                 "Endpoint workers take jobs from (ROUTER, bind; each worker is sent no more than "
                 "it asks for)")
      ->capture_default_str();
  app.add_option("--acks", config.acks_endpoint,
                 "Endpoint the sink acknowledges recorded outcomes to (PULL, bind)")
      ->capture_default_str();
  app.add_option("--outcomes-to", config.outcomes_endpoint,
                 "The sink's outcomes endpoint, where jobs cancelled before they ran are "
                 "recorded (PUSH, connect)")
      ->capture_default_str();
  app.add_option("--events-in", config.events_in_endpoint,
                 "Endpoint components publish events to (event hub SUB, bind)")
      ->capture_default_str();
  app.add_option("--events-out", config.events_out_endpoint,
                 "Endpoint monitors subscribe to (event hub PUB, bind)")
      ->capture_default_str();
  app.add_option("--data-dir", config.data_dir, "Directory of the journal (journal.db)")
      ->capture_default_str();
  std::string durability = std::string(to_string(config.durability));
  app.add_option("--durability", durability,
                 "sync: fsync before confirming a submit; batched: survive a process crash, "
                 "fsync about once a second; none: memory only")
      ->capture_default_str()
      ->check(CLI::IsMember({"sync", "batched", "none"}));
  app.add_option("--default-timeout-ms", config.policy.timeout_ms,
                 "Time limit of an attempt of a job that sets none, in ms")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  std::vector<std::string> max_attempts;
  app.add_option("--max-attempts", max_attempts,
                 "Attempts of a job that sets none: N for every type, TYPE=N for one "
                 "(repeatable; default 3)");
  auto retry_base_s = static_cast<double>(config.policy.retry_base_ms) / 1000;
  app.add_option("--retry-delay", retry_base_s,
                 "Seconds before the 2nd attempt of a failed job; doubles each attempt (+-25%)")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 86400.0));
  auto retry_max_s = static_cast<double>(config.policy.retry_max_ms) / 1000;
  app.add_option("--retry-delay-max", retry_max_s, "Longest delay between attempts, in seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 7 * 86400.0));
  auto grace_s = static_cast<double>(config.policy.redispatch_grace_ms) / 1000;
  app.add_option("--redispatch-grace", grace_s,
                 "Seconds past a job's time limit before a job with no outcome is dispatched "
                 "again (its worker died or stalled)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  app.add_option("--max-backlog", config.max_backlog,
                 "Jobs waiting (for a worker or a retry) at which submits are refused as busy")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-backlog-bytes", config.max_backlog_bytes,
                 "Memory the jobs held may take (about 200 bytes each plus their payloads of up "
                 "to 1 KiB; larger payloads stay in the journal) at which submits are refused as "
                 "busy; takes KiB, MiB, GiB suffixes (default: a quarter of this machine's memory)")
      ->transform(CLI::AsSizeValue(false))
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  std::vector<std::string> limits;
  app.add_option("--limit", limits,
                 "A dispatch limit (repeatable): TYPE=10/s (also /m, /h), TYPE=concurrency:4, "
                 "queue:NAME=... for a queue; jobs held back wait. Changed at run time with "
                 "zpipe limit set|clear, which the journal keeps")
      ->type_name("SPEC");
  add_max_message_bytes_option(app, config.limits, "Largest message accepted from a peer");
  if (auto exit_code = parse_program_command_line(app, argc, argv, CurveRole::kServer, log_options,
                                                  config.curve)) {
    return *exit_code;
  }
  config.durability = *durability_from(durability);
  config.policy.retry_base_ms = static_cast<std::uint64_t>(retry_base_s * 1000);
  config.policy.retry_max_ms = static_cast<std::uint64_t>(retry_max_s * 1000);
  config.policy.redispatch_grace_ms = static_cast<std::uint64_t>(grace_s * 1000);
  if (auto problem = parse_max_attempts(max_attempts, config.policy)) {
    std::cerr << "zpipe-ventilator: --max-attempts: " << *problem
              << config_file_note(app, "--max-attempts") << "\n";
    return kExitUsage;
  }
  for (const auto& text : limits) {
    auto spec = parse_limit(text);
    if (!spec.ok()) {
      std::cerr << "zpipe-ventilator: --limit: " << spec.error().message
                << config_file_note(app, "--limit") << "\n";
      return kExitUsage;
    }
    config.limits_at_start.push_back(std::move(spec).value());
  }
  config.sockets.max_message_bytes = static_cast<std::int64_t>(config.limits.max_message_bytes);
  if (auto exit_code = print_config_if_asked(app)) return *exit_code;
  return options;
}

}  // namespace zpipe
