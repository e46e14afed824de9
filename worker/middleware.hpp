// Middleware: code that runs around a worker's handlers, for what every job (or every job of a
// type) needs alike: timing, logging, turning one kind of exception into a result. Register with
// Worker::use() before run().
//
// A middleware gets the job, its context and `next`, which runs the rest of the chain and the
// handler and returns what they made of the job; it returns the result to record, which it may
// change. An exception the handler throws comes out of next(): a middleware may catch it and
// return a result instead; one that escapes every middleware fails the job with its what() text.
//
//   worker.use([](const zpipe::Job&, const zpipe::JobContext&, const zpipe::Next& next) {
//     try {
//       return next();
//     } catch (const TransientError& e) {
//       return zpipe::fail(zpipe::Error{zpipe::ErrorCode::kUnavailable, e.what()});
//     }
//   });
//   worker.use("resize", zpipe::after([](const zpipe::Job&, const zpipe::JobContext&,
//                                        zpipe::HandlerResult& result) { ... }));
//
// Middleware runs on the handler's slot thread (with worker --isolate, in the job's process),
// possibly for several jobs at once: like a handler, it keeps no unsynchronised state.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/job.hpp"
#include "common/result.hpp"
#include "worker/handler.hpp"

namespace zpipe {

// Runs the rest of the chain and the handler; call it at most once.
using Next = std::function<HandlerResult()>;
using Middleware =
    std::function<HandlerResult(const Job& job, const JobContext& context, const Next& next)>;

// Calls `fn` before the rest of the chain; an exception from it fails the job (the handler does
// not run).
Middleware before(std::function<void(const Job&, const JobContext&)> fn);
// Calls `fn` with the result once the rest of the chain has returned one (not when it throws);
// `fn` may change the result.
Middleware after(std::function<void(const Job&, const JobContext&, HandlerResult&)> fn);
// Calls `fn` with the error when the rest of the chain returns a failure, or throws (the error
// is then the one the exception makes, "handler threw: ...", and the exception goes on).
Middleware on_failure(std::function<void(const Job&, const JobContext&, const Error&)> fn);

// `handler` inside `layers`, the first outermost: layers[0] runs first, its next() runs
// layers[1], and the last one's next() the handler. No layers: `handler` itself.
Handler with_middleware(Handler handler, const std::vector<Middleware>& layers);
// Each handler inside the middleware of its type (`by_type`), inside `every_type`.
std::map<std::string, Handler> with_middleware(
    std::map<std::string, Handler> handlers, const std::vector<Middleware>& every_type,
    const std::map<std::string, std::vector<Middleware>>& by_type);

}  // namespace zpipe
