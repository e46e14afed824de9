// zpipe-workflow-bench: what batches cost, in one run on this machine: N echo jobs as plain jobs
// and as one batch with an on_complete callback (the batch's counting, journaling and callback
// against plain jobs; target: within 15%), both against a bare ZeroMQ chain; and how soon a
// batch's callback starts after its last job ended (p50, p99).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "bench/bare_chain.hpp"
#include "bench/pipeline_run.hpp"

namespace zpipe::bench {
namespace {

struct Options {
  std::uint64_t jobs = 100'000;
  std::uint64_t batches = 200;
  std::uint64_t batch_jobs = 10;
  bool smoke = false;
};

std::int64_t percentile(std::vector<std::int64_t> samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const auto rank = static_cast<std::size_t>(q * static_cast<double>(samples.size()));
  return samples[std::min(rank, samples.size() - 1)];
}

int run(const Options& o) {
  char date[32];
  const auto now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::cout << "zpipe workflow bench, " << date << ", " << std::thread::hardware_concurrency()
            << " cores; echo jobs of 64-byte payload, 2 workers x 2 slots, --durability "
               "batched\n\n"
            << "throughput (" << o.jobs << " jobs)            jobs/s   vs bare   vs plain\n";
  const double bare = static_cast<double>(o.jobs) / bare_chain_throughput(o.jobs, 1).seconds;
  std::printf("  %-28s %10.0f     1.00x\n", "bare ZeroMQ chain", bare);
  std::fflush(stdout);
  double plain = 0;
  {
    PipelineRun pipeline({});
    plain = static_cast<double>(o.jobs) / pipeline.throughput(o.jobs);
  }
  std::printf("  %-28s %10.0f   %7.4fx     1.00x\n", "plain jobs", plain, plain / bare);
  std::fflush(stdout);
  double batched = 0;
  {
    PipelineRun pipeline({});
    batched = static_cast<double>(o.jobs) / pipeline.batch_throughput(o.jobs);
  }
  const double cost = 1 - batched / plain;
  std::printf("  %-28s %10.0f   %7.4fx   %7.4fx   (cost %.1f%%, target <= 15%%: %s)\n",
              "one batch, with its callback", batched, batched / bare, batched / plain, cost * 100,
              cost <= 0.15 ? "met" : "NOT MET");
  std::fflush(stdout);

  std::vector<std::int64_t> latency;
  {
    PipelineRun pipeline({});
    latency = pipeline.callback_latency_ms(o.batches, o.batch_jobs);
  }
  std::printf(
      "\ncallback start after the batch's last job ended (ms; %llu batches of %llu jobs, one at "
      "a time)\n  p50 %lld   p99 %lld   max %lld\n",
      static_cast<unsigned long long>(o.batches), static_cast<unsigned long long>(o.batch_jobs),
      static_cast<long long>(percentile(latency, 0.5)),
      static_cast<long long>(percentile(latency, 0.99)),
      static_cast<long long>(percentile(latency, 1.0)));
  return 0;
}

}  // namespace
}  // namespace zpipe::bench

int main(int argc, char** argv) {
  zpipe::bench::Options o;
  CLI::App app{
      "zpipe-workflow-bench: what a batch costs against plain jobs, and how soon its "
      "callback starts"};
  app.add_option("--jobs", o.jobs, "Jobs in the throughput runs")->capture_default_str();
  app.add_option("--batches", o.batches, "Batches timed for the callback's latency")
      ->capture_default_str();
  app.add_option("--batch-jobs", o.batch_jobs, "Jobs in each of those batches")
      ->capture_default_str();
  app.add_flag("--smoke", o.smoke, "A few seconds of each measurement (tests)");
  CLI11_PARSE(app, argc, argv);
  if (o.smoke) {
    o.jobs = 2'000;
    o.batches = 5;
  }
  try {
    return zpipe::bench::run(o);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-workflow-bench: " << e.what() << "\n";
    return 1;
  }
}
