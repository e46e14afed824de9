// zpipe-speed-bench: zpipe end to end against a bare ZeroMQ chain, on this machine, in one run.
// Throughput per durability level, submit-to-recorded latency (one job in flight, and at half
// of peak load), the ventilator's memory with a million pending jobs, an idle worker's memory.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>

#include "bench/bare_chain.hpp"
#include "bench/latency_stats.hpp"
#include "bench/pipeline_run.hpp"
#include "common/command_line.hpp"

namespace zpipe::bench {
namespace {

struct Options {
  std::uint64_t jobs = 1'000'000;
  std::uint64_t latency_jobs = 5'000;
  std::uint64_t pending = 1'000'000;
  int workers = 2;
  int slots = 2;
  std::vector<std::string> levels{"none", "batched", "sync"};
  bool curve = false;
  bool smoke = false;
  int load_percent = 50;  // of each one's peak, for the latency under load
};

std::string thousands(double value) {
  auto digits = std::to_string(static_cast<std::uint64_t>(value + 0.5));
  for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3) {
    digits.insert(static_cast<std::size_t>(at), ",");
  }
  return digits;
}

std::string fixed(double value, int decimals) {
  std::ostringstream out;
  out.precision(decimals);
  out << std::fixed << value;
  return out.str();
}

std::string latency_row(const std::string& what, const LatencyStats& s) {
  char line[160];
  std::snprintf(line, sizeof line, "  %-34s %9.0f %9.0f %9.0f %9.0f   (%zu jobs)", what.c_str(),
                s.p50_us, s.p99_us, s.p999_us, s.max_us, s.samples);
  return line;
}

std::string verdict(bool met) { return met ? "met" : "NOT MET"; }

int run(const Options& o) {
  const auto today = [] {
    char date[32];
    const auto now = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    return std::string(date);
  }();
  std::cout << "zpipe speed bench, " << today << ", " << std::thread::hardware_concurrency()
            << " cores; jobs of 64-byte payload over loopback TCP\n"
            << "  bare chain: ventilator PUSH -> 1 worker PULL/PUSH -> sink PULL, no guarantees\n"
            << "  zpipe: client submit (batches of 1000) -> ventilator -> " << o.workers
            << " workers x " << o.slots << " slots (echo) -> recorded at the sink\n\n"
            << std::flush;

  std::cout << "throughput (" << thousands(static_cast<double>(o.jobs)) << " jobs)"
            << "                    jobs/s   vs bare\n";
  const auto bare = bare_chain_throughput(o.jobs, 1);
  const double bare_rate = static_cast<double>(o.jobs) / bare.seconds;
  std::printf("  %-34s %12s     1.00x\n", "bare ZeroMQ chain", thousands(bare_rate).c_str());
  std::fflush(stdout);

  double default_rate = 0;
  struct CpuRow {
    std::string label;
    PipelineRun::CpuSeconds cpu;
    double producer = 0;
  };
  std::vector<CpuRow> cpu_rows;
  auto zpipe_row = [&](const std::string& label, const PipelineRunConfig& config) {
    PipelineRun run(config);
    const double producer_before = cpu_seconds(static_cast<int>(::getpid()));
    const double rate = static_cast<double>(o.jobs) / run.throughput(o.jobs);
    cpu_rows.push_back(
        CpuRow{label, run.last_cpu(), cpu_seconds(static_cast<int>(::getpid())) - producer_before});
    std::printf("  %-34s %12s   %7.4fx\n", label.c_str(), thousands(rate).c_str(),
                rate / bare_rate);
    std::fflush(stdout);
    return rate;
  };
  for (const auto& level : o.levels) {
    const double rate = zpipe_row("zpipe --durability " + level,
                                  PipelineRunConfig{level, o.workers, o.slots, false});
    if (level == "batched") default_rate = rate;
  }
  if (o.curve) {
    (void)zpipe_row("zpipe batched, CURVE everywhere",
                    PipelineRunConfig{"batched", o.workers, o.slots, true});
  }
  if (default_rate == 0) default_rate = zpipe_row("zpipe --durability batched", {});

  // Where the time goes: what each program spends per job, all its threads together.
  std::cout << "\nCPU per job (us, user + system)      ventilator     sink  workers  producer\n";
  const double per_job_us = 1e6 / static_cast<double>(o.jobs);
  double ventilator_us = 0;
  for (const auto& row : cpu_rows) {
    std::printf("  %-34s %10.1f %8.1f %8.1f %9.1f\n", row.label.c_str(),
                row.cpu.ventilator * per_job_us, row.cpu.sink * per_job_us,
                row.cpu.workers * per_job_us, row.producer * per_job_us);
    if (row.label == "zpipe --durability batched") ventilator_us = row.cpu.ventilator * per_job_us;
  }
  if (ventilator_us > 0) {
    std::printf(
        "  one ventilator (batched) on a core of its own, workers and sink elsewhere, would\n"
        "  saturate near %s jobs/s (1 s / its %.1f us per job; its event hub included)\n",
        thousands(1e6 / ventilator_us).c_str(), ventilator_us);
  }
  std::fflush(stdout);

  std::cout << "\nlatency, submit to recorded (us)          p50      p99    p99.9      max\n";
  const auto bare_one =
      LatencyStats::of(bare_chain_latency_one_in_flight(o.latency_jobs).latency_ns);
  std::cout << latency_row("bare chain, one job in flight", bare_one) << "\n" << std::flush;
  const double load = o.load_percent / 100.0;
  const std::string load_label = " (" + std::to_string(o.load_percent) + "%)";
  const double bare_half = bare_rate * load;
  // At least a second's worth, so that the load is a steady state and not a burst.
  const auto bare_half_jobs = std::max(o.latency_jobs, static_cast<std::uint64_t>(bare_half));
  const auto bare_loaded = LatencyStats::of(
      bare_chain_latency_at_rate(std::min(bare_half_jobs, o.jobs), bare_half).latency_ns);
  std::cout << latency_row("bare chain at " + thousands(bare_half) + "/s" + load_label, bare_loaded)
            << "\n"
            << std::flush;

  LatencyStats zpipe_one;
  LatencyStats zpipe_loaded;
  {
    PipelineRun run(PipelineRunConfig{"batched", o.workers, o.slots, false});
    zpipe_one = LatencyStats::of(run.latency_one_in_flight(o.latency_jobs));
    std::cout << latency_row("zpipe batched, one job in flight", zpipe_one) << "\n" << std::flush;
    const double half = default_rate * load;
    const auto half_jobs = std::max(o.latency_jobs, static_cast<std::uint64_t>(half * 2));
    zpipe_loaded = LatencyStats::of(run.latency_at_rate(std::min(half_jobs, o.jobs), half));
    std::cout << latency_row("zpipe batched at " + thousands(half) + "/s" + load_label,
                             zpipe_loaded)
              << "\n"
              << std::flush;
  }

  std::cout << "\nmemory (resident)\n";
  std::uint64_t worker_idle = 0;
  {
    PipelineRun run(PipelineRunConfig{"batched", 1, o.slots, false});
    std::this_thread::sleep_for(std::chrono::seconds(1));
    worker_idle = run.worker_rss();
  }
  std::printf("  %-34s %8.1f MiB\n", "worker, idle", static_cast<double>(worker_idle) / (1 << 20));
  std::fflush(stdout);
  std::uint64_t ventilator_pending = 0;
  {
    PipelineRun run(PipelineRunConfig{"batched", 0, o.slots, false});
    ventilator_pending = run.ventilator_rss_with_pending(o.pending);
  }
  std::printf("  %-34s %8.1f MiB\n",
              ("ventilator, " + thousands(static_cast<double>(o.pending)) + " pending").c_str(),
              static_cast<double>(ventilator_pending) / (1 << 20));

  std::cout << "\ntargets (durable default, batched)\n";
  const double ratio = default_rate / bare_rate;
  std::cout << "  throughput >= 0.5x bare chain:       " << fixed(ratio, 4) << "x  "
            << verdict(ratio >= 0.5) << "\n";
  std::cout << "  p50 <= 2x bare (one in flight):      " << fixed(zpipe_one.p50_us, 0) << " us vs "
            << fixed(2 * bare_one.p50_us, 0) << " us  "
            << verdict(zpipe_one.p50_us <= 2 * bare_one.p50_us) << "\n";
  std::cout << "  p99 <= 1 ms (one in flight / load):  " << fixed(zpipe_one.p99_us, 0) << " / "
            << fixed(zpipe_loaded.p99_us, 0) << " us  "
            << verdict(zpipe_one.p99_us <= 1000 && zpipe_loaded.p99_us <= 1000) << "\n";
  if (o.pending >= 1'000'000) {
    std::cout << "  ventilator <= 256 MiB at 1M pending: "
              << verdict(ventilator_pending <= 256ull << 20) << "\n";
  }
  std::cout << "  worker idle <= 10 MiB:               " << verdict(worker_idle <= 10ull << 20)
            << "\n";
  return 0;
}

}  // namespace
}  // namespace zpipe::bench

