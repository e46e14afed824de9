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
  int producers = 4;      // for zpipe's latency under load, each submitting one job at a time
};

// The library that counts the programs' allocations; none in a sanitizer build.
#ifdef ZPIPE_MALLOC_COUNT_LIBRARY
const std::string kMallocCountLibrary = ZPIPE_MALLOC_COUNT_LIBRARY;
#else
const std::string kMallocCountLibrary;
#endif

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

// One row of the targets: what, the figure, the target, the verdict.
void target_row(const std::string& what, const std::string& figure, const std::string& target,
                bool met) {
  std::printf("  %-44s %-22s %-16s %s\n", what.c_str(), figure.c_str(), target.c_str(),
              verdict(met).c_str());
}

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
    PipelineRun::Allocations allocations;
    bool allocations_counted = false;
  };
  std::vector<CpuRow> cpu_rows;
  auto zpipe_row = [&](const std::string& label, const PipelineRunConfig& config) {
    PipelineRun run(config);
    const double producer_before = cpu_seconds(static_cast<int>(::getpid()));
    const double rate = static_cast<double>(o.jobs) / run.throughput(o.jobs);
    cpu_rows.push_back(CpuRow{label, run.last_cpu(),
                              cpu_seconds(static_cast<int>(::getpid())) - producer_before,
                              run.last_allocations(), run.counts_allocations()});
    std::printf("  %-34s %12s   %7.4fx\n", label.c_str(), thousands(rate).c_str(),
                rate / bare_rate);
    std::fflush(stdout);
    return rate;
  };
  for (const auto& level : o.levels) {
    const double rate =
        zpipe_row("zpipe --durability " + level,
                  PipelineRunConfig{level, o.workers, o.slots, false, kMallocCountLibrary});
    if (level == "batched") default_rate = rate;
  }
  if (o.curve) {
    (void)zpipe_row("zpipe batched, CURVE everywhere",
                    PipelineRunConfig{"batched", o.workers, o.slots, true});
  }
  if (default_rate == 0) {
    default_rate =
        zpipe_row("zpipe --durability batched",
                  PipelineRunConfig{"batched", o.workers, o.slots, false, kMallocCountLibrary});
  }

  // Where the time goes: what each program spends per job, all its threads together.
  std::cout
      << "\nCPU per job (us, user + system)      ventilator     sink  workers    zpipe  producer\n";
  const double per_job_us = 1e6 / static_cast<double>(o.jobs);
  double ventilator_us = 0;
  double zpipe_us = 0;  // the three programs together, the durable default
  const CpuRow* default_row = nullptr;
  for (const auto& row : cpu_rows) {
    const double all = row.cpu.ventilator + row.cpu.sink + row.cpu.workers;
    std::printf("  %-34s %10.1f %8.1f %8.1f %8.1f %9.1f\n", row.label.c_str(),
                row.cpu.ventilator * per_job_us, row.cpu.sink * per_job_us,
                row.cpu.workers * per_job_us, all * per_job_us, row.producer * per_job_us);
    if (row.label == "zpipe --durability batched") {
      ventilator_us = row.cpu.ventilator * per_job_us;
      zpipe_us = all * per_job_us;
      default_row = &row;
    }
  }
  if (ventilator_us > 0) {
    std::printf(
        "  one ventilator (batched) on a core of its own, workers and sink elsewhere, would\n"
        "  saturate near %s jobs/s (1 s / its %.1f us per job; its event hub included)\n",
        thousands(1e6 / ventilator_us).c_str(), ventilator_us);
  }
  std::fflush(stdout);

  // Allocations: counted by a preloaded library in each program, over the throughput run.
  const double jobs = static_cast<double>(o.jobs);
  double allocations_per_job = -1;  // not counted
  if (!kMallocCountLibrary.empty()) {
    std::cout << "\nallocations per job                  ventilator     sink  workers    zpipe\n";
    for (const auto& row : cpu_rows) {
      if (!row.allocations_counted) continue;
      const auto& a = row.allocations;
      const double all = static_cast<double>(a.ventilator + a.sink + a.workers) / jobs;
      std::printf("  %-34s %10.2f %8.2f %8.2f %8.2f\n", row.label.c_str(),
                  static_cast<double>(a.ventilator) / jobs, static_cast<double>(a.sink) / jobs,
                  static_cast<double>(a.workers) / jobs, all);
      if (&row == default_row) allocations_per_job = all;
    }
  } else {
    std::cout << "\nallocations per job: not counted in a sanitizer build\n";
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
  double offered = 0;
  {
    PipelineRun run(PipelineRunConfig{"batched", o.workers, o.slots, false});
    zpipe_one = LatencyStats::of(run.latency_one_in_flight(o.latency_jobs));
    std::cout << latency_row("zpipe batched, one job in flight", zpipe_one) << "\n" << std::flush;
  }
  {
    // A pipeline of its own: the one-at-a-time run leaves nothing behind in it.
    PipelineRun run(PipelineRunConfig{"batched", o.workers, o.slots, false});
    const double half = default_rate * load;
    // Two seconds of it, so that the load is a steady state and not a burst.
    const auto half_jobs = std::max(o.latency_jobs, static_cast<std::uint64_t>(half * 2));
    PipelineRun::PoissonStages stages;
    zpipe_loaded = LatencyStats::of(
        run.latency_poisson(std::min(half_jobs, o.jobs), half, o.producers, &offered, &stages));
    std::cout << latency_row("zpipe batched, Poisson at " + thousands(half) + "/s" + load_label,
                             zpipe_loaded)
              << "\n  (" << o.producers << " producers, one job per submit without waiting for "
              << "replies; from when it was due to the sink's recorded_ms; " << thousands(offered)
              << "/s offered)\n";
    const std::pair<const char*, const std::vector<std::int64_t>*> parts[] = {
        {"  due -> accepted (created_ms)", &stages.accepted},
        {"  accepted -> started at a worker", &stages.started},
        {"  started -> finished", &stages.finished},
        {"  finished -> recorded", &stages.recorded}};
    for (const auto& [what, samples] : parts) {
      std::cout << latency_row(what, LatencyStats::of(*samples)) << "\n";
    }
    // What jobs cost one per submit, against the throughput run's batches of 1,000.
    const auto& cpu = run.last_cpu();
    const double per_job = 1e6 / static_cast<double>(zpipe_loaded.samples);
    std::printf(
        "  CPU per job, one per submit (us): ventilator %.1f, sink %.1f, workers %.1f, "
        "zpipe %.1f (batched throughput run: %.1f)\n",
        cpu.ventilator * per_job, cpu.sink * per_job, cpu.workers * per_job,
        (cpu.ventilator + cpu.sink + cpu.workers) * per_job, zpipe_us);
    std::cout << std::flush;
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

  std::cout << "\ntargets (durable default, batched)           figure                 target       "
               "    verdict\n";
  const double ratio = default_rate / bare_rate;
  target_row("throughput vs bare chain", fixed(ratio, 3) + "x", ">= 0.25x", ratio >= 0.25);
  target_row("CPU per job, ventilator + sink + workers", fixed(zpipe_us, 1) + " us", "<= 7 us",
             zpipe_us <= 7);
  target_row("one job in flight, p50",
             fixed(zpipe_one.p50_us, 0) + " us (" + fixed(zpipe_one.p50_us / bare_one.p50_us, 1) +
                 "x bare)",
             "<= 2x bare", zpipe_one.p50_us <= 2 * bare_one.p50_us);
  target_row("p99, Poisson at " + std::to_string(o.load_percent) + "% of peak, " +
                 std::to_string(o.producers) + " producers",
             fixed(zpipe_loaded.p99_us / 1000, 1) + " ms", "<= 5 ms", zpipe_loaded.p99_us <= 5000);
  if (allocations_per_job >= 0) {
    target_row("allocations per job, steady state", fixed(allocations_per_job, 2), "0",
               allocations_per_job < 0.01);
  }
  if (o.pending >= 1'000'000) {
    target_row("ventilator at 1,000,000 pending",
               fixed(static_cast<double>(ventilator_pending) / (1 << 20), 0) + " MiB", "<= 256 MiB",
               ventilator_pending <= 256ull << 20);
  }
  target_row("worker, idle", fixed(static_cast<double>(worker_idle) / (1 << 20), 1) + " MiB",
             "<= 10 MiB", worker_idle <= 10ull << 20);
  std::cout << "  (thumbnails against xargs, and the pipeline's CPU per image: "
               "bench/thumbnail_bench.sh)\n";
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
  app.add_option("--producers", options.producers,
                 "producers for zpipe's latency under load, each submitting one job at a time")
      ->check(CLI::Range(1, 64))
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
