// Garbage and malformed messages sent to every bound socket: every program keeps running,
// refuses and counts them, and the jobs sent afterwards are all recorded correctly.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <msgpack.hpp>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "common/protocol.hpp"
#include "common/version.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

int port_of(const std::string& endpoint) {
  return std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
}

// Connects with plain TCP and writes bytes that are not ZMTP at all.
void send_raw_garbage(const std::string& endpoint, std::mt19937& random) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port_of(endpoint)));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0) << endpoint;
  std::string bytes(4096, '\0');
  for (auto& b : bytes) b = static_cast<char>(random());
  (void)::write(fd, bytes.data(), bytes.size());
  // A ZMTP-looking greeting followed by nonsense.
  const std::string greeting =
      std::string("\xff\0\0\0\0\0\0\0\x01\x7f", 10) + "\x03\x00NULL" + std::string(100, 'x');
  (void)::write(fd, greeting.data(), greeting.size());
  ::close(fd);
}

// Well-formed ZeroMQ messages whose contents are wrong in every way the protocol names.
std::vector<std::vector<std::string>> bad_messages(std::mt19937& random) {
  std::vector<std::vector<std::string>> messages;
  std::string noise(300, '\0');
  for (auto& b : noise) b = static_cast<char>(random());
  messages.push_back({noise});
  messages.push_back({std::string("\xc1", 1)});                 // never-valid msgpack byte
  messages.push_back({encode(StatusRequest{1}) + "trailing"});  // trailing bytes
  messages.push_back({encode(StatusRequest{1}).substr(0, 5)});  // truncated
  messages.push_back({""});                                     // empty frame
  msgpack::sbuffer wrong_version;
  msgpack::packer<msgpack::sbuffer> p(wrong_version);
  p.pack_map(3);
  p.pack("v");
  p.pack(99);
  p.pack("k");
  p.pack("outcome");
  p.pack("req");
  p.pack(1);
  messages.push_back({std::string(wrong_version.data(), wrong_version.size())});
  msgpack::sbuffer missing;
  msgpack::packer<msgpack::sbuffer> q(missing);
  q.pack_map(3);
  q.pack("v");
  q.pack(kProtocolVersion);
  q.pack("k");
  q.pack("outcome");
  q.pack("id");
  q.pack(42);  // wrong type, and every other field missing
  messages.push_back({std::string(missing.data(), missing.size())});
  messages.push_back({encode(Event{"x", "y", 1, 1, {}})});        // right format, wrong kind
  messages.push_back({"frame one", "frame two", "frame three"});  // too many frames
  messages.push_back({std::string(2 << 20, 'z')});                // over ZMQ_MAXMSGSIZE
  return messages;
}