int main(int argc, char** argv) {
  zpipe::bench::Options options;
  CLI::App app{
      "Measures zpipe end to end against a bare ZeroMQ chain on this machine: throughput per "
      "durability level, latency, memory. The full run takes a few minutes; --smoke, seconds."};
  app.add_option("--jobs", options.jobs, "jobs per throughput run")->capture_default_str();
  app.add_option("--latency-jobs", options.latency_jobs, "jobs timed one at a time")
      ->capture_default_str();
  app.add_option("--pending", options.pending, "jobs held pending for the ventilator's memory")
      ->capture_default_str();
  app.add_option("--workers", options.workers, "zpipe workers")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--slots", options.slots, "slots per zpipe worker")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--levels", options.levels, "durability levels to run")
      ->check(CLI::IsMember({"none", "batched", "sync"}))
      ->capture_default_str();
  app.add_option("--load-percent", options.load_percent,
                 "the load, in percent of each one's measured peak, for latency under load")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_flag("--curve", options.curve, "also run the durable default with CURVE everywhere");
  app.add_flag("--smoke", options.smoke,
               "a few thousand jobs of everything (CI runs this, to keep the bench working)");
  if (const auto exit_code = zpipe::parse_command_line(app, argc, argv)) return *exit_code;
  if (options.smoke) {
    options.jobs = 3'000;
    options.latency_jobs = 200;
    options.pending = 5'000;
    options.curve = true;
  }
  try {
    return zpipe::bench::run(options);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-speed-bench: " << e.what() << "\n";
    return 1;
  }
}
