#include "common/protocol.hpp"

#include <bit>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <variant>

#include <msgpack.hpp>

#include "common/follow_ups.hpp"
#include "common/msgpack_map_scan.hpp"
#include "common/queue_name.hpp"
#include "common/version.hpp"

namespace zpipe {
namespace {

// The "k" of each alternative of Message, in its order: the one place a kind is spelt. A
// DeadJobsRequest is "retry" or "discard" by its action.
constexpr std::string_view kKindNames[] = {"submit",
                                           "accepted",
                                           "refused",
                                           "status_request",
                                           "status",
                                           "job",
                                           "outcome",
                                           "ack",
                                           "event",
                                           "retry",
                                           "ready",
                                           "jobs",
                                           "outcomes",
                                           "heartbeat",
                                           "release",
                                           "query",
                                           "states",
                                           "workers_request",
                                           "workers",
                                           "cancel",
                                           "cancel_reply",
                                           "cancel_jobs",
                                           "queues_request",
                                           "queue_control",
                                           "limit_control",
                                           "queues",
                                           "scheduled_request",
                                           "scheduled",
                                           "schedule_control",
                                           "schedules",
                                           "batch_open",
                                           "batch_seal",
                                           "batches_request",
                                           "batches",
                                           "worker_control",
                                           "worker_control_reply",
                                           "control",
                                           "run_now",
                                           "run_now_reply"};
static_assert(std::size(kKindNames) == std::variant_size_v<Message>);
constexpr std::string_view kDiscard = "discard";

template <class T, class... Alternatives>
constexpr std::size_t index_in(const std::variant<Alternatives...>*) {
  constexpr bool matches[] = {std::is_same_v<T, Alternatives>...};
  for (std::size_t i = 0; i < sizeof...(Alternatives); ++i) {
    if (matches[i]) return i;
  }
  return sizeof...(Alternatives);
}

// The kind of message T.
template <class T>
constexpr std::string_view kind_of() {
  return kKindNames[index_in<T>(static_cast<const Message*>(nullptr))];
}

// Builds one message map: the header fields first, then the body's.
class MessageWriter {
 public:
  MessageWriter(std::string_view kind, std::uint32_t body_fields) : packer_(buffer_) {
    packer_.pack_map(body_fields + 2);
    u64("v", kProtocolVersion);
    str("k", kind);
  }
  // No header: for a part of a message, encoded ahead (encode_outcome_entry).
  MessageWriter() : packer_(buffer_) {}
  void key(std::string_view name) {
    packer_.pack_str(static_cast<std::uint32_t>(name.size()));
    packer_.pack_str_body(name.data(), static_cast<std::uint32_t>(name.size()));
  }
  void str(std::string_view name, std::string_view value) {
    key(name);
    string_value(value);
  }
  void string_value(std::string_view value) {
    packer_.pack_str(static_cast<std::uint32_t>(value.size()));
    packer_.pack_str_body(value.data(), static_cast<std::uint32_t>(value.size()));
  }
  void u64(std::string_view name, std::uint64_t value) {
    key(name);
    packer_.pack_uint64(value);
  }
  void i64(std::string_view name, std::int64_t value) {
    key(name);
    packer_.pack_int64(value);
  }
  void strings(std::string_view name, const std::vector<std::string>& values) {
    key(name);
    packer_.pack_array(static_cast<std::uint32_t>(values.size()));
    for (const auto& v : values) string_value(v);
  }
  void boolean(std::string_view name, bool value) {
    key(name);
    value ? packer_.pack_true() : packer_.pack_false();
  }
  // The payload is already one encoded msgpack value: copy it in place.
  void payload(std::string_view name, const Payload& value) {
    key(name);
    raw(value.msgpack());
  }
  // Bytes that are already msgpack, copied in as they are.
  void raw(std::string_view bytes) { buffer_.write(bytes.data(), bytes.size()); }
  msgpack::packer<msgpack::sbuffer>& packer() { return packer_; }
  // Each encoder counts its map's fields by hand: ProtocolExamples decodes one message of
  // every kind, which fails on a count that differs from the fields written.
  std::string take() { return std::string(buffer_.data(), buffer_.size()); }

 private:
  msgpack::sbuffer buffer_;
  msgpack::packer<msgpack::sbuffer> packer_;
};

void write_job_spec(MessageWriter& w, const JobSpec& spec);

void write_job_specs(MessageWriter& w, std::string_view name, const std::vector<JobSpec>& specs) {
  w.key(name);
  w.packer().pack_array(static_cast<std::uint32_t>(specs.size()));
  for (const auto& spec : specs) write_job_spec(w, spec);
}

// A spec's fields past the first four are written only when set.
void write_job_spec(MessageWriter& w, const JobSpec& spec) {
  auto& p = w.packer();
  p.pack_map(4 + (spec.queue.empty() ? 0 : 1) + (spec.priority != 0 ? 1 : 0) +
             (spec.run_at_ms != 0 ? 1 : 0) + (spec.unique_key.empty() ? 0 : 1) +
             (spec.batch.empty() ? 0 : 1) + (spec.then.empty() ? 0 : 1) +
             (spec.on_failure.empty() ? 0 : 1));
  w.str("type", spec.type);
  w.payload("payload", spec.payload);
  w.u64("timeout_ms", spec.timeout_ms);
  w.u64("max_attempts", spec.max_attempts);
  if (!spec.queue.empty()) w.str("queue", spec.queue);
  if (spec.priority != 0) w.i64("priority", spec.priority);
  if (spec.run_at_ms != 0) w.u64("run_at", spec.run_at_ms);
  if (!spec.unique_key.empty()) w.str("unique_key", spec.unique_key);
  if (!spec.batch.empty()) w.str("batch", spec.batch);
  if (!spec.then.empty()) write_job_specs(w, "then", spec.then);
  if (!spec.on_failure.empty()) write_job_specs(w, "on_failure", spec.on_failure);
}

// A job's queue goes on the wire only when it is not the default one.
bool names_queue(const Job& m) { return m.queue != kDefaultQueue; }
std::uint32_t job_field_count(const Job& m) {
  return 7 + (names_queue(m) ? 1 : 0) + (m.parent.empty() ? 0 : 1) + (m.batch.empty() ? 0 : 1) +
         (m.then.empty() ? 0 : 1);
}

// The fields of a job, in a "job" message or in each map of a "jobs" batch.
void write_job_fields(MessageWriter& w, const Job& m) {
  w.str("id", m.id);
  w.str("type", m.type);
  w.payload("payload", m.payload);
  w.u64("attempt", m.attempt);
  w.u64("max_attempts", m.max_attempts);
  w.u64("timeout_ms", m.timeout_ms);
  w.u64("created_ms", m.created_ms);
  if (names_queue(m)) w.str("queue", m.queue);
  if (!m.parent.empty()) w.str("parent", m.parent);
  if (!m.batch.empty()) w.str("batch", m.batch);
  if (!m.then.empty()) write_job_specs(w, "then", m.then);
}

// The fields of an outcome, in an "outcome" message or in each map of an "outcomes" batch.
bool is_measured(const Outcome& m) { return m.cpu_us != 0 || m.max_rss_kb != 0; }

std::uint32_t outcome_field_count(const Outcome& m) {
  return 13 + (is_measured(m) ? 2 : 0) + (m.payload ? 1 : 0) + (m.payload_bytes != 0 ? 1 : 0) +
         (m.queue.empty() || m.queue == kDefaultQueue ? 0 : 1) + (m.parent.empty() ? 0 : 1) +
         (m.batch.empty() ? 0 : 1) + (m.then.empty() ? 0 : 1) + (m.follow_ups.empty() ? 0 : 1);
}

void write_outcome_fields(MessageWriter& w, const Outcome& m) {
  w.str("id", m.id);
  w.str("type", m.type);
  w.u64("attempt", m.attempt);
  w.u64("max_attempts", m.max_attempts);
  w.str("status", to_string(m.status));
  w.str("error_code", m.error_code);
  w.str("error", m.error);
  w.payload("result", m.result);
  w.str("worker", m.worker);
  w.u64("created_ms", m.created_ms);
  w.u64("started_ms", m.started_ms);
  w.u64("finished_ms", m.finished_ms);
  w.u64("run_us", m.run_us);
  if (is_measured(m)) {
    w.u64("cpu_us", m.cpu_us);
    w.u64("max_rss_kb", m.max_rss_kb);
  }
  if (m.payload) w.payload("payload", *m.payload);
  if (m.payload_bytes != 0) w.u64("payload_bytes", m.payload_bytes);
  if (!m.queue.empty() && m.queue != kDefaultQueue) w.str("queue", m.queue);
  if (!m.parent.empty()) w.str("parent", m.parent);
  if (!m.batch.empty()) w.str("batch", m.batch);
  if (!m.then.empty()) write_job_specs(w, "then", m.then);
  if (!m.follow_ups.empty()) write_job_specs(w, "follow_ups", m.follow_ups);
}

// Thrown inside this file only, caught by decode().
struct DecodeFailure {
  Error error;
};

[[noreturn]] void fail(ErrorCode code, std::string message) {
  throw DecodeFailure{Error{code, std::move(message)}};
}

std::string_view type_name(const msgpack::object& o) {
  switch (o.type) {
    case msgpack::type::NIL:
      return "nil";
    case msgpack::type::BOOLEAN:
      return "boolean";
    case msgpack::type::POSITIVE_INTEGER:
      return "integer";
    case msgpack::type::NEGATIVE_INTEGER:
      return "negative integer";
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return "float";
    case msgpack::type::STR:
      return "string";
    case msgpack::type::BIN:
      return "binary";
    case msgpack::type::ARRAY:
      return "array";
    case msgpack::type::MAP:
      return "map";
    case msgpack::type::EXT:
      return "ext";
  }
  return "unknown";
}

// Packs `o` as msgpack-c does, but for a float of exactly 2^64. msgpack-c packs a float with an
// integral value as that integer, after checking that it is at most double(UINT64_MAX), which
// rounds up to 2^64: for 2^64 itself the conversion to uint64_t is undefined (pack.hpp,
// pack_float and pack_double). That one value is written here as the float it is. Recursion
// is bounded by the depth limit decode() unpacks under.
void pack_value(msgpack::packer<msgpack::sbuffer>& packer, msgpack::sbuffer& buffer,
                const msgpack::object& o) {
  constexpr double kTwoTo64 = 18446744073709551616.0;
  switch (o.type) {
    case msgpack::type::ARRAY:
      packer.pack_array(o.via.array.size);
      for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
        pack_value(packer, buffer, o.via.array.ptr[i]);
      }
      return;
    case msgpack::type::MAP:
      packer.pack_map(o.via.map.size);
      for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
        pack_value(packer, buffer, o.via.map.ptr[i].key);
        pack_value(packer, buffer, o.via.map.ptr[i].val);
      }
      return;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      if (o.via.f64 == kTwoTo64) {
        // Big-endian, as msgpack writes numbers: 0xca and the float's bits, or 0xcb and the
        // double's.
        const bool single = o.type == msgpack::type::FLOAT32;
        const std::uint64_t bits = single
                                       ? std::bit_cast<std::uint32_t>(static_cast<float>(kTwoTo64))
                                       : std::bit_cast<std::uint64_t>(kTwoTo64);
        std::string bytes(1, static_cast<char>(single ? 0xca : 0xcb));
        for (int shift = single ? 24 : 56; shift >= 0; shift -= 8) {
          bytes += static_cast<char>((bits >> shift) & 0xff);
        }
        buffer.write(bytes.data(), bytes.size());
        return;
      }
      break;
    default:
      break;
  }
  packer.pack(o);
}

