#include "front/prune_command.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>

#include "common/clock.hpp"
#include "common/command_line.hpp"
#include "common/data_dir_lock.hpp"
#include "common/duration_option.hpp"
#include "common/endpoints.hpp"
#include "common/outcome_store.hpp"
#include "common/plural.hpp"
#include "front/byte_size_text.hpp"
#include "front/time_text.hpp"

namespace zpipe {
namespace {

class PruneCommand : public Command {
 public:
  explicit PruneCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "prune", "Delete jobs (and their attempts) recorded before a time from the store")) {
    add_duration_option(app_, "--older-than", older_than_,
                        "Delete what was recorded longer ago than this: 90m, 12h, 30d, 2w")
        ->required();
    app_.add_flag("--dry-run", dry_run_, "Only say how many jobs and attempts would go");
    app_.add_option("--data-dir", data_dir_, "The sink's data directory (env ZPIPE_DATA_DIR)")
        ->capture_default_str();
    app_.footer(
        "A running sink owns its store: stop it first, or run it with --keep DURATION, which\n"
        "prunes as it goes (--dry-run works beside a running sink). The file does not shrink:\n"
        "SQLite reuses the freed space for new outcomes.");
  }
  CLI::App& app() override { return app_; }

  int run() override {
    const auto path = outcome_store_path(data_dir_);
    if (!std::filesystem::exists(path)) {
      std::cerr << "zpipe prune: no outcome store at " << path.string()
                << " (no sink has run with this data directory; pass --data-dir?)\n";
      return kExitFailure;
    }
    const auto now_ms = unix_ms_now();
    const auto older_ms = static_cast<std::uint64_t>(older_than_.count());
    const auto before_ms = now_ms > older_ms ? now_ms - older_ms : 1;
    const auto cutoff = "recorded before " + local_time(static_cast<std::int64_t>(before_ms)) +
                        " (" + duration_text(older_than_) + " ago)";
    try {
      return dry_run_ ? count(path, before_ms, cutoff) : prune(path, before_ms, cutoff);
    } catch (const std::exception& e) {  // the store cannot be opened
      std::cerr << "zpipe prune: " << e.what() << "\n";
      return kExitFailure;
    }
  }

 private:
  int count(const std::filesystem::path& path, std::uint64_t before_ms, const std::string& cutoff) {
    OutcomeStore store(path, OutcomeStore::Access::kReadOnly);
    const auto would = store.count_recorded_before(before_ms);
    if (!would.ok()) return failed(would.error());
    std::cout << "would delete " << count_noun(would.value().jobs, "job") << " and "
              << count_noun(would.value().attempts, "attempt") << " " << cutoff << "\n";
    return kExitOk;
  }

  int prune(const std::filesystem::path& path, std::uint64_t before_ms, const std::string& cutoff) {
    // One writer per store, the sink, and the data directory's lock says which process that is.
    // SQLite would let a second writer in (it waits for the sink's commits and makes the sink
    // wait for its own), but the sink must be the one that decides when its commits may wait:
    // a long delete beside it would hold acknowledgements back, and its file checks
    // (sqlite/database_files.hpp) must see only what it did. So prune refuses beside a running
    // sink, whose --keep prunes in its own loop, and holds the lock itself so that no sink
    // starts on the store meanwhile.
    auto lock = DataDirLock::acquire(data_dir_, "sink");
    if (!lock.ok()) {
      std::cerr << "zpipe prune: " << lock.error().message
                << "\n(a running sink prunes its own store: restart it with --keep "
                << duration_text(older_than_) << ")\n";
      return kExitFailure;
    }
    OutcomeStore store(path, OutcomeStore::Access::kReadWrite);
    PruneCount deleted;
    while (true) {
      auto batch = store.prune_batch(before_ms, kPruneBatchJobs);
      if (!batch.ok()) {
        std::cerr << "zpipe prune: after deleting " << count_noun(deleted.jobs, "job") << ": "
                  << batch.error().message << "\n";
        return kExitFailure;
      }
      deleted += batch.value();
      if (batch.value().jobs < kPruneBatchJobs) break;
    }
    const auto reusable = store.reusable_bytes();
    if (!reusable.ok()) return failed(reusable.error());
    std::cout << "deleted " << count_noun(deleted.jobs, "job") << " and "
              << count_noun(deleted.attempts, "attempt") << " " << cutoff << "; "
              << byte_size_text(reusable.value())
              << " of the store's file is free for new outcomes (the file does not shrink)\n";
    return kExitOk;
  }

  static int failed(const Error& error) {
    std::cerr << "zpipe prune: " << error.message << "\n";
    return kExitFailure;
  }

  CLI::App& app_;
  std::chrono::milliseconds older_than_{0};
  bool dry_run_ = false;
  std::filesystem::path data_dir_ = default_data_dir();
};

}  // namespace

std::unique_ptr<Command> make_prune_command(CLI::App& parent) {
  return std::make_unique<PruneCommand>(parent);
}

}  // namespace zpipe
