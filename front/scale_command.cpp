#include "front/scale_command.hpp"

#include <poll.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/command_line.hpp"
#include "common/plural.hpp"
#include "common/stop_flag.hpp"
#include "front/autoscale_options.hpp"
#include "front/autoscaler.hpp"
#include "front/time_text.hpp"
#include "front/ventilator_options.hpp"

namespace zpipe {
namespace {

class ScaleCommand : public Command {
 public:
  explicit ScaleCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "scale",
            "Run this host's workers from a command, between --min and --max of them: more while "
            "the backlog would take longer than --target-wait to finish, fewer (idle ones, "
            "stopped gracefully) once it has been quiet for --quiet-period. Ctrl-C stops them "
            "all")) {
    const std::string group = "Scaling";
    app_.add_option("--command", command_,
                    "The worker to run, as a shell command line, e.g. 'zpipe-worker --jobs-from "
                    "tcp://10.0.0.5:5571 --outcomes-to tcp://10.0.0.5:5572 --types thumbnail'")
        ->required()
        ->group(group);
    app_.add_option("--min", settings_.min, "Fewest workers, kept running even when idle")
        ->capture_default_str()
        ->group(group);
    app_.add_option("--max", settings_.max, "Most workers")->capture_default_str()->group(group);
    app_.add_option("--types", types_,
                    "The job types the command's workers take (as its --types): only their "
                    "backlog counts, and only the workers that take them. Default: every type")
        ->type_name("TYPE,...")
        ->delimiter(',')
        ->group(group);
    flags_.add_options(app_, group);
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    if (auto problem = check_min_max(settings_)) {
      std::cerr << "zpipe scale: --min/--max: " << *problem << "\n";
      return kExitUsage;
    }
    if (auto applied = flags_.apply(settings_); !applied.ok()) {
      std::cerr << "zpipe scale: " << applied.error().message << "\n";
      return kExitUsage;
    }
    if (command_.find_first_not_of(" \t") == std::string::npos) {
      std::cerr << "zpipe scale: --command is empty\n";
      return kExitUsage;
    }
    if (auto code = ventilator_.load("zpipe scale")) return *code;
    StopFlag stop;
    install_stop_signals(stop);

    AutoscalerConfig config;
    config.settings = settings_;
    config.client = ventilator_.client;
    config.types = std::set<std::string>(types_.begin(), types_.end());
    // exec: the shell becomes the worker, so that its pid is the worker's and SIGTERM reaches it.
    config.worker_argv = {"/bin/sh", "-c", "exec " + command_};
    try {
      Autoscaler autoscaler(config, [](const std::string& line) {
        std::printf("%s %s\n", local_time(unix_now_ms()).substr(11, 8).c_str(), line.c_str());
        std::fflush(stdout);
      });
      while (!stop.is_stop_requested()) {
        autoscaler.tick();
        pollfd fd{stop.fd(), POLLIN, 0};
        ::poll(&fd, 1, kRoundMs);
      }
      std::printf("stopping %s...\n",
                  count_noun(static_cast<std::uint64_t>(autoscaler.running()), "worker").c_str());
      std::fflush(stdout);
      return autoscaler.stop() ? kExitOk : kExitFailure;
    } catch (const std::runtime_error& e) {
      std::cerr << "zpipe scale: " << e.what() << "\n";
      return kExitFailure;
    }
  }

 private:
  static constexpr int kRoundMs = 500;
  CLI::App& app_;
  std::string command_;
  std::vector<std::string> types_;
  AutoscaleSettings settings_;
  AutoscaleFlags flags_;
  VentilatorConnection ventilator_{2.0};
};

}  // namespace

std::unique_ptr<Command> make_scale_command(CLI::App& parent) {
  return std::make_unique<ScaleCommand>(parent);
}

}  // namespace zpipe
