#include "front/demo_command.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "common/data_dir_lock.hpp"
#include "common/endpoints.hpp"
#include "common/outcome_store.hpp"
#include "common/plural.hpp"
#include "front/local_pipeline.hpp"
#include "front/local_pipeline_options.hpp"
#include "front/program_path.hpp"

namespace zpipe {
namespace {

// A mix like a real batch: mostly quick work, some slow, some commands, a few failures.
std::vector<JobSpec> sample_jobs(int count) {
  std::vector<JobSpec> jobs;
  for (int i = 0; i < count; ++i) {
    JobSpec spec;
    switch (i % 20) {
      case 0:
        spec.type = "fail";
        spec.payload = Payload::from_json({{"message", "sample failure"}});
        break;
      case 1:
        spec.type = "exec";
        spec.payload = Payload::from_json({{"argv", {"sh", "-c", "echo 'disk full' >&2; exit 3"}}});
        break;
      case 2:
        spec.type = "exec";
        spec.payload =
            Payload::from_json({{"argv", {"echo", "hello from job " + std::to_string(i)}}});
        break;
      case 3:
        spec.type = "exec";
        spec.payload = Payload::from_json({{"argv", {"uname", "-sr"}}});
        break;
      case 4:
      case 5:
        spec.type = "sleep";
        spec.payload = Payload::from_json({{"ms", 10 + (i * 7) % 40}});
        break;
      default:
        spec.type = "echo";
        spec.payload = Payload::from_json({{"n", i}, {"text", "sample " + std::to_string(i)}});
    }
    // The failures are on purpose: retrying them would only make the demo wait.
    spec.max_attempts = 1;
    jobs.push_back(std::move(spec));
  }
  return jobs;
}

class DemoCommand : public Command {
 public:
  explicit DemoCommand(CLI::App& parent)
      : app_(*parent.add_subcommand("demo",
                                    "Run sample jobs through a local pipeline and summarise")) {
    config_.data_dir = default_data_dir() / "demo";
    config_.log_level = "warn";
    config_.private_sockets = true;  // never on ports another pipeline could hold
    app_.add_option("--jobs,-n", jobs_, "Sample jobs to run")
        ->capture_default_str()
        ->check(CLI::Range(1, 1'000'000));
    add_local_pipeline_options(app_, config_, 1,
                               "Where outcomes.db and journal.db go (emptied first; one run at a "
                               "time)");
  }
  CLI::App& app() override { return app_; }

  int run() override {
    // The files are emptied below: never under another run's pipeline.
    auto lock = DataDirLock::acquire(config_.data_dir, "demo");
    if (!lock.ok()) {
      std::cerr << "zpipe demo: " << lock.error().message << "\n";
      return kExitFailure;
    }
    std::error_code ignored;
    for (const auto& file :
         {outcome_store_path(config_.data_dir), journal_path(config_.data_dir)}) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(file.string() + suffix, ignored);
      }
    }
    std::printf("zpipe demo: %s (echo, sleep, exec, some failing on purpose) through %s\n",
                count_noun(static_cast<std::uint64_t>(jobs_), "sample job").c_str(),
                count_noun(static_cast<std::uint64_t>(config_.workers), "worker").c_str());
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();
    LocalPipeline pipeline(config_);
    Client client(ClientConfig::to(pipeline.endpoints().submit, std::chrono::seconds(10)));

    auto jobs = sample_jobs(jobs_);
    for (std::size_t first = 0; first < jobs.size(); first += 1000) {
      const auto last = std::min(jobs.size(), first + 1000);
      auto ids = client.submit(std::vector<JobSpec>(jobs.begin() + static_cast<long>(first),
                                                    jobs.begin() + static_cast<long>(last)));
      if (!ids.ok()) {
        std::cerr << "zpipe demo: " << ids.error().message << "\n";
        return kExitFailure;
      }
    }
    if (!wait_until_done(client, pipeline)) return kExitFailure;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!pipeline.stop()) std::cerr << "zpipe demo: a program ended with an error\n";
    return summarise(seconds);
  }

 private:
  bool wait_until_done(Client& client, LocalPipeline& pipeline) {
    const bool tty = ::isatty(STDOUT_FILENO) != 0;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    while (true) {
      if (auto exited = pipeline.find_exited()) {
        std::cerr << "\nzpipe demo: " << *exited << "\n";
        return false;
      }
      auto counts = client.status();
      if (counts.ok()) {
        const auto& c = counts.value();
        const auto done = c.succeeded + c.dead;
        if (tty) {
          std::printf("\r  %llu/%d recorded (%llu running)   ",
                      static_cast<unsigned long long>(done), jobs_,
                      static_cast<unsigned long long>(c.in_flight));
          std::fflush(stdout);
        }
        if (done >= static_cast<std::uint64_t>(jobs_)) {
          if (tty) std::printf("\n");
          return true;
        }
      }
      if (std::chrono::steady_clock::now() > give_up) {
        std::cerr << "\nzpipe demo: jobs still unfinished after 10 minutes\n";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  int summarise(double seconds) {
    OutcomeStore store(outcome_store_path(config_.data_dir), OutcomeStore::Access::kReadOnly);
    const auto counted = store.totals();
    const auto failures = store.list({OutcomeStatus::kFailed, "", 1'000'000});
    if (!counted.ok() || !failures.ok()) {
      std::fprintf(stderr, "zpipe demo: %s\n",
                   (counted.ok() ? failures.error() : counted.error()).message.c_str());
      return kExitFailure;
    }
    const auto& totals = counted.value();
    const auto recorded = totals.succeeded + totals.failed + totals.cancelled;
    std::map<std::string, std::pair<int, std::string>> reasons;  // code -> count, an example
    for (const auto& row : failures.value()) {
      auto& [count, example] = reasons[row.outcome.error_code];
      ++count;
      example = row.outcome.error;
    }
    std::printf("  succeeded   %llu\n  failed      %llu\n",
                static_cast<unsigned long long>(totals.succeeded),
                static_cast<unsigned long long>(totals.failed));
    // Only a `zpipe cancel` from another terminal meanwhile makes any.
    if (totals.cancelled > 0) {
      std::printf("  cancelled   %llu\n", static_cast<unsigned long long>(totals.cancelled));
    }
    for (const auto& [code, entry] : reasons) {
      std::printf("    %5d x %s: %s\n", entry.first, code.c_str(), entry.second.c_str());
    }
    std::printf("  wall time   %.2f s (including start and stop)\n  throughput  %.0f jobs/s\n",
                seconds, static_cast<double>(recorded) / seconds);
    const auto dir = config_.data_dir.string();
    const auto zpipe = program_path("zpipe");  // the full path: the build may not be on PATH
    std::printf(
        "Outcomes are in %s. Look at them with:\n  %s results --data-dir %s\n"
        "  %s failures --data-dir %s\n  sqlite3 %s 'select status, count(*) from jobs group by "
        "status'\n",
        outcome_store_path(config_.data_dir).c_str(), zpipe.c_str(), dir.c_str(), zpipe.c_str(),
        dir.c_str(), outcome_store_path(config_.data_dir).c_str());
    const bool all_recorded = recorded == static_cast<std::uint64_t>(jobs_);
    if (!all_recorded) std::cerr << "zpipe demo: not every job was recorded\n";
    return all_recorded ? kExitOk : kExitFailure;
  }

  CLI::App& app_;
  LocalPipelineConfig config_;
  int jobs_ = 400;
};

}  // namespace

std::unique_ptr<Command> make_demo_command(CLI::App& parent) {
  return std::make_unique<DemoCommand>(parent);
}

}  // namespace zpipe
