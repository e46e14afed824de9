// 100,000 random and mutated frames against every bound socket of a running pipeline, in the
// clear and with CURVE, while a producer's jobs go through: every program keeps running and
// every legitimate job is recorded correctly. With CURVE, half the flood comes from a trusted
// key (an insider: the decoders see it) and half from an untrusted one (refused at the door).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "common/protocol.hpp"
#include "common/socket.hpp"
#include "tests/support/curve_key_sets.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/unchecked_for_leaks.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kFloodFrames = 100'000;

// Valid messages of every kind a bound socket takes, about ids no real job has: a mutation that
// still decodes cannot touch the producer's jobs.
std::vector<std::string> message_templates() {
  const auto payload = Payload::from_json(nlohmann::json{{"n", 1}, {"s", "text"}});
  return {
      encode(SubmitRequest{1, {JobSpec{"no-such-type", payload, 1000, 1}}}),
      encode(StatusRequest{2}),
      encode(DeadJobsRequest{3, DeadJobsRequest::Action::kRetry, {{"hostile-1"}, false, ""}}),
      encode(Outcome{"hostile-1", "echo", 1, 1, OutcomeStatus::kSucceeded, "", "", payload,
                     "hostile", 1, 2, 3}),
      encode(OutcomeBatch{{Outcome{"hostile-2", "echo", 1, 1, OutcomeStatus::kFailed, "io",
                                   "disk full", payload, "hostile", 1, 2, 3}}}),
      encode(AckBatch{{Ack{"hostile-1", OutcomeStatus::kSucceeded, false, 1, true}}}),
      encode(Event{"job.started", "worker hostile", 1, 1, {{"job", "hostile-1"}}}),
      encode(Event{"worker.heartbeat", "worker hostile", 2, 1, {{"state", "idle"}}}),
  };
}

std::string random_bytes(std::mt19937& random, std::size_t max_size) {
  std::string bytes(random() % (max_size + 1), '\0');
  for (auto& b : bytes) b = static_cast<char>(random());
  return bytes;
}

// A valid message with a few bytes flipped, cut short, or lengthened.
std::string mutate(std::string bytes, std::mt19937& random) {
  switch (random() % 4) {
    case 0:
      for (int flips = 1 + static_cast<int>(random() % 4); flips > 0 && !bytes.empty(); --flips) {
        bytes[random() % bytes.size()] = static_cast<char>(random());
      }
      break;
    case 1:
      bytes.resize(random() % (bytes.size() + 1));
      break;
    case 2:
      bytes += random_bytes(random, 16);
      break;
    default:  // a large length prefix where a small one was
      if (!bytes.empty()) bytes[random() % bytes.size()] = static_cast<char>(0xdb);
  }
  return bytes;
}

struct FloodTarget {
  std::string endpoint;
  zmq::socket_type peer;  // what connects to it to send
};

