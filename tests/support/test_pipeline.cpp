#include "tests/support/test_pipeline.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "front/free_ports.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {

TestPipeline::TestPipeline(TestPipelineOptions options) : options_(std::move(options)) {
  const auto ports = free_tcp_ports(6);
  auto at = [&](int i) {
    return "tcp://127.0.0.1:" + std::to_string(ports[static_cast<std::size_t>(i)]);
  };
  endpoints_ = {at(0), at(1), at(2), at(3), at(4), at(5)};
  const auto& e = endpoints_;
  auto ventilator = ventilator_command(e, data_dir());
  ventilator.front() = program("zpipe-ventilator");
  // One attempt unless a test asks for more: most tests check what a failure records, and
  // retries (tested on their own) would only make them wait.
  ventilator.insert(ventilator.end(), {"--max-attempts", "1"});
  ventilator.insert(ventilator.end(), options_.ventilator_args.begin(),
                    options_.ventilator_args.end());
  ventilator_argv_ = ventilator;
  ventilator_.emplace(start_program("ventilator", std::move(ventilator)));
  auto sink = sink_command(e, data_dir());
  sink.front() = program("zpipe-sink");
  sink.insert(sink.end(), options_.sink_args.begin(), options_.sink_args.end());
  sink_argv_ = sink;
  sink_.emplace(start_program("sink", std::move(sink)));
  for (int i = 0; i < options_.workers; ++i) add_worker();
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
  ventilator_.emplace(start_program("ventilator", ventilator_argv_));
}

void TestPipeline::crash_and_restart_sink() {
  sink_->send_signal(SIGKILL);
  (void)sink_->wait_for(std::chrono::seconds(10));
  sink_.reset();
  sink_.emplace(start_program("sink", sink_argv_));
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
