// CronExpression: when a recurring job is due, from a crontab(5) schedule such as "*/15 9-17 * *
// MON-FRI", in UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace zpipe {

// The five fields of crontab(5), "minute hour day-of-month month day-of-week", each a list
// ("1,5,10-12") of `*`, a number, a range `a-b`, or any of those with a step: `*/n`, `a-b/n`,
// and `a/n` (from a to the field's end). Months may be named JAN-DEC and days SUN-SAT, in any
// case; day-of-week 0 and 7 are both Sunday. Also the shorthands @yearly (@annually), @monthly,
// @weekly, @daily (@midnight) and @hourly.
//
// Vixie cron's day rule: when both day-of-month and day-of-week are restricted (neither begins
// with `*`), a day that matches either is due ("0 0 13 * FRI" runs on every 13th and every
// Friday); when one begins with `*` (even `*/2`), a day must match both.
//
// Times are UTC, so there is no daylight-saving hour that runs twice or never. Copyable; its
// methods are const and may be called from any thread.
class CronExpression {
 public:
  // The schedule `text` describes. Fails with kInvalid and a sentence that quotes the text and
  // names the field and the part that is wrong: `cron "*/0 * * * *": minute step must be at least
  // 1`. Also fails for a schedule no date can ever match, such as "0 0 30 2 *".
  static Result<CronExpression> parse(std::string_view text);

  // The first due time strictly after `unix_ms` (a whole minute, in Unix ms). Skips months, days
  // and hours that cannot match rather than stepping through minutes: a few dozen steps, and a
  // few a year for a date that comes round once in years, like 29 February on a Sunday.
  // For `unix_ms` from 1970 to the year 9999.
  std::uint64_t next_after(std::uint64_t unix_ms) const;

  // The text it was parsed from, without the blanks around it.
  const std::string& text() const { return text_; }

 private:
  CronExpression() = default;

  // The first due minute (in minutes since the epoch) at or after `minute`, searching no further
  // than `years` years ahead.
  std::optional<std::int64_t> first_due_from(std::int64_t minute, std::int64_t years) const;
  bool is_due_day(std::int64_t days_since_epoch, int day_of_month) const;

  std::string text_;
  // One bit per value that matches: bit 0-59 minutes, 0-23 hours, 1-31 days of the month,
  // 1-12 months, 0-6 days of the week (Sunday is 0).
  std::uint64_t minutes_ = 0;
  std::uint32_t hours_ = 0;
  std::uint32_t days_of_month_ = 0;
  std::uint32_t months_ = 0;
  std::uint32_t days_of_week_ = 0;
  // Vixie's rule: either day field matching is enough only when both are restricted.
  bool day_of_month_any_ = false;  // the field begins with `*`
  bool day_of_week_any_ = false;
};

}  // namespace zpipe
