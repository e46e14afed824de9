#include "front/pipeline_endpoints.hpp"

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
  return {"zpipe-ventilator", "--data-dir",   data_dir.string(), "--submit",      e.submit,
          "--jobs",           e.jobs,         "--acks",          e.acks,          "--events-in",
          e.events_in,        "--events-out", e.events_out,      "--outcomes-to", e.outcomes};
}

std::vector<std::string> sink_command(const PipelineEndpoints& e,
                                      const std::filesystem::path& data_dir) {
  return {"zpipe-sink",  "--outcomes", e.outcomes,   "--acks-to",      e.acks,
          "--events-to", e.events_in,  "--data-dir", data_dir.string()};
}

std::vector<std::string> worker_command(const PipelineEndpoints& e, int concurrency) {
  return {"zpipe-worker",  "--jobs-from",   e.jobs,
          "--outcomes-to", e.outcomes,      "--events-to",
          e.events_in,     "--concurrency", std::to_string(concurrency)};
}

}  // namespace zpipe