// A decoded value as a payload: packed again, so that every payload is in msgpack-c's form.
Payload payload_of(const msgpack::object& o) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> packer(buffer);
  pack_value(packer, buffer, o);
  return Payload::from_msgpack(std::string(buffer.data(), buffer.size()));
}

// Read access to one msgpack map's string-keyed fields; `where` names it in errors.
class Fields {
 public:
  Fields(const msgpack::object& o, std::string where) : where_(std::move(where)) {
    if (o.type != msgpack::type::MAP) {
      fail(ErrorCode::kWrongType, where_ + " must be a map, got " + std::string(type_name(o)));
    }
    map_ = &o.via.map;
  }

  const msgpack::object* find(std::string_view key) const {
    for (std::uint32_t i = 0; i < map_->size; ++i) {
      const auto& k = map_->ptr[i].key;
      if (k.type == msgpack::type::STR && std::string_view(k.via.str.ptr, k.via.str.size) == key) {
        return &map_->ptr[i].val;
      }
    }
    return nullptr;
  }
  const msgpack::object& require(std::string_view key) const {
    const auto* o = find(key);
    if (o == nullptr)
      fail(ErrorCode::kMissingField, where_ + " lacks field \"" + std::string(key) + "\"");
    return *o;
  }
  std::string str(std::string_view key) const { return as_str(require(key), key); }
  std::string str_or(std::string_view key, std::string fallback) const {
    const auto* o = find(key);
    return o == nullptr ? fallback : as_str(*o, key);
  }
  std::uint64_t u64(std::string_view key) const { return as_u64(require(key), key); }
  std::uint64_t u64_or(std::string_view key, std::uint64_t fallback) const {
    const auto* o = find(key);
    return o == nullptr ? fallback : as_u64(*o, key);
  }
  // A signed integer (msgpack writes a non-negative one as positive).
  std::int64_t i64_or(std::string_view key, std::int64_t fallback) const {
    const auto* o = find(key);
    if (o == nullptr) return fallback;
    if (o->type == msgpack::type::NEGATIVE_INTEGER) return o->via.i64;
    if (o->type != msgpack::type::POSITIVE_INTEGER || o->via.u64 > INT64_MAX) {
      wrong(key, "an integer", *o);
    }
    return static_cast<std::int64_t>(o->via.u64);
  }
  // An array of non-negative integers that fit 32 bits; empty when the field is absent.
  std::vector<std::uint32_t> u32s_or_none(std::string_view key) const {
    std::vector<std::uint32_t> values;
    if (find(key) == nullptr) return values;
    const auto& items = array(key);
    values.reserve(items.size);
    for (std::uint32_t i = 0; i < items.size; ++i) {
      values.push_back(narrow(as_u64(items.ptr[i], key), key));
    }
    return values;
  }
  std::uint32_t u32(std::string_view key) const { return narrow(u64(key), key); }
  std::uint32_t u32_or(std::string_view key, std::uint32_t fallback) const {
    return narrow(u64_or(key, fallback), key);
  }
  bool boolean_or(std::string_view key, bool fallback) const {
    const auto* o = find(key);
    if (o == nullptr) return fallback;
    if (o->type != msgpack::type::BOOLEAN) wrong(key, "a boolean", *o);
    return o->via.boolean;
  }
  const msgpack::object_array& array(std::string_view key) const {
    const auto& o = require(key);
    if (o.type != msgpack::type::ARRAY) wrong(key, "an array", o);
    return o.via.array;
  }
  // An array of strings; empty when the field is absent.
  std::vector<std::string> strings_or_none(std::string_view key) const {
    std::vector<std::string> strings;
    if (find(key) == nullptr) return strings;
    const auto& items = array(key);
    strings.reserve(items.size);
    for (std::uint32_t i = 0; i < items.size; ++i) strings.push_back(as_str(items.ptr[i], key));
    return strings;
  }
  Payload payload_or_nil(std::string_view key) const {
    const auto* o = find(key);
    return o == nullptr ? Payload() : payload_of(*o);
  }
  const std::string& where() const { return where_; }

 private:
  [[noreturn]] void wrong(std::string_view key, std::string_view expected,
                          const msgpack::object& got) const {
    fail(ErrorCode::kWrongType, where_ + " field \"" + std::string(key) + "\" must be " +
                                    std::string(expected) + ", got " + std::string(type_name(got)));
  }
  std::string as_str(const msgpack::object& o, std::string_view key) const {
    if (o.type != msgpack::type::STR) wrong(key, "a string", o);
    return std::string(o.via.str.ptr, o.via.str.size);
  }
  std::uint64_t as_u64(const msgpack::object& o, std::string_view key) const {
    if (o.type != msgpack::type::POSITIVE_INTEGER) wrong(key, "a non-negative integer", o);
    return o.via.u64;
  }
  std::uint32_t narrow(std::uint64_t value, std::string_view key) const {
    if (value > std::numeric_limits<std::uint32_t>::max()) {
      fail(ErrorCode::kInvalid, where_ + " field \"" + std::string(key) + "\" is out of range");
    }
    return static_cast<std::uint32_t>(value);
  }

  std::string where_;
  const msgpack::object_map* map_ = nullptr;
};

std::string non_empty(std::string value, const Fields& f, std::string_view key) {
  if (value.empty()) {
    fail(ErrorCode::kInvalid, f.where() + " field \"" + std::string(key) + "\" must not be empty");
  }
  return value;
}

std::uint64_t time_limit(std::uint64_t ms, const Fields& f, const DecodeLimits& limits) {
  if (ms > limits.max_timeout_ms) {
    fail(ErrorCode::kInvalid, f.where() + " timeout_ms is over the limit of " +
                                  std::to_string(limits.max_timeout_ms) + " ms");
  }
  return ms;
}

// A queue's name as a spec or request gives it (empty: the default queue).
std::string queue_name(std::string name, const Fields& f) {
  if (name.empty()) return name;
  if (auto problem = queue_name_problem(name))
    fail(ErrorCode::kInvalid, f.where() + ": " + *problem);
  return name;
}

// `where` names the spec in errors; `nested`: an entry of a chain's `then` or of `on_failure`,
// which takes those of its job and has none of its own.
JobSpec read_job_spec(const msgpack::object& o, std::string where, const DecodeLimits& limits,
                      bool nested = false);

std::vector<JobSpec> read_job_specs(const Fields& f, std::string_view key, std::size_t most,
                                    const DecodeLimits& limits, bool nested) {
  std::vector<JobSpec> specs;
  if (f.find(key) == nullptr) return specs;
  const auto& items = f.array(key);
  if (items.size > most) {
    fail(ErrorCode::kTooLarge, f.where() + " " + std::string(key) + " has " +
                                   std::to_string(items.size) + " jobs, more than the limit of " +
                                   std::to_string(most));
  }
  specs.reserve(items.size);
  for (std::uint32_t i = 0; i < items.size; ++i) {
    specs.push_back(read_job_spec(items.ptr[i],
                                  f.where() + " " + std::string(key) + " " + std::to_string(i),
                                  limits, nested));
  }
  return specs;
}

// A job a workflow makes gets keys added to its payload: it must be a map or absent.
void check_workflow_payloads(const std::vector<JobSpec>& specs) {
  for (const auto& spec : specs) {
    if (auto problem = workflow_payload_problem(spec)) fail(ErrorCode::kInvalid, *problem);
  }
}

