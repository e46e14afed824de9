#include "worker/options.hpp"

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "common/command_line.hpp"
#include "common/config_file.hpp"
#include "common/curve_setup.hpp"
#include "common/endpoints.hpp"
#include "common/job_credit.hpp"
#include "worker/builtin_handlers.hpp"
#include "worker/isolation.hpp"

namespace zpipe {
namespace {

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

}  // namespace

std::variant<WorkerOptions, int> parse_worker_options(int argc, char** argv) {
  WorkerOptions options;
  auto& config = options.config;
  auto& log_options = options.log;
  CLI::App app{
      "zpipe-worker: runs jobs (echo, sleep, fail, exec, thumbnail) handed out by the "
      "ventilator and sends every outcome to the sink. SIGTERM/SIGINT: finish running jobs "
      "(up to --grace) and exit; SIGUSR2: pause taking jobs; SIGCONT: resume. From any host, "
      "zpipe workers pause|resume|stop NAME does the same.",
      "zpipe-worker"};
  app.get_formatter()->column_width(36);
  app.add_option("--jobs-from", config.jobs_endpoint,
                 "Ventilator endpoint to ask for and take jobs from (DEALER, connect)")
      ->envname(EndpointVariables::kJobs)
      ->capture_default_str();
  app.add_option("--outcomes-to", config.outcomes_endpoint,
                 "Sink endpoint to send outcomes to (PUSH, connect)")
      ->envname(EndpointVariables::kOutcomes)
      ->capture_default_str();
  app.add_option("--events-to", config.events_endpoint,
                 "Event hub endpoint to publish events to (XPUB, connect)")
      ->envname(EndpointVariables::kEventsIn)
      ->capture_default_str();
  app.add_option("--concurrency,-c", config.concurrency, "Jobs to run at once")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, static_cast<std::size_t>(kMaxSlots)));
  app.add_option("--prefetch", config.prefetch,
                 "Jobs to ask for ahead of a free slot, at least (more: less idle time between "
                 "tiny jobs; fewer: less waiting behind a slow or stalled worker). For short "
                 "jobs the worker asks for more, about 5 ms of work per slot, up to 1000; the "
                 "ventilator sends no more than that ahead")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, static_cast<std::size_t>(kMaxJobsAhead)));
  app.add_option("--types", config.types,
                 "Job types to take, comma-separated (default: every built-in type: " +
                     join(builtin_types(), ",") + "); the ventilator sends this worker no other")
      ->delimiter(',')
      ->check(CLI::Validator(
          [](std::string& type) {
            const auto available = builtin_types();
            if (std::find(available.begin(), available.end(), type) != available.end()) {
              return std::string();
            }
            return "no handler for type '" + type + "' here; the types it has are " +
                   join(available, ", ");
          },
          "TYPE,..."));
  std::vector<std::string> queues;
  app.add_option("--queues", queues,
                 "Queues to serve, comma-separated: in strict order (critical,default,low: a "
                 "later queue only while the earlier ones have no job ready), or by weight "
                 "(critical:6,default:3,low:1: in proportion). Default: every queue")
      ->delimiter(',');
  app.add_flag("--isolate", config.isolate,
               "Run each job in a process of its own: a crash fails that job, not the worker; "
               "outcomes then record CPU time and peak memory");
  double memory_limit_mb = 0;
  app.add_option("--memory-limit", memory_limit_mb,
                 "With --isolate: each job's address-space limit, in MiB (0: none)")
      ->check(CLI::Range(0.0, 1e9));
  app.add_option("--name", config.name, "Name in outcomes and events (default: host:pid)");
  app.add_option("--exec-output-limit", config.exec.output_bytes,
                 "Bytes of an exec job's stdout and of its stderr to keep")
      ->capture_default_str();
  auto heartbeat_s = std::chrono::duration<double>(config.heartbeat).count();
  app.add_option("--heartbeat", heartbeat_s,
                 "Seconds between heartbeats; the ventilator takes a worker silent for three of "
                 "them for lost and sends its jobs out again")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 3600.0));
  auto grace_s = std::chrono::duration<double>(config.grace).count();
  app.add_option("--grace", grace_s, "Seconds running jobs may take to finish after SIGINT/SIGTERM")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  add_max_message_bytes_option(app, config.limits, "Largest job accepted and outcome sent");
  // The process of one isolated job talks to its parent only: it needs no keys (and must not
  // fail when the key file has changed since the worker started).
  if (auto exit_code = parse_program_command_line(app, argc, argv, CurveRole::kClient, log_options,
                                                  config.curve, !is_isolated_child())) {
    return *exit_code;
  }
  // Said twice is said once.
  std::sort(config.types.begin(), config.types.end());
  config.types.erase(std::unique(config.types.begin(), config.types.end()), config.types.end());
  auto selection = parse_queue_selection(queues);
  if (!selection) {
    std::cerr << "zpipe-worker: --queues: " << selection.error().message
              << config_file_note(app, "--queues") << "\n"
              << "Run 'zpipe-worker --help' for the options.\n";
    return kExitUsage;
  }
  config.queues = std::move(selection).value();
  config.grace = std::chrono::milliseconds(static_cast<long>(grace_s * 1000));
  config.heartbeat = std::chrono::milliseconds(static_cast<long>(heartbeat_s * 1000));
  config.isolation.memory_limit_bytes = static_cast<std::uint64_t>(memory_limit_mb * 1024 * 1024);
  if (config.isolation.memory_limit_bytes > 0 && !config.isolate) {
    std::cerr << "zpipe-worker: --memory-limit needs --isolate"
              << config_file_note(app, "--memory-limit") << "\n";
    return kExitUsage;
  }
  if (auto exit_code = print_config_if_asked(app)) return *exit_code;
  const auto* config_file = app.get_config_ptr();
  if (config.isolate && config_file != nullptr && config_file->count() > 0) {
    config.isolation.command_line = effective_flags(app);
    config.isolation.command_line.insert(config.isolation.command_line.begin(), argv[0]);
  }
  return options;
}

}  // namespace zpipe
