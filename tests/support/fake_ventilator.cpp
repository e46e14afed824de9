#include "tests/support/fake_ventilator.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/protocol.hpp"

namespace zpipe::test {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds left_until(Clock::time_point end) {
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()));
}

bool readable(zmq::socket_t& socket, std::chrono::milliseconds timeout) {
  zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
  return zmq::poll(&item, 1, timeout) > 0;
}

zmq::socket_t bound(zmq::context_t& context, zmq::socket_type type) {
  zmq::socket_t socket(context, type);
  socket.set(zmq::sockopt::linger, 0);
  socket.bind("tcp://127.0.0.1:*");
  return socket;
}

}  // namespace

FakeVentilator::FakeVentilator(const std::string& program, const std::vector<std::string>& args)
    : jobs_(bound(context_, zmq::socket_type::router)),
      outcomes_(bound(context_, zmq::socket_type::pull)),
      events_(bound(context_, zmq::socket_type::sub)) {
  events_.set(zmq::sockopt::subscribe, "");
  std::vector<std::string> argv{program,
                                "--jobs-from",
                                jobs_.get(zmq::sockopt::last_endpoint),
                                "--outcomes-to",
                                outcomes_.get(zmq::sockopt::last_endpoint),
                                "--events-to",
                                events_.get(zmq::sockopt::last_endpoint)};
  argv.insert(argv.end(), args.begin(), args.end());
  worker_.emplace(std::move(argv), ChildOptions{dir() / "worker.out", dir() / "worker.log", {}});
  const auto give_up = Clock::now() + std::chrono::seconds(20);
  if (!readable(jobs_, left_until(give_up))) {
    throw std::runtime_error("no credit from the worker within 20 s; its log:\n" + log());
  }
  zmq::message_t identity, body;
  (void)jobs_.recv(identity);
  (void)jobs_.recv(body);
  identity_ = identity.to_string();
  auto decoded = decode(body.to_string_view());
  if (!decoded.ok() || !std::holds_alternative<Credit>(decoded.value())) {
    throw std::runtime_error("the worker's first message is not a credit");
  }
  first_credit_ = std::get<Credit>(decoded.value());
  // Events published before the worker's PUB connected are lost: one that arrives shows that
  // the ones after it will too (it heartbeats every --heartbeat).
  if (!wait_for_event([](const Event&) { return true; }, left_until(give_up))) {
    throw std::runtime_error("no event from the worker within 20 s; its log:\n" + log());
  }
}

void FakeVentilator::send(const std::string& body) {
  jobs_.send(zmq::buffer(identity_), zmq::send_flags::sndmore);
  jobs_.send(zmq::buffer(body), zmq::send_flags::none);
}

std::optional<Message> FakeVentilator::next_from_worker(std::chrono::milliseconds timeout) {
  if (!readable(jobs_, timeout)) return std::nullopt;
  zmq::message_t identity, body;
  (void)jobs_.recv(identity);
  (void)jobs_.recv(body);
  auto decoded = decode(body.to_string_view());
  if (!decoded.ok()) throw std::runtime_error("undecodable message from the worker");
  return std::move(decoded).value();
}

std::optional<Outcome> FakeVentilator::next_outcome(std::chrono::milliseconds timeout) {
  const auto give_up = Clock::now() + timeout;
  while (outcomes_received_.empty()) {
    if (!readable(outcomes_, left_until(give_up))) return std::nullopt;
    zmq::message_t body;
    (void)outcomes_.recv(body);
    auto decoded = decode(body.to_string_view());
    if (!decoded.ok()) throw std::runtime_error("undecodable outcomes from the worker");
    if (auto* batch = std::get_if<OutcomeBatch>(&decoded.value())) {
      for (auto& outcome : batch->outcomes) outcomes_received_.push_back(std::move(outcome));
    } else if (auto* one = std::get_if<Outcome>(&decoded.value())) {
      outcomes_received_.push_back(std::move(*one));
    }
  }
  auto outcome = std::move(outcomes_received_.front());
  outcomes_received_.pop_front();
  return outcome;
}

std::optional<Event> FakeVentilator::wait_for_event(const std::function<bool(const Event&)>& wanted,
                                                    std::chrono::milliseconds timeout) {
  const auto give_up = Clock::now() + timeout;
  while (readable(events_, left_until(give_up))) {
    zmq::message_t topic, body;
    (void)events_.recv(topic);
    if (!topic.more() || !events_.recv(body)) continue;
    auto decoded = decode(body.to_string_view());
    if (!decoded.ok()) continue;
    if (const auto* event = std::get_if<Event>(&decoded.value()); event && wanted(*event)) {
      return *event;
    }
  }
  return std::nullopt;
}

std::string FakeVentilator::log() const {
  std::ifstream in(dir_.path() / "worker.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace zpipe::test