JobSpec read_job_spec(const msgpack::object& o, std::string where, const DecodeLimits& limits,
                      bool nested) {
  Fields f(o, std::move(where));
  JobSpec spec;
  spec.type = non_empty(f.str("type"), f, "type");
  spec.payload = f.payload_or_nil("payload");
  spec.timeout_ms = time_limit(f.u64_or("timeout_ms", 0), f, limits);
  spec.max_attempts = f.u32_or("max_attempts", 0);
  spec.queue = queue_name(f.str_or("queue", ""), f);
  const auto priority = f.i64_or("priority", 0);
  if (priority < INT32_MIN || priority > INT32_MAX) {
    fail(ErrorCode::kInvalid, f.where() + " priority is out of range (a 32-bit signed integer)");
  }
  spec.priority = static_cast<std::int32_t>(priority);
  spec.run_at_ms = f.u64_or("run_at", 0);
  spec.unique_key = f.str_or("unique_key", "");
  if (spec.unique_key.size() > kMaxNameBytes) {
    fail(ErrorCode::kInvalid,
         f.where() + " unique_key is longer than " + std::to_string(kMaxNameBytes) + " bytes");
  }
  spec.batch = f.str_or("batch", "");
  if (spec.batch.size() > kMaxNameBytes) {
    fail(ErrorCode::kInvalid,
         f.where() + " batch is longer than " + std::to_string(kMaxNameBytes) + " bytes");
  }
  spec.then = read_job_specs(f, "then", kMaxChainSteps, limits, true);
  spec.on_failure = read_job_specs(f, "on_failure", kMaxChainSteps, limits, true);
  if (nested && (!spec.then.empty() || !spec.on_failure.empty() || !spec.batch.empty())) {
    fail(ErrorCode::kInvalid, f.where() +
                                  " has then, on_failure or batch of its own: a step of a chain "
                                  "or an on_failure job takes those of the job it follows");
  }
  check_workflow_payloads(spec.then);
  check_workflow_payloads(spec.on_failure);
  return spec;
}

// The fields of a job, in a "job" message or an element of a "jobs" batch.
Job read_job(const Fields& f, const DecodeLimits& limits) {
  Job m;
  m.id = non_empty(f.str("id"), f, "id");
  m.type = non_empty(f.str("type"), f, "type");
  m.payload = f.payload_or_nil("payload");
  m.attempt = f.u32("attempt");
  m.max_attempts = f.u32("max_attempts");
  m.timeout_ms = time_limit(f.u64("timeout_ms"), f, limits);
  m.created_ms = f.u64("created_ms");
  m.queue = f.str_or("queue", std::string(kDefaultQueue));
  m.parent = f.str_or("parent", "");
  m.batch = f.str_or("batch", "");
  m.then = read_job_specs(f, "then", kMaxChainSteps, limits, true);
  if (m.attempt == 0 || m.max_attempts == 0)
    fail(ErrorCode::kInvalid, "job attempt and max_attempts start at 1");
  return m;
}

// The fields of an outcome, in an "outcome" message or an element of an "outcomes" batch.
Outcome read_outcome(const Fields& f, const DecodeLimits& limits) {
  Outcome m;
  m.id = non_empty(f.str("id"), f, "id");
  m.type = f.str("type");
  m.attempt = f.u32("attempt");
  m.max_attempts = f.u32_or("max_attempts", m.attempt);
  const auto status = outcome_status_from(f.str("status"));
  if (!status) {
    fail(ErrorCode::kInvalid, "outcome status must be \"succeeded\", \"failed\" or \"cancelled\"");
  }
  m.status = *status;
  m.error_code = f.str_or("error_code", "");
  m.error = f.str_or("error", "");
  m.result = f.payload_or_nil("result");
  m.worker = f.str_or("worker", "");
  m.created_ms = f.u64_or("created_ms", 0);
  m.started_ms = f.u64_or("started_ms", 0);
  m.finished_ms = f.u64_or("finished_ms", 0);
  m.run_us = f.u64_or("run_us", 0);
  m.cpu_us = f.u64_or("cpu_us", 0);
  m.max_rss_kb = f.u64_or("max_rss_kb", 0);
  if (const auto* payload = f.find("payload"); payload != nullptr) m.payload = payload_of(*payload);
  m.payload_bytes = f.u64_or("payload_bytes", 0);
  m.queue = f.str_or("queue", "");
  m.parent = f.str_or("parent", "");
  m.batch = f.str_or("batch", "");
  m.then = read_job_specs(f, "then", kMaxChainSteps, limits, true);
  m.follow_ups = read_job_specs(f, "follow_ups", kMaxFollowUps, limits, false);
  return m;
}

Message submit_from(const Fields& f, const DecodeLimits& limits) {
  SubmitRequest m;
  m.req = f.u64("req");
  m.pipeline = f.str_or("pipeline", "");
  const auto& jobs = f.array("jobs");
  if (jobs.size > limits.max_jobs_per_submit) {
    fail(ErrorCode::kTooLarge, "submit carries " + std::to_string(jobs.size) +
                                   " jobs, more than the limit of " +
                                   std::to_string(limits.max_jobs_per_submit));
  }
  m.jobs.reserve(jobs.size);
  for (std::uint32_t i = 0; i < jobs.size; ++i)
    m.jobs.push_back(read_job_spec(jobs.ptr[i], "job " + std::to_string(i), limits));
  return m;
}

Message accepted_from(const Fields& f, const DecodeLimits& /*limits*/) {
  SubmitAccepted m;
  m.req = f.u64("req");
  (void)f.array("ids");  // required
  m.ids = f.strings_or_none("ids");
  m.pipeline = f.str_or("pipeline", "");
  return m;
}

Message refused_from(const Fields& f, const DecodeLimits& /*limits*/) {
  return SubmitRefused{f.u64("req"), f.str("code"), f.str("message"), f.str_or("pipeline", "")};
}

Message query_from(const Fields& f, const DecodeLimits& /*limits*/) {
  JobsQuery m;
  m.req = f.u64("req");
  if (f.array("ids").size > kMaxJobsPerQuery) {
    fail(ErrorCode::kTooLarge, "query asks about " + std::to_string(f.array("ids").size) +
                                   " jobs, more than the limit of " +
                                   std::to_string(kMaxJobsPerQuery));
  }
  m.ids = f.strings_or_none("ids");
  return m;
}

Message states_from(const Fields& f, const DecodeLimits& /*limits*/) {
  JobStates m;
  m.req = f.u64("req");
  m.pipeline = f.str_or("pipeline", "");
  const auto& jobs = f.array("jobs");
  m.jobs.reserve(jobs.size);
  for (std::uint32_t i = 0; i < jobs.size; ++i) {
    const Fields j(jobs.ptr[i], "states job " + std::to_string(i));
    JobStatus status;
    status.id = j.str("id");
    const auto state = j.str("state");
    // A state this version does not know (a later one's) reads as unknown.
    status.state = job_state_from(state).value_or(JobState::kUnknown);
    status.attempt = j.u32_or("attempt", 0);
    status.max_attempts = j.u32_or("max_attempts", 0);
    status.worker = j.str_or("worker", "");
    status.due_ms = j.u64_or("due_ms", 0);
    status.error_code = j.str_or("error_code", "");
    status.error = j.str_or("error", "");
    status.queue = j.str_or("queue", "");
    m.jobs.push_back(std::move(status));
  }
  return m;
}

Message status_request_from(const Fields& f, const DecodeLimits& /*limits*/) {
  return StatusRequest{f.u64("req")};
}

Message workers_request_from(const Fields& f, const DecodeLimits& /*limits*/) {
  return WorkersRequest{f.u64("req")};
}

Message workers_from(const Fields& f, const DecodeLimits& /*limits*/) {
  WorkersReply m;
  m.req = f.u64("req");
  m.pipeline = f.str_or("pipeline", "");
  const auto& workers = f.array("workers");
  m.workers.reserve(workers.size);
  for (std::uint32_t i = 0; i < workers.size; ++i) {
    const Fields w(workers.ptr[i], "workers worker " + std::to_string(i));
    WorkerSummary worker;
    worker.name = w.str("name");
    worker.process = w.str_or("process", "");
    worker.state = w.str("state");
    worker.slots = w.u64_or("slots", 0);
    worker.held = w.u64_or("held", 0);
    worker.sent = w.u64_or("sent", 0);
    worker.credit = w.u64_or("credit", 0);
    worker.heard_ms_ago = w.u64_or("heard_ms_ago", 0);
    worker.connected_ms_ago = w.u64_or("connected_ms_ago", 0);
    worker.heartbeat_ms = w.u64_or("heartbeat_ms", 0);
    worker.types = w.strings_or_none("types");
    worker.queues = w.strings_or_none("queues");
    m.workers.push_back(std::move(worker));
  }
  return m;
}

// The counts of one map of a status's "by_type" or its "other_types".
TypeCounts type_counts_from(const Fields& f, std::string type) {
  return TypeCounts{std::move(type),         f.u64_or("pending", 0),   f.u64_or("in_flight", 0),
                    f.u64_or("retrying", 0), f.u64_or("succeeded", 0), f.u64_or("dead", 0)};
}

Message dead_jobs_request_from(const Fields& f, std::string_view kind) {
  DeadJobsRequest m;
  m.req = f.u64("req");
  m.action = kind == "retry" ? DeadJobsRequest::Action::kRetry : DeadJobsRequest::Action::kDiscard;
  m.selection.all_dead = f.boolean_or("all_dead", false);
  m.selection.type = f.str_or("type", "");
  m.selection.ids = f.strings_or_none("ids");
  m.pipeline = f.str_or("pipeline", "");
  if (m.selection.all_dead == !m.selection.ids.empty()) {
    fail(ErrorCode::kInvalid, std::string(kind) + " needs either ids or all_dead, and not both");
  }
  return m;
}

Message retry_from(const Fields& f, const DecodeLimits& /*limits*/) {
  return dead_jobs_request_from(f, kind_of<DeadJobsRequest>());
}

Message discard_from(const Fields& f, const DecodeLimits& /*limits*/) {
  return dead_jobs_request_from(f, kDiscard);
}

