// Fuzzes decode() and peek_request_number() (common/protocol.cpp) with bytes as they arrive
// from the network, every message kind on every socket: submit, status_request, retry and
// discard at the ventilator; job at a worker; outcome at the sink and, from an isolated job's
// process over its pipe, at the worker (the same decode() with a larger size cap); ack at the
// ventilator; event at the event hub and the monitors; accepted, refused and status at clients.
//
// Asserts, besides no crash, leak, uncaught exception or undefined behaviour (ASan, UBSan):
// - what decode() accepts keeps the promises the components rely on: ids and types not empty,
//   attempts from 1, time limits and batch sizes within the limits, a retry or discard that
//   names either ids or all dead jobs;
// - an accepted message encodes to bytes that decode to an equal message, and encoding that
//   again gives the same bytes: a component passing a message on (a submitted payload into a
//   job, an outcome's result into an ack or the store) neither loses nor changes anything;
// - tighter limits only refuse more: what decodes under them decodes equally under the defaults;
// - peek_request_number() finds the "req" of every accepted request (a refusal carries it).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "common/protocol.hpp"
#include "fuzz/property.hpp"

namespace zpipe {
namespace {

using fuzz::require;

constexpr DecodeLimits kDefaults{};
constexpr DecodeLimits kTight{.max_message_bytes = 512,
                              .max_array = 4,
                              .max_map = 16,
                              .max_string = 64,
                              .max_binary = 64,
                              .max_depth = 4,
                              .max_jobs_per_submit = 2,
                              .max_timeout_ms = 1000};

void check_promises(const Message& message, const DecodeLimits& limits) {
  if (const auto* submit = std::get_if<SubmitRequest>(&message)) {
    require(submit->jobs.size() <= limits.max_jobs_per_submit, "submit within the job limit");
    for (const auto& spec : submit->jobs) {
      require(!spec.type.empty(), "submitted job has a type");
      require(spec.timeout_ms <= limits.max_timeout_ms, "submitted time limit within the cap");
    }
  } else if (const auto* job = std::get_if<Job>(&message)) {
    require(!job->id.empty() && !job->type.empty(), "job has an id and a type");
    require(job->attempt >= 1 && job->max_attempts >= 1, "job attempts count from 1");
    require(job->timeout_ms <= limits.max_timeout_ms, "job time limit within the cap");
  } else if (const auto* outcome = std::get_if<Outcome>(&message)) {
    require(!outcome->id.empty(), "outcome has an id");
  } else if (const auto* acks = std::get_if<AckBatch>(&message)) {
    for (const auto& ack : acks->acks) {
      require(!ack.id.empty() && ack.attempt >= 1, "ack has an id and an attempt from 1");
    }
  } else if (const auto* event = std::get_if<Event>(&message)) {
    require(!event->name.empty(), "event has a name");
  } else if (const auto* dead = std::get_if<DeadJobsRequest>(&message)) {
    require(dead->selection.all_dead != !dead->selection.ids.empty(),
            "retry or discard names ids or all dead jobs, not both");
  }
}

std::optional<std::uint64_t> request_number(const Message& message) {
  return std::visit(
      [](const auto& m) -> std::optional<std::uint64_t> {
        if constexpr (requires { m.req; }) {
          return m.req;
        } else {
          return std::nullopt;
        }
      },
      message);
}

}  // namespace
}  // namespace zpipe

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zpipe;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto decoded = decode(bytes, kDefaults);
  (void)peek_request_number(bytes, kDefaults);  // refused or not, it must not fail
  const auto tight = decode(bytes, kTight);
  if (tight.ok()) {
    fuzz::require(decoded.ok() && decoded.value() == tight.value(),
                  "what tight limits accept, the defaults accept equally");
    check_promises(tight.value(), kTight);
  }
  if (!decoded.ok()) return 0;
  const auto& message = decoded.value();
  check_promises(message, kDefaults);

  const auto req = request_number(message);
  if (req) fuzz::require(peek_request_number(bytes, kDefaults) == req, "peek finds the req");

  const auto encoded = encode(message);
  const auto again = decode(encoded, kDefaults);
  fuzz::require(again.ok(), "a decoded message, encoded, decodes again");
  fuzz::require(again.value() == message, "and decodes to an equal message");
  fuzz::require(encode(again.value()) == encoded, "and encodes to the same bytes");
  return 0;
}
