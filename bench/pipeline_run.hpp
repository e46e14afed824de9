// PipelineRun: zpipe end to end, as a producer sees it. A real ventilator, sink and workers
// (LocalPipeline, on free loopback ports, in a fresh data folder), fed by the C++ client
// library; a job counts as done when the sink has recorded it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "client/client.hpp"
#include "front/local_pipeline.hpp"

namespace zpipe::bench {

struct PipelineRunConfig {
  std::string durability = "batched";
  int workers = 2;
  int slots = 2;
  bool curve = false;  // every connection with CURVE keys made for the run
};

class PipelineRun {
 public:
  explicit PipelineRun(const PipelineRunConfig& config);
  ~PipelineRun();

  // Submits `jobs` echo jobs (64-byte payloads) in batches of 1000 and waits until the sink has
  // recorded all of them (the ventilator's succeeded count, which moves on the sink's acks).
  // Seconds from the first submit to the last recorded.
  double throughput(std::uint64_t jobs);
  // The same jobs in one batch (opened, filled in requests of 1000, sealed) whose on_complete
  // is one more echo job; seconds from the opening to that callback recorded.
  double batch_throughput(std::uint64_t jobs);
  // `batches` batches of `jobs` echo jobs one after the other, each with an on_complete echo:
  // for each, the time from its last job's end to its callback's start, in ms (the programs'
  // wall clocks, as the store has them).
  std::vector<std::int64_t> callback_latency_ms(std::uint64_t batches, std::uint64_t jobs);
  // CPU time (user + system, all threads) each program used during the last throughput().
  struct CpuSeconds {
    double ventilator = 0;
    double sink = 0;
    double workers = 0;  // all of them
  };
  const CpuSeconds& last_cpu() const { return last_cpu_; }
  // Submit-to-recorded latency of `jobs` jobs sent one at a time, each after the last is
  // recorded; nanoseconds each.
  std::vector<std::int64_t> latency_one_in_flight(std::uint64_t jobs);
  // The same for `jobs` jobs submitted at `per_second`, in small batches every millisecond;
  // each timed from the start of the submit call that carried it.
  std::vector<std::int64_t> latency_at_rate(std::uint64_t jobs, double per_second);
  // Submits `jobs` jobs with payloads of about `payload_bytes` (no workers should be running)
  // and returns the ventilator's resident memory in bytes once all are accepted.
  std::uint64_t ventilator_rss_with_pending(std::uint64_t jobs, std::size_t payload_bytes = 64);
  int ventilator_pid() const { return pipeline_->ventilator_pid(); }
  const PipelineEndpoints& endpoints() const { return pipeline_->endpoints(); }
  // Resident memory of the first worker, in bytes.
  std::uint64_t worker_rss();

 private:
  void submit_all(std::uint64_t jobs, std::size_t payload_bytes = 64);

  std::filesystem::path dir_;
  std::unique_ptr<LocalPipeline> pipeline_;
  std::unique_ptr<Client> client_;
  CpuSeconds last_cpu_;
};

// User + system CPU time of a process and all its threads so far, in seconds.
double cpu_seconds(int pid);

// VmRSS of a process, in bytes (0 when it cannot be read).
std::uint64_t resident_bytes(int pid);
// VmHWM: the most it has had resident, in bytes.
std::uint64_t peak_resident_bytes(int pid);

}  // namespace zpipe::bench
