#include "common/time_point_text.hpp"

#include <algorithm>
#include <cstdio>

#include "common/civil_date.hpp"

namespace zpipe {
namespace {

constexpr std::uint64_t kMsPerDay = 86'400'000;
// 9999-12-31T23:59:59.999Z: RFC 3339 has four digits of year.
constexpr std::uint64_t kLastMs = 253'402'300'799'999;

constexpr std::string_view kBlanks = " \t\r\n";

Error not_a_time(std::string_view text, std::string_view why = {}) {
  std::string message = "\"" + std::string(text) + "\" is not a time";
  if (!why.empty()) message += " (" + std::string(why) + ")";
  return Error{ErrorCode::kInvalid,
               message + ": expected RFC 3339 like 2026-12-24T18:00:00Z or Unix seconds"};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The number written by the `count` digits at `at`, or -1 when one of them is not a digit.
int digits_at(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!is_digit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// Milliseconds of a fraction of a second written after the dot: "5" is 500, "25" 250, and the
// digits past the third are cut off.
std::int64_t fraction_ms(std::string_view digits) {
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < 3; ++i) ms = ms * 10 + (i < digits.size() ? digits[i] - '0' : 0);
  return ms;
}

std::string two_digits(int value) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d", value);
  return text;
}

// "1798135200" or "1798135200.5": only digits, at most one dot with digits on both sides.
Result<std::uint64_t> parse_unix_seconds(std::string_view original, std::string_view text) {
  const auto dot = text.find('.');
  const auto whole = text.substr(0, dot);
  const auto fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty()) ||
      fraction.find('.') != std::string_view::npos) {
    return not_a_time(original);
  }
  // Twelve digits reach past 9999 already; more could overflow.
  if (whole.size() > 12) return not_a_time(original, "after 9999");
  std::uint64_t seconds = 0;
  for (const char c : whole) seconds = seconds * 10 + static_cast<std::uint64_t>(c - '0');
  const auto ms = seconds * 1000 + static_cast<std::uint64_t>(fraction_ms(fraction));
  if (ms > kLastMs) return not_a_time(original, "after 9999");
  return ms;
}

// 2026-12-24T18:00:00[.250](Z|+01:00), T or t or a space, Z or z.
Result<std::uint64_t> parse_rfc3339(std::string_view original, std::string_view text) {
  const int year = digits_at(text, 0, 4);
  const int month = digits_at(text, 5, 2);
  const int day = digits_at(text, 8, 2);
  // digits_at() checks the length: text[4] and text[7] exist once `day` was read.
  if (year < 0 || month < 0 || day < 0 || text[4] != '-' || text[7] != '-') {
    return not_a_time(original);
  }
  if (text.size() == 10) return not_a_time(original, "a date with no time of day: add T18:00:00Z");
  const char separator = text[10];
  if (separator != 'T' && separator != 't' && separator != ' ') return not_a_time(original);
  const int hour = digits_at(text, 11, 2);
  const int minute = digits_at(text, 14, 2);
  const int second = digits_at(text, 17, 2);
  if (hour < 0 || minute < 0 || second < 0 || text[13] != ':' || text[16] != ':') {
    return not_a_time(original);
  }
  std::size_t at = 19;
  std::string_view fraction;
  if (at < text.size() && text[at] == '.') {
    const auto start = ++at;
    while (at < text.size() && is_digit(text[at])) ++at;
    fraction = text.substr(start, at - start);
    if (fraction.empty()) return not_a_time(original, "a dot with no fraction of a second");
  }
  std::int64_t offset_minutes = 0;
  if (at == text.size()) {
    return not_a_time(original, "no time zone: end it with Z for UTC or an offset like +01:00");
  }
  if (text[at] == 'Z' || text[at] == 'z') {
    ++at;
  } else if (text[at] == '+' || text[at] == '-') {
    const int offset_hour = digits_at(text, at + 1, 2);
    const int offset_minute = digits_at(text, at + 4, 2);
    if (offset_hour < 0 || offset_minute < 0 || text[at + 3] != ':') {
      return not_a_time(original, "an offset is written +01:00 or -05:30");
    }
    if (offset_hour > 23 || offset_minute > 59) {
      return not_a_time(original, "offset " + std::string(text.substr(at, 6)) + " is out of range");
    }
    offset_minutes = (offset_hour * 60 + offset_minute) * (text[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return not_a_time(original);
  }
  if (at != text.size()) return not_a_time(original);

  if (month < 1 || month > 12) {
    return not_a_time(original, "month " + two_digits(month) + " is not 01-12");
  }
  if (day < 1 || day > days_in_month(year, month)) {
    return not_a_time(original, std::to_string(year) + "-" + two_digits(month) + " has no day " +
                                    two_digits(day));
  }
  if (hour > 23) return not_a_time(original, "hour " + two_digits(hour) + " is not 00-23");
  if (minute > 59) return not_a_time(original, "minute " + two_digits(minute) + " is not 00-59");
  if (second > 59) {
    return not_a_time(
        original, "second " + two_digits(second) + " is not 00-59: Unix time has no leap seconds");
  }
  const std::int64_t days = days_from_civil(CivilDate{year, month, day});
  const std::int64_t ms = days * static_cast<std::int64_t>(kMsPerDay) +
                          ((hour * 60 + minute - offset_minutes) * 60 + second) * 1000 +
                          fraction_ms(fraction);
  if (ms < 0) return not_a_time(original, "before 1970");
  if (static_cast<std::uint64_t>(ms) > kLastMs) return not_a_time(original, "after 9999");
  return static_cast<std::uint64_t>(ms);
}

}  // namespace

Result<std::uint64_t> parse_time_point(std::string_view original) {
  auto text = original;
  text.remove_prefix(std::min(text.find_first_not_of(kBlanks), text.size()));
  text.remove_suffix(text.size() - (text.find_last_not_of(kBlanks) + 1));
  if (text.empty()) return not_a_time(original, "empty");
  if (text.find_first_not_of("0123456789.") == std::string_view::npos) {
    return parse_unix_seconds(original, text);
  }
  if (text.front() == '-' && text.find_first_not_of("0123456789.", 1) == std::string_view::npos) {
    return not_a_time(original, "before 1970");
  }
  return parse_rfc3339(original, text);
}

std::string format_time_point(std::uint64_t unix_ms) {
  const auto date = civil_from_days(static_cast<std::int64_t>(unix_ms / kMsPerDay));
  const auto in_day = static_cast<std::int64_t>(unix_ms % kMsPerDay);
  char text[48];
  const int length = std::snprintf(
      text, sizeof text, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(date.year),
      date.month, date.day, static_cast<int>(in_day / 3'600'000),
      static_cast<int>(in_day / 60'000 % 60), static_cast<int>(in_day / 1000 % 60));
  std::string result(text, static_cast<std::size_t>(length));
  if (unix_ms % 1000 != 0) {
    std::snprintf(text, sizeof text, ".%03d", static_cast<int>(unix_ms % 1000));
    result += text;
  }
  return result + "Z";
}

}  // namespace zpipe
