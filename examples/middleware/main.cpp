// A worker whose handler only does its work, and middleware (worker/middleware.hpp) around it
// that every job gets alike:
//
//   timing            logs each job's type, id and run time;
//   transient_errors  turns a handler's TransientError (a service it needs did not answer)
//                     into an `unavailable` failure, which the ventilator tries again later,
//                     and any other exception into `invalid`, which ends the job at once.
//
//   zpipe submit quote --arg symbol=ACME    -> {"symbol": "ACME", "price": 12.5}
//   zpipe submit quote --arg symbol=FLAKY   -> unavailable, tried again while attempts are left
//   zpipe submit quote --arg symbol=NOPE    -> invalid ("no such symbol: NOPE"), dead at once
//
// It takes zpipe-worker's options. Build it by linking zpipe::worker (CMakeLists.txt here).
#include <chrono>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>

#include "common/command_line.hpp"
#include "common/stop_flag.hpp"
#include "worker/middleware.hpp"
#include "worker/options.hpp"
#include "worker/worker.hpp"

namespace {

// Thrown when another service does not answer: worth trying again later.
class TransientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Stands in for a call to a price service that is sometimes down.
double price_of(const std::string& symbol) {
  if (symbol == "FLAKY") throw TransientError("the price service did not answer within 2 s");
  static const std::map<std::string, double> prices{{"ACME", 12.5}, {"INITECH", 3.25}};
  const auto found = prices.find(symbol);
  if (found == prices.end()) throw std::invalid_argument("no such symbol: " + symbol);
  return found->second;
}

// The handler knows nothing of retries: it throws, and the middleware decides.
zpipe::HandlerResult quote(const zpipe::Job& job, const zpipe::JobContext&) {
  const std::string symbol = job.payload.to_json().value("symbol", "");
  return zpipe::succeed({{"symbol", symbol}, {"price", price_of(symbol)}});
}

zpipe::Middleware timing(std::shared_ptr<spdlog::logger> log) {
  return [log](const zpipe::Job& job, const zpipe::JobContext&, const zpipe::Next& next) {
    const auto start = std::chrono::steady_clock::now();
    auto result = next();  // the rest of the chain and the handler
    const auto took = std::chrono::steady_clock::now() - start;
    log->info("{} {} took {} us: {}", job.type, job.id,
              std::chrono::duration_cast<std::chrono::microseconds>(took).count(),
              result.error ? result.error->message : "succeeded");
    return result;
  };
}

zpipe::HandlerResult transient_errors(const zpipe::Job&, const zpipe::JobContext&,
                                      const zpipe::Next& next) {
  try {
    return next();
  } catch (const TransientError& e) {
    return zpipe::fail(zpipe::Error{zpipe::ErrorCode::kUnavailable, e.what()});
  } catch (const std::exception& e) {
    return zpipe::fail(zpipe::Error{zpipe::ErrorCode::kInvalid, e.what()});
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = zpipe::parse_worker_options(argc, argv);
  if (const auto* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  const auto& options = std::get<zpipe::WorkerOptions>(parsed);
  try {
    zpipe::StopFlag stop;
    zpipe::install_stop_signals(stop);
    const auto log = zpipe::make_logger("zpipe-example-middleware", options.log);
    zpipe::Worker worker(options.config, log);
    worker.handle("quote", quote);
    // Added first, timing is outermost: it sees the result transient_errors makes.
    worker.use(timing(log));
    worker.use(transient_errors);
    // For one type, with an adapter: it sees the handler's own failure, exceptions included.
    worker.use("quote", zpipe::on_failure([log](const zpipe::Job& job, const zpipe::JobContext&,
                                                const zpipe::Error& error) {
                 log->warn("quote {} (attempt {}): {}", job.id, job.attempt, error.message);
               }));
    return worker.run(stop);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-example-middleware: " << e.what() << "\n";
    return zpipe::kExitFailure;
  }
}