Message status_from(const Fields& f, const DecodeLimits& /*limits*/) {
  StatusReply m;
  m.req = f.u64("req");
  m.counts.accepted = f.u64("accepted");
  m.counts.pending = f.u64("pending");
  m.counts.in_flight = f.u64("in_flight");
  m.counts.retrying = f.u64_or("retrying", 0);
  m.counts.succeeded = f.u64("succeeded");
  m.counts.failed = f.u64("failed");
  m.counts.dead = f.u64("dead");
  m.counts.scheduled = f.u64_or("scheduled", 0);
  m.counts.cancelled = f.u64_or("cancelled", 0);
  m.types_without_workers = f.strings_or_none("types_without_workers");
  m.alerts = f.strings_or_none("alerts");
  m.pipeline = f.str_or("pipeline", "");
  if (f.find("by_type") != nullptr) {
    const auto& types = f.array("by_type");
    m.by_type.reserve(types.size);
    for (std::uint32_t i = 0; i < types.size; ++i) {
      const Fields t(types.ptr[i], "status by_type " + std::to_string(i));
      m.by_type.push_back(type_counts_from(t, t.str("type")));
    }
  }
  if (const auto* other = f.find("other_types")) {
    m.other_types = type_counts_from(Fields(*other, "status other_types"), "");
  }
  return m;
}

Message job_from(const Fields& f, const DecodeLimits& limits) { return read_job(f, limits); }

Message jobs_from(const Fields& f, const DecodeLimits& limits) {
  JobBatch m;
  const auto& jobs = f.array("jobs");
  if (jobs.size == 0) fail(ErrorCode::kInvalid, "a jobs message needs at least one job");
  m.jobs.reserve(jobs.size);
  for (std::uint32_t i = 0; i < jobs.size; ++i) {
    m.jobs.push_back(read_job(Fields(jobs.ptr[i], "job " + std::to_string(i)), limits));
  }
  return m;
}

Message ready_from(const Fields& f, const DecodeLimits& /*limits*/) {
  Credit m;
  m.credit = f.u64("credit");
  m.reset = f.boolean_or("reset", false);
  m.worker = f.str_or("worker", "");
  m.slots = f.u64_or("slots", 0);
  m.window = f.u64_or("window", 0);
  m.says_routing = f.find("types") != nullptr || f.find("queues") != nullptr;
  m.types = f.strings_or_none("types");
  m.queues = f.strings_or_none("queues");
  for (auto& queue : m.queues) queue = queue_name(std::move(queue), f);
  m.queue_weights = f.u32s_or_none("queue_weights");
  if (!m.queue_weights.empty() && m.queue_weights.size() != m.queues.size()) {
    fail(ErrorCode::kInvalid, "ready queue_weights needs one weight per queue");
  }
  for (const auto weight : m.queue_weights) {
    if (weight == 0) fail(ErrorCode::kInvalid, "ready queue_weights must be at least 1");
  }
  return m;
}

Message heartbeat_from(const Fields& f, const DecodeLimits& /*limits*/) {
  Heartbeat m;
  m.interval_ms = f.u64_or("interval_ms", 0);
  m.resync = f.boolean_or("resync", false);
  m.worker = f.str_or("worker", "");
  m.state = f.str_or("state", "");
  m.process = f.str_or("process", "");
  m.takes_control = f.boolean_or("control", false);
  return m;
}

Message release_from(const Fields& f, const DecodeLimits& /*limits*/) {
  Release m;
  const auto& jobs = f.array("jobs");
  m.jobs.reserve(jobs.size);
  for (std::uint32_t i = 0; i < jobs.size; ++i) {
    Fields j(jobs.ptr[i], "released job " + std::to_string(i));
    ReleasedJob job{non_empty(j.str("id"), j, "id"), j.u32("attempt")};
    if (job.attempt == 0) fail(ErrorCode::kInvalid, "a released job's attempt starts at 1");
    m.jobs.push_back(std::move(job));
  }
  m.reason = f.str_or("reason", "");
  return m;
}

Message outcome_from(const Fields& f, const DecodeLimits& limits) {
  return read_outcome(f, limits);
}

Message outcomes_from(const Fields& f, const DecodeLimits& limits) {
  OutcomeBatch m;
  const auto& outcomes = f.array("outcomes");
  if (outcomes.size == 0) fail(ErrorCode::kInvalid, "an outcomes message needs at least one");
  m.outcomes.reserve(outcomes.size);
  for (std::uint32_t i = 0; i < outcomes.size; ++i) {
    m.outcomes.push_back(
        read_outcome(Fields(outcomes.ptr[i], "outcome " + std::to_string(i)), limits));
  }
  return m;
}

Message ack_from(const Fields& f, const DecodeLimits& limits) {
  AckBatch m;
  const auto& acks = f.array("acks");
  m.acks.reserve(acks.size);
  for (std::uint32_t i = 0; i < acks.size; ++i) {
    Fields a(acks.ptr[i], "ack " + std::to_string(i));
    const auto status = outcome_status_from(a.str("status"));
    if (!status) {
      fail(ErrorCode::kInvalid, "ack status must be \"succeeded\", \"failed\" or \"cancelled\"");
    }
    Ack ack{.id = non_empty(a.str("id"), a, "id"),
            .status = *status,
            .duplicate = a.boolean_or("duplicate", false),
            .attempt = a.u32_or("attempt", 1),
            .final = a.boolean_or("final", true),
            .error_code = a.str_or("error_code", ""),
            .error = a.str_or("error", "")};
    ack.follow_ups = read_job_specs(a, "follow_ups", kMaxFollowUps, limits, false);
    if (const auto* next = a.find("next"); next != nullptr) {
      ack.next = read_job_spec(*next, a.where() + " next", limits);
    }
    if (ack.attempt == 0) fail(ErrorCode::kInvalid, "ack attempt starts at 1");
    m.acks.push_back(std::move(ack));
  }
  m.lag_ms = f.u64_or("lag_ms", 0);
  return m;
}

Message event_from(const Fields& f, const DecodeLimits& /*limits*/) {
  Event m;
  m.name = non_empty(f.str("name"), f, "name");
  m.source = f.str("source");
  m.seq = f.u64("seq");
  m.time_ms = f.u64("time_ms");
  if (const auto* fields = f.find("fields")) {
    Fields extra(*fields, "event fields");
    for (std::uint32_t i = 0; i < fields->via.map.size; ++i) {
      const auto& kv = fields->via.map.ptr[i];
      if (kv.key.type != msgpack::type::STR || kv.val.type != msgpack::type::STR) {
        fail(ErrorCode::kWrongType, "event fields must map strings to strings");
      }
      m.fields.emplace(std::string(kv.key.via.str.ptr, kv.key.via.str.size),
                       std::string(kv.val.via.str.ptr, kv.val.via.str.size));
    }
  }
  return m;
}

Message cancel_from(const Fields& f, const DecodeLimits& /*limits*/) {
  CancelRequest m;
  m.req = f.u64("req");
  if (f.array("ids").size > kMaxJobsPerQuery) {
    fail(ErrorCode::kTooLarge, "cancel names " + std::to_string(f.array("ids").size) +
                                   " jobs, more than the limit of " +
                                   std::to_string(kMaxJobsPerQuery));
  }
  m.ids = f.strings_or_none("ids");
  m.by = f.str_or("by", "");
  m.pipeline = f.str_or("pipeline", "");
  return m;
}

Message cancel_reply_from(const Fields& f, const DecodeLimits& /*limits*/) {
  CancelReply m;
  m.req = f.u64("req");
  m.pipeline = f.str_or("pipeline", "");
  const auto& jobs = f.array("jobs");
  m.jobs.reserve(jobs.size);
  for (std::uint32_t i = 0; i < jobs.size; ++i) {
    const Fields j(jobs.ptr[i], "cancel_reply job " + std::to_string(i));
    m.jobs.push_back(
        {j.str("id"), cancel_result_from(j.str("result")).value_or(CancelResult::kUnknown)});
  }
  return m;
}

Message cancel_jobs_from(const Fields& f, const DecodeLimits& /*limits*/) {
  CancelJobs m;
  const auto& jobs = f.array("jobs");
  m.jobs.reserve(jobs.size);
  for (std::uint32_t i = 0; i < jobs.size; ++i) {
    Fields j(jobs.ptr[i], "cancelled job " + std::to_string(i));
    m.jobs.push_back({non_empty(j.str("id"), j, "id"), j.u32("attempt")});
  }
  m.by = f.str_or("by", "");
  return m;
}

Message queues_request_from(const Fields& f, const DecodeLimits& /*limits*/) {
  return QueuesRequest{f.u64("req")};
}

Message queue_control_from(const Fields& f, const DecodeLimits& /*limits*/) {
  QueueControl m;
  m.req = f.u64("req");
  m.queue = queue_name(non_empty(f.str("queue"), f, "queue"), f);
  m.paused = f.boolean_or("paused", true);
  m.pipeline = f.str_or("pipeline", "");
  return m;
}

Message limit_control_from(const Fields& f, const DecodeLimits& /*limits*/) {
  LimitControl m;
  m.req = f.u64("req");
  m.clear = f.boolean_or("clear", false);
  m.limit = non_empty(f.str("limit"), f, "limit");
  m.pipeline = f.str_or("pipeline", "");
  return m;
}