void send_all(zmq::socket_t& socket, const std::vector<std::vector<std::string>>& messages) {
  for (const auto& frames : messages) {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      socket.send(zmq::buffer(frames[i]),
                  i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
  }
}

// Collects the "socket" field of every input.refused event published through the hub.
class RefusalWatcher {
 public:
  RefusalWatcher(zmq::context_t& context, const std::string& events_out)
      : events_(context, zmq::socket_type::sub) {
    events_.set(zmq::sockopt::linger, 0);
    events_.set(zmq::sockopt::subscribe, "");
    events_.connect(events_out);
  }
  // Reads what has arrived; returns the sockets named by refusals so far.
  const std::multiset<std::string>& poll() {
    zmq::message_t topic, body;
    while (events_.recv(topic, zmq::recv_flags::dontwait)) {
      if (!topic.more() || !events_.recv(body)) continue;
      auto decoded = decode(body.to_string_view());
      if (!decoded.ok()) continue;
      const auto& event = std::get<Event>(decoded.value());
      seen_any_ = true;
      if (event.name == "input.refused") refused_on_.insert(event.fields.at("socket"));
    }
    return refused_on_;
  }
  bool has_joined() { return (void)poll(), seen_any_; }

 private:
  zmq::socket_t events_;
  std::multiset<std::string> refused_on_;
  bool seen_any_ = false;
};

TEST(BadInput, EveryProgramKeepsServingAfterGarbageOnEveryBoundSocket) {
  TestPipelineOptions options(2, 2);
  options.outcomes_over_tcp = true;  // garbage goes to every TCP port
  TestPipeline pipeline(options);
  const auto& e = pipeline.endpoints();
  std::mt19937 random(2024);
  zmq::context_t context;
  RefusalWatcher refusals(context, e.events_out);
  ASSERT_TRUE(wait_until([&] { return refusals.has_joined(); }, 10s)) << "no events from the hub";

  for (const auto& endpoint : {e.submit, e.jobs, e.acks, e.events_in, e.events_out, e.outcomes}) {
    for (int i = 0; i < 5; ++i) send_raw_garbage(endpoint, random);
  }

  const auto messages = bad_messages(random);
  // Producers' socket: every bad request gets a refusal back.
  zmq::socket_t producer(context, zmq::socket_type::dealer);
  producer.set(zmq::sockopt::linger, 0);
  producer.set(zmq::sockopt::rcvtimeo, 5000);
  producer.connect(e.submit);
  std::vector<std::vector<std::string>> answerable(messages.begin(), messages.end() - 1);  // the
  // oversized one is dropped by ZeroMQ itself, with the connection
  send_all(producer, answerable);
  std::set<std::string> codes;
  for (std::size_t i = 0; i < answerable.size(); ++i) {
    zmq::message_t reply;
    ASSERT_TRUE(producer.recv(reply)) << "no refusal for bad request " << i;
    ASSERT_FALSE(reply.more());
    auto decoded = decode(reply.to_string_view());
    ASSERT_TRUE(decoded.ok());
    ASSERT_TRUE(std::holds_alternative<SubmitRefused>(decoded.value()));
    codes.insert(std::get<SubmitRefused>(decoded.value()).code);
  }
  for (const char* code :
       {"malformed", "trailing_bytes", "unsupported_version", "wrong_type", "unexpected_kind"}) {
    EXPECT_EQ(codes.count(code), 1u) << "no refusal with code " << code;
  }
  send_all(producer, {messages.back()});

  // The sink's outcomes socket and the ventilator's acks socket.
  for (const auto& endpoint : {e.outcomes, e.acks}) {
    zmq::socket_t pusher(context, zmq::socket_type::push);
    pusher.set(zmq::sockopt::linger, 2000);
    pusher.connect(endpoint);
    send_all(pusher, messages);
  }
  // The event hub's input.
  zmq::socket_t publisher(context, zmq::socket_type::pub);
  publisher.set(zmq::sockopt::linger, 2000);
  publisher.connect(e.events_in);
  // PUB drops what it sends before the hub's subscription arrives: send until refusals show.
  ASSERT_TRUE(wait_until(
      [&] {
        send_all(publisher, messages);
        return refusals.poll().count("events-in") > 0;
      },
      10s, 100ms));

  // Every program refused them, said so in events, and is still here.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto& on = refusals.poll();
        return on.count("submit") >= answerable.size() && on.count("acks") >= 7 &&
               on.count("outcomes") >= 7;
      },
      10s))
      << pipeline.log_of("ventilator") << pipeline.log_of("sink");
  EXPECT_TRUE(pipeline.exited_programs().empty());

  // And the jobs after them are all correct.
  auto client = pipeline.client();
  std::vector<JobSpec> jobs;
  for (int n = 0; n < 300; ++n)
    jobs.push_back(JobSpec{"echo", Payload::from_json(nlohmann::json(n)), 0, 0});
  auto ids = client.submit(jobs);
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  ASSERT_TRUE(pipeline.wait_for_finished(300, 60s));
  const auto store = pipeline.store();
  for (std::size_t n = 0; n < ids.value().size(); ++n) {
    const auto row = store->find(ids.value()[n]).value();
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->outcome.result.to_json(), static_cast<int>(n));
  }
  EXPECT_EQ(store->totals().value().succeeded, 300u) << "no garbage outcome may be recorded";
  EXPECT_TRUE(pipeline.exited_programs().empty());
  EXPECT_TRUE(pipeline.stop());
  std::smatch refused;
  const auto sink_log = pipeline.log_of("sink");
  ASSERT_TRUE(std::regex_search(sink_log, refused, std::regex("(\\d+) bad inputs refused")));
  EXPECT_GE(std::stoi(refused[1]), 9) << "each bad outcome message counted";
}

