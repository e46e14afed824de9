#include "front/up_command.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "common/command_line.hpp"
#include "common/endpoints.hpp"
#include "common/stop_flag.hpp"
#include "front/free_ports.hpp"
#include "front/local_pipeline.hpp"
#include "front/local_pipeline_options.hpp"
#include "front/program_path.hpp"

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
    app_.add_flag("--top", top_,
                  "Show the live dashboard (zpipe-monitor top) on this terminal; the programs' "
                  "logs go to DATA_DIR/zpipe.log unless --log-file says otherwise");
    add_local_pipeline_options(app_, config_, 0,
                               "Where the sink keeps outcomes.db and the ventilator journal.db "
                               "(env ZPIPE_DATA_DIR)");
    app_.add_option("--durability", durability_,
                    "The ventilator's journal: sync, batched or none (see README)")
        ->check(CLI::IsMember({"sync", "batched", "none"}));
    app_.add_option("--max-attempts", max_attempts_,
                    "Attempts of a job that sets none: N, or TYPE=N (repeatable; default 3)");
  }
  CLI::App& app() override { return app_; }

  int run() override {
    if (!durability_.empty()) {
      config_.ventilator_args.insert(config_.ventilator_args.end(), {"--durability", durability_});
    }
    for (const auto& value : max_attempts_) {
      config_.ventilator_args.insert(config_.ventilator_args.end(), {"--max-attempts", value});
    }
    StopFlag stop;
    install_stop_signals(stop);
    if (top_ && (::isatty(STDIN_FILENO) == 0 || ::isatty(STDOUT_FILENO) == 0)) {
      std::cerr << "zpipe up: --top needs a terminal; without it, run `zpipe up` and "
                   "`zpipe monitor tail` elsewhere\n";
      return kExitUsage;
    }
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
    LocalPipeline pipeline(config_);
    if (top_) return run_with_dashboard(pipeline, stop);
    announce(pipeline.endpoints());

    while (!stop.is_stop_requested()) {
      pollfd fd{stop.fd(), POLLIN, 0};
      ::poll(&fd, 1, 200);
      if (auto exited = pipeline.find_exited()) {
        std::cerr << "zpipe up: " << *exited << "; stopping the rest\n";
        pipeline.stop();
        return kExitFailure;
      }
    }
    std::printf("stopping...\n");
    std::fflush(stdout);
    const bool clean = pipeline.stop();
    std::printf(clean ? "stopped\n" : "stopped, but a program ended with an error (see its log)\n");
    return clean ? kExitOk : kExitFailure;
  }

 private:
  // What runs where, and commands that work as printed: with ports other than the defaults
  // they name every endpoint, and the export lines point another shell's commands here.
  void announce(const PipelineEndpoints& e) const {
    const bool on_defaults = e.submit == DefaultEndpoints::kSubmit;
    const auto ventilator = on_defaults ? std::string() : " --ventilator " + e.submit;
    const auto events_from = on_defaults ? std::string() : " --events-from " + e.events_out;
    const auto worker = on_defaults ? std::string()
                                    : " --jobs-from " + e.jobs + " --outcomes-to " + e.outcomes +
                                          " --events-to " + e.events_in;
    std::printf(
        "zpipe is up: %d workers x %d slot(s), outcomes in %s\n"
        "  submit    %s   zpipe submit echo --arg msg=hi%s\n"
        "  jobs      %s   more workers: zpipe worker%s\n"
        "  outcomes  %s\n"
        "  events    %s   zpipe monitor tail%s\n",
        config_.workers, config_.concurrency, outcome_store_path(config_.data_dir).c_str(),
        e.submit.c_str(), ventilator.c_str(), e.jobs.c_str(), worker.c_str(), e.outcomes.c_str(),
        e.events_out.c_str(), events_from.c_str());
    if (!on_defaults || app_.count("--data-dir") != 0) {
      std::printf("For every zpipe command of another shell to use this pipeline:\n  export");
      const std::pair<const char*, std::string> variables[] = {
          {EndpointVariables::kSubmit, e.submit},
          {EndpointVariables::kJobs, e.jobs},
          {EndpointVariables::kOutcomes, e.outcomes},
          {EndpointVariables::kAcks, e.acks},
          {EndpointVariables::kEventsIn, e.events_in},
          {EndpointVariables::kEventsOut, e.events_out},
          {"ZPIPE_DATA_DIR", config_.data_dir.string()}};
      for (const auto& [name, value] : variables) {
        std::printf(" %s=%s", name, shell_quoted(value).c_str());
      }
      std::printf("\n");
    }
    std::printf("Ctrl-C stops it (running jobs finish first).\n");
    std::fflush(stdout);
  }

  // The dashboard runs in the foreground; quitting it (q) or Ctrl-C stops the pipeline.
  int run_with_dashboard(LocalPipeline& pipeline, const StopFlag& stop) {
    ChildOptions foreground;
    foreground.own_process_group = false;  // it reads the keyboard
    ChildProcess dashboard(
        {program_path("zpipe-monitor"), "top", "--events-from", pipeline.endpoints().events_out},
        foreground);
    while (!stop.is_stop_requested() && !dashboard.has_exited()) {
      pollfd fd{stop.fd(), POLLIN, 0};
      ::poll(&fd, 1, 200);
      if (auto exited = pipeline.find_exited()) {
        dashboard.stop(std::chrono::seconds(2));
        std::cerr << "zpipe up: " << *exited
                  << "; stopping the rest (logs: " << config_.log_file.string() << ")\n";
        pipeline.stop();
        return kExitFailure;
      }
    }
    // Ctrl-C reached the dashboard too (same process group): let it restore the terminal
    // before anything else happens; SIGTERM only if it does not end by itself.
    auto status = dashboard.wait_for(std::chrono::seconds(2));
    if (!status) status = dashboard.stop(std::chrono::seconds(2));
    std::printf("stopping... (logs: %s)\n", config_.log_file.c_str());
    std::fflush(stdout);
    const bool stopped_cleanly = pipeline.stop();
    const bool dashboard_ok = WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
    if (!dashboard_ok)
      std::cerr << "zpipe up: the dashboard " << describe_wait_status(*status) << "\n";
    return stopped_cleanly && dashboard_ok ? kExitOk : kExitFailure;
  }

  CLI::App& app_;
  std::string durability_;
  std::vector<std::string> max_attempts_;
  LocalPipelineConfig config_;
  bool top_ = false;
};

}  // namespace

std::unique_ptr<Command> make_up_command(CLI::App& parent) {
  return std::make_unique<UpCommand>(parent);
}

}  // namespace zpipe
