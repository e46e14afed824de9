// The six endpoints that make one pipeline, and the command lines that start its programs on
// them (`zpipe up`, `zpipe demo`, `zpipe thumbnail` and the tests start pipelines this way).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace zpipe {

struct PipelineEndpoints {
  std::string submit, jobs, outcomes, acks, events_in, events_out;
  // tcp://127.0.0.1:<base> ... <base+5>, in the order above.
  static PipelineEndpoints on_loopback(int port_base);
  // ipc://DIR/submit, ipc://DIR/jobs, ... in the order above.
  static PipelineEndpoints in_folder(const std::filesystem::path& dir);
};

// Command lines that start each program on `endpoints`; argv[0] is the bare program name
// ("zpipe-sink"), for the caller to replace with where it is.
std::vector<std::string> ventilator_command(const PipelineEndpoints& endpoints,
                                            const std::filesystem::path& data_dir);
std::vector<std::string> sink_command(const PipelineEndpoints& endpoints,
                                      const std::filesystem::path& data_dir);
std::vector<std::string> worker_command(const PipelineEndpoints& endpoints, int concurrency);

}  // namespace zpipe