// Offers `frames` frames of random and mutated messages, one or more frames each, to every
// target, from peers with `curve`; a peer whose queue is full gets a moment to drain, unless
// it is `refused` (its connection never completes, so its queue never drains). Returns the
// frames ZeroMQ took.
std::uint64_t flood(const std::vector<FloodTarget>& targets, const CurveSetup& curve,
                    std::uint64_t frames, std::uint32_t seed, bool refused) {
  zmq::context_t context(1);
  std::mt19937 random(seed);
  const auto templates = message_templates();
  std::vector<zmq::socket_t> peers;
  for (const auto& target : targets) {
    SocketOptions options;
    // What ZeroMQ took is delivered before the flood ends, so that the count means something;
    // a refused peer's queue never drains, so it is dropped at once.
    options.linger_ms = refused ? 0 : 10'000;
    options.send_hwm = 10'000;
    peers.push_back(make_socket(context, target.peer, options));
    connect_endpoint(peers.back(), target.endpoint, "flood", curve);
  }
  std::this_thread::sleep_for(300ms);  // handshakes, and the hub's subscription
  std::uint64_t offered = 0;
  std::uint64_t sent = 0;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (offered < frames && std::chrono::steady_clock::now() < deadline) {
    for (auto& peer : peers) {
      const int parts = random() % 8 == 0 ? 2 + static_cast<int>(random() % 5) : 1;
      for (int part = 0; part < parts; ++part) {
        const auto frame = random() % 2 == 0
                               ? random_bytes(random, 300)
                               : mutate(templates[random() % templates.size()], random);
        const auto more = part + 1 < parts ? zmq::send_flags::sndmore : zmq::send_flags::none;
        ++offered;
        if (!peer.send(zmq::buffer(frame), more | zmq::send_flags::dontwait)) {
          if (refused) break;
          zmq::pollitem_t items[] = {{peer.handle(), 0, ZMQ_POLLOUT, 0}};
          (void)zmq::poll(items, 1, 20ms);
          if (!peer.send(zmq::buffer(frame), more | zmq::send_flags::dontwait)) break;
        }
        ++sent;
      }
      // A DEALER gets refusals back: read them so that they do not pile up.
      zmq::message_t reply;
      while (peer.get(zmq::sockopt::type) == ZMQ_DEALER &&
             peer.recv(reply, zmq::recv_flags::dontwait)) {
      }
    }
  }
  return sent;
}

// Plain TCP connections that write bytes that are not ZMTP, or a greeting and then nonsense.
void send_raw_garbage(const std::string& endpoint, std::mt19937& random) {
  const auto port = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
  for (int i = 0; i < 20; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      std::string bytes = i % 2 == 0 ? std::string("\xff\0\0\0\0\0\0\0\x01\x7f\x03\x00", 12) +
                                           (i % 4 == 0 ? "CURVE" : "NULL")
                                     : std::string();
      bytes += random_bytes(random, 4096);
      (void)::write(fd, bytes.data(), bytes.size());
    }
    ::close(fd);
  }
}

class HostileFrames : public ::testing::TestWithParam<bool> {};

