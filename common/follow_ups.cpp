#include "common/follow_ups.hpp"

#include <charconv>

#include <msgpack.hpp>

namespace zpipe {
namespace {

void pack_str(msgpack::packer<msgpack::sbuffer>& packer, std::string_view text) {
  packer.pack_str(static_cast<std::uint32_t>(text.size()));
  packer.pack_str_body(text.data(), static_cast<std::uint32_t>(text.size()));
}

}  // namespace

std::string follow_up_id(std::string_view parent, std::size_t n) {
  return std::string(parent) + "." + std::to_string(n);
}

std::string chain_step_id(std::string_view parent) {
  const auto dot = parent.rfind(".s");
  if (dot != std::string_view::npos && dot + 2 < parent.size()) {
    const auto digits = parent.substr(dot + 2);
    std::uint64_t step = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), step);
    if (error == std::errc() && end == digits.data() + digits.size()) {
      return std::string(parent.substr(0, dot)) + ".s" + std::to_string(step + 1);
    }
  }
  return std::string(parent) + ".s1";
}

std::string on_failure_id(std::string_view parent, std::size_t n, std::uint32_t round) {
  auto id = std::string(parent) + ".f" + std::to_string(n);
  if (round > 1) id += "r" + std::to_string(round);
  return id;
}

std::string batch_callback_id(std::string_view batch, bool on_success) {
  return std::string(batch) + (on_success ? ".success" : ".complete");
}

Result<Payload> with_key(const Payload& payload, std::string_view key, const Payload& value) {
  msgpack::object_handle handle;
  try {
    handle = msgpack::unpack(payload.msgpack().data(), payload.msgpack().size());
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInvalid, std::string("payload is not msgpack: ") + e.what());
  }
  const auto& o = handle.get();
  if (o.type != msgpack::type::MAP && o.type != msgpack::type::NIL) {
    return make_error(ErrorCode::kInvalid, "a payload that a workflow adds \"" + std::string(key) +
                                               "\" to must be a map");
  }
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> packer(buffer);
  std::uint32_t kept = 0;
  const auto is_key = [&](const msgpack::object& k) {
    return k.type == msgpack::type::STR && std::string_view(k.via.str.ptr, k.via.str.size) == key;
  };
  if (o.type == msgpack::type::MAP) {
    for (std::uint32_t i = 0; i < o.via.map.size; ++i) kept += is_key(o.via.map.ptr[i].key) ? 0 : 1;
  }
  packer.pack_map(kept + 1);
  if (o.type == msgpack::type::MAP) {
    for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
      if (is_key(o.via.map.ptr[i].key)) continue;
      packer.pack(o.via.map.ptr[i].key);
      packer.pack(o.via.map.ptr[i].val);
    }
  }
  pack_str(packer, key);
  buffer.write(value.msgpack().data(), value.msgpack().size());
  return Payload::from_msgpack(std::string(buffer.data(), buffer.size()));
}

std::optional<std::string> workflow_payload_problem(const JobSpec& spec) {
  auto added = with_key(spec.payload, kPreviousJobKey, Payload());
  if (added.ok()) return std::nullopt;
  return "the payload of a job a workflow makes (type " + spec.type +
         ") must be a map or absent: the workflow adds keys to it";
}

std::optional<JobSpec> chain_next(const std::vector<JobSpec>& then, std::string_view job_id,
                                  const Payload& result) {
  if (then.empty()) return std::nullopt;
  JobSpec next = then.front();
  next.then.assign(then.begin() + 1, then.end());
  // Checked at submit (workflow_payload_problem): a payload that is no map stays as it was.
  if (auto with_result = with_key(next.payload, kPreviousResultKey, result); with_result.ok()) {
    next.payload = std::move(with_result.value());
  }
  msgpack::sbuffer id;
  msgpack::packer<msgpack::sbuffer> packer(id);
  pack_str(packer, job_id);
  if (auto with_id = with_key(next.payload, kPreviousJobKey,
                              Payload::from_msgpack(std::string(id.data(), id.size())));
      with_id.ok()) {
    next.payload = std::move(with_id.value());
  }
  return next;
}

}  // namespace zpipe
