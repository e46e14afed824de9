#include "front/up_command.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>

#include "common/command_line.hpp"
#include "common/curve_options.hpp"
#include "common/curve_setup.hpp"
#include "common/endpoints.hpp"
#include "common/plural.hpp"
#include "common/stop_flag.hpp"
#include "front/autoscale_options.hpp"
#include "front/autoscaler.hpp"
#include "front/endpoint_list.hpp"
#include "front/free_ports.hpp"
#include "front/local_pipeline.hpp"
#include "front/local_pipeline_options.hpp"
#include "front/passed_flags.hpp"
#include "front/program_path.hpp"
#include "front/time_text.hpp"
#include "front/ventilator_options.hpp"

namespace zpipe {
namespace {

constexpr int kPortCount = 6;  // PipelineEndpoints::on_loopback: port_base .. port_base + 5

// `text` as one word of a POSIX shell command line.
std::string shell_quoted(const std::string& text) {
  const bool plain = !text.empty() && text.find_first_not_of(
                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789_/:.@%+=,-") == std::string::npos;
  if (plain) return text;
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

class UpCommand : public Command {
 public:
  explicit UpCommand(CLI::App& parent)
      : app_(*parent.add_subcommand("up",
                                    "Run a ventilator, a sink and N workers here until Ctrl-C")) {
    config_.data_dir = default_data_dir();
    const std::string pipeline = "Pipeline";
    app_.add_flag("--top", top_,
                  "Show the live dashboard (zpipe-monitor top) on this terminal; the programs' "
                  "logs go to DATA_DIR/zpipe.log unless --log-file says otherwise")
        ->group(pipeline);
    app_.add_option("--web", web_,
                    "Also serve the web interface (zpipe-web) on ADDR, by default "
                    "127.0.0.1:8080; its URL is printed")
        ->expected(0, 1)
        ->type_name("[ADDR]")
        ->group(pipeline);
    app_.add_option("--autoscale", autoscale_,
                    "Run MIN to MAX workers by the load instead of --workers: more while the "
                    "backlog would take longer than --target-wait, fewer once quiet (as zpipe "
                    "scale does; each change is printed)")
        ->type_name("MIN:MAX")
        ->group("Autoscaling");
    autoscale_flags_.add_options(app_, "Autoscaling");
    add_local_pipeline_options(app_, config_, 0,
                               "Where the sink keeps outcomes.db and the ventilator journal.db "
                               "(env ZPIPE_DATA_DIR)");
    const std::string workers = "Workers (zpipe-worker --help)";
    for (const char* name :
         {"--workers", "--data-dir", "--port-base", "--log-level", "--log-file"}) {
      app_.get_option(name)->group(pipeline);
    }
    for (const char* name : {"--concurrency", "--isolate"}) app_.get_option(name)->group(workers);
    add_passed_flags(workers);
    add_curve_flags();
    add_config_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    passed_.pass_on();
    if (auto code = set_up_curve()) return *code;
    StopFlag stop;
    install_stop_signals(stop);
    if (top_ && (::isatty(STDIN_FILENO) == 0 || ::isatty(STDOUT_FILENO) == 0)) {
      std::cerr << "zpipe up: --top needs a terminal; without it, run `zpipe up` and "
                   "`zpipe monitor tail` elsewhere\n";
      return kExitUsage;
    }
    if (auto code = set_up_autoscale()) return *code;
    if (app_.count("--web") != 0) config_.web_listen = web_.empty() ? kDefaultWebListen : web_[0];
    if (top_ && config_.log_file.empty()) {
      std::filesystem::create_directories(config_.data_dir);
      config_.log_file = config_.data_dir / "zpipe.log";
    }
    // Before anything starts or is announced: a pipeline already on these ports would answer
    // in this one's place.
    if (const auto busy = loopback_ports_in_use(config_.port_base, kPortCount); !busy.empty()) {
      std::cerr << "zpipe up: port " << busy.front() << " of " << config_.port_base << "-"
                << config_.port_base + kPortCount - 1
                << " is in use (another zpipe up?); give another --port-base, e.g. --port-base "
                << free_consecutive_ports(kPortCount) << "\n";
      return kExitFailure;
    }
    std::optional<LocalPipeline> started;
    try {
      started.emplace(config_);
    } catch (const std::runtime_error& e) {
      std::cerr << "zpipe up: " << e.what() << "\n" << where_logs_are();
      return kExitFailure;
    }
    auto& pipeline = *started;
    if (!top_) announce(pipeline.endpoints(), pipeline.pipeline());
    if (autoscale_settings_) {
      try {
        start_autoscaler(pipeline);
      } catch (const std::runtime_error& e) {
        std::cerr << "zpipe up: cannot start workers: " << e.what() << "\n";
        pipeline.stop();
        return kExitFailure;
      }
    }
    if (top_) return run_with_dashboard(pipeline, stop);

    while (!stop.is_stop_requested()) {
      pollfd fd{stop.fd(), POLLIN, 0};
      ::poll(&fd, 1, 200);
      if (auto problem = check_programs(pipeline)) {
        std::cerr << "zpipe up: " << *problem << "\nstopping the rest\n" << where_logs_are();
        stop_all(pipeline);
        return kExitFailure;
      }
    }
    std::printf("stopping...\n");
    std::fflush(stdout);
    const bool clean = stop_all(pipeline);
    std::printf(clean ? "stopped\n" : "stopped, but a program ended with an error (see its log)\n");
    return clean ? kExitOk : kExitFailure;
  }

 private:
  // What runs where, and commands that work as printed: with ports other than the defaults
  // they name every endpoint, and the export lines point another shell's commands here.
  void announce(const PipelineEndpoints& e, const std::string& pipeline) const {
    const bool on_defaults = e.submit == DefaultEndpoints::kSubmit;
    const auto ventilator = on_defaults ? std::string() : " --ventilator " + e.submit;
    const auto events_from = on_defaults ? std::string() : " --events-from " + e.events_out;
    const auto worker = on_defaults ? std::string()
                                    : " --jobs-from " + e.jobs + " --outcomes-to " + e.outcomes +
                                          " --events-to " + e.events_in;
    const auto workers =
        autoscale_settings_ ? std::to_string(autoscale_settings_->min) + " to " +
                                  std::to_string(autoscale_settings_->max) + " workers (autoscaled)"
                            : count_noun(static_cast<std::uint64_t>(config_.workers), "worker");
    std::printf("zpipe is up: pipeline %s, %s x %s, outcomes in %s\n", pipeline.c_str(),
                workers.c_str(),
                count_noun(static_cast<std::uint64_t>(config_.concurrency), "slot").c_str(),
                outcome_store_path(config_.data_dir).c_str());
    // Every endpoint, the events-in one too: a program of the user's own that publishes events
    // connects there, and nothing else would tell it the port.
    auto lines = pipeline_endpoint_lines(e);
    lines[0].hint = "zpipe submit echo --arg msg=hi" + ventilator;
    lines[1].hint = "more workers: zpipe worker" + worker;
    lines[5].hint = "zpipe monitor tail" + events_from;
    std::printf("%s", endpoint_list(lines).c_str());
    if (!on_defaults || app_.count("--data-dir") != 0) {
      std::printf("For every zpipe command of another shell to use this pipeline:\n  export");
      const std::pair<const char*, std::string> variables[] = {
          {EndpointVariables::kSubmit, e.submit},
          {EndpointVariables::kJobs, e.jobs},
          {EndpointVariables::kOutcomes, e.outcomes},
          {EndpointVariables::kAcks, e.acks},
          {EndpointVariables::kEventsIn, e.events_in},
          {EndpointVariables::kEventsOut, e.events_out},
          {"ZPIPE_DATA_DIR", config_.data_dir.string()},
          {kPipelineVariable, pipeline}};
      for (const auto& [name, value] : variables) {
        std::printf(" %s=%s", name, shell_quoted(value).c_str());
      }
      std::printf("\n");
    }
    if (!config_.web_listen.empty()) {
      const auto& listen = config_.web_listen;
      std::printf("web: http://%s%s/\n", listen.starts_with(':') ? "localhost" : "",
                  listen.c_str());
    }
    std::printf("Ctrl-C stops it (running jobs finish first).\n");
    std::fflush(stdout);
  }

  // "" when the programs write to this terminal, else a line naming their log file.
  std::string where_logs_are() const {
    if (config_.log_file.empty()) return "";
    return "the programs' logs, this one's last words included, are in " +
           config_.log_file.string() + "\n";
  }

  // The dashboard runs in the foreground; quitting it (q) or Ctrl-C stops the pipeline.
  int run_with_dashboard(LocalPipeline& pipeline, const StopFlag& stop) {
    ChildOptions foreground;
    foreground.own_process_group = false;  // it reads the keyboard
    ChildProcess dashboard(
        {program_path("zpipe-monitor"), "top", "--events-from", pipeline.endpoints().events_out,
         "--ventilator", pipeline.endpoints().submit},
        foreground);
    while (!stop.is_stop_requested() && !dashboard.has_exited()) {
      pollfd fd{stop.fd(), POLLIN, 0};
      ::poll(&fd, 1, 200);
      if (auto problem = check_programs(pipeline)) {
        dashboard.stop(std::chrono::seconds(2));
        std::cerr << "zpipe up: " << *problem << "\nstopping the rest\n" << where_logs_are();
        stop_all(pipeline);
        return kExitFailure;
      }
    }
    // Ctrl-C reached the dashboard too (same process group): let it restore the terminal
    // before anything else happens; SIGTERM only if it does not end by itself.
    auto status = dashboard.wait_for(std::chrono::seconds(2));
    if (!status) status = dashboard.stop(std::chrono::seconds(2));
    std::printf("stopping... (logs: %s)\n", config_.log_file.c_str());
    std::fflush(stdout);
    const bool stopped_cleanly = stop_all(pipeline);
    const bool dashboard_ok = WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
    if (!dashboard_ok)
      std::cerr << "zpipe up: the dashboard " << describe_wait_status(*status) << "\n";
    return stopped_cleanly && dashboard_ok ? kExitOk : kExitFailure;
  }

  // --autoscale MIN:MAX and its flags into autoscale_settings_; an exit code on a problem.
  std::optional<int> set_up_autoscale() {
    if (app_.count("--autoscale") == 0) {
      for (const char* flag : {"--target-wait", "--quiet-period"}) {
        if (app_.count(flag) != 0) {
          std::cerr << "zpipe up: " << flag << " needs --autoscale MIN:MAX\n";
          return kExitUsage;
        }
      }
      return std::nullopt;
    }
    if (app_.count("--workers") != 0) {
      std::cerr << "zpipe up: --workers and --autoscale cannot go together: --autoscale MIN:MAX "
                   "sets how many workers run\n";
      return kExitUsage;
    }
    AutoscaleSettings settings;
    auto parsed = parse_min_max(autoscale_, settings);
    if (parsed.ok()) parsed = autoscale_flags_.apply(settings);
    if (!parsed.ok()) {
      std::cerr << "zpipe up: --autoscale: " << parsed.error().message << "\n";
      return kExitUsage;
    }
    autoscale_settings_ = settings;
    config_.workers = 0;  // the autoscaler starts them
    return std::nullopt;
  }

  // The autoscaler's workers write where the pipeline's programs do; its changes are printed
  // (or logged, under the dashboard).
  void start_autoscaler(const LocalPipeline& pipeline) {
    AutoscalerConfig config;
    config.settings = *autoscale_settings_;
    config.client = ClientConfig::to(pipeline.endpoints().submit, std::chrono::seconds(2));
    config.client.curve = config_.client_curve;
    config.worker_argv = pipeline.worker_argv();
    // The workers' --types: their backlog is what counts.
    if (app_.count("--types") != 0) {  // unset, as<> gives one empty value
      for (const auto& type : app_.get_option("--types")->as<std::vector<std::string>>()) {
        if (!type.empty()) config.types.insert(type);
      }
    }
    if (!config_.log_file.empty()) {
      config.worker_output.stdout_file = config_.log_file;
      config.worker_output.stderr_file = config_.log_file;
    }
    const auto log_file = top_ ? config_.log_file : std::filesystem::path();
    autoscaler_.emplace(config, [log_file](const std::string& line) {
      const auto text = local_time(unix_now_ms()).substr(11, 8) + " autoscale: " + line + "\n";
      if (log_file.empty()) {
        std::fputs(text.c_str(), stdout);
        std::fflush(stdout);
      } else if (auto* file = std::fopen(log_file.c_str(), "a")) {
        std::fputs(text.c_str(), file);
        std::fclose(file);
      }
    });
  }

  // A program that ended, or an autoscaler that cannot keep workers up: what to say.
  std::optional<std::string> check_programs(LocalPipeline& pipeline) {
    if (auto exited = pipeline.find_exited()) return exited;
    if (!autoscaler_) return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    if (now < next_autoscale_) return std::nullopt;
    next_autoscale_ = now + kAutoscaleRound;
    try {
      autoscaler_->tick();
    } catch (const std::runtime_error& e) {
      return std::string("autoscale: ") + e.what();
    }
    return std::nullopt;
  }

  // The autoscaler's workers first, then the pipeline (its own workers, sink, ventilator).
  bool stop_all(LocalPipeline& pipeline) {
    const bool workers_clean = !autoscaler_ || autoscaler_->stop();
    return pipeline.stop() && workers_clean;
  }

  // The flags of the ventilator, the workers and every program that `up` passes on.
  void add_passed_flags(const std::string& workers) {
    auto* ventilator = &config_.ventilator_args;
    auto* worker = &config_.worker_args;
    auto* sink = &config_.sink_args;
    const std::string jobs =
        "Ventilator: journal, attempts, backlog, limits (zpipe-ventilator --help)";
    passed_.add(app_, "--durability", "LEVEL",
                "The journal: sync (fsync before confirming a submit), batched (the default: "
                "survives a crash of the process, fsync about once a second) or none (memory)",
                jobs, {ventilator});
    passed_.add(app_, "--default-timeout-ms", "MS",
                "Time limit of an attempt of a job that sets none (default 300000)", jobs,
                {ventilator});
    passed_.add(app_, "--max-attempts", "N|TYPE=N",
                "Attempts of a job that sets none: N, or TYPE=N (repeatable; default 3)", jobs,
                {ventilator}, true);
    passed_.add(app_, "--retry-delay", "SECONDS",
                "Before the 2nd attempt of a failed job; doubles each attempt (default 1)", jobs,
                {ventilator});
    passed_.add(app_, "--retry-delay-max", "SECONDS",
                "Longest delay between attempts (default 3600)", jobs, {ventilator});
    passed_.add(app_, "--redispatch-grace", "SECONDS",
                "Past a job's time limit before a job with no outcome goes out again (default 30)",
                jobs, {ventilator});
    passed_.add(app_, "--max-backlog", "N",
                "Jobs waiting at which submits are refused as busy (default 1000000)", jobs,
                {ventilator});
    passed_.add(app_, "--max-backlog-bytes", "SIZE",
                "Memory the waiting jobs may take before submits are refused as busy; KiB, MiB, "
                "GiB suffixes (default: a quarter of this machine's memory)",
                jobs, {ventilator});
    passed_.add(app_, "--limit", "SPEC",
                "A dispatch limit (repeatable): TYPE=10/s (also /m, /h), TYPE=concurrency:4, "
                "queue:NAME=... for a queue; jobs held back wait (zpipe queues shows them)",
                jobs, {ventilator}, true);
    passed_.add(app_, "--keep", "DURATION",
                "Delete jobs recorded longer ago than this (30d, 12h, 2w...), at start and then "
                "hourly (default: keep everything)",
                "Sink: the outcome store (zpipe-sink --help)", {sink});
    passed_.add(app_, "--types", "TYPE,...",
                "Job types the workers take (default: every built-in type); the ventilator "
                "sends them no other",
                workers, {worker}, true);
    app_.get_option("--types")->delimiter(',');  // one type a value, for --autoscale too
    passed_.add(app_, "--queues", "Q,...",
                "Queues the workers serve: in strict order (critical,default,low) or by weight "
                "(critical:6,default:3,low:1). Default: every queue",
                workers, {worker}, true);
    passed_.add(app_, "--prefetch", "N",
                "Jobs each worker asks for ahead of a free slot (default 4)", workers, {worker});
    passed_.add(app_, "--memory-limit", "MiB",
                "With --isolate: each job's address-space limit (default: none)", workers,
                {worker});
    passed_.add(app_, "--exec-output-limit", "BYTES",
                "Bytes of an exec job's stdout and of its stderr to keep (default 65536)", workers,
                {worker});
    passed_.add(app_, "--heartbeat", "SECONDS",
                "Between a worker's heartbeats; silent for three, it is taken for lost (default 1)",
                workers, {worker});
    passed_.add(app_, "--grace", "SECONDS",
                "Running jobs may take this long to finish when the pipeline stops (default 30)",
                workers, {worker});
    passed_.add(app_, "--max-message-bytes", "BYTES",
                "Largest message any program accepts or sends (default 1048576)", "Every program",
                {ventilator, sink, worker});
  }

  void add_curve_flags() {
    const std::string group = "Security (CURVE; see zpipe keygen)";
    app_.add_option("--curve-secret", curve_.secret_file,
                    "The server pair's secret key (NAME.key_secret): the ventilator and the sink "
                    "hold it, and the workers use it too (a server trusts its own pair)")
        ->type_name("FILE")
        ->group(group);
    app_.add_option("--curve-trust", curve_.trust_dir,
                    "Directory of the public keys (NAME.key) of the producers, workers and "
                    "monitors allowed to connect")
        ->type_name("DIR")
        ->group(group);
    app_.add_option("--curve-server-key", curve_.server_key_file,
                    "The server pair's public key (default: NAME.key beside --curve-secret)")
        ->type_name("FILE")
        ->group(group);
  }

  // With --curve-secret: the servers get the pair and the trust directory; the workers and
  // this command's own client the pair and its public key. Returns an exit code on a problem.
  std::optional<int> set_up_curve() {
    if (curve_.secret_file.empty()) {
      if (curve_.trust_dir.empty() && curve_.server_key_file.empty()) return std::nullopt;
      std::cerr << "zpipe up: --curve-trust and --curve-server-key need --curve-secret\n";
      return kExitUsage;
    }
    if (curve_.trust_dir.empty()) {
      std::cerr << "zpipe up: --curve-secret needs --curve-trust DIR, the public keys of the "
                   "producers and monitors allowed in\n";
      return kExitUsage;
    }
    if (curve_.server_key_file.empty()) {
      auto public_file = curve_.secret_file;
      const std::string suffix = "_secret";
      if (public_file.ends_with(suffix)) public_file.resize(public_file.size() - suffix.size());
      curve_.server_key_file = public_file;
    }
    CurveFlags client{curve_.secret_file, "", curve_.server_key_file};
    if (auto code =
            load_curve_setup(client, CurveRole::kClient, "zpipe up", config_.client_curve)) {
      return code;
    }
    for (auto* args : {&config_.ventilator_args, &config_.sink_args}) {
      args->insert(args->end(),
                   {"--curve-secret", curve_.secret_file, "--curve-trust", curve_.trust_dir});
    }
    for (auto* args : {&config_.worker_args, &config_.web_args}) {
      args->insert(args->end(), {"--curve-secret", curve_.secret_file, "--curve-server-key",
                                 curve_.server_key_file});
    }
    return std::nullopt;
  }

  CLI::App& app_;
  PassedFlags passed_;
  CurveFlags curve_;
  LocalPipelineConfig config_;
  bool top_ = false;
  std::vector<std::string> web_;  // --web's ADDR, when given one
  std::string autoscale_;         // --autoscale MIN:MAX
  AutoscaleFlags autoscale_flags_;
  std::optional<AutoscaleSettings> autoscale_settings_;
  std::optional<Autoscaler> autoscaler_;
  std::chrono::steady_clock::time_point next_autoscale_{};
  static constexpr std::chrono::milliseconds kAutoscaleRound{500};
  static constexpr const char* kDefaultWebListen = "127.0.0.1:8080";
};

}  // namespace

std::unique_ptr<Command> make_up_command(CLI::App& parent) {
  return std::make_unique<UpCommand>(parent);
}

}  // namespace zpipe
