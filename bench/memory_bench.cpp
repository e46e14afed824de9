// zpipe-memory-bench: what the ventilator holds in memory when producers outrun the workers:
// many small jobs pending, large jobs pending (their payloads stay in the journal), and a flood
// of requests it refuses, from several connections at once, none reading its replies. For the
// flood, the same from a bare ZeroMQ ROUTER at its default queue length, measured in the same
// run: what libzmq alone would hold.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "bench/pipeline_run.hpp"
#include "common/command_line.hpp"
#include "common/protocol.hpp"
#include "front/free_ports.hpp"

namespace zpipe::bench {
namespace {

struct Options {
  std::uint64_t pending = 1'000'000;
  std::uint64_t large_pending = 10'000;
  std::size_t large_bytes = 1'000'000;
  int connections = 4;
  int flood_messages = 500;
  bool smoke = false;
};

double mib(std::uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

// A submit the ventilator refuses (its one job is too large for a job message) of about 1 MiB.
std::string refused_request(std::uint64_t req) {
  const std::string blob(1'040'000, 'x');
  return encode(SubmitRequest{req, {JobSpec{"echo", Payload::from_json({{"blob", blob}}), 0, 0}}});
}

// `connections` DEALERs each send `messages` requests to `endpoint` without reading a reply.
void flood(const std::string& endpoint, int connections, int messages) {
  zmq::context_t context(1);
  std::vector<std::thread> senders;
  for (int c = 0; c < connections; ++c) {
    senders.emplace_back([&context, &endpoint, messages, c] {
      zmq::socket_t dealer(context, zmq::socket_type::dealer);
      dealer.set(zmq::sockopt::linger, 0);
      dealer.connect(endpoint);
      for (int i = 0; i < messages; ++i) {
        const auto body = refused_request(static_cast<std::uint64_t>(c * messages + i + 1));
        (void)dealer.send(zmq::buffer(body), zmq::send_flags::none);
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));  // let the receiver catch up
    });
  }
  for (auto& s : senders) s.join();
}

// The peak resident memory of a process of its own holding a bare ROUTER on a free port while
// the same flood comes in, read at the pace of a reader that spends `per_message` on each.
std::uint64_t bare_router_peak(int connections, int messages,
                               std::chrono::microseconds per_message) {
  const auto endpoint = "tcp://127.0.0.1:" + std::to_string(free_consecutive_ports(1));
  int report[2];
  if (::pipe(report) != 0) return 0;
  const pid_t child = ::fork();  // before this process makes any thread of its own here
  if (child == 0) {
    ::close(report[0]);
    {
      zmq::context_t context(1);
      zmq::socket_t router(context, zmq::socket_type::router);
      router.bind(endpoint);
      const auto total = static_cast<long>(connections) * messages;
      for (long got = 0; got < total; ++got) {
        zmq::message_t identity, body;
        if (!router.recv(identity) || !router.recv(body)) break;
        std::this_thread::sleep_for(per_message);
      }
    }
    const auto peak = peak_resident_bytes(static_cast<int>(::getpid()));
    (void)!::write(report[1], &peak, sizeof peak);
    ::_exit(0);
  }
  ::close(report[1]);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // it binds
  flood(endpoint, connections, messages);
  std::uint64_t peak = 0;
  (void)!::read(report[0], &peak, sizeof peak);
  ::close(report[0]);
  ::waitpid(child, nullptr, 0);
  return peak;
}

int run(const Options& o) {
  std::cout << "zpipe-memory-bench: the ventilator's resident memory (batched durability, no "
               "workers)\n\n";
  std::uint64_t small = 0;
  {
    PipelineRun run(PipelineRunConfig{"batched", 0, 1, false});
    small = run.ventilator_rss_with_pending(o.pending, 64);
  }
  std::printf("  %-52s %8.1f MiB\n",
              (std::to_string(o.pending) + " jobs of 64 bytes pending").c_str(), mib(small));
  std::fflush(stdout);
  std::uint64_t large = 0;
  {
    PipelineRun run(PipelineRunConfig{"batched", 0, 1, false});
    large = run.ventilator_rss_with_pending(o.large_pending, o.large_bytes);
  }
  std::printf("  %-52s %8.1f MiB\n",
              (std::to_string(o.large_pending) + " jobs of " + std::to_string(o.large_bytes) +
               " bytes pending")
                  .c_str(),
              mib(large));
  std::fflush(stdout);
  std::uint64_t flooded = 0;
  {
    PipelineRun run(PipelineRunConfig{"batched", 0, 1, false});
    flood(run.endpoints().submit, o.connections, o.flood_messages);
    flooded = peak_resident_bytes(run.ventilator_pid());
  }
  const auto label = std::to_string(o.connections) + " x " + std::to_string(o.flood_messages) +
                     " refused 1 MiB requests, peak";
  std::printf("  %-52s %8.1f MiB\n", label.c_str(), mib(flooded));
  // The bare ROUTER's reader takes 1 ms a message, slower than the senders, as the ventilator is.
  const auto bare = bare_router_peak(o.connections, o.flood_messages, std::chrono::milliseconds(1));
  std::printf("  %-52s %8.1f MiB\n", "the same into a bare ROUTER (1,000-message queue), peak",
              mib(bare));

  std::cout << "\ntargets\n";
  const auto verdict = [](bool met) { return met ? "met" : "NOT met"; };
  if (o.pending >= 1'000'000) {
    std::cout << "  1,000,000 small jobs pending <= 256 MiB: " << verdict(small <= 256ull << 20)
              << "\n";
  }
  if (o.large_pending >= 10'000 && o.large_bytes >= 1'000'000) {
    std::cout << "  10,000 jobs of 1 MB pending <= 512 MiB:  " << verdict(large <= 512ull << 20)
              << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace zpipe::bench

int main(int argc, char** argv) {
  zpipe::bench::Options options;
  CLI::App app{
      "Measures the ventilator's memory with many small or large jobs pending and under a flood "
      "of refused requests from several connections (the full run writes about 10 GB of "
      "journal and takes a few minutes; --smoke, seconds)."};
  app.add_option("--pending", options.pending, "small jobs held pending")->capture_default_str();
  app.add_option("--large-pending", options.large_pending, "large jobs held pending")
      ->capture_default_str();
  app.add_option("--large-bytes", options.large_bytes, "payload of each large job")
      ->check(CLI::Range(std::size_t{2000}, std::size_t{1'040'000}))
      ->capture_default_str();
  app.add_option("--connections", options.connections, "producers flooding at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--flood-messages", options.flood_messages, "requests each sends")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  app.add_flag("--smoke", options.smoke, "a few of everything (CI runs this)");
  if (const auto exit_code = zpipe::parse_command_line(app, argc, argv)) return *exit_code;
  if (options.smoke) {
    options.pending = 5'000;
    options.large_pending = 50;
    options.flood_messages = 20;
  }
  try {
    return zpipe::bench::run(options);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-memory-bench: " << e.what() << "\n";
    return 1;
  }
}
