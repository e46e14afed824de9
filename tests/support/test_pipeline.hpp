// TestPipeline: the real programs (ventilator, sink, workers) started on ports they bind themselves
// in a temporary directory, each logging to its own file, ready when each has logged "ready".
// Everything is killed and reaped on destruction, whatever the test did.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/client.hpp"
#include "common/outcome_store.hpp"
#include "front/child_process.hpp"
#include "front/pipeline_endpoints.hpp"
#include "tests/support/small_filesystem.hpp"
#include "tests/support/temp_dir.hpp"

namespace zpipe::test {

struct TestPipelineOptions {
  TestPipelineOptions(int worker_count = 2, int slots = 1)
      : workers(worker_count), concurrency(slots) {}
  int workers;
  int concurrency;
  std::vector<std::string> worker_args;      // extra flags for every worker
  std::vector<std::string> ventilator_args;  // extra flags for the ventilator
  std::vector<std::string> sink_args;        // extra flags for the sink
  CurveSetup client_curve;                   // how client() connects (CURVE pipelines)
  std::string worker_program = "zpipe-worker";
  // Arguments between the worker program and its flags: {"worker"} for a program whose first
  // argument names its role (examples/upload_batch).
  std::vector<std::string> worker_program_args;
  // Where workers send events, when not to the pipeline's hub (an endpoint nobody listens on
  // shows that no job depends on an event arriving).
  std::string worker_events_to;
  // Non-zero: the data dir is a filesystem of its own, of this many bytes (a SmallFilesystem:
  // check SmallFilesystem::cannot_mount() first).
  std::uint64_t data_dir_bytes = 0;
  // The sink takes outcomes on TCP (a port it picks) rather than on a path in dir(): for tests
  // of what reaches a TCP port. The ventilator, started before the sink, then cannot record the
  // jobs it cancels before they run.
  bool outcomes_over_tcp = false;
};

class TestPipeline {
 public:
  explicit TestPipeline(TestPipelineOptions options = {});
  ~TestPipeline();

  const PipelineEndpoints& endpoints() const { return endpoints_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path data_dir() const { return dir_.path() / "data"; }
  // With options.data_dir_bytes: the data dir's filesystem.
  const SmallFilesystem& data_dir_filesystem() const { return *data_dir_filesystem_; }

  // Starts one more worker (with options.worker_args plus `extra_args`); waits for "ready".
  void add_worker(const std::vector<std::string>& extra_args = {});
  // Starts any program with its stderr in dir()/NAME.log; waits for its "ready" line.
  ChildProcess start_program(const std::string& name, std::vector<std::string> argv);
  // A client of this pipeline's ventilator.
  Client client() const;
  // Waits until the ventilator counts `count` jobs as finished (succeeded + dead).
  bool wait_for_finished(std::uint64_t count, std::chrono::milliseconds timeout);
  // The sink's store, opened read-only.
  std::unique_ptr<OutcomeStore> store() const;
  // Names of programs that have ended (they should all still be running).
  std::vector<std::string> exited_programs();
  // What a program logged so far ("ventilator", "sink", "worker-0", ...).
  std::string log_of(const std::string& name) const;
  // Stops everything in order; true when every program exited 0 (killed workers aside).
  bool stop();

  // The programs themselves, for tests that signal them.
  ChildProcess& ventilator() { return *ventilator_; }
  ChildProcess& sink() { return *sink_; }
  ChildProcess& worker(std::size_t index) { return workers_.at(index).second; }
  std::size_t worker_count() const { return workers_.size(); }
  // SIGKILLs a worker and reaps it; stop() then leaves it out.
  void kill_worker(std::size_t index);
  // SIGKILL, reap, start again with the same arguments and data; waits for "ready". The log
  // goes on in the same file.
  void crash_and_restart_ventilator();
  void crash_and_restart_sink();

 private:
  // Command lines on endpoints_ (with "*" ports at first, the bound ones after).
  std::vector<std::string> ventilator_argv() const;
  std::vector<std::string> sink_argv() const;
  // The endpoint a program logged after `after` ("submit on tcp://127.0.0.1:41234 ...").
  static std::string logged_endpoint(const std::string& log, const std::string& after);

  TestPipelineOptions options_;
  TempDir dir_;
  std::optional<SmallFilesystem> data_dir_filesystem_;  // unmounted after the programs end
  PipelineEndpoints endpoints_;
  std::vector<std::pair<std::string, ChildProcess>> workers_;
  std::optional<ChildProcess> sink_;
  std::optional<ChildProcess> ventilator_;
  std::set<std::string> killed_;
};

}  // namespace zpipe::test
