// The rule for a queue's name, kept in one place for the programs that check one: the codec
// (a submit, a ready), `zpipe submit --queue` and `zpipe-worker --queues`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zpipe {

// Why `name` cannot name a queue (empty, longer than kMaxNameBytes, or holding a space, a
// control character, ',' or ':', which the worker's --queues list uses), or nullopt.
std::optional<std::string> queue_name_problem(std::string_view name);

}  // namespace zpipe
