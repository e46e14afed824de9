// LocalPipeline: a ventilator, a sink and N workers started on this host as child processes,
// as `zpipe up` and `zpipe demo` run them; stopped in order (workers, sink, ventilator) so that
// every outcome of a finished job is recorded before the programs exit.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/curve_setup.hpp"
#include "front/child_process.hpp"
#include "front/line_relay.hpp"
#include "front/pipeline_endpoints.hpp"
#include "front/private_socket_dir.hpp"

namespace zpipe {

struct LocalPipelineConfig {
  int port_base = 5570;  // the defaults of every program
  // The programs meet on ipc:// sockets in a PrivateSocketDir instead of the six ports from
  // port_base: for a pipeline a command starts for itself (thumbnail, demo).
  bool private_sockets = false;
  int workers = 2;
  int concurrency = 1;  // slots per worker
  std::filesystem::path data_dir;
  std::string log_level = "info";
  std::filesystem::path log_file;            // empty: the programs log to this terminal
  std::vector<std::string> ventilator_args;  // more flags for the ventilator (--durability ...)
  std::vector<std::string> worker_args;      // more flags for every worker (--isolate ...)
  std::vector<std::string> sink_args;        // more flags for the sink (--curve-secret ...)
  CurveSetup client_curve;                   // how to reach the ventilator, to see it is up
  // Set: a zpipe-web is run too, listening there (HOST:PORT), with web_args (its CURVE flags).
  std::string web_listen{};
  std::vector<std::string> web_args{};
};

class LocalPipeline {
 public:
  // Starts everything and waits until the ventilator answers. Throws std::runtime_error with
  // the reason (a program that exited at start, no answer within 10 s).
  explicit LocalPipeline(LocalPipelineConfig config);
  ~LocalPipeline();  // stop()s if still running

  const PipelineEndpoints& endpoints() const { return endpoints_; }
  // The identity its ventilator answers with (the journal's: kept across runs on a data dir).
  const std::string& pipeline() const { return pipeline_; }
  pid_t ventilator_pid() const { return ventilator_ ? ventilator_->pid() : -1; }
  pid_t sink_pid() const { return sink_ ? sink_->pid() : -1; }
  pid_t worker_pid(std::size_t index) const { return workers_.at(index).pid(); }
  std::size_t worker_count() const { return workers_.size(); }
  // The command line of one more worker of this pipeline (zpipe up --autoscale starts them).
  std::vector<std::string> worker_argv() const;
  // A program that has ended on its own, described with the last line it wrote
  // ("zpipe-sink exited with status 1: cannot bind ...").
  std::optional<std::string> find_exited();
  // Stops workers, then sink, then ventilator, each with SIGTERM. Returns false if any
  // program ended with a failure.
  bool stop();

 private:
  std::vector<std::string> common_args() const;
  // `argv` with its program found by program_path() and the logging flags added.
  std::vector<std::string> with_logging(std::vector<std::string> argv) const;

  LocalPipelineConfig config_;
  // The programs' output, line by line: to this terminal's stderr, or to the log file so that
  // what a program says on its way out (it cannot bind, its data directory is in use) is there
  // with the rest of its log.
  std::optional<LineRelay> relay_;
  std::optional<PrivateSocketDir> socket_dir_;  // with private_sockets; outlives the programs
  PipelineEndpoints endpoints_;
  std::string pipeline_;
  std::vector<ChildProcess> workers_;
  std::optional<ChildProcess> sink_;
  std::optional<ChildProcess> ventilator_;
  std::optional<ChildProcess> web_;
  // The relay's source of each program: ventilator 0, sink 1, workers 2..., then the web.
  static constexpr std::size_t kVentilatorSource = 0, kSinkSource = 1, kFirstWorkerSource = 2;
  bool stopped_ = false;
};

}  // namespace zpipe
