#include "front/up_command.hpp"

#include <poll.h>

#include <cstdio>
#include <iostream>

#include "common/command_line.hpp"
#include "common/endpoints.hpp"
#include "common/stop_flag.hpp"
#include "front/local_pipeline.hpp"
#include "front/local_pipeline_options.hpp"

namespace zpipe {
namespace {

class UpCommand : public Command {
 public:
  explicit UpCommand(CLI::App& parent)
      : app_(*parent.add_subcommand("up",
                                    "Run a ventilator, a sink and N workers here until Ctrl-C")) {
    config_.data_dir = default_data_dir();
    add_local_pipeline_options(app_, config_, 0,
                               "Where the sink keeps outcomes.db (env ZPIPE_DATA_DIR)");
  }
  CLI::App& app() override { return app_; }

  int run() override {
    StopFlag stop;
    install_stop_signals(stop);
    LocalPipeline pipeline(config_);
    const auto& e = pipeline.endpoints();
    std::printf(
        "zpipe is up: %d workers x %d slot(s), outcomes in %s\n"
        "  submit    %s   zpipe submit echo --arg msg=hi\n"
        "  jobs      %s   more workers: zpipe worker --jobs-from %s --outcomes-to %s\n"
        "  outcomes  %s\n"
        "  events    %s   zpipe monitor tail --events-from %s\n"
        "Ctrl-C stops it (running jobs finish first).\n",
        config_.workers, config_.concurrency, outcome_store_path(config_.data_dir).c_str(),
        e.submit.c_str(), e.jobs.c_str(), e.jobs.c_str(), e.outcomes.c_str(), e.outcomes.c_str(),
        e.events_out.c_str(), e.events_out.c_str());
    std::fflush(stdout);

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
  CLI::App& app_;
  LocalPipelineConfig config_;
};

}  // namespace

std::unique_ptr<Command> make_up_command(CLI::App& parent) {
  return std::make_unique<UpCommand>(parent);
}

}  // namespace zpipe
