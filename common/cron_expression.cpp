#include "common/cron_expression.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cctype>
#include <limits>
#include <optional>
#include <vector>

#include "common/civil_date.hpp"

namespace zpipe {
namespace {

constexpr std::int64_t kMinutesPerDay = 24 * 60;
// The Gregorian calendar repeats every 400 years (weekdays included): a schedule that matches
// nothing in 401 years from any start never matches.
constexpr std::int64_t kCycleYears = 401;

constexpr std::array<std::string_view, 12> kMonthNames{"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames{"SUN", "MON", "TUE", "WED",
                                                    "THU", "FRI", "SAT"};

// What one of the five fields takes.
struct FieldRule {
  std::string_view name;
  int low;
  int high;
  const std::string_view* names;  // names[i] stands for low + i, or nullptr
  std::size_t name_count;
  std::string_view name_range;  // for the error text: "JAN-DEC"
  bool is_weekday = false;      // 7 is Sunday too, and so is 0 at the end of a range
};

constexpr std::array<FieldRule, 5> kFields{{
    {"minute", 0, 59, nullptr, 0, "", false},
    {"hour", 0, 23, nullptr, 0, "", false},
    {"day-of-month", 1, 31, nullptr, 0, "", false},
    {"month", 1, 12, kMonthNames.data(), kMonthNames.size(), "JAN-DEC", false},
    {"day-of-week", 0, 7, kDayNames.data(), kDayNames.size(), "SUN-SAT", true},
}};

// The shorthands of Vixie cron (all but @reboot, which has no time).
struct Shorthand {
  std::string_view name;
  std::string_view fields;
};
constexpr std::array<Shorthand, 7> kShorthands{{{"@yearly", "0 0 1 1 *"},
                                                {"@annually", "0 0 1 1 *"},
                                                {"@monthly", "0 0 1 * *"},
                                                {"@weekly", "0 0 * * 0"},
                                                {"@daily", "0 0 * * *"},
                                                {"@midnight", "0 0 * * *"},
                                                {"@hourly", "0 * * * *"}}};

constexpr std::string_view kBlanks = " \t\r\n";

bool same_letters(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> found;
  for (std::size_t at = text.find_first_not_of(kBlanks); at != std::string_view::npos;) {
    const auto end = text.find_first_of(kBlanks, at);
    found.push_back(text.substr(at, end - at));
    at = end == std::string_view::npos ? end : text.find_first_not_of(kBlanks, end);
  }
  return found;
}

// Digits only, at most four of them; -1 otherwise.
int small_number(std::string_view text) {
  if (text.empty() || text.size() > 4) return -1;
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Reads one field into a bit set; the error is the sentence after `cron "...": `.
class FieldReader {
 public:
  explicit FieldReader(const FieldRule& rule) : rule_(rule) {}

  std::optional<std::string> read(std::string_view field, std::uint64_t& bits) const {
    for (const auto item : split(field, ',')) {
      if (item.empty()) {
        return std::string(rule_.name) + " \"" + std::string(field) + "\" has an empty list item";
      }
      if (auto error = read_item(item, bits)) return error;
    }
    return std::nullopt;
  }

 private:
  // `*`, `v`, `a-b`, each with an optional `/step`; `v/step` runs from v to the field's end.
  std::optional<std::string> read_item(std::string_view item, std::uint64_t& bits) const {
    const auto parts = split(item, '/');
    if (parts.size() > 2) return say("\"" + std::string(item) + "\" has more than one /");
    int step = 1;
    if (parts.size() == 2) {
      step = small_number(parts[1]);
      if (step < 0) return say("step \"" + std::string(parts[1]) + "\" is not a number");
      if (step == 0) return say("step must be at least 1");
    }
    int low = rule_.low;
    int high = rule_.high;
    if (parts[0] != "*") {
      const auto bounds = split(parts[0], '-');
      if (bounds.size() > 2) return say("\"" + std::string(parts[0]) + "\" is not a range a-b");
      std::string error;
      low = value(bounds[0], error);
      if (!error.empty()) return error;
      high = bounds.size() == 2 ? value(bounds[1], error) : parts.size() == 2 ? rule_.high : low;
      if (!error.empty()) return error;
      // FRI-SUN: Sunday as the end of a range of weekdays is day 7.
      if (rule_.is_weekday && high == 0 && low > 0) high = 7;
      if (low > high) {
        return say("range \"" + std::string(parts[0]) +
                   "\" runs backwards: write the low end first");
      }
    }
    for (int v = low; v <= high; v += step) bits |= std::uint64_t{1} << v;
    return std::nullopt;
  }

  // A number within the field's bounds, or one of its names; sets `error` when it is neither.
  int value(std::string_view text, std::string& error) const {
    for (std::size_t i = 0; i < rule_.name_count; ++i) {
      if (same_letters(text, rule_.names[i])) return rule_.low + static_cast<int>(i);
    }
    const int number = small_number(text);
    const auto bounds = std::to_string(rule_.low) + "-" + std::to_string(rule_.high);
    if (number < 0) {
      error = say("\"" + std::string(text) + "\" is not a number " + bounds +
                  (rule_.names ? " or a name " + std::string(rule_.name_range) : ""));
    } else if (number < rule_.low || number > rule_.high) {
      error = say(std::string(text) + " is out of range " + bounds);
    }
    return number;
  }

  std::string say(const std::string& what) const { return std::string(rule_.name) + " " + what; }

  const FieldRule& rule_;
};

// The first value >= from whose bit is set in `bits`, or -1.
int next_bit(std::uint64_t bits, int from) {
  if (from >= 64) return -1;
  const auto rest = bits >> from;
  return rest == 0 ? -1 : from + std::countr_zero(rest);
}

void next_month(CivilDate& date) {
  date.day = 1;
  if (++date.month > 12) {
    date.month = 1;
    ++date.year;
  }
}

void next_day(CivilDate& date) {
  if (++date.day > days_in_month(date.year, date.month)) next_month(date);
}

// Whether some day-of-month in `days` exists in some month in `months` (February has 29 days in
// leap years).
bool days_meet_months(std::uint32_t days, std::uint32_t months) {
  // The first day in the set decides: when it is past a month's end, so are all the others.
  const int first_day = next_bit(days, 1);
  for (int month = 1; month <= 12; ++month) {
    if ((months >> month & 1) != 0 && first_day >= 1 && first_day <= days_in_month(2000, month)) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<CronExpression> CronExpression::parse(std::string_view original) {
  auto text = original;
  text.remove_prefix(std::min(text.find_first_not_of(kBlanks), text.size()));
  text.remove_suffix(text.size() - (text.find_last_not_of(kBlanks) + 1));
  const auto fail = [&](const std::string& why) {
    return Error{ErrorCode::kInvalid, "cron \"" + std::string(text) + "\": " + why};
  };

  std::string_view fields_text = text;
  if (!text.empty() && text.front() == '@') {
    fields_text = {};
    for (const auto& shorthand : kShorthands) {
      if (same_letters(text, shorthand.name)) fields_text = shorthand.fields;
    }
    if (fields_text.empty()) {
      return fail(
          "unknown shorthand: use @yearly, @annually, @monthly, @weekly, @daily, "
          "@midnight or @hourly");
    }
  }
  const auto fields = words(fields_text);
  if (fields.size() != kFields.size()) {
    return fail("expected 5 fields (minute hour day-of-month month day-of-week), got " +
                std::to_string(fields.size()));
  }

  std::array<std::uint64_t, 5> bits{};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (auto error = FieldReader(kFields[i]).read(fields[i], bits[i])) return fail(*error);
  }
  CronExpression cron;
  cron.text_ = std::string(text);
  cron.minutes_ = bits[0];
  cron.hours_ = static_cast<std::uint32_t>(bits[1]);
  cron.days_of_month_ = static_cast<std::uint32_t>(bits[2]);
  cron.months_ = static_cast<std::uint32_t>(bits[3]);
  // Day 7 is Sunday, day 0.
  cron.days_of_week_ = static_cast<std::uint32_t>((bits[4] | bits[4] >> 7) & 0x7f);
  cron.day_of_month_any_ = fields[2].front() == '*';
  cron.day_of_week_any_ = fields[4].front() == '*';

  // When both day fields are restricted, any weekday will do; otherwise the day of the month
  // must exist in one of the months ("0 0 30 2 *" never comes).
  const bool must_meet = cron.day_of_month_any_ || cron.day_of_week_any_;
  if (must_meet && !days_meet_months(cron.days_of_month_, cron.months_)) {
    return fail("no date ever matches: day-of-month " + std::string(fields[2]) +
                " never falls in month " + std::string(fields[3]));
  }
  // What reasoning above missed (none known): searching a whole cycle of the calendar settles it.
  if (!cron.first_due_from(0, kCycleYears)) return fail("no date ever matches");
  return cron;
}

std::uint64_t CronExpression::next_after(std::uint64_t unix_ms) const {
  const auto minute = static_cast<std::int64_t>(unix_ms / 60'000) + 1;
  const auto due = first_due_from(minute, kCycleYears);
  // parse() refused every schedule that a cycle of the calendar does not match.
  assert(due.has_value());
  if (!due) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(*due) * 60'000;
}

bool CronExpression::is_due_day(std::int64_t days_since_epoch, int day_of_month) const {
  const bool by_month = (days_of_month_ >> day_of_month & 1) != 0;
  const bool by_week = (days_of_week_ >> weekday_from_days(days_since_epoch) & 1) != 0;
  return day_of_month_any_ || day_of_week_any_ ? by_month && by_week : by_month || by_week;
}

std::optional<std::int64_t> CronExpression::first_due_from(std::int64_t minute,
                                                           std::int64_t years) const {
  CivilDate date = civil_from_days(minute / kMinutesPerDay);
  int hour = static_cast<int>(minute % kMinutesPerDay / 60);
  int minute_of_hour = static_cast<int>(minute % 60);
  const auto last_year = date.year + years;
  // Each pass either returns or moves on to the next possible month, day or hour.
  while (date.year <= last_year) {
    if ((months_ >> date.month & 1) == 0) {
      int month = next_bit(months_, date.month + 1);
      if (month < 0) {
        ++date.year;
        month = next_bit(months_, 1);
      }
      date = CivilDate{date.year, month, 1};
      hour = minute_of_hour = 0;
      continue;
    }
    const auto day_number = days_from_civil(date);
    if (!is_due_day(day_number, date.day)) {
      // When both day fields must match, only the days of the month in the set can: jump to the
      // next of them (29 February on a Sunday takes a few steps a year, not 366).
      const int day = day_of_month_any_ || day_of_week_any_ ? next_bit(days_of_month_, date.day + 1)
                                                            : date.day + 1;
      if (day < 0 || day > days_in_month(date.year, date.month)) {
        next_month(date);
      } else {
        date.day = day;
      }
      hour = minute_of_hour = 0;
      continue;
    }
    const int due_hour = next_bit(hours_, hour);
    if (due_hour < 0) {
      next_day(date);
      hour = minute_of_hour = 0;
      continue;
    }
    if (due_hour != hour) minute_of_hour = 0;
    hour = due_hour;
    const int due_minute = next_bit(minutes_, minute_of_hour);
    if (due_minute < 0) {
      minute_of_hour = 0;
      if (++hour == 24) {
        next_day(date);
        hour = 0;
      }
      continue;
    }
    return day_number * kMinutesPerDay + hour * 60 + due_minute;
  }
  return std::nullopt;
}

}  // namespace zpipe
