#include "front/local_pipeline.hpp"

#include <sys/wait.h>

#include <stdexcept>

#include "client/client.hpp"
#include "front/program_path.hpp"

namespace zpipe {

PipelineEndpoints PipelineEndpoints::on_loopback(int port_base) {
  auto at = [port_base](int offset) {
    return "tcp://127.0.0.1:" + std::to_string(port_base + offset);
  };
  return {at(0), at(1), at(2), at(3), at(4), at(5)};
}

PipelineEndpoints PipelineEndpoints::in_folder(const std::filesystem::path& dir) {
  auto at = [&dir](const char* name) { return "ipc://" + (dir / name).string(); };
  return {at("submit"), at("jobs"), at("outcomes"), at("acks"), at("events-in"), at("events-out")};
}

std::vector<std::string> ventilator_command(const PipelineEndpoints& e,
                                            const std::filesystem::path& data_dir) {
  return {program_path("zpipe-ventilator"),
          "--data-dir",
          data_dir.string(),
          "--submit",
          e.submit,
          "--jobs",
          e.jobs,
          "--acks",
          e.acks,
          "--events-in",
          e.events_in,
          "--events-out",
          e.events_out};
}

std::vector<std::string> sink_command(const PipelineEndpoints& e,
                                      const std::filesystem::path& data_dir) {
  return {program_path("zpipe-sink"),
          "--outcomes",
          e.outcomes,
          "--acks-to",
          e.acks,
          "--events-to",
          e.events_in,
          "--data-dir",
          data_dir.string()};
}

std::vector<std::string> worker_command(const PipelineEndpoints& e, int concurrency) {
  return {program_path("zpipe-worker"),
          "--jobs-from",
          e.jobs,
          "--outcomes-to",
          e.outcomes,
          "--events-to",
          e.events_in,
          "--concurrency",
          std::to_string(concurrency)};
}

std::vector<std::string> LocalPipeline::common_args() const {
  std::vector<std::string> args{"--log-level", config_.log_level};
  if (!config_.log_file.empty()) {
    args.push_back("--log-file");
    args.push_back(config_.log_file.string());
  }
  return args;
}

LocalPipeline::LocalPipeline(LocalPipelineConfig config)
    : config_(std::move(config)),
      socket_dir_(config_.private_sockets ? std::make_optional<PrivateSocketDir>() : std::nullopt),
      endpoints_(socket_dir_ ? PipelineEndpoints::in_folder(socket_dir_->path())
                             : PipelineEndpoints::on_loopback(config_.port_base)) {
  const auto& e = endpoints_;
  const auto logging = common_args();
  auto with_logging = [&](std::vector<std::string> argv) {
    argv.insert(argv.end(), logging.begin(), logging.end());
    return argv;
  };
  auto ventilator = ventilator_command(e, config_.data_dir);
  ventilator.insert(ventilator.end(), config_.ventilator_args.begin(),
                    config_.ventilator_args.end());
  ventilator_.emplace(with_logging(std::move(ventilator)));
  auto sink = sink_command(e, config_.data_dir);
  sink.insert(sink.end(), config_.sink_args.begin(), config_.sink_args.end());
  sink_.emplace(with_logging(std::move(sink)));
  for (int i = 0; i < config_.workers; ++i) {
    auto worker = worker_command(e, config_.concurrency);
    worker.insert(worker.end(), config_.worker_args.begin(), config_.worker_args.end());
    workers_.emplace_back(with_logging(std::move(worker)));
  }

  auto probe = ClientConfig::to(e.submit, std::chrono::milliseconds(500));
  probe.curve = config_.client_curve;
  Client client(probe);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    if (auto exited = find_exited()) throw std::runtime_error(*exited);
    if (client.status().ok()) return;
    if (std::chrono::steady_clock::now() >= give_up) {
      throw std::runtime_error("the ventilator did not answer at " + e.submit + " within 10 s");
    }
  }
}

LocalPipeline::~LocalPipeline() {
  if (!stopped_) stop();
}

std::optional<std::string> LocalPipeline::find_exited() {
  auto check = [](ChildProcess& child) -> std::optional<std::string> {
    if (!child.has_exited()) return std::nullopt;
    return child.name() + " " + describe_wait_status(*child.status());
  };
  if (ventilator_) {
    if (auto exited = check(*ventilator_)) return exited;
  }
  if (sink_) {
    if (auto exited = check(*sink_)) return exited;
  }
  for (auto& worker : workers_) {
    if (auto exited = check(worker)) return exited;
  }
  return std::nullopt;
}

bool LocalPipeline::stop() {
  stopped_ = true;
  bool clean = true;
  auto ended_well = [](int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; };
  // Workers first, all at once: they finish their running jobs and send the outcomes.
  for (auto& worker : workers_) worker.request_stop();
  for (auto& worker : workers_) clean = ended_well(worker.stop(std::chrono::seconds(40))) && clean;
  if (sink_) clean = ended_well(sink_->stop(std::chrono::seconds(10))) && clean;
  if (ventilator_) clean = ended_well(ventilator_->stop(std::chrono::seconds(10))) && clean;
  return clean;
}

}  // namespace zpipe