Message queues_from(const Fields& f, const DecodeLimits& /*limits*/) {
  QueuesReply m;
  m.req = f.u64("req");
  m.pipeline = f.str_or("pipeline", "");
  const auto& queues = f.array("queues");
  m.queues.reserve(queues.size);
  for (std::uint32_t i = 0; i < queues.size; ++i) {
    const Fields q(queues.ptr[i], "queues queue " + std::to_string(i));
    m.queues.push_back({q.str("name"), q.u64_or("pending", 0), q.u64_or("running", 0),
                        q.u64_or("scheduled", 0), q.u64_or("latency_ms", 0),
                        q.boolean_or("paused", false)});
  }
  if (f.find("limits") != nullptr) {
    const auto& limits = f.array("limits");
    for (std::uint32_t i = 0; i < limits.size; ++i) {
      const Fields l(limits.ptr[i], "queues limit " + std::to_string(i));
      m.limits.push_back({l.str("limit"), l.u64_or("running", 0), l.u64_or("waiting", 0)});
    }
  }
  return m;
}

Message scheduled_request_from(const Fields& f, const DecodeLimits& /*limits*/) {
  ScheduledRequest m;
  m.req = f.u64("req");
  m.limit = std::min(f.u64_or("limit", 100), kMaxScheduledListed);
  return m;
}

Message scheduled_from(const Fields& f, const DecodeLimits& /*limits*/) {
  ScheduledReply m;
  m.req = f.u64("req");
  m.total = f.u64_or("total", 0);
  m.pipeline = f.str_or("pipeline", "");
  const auto& jobs = f.array("jobs");
  m.jobs.reserve(jobs.size);
  for (std::uint32_t i = 0; i < jobs.size; ++i) {
    const Fields j(jobs.ptr[i], "scheduled job " + std::to_string(i));
    m.jobs.push_back({j.str("id"), j.str("type"), j.str_or("queue", std::string(kDefaultQueue)),
                      j.u64("due_ms"), j.u32_or("attempt", 1)});
  }
  return m;
}

RecurringJob recurring_from(const Fields& f, const DecodeLimits& limits) {
  RecurringJob r;
  r.name = f.str("name");
  if (r.name.empty() || r.name.size() > kMaxNameBytes) {
    fail(ErrorCode::kInvalid,
         f.where() + " name must be 1 to " + std::to_string(kMaxNameBytes) + " bytes");
  }
  r.every_ms = f.u64_or("every_ms", 0);
  r.cron = f.str_or("cron", "");
  if (const auto* job = f.find("job")) r.job = read_job_spec(*job, f.where() + " job", limits);
  r.next_run_ms = f.u64_or("next_run_ms", 0);
  r.last_run_ms = f.u64_or("last_run_ms", 0);
  r.last_job_id = f.str_or("last_job_id", "");
  return r;
}

Message schedule_control_from(const Fields& f, const DecodeLimits& limits) {
  ScheduleControl m;
  m.req = f.u64("req");
  const auto action = f.str("action");
  if (action == "list") {
    m.action = ScheduleControl::Action::kList;
  } else if (action == "add") {
    m.action = ScheduleControl::Action::kAdd;
  } else if (action == "remove") {
    m.action = ScheduleControl::Action::kRemove;
  } else {
    fail(ErrorCode::kInvalid, "schedule_control action must be \"list\", \"add\" or \"remove\"");
  }
  if (m.action != ScheduleControl::Action::kList) {
    m.schedule = recurring_from(Fields(f.require("schedule"), "schedule_control schedule"), limits);
    if (m.action == ScheduleControl::Action::kAdd) {
      if ((m.schedule.every_ms == 0) == m.schedule.cron.empty()) {
        fail(ErrorCode::kInvalid, "a schedule needs either every_ms or cron, and not both");
      }
      if (m.schedule.job.type.empty()) fail(ErrorCode::kInvalid, "a schedule needs a job");
    }
  }
  m.pipeline = f.str_or("pipeline", "");
  return m;
}

Message schedules_from(const Fields& f, const DecodeLimits& limits) {
  SchedulesReply m;
  m.req = f.u64("req");
  m.pipeline = f.str_or("pipeline", "");
  const auto& schedules = f.array("schedules");
  for (std::uint32_t i = 0; i < schedules.size; ++i) {
    m.schedules.push_back(
        recurring_from(Fields(schedules.ptr[i], "schedule " + std::to_string(i)), limits));
  }
  return m;
}

Message batch_open_from(const Fields& f, const DecodeLimits& limits) {
  BatchOpen m;
  m.req = f.u64("req");
  m.description = f.str_or("description", "");
  if (const auto* spec = f.find("on_complete")) {
    m.on_complete = read_job_spec(*spec, "batch_open on_complete", limits);
  }
  if (const auto* spec = f.find("on_success")) {
    m.on_success = read_job_spec(*spec, "batch_open on_success", limits);
  }
  for (const auto* callback : {&m.on_complete, &m.on_success}) {
    if (!*callback) continue;
    if (!(*callback)->batch.empty()) {
      fail(ErrorCode::kInvalid, "a batch's callback cannot belong to a batch");
    }
    if (auto problem = workflow_payload_problem(**callback)) fail(ErrorCode::kInvalid, *problem);
  }
  m.pipeline = f.str_or("pipeline", "");
  return m;
}

Message batch_seal_from(const Fields& f, const DecodeLimits& /*limits*/) {
  return BatchSeal{f.u64("req"), non_empty(f.str("batch"), f, "batch"), f.str_or("pipeline", "")};
}

Message batches_request_from(const Fields& f, const DecodeLimits& /*limits*/) {
  BatchesRequest m;
  m.req = f.u64("req");
  m.ids = f.strings_or_none("ids");
  if (m.ids.size() > kMaxBatchesListed) {
    fail(ErrorCode::kTooLarge,
         "batches_request names more than " + std::to_string(kMaxBatchesListed) + " batches");
  }
  m.limit = std::min(f.u64_or("limit", 100), kMaxBatchesListed);
  return m;
}

Message batches_from(const Fields& f, const DecodeLimits& /*limits*/) {
  BatchesReply m;
  m.req = f.u64("req");
  m.pipeline = f.str_or("pipeline", "");
  const auto& batches = f.array("batches");
  m.batches.reserve(batches.size);
  for (std::uint32_t i = 0; i < batches.size; ++i) {
    const Fields b(batches.ptr[i], "batches batch " + std::to_string(i));
    BatchSummary batch;
    batch.id = b.str("id");
    batch.known = b.boolean_or("known", true);
    batch.description = b.str_or("description", "");
    batch.created_ms = b.u64_or("created_ms", 0);
    batch.finished_ms = b.u64_or("finished_ms", 0);
    batch.sealed = b.boolean_or("sealed", false);
    batch.total = b.u64_or("total", 0);
    batch.pending = b.u64_or("pending", 0);
    batch.running = b.u64_or("running", 0);
    batch.succeeded = b.u64_or("succeeded", 0);
    batch.dead = b.u64_or("dead", 0);
    batch.cancelled = b.u64_or("cancelled", 0);
    batch.on_complete_id = b.str_or("on_complete_id", "");
    batch.on_success_id = b.str_or("on_success_id", "");
    batch.dead_ids = b.strings_or_none("dead_ids");
    m.batches.push_back(std::move(batch));
  }
  return m;
}

WorkerAction worker_action(const Fields& f) {
  const auto action = worker_action_from(f.str("action"));
  if (!action) {
    fail(ErrorCode::kInvalid, f.where() + " action must be \"pause\", \"resume\" or \"stop\"");
  }
  return *action;
}

Message worker_control_from(const Fields& f, const DecodeLimits& /*limits*/) {
  WorkerControl m;
  m.req = f.u64("req");
  m.worker = non_empty(f.str("worker"), f, "worker");
  m.action = worker_action(f);
  m.by = f.str_or("by", "");
  m.pipeline = f.str_or("pipeline", "");
  return m;
}

Message worker_control_reply_from(const Fields& f, const DecodeLimits& /*limits*/) {
  return WorkerControlReply{f.u64("req"), f.str("worker"), f.str_or("process", ""),
                            worker_action(f), f.str_or("pipeline", "")};
}

Message control_from(const Fields& f, const DecodeLimits& /*limits*/) {
  return ControlWorker{worker_action(f), f.str_or("by", "")};
}

Message run_now_from(const Fields& f, const DecodeLimits& /*limits*/) {
  RunNowRequest m;
  m.req = f.u64("req");
  if (f.array("ids").size > kMaxJobsPerQuery) {
    fail(ErrorCode::kTooLarge, "run_now names " + std::to_string(f.array("ids").size) +
                                   " jobs, more than the limit of " +
                                   std::to_string(kMaxJobsPerQuery));
  }
  m.ids = f.strings_or_none("ids");
  m.pipeline = f.str_or("pipeline", "");
  return m;
}

Message run_now_reply_from(const Fields& f, const DecodeLimits& /*limits*/) {
  RunNowReply m;
  m.req = f.u64("req");
  m.pipeline = f.str_or("pipeline", "");
  const auto& jobs = f.array("jobs");
  m.jobs.reserve(jobs.size);
  for (std::uint32_t i = 0; i < jobs.size; ++i) {
    const Fields j(jobs.ptr[i], "run_now_reply job " + std::to_string(i));
    // A result this version does not know (a later one's) reads as unknown.
    m.jobs.push_back(
        {j.str("id"), run_now_result_from(j.str("result")).value_or(RunNowResult::kUnknown)});
  }
  return m;
}

// Every kind a message may have, and how its fields are read.
struct KindReader {
  std::string_view kind;
  Message (*read)(const Fields& fields, const DecodeLimits& limits);
};

