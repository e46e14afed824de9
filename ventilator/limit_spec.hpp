// LimitSpec: one limit on how the ventilator hands jobs out, as typed on a command line
// (`--limit thumb=10/s`, `--limit queue:mail=concurrency:2`), and its canonical text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace zpipe {

// A rate or a concurrency limit on the jobs of one type or of one queue. A type and a queue may
// each have both kinds, as two specs.
struct LimitSpec {
  enum class Scope { kType, kQueue };
  enum class Kind { kRate, kConcurrency };

  Scope scope = Scope::kType;
  std::string name;  // the job type or the queue, not empty
  Kind kind = Kind::kRate;
  double per_second = 0;          // kRate: jobs started a second, > 0
  std::uint32_t concurrency = 0;  // kConcurrency: jobs running at once, >= 1

  // The canonical text, which parse_limit() reads back to an equal spec: "thumb=10/s",
  // "thumb=100/h", "queue:mail=concurrency:2". A rate is written in the first of /s, /m, /h
  // that gives a whole number ("600/m" is written "10/s").
  std::string text() const;

  friend bool operator==(const LimitSpec&, const LimitSpec&) = default;
};

// Reads `TYPE=RATE`, `TYPE=concurrency:N`, `queue:NAME=RATE` or `queue:NAME=concurrency:N`, where
// RATE is a number of jobs per second, minute or hour: `10/s`, `600/m`, `100/h`, `2.5/s`.
// `type:NAME=...` names a type explicitly (for a type whose name begins with "queue:"). Fails
// with kInvalid and a sentence that quotes the text, says what is wrong and lists the forms.
// Bounds: a rate up to 1,000,000/s, a concurrency from 1 to 1,000,000.
Result<LimitSpec> parse_limit(std::string_view text);

}  // namespace zpipe
