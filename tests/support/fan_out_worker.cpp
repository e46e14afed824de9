// zpipe-fan-out-worker: zpipe-worker's options and built-in handlers, and "fan_out", whose
// handler enqueues follow-ups, for the workflow tests. Its payload: {"n": follow-ups to
// enqueue, "pad": bytes of padding in each one's payload, "in_batch": enqueue_in_batch()}.
#include <iostream>
#include <string>

#include "common/command_line.hpp"
#include "common/stop_flag.hpp"
#include "worker/options.hpp"
#include "worker/worker.hpp"

int main(int argc, char** argv) {
  auto parsed = zpipe::parse_worker_options(argc, argv);
  if (const auto* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  const auto& options = std::get<zpipe::WorkerOptions>(parsed);
  try {
    zpipe::StopFlag stop;
    zpipe::install_stop_signals(stop);
    zpipe::Worker worker(options.config, zpipe::make_logger("zpipe-fan-out-worker", options.log));
    worker.handle("fan_out", [](const zpipe::Job& job, const zpipe::JobContext& context) {
      const auto args = job.payload.to_json();
      const std::string pad(args.value("pad", 0u), 'x');
      for (int i = 1; i <= args.value("n", 0); ++i) {
        zpipe::JobSpec spec{"echo", zpipe::Payload::from_json({{"i", i}, {"pad", pad}}), 0, 0};
        args.value("in_batch", false) ? context.enqueue_in_batch(std::move(spec))
                                      : context.enqueue(std::move(spec));
      }
      return zpipe::succeed({{"enqueued", args.value("n", 0)}});
    });
    return worker.run(stop);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-fan-out-worker: " << e.what() << "\n";
    return zpipe::kExitFailure;
  }
}
