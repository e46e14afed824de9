// The handlers every worker has: echo, sleep, fail, exec (see exec_handler.hpp) and thumbnail
// (thumbnail_handler.hpp, through thumbnail_loader.hpp).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "worker/exec_handler.hpp"
#include "worker/handler.hpp"

namespace zpipe {

// echo: the result is the payload.
HandlerResult echo_handler(const Job& job, const JobContext& context);
// sleep: payload {"ms": N} or N; waits N milliseconds (failing as timed out past the limit).
HandlerResult sleep_handler(const Job& job, const JobContext& context);
// fail: payload {"message": "..."} or "..."; fails with that message.
HandlerResult fail_handler(const Job& job, const JobContext& context);

// thumbnail runs in a plugin loaded at the first thumbnail job (thumbnail_loader.hpp).
std::map<std::string, Handler> builtin_handlers(const ExecLimits& exec_limits);
// The names of the built-in types, in order: what `zpipe-worker --types` may choose from.
std::vector<std::string> builtin_types();

}  // namespace zpipe
