// Result<T>: a value or an Error{code, message}, for expected failures that the caller must see.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace zpipe {

// Error codes; to_string() gives the snake_case names used on the wire and in the store.
enum class ErrorCode {
  kMalformed,           // not decodable msgpack
  kTrailingBytes,       // bytes left after the message
  kUnsupportedVersion,  // "v" is not a protocol version we speak
  kUnknownKind,         // "k" names no message kind
  kUnexpectedKind,      // a valid message on a socket that does not take it
  kMissingField,
  kWrongType,
  kTooLarge,       // over a size or count limit
  kInvalid,        // well-formed but meaningless (empty type, zero attempts, ...)
  kTimeout,        // no answer, or a job past its time limit
  kUnavailable,    // a peer or a file cannot be reached
  kUnknownType,    // no handler for the job's type
  kHandlerError,   // the handler reported a failure
  kExecFailed,     // an exec job's command failed to start or exited non-zero
  kCancelled,      // the worker stopped before the job finished
  kIo,             // local storage or system call failure
  kBusy,           // the ventilator's backlog is full: try again later
  kCrashed,        // an isolated job's process died of a signal (segfault, abort, killed)
  kDiskFull,       // a store's disk is full: refused or held until there is room again
  kWrongPipeline,  // a request meant for another pipeline than the one that got it
  kNotFound,       // the request names something the ventilator does not hold (a worker)
  kAmbiguous,      // the request's name fits more than one (workers of the same name)
  kUnsupported,    // the peer asked cannot do it (a worker too old to take orders from afar)
};
// The last of ErrorCode, for loops over them all.
inline constexpr ErrorCode kLastErrorCode = ErrorCode::kUnsupported;

std::string_view to_string(ErrorCode code);
// A refusal that goes away by itself (a backlog or a disk with no room): try again later.
inline bool is_refused_for_now(ErrorCode code) {
  return code == ErrorCode::kBusy || code == ErrorCode::kDiskFull;
}
// The code named by to_string(), or std::nullopt for a name we do not know.
std::optional<ErrorCode> error_code_from(std::string_view name);

struct Error {
  ErrorCode code;
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  // By value, so that `for (auto& x : f().value())` does not keep a reference into a
  // temporary that is gone.
  T value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Result for operations with nothing to return but success.
struct Ok {};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace zpipe
