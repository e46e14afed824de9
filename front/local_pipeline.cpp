#include "front/local_pipeline.hpp"

#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

#include "client/client.hpp"
#include "front/program_path.hpp"

namespace zpipe {

std::vector<std::string> LocalPipeline::common_args() const {
  std::vector<std::string> args{"--log-level", config_.log_level};
  if (!config_.log_file.empty()) {
    args.push_back("--log-file");
    args.push_back(config_.log_file.string());
  }
  return args;
}

std::vector<std::string> LocalPipeline::with_logging(std::vector<std::string> argv) const {
  argv.front() = program_path(argv.front());
  const auto logging = common_args();
  argv.insert(argv.end(), logging.begin(), logging.end());
  return argv;
}

std::vector<std::string> LocalPipeline::worker_argv() const {
  auto worker = worker_command(endpoints_, config_.concurrency);
  worker.insert(worker.end(), config_.worker_args.begin(), config_.worker_args.end());
  return with_logging(std::move(worker));
}

LocalPipeline::LocalPipeline(LocalPipelineConfig config)
    : config_(std::move(config)),
      socket_dir_(config_.private_sockets ? std::make_optional<PrivateSocketDir>() : std::nullopt),
      endpoints_(socket_dir_ ? PipelineEndpoints::in_folder(socket_dir_->path())
                             : PipelineEndpoints::on_loopback(config_.port_base)) {
  const auto& e = endpoints_;
  if (config_.log_file.empty()) {
    relay_.emplace(STDERR_FILENO, false);
  } else {
    const int log_fd =
        ::open(config_.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
      throw std::runtime_error("cannot open the log file " + config_.log_file.string() + ": " +
                               strerror(errno));
    }
    relay_.emplace(log_fd, true);
  }
  // Each program's output goes through the relay, in the order of the *Source constants.
  auto relayed = [this] {
    ChildOptions options;
    options.output_fd = relay_->add_source();
    return options;
  };
  auto ventilator = ventilator_command(e, config_.data_dir);
  ventilator.insert(ventilator.end(), config_.ventilator_args.begin(),
                    config_.ventilator_args.end());
  ventilator_.emplace(with_logging(std::move(ventilator)), relayed());
  auto sink = sink_command(e, config_.data_dir);
  sink.insert(sink.end(), config_.sink_args.begin(), config_.sink_args.end());
  sink_.emplace(with_logging(std::move(sink)), relayed());
  for (int i = 0; i < config_.workers; ++i) workers_.emplace_back(worker_argv(), relayed());
  if (!config_.web_listen.empty()) {
    std::vector<std::string> web{
        "zpipe-web",    "--listen", config_.web_listen, "--data-dir", config_.data_dir.string(),
        "--ventilator", e.submit,   "--events-from",    e.events_out};
    web.insert(web.end(), config_.web_args.begin(), config_.web_args.end());
    web_.emplace(with_logging(std::move(web)), relayed());
  }
  relay_->start();

  auto probe = ClientConfig::to(e.submit, std::chrono::milliseconds(500));
  probe.curve = config_.client_curve;
  Client client(probe);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    if (auto exited = find_exited()) throw std::runtime_error(*exited);
    if (client.status().ok()) {
      pipeline_ = client.pipeline();
      return;
    }
    if (std::chrono::steady_clock::now() >= give_up) {
      throw std::runtime_error("the ventilator did not answer at " + e.submit + " within 10 s");
    }
  }
}

LocalPipeline::~LocalPipeline() {
  if (!stopped_) stop();
}

std::optional<std::string> LocalPipeline::find_exited() {
  auto check = [this](ChildProcess& child, std::size_t source) -> std::optional<std::string> {
    if (!child.has_exited()) return std::nullopt;
    auto description = std::filesystem::path(child.name()).filename().string() + " " +
                       describe_wait_status(*child.status());
    // Its last words are in the pipe as it exits; a child of its own could keep the pipe open.
    const auto last_line = relay_->last_line(source, std::chrono::seconds(1));
    if (!last_line.empty()) description += ":\n  " + last_line;
    return description;
  };
  if (ventilator_) {
    if (auto exited = check(*ventilator_, kVentilatorSource)) return exited;
  }
  if (sink_) {
    if (auto exited = check(*sink_, kSinkSource)) return exited;
  }
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (auto exited = check(workers_[i], kFirstWorkerSource + i)) return exited;
  }
  if (web_) {
    if (auto exited = check(*web_, kFirstWorkerSource + workers_.size())) return exited;
  }
  return std::nullopt;
}

bool LocalPipeline::stop() {
  stopped_ = true;
  bool clean = true;
  auto ended_well = [](int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; };
  // The web first: its pages would only say the rest is going.
  if (web_) clean = ended_well(web_->stop(std::chrono::seconds(10))) && clean;
  // Workers first, all at once: they finish their running jobs and send the outcomes.
  for (auto& worker : workers_) worker.request_stop();
  for (auto& worker : workers_) clean = ended_well(worker.stop(std::chrono::seconds(40))) && clean;
  if (sink_) clean = ended_well(sink_->stop(std::chrono::seconds(10))) && clean;
  if (ventilator_) clean = ended_well(ventilator_->stop(std::chrono::seconds(10))) && clean;
  return clean;
}

}  // namespace zpipe