constexpr KindReader kKindReaders[] = {
    {kind_of<SubmitRequest>(), submit_from},
    {kind_of<SubmitAccepted>(), accepted_from},
    {kind_of<SubmitRefused>(), refused_from},
    {kind_of<StatusRequest>(), status_request_from},
    {kind_of<StatusReply>(), status_from},
    {kind_of<Job>(), job_from},
    {kind_of<Outcome>(), outcome_from},
    {kind_of<AckBatch>(), ack_from},
    {kind_of<Event>(), event_from},
    {kind_of<DeadJobsRequest>(), retry_from},
    {kind_of<Credit>(), ready_from},
    {kind_of<JobBatch>(), jobs_from},
    {kind_of<OutcomeBatch>(), outcomes_from},
    {kind_of<Heartbeat>(), heartbeat_from},
    {kind_of<Release>(), release_from},
    {kDiscard, discard_from},
    {kind_of<JobsQuery>(), query_from},
    {kind_of<JobStates>(), states_from},
    {kind_of<WorkersRequest>(), workers_request_from},
    {kind_of<WorkersReply>(), workers_from},
    {kind_of<CancelRequest>(), cancel_from},
    {kind_of<CancelReply>(), cancel_reply_from},
    {kind_of<CancelJobs>(), cancel_jobs_from},
    {kind_of<QueuesRequest>(), queues_request_from},
    {kind_of<QueueControl>(), queue_control_from},
    {kind_of<LimitControl>(), limit_control_from},
    {kind_of<QueuesReply>(), queues_from},
    {kind_of<ScheduledRequest>(), scheduled_request_from},
    {kind_of<ScheduledReply>(), scheduled_from},
    {kind_of<ScheduleControl>(), schedule_control_from},
    {kind_of<SchedulesReply>(), schedules_from},
    {kind_of<BatchOpen>(), batch_open_from},
    {kind_of<BatchSeal>(), batch_seal_from},
    {kind_of<BatchesRequest>(), batches_request_from},
    {kind_of<BatchesReply>(), batches_from},
    {kind_of<WorkerControl>(), worker_control_from},
    {kind_of<WorkerControlReply>(), worker_control_reply_from},
    {kind_of<ControlWorker>(), control_from},
    {kind_of<RunNowRequest>(), run_now_from},
    {kind_of<RunNowReply>(), run_now_reply_from},
};

Message read_body(std::string_view kind, const Fields& f, const DecodeLimits& limits) {
  for (const auto& reader : kKindReaders) {
    if (reader.kind == kind) return reader.read(f, limits);
  }
  fail(ErrorCode::kUnknownKind, "unknown message kind \"" + std::string(kind) + "\"");
}

// Unpacks exactly one msgpack value from `bytes` under `limits`, into `handle`; refuses what
// decode() refuses before it looks at fields.
std::optional<Error> unpack_one(std::string_view bytes, const DecodeLimits& limits,
                                msgpack::object_handle& handle) {
  if (bytes.size() > limits.max_message_bytes) {
    return make_error(ErrorCode::kTooLarge, "message of " + std::to_string(bytes.size()) +
                                                " bytes exceeds the limit of " +
                                                std::to_string(limits.max_message_bytes));
  }
  const msgpack::unpack_limit unpack_limits(limits.max_array, limits.max_map, limits.max_string,
                                            limits.max_binary, /*ext=*/0, limits.max_depth);
  std::size_t offset = 0;
  try {
    handle = msgpack::unpack(bytes.data(), bytes.size(), offset, nullptr, nullptr, unpack_limits);
  } catch (const msgpack::size_overflow& e) {
    return make_error(ErrorCode::kTooLarge, std::string("msgpack limit exceeded: ") + e.what());
  } catch (const msgpack::insufficient_bytes&) {
    return make_error(ErrorCode::kMalformed, "msgpack ends early (truncated message)");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kMalformed, std::string("not valid msgpack: ") + e.what());
  }
  if (offset != bytes.size()) {
    return make_error(ErrorCode::kTrailingBytes,
                      std::to_string(bytes.size() - offset) + " bytes follow the message");
  }
  return std::nullopt;
}

}  // namespace

std::string encode(const SubmitRequest& m) {
  MessageWriter w(kind_of<SubmitRequest>(), m.pipeline.empty() ? 2 : 3);
  w.u64("req", m.req);
  w.key("jobs");
  w.packer().pack_array(static_cast<std::uint32_t>(m.jobs.size()));
  for (const auto& spec : m.jobs) write_job_spec(w, spec);
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const SubmitAccepted& m) {
  MessageWriter w(kind_of<SubmitAccepted>(), m.pipeline.empty() ? 2 : 3);
  w.u64("req", m.req);
  w.key("ids");
  w.packer().pack_array(static_cast<std::uint32_t>(m.ids.size()));
  for (const auto& id : m.ids) w.string_value(id);
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const SubmitRefused& m) {
  MessageWriter w(kind_of<SubmitRefused>(), m.pipeline.empty() ? 3 : 4);
  w.u64("req", m.req);
  w.str("code", m.code);
  w.str("message", m.message);
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const JobsQuery& m) {
  MessageWriter w(kind_of<JobsQuery>(), 2);
  w.u64("req", m.req);
  w.key("ids");
  w.packer().pack_array(static_cast<std::uint32_t>(m.ids.size()));
  for (const auto& id : m.ids) w.string_value(id);
  return w.take();
}

std::string encode(const JobStates& m) {
  MessageWriter w(kind_of<JobStates>(), m.pipeline.empty() ? 2 : 3);
  w.u64("req", m.req);
  w.key("jobs");
  w.packer().pack_array(static_cast<std::uint32_t>(m.jobs.size()));
  for (const auto& job : m.jobs) {
    // id and state always; the rest only when known.
    const std::uint32_t fields = 2 + (job.attempt != 0 ? 1 : 0) + (job.max_attempts != 0 ? 1 : 0) +
                                 (!job.worker.empty() ? 1 : 0) + (job.due_ms != 0 ? 1 : 0) +
                                 (!job.error_code.empty() ? 1 : 0) + (!job.error.empty() ? 1 : 0) +
                                 (!job.queue.empty() ? 1 : 0);
    w.packer().pack_map(fields);
    w.str("id", job.id);
    w.str("state", to_string(job.state));
    if (job.attempt != 0) w.u64("attempt", job.attempt);
    if (job.max_attempts != 0) w.u64("max_attempts", job.max_attempts);
    if (!job.worker.empty()) w.str("worker", job.worker);
    if (job.due_ms != 0) w.u64("due_ms", job.due_ms);
    if (!job.error_code.empty()) w.str("error_code", job.error_code);
    if (!job.error.empty()) w.str("error", job.error);
    if (!job.queue.empty()) w.str("queue", job.queue);
  }
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const StatusRequest& m) {
  MessageWriter w(kind_of<StatusRequest>(), 1);
  w.u64("req", m.req);
  return w.take();
}

std::string encode(const WorkersRequest& m) {
  MessageWriter w(kind_of<WorkersRequest>(), 1);
  w.u64("req", m.req);
  return w.take();
}