// A submit {"v":2, "k":"submit", "req":REQ, "jobs":[{"type":"echo", "payload":...}]} whose
// payload `pack_payload` packs, as a client in another language might send it.
template <class PackPayload>
std::string raw_submit(std::uint64_t req, PackPayload pack_payload) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> p(buffer);
  p.pack_map(4).pack("v").pack(kProtocolVersion).pack("k").pack("submit").pack("req").pack(req);
  p.pack("jobs").pack_array(1).pack_map(2).pack("type").pack("echo").pack("payload");
  pack_payload(p);
  return std::string(buffer.data(), buffer.size());
}

TEST(BadInput, ARequestOverAMsgpackLimitIsRefusedWithItsReq) {
  TestPipeline pipeline(TestPipelineOptions(0));
  using Packer = msgpack::packer<msgpack::sbuffer>;
  const std::pair<std::uint64_t, std::string> requests[] = {
      {101, raw_submit(101,
                       [](Packer& p) {
                         p.pack_ext(16, 5).pack_ext_body(std::string(16, 'e').data(), 16);
                       })},
      {102, raw_submit(102,
                       [](Packer& p) {
                         p.pack_array(100'001);
                         for (int i = 0; i < 100'001; ++i) p.pack_true();
                       })},
      {103, raw_submit(103,
                       [](Packer& p) {
                         for (int i = 0; i < 36; ++i) p.pack_array(1);  // 40 levels in all
                         p.pack_nil();
                       })},
  };
  zmq::context_t context;
  zmq::socket_t producer(context, zmq::socket_type::dealer);
  producer.set(zmq::sockopt::linger, 0);
  producer.set(zmq::sockopt::rcvtimeo, 10000);
  producer.connect(pipeline.endpoints().submit);
  for (const auto& [req, bytes] : requests) {
    producer.send(zmq::buffer(bytes));
    zmq::message_t reply;
    ASSERT_TRUE(producer.recv(reply)) << "no reply to request " << req;
    auto decoded = decode(reply.to_string_view());
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    ASSERT_TRUE(std::holds_alternative<SubmitRefused>(decoded.value())) << req;
    const auto& refused = std::get<SubmitRefused>(decoded.value());
    EXPECT_EQ(refused.req, req) << refused.message;
    EXPECT_EQ(refused.code, "too_large") << refused.message;
  }
  EXPECT_TRUE(pipeline.stop());
}

TEST(BadInput, AWorkerRefusesBadJobsAndKeepsServing) {
  TestPipeline pipeline(TestPipelineOptions(0));
  const auto& e = pipeline.endpoints();
  zmq::context_t context;
  RefusalWatcher refusals(context, e.events_out);
  ASSERT_TRUE(wait_until([&] { return refusals.has_joined(); }, 10s));
  // Stand in for the ventilator, so that bad jobs can be sent to a real worker: a ROUTER that
  // learns the worker's identity from its first credit message, and then ignores its credit.
  zmq::socket_t jobs(context, zmq::socket_type::router);
  jobs.set(zmq::sockopt::linger, 0);
  jobs.set(zmq::sockopt::rcvtimeo, 10'000);
  jobs.bind("tcp://127.0.0.1:*");
  auto worker = pipeline.start_program(
      "rogue-fed-worker",
      {program("zpipe-worker"), "--jobs-from", jobs.get(zmq::sockopt::last_endpoint),
       "--outcomes-to", e.outcomes, "--events-to", e.events_in});
  zmq::message_t identity;
  zmq::message_t credit;
  ASSERT_TRUE(jobs.recv(identity));
  ASSERT_TRUE(jobs.recv(credit));
  auto asked = decode(credit.to_string_view());
  ASSERT_TRUE(asked.ok() && std::holds_alternative<Credit>(asked.value()));
  const auto to_worker = [&](std::vector<std::vector<std::string>> messages) {
    for (auto& frames : messages) frames.insert(frames.begin(), identity.to_string());
    return messages;
  };
  std::mt19937 random(7);
  send_all(jobs, to_worker(bad_messages(random)));
  ASSERT_TRUE(wait_until([&] { return refusals.poll().count("jobs") >= 10; }, 10s))
      << pipeline.log_of("rogue-fed-worker");

  const Job good{"handmade-1", "echo", Payload::from_json(nlohmann::json(5)), 1, 1, 5000, 1};
  send_all(jobs, to_worker({{encode(good)}}));
  const auto recorded = [&]() -> std::optional<StoredOutcome> {
    try {
      return pipeline.store()->find("handmade-1").value();
    } catch (const std::exception&) {
      return std::nullopt;  // the store appears with the first outcome
    }
  };
  ASSERT_TRUE(wait_until([&] { return recorded().has_value(); }, 10s));
  EXPECT_EQ(recorded()->outcome.result.to_json(), 5);
  EXPECT_FALSE(worker.has_exited());
  EXPECT_EQ(worker.stop(10s), 0);
}

TEST(BadInput, AJobWhosePayloadItsHandlerRefusesGoesDeadAtOnceWithTheReason) {
  TestPipeline pipeline(TestPipelineOptions(1));
  auto client = pipeline.client();
  // Sent as a producer of its own would (zpipe submit refuses it before sending).
  const auto bad = client.submit(JobSpec{"sleep", Payload::from_json("abc"), 0, 3});
  ASSERT_TRUE(bad.ok()) << bad.error().message;
  const auto good = client.submit(JobSpec{"sleep", Payload::from_json({{"ms", 1}}), 0, 3});
  ASSERT_TRUE(good.ok());
  ASSERT_TRUE(pipeline.wait_for_finished(2, 20s)) << pipeline.log_of("ventilator");
  const auto counts = client.status().value();
  EXPECT_EQ(counts.dead, 1u);
  EXPECT_EQ(counts.failed, 1u) << "one attempt, not three";
  EXPECT_EQ(counts.succeeded, 1u);
  const auto recorded = pipeline.store()->find(bad.value()).value();
  ASSERT_TRUE(recorded.has_value());
  EXPECT_EQ(recorded->outcome.attempt, 1u);
  EXPECT_EQ(recorded->outcome.error_code, "invalid");
  EXPECT_NE(recorded->outcome.error.find("sleep needs a payload"), std::string::npos);
  EXPECT_TRUE(pipeline.stop());
}

TEST(BadInput, AJobTooLargeForAMessageIsRefusedAtSubmit) {
  TestPipeline pipeline(TestPipelineOptions(1));
  auto client = pipeline.client();
  const auto refused =
      client.submit(JobSpec{"echo", Payload::from_json(std::string(1'048'000, 'x')), 0, 0});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(refused.error().message.find("message limit"), std::string::npos)
      << refused.error().message;
  const auto fits =
      client.submit(JobSpec{"echo", Payload::from_json(std::string(1'000'000, 'y')), 0, 0});
  ASSERT_TRUE(fits.ok()) << fits.error().message;
  ASSERT_TRUE(pipeline.wait_for_finished(1, 20s));
  const auto row = pipeline.store()->find(fits.value()).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_TRUE(row->outcome.succeeded()) << row->outcome.error;
  EXPECT_EQ(row->outcome.result.to_json().get<std::string>().size(), 1'000'000u);
  EXPECT_TRUE(pipeline.stop());
}

TEST(BadInput, AnOutcomeTooLargeToSendIsRecordedAsAFailure) {
  TestPipelineOptions options(1);
  options.worker_args = {"--max-message-bytes", "4096"};
  TestPipeline pipeline(options);
  auto client = pipeline.client();
  auto id = client.submit(
      JobSpec{"exec", Payload::from_json({{"argv", {"sh", "-c", "printf '%020000d' 0"}}}), 0, 0});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(pipeline.wait_for_finished(1, 20s));
  const auto row = pipeline.store()->find(id.value()).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->outcome.error_code, "too_large");
  EXPECT_NE(row->outcome.error.find("4096-byte message limit"), std::string::npos)
      << row->outcome.error;
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
