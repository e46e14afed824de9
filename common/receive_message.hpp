// receive_message<T>: takes one waiting single-frame message of kind T from a socket, without
// blocking, and says why when it is not one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "common/decode_limits.hpp"
#include "common/message.hpp"
#include "common/protocol.hpp"
#include "common/receive_frames.hpp"
#include "common/result.hpp"
#include "common/socket.hpp"

namespace zpipe {

// Any one waiting single-frame message, decoded. std::nullopt: nothing waiting. An Error: a
// message arrived and is refused (more than one frame, or undecodable); `socket_name` names
// the socket in its text. `sender_key`, when given, receives the name of the CURVE key the
// message came with.
inline std::optional<Result<Message>> receive_any_message(zmq::socket_t& socket,
                                                          const DecodeLimits& limits,
                                                          std::string_view socket_name,
                                                          std::string* sender_key = nullptr) {
  const auto received = receive_frames(socket, 1);
  if (received.total == 0) return std::nullopt;
  const auto& frame = received.frames.front();
  if (sender_key != nullptr) *sender_key = sender_key_name(frame);
  if (received.total > 1) {
    return Result<Message>(
        make_error(ErrorCode::kMalformed,
                   "a message on the " + std::string(socket_name) + " socket is one frame"));
  }
  return decode(frame.to_string_view(), limits);
}

// As receive_any_message(), but a message of another kind than T is refused too.
template <class T>
std::optional<Result<T>> receive_message(zmq::socket_t& socket, const DecodeLimits& limits,
                                         std::string_view socket_name,
                                         std::string* sender_key = nullptr) {
  auto decoded = receive_any_message(socket, limits, socket_name, sender_key);
  if (!decoded) return std::nullopt;
  if (!decoded->ok()) return Result<T>(decoded->error());
  if (auto* message = std::get_if<T>(&decoded->value())) return Result<T>(std::move(*message));
  return Result<T>(
      make_error(ErrorCode::kUnexpectedKind, "the " + std::string(socket_name) + " socket takes " +
                                                 std::string(kind_name(Message(T{}))) + ", not " +
                                                 std::string(kind_name(decoded->value()))));
}

// For a socket that takes a kind both alone and in batches ("job" and "jobs", "outcome" and
// "outcomes"): the items of one waiting message, whichever of the two it is. Any other kind is
// refused as kUnexpectedKind.
template <class One, class Batch, std::vector<One> Batch::*kItems>
std::optional<Result<std::vector<One>>> receive_batch(zmq::socket_t& socket,
                                                      const DecodeLimits& limits,
                                                      std::string_view socket_name,
                                                      std::string* sender_key = nullptr) {
  using Items = Result<std::vector<One>>;
  auto decoded = receive_any_message(socket, limits, socket_name, sender_key);
  if (!decoded) return std::nullopt;
  if (!decoded->ok()) return Items(decoded->error());
  if (auto* batch = std::get_if<Batch>(&decoded->value())) return Items(std::move(batch->*kItems));
  if (auto* one = std::get_if<One>(&decoded->value())) {
    std::vector<One> items;
    items.push_back(std::move(*one));
    return Items(std::move(items));
  }
  return Items(make_error(ErrorCode::kUnexpectedKind,
                          "the " + std::string(socket_name) + " socket takes " +
                              std::string(kind_name(Message(Batch{}))) + " and " +
                              std::string(kind_name(Message(One{}))) + ", not " +
                              std::string(kind_name(decoded->value()))));
}

}  // namespace zpipe