std::string encode(const WorkersReply& m) {
  MessageWriter w(kind_of<WorkersReply>(), m.pipeline.empty() ? 2 : 3);
  w.u64("req", m.req);
  w.key("workers");
  w.packer().pack_array(static_cast<std::uint32_t>(m.workers.size()));
  for (const auto& worker : m.workers) {
    // process only when it says something the name does not.
    w.packer().pack_map((worker.process.empty() ? 9 : 10) + (worker.types.empty() ? 0 : 1) +
                        (worker.queues.empty() ? 0 : 1));
    w.str("name", worker.name);
    if (!worker.process.empty()) w.str("process", worker.process);
    w.str("state", worker.state);
    w.u64("slots", worker.slots);
    w.u64("held", worker.held);
    w.u64("sent", worker.sent);
    w.u64("credit", worker.credit);
    w.u64("heard_ms_ago", worker.heard_ms_ago);
    w.u64("connected_ms_ago", worker.connected_ms_ago);
    w.u64("heartbeat_ms", worker.heartbeat_ms);
    if (!worker.types.empty()) w.strings("types", worker.types);
    if (!worker.queues.empty()) w.strings("queues", worker.queues);
  }
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

// The counts of a TypeCounts, its type only when `named`.
void write_type_counts(MessageWriter& w, const TypeCounts& t, bool named) {
  w.packer().pack_map(named ? 6 : 5);
  if (named) w.str("type", t.type);
  w.u64("pending", t.pending);
  w.u64("in_flight", t.in_flight);
  w.u64("retrying", t.retrying);
  w.u64("succeeded", t.succeeded);
  w.u64("dead", t.dead);
}

std::string encode(const StatusReply& m) {
  MessageWriter w(kind_of<StatusReply>(),
                  10 + (m.alerts.empty() ? 0 : 1) + (m.pipeline.empty() ? 0 : 1) +
                      (m.by_type.empty() ? 0 : 1) + (m.other_types ? 1 : 0) +
                      (m.types_without_workers.empty() ? 0 : 1));
  w.u64("req", m.req);
  w.u64("accepted", m.counts.accepted);
  w.u64("pending", m.counts.pending);
  w.u64("in_flight", m.counts.in_flight);
  w.u64("retrying", m.counts.retrying);
  w.u64("succeeded", m.counts.succeeded);
  w.u64("failed", m.counts.failed);
  w.u64("dead", m.counts.dead);
  w.u64("scheduled", m.counts.scheduled);
  w.u64("cancelled", m.counts.cancelled);
  if (!m.types_without_workers.empty()) {
    w.strings("types_without_workers", m.types_without_workers);
  }
  if (!m.alerts.empty()) {
    w.key("alerts");
    w.packer().pack_array(static_cast<std::uint32_t>(m.alerts.size()));
    for (const auto& alert : m.alerts) w.string_value(alert);
  }
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  if (!m.by_type.empty()) {
    w.key("by_type");
    w.packer().pack_array(static_cast<std::uint32_t>(m.by_type.size()));
    for (const auto& t : m.by_type) write_type_counts(w, t, true);
  }
  if (m.other_types) {
    w.key("other_types");
    write_type_counts(w, *m.other_types, false);
  }
  return w.take();
}

std::string encode(const Job& m) {
  MessageWriter w(kind_of<Job>(), job_field_count(m));
  write_job_fields(w, m);
  return w.take();
}

std::string encode(const JobBatch& m) {
  MessageWriter w(kind_of<JobBatch>(), 1);
  w.key("jobs");
  w.packer().pack_array(static_cast<std::uint32_t>(m.jobs.size()));
  for (const auto& job : m.jobs) {
    w.packer().pack_map(job_field_count(job));
    write_job_fields(w, job);
  }
  return w.take();
}

std::string encode(const Credit& m) {
  MessageWriter w(kind_of<Credit>(), 4 + (m.window > 0 ? 1 : 0) + (m.says_routing ? 2 : 0) +
                                         (!m.queue_weights.empty() ? 1 : 0));
  w.u64("credit", m.credit);
  w.boolean("reset", m.reset);
  w.str("worker", m.worker);
  w.u64("slots", m.slots);
  if (m.window > 0) w.u64("window", m.window);
  if (m.says_routing) {
    w.strings("types", m.types);
    w.strings("queues", m.queues);
    if (!m.queue_weights.empty()) {
      w.key("queue_weights");
      w.packer().pack_array(static_cast<std::uint32_t>(m.queue_weights.size()));
      for (const auto weight : m.queue_weights) w.packer().pack_uint32(weight);
    }
  }
  return w.take();
}

std::string encode(const Heartbeat& m) {
  MessageWriter w(
      kind_of<Heartbeat>(),
      3 + (m.state.empty() ? 0 : 1) + (m.process.empty() ? 0 : 1) + (m.takes_control ? 1 : 0));
  w.u64("interval_ms", m.interval_ms);
  w.boolean("resync", m.resync);
  w.str("worker", m.worker);
  if (!m.state.empty()) w.str("state", m.state);
  if (!m.process.empty()) w.str("process", m.process);
  if (m.takes_control) w.boolean("control", true);
  return w.take();
}

std::string encode(const Release& m) {
  MessageWriter w(kind_of<Release>(), 2);
  w.key("jobs");
  w.packer().pack_array(static_cast<std::uint32_t>(m.jobs.size()));
  for (const auto& job : m.jobs) {
    w.packer().pack_map(2);
    w.str("id", job.id);
    w.u64("attempt", job.attempt);
  }
  w.str("reason", m.reason);
  return w.take();
}

std::string encode(const Outcome& m) {
  MessageWriter w(kind_of<Outcome>(), outcome_field_count(m));
  write_outcome_fields(w, m);
  return w.take();
}

std::string encode_outcome_entry(const Outcome& m) {
  MessageWriter w;
  w.packer().pack_map(outcome_field_count(m));
  write_outcome_fields(w, m);
  return w.take();
}

std::string encode_outcomes(const std::vector<std::string_view>& entries) {
  MessageWriter w(kind_of<OutcomeBatch>(), 1);
  w.key("outcomes");
  w.packer().pack_array(static_cast<std::uint32_t>(entries.size()));
  for (const auto& entry : entries) w.raw(entry);
  return w.take();
}

std::string encode(const OutcomeBatch& m) {
  std::vector<std::string> entries;
  entries.reserve(m.outcomes.size());
  for (const auto& outcome : m.outcomes) entries.push_back(encode_outcome_entry(outcome));
  return encode_outcomes(std::vector<std::string_view>(entries.begin(), entries.end()));
}

std::string encode(const AckBatch& m) {
  // `lag_ms` left out when 0, as the acks of a sink that does not measure it.
  MessageWriter w(kind_of<AckBatch>(), m.lag_ms > 0 ? 2 : 1);
  if (m.lag_ms > 0) w.u64("lag_ms", m.lag_ms);
  w.key("acks");
  w.packer().pack_array(static_cast<std::uint32_t>(m.acks.size()));
  for (const auto& ack : m.acks) {
    const bool why = !ack.error_code.empty() || !ack.error.empty();
    w.packer().pack_map((why ? 7 : 5) + (ack.follow_ups.empty() ? 0 : 1) + (ack.next ? 1 : 0));
    w.str("id", ack.id);
    w.str("status", to_string(ack.status));
    w.boolean("duplicate", ack.duplicate);
    w.u64("attempt", ack.attempt);
    w.boolean("final", ack.final);
    if (why) {
      w.str("error_code", ack.error_code);
      w.str("error", ack.error);
    }
    if (!ack.follow_ups.empty()) write_job_specs(w, "follow_ups", ack.follow_ups);
    if (ack.next) {
      w.key("next");
      write_job_spec(w, *ack.next);
    }
  }
  return w.take();
}

std::string encode_job_specs(const std::vector<JobSpec>& specs) {
  MessageWriter w;
  w.packer().pack_array(static_cast<std::uint32_t>(specs.size()));
  for (const auto& spec : specs) write_job_spec(w, spec);
  return w.take();
}

std::string encode(const Event& m) {
  MessageWriter w(kind_of<Event>(), 5);
  w.str("name", m.name);
  w.str("source", m.source);
  w.u64("seq", m.seq);
  w.u64("time_ms", m.time_ms);
  w.key("fields");
  w.packer().pack_map(static_cast<std::uint32_t>(m.fields.size()));
  for (const auto& [key, value] : m.fields) {
    w.string_value(key);
    w.string_value(value);
  }
  return w.take();
}

std::string encode(const DeadJobsRequest& m) {
  MessageWriter w(
      m.action == DeadJobsRequest::Action::kRetry ? kind_of<DeadJobsRequest>() : kDiscard,
      m.pipeline.empty() ? 4 : 5);
  w.u64("req", m.req);
  w.key("ids");
  w.packer().pack_array(static_cast<std::uint32_t>(m.selection.ids.size()));
  for (const auto& id : m.selection.ids) w.string_value(id);
  w.boolean("all_dead", m.selection.all_dead);
  w.str("type", m.selection.type);
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const CancelRequest& m) {
  MessageWriter w(kind_of<CancelRequest>(),
                  2 + (m.by.empty() ? 0 : 1) + (m.pipeline.empty() ? 0 : 1));
  w.u64("req", m.req);
  w.strings("ids", m.ids);
  if (!m.by.empty()) w.str("by", m.by);
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const CancelReply& m) {
  MessageWriter w(kind_of<CancelReply>(), m.pipeline.empty() ? 2 : 3);
  w.u64("req", m.req);
  w.key("jobs");
  w.packer().pack_array(static_cast<std::uint32_t>(m.jobs.size()));
  for (const auto& job : m.jobs) {
    w.packer().pack_map(2);
    w.str("id", job.id);
    w.str("result", to_string(job.result));
  }
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const CancelJobs& m) {
  MessageWriter w(kind_of<CancelJobs>(), 2);
  w.key("jobs");
  w.packer().pack_array(static_cast<std::uint32_t>(m.jobs.size()));
  for (const auto& job : m.jobs) {
    w.packer().pack_map(2);
    w.str("id", job.id);
    w.u64("attempt", job.attempt);
  }
  w.str("by", m.by);
  return w.take();
}

std::string encode(const QueuesRequest& m) {
  MessageWriter w(kind_of<QueuesRequest>(), 1);
  w.u64("req", m.req);
  return w.take();
}

std::string encode(const QueueControl& m) {
  MessageWriter w(kind_of<QueueControl>(), m.pipeline.empty() ? 3 : 4);
  w.u64("req", m.req);
  w.str("queue", m.queue);
  w.boolean("paused", m.paused);
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const LimitControl& m) {
  MessageWriter w(kind_of<LimitControl>(), m.pipeline.empty() ? 3 : 4);
  w.u64("req", m.req);
  w.boolean("clear", m.clear);
  w.str("limit", m.limit);
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const QueuesReply& m) {
  MessageWriter w(kind_of<QueuesReply>(), m.pipeline.empty() ? 3 : 4);
  w.u64("req", m.req);
  w.key("queues");
  w.packer().pack_array(static_cast<std::uint32_t>(m.queues.size()));
  for (const auto& q : m.queues) {
    w.packer().pack_map(6);
    w.str("name", q.name);
    w.u64("pending", q.pending);
    w.u64("running", q.running);
    w.u64("scheduled", q.scheduled);
    w.u64("latency_ms", q.latency_ms);
    w.boolean("paused", q.paused);
  }
  w.key("limits");
  w.packer().pack_array(static_cast<std::uint32_t>(m.limits.size()));
  for (const auto& l : m.limits) {
    w.packer().pack_map(3);
    w.str("limit", l.limit);
    w.u64("running", l.running);
    w.u64("waiting", l.waiting);
  }
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const ScheduledRequest& m) {
  MessageWriter w(kind_of<ScheduledRequest>(), 2);
  w.u64("req", m.req);
  w.u64("limit", m.limit);
  return w.take();
}

std::string encode(const ScheduledReply& m) {
  MessageWriter w(kind_of<ScheduledReply>(), m.pipeline.empty() ? 3 : 4);
  w.u64("req", m.req);
  w.key("jobs");
  w.packer().pack_array(static_cast<std::uint32_t>(m.jobs.size()));
  for (const auto& job : m.jobs) {
    w.packer().pack_map(5);
    w.str("id", job.id);
    w.str("type", job.type);
    w.str("queue", job.queue);
    w.u64("due_ms", job.due_ms);
    w.u64("attempt", job.attempt);
  }
  w.u64("total", m.total);
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

namespace {

// A recurring job's map; the job itself only when `with_job` (a remove names only the schedule).
void write_recurring(MessageWriter& w, const RecurringJob& r, bool with_job) {
  w.packer().pack_map(1 + (r.every_ms != 0 ? 1 : 0) + (r.cron.empty() ? 0 : 1) +
                      (with_job ? 1 : 0) + (r.next_run_ms != 0 ? 1 : 0) +
                      (r.last_run_ms != 0 ? 1 : 0) + (r.last_job_id.empty() ? 0 : 1));
  w.str("name", r.name);
  if (r.every_ms != 0) w.u64("every_ms", r.every_ms);
  if (!r.cron.empty()) w.str("cron", r.cron);
  if (with_job) {
    w.key("job");
    write_job_spec(w, r.job);
  }
  if (r.next_run_ms != 0) w.u64("next_run_ms", r.next_run_ms);
  if (r.last_run_ms != 0) w.u64("last_run_ms", r.last_run_ms);
  if (!r.last_job_id.empty()) w.str("last_job_id", r.last_job_id);
}

std::string_view action_name(ScheduleControl::Action action) {
  switch (action) {
    case ScheduleControl::Action::kAdd:
      return "add";
    case ScheduleControl::Action::kRemove:
      return "remove";
    case ScheduleControl::Action::kList:
      break;
  }
  return "list";
}

}  // namespace

std::string encode(const ScheduleControl& m) {
  const bool names_one = m.action != ScheduleControl::Action::kList;
  MessageWriter w(kind_of<ScheduleControl>(),
                  2 + (names_one ? 1 : 0) + (m.pipeline.empty() ? 0 : 1));
  w.u64("req", m.req);
  w.str("action", action_name(m.action));
  if (names_one) {
    w.key("schedule");
    write_recurring(w, m.schedule, m.action == ScheduleControl::Action::kAdd);
  }
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const SchedulesReply& m) {
  MessageWriter w(kind_of<SchedulesReply>(), m.pipeline.empty() ? 2 : 3);
  w.u64("req", m.req);
  w.key("schedules");
  w.packer().pack_array(static_cast<std::uint32_t>(m.schedules.size()));
  for (const auto& r : m.schedules) write_recurring(w, r, true);
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const BatchOpen& m) {
  MessageWriter w(kind_of<BatchOpen>(), 1 + (m.description.empty() ? 0 : 1) +
                                            (m.on_complete ? 1 : 0) + (m.on_success ? 1 : 0) +
                                            (m.pipeline.empty() ? 0 : 1));
  w.u64("req", m.req);
  if (!m.description.empty()) w.str("description", m.description);
  if (m.on_complete) {
    w.key("on_complete");
    write_job_spec(w, *m.on_complete);
  }
  if (m.on_success) {
    w.key("on_success");
    write_job_spec(w, *m.on_success);
  }
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const BatchSeal& m) {
  MessageWriter w(kind_of<BatchSeal>(), m.pipeline.empty() ? 2 : 3);
  w.u64("req", m.req);
  w.str("batch", m.batch);
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const BatchesRequest& m) {
  MessageWriter w(kind_of<BatchesRequest>(), m.ids.empty() ? 2 : 3);
  w.u64("req", m.req);
  w.u64("limit", m.limit);
  if (!m.ids.empty()) w.strings("ids", m.ids);
  return w.take();
}

std::string encode(const BatchesReply& m) {
  MessageWriter w(kind_of<BatchesReply>(), m.pipeline.empty() ? 2 : 3);
  w.u64("req", m.req);
  w.key("batches");
  w.packer().pack_array(static_cast<std::uint32_t>(m.batches.size()));
  for (const auto& b : m.batches) {
    if (!b.known) {
      w.packer().pack_map(2);
      w.str("id", b.id);
      w.boolean("known", false);
      continue;
    }
    w.packer().pack_map(10 + (b.description.empty() ? 0 : 1) + (b.finished_ms != 0 ? 1 : 0) +
                        (b.on_complete_id.empty() ? 0 : 1) + (b.on_success_id.empty() ? 0 : 1) +
                        (b.dead_ids.empty() ? 0 : 1));
    w.str("id", b.id);
    if (!b.description.empty()) w.str("description", b.description);
    w.u64("created_ms", b.created_ms);
    if (b.finished_ms != 0) w.u64("finished_ms", b.finished_ms);
    w.boolean("sealed", b.sealed);
    w.u64("total", b.total);
    w.u64("pending", b.pending);
    w.u64("running", b.running);
    w.u64("succeeded", b.succeeded);
    w.u64("dead", b.dead);
    w.u64("cancelled", b.cancelled);
    if (!b.on_complete_id.empty()) w.str("on_complete_id", b.on_complete_id);
    if (!b.on_success_id.empty()) w.str("on_success_id", b.on_success_id);
    if (!b.dead_ids.empty()) w.strings("dead_ids", b.dead_ids);
    w.boolean("known", true);
  }
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const WorkerControl& m) {
  MessageWriter w(kind_of<WorkerControl>(),
                  3 + (m.by.empty() ? 0 : 1) + (m.pipeline.empty() ? 0 : 1));
  w.u64("req", m.req);
  w.str("worker", m.worker);
  w.str("action", to_string(m.action));
  if (!m.by.empty()) w.str("by", m.by);
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const WorkerControlReply& m) {
  MessageWriter w(kind_of<WorkerControlReply>(),
                  3 + (m.process.empty() ? 0 : 1) + (m.pipeline.empty() ? 0 : 1));
  w.u64("req", m.req);
  w.str("worker", m.worker);
  if (!m.process.empty()) w.str("process", m.process);
  w.str("action", to_string(m.action));
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const ControlWorker& m) {
  MessageWriter w(kind_of<ControlWorker>(), m.by.empty() ? 1 : 2);
  w.str("action", to_string(m.action));
  if (!m.by.empty()) w.str("by", m.by);
  return w.take();
}

std::string encode(const RunNowRequest& m) {
  MessageWriter w(kind_of<RunNowRequest>(), m.pipeline.empty() ? 2 : 3);
  w.u64("req", m.req);
  w.strings("ids", m.ids);
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const RunNowReply& m) {
  MessageWriter w(kind_of<RunNowReply>(), m.pipeline.empty() ? 2 : 3);
  w.u64("req", m.req);
  w.key("jobs");
  w.packer().pack_array(static_cast<std::uint32_t>(m.jobs.size()));
  for (const auto& job : m.jobs) {
    w.packer().pack_map(2);
    w.str("id", job.id);
    w.str("result", to_string(job.result));
  }
  if (!m.pipeline.empty()) w.str("pipeline", m.pipeline);
  return w.take();
}

std::string encode(const Message& message) {
  return std::visit([](const auto& m) { return encode(m); }, message);
}

std::optional<std::uint64_t> peek_request_number(std::string_view bytes,
                                                 const DecodeLimits& limits) {
  if (bytes.size() > limits.max_message_bytes) return std::nullopt;
  // Scanned, not unpacked: a request refused for a msgpack limit (an ext, a long array, deep
  // nesting) must still be answered with its req.
  return scan_top_level_unsigned(bytes, "req");
}

std::string_view kind_name(const Message& message) {
  if (const auto* dead = std::get_if<DeadJobsRequest>(&message)) {
    return dead->action == DeadJobsRequest::Action::kRetry ? kind_of<DeadJobsRequest>() : kDiscard;
  }
  return kKindNames[message.index()];
}

Result<Message> decode(std::string_view bytes, const DecodeLimits& limits) {
  msgpack::object_handle handle;
  if (auto refused = unpack_one(bytes, limits, handle)) return *std::move(refused);
  try {
    const Fields header(handle.get(), "message");
    const auto version = header.u64("v");
    if (version != kProtocolVersion) {
      return make_error(ErrorCode::kUnsupportedVersion,
                        "protocol version " + std::to_string(version) +
                            " is not supported (this is " + std::to_string(kProtocolVersion) + ")");
    }
    const auto kind = header.str("k");
    return read_body(kind, Fields(handle.get(), std::string(kind)), limits);
  } catch (const DecodeFailure& failure) {
    return failure.error;
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kTooLarge, "message needs more memory than is available");
  }
}

Result<Payload> decode_payload(std::string_view bytes, const DecodeLimits& limits) {
  // Inside a message a payload sits below three levels (the message's map, its "jobs" array, a
  // job's map), which count toward the depth limit: held to that, as a worker will hold it.
  constexpr std::size_t kPayloadNesting = 3;
  auto inner = limits;
  inner.max_depth = limits.max_depth > kPayloadNesting ? limits.max_depth - kPayloadNesting : 1;
  msgpack::object_handle handle;
  if (auto refused = unpack_one(bytes, inner, handle)) return *std::move(refused);
  try {
    return payload_of(handle.get());
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kTooLarge, "payload needs more memory than is available");
  }
}

Result<std::vector<JobSpec>> decode_job_specs(std::string_view bytes, const DecodeLimits& limits) {
  msgpack::object_handle handle;
  if (auto refused = unpack_one(bytes, limits, handle)) return *std::move(refused);
  try {
    const auto& o = handle.get();
    if (o.type != msgpack::type::ARRAY) {
      fail(ErrorCode::kWrongType, "job specs must be an array, got " + std::string(type_name(o)));
    }
    if (o.via.array.size > kMaxFollowUps) {
      fail(ErrorCode::kTooLarge, std::to_string(o.via.array.size) +
                                     " job specs, more than the limit of " +
                                     std::to_string(kMaxFollowUps));
    }
    std::vector<JobSpec> specs;
    specs.reserve(o.via.array.size);
    for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
      specs.push_back(read_job_spec(o.via.array.ptr[i], "job spec " + std::to_string(i), limits));
    }
    return specs;
  } catch (const DecodeFailure& failure) {
    return failure.error;
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kTooLarge, "job specs need more memory than is available");
  }
}

}  // namespace zpipe
