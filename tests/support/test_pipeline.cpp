#include "tests/support/test_pipeline.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "tests/support/program_run.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {

TestPipeline::TestPipeline(TestPipelineOptions options) : options_(std::move(options)) {
  // The ventilator and the sink bind ports the kernel picks and say which in their logs: no
  // port is chosen here and then taken by another test before a program binds it.
  const std::string any_port = "tcp://127.0.0.1:*";
  endpoints_ = {any_port, any_port, any_port, any_port, any_port, any_port};
  // The sink's outcomes on a path known before it starts: the ventilator, which starts first,
  // records the jobs it cancels there.
  if (!options_.outcomes_over_tcp)
    endpoints_.outcomes = "ipc://" + (dir() / "outcomes.ipc").string();
  if (options_.data_dir_bytes > 0)
    data_dir_filesystem_.emplace(data_dir(), options_.data_dir_bytes);
  ventilator_.emplace(start_program("ventilator", ventilator_argv()));
  const auto ventilator_log = log_of("ventilator");
  endpoints_.submit = logged_endpoint(ventilator_log, "submit on ");
  endpoints_.jobs = logged_endpoint(ventilator_log, "jobs on ");
  endpoints_.acks = logged_endpoint(ventilator_log, "acks on ");
  endpoints_.events_in = logged_endpoint(ventilator_log, "components publish to ");
  endpoints_.events_out = logged_endpoint(ventilator_log, "monitors subscribe at ");
  sink_.emplace(start_program("sink", sink_argv()));
  if (options_.outcomes_over_tcp) {
    endpoints_.outcomes = logged_endpoint(log_of("sink"), "outcomes on ");
  }
  for (int i = 0; i < options_.workers; ++i) add_worker();
}

std::string TestPipeline::logged_endpoint(const std::string& log, const std::string& after) {
  const auto at = log.find(after);
  if (at == std::string::npos) throw std::runtime_error("no \"" + after + "\" in:\n" + log);
  const auto start = at + after.size();
  const auto end = log.find_first_of(" ,\n", start);
  return log.substr(start, end - start);
}

std::vector<std::string> TestPipeline::ventilator_argv() const {
  auto argv = ventilator_command(endpoints_, data_dir());
  argv.front() = program("zpipe-ventilator");
  // One attempt unless a test asks for more: most tests check what a failure records, and
  // retries (tested on their own) would only make them wait.
  argv.insert(argv.end(), {"--max-attempts", "1"});
  argv.insert(argv.end(), options_.ventilator_args.begin(), options_.ventilator_args.end());
  return argv;
}

std::vector<std::string> TestPipeline::sink_argv() const {
  auto argv = sink_command(endpoints_, data_dir());
  argv.front() = program("zpipe-sink");
  argv.insert(argv.end(), options_.sink_args.begin(), options_.sink_args.end());
  return argv;
}

TestPipeline::~TestPipeline() = default;  // ChildProcess kills and reaps

ChildProcess TestPipeline::start_program(const std::string& name, std::vector<std::string> argv) {
  // A restarted program appends to its log: its "ready" is the one after what is there now.
  const auto logged_before = log_of(name).size();
  ChildProcess child(std::move(argv),
                     ChildOptions{dir() / (name + ".out"), dir() / (name + ".log"), {}});
  const bool ready = wait_until(
      [&] {
        return log_of(name).find(": ready", logged_before) != std::string::npos ||
               child.has_exited();
      },
      std::chrono::seconds(20));
  if (!ready || child.has_exited()) {
    throw std::runtime_error(name + " did not become ready; its log:\n" + log_of(name));
  }
  return child;
}

void TestPipeline::add_worker(const std::vector<std::string>& extra_args) {
  auto e = endpoints_;
  if (!options_.worker_events_to.empty()) e.events_in = options_.worker_events_to;
  auto argv = worker_command(e, options_.concurrency);
  argv.front() = program(options_.worker_program);
  argv.insert(argv.begin() + 1, options_.worker_program_args.begin(),
              options_.worker_program_args.end());
  argv.insert(argv.end(), options_.worker_args.begin(), options_.worker_args.end());
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  const auto name = "worker-" + std::to_string(workers_.size());
  workers_.emplace_back(name, start_program(name, std::move(argv)));
}

Client TestPipeline::client() const {
  auto config = ClientConfig::to(endpoints_.submit, std::chrono::seconds(10));
  config.curve = options_.client_curve;
  return Client(config);
}

bool TestPipeline::wait_for_finished(std::uint64_t count, std::chrono::milliseconds timeout) {
  auto c = client();
  return wait_until(
      [&] {
        auto status = c.status();
        return status.ok() && status.value().succeeded + status.value().dead >= count;
      },
      timeout, std::chrono::milliseconds(50));
}

std::unique_ptr<OutcomeStore> TestPipeline::store() const {
  return std::make_unique<OutcomeStore>(outcome_store_path(data_dir()),
                                        OutcomeStore::Access::kReadOnly);
}

std::vector<std::string> TestPipeline::exited_programs() {
  std::vector<std::string> exited;
  if (ventilator_ && ventilator_->has_exited()) exited.push_back("ventilator");
  if (sink_ && sink_->has_exited()) exited.push_back("sink");
  for (auto& [name, worker] : workers_) {
    if (worker.has_exited()) exited.push_back(name);
  }
  return exited;
}

void TestPipeline::kill_worker(std::size_t index) {
  auto& [name, worker] = workers_.at(index);
  worker.send_signal(SIGKILL);
  (void)worker.wait_for(std::chrono::seconds(10));
  killed_.insert(name);
}

void TestPipeline::crash_and_restart_ventilator() {
  ventilator_->send_signal(SIGKILL);
  (void)ventilator_->wait_for(std::chrono::seconds(10));
  ventilator_.reset();
  ventilator_.emplace(start_program("ventilator", ventilator_argv()));  // on the same ports
}

void TestPipeline::crash_and_restart_sink() {
  sink_->send_signal(SIGKILL);
  (void)sink_->wait_for(std::chrono::seconds(10));
  sink_.reset();
  sink_.emplace(start_program("sink", sink_argv()));
  if (options_.outcomes_over_tcp) {
    endpoints_.outcomes = logged_endpoint(log_of("sink"), "outcomes on ");
  }
}

std::string TestPipeline::log_of(const std::string& name) const {
  std::ifstream in(dir_.path() / (name + ".log"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool TestPipeline::stop() {
  bool clean = true;
  // A program that did not stop cleanly is named, with its log, to explain the failure.
  auto check = [&](const std::string& name, int status) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    clean = false;
    std::cerr << name << " " << describe_wait_status(status) << "; its log:\n"
              << log_of(name) << "\n";
  };
  for (auto& [name, worker] : workers_) {
    if (!killed_.contains(name)) worker.request_stop();
  }
  for (auto& [name, worker] : workers_) {
    if (!killed_.contains(name)) check(name, worker.stop(std::chrono::seconds(20)));
  }
  if (sink_) check("sink", sink_->stop(std::chrono::seconds(10)));
  if (ventilator_) check("ventilator", ventilator_->stop(std::chrono::seconds(10)));
  return clean;
}

}  // namespace zpipe::test
