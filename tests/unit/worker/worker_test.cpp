#include "worker/worker.hpp"

#include <gtest/gtest.h>

#include "common/logging.hpp"

namespace zpipe {
namespace {

// Nothing listens there: connecting never waits, and run() must refuse before it serves.
WorkerConfig unconnected_config() {
  WorkerConfig config;
  config.jobs_endpoint = "tcp://127.0.0.1:1";
  config.outcomes_endpoint = "tcp://127.0.0.1:1";
  config.events_endpoint = "tcp://127.0.0.1:1";
  return config;
}

TEST(Worker, RunRefusesTypesItHasNoHandlerForNamingTheOnesItHas) {
  auto config = unconnected_config();
  config.types = {"echo", "word_count"};
  Worker worker(config, make_logger("worker-test", {}));
  worker.handle("resize", [](const Job&, const JobContext&) { return succeed(); });
  StopFlag stop;
  try {
    (void)worker.run(stop);
    FAIL() << "run() served a type it has no handler for";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "no handler for type 'word_count' in this worker; it has echo, exec, fail, "
                  "resize, sleep, thumbnail"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace zpipe
