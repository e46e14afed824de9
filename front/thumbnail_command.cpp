#include "front/thumbnail_command.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "common/curve_setup.hpp"
#include "common/data_dir_lock.hpp"
#include "common/endpoints.hpp"
#include "common/plural.hpp"
#include "common/stop_flag.hpp"
#include "common/terminal.hpp"
#include "front/image_scanner.hpp"
#include "front/image_tools.hpp"
#include "front/job_follower.hpp"
#include "front/local_pipeline.hpp"
#include "front/local_pipeline_options.hpp"
#include "front/thumbnail_manifest.hpp"
#include "front/thumbnail_plan.hpp"
#include "front/thumbnail_tally.hpp"

namespace zpipe {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kJobsPerRequest = 1000;

// The progress bar is drawn only on a terminal, which always has a width.
std::size_t terminal_width() {
  return std::max<std::size_t>(terminal_style().width.value_or(80), 21);
}

class ThumbnailCommand : public Command {
 public:
  explicit ThumbnailCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "thumbnail",
            "Thumbnail every image of IN_DIR into OUT_DIR through a pipeline; skips thumbnails "
            "already up to date and never replaces a file it did not make. Exit code: 0 when every "
            "image is done or skipped, 1 when any failed or was left alone, 2 on a usage "
            "error")) {
    pipeline_.data_dir = default_data_dir() / "thumbnail";
    pipeline_.log_level = "warn";
    // One worker of one slot per core: thumbnailing is CPU-bound.
    pipeline_.workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    pipeline_.private_sockets = true;  // never on ports another pipeline could hold
    // Its workers run only its jobs, and load libvips while the pipeline starts.
    pipeline_.worker_args = {"--types", "thumbnail"};
    app_.add_option("in_dir", plan_.in_dir, "Folder of images (.jpg .jpeg .png .webp .tif .gif)");
    app_.add_option("out_dir", plan_.out_dir,
                    "Folder for the thumbnails, same relative paths (created if missing); with "
                    "several --sizes, under a folder per size: OUT_DIR/<size>/");
    app_.add_option("--size,-s", size_, "Side of the box each thumbnail fits in, in pixels")
        ->capture_default_str()
        ->check(CLI::Range(1, 10'000));
    app_.add_option("--sizes", sizes_,
                    "Several sides, comma-separated (e.g. 128,256,512): a thumbnail of each size "
                    "per image, in OUT_DIR/<size>/<same relative path>; with one value, as --size. "
                    "Not with --size")
        ->delimiter(',')
        ->allow_extra_args(false)  // IN_DIR OUT_DIR may follow: they are not sizes
        ->check(CLI::Range(1, 10'000));
    app_.add_option("--format", plan_.format,
                    "Thumbnail format: same (JPEG for .tif and .gif), jpg, png or webp")
        ->capture_default_str()
        ->check(CLI::IsMember({"same", "jpg", "png", "webp"}));
    app_.add_option("--quality,-q", quality_, "JPEG and WebP quality, 1-100 (default: 75)")
        ->check(CLI::Range(1, 100));
    app_.add_flag("--enlarge", enlarge_,
                  "Enlarge images smaller than --size to fit it (by default they keep their size)");
    app_.add_flag("--keep-metadata", keep_metadata_,
                  "Keep EXIF, XMP and ICC data in the thumbnails (stripped by default)");
    app_.add_flag("--recursive,-r", plan_.recursive, "Include images in subfolders");
    app_.add_flag("--watch", watch_,
                  "Keep running and thumbnail images as they appear or change, until Ctrl-C");
    app_.add_flag("--samples", samples_,
                  "Use sample images that zpipe draws on first use (IN_DIR and OUT_DIR default "
                  "to samples/ and thumbnails/ in the data directory)");
    app_.add_option("--attempts", attempts_,
                    "Attempts per image (a broken image fails the same way every time)")
        ->capture_default_str()
        ->check(CLI::Range(1, 100));
    app_.add_option("--connect", connect_,
                    "Use the running pipeline whose ventilator takes jobs at this endpoint "
                    "(e.g. tcp://127.0.0.1:5570) instead of starting one; its workers must see "
                    "the same paths. How each job ended is asked of the ventilator: no access "
                    "to the sink's files is needed");
    add_curve_options(app_, curve_flags_, CurveRole::kClient);
    add_local_pipeline_options(app_, pipeline_, 1,
                               "Data directory: the local pipeline's (outcomes.db emptied first, "
                               "logs in zpipe.log; one run at a time); not used with --connect");
  }
  CLI::App& app() override { return app_; }

  int run() override {
    CurveSetup curve;
    if (auto code = load_curve_setup(curve_flags_, CurveRole::kClient, "zpipe thumbnail", curve)) {
      return *code;
    }
    if (curve.enabled() && connect_.empty()) {
      return usage("--curve-secret is for a running pipeline: give --connect too");
    }
    if (samples_) {
      const auto base = app_.count("--data-dir") ? pipeline_.data_dir : default_data_dir();
      if (plan_.in_dir.empty()) plan_.in_dir = base / "samples";
      if (plan_.out_dir.empty()) plan_.out_dir = base / "thumbnails";
    }
    if (app_.count("--size") > 0 && app_.count("--sizes") > 0) {
      return usage(
          "--size and --sizes do not go together: give one size with --size, or "
          "several with --sizes (--sizes 128,256,512)");
    }
    if (sizes_.empty()) {
      plan_.sizes = {size_};
    } else {
      std::sort(sizes_.begin(), sizes_.end());
      sizes_.erase(std::unique(sizes_.begin(), sizes_.end()), sizes_.end());
      plan_.sizes = sizes_;
    }
    if (plan_.in_dir.empty() || plan_.out_dir.empty()) {
      return usage(
          "give the folder of images and the folder for thumbnails: zpipe thumbnail "
          "IN_DIR OUT_DIR (or --samples)");
    }
    plan_.in_dir = fs::absolute(plan_.in_dir).lexically_normal();
    plan_.out_dir = fs::absolute(plan_.out_dir).lexically_normal();
    if (samples_) {
      const auto drawn = image_tools().write_sample_images(plan_.in_dir);
      if (drawn > 0) {
        std::printf("drew %s in %s\n",
                    count_noun(static_cast<std::uint64_t>(drawn), "sample image").c_str(),
                    plan_.in_dir.c_str());
      }
    }
    std::error_code error;
    if (!fs::is_directory(plan_.in_dir, error)) {
      return usage("'" + plan_.in_dir.string() + "' is not a folder");
    }
    if (auto conflict = folder_conflict(plan_.in_dir, plan_.out_dir)) return usage(*conflict);
    manifest_.emplace(plan_.out_dir);
    scanner_.emplace(plan_, *manifest_, &image_tools);
    tally_.emplace(plan_.in_dir, plan_.has_size_folders());
    tty_ = ::isatty(STDOUT_FILENO) != 0;

    StopFlag stop;
    install_stop_signals(stop);
    const auto work = scanner_->scan(/*require_stable=*/false);
    // The first scan gives each image's thumbnails together, one per size.
    const auto thumbnails = work.size() + scanner_->skipped() + scanner_->left_alone().size();
    std::printf("zpipe thumbnail: %s in %s -> %s (%s)\n",
                count_noun(thumbnails / plan_.sizes.size(), "image").c_str(), plan_.in_dir.c_str(),
                plan_.out_dir.c_str(), sizes_text(thumbnails).c_str());
    std::fflush(stdout);
    if (work.empty() && !watch_) return summarise(false);
    if (watch_) {
      std::printf("watching %s for new and changed images every 1 s; Ctrl-C to stop\n",
                  plan_.in_dir.c_str());
      std::fflush(stdout);
    }

    std::optional<DataDirLock> data_dir_lock;
    std::optional<LocalPipeline> local;
    std::string submit_endpoint = connect_;
    if (connect_.empty()) {
      // The store is emptied below: never under another run's pipeline.
      auto lock = DataDirLock::acquire(pipeline_.data_dir, "thumbnail");
      if (!lock.ok()) {
        std::cerr << "zpipe thumbnail: " << lock.error().message << "\n";
        return kExitFailure;
      }
      data_dir_lock.emplace(std::move(lock).value());
      std::error_code ignored;
      for (const char* suffix : {"", "-wal", "-shm"}) {
        fs::remove(outcome_store_path(pipeline_.data_dir).string() + suffix, ignored);
      }
      fs::create_directories(pipeline_.data_dir);
      if (pipeline_.log_file.empty()) pipeline_.log_file = pipeline_.data_dir / "zpipe.log";
      local.emplace(pipeline_);
      submit_endpoint = local->endpoints().submit;
    }
    auto client_config = ClientConfig::to(submit_endpoint, std::chrono::seconds(10));
    client_config.curve = curve;
    Client client(client_config);
    if (!submit(client, work)) return kExitFailure;

    const bool interrupted = !follow(client, stop, local ? &*local : nullptr);
    seal_batch(client);
    if (local && !local->stop()) {
      std::cerr << "zpipe thumbnail: a program of the pipeline ended with an error (see "
                << pipeline_.log_file.string() << ")\n";
    }
    return summarise(interrupted);
  }

 private:
  // "256 px"; several sizes: "64, 128 px: 10 thumbnails".
  std::string sizes_text(std::size_t thumbnails) const {
    std::string text;
    for (const int size : plan_.sizes) text += (text.empty() ? "" : ", ") + std::to_string(size);
    text += " px";
    if (plan_.has_size_folders()) text += ": " + count_noun(thumbnails, "thumbnail");
    return text;
  }

  // Opens the run's batch before its first job; false (said on stderr) when refused.
  bool open_batch(Client& client) {
    if (!batch_id_.empty()) return true;
    BatchOptions options;
    options.description = "zpipe thumbnail " + plan_.in_dir.string() + " -> " +
                          plan_.out_dir.string() + ", " +
                          (plan_.has_size_folders() ? count_noun(plan_.sizes.size(), "size")
                                                    : std::to_string(plan_.sizes[0]) + " px");
    auto id = client.open_batch(options);
    if (!id.ok()) {
      std::cerr << "zpipe thumbnail: the ventilator at " << client.config().ventilator
                << " did not open a batch: " << id.error().message << "\n";
      return false;
    }
    batch_id_ = std::move(id).value();
    return true;
  }

  // Says that the run's jobs are all in (after the last submit, with --watch too), so that the
  // batch ends once they have. A refusal is said on stderr; the run's outcome stands.
  void seal_batch(Client& client) {
    if (batch_id_.empty() || pipeline_lost_) return;
    if (auto sealed = client.seal_batch(batch_id_); !sealed.ok()) {
      std::cerr << "zpipe thumbnail: cannot seal batch " << batch_id_ << ": "
                << sealed.error().message << "\n";
    }
  }

  bool submit(Client& client, const std::vector<ThumbnailTarget>& work) {
    if (!open_batch(client)) return false;
    std::vector<JobSpec> specs;
    for (const auto& target : work) {
      nlohmann::json payload{
          {"in", target.image.string()}, {"out", target.thumbnail.string()}, {"size", target.size}};
      if (quality_) payload["quality"] = *quality_;
      if (keep_metadata_) payload["strip"] = false;
      if (enlarge_) payload["enlarge"] = true;
      JobSpec spec{"thumbnail", Payload::from_json(payload), 0, attempts_};
      spec.batch = batch_id_;
      specs.push_back(std::move(spec));
    }
    for (std::size_t first = 0; first < specs.size(); first += kJobsPerRequest) {
      const auto last = std::min(specs.size(), first + kJobsPerRequest);
      auto ids = client.submit(std::vector<JobSpec>(specs.begin() + static_cast<long>(first),
                                                    specs.begin() + static_cast<long>(last)));
      if (!ids.ok()) {
        std::cerr << "zpipe thumbnail: the ventilator at " << client.config().ventilator
                  << " did not take the jobs: " << ids.error().message << "\n";
        return false;
      }
      for (std::size_t i = 0; i < ids.value().size(); ++i) {
        jobs_[ids.value()[i]] = work[first + i];
        follower_.follow(ids.value()[i]);
      }
    }
    tally_->submitted(specs.size(), Clock::now());
    return true;
  }

  // Waits for every submitted job (and, with --watch, scans for new images) until done or
  // stopped. Returns false when interrupted or the pipeline broke.
  bool follow(Client& client, const StopFlag& stop, LocalPipeline* local) {
    auto next_scan = Clock::now() + std::chrono::seconds(1);
    auto next_plain_line = Clock::now() + std::chrono::seconds(5);
    auto next_draw = Clock::now();
    auto next_ask = Clock::now();
    std::uint64_t last_finished = 0;
    auto next_full_check = Clock::now();
    while (true) {
      // The jobs are asked about when the ventilator's count of finished jobs moved (a cheap
      // request), at most every 100 ms, and every second anyway: asking about every id on
      // every tick would take CPU from the workers on the same cores.
      const auto counts = client.status();
      const auto finished = counts.ok() ? counts.value().succeeded + counts.value().dead : 0;
      if ((finished != last_finished && Clock::now() >= next_ask) ||
          Clock::now() >= next_full_check) {
        auto ended = follower_.take_ended(client);
        if (!ended.ok()) {
          if (tty_) std::printf("\n");
          std::cerr << "zpipe thumbnail: cannot follow the jobs: " << ended.error().message << "\n";
          pipeline_lost_ = true;
          return false;
        }
        for (const auto& job : ended.value()) record(job);
        last_finished = finished;
        next_ask = Clock::now() + std::chrono::milliseconds(100);
        next_full_check = Clock::now() + std::chrono::seconds(1);
      }
      const auto now = Clock::now();
      if (tty_ && now >= next_draw) {
        draw_progress();
        next_draw = now + std::chrono::milliseconds(100);
      } else if (!tty_ && now >= next_plain_line) {
        std::printf("%s\n", tally_->plain_line().c_str());
        std::fflush(stdout);
        next_plain_line = now + std::chrono::seconds(5);
      }
      if (follower_.pending() == 0 && !watch_) break;
      if (stop.is_stop_requested()) {
        if (tty_) std::printf("\n");
        std::printf("stopping: %s not waited for\n",
                    count_noun(follower_.pending(), "thumbnail").c_str());
        return watch_ && follower_.pending() == 0;
      }
      if (local) {
        if (auto exited = local->find_exited()) {
          std::cerr << "\nzpipe thumbnail: " << *exited << " (logs: " << pipeline_.log_file.string()
                    << ")\n";
          pipeline_lost_ = true;
          return false;
        }
      }
      if (watch_ && now >= next_scan) {
        const auto work = scanner_->scan(/*require_stable=*/true);
        if (!work.empty() && !submit(client, work)) return false;
        next_scan = now + std::chrono::seconds(1);
      }
      pollfd fd{stop.fd(), POLLIN, 0};
      ::poll(&fd, 1, 20);
    }
    if (tty_) {
      draw_progress();
      std::printf("\n");
    }
    return true;
  }

  // A job over, as the ventilator tells it.
  void record(const JobStatus& job) {
    Outcome outcome;
    outcome.id = job.id;
    outcome.status =
        job.state == JobState::kSucceeded ? OutcomeStatus::kSucceeded : OutcomeStatus::kFailed;
    outcome.error_code = job.error_code;
    outcome.error = job.error;
    if (job.state == JobState::kCancelled) {
      outcome.error_code = "cancelled";
      outcome.error = "cancelled (zpipe show " + job.id + " says by whom)";
    }
    if (job.state == JobState::kUnknown) {
      outcome.error_code = to_string(ErrorCode::kUnavailable);
      outcome.error = "over, but the ventilator no longer holds how it ended: zpipe show " + job.id;
    }
    record(outcome);
  }

  void record(const Outcome& outcome) {
    const auto it = jobs_.find(outcome.id);
    if (it == jobs_.end()) return;
    tally_->record(outcome, it->second, Clock::now());
    if (outcome.succeeded()) {
      manifest_->add(it->second.thumbnail);
    } else if (watch_) {
      if (tty_) std::printf("\r\033[K");
      std::printf("failed: %s: %s\n", it->second.image.c_str(), outcome.error.c_str());
    }
    jobs_.erase(it);
  }

  void draw_progress() {
    std::printf("\r%s\033[K", tally_->progress_line(terminal_width() - 1, Clock::now()).c_str());
    std::fflush(stdout);
  }

  int summarise(bool interrupted) {
    std::printf("%s",
                tally_->summary(scanner_->skipped(), scanner_->left_alone(), jobs_.size()).c_str());
    if (!batch_id_.empty()) {
      // A local pipeline is gone by now: only a running one can still show the batch.
      std::string line = "  batch     " + batch_id_;
      if (!connect_.empty()) {
        line += " (zpipe batch show " + batch_id_ + " --ventilator " + connect_ + ")";
      }
      std::printf("%s\n", line.c_str());
    }
    std::printf("Thumbnails are in %s%s\n", plan_.out_dir.c_str(),
                plan_.has_size_folders() ? ", a folder per size" : "");
    if (tally_->failed() > 0 && connect_.empty()) {
      std::printf("Failures are recorded in %s\n", outcome_store_path(pipeline_.data_dir).c_str());
    }
    std::fflush(stdout);
    const bool all_done = tally_->failed() == 0 && scanner_->left_alone().empty() && jobs_.empty();
    return all_done && !interrupted ? kExitOk : kExitFailure;
  }

  int usage(const std::string& message) {
    std::cerr << "zpipe thumbnail: " << message
              << "\nRun 'zpipe thumbnail --help' for the options.\n";
    return kExitUsage;
  }

  CLI::App& app_;
  ThumbnailPlanOptions plan_;
  int size_ = 256;          // --size
  std::vector<int> sizes_;  // --sizes
  LocalPipelineConfig pipeline_;
  std::optional<int> quality_;
  bool keep_metadata_ = false;
  bool enlarge_ = false;
  bool watch_ = false;
  bool samples_ = false;
  std::uint32_t attempts_ = 1;  // a corrupt image is corrupt on every attempt
  std::string connect_;
  CurveFlags curve_flags_;
  bool tty_ = false;
  bool pipeline_lost_ = false;  // it broke, or stopped answering: nothing more to ask of it

  JobFollower follower_;
  std::optional<ThumbnailManifest> manifest_;  // the thumbnails zpipe made in plan_.out_dir
  std::optional<ImageScanner> scanner_;
  std::optional<ThumbnailTally> tally_;
  std::map<std::string, ThumbnailTarget> jobs_;  // submitted, outcome not yet seen, by id
  std::string batch_id_;                         // the run's batch, once opened
};

}  // namespace

std::unique_ptr<Command> make_thumbnail_command(CLI::App& parent) {
  return std::make_unique<ThumbnailCommand>(parent);
}

}  // namespace zpipe
