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
  // When set, this library (libzpipe-malloc-count.so) is preloaded into the programs, which then
  // count their allocations (last_allocations()).
  std::string malloc_count_library{};
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
  // CPU time (user + system, all threads) each program used during the last throughput() or
  // latency_poisson().
  struct CpuSeconds {
    double ventilator = 0;
    double sink = 0;
    double workers = 0;  // all of them
    CpuSeconds operator-(const CpuSeconds& before) const;
  };
  const CpuSeconds& last_cpu() const { return last_cpu_; }
  // Allocations (malloc, calloc, realloc, aligned) each program made during the last
  // throughput(); all zero unless the config named the counting library.
  struct Allocations {
    std::uint64_t ventilator = 0;
    std::uint64_t sink = 0;
    std::uint64_t workers = 0;  // all of them
    Allocations operator-(const Allocations& before) const;
  };
  const Allocations& last_allocations() const { return last_allocations_; }
  bool counts_allocations() const { return !malloc_count_dir_.empty(); }
  // Submit-to-recorded latency of `jobs` jobs sent one at a time, each after the last is
  // recorded; nanoseconds each.
  std::vector<std::int64_t> latency_one_in_flight(std::uint64_t jobs);
  // Where a job's time went (ns; from the programs' wall clocks in ms, so each is +-1 ms): due
  // to accepted by the ventilator (created_ms), accepted to started by a worker, started to
  // finished, finished to recorded.
  struct PoissonStages {
    std::vector<std::int64_t> accepted, started, finished, recorded;
  };
  // `jobs` jobs arriving one by one at `per_second` in all, as a Poisson process, from
  // `producers` threads of their own: each sends every job as a submit of its own when it is
  // due, without waiting for the replies to those before (as a web server's many requests do).
  // Each job is timed from the moment it was due to the sink's recorded_ms (its wall clock as
  // it commits, in ms: counted from the middle of that ms), read from the store afterwards.
  // `offered_per_second` gets the rate the producers kept; `stages`, when given, each job's.
  std::vector<std::int64_t> latency_poisson(std::uint64_t jobs, double per_second, int producers,
                                            double* offered_per_second,
                                            PoissonStages* stages = nullptr);
  // Submits `jobs` jobs with payloads of about `payload_bytes` (no workers should be running)
  // and returns the ventilator's resident memory in bytes once all are accepted.
  std::uint64_t ventilator_rss_with_pending(std::uint64_t jobs, std::size_t payload_bytes = 64);
  int ventilator_pid() const { return pipeline_->ventilator_pid(); }
  const PipelineEndpoints& endpoints() const { return pipeline_->endpoints(); }
  // Resident memory of the first worker, in bytes.
  std::uint64_t worker_rss();

 private:
  void submit_all(std::uint64_t jobs, std::size_t payload_bytes = 64);
  std::uint64_t allocations_of(int pid) const;
  CpuSeconds cpu_now() const;

  std::filesystem::path dir_;
  std::filesystem::path malloc_count_dir_;  // empty: allocations are not counted
  std::unique_ptr<LocalPipeline> pipeline_;
  ClientConfig client_config_;
  std::unique_ptr<Client> client_;
  CpuSeconds last_cpu_;
  Allocations last_allocations_;
};

// User + system CPU time of a process and all its threads so far, in seconds.
double cpu_seconds(int pid);

// VmRSS of a process, in bytes (0 when it cannot be read).
std::uint64_t resident_bytes(int pid);
// VmHWM: the most it has had resident, in bytes.
std::uint64_t peak_resident_bytes(int pid);

}  // namespace zpipe::bench
