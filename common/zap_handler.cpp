#include "common/zap_handler.hpp"

#include <array>
#include <vector>

#include "common/rate_limiter.hpp"
#include "common/socket.hpp"
#include "common/stop_flag.hpp"

namespace zpipe {
namespace {

constexpr std::size_t kMaxRequestFrames = 8;  // RFC 27: 6 fixed frames + CURVE's one key

std::string z85(std::string_view key_bytes) {
  if (key_bytes.size() != 32) return "<" + std::to_string(key_bytes.size()) + "-byte key>";
  std::array<char, 41> text{};
  zmq_z85_encode(text.data(), reinterpret_cast<const std::uint8_t*>(key_bytes.data()), 32);
  return text.data();
}

}  // namespace

ZapHandler::ZapHandler(zmq::context_t& context, TrustedKeys trusted, std::string trust_dir,
                       std::shared_ptr<spdlog::logger> log)
    : requests_(context, zmq::socket_type::rep),
      trusted_(std::move(trusted)),
      trust_dir_(std::move(trust_dir)),
      log_(std::move(log)) {
  requests_.set(zmq::sockopt::linger, 0);
  requests_.bind("inproc://zeromq.zap.01");
  thread_ = std::thread([this] { serve(); });
}

ZapHandler::~ZapHandler() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  requests_.close();
}

void ZapHandler::serve() {
  block_stop_signals_in_this_thread();
  RateLimiter log_limit;
  std::vector<zmq::message_t> frames;
  try {
    while (!stopping_) {
      // Wake now and then to notice the destructor: the socket belongs to this thread.
      zmq::pollitem_t items[] = {{requests_.handle(), 0, ZMQ_POLLIN, 0}};
      if (poll_sockets(items, 1, std::chrono::milliseconds(100)) == 0) continue;
      frames.clear();
      do {
        zmq::message_t frame;
        if (!requests_.recv(frame)) break;
        if (frames.size() < kMaxRequestFrames) frames.push_back(std::move(frame));
      } while (requests_.get(zmq::sockopt::rcvmore));

      const auto field = [&](std::size_t i) {
        return i < frames.size() ? frames[i].to_string_view() : std::string_view();
      };
      const auto address = field(3);
      std::string status = "400";
      std::string status_text;
      std::string user_id;
      if (frames.size() < 6 || field(0) != "1.0") {
        status_text = "malformed ZAP request";
      } else if (field(2) != kZapDomain) {
        status_text = "wrong ZAP domain";
      } else if (field(5) != "CURVE" || frames.size() != 7) {
        status_text = "CURVE required";
      } else if (auto key = trusted_.find(z85(field(6))); key == trusted_.end()) {
        status_text = "key not trusted";
      } else {
        status = "200";
        status_text = "OK";
        user_id = key->second;
      }
      if (status == "200") {
        ++accepted_;
        log_->debug("accepted key {} from {}", user_id, address);
      } else {
        ++refused_;
        if (log_limit.allow()) {
          log_->warn("refused a connection from {}: {}{}{}", address, status_text,
                     frames.size() == 7 && field(5) == "CURVE"
                         ? " (key " + z85(field(6)) + ", not in " + trust_dir_ + ")"
                         : std::string(),
                     log_limit.suppressed_note());
        }
      }
      const std::string_view reply[] = {"1.0", field(1), status, status_text, user_id, ""};
      for (std::size_t i = 0; i < std::size(reply); ++i) {
        requests_.send(zmq::buffer(reply[i]),
                       i + 1 < std::size(reply) ? zmq::send_flags::sndmore : zmq::send_flags::none);
      }
    }
  } catch (const zmq::error_t& e) {
    if (e.num() != ETERM) {
      log_->critical("authentication handler stopped: {}; no new peer can connect", e.what());
    }
  } catch (const std::exception& e) {
    log_->critical("authentication handler stopped: {}; no new peer can connect", e.what());
  }
  // The socket stays bound until the destructor: a handler that stopped answering makes
  // handshakes wait and fail, where an unbound one would make libzmq skip authentication
  // (or, with the domain enforced, refuse everyone).
}

}  // namespace zpipe
