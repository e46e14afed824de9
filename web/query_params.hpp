// Reading a request's query parameters with their checks: a malformed value is an Error naming
// the parameter and what it takes, answered 400.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "common/result.hpp"

namespace zpipe {

// The parameter's text; "" when absent.
std::string text_param(const httplib::Request& req, const std::string& name);
// A whole number from `min` to `max`; `fallback` when absent.
Result<std::uint64_t> number_param(const httplib::Request& req, const std::string& name,
                                   std::uint64_t fallback, std::uint64_t min, std::uint64_t max);
// Like number_param(), nullopt when absent.
Result<std::optional<std::uint64_t>> optional_number_param(const httplib::Request& req,
                                                           const std::string& name,
                                                           std::uint64_t max);
// `handler`, behind a check that refuses (400) any parameter not in `known`: a typo would
// silently show everything otherwise.
httplib::Server::Handler with_params(std::initializer_list<const char*> known,
                                     httplib::Server::Handler handler);

}  // namespace zpipe