TEST_P(HostileFrames, EveryProgramKeepsRunningAndEveryJobIsRecordedCorrectly) {
  const bool with_curve = GetParam();
  CurveKeySets keys;
  auto options = with_curve ? curve_pipeline(keys, 2, 2) : TestPipelineOptions(2, 2);
  options.outcomes_over_tcp = true;  // hostile frames go to every TCP port
  TestPipeline pipeline(options);
  const auto& e = pipeline.endpoints();
  // Every bound socket that reads: the ventilator's submit and acks, the hub's input and
  // output (subscriptions), the sink's outcomes. The jobs socket only writes; it gets raw bytes.
  // A hostile PULL on it would take jobs, which is what CURVE is for (tested elsewhere).
  const std::vector<FloodTarget> targets{{e.submit, zmq::socket_type::dealer},
                                         {e.acks, zmq::socket_type::push},
                                         {e.events_in, zmq::socket_type::xpub},
                                         {e.events_out, zmq::socket_type::xsub},
                                         {e.outcomes, zmq::socket_type::push}};

  std::uint64_t sent = 0;
  std::thread flooder([&] {
    // The hostile peers are libzmq's sockets, not zpipe's: libzmq leaks the frames of messages
    // they abandon half-sent when a pipe goes under them (the flake of issue 13, shown without
    // zpipe in tests/libzmq/). The programs under test stay fully checked.
    const UncheckedForLeaks hostile_peers_are_not_under_test;
    std::mt19937 random(11);
    for (const auto& endpoint : {e.submit, e.jobs, e.acks, e.events_in, e.events_out, e.outcomes}) {
      send_raw_garbage(endpoint, random);
    }
    if (with_curve) {
      sent += flood(targets, keys.client("ops"), kFloodFrames / 2, 1, false);
      (void)flood(targets, keys.client("mallory"), kFloodFrames / 2, 2, true);
    } else {
      sent += flood(targets, CurveSetup{}, kFloodFrames, 3, false);
    }
  });

  // Meanwhile a producer's jobs go through, in batches.
  auto client = pipeline.client();
  std::vector<std::string> ids;
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<JobSpec> jobs;
    for (int n = 0; n < 100; ++n) {
      const int index = batch * 100 + n;
      jobs.push_back(JobSpec{"echo", Payload::from_json(nlohmann::json{{"n", index}}), 0, 0});
    }
    auto accepted = client.submit(jobs);
    ASSERT_TRUE(accepted.ok()) << accepted.error().message;
    ids.insert(ids.end(), accepted.value().begin(), accepted.value().end());
  }
  flooder.join();
  // Frames that reached the programs' sockets: with CURVE, the trusted half.
  EXPECT_GE(sent, with_curve ? kFloodFrames / 2 * 9 / 10 : kFloodFrames * 9 / 10);

  const auto recorded_all = [&] {
    try {
      const auto store = pipeline.store();
      for (const auto& id : ids) {
        if (!store->find(id).value()) return false;
      }
      return true;
    } catch (const std::exception&) {
      return false;
    }
  };
  if (!wait_until(recorded_all, 120s)) {
    const auto store = pipeline.store();
    std::string missing;
    for (const auto& id : ids) {
      if (!store->find(id).value()) missing += id + " ";
    }
    const auto counts = client.status();
    FAIL() << "not recorded: " << missing << "\ncounts: "
           << (counts.ok() ? "pending " + std::to_string(counts.value().pending) + ", in flight " +
                                 std::to_string(counts.value().in_flight) + ", retrying " +
                                 std::to_string(counts.value().retrying)
                           : counts.error().message)
           << "\n"
           << pipeline.log_of("worker-0") << pipeline.log_of("worker-1") << pipeline.log_of("sink");
  }
  const auto store = pipeline.store();
  for (std::size_t n = 0; n < ids.size(); ++n) {
    const auto row = store->find(ids[n]).value();
    ASSERT_TRUE(row.has_value());
    EXPECT_TRUE(row->outcome.succeeded()) << ids[n] << ": " << row->outcome.error;
    EXPECT_EQ(row->outcome.result.to_json(), (nlohmann::json{{"n", n}})) << ids[n];
    EXPECT_EQ(store->attempts(ids[n]).value().size(), 1u) << ids[n] << " ran more than once";
  }
  EXPECT_TRUE(pipeline.exited_programs().empty())
      << pipeline.log_of("ventilator") << pipeline.log_of("sink");
  EXPECT_TRUE(pipeline.stop());
  // The flood reached the decoders: the sink counted what it refused. A fifth of the frames
  // went to it, in messages of 1.4 frames on average, and a few mutations still decode (and
  // are recorded as outcomes of "hostile-1"): about 0.14 refusals per frame sent.
  std::smatch refused;
  const auto sink_log = pipeline.log_of("sink");
  ASSERT_TRUE(std::regex_search(sink_log, refused, std::regex("(\\d+) bad inputs refused")));
  EXPECT_GE(std::stoul(refused[1]), sent / 10) << "of " << sent << " frames sent\n" << sink_log;
  if (with_curve) {
    // Every other recorded attempt is one the insider sent, or one a worker ran for a job the
    // insider submitted: none came from the untrusted key.
    std::set<std::string> legitimate(ids.begin(), ids.end());
    OutcomeQuery everything;
    everything.limit = 1'000'000;
    for (const auto& row : store->list(everything).value()) {
      if (legitimate.count(row.outcome.id) != 0) continue;
      for (const auto& attempt : store->attempts(row.outcome.id).value()) {
        EXPECT_TRUE(attempt.key == "ops" || attempt.key == "worker")
            << row.outcome.id << " came with key " << attempt.key;
      }
    }
    EXPECT_NE(pipeline.log_of("ventilator").find(keys.keys.at("mallory").public_key),
              std::string::npos)
        << "the untrusted key's refusals are logged";
  }
}

INSTANTIATE_TEST_SUITE_P(InTheClearAndWithCurve, HostileFrames, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param_info) {
                           return param_info.param ? "Curve" : "Clear";
                         });

}  // namespace
}  // namespace zpipe::test
