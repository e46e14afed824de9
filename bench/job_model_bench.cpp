// zpipe-job-model-bench: what the job model costs the ventilator's dispatch, measured on its
// JobTable in this process (no sockets, no journal): jobs handed out (and their outcomes
// recorded, a batch later) per second with one queue
// and one type (the figure before queues existed), with 100 queues, and with 8 types over 4
// workers that each take 2 of them; and the memory that 1,000,000 delayed jobs take. Prints
// each figure and its ratio to the single-queue one.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "ventilator/job_table.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t resident_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

struct Setup {
  const char* name;
  std::size_t queues;
  std::size_t types;
  std::vector<zpipe::WorkerRoute> routes;  // the workers, served in turn
};

// Jobs handed out a second: `jobs` accepted, then taken in turn by the routes until none is left.
[[gnu::noinline]] double dispatch_rate(const Setup& setup,
                                       std::size_t jobs) {  // one symbol to profile
  zpipe::JobTable table("bench", {}, nullptr);
  std::vector<zpipe::JobSpec> specs;
  specs.reserve(jobs);
  for (std::size_t i = 0; i < jobs; ++i) {
    zpipe::JobSpec spec;
    spec.type = "type-" + std::to_string(i % setup.types);
    spec.queue = setup.queues == 1 ? "" : "queue-" + std::to_string(i % setup.queues);
    spec.payload = zpipe::Payload::from_json({{"n", i}});
    specs.push_back(std::move(spec));
  }
  table.accept(std::move(specs), 1);
  const std::vector<std::string> owners = {"w0", "w1", "w2", "w3"};
  const auto start = Clock::now();
  std::size_t sent = 0;
  std::size_t idle = 0;
  // Each worker's last batch, recorded by the sink when the worker comes for the next one: as
  // in a running pipeline, a few hundred jobs are in flight, not all of them.
  std::vector<std::vector<std::string>> running(setup.routes.size());
  for (std::size_t turn = 0; idle < setup.routes.size(); ++turn) {
    const auto w = turn % setup.routes.size();
    for (const auto& id : running[w]) {
      table.on_recorded(zpipe::Ack{id, zpipe::OutcomeStatus::kSucceeded, false, 1, true}, 10);
    }
    running[w].clear();
    // A batch of 64 per worker, as the ventilator sends them.
    std::size_t batch = 0;
    while (batch < 64) {
      const auto* job = table.next_for(setup.routes[w], 10);
      if (job == nullptr) break;
      running[w].push_back(job->id);
      table.mark_dispatched(10, owners[w]);
      ++batch;
    }
    sent += batch;
    idle = batch == 0 ? idle + 1 : 0;
  }
  const auto seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (sent != jobs) std::fprintf(stderr, "%s: sent %zu of %zu\n", setup.name, sent, jobs);
  return static_cast<double>(sent) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "zpipe-job-model-bench: dispatch rates with queues and types; memory of delayed "
      "jobs"};
  bool smoke = false;
  std::size_t jobs = 1'000'000;
  app.add_flag("--smoke", smoke, "A few seconds of everything (the test suite runs this)");
  app.add_option("--jobs", jobs, "Jobs per measurement")->capture_default_str();
  std::string only;
  app.add_option("--only", only,
                 "Only the dispatch setups whose name contains this, e.g. '8 types' (to profile)");
  CLI11_PARSE(app, argc, argv);
  if (smoke) jobs = 20'000;

  // Delayed jobs held in memory: RSS before and after accepting them.
  const auto before = resident_kib();
  zpipe::JobTable table("bench", {}, nullptr);
  std::vector<zpipe::JobSpec> specs;
  for (std::size_t i = 0; i < jobs; ++i) {
    zpipe::JobSpec spec;
    spec.type = "email";
    spec.payload = zpipe::Payload::from_json({{"to", "user" + std::to_string(i) + "@example.org"}});
    spec.run_at_ms = 4'000'000'000'000 + i;
    specs.push_back(std::move(spec));
    if (specs.size() == 10'000) {
      table.accept(std::move(specs), 1);
      specs.clear();
    }
  }
  table.accept(std::move(specs), 1);
  const auto after = resident_kib();
  std::printf("%zu delayed jobs: %llu scheduled, %.1f MiB resident (%.0f bytes a job)\n", jobs,
              static_cast<unsigned long long>(table.counts().scheduled),
              static_cast<double>(after) / 1024,
              static_cast<double>(after - before) * 1024 / static_cast<double>(jobs));
  const auto scheduled = table.counts().scheduled;
  const zpipe::WorkerRoute any;
  std::vector<zpipe::WorkerRoute> pairs;
  for (int w = 0; w < 4; ++w) {
    pairs.push_back(zpipe::WorkerRoute{
        {"type-" + std::to_string(2 * w), "type-" + std::to_string(2 * w + 1)}, {}, {}});
  }
  std::vector<Setup> setups = {
      {"1 queue, 1 type, 4 workers", 1, 1, {any, any, any, any}},
      {"100 queues, 1 type, 4 workers", 100, 1, {any, any, any, any}},
      {"1 queue, 8 types, 4 workers of 2 types each", 1, 8, pairs},
  };
  if (!only.empty()) {
    std::erase_if(setups, [&only](const Setup& s) {
      return std::string(s.name).find(only) == std::string::npos;
    });
  }
  // Runs in turn (each setup once, then again), so that a slower moment of the machine falls on
  // all of them alike; the best of 5 of each.
  std::printf("dispatched and recorded in the JobTable, %zu jobs each (best of 5)\n", jobs);
  std::vector<double> best(setups.size(), 0);
  for (int run = 0; run < 5; ++run) {
    for (std::size_t i = 0; i < setups.size(); ++i) {
      best[i] = std::max(best[i], dispatch_rate(setups[i], jobs));
    }
  }
  for (std::size_t i = 0; i < setups.size(); ++i) {
    std::printf("  %-46s %12.0f jobs/s  %.2fx\n", setups[i].name, best[i], best[i] / best[0]);
  }

  return scheduled == jobs ? 0 : 1;
}
