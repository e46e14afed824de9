#include "bench/bare_chain.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <msgpack.hpp>
#include <zmq.hpp>

#include "front/free_ports.hpp"

namespace zpipe::bench {
namespace {

enum class SinkMode { kCount, kLatency, kLatencyOneInFlight };

constexpr std::size_t kPayloadBytes = 64;
constexpr std::int64_t kWarmUp = -1;  // a job's "t" that only says the chain is connected

std::int64_t now_ns() {
  // CLOCK_MONOTONIC: one clock for every process on the host.
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string tcp(int port) { return "tcp://127.0.0.1:" + std::to_string(port); }

void pack_str(msgpack::packer<msgpack::sbuffer>& out, std::string_view text) {
  out.pack_str(static_cast<std::uint32_t>(text.size()));
  out.pack_str_body(text.data(), static_cast<std::uint32_t>(text.size()));
}

// A job or an outcome as the chain sends them: zpipe's shape, no guarantees. `label` is the
// job's type or the outcome's status, `bytes` its payload or result; `t` rides along.
void encode_message(msgpack::sbuffer& buffer, bool is_job, std::string_view id,
                    std::string_view label, std::string_view bytes, std::int64_t t) {
  buffer.clear();
  msgpack::packer<msgpack::sbuffer> out(buffer);
  out.pack_map(6);
  pack_str(out, "v");
  out.pack(1);
  pack_str(out, "k");
  pack_str(out, is_job ? "job" : "outcome");
  pack_str(out, "id");
  pack_str(out, id);
  pack_str(out, is_job ? "type" : "status");
  pack_str(out, label);
  pack_str(out, is_job ? "payload" : "result");
  out.pack_bin(static_cast<std::uint32_t>(bytes.size()));
  out.pack_bin_body(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
  pack_str(out, "t");
  out.pack(t);
}

std::string encode_job(std::uint64_t n, std::int64_t t, const std::string& payload) {
  msgpack::sbuffer buffer(160);
  encode_message(buffer, true, "b-" + std::to_string(n), "echo", payload, t);
  return std::string(buffer.data(), buffer.size());
}

// The fields of a job or outcome map that the chain reads back.
struct Decoded {
  std::string_view id;
  std::string_view payload;
  std::int64_t t = 0;
};

Decoded decode(const zmq::message_t& message, msgpack::object_handle& handle) {
  msgpack::unpack(handle, message.data<char>(), message.size());
  Decoded decoded;
  const auto& map = handle.get().via.map;
  for (std::uint32_t i = 0; i < map.size; ++i) {
    const auto key = map.ptr[i].key.as<std::string_view>();
    const auto& value = map.ptr[i].val;
    if (key == "id") decoded.id = value.as<std::string_view>();
    if (key == "payload" || key == "result") {
      decoded.payload = std::string_view(value.via.bin.ptr, value.via.bin.size);
    }
    if (key == "t") decoded.t = value.as<std::int64_t>();
  }
  return decoded;
}

[[noreturn]] void run_worker(int jobs_port, int outcomes_port) {
  zmq::context_t context(1);
  zmq::socket_t jobs(context, zmq::socket_type::pull);
  zmq::socket_t outcomes(context, zmq::socket_type::push);
  jobs.connect(tcp(jobs_port));
  outcomes.connect(tcp(outcomes_port));
  msgpack::object_handle handle;
  msgpack::sbuffer buffer(160);
  while (true) {
    zmq::message_t message;
    if (!jobs.recv(message)) continue;
    const auto job = decode(message, handle);
    encode_message(buffer, false, job.id, "succeeded", job.payload, job.t);
    outcomes.send(zmq::buffer(buffer.data(), buffer.size()));
  }
}

// Counts (or times) `jobs` outcomes, then reports to the parent on `report_port`: the last
// receipt time (kCount) or every sample (latency modes). A warm-up outcome is answered at once.
[[noreturn]] void run_sink(int outcomes_port, int report_port, SinkMode mode, std::uint64_t jobs) {
  zmq::context_t context(1);
  zmq::socket_t outcomes(context, zmq::socket_type::pull);
  zmq::socket_t report(context, zmq::socket_type::push);
  outcomes.bind(tcp(outcomes_port));
  report.connect(tcp(report_port));
  msgpack::object_handle handle;
  std::vector<std::int64_t> samples;
  samples.reserve(mode == SinkMode::kCount ? 0 : jobs);
  std::uint64_t received = 0;
  while (received < jobs) {
    zmq::message_t message;
    if (!outcomes.recv(message)) continue;
    const auto at = now_ns();
    const auto outcome = decode(message, handle);
    if (outcome.t == kWarmUp) {
      report.send(zmq::str_buffer("warm"));
      continue;
    }
    ++received;
    if (mode != SinkMode::kCount) samples.push_back(at - outcome.t);
    if (mode == SinkMode::kLatencyOneInFlight) report.send(zmq::str_buffer("next"));
    if (mode == SinkMode::kCount && received == jobs) samples.push_back(at);
  }
  report.send(zmq::buffer(samples.data(), samples.size() * sizeof(std::int64_t)));
  report.set(zmq::sockopt::linger, 10'000);
  report.close();
  outcomes.close();
  context.close();
  ::_exit(0);
}

// The chain's worker and sink as child processes, the parent as its ventilator.
class Chain {
 public:
  Chain(int workers, SinkMode mode, std::uint64_t jobs) {
    const auto ports = free_tcp_ports(3);
    // Forked before this process makes a ZeroMQ context: a context does not survive fork().
    spawn([&] { run_sink(ports[1], ports[2], mode, jobs); });
    for (int i = 0; i < workers; ++i) spawn([&] { run_worker(ports[0], ports[1]); });
    context_.emplace(1);
    jobs_ = zmq::socket_t(*context_, zmq::socket_type::push);
    report_ = zmq::socket_t(*context_, zmq::socket_type::pull);
    jobs_.set(zmq::sockopt::linger, 0);  // the children are killed with whatever they hold
    report_.set(zmq::sockopt::linger, 0);
    jobs_.bind(tcp(ports[0]));
    report_.bind(tcp(ports[2]));
    // Every worker connected and the sink listening: warm-up jobs come back.
    report_.set(zmq::sockopt::rcvtimeo, 100);
    for (int warm = 0; warm < workers;) {
      jobs_.send(zmq::buffer(encode_job(0, kWarmUp, payload_)));
      zmq::message_t answer;
      if (report_.recv(answer)) ++warm;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    zmq::message_t stray;
    while (report_.recv(stray, zmq::recv_flags::dontwait)) {
    }
    report_.set(zmq::sockopt::rcvtimeo, -1);
  }

  ~Chain() {
    jobs_.close();
    report_.close();
    for (const pid_t pid : children_) ::kill(pid, SIGKILL);
    for (const pid_t pid : children_) ::waitpid(pid, nullptr, 0);
  }

  void send(std::uint64_t n, std::int64_t t) {
    jobs_.send(zmq::buffer(encode_job(n, t, payload_)));
  }

  std::vector<std::int64_t> receive_report() {
    zmq::message_t message;
    (void)report_.recv(message);
    std::vector<std::int64_t> values(message.size() / sizeof(std::int64_t));
    if (!values.empty()) {
      std::memcpy(values.data(), message.data(), values.size() * sizeof(std::int64_t));
    }
    return values;
  }

 private:
  template <class Body>
  void spawn(Body body) {
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      // Not one to outlive the bench, however it ends: it would hold its output open.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      body();
    }
    children_.push_back(pid);
  }

  std::vector<pid_t> children_;
  std::string payload_ = std::string(kPayloadBytes, 'p');
  std::optional<zmq::context_t> context_;  // made after the fork()s
  zmq::socket_t jobs_;
  zmq::socket_t report_;
};

}  // namespace

BareChainResult bare_chain_throughput(std::uint64_t jobs, int workers) {
  Chain chain(workers, SinkMode::kCount, jobs);
  // Encoding is part of the ventilator's work per job, as in zpipe: not done ahead.
  const auto start = now_ns();
  for (std::uint64_t n = 1; n <= jobs; ++n) chain.send(n, 0);
  const auto last = chain.receive_report();
  BareChainResult result;
  result.seconds = static_cast<double>(last.at(0) - start) / 1e9;
  return result;
}

BareChainResult bare_chain_latency_one_in_flight(std::uint64_t jobs) {
  Chain chain(1, SinkMode::kLatencyOneInFlight, jobs);
  for (std::uint64_t n = 1; n <= jobs; ++n) {
    chain.send(n, now_ns());
    (void)chain.receive_report();  // "next"
  }
  BareChainResult result;
  result.latency_ns = chain.receive_report();
  return result;
}

BareChainResult bare_chain_latency_at_rate(std::uint64_t jobs, double per_second) {
  Chain chain(1, SinkMode::kLatency, jobs);
  const double interval_ns = 1e9 / per_second;
  const auto start = now_ns();
  for (std::uint64_t n = 1; n <= jobs;) {
    // Whatever is due goes now, stamped as it goes; then a short sleep.
    const auto due =
        static_cast<std::uint64_t>(static_cast<double>(now_ns() - start) / interval_ns);
    for (; n <= jobs && n <= due; ++n) chain.send(n, now_ns());
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
  BareChainResult result;
  result.latency_ns = chain.receive_report();
  return result;
}

}  // namespace zpipe::bench
