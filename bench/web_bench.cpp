// zpipe-web-bench: what issue 19 promises of zpipe-web under load, with the real programs.
// 1. An event flood: a ventilator (its event hub) and a sink with no workers, and a zpipe-web
//    following the hub. The bench publishes job.failed events (never sampled) into the hub's
//    events-in, as docs/PROTOCOL.md "Publishing events of your own" says, at 100,000 a second for
//    10 s, while it reads the SSE stream (/api/events) and asks GET /api/status ten times a
//    second. It prints the events published and seen, the intervals between `live` messages,
//    the status latency, zpipe-web's CPU and memory, each against its target.
// 2. Pages over HTTP on a million jobs: a store filled as zpipe-jobs-page-bench fills it, read by
//    a zpipe-web with no ventilator, then with one running. GET /api/jobs: the first page, the
//    page after 100 cursors, pages of each filter; p50 and max of 50 requests each, against
//    200 ms a page. Every page is checked against its filter.
// Targets are reported, not enforced: the run fails only when something does not work.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "bench/jobs_store_fill.hpp"
#include "bench/pipeline_run.hpp"
#include "bench/web_run.hpp"
#include "common/endpoints.hpp"
#include "common/outcome_store.hpp"
#include "common/protocol.hpp"
#include "front/free_ports.hpp"
#include "front/local_pipeline.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using zpipe::bench::WebRun;

constexpr double kSseIntervalTargetS = 1.5;
constexpr double kStatusTargetMs = 200;
constexpr double kPageTargetMs = 200;
// zpipe-web answers one client at most 100 requests a second (docs/HTTP.md): stay under that.
constexpr auto kRequestSpacing = 12ms;

struct Options {
  double rate = 100'000;  // events a second
  double seconds = 10;    // of flood
  std::uint64_t jobs = 1'000'000;
  int requests = 50;  // per row of the pages' table
  std::string part = "all";
  std::filesystem::path store_dir;  // kept across runs when given
  bool smoke = false;
};

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

std::uint64_t unix_now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Nearest rank: the smallest value with at least `q` of all values at or below it.
double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(q * static_cast<double>(values.size()));
  return values[std::min(rank, values.size() - 1)];
}

const char* verdict(bool met) { return met ? "met" : "NOT met"; }

double mib(std::uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

std::filesystem::path make_temp_dir() {
  auto pattern = (std::filesystem::temp_directory_path() / "zpipe-web-bench.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make a temp folder");
  return pattern;
}

// GET `path`; its JSON body, or nullopt (having said why) when it is not a 200 with JSON.
std::optional<nlohmann::json> get_json(httplib::Client& client, const std::string& path) {
  auto res = client.Get(path);
  if (!res) {
    std::fprintf(stderr, "zpipe-web-bench: GET %s: %s\n", path.c_str(),
                 httplib::to_string(res.error()).c_str());
    return std::nullopt;
  }
  if (res->status != 200) {
    std::fprintf(stderr, "zpipe-web-bench: GET %s: %d %s\n", path.c_str(), res->status,
                 res->body.c_str());
    return std::nullopt;
  }
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  if (body.is_discarded()) {
    std::fprintf(stderr, "zpipe-web-bench: GET %s: not JSON\n", path.c_str());
    return std::nullopt;
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// The event flood

// Publishes events into a hub's events-in as a program of one's own does: an XPUB that waits
// for the hub's subscription before its first send. XPUB_NODROP: a full queue toward the hub
// makes a send fail (and the bench wait) instead of losing the event unseen, so that what is
// counted as published did leave this process.
class EventFlood {
 public:
  struct Published {
    std::uint64_t events = 0;
    Clock::time_point start, end;
  };

  explicit EventFlood(const std::string& events_in) : context_(1), out_(context_, ZMQ_XPUB) {
    out_.set(zmq::sockopt::sndhwm, 100'000);
    out_.set(zmq::sockopt::xpub_nodrop, 1);
    out_.set(zmq::sockopt::linger, 0);
    out_.connect(events_in);
    zmq::pollitem_t items[] = {{out_.handle(), 0, ZMQ_POLLIN, 0}};
    zmq::message_t subscription;
    if (zmq::poll(items, 1, 5s) == 0 || !out_.recv(subscription) || subscription.size() < 1 ||
        subscription.data<char>()[0] != 1) {
      throw std::runtime_error("the event hub did not subscribe at " + events_in + " within 5 s");
    }
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    event_.name = "job.failed";
    event_.source = "web-bench " + std::string(host) + ":" + std::to_string(::getpid());
    event_.fields = {{"type", "bench"},
                     {"queue", "default"},
                     {"attempt", "1"},
                     {"ms", "1"},
                     {"us", "1000"},
                     {"code", "handler_error"},
                     {"error", "failed on request"}};
  }

  // Sends events at `rate` a second for `length`, in steps of a millisecond's worth.
  Published run(double rate, std::chrono::duration<double> length) {
    Published published;
    published.start = Clock::now();
    const auto end = published.start + std::chrono::duration_cast<Clock::duration>(length);
    for (auto now = published.start; now < end; now = Clock::now()) {
      const auto due = static_cast<std::uint64_t>(
          std::chrono::duration<double>(now - published.start).count() * rate);
      while (published.events < due && send(published.events + 1)) ++published.events;
      std::this_thread::sleep_for(100us);
    }
    published.end = Clock::now();
    return published;
  }

 private:
  // One event, encoded as every component encodes its own; false when the queue is full.
  bool send(std::uint64_t seq) {
    event_.seq = seq;
    event_.time_ms = unix_now_ms();
    event_.fields["job"] = "bench-" + std::to_string(seq);
    const auto body = zpipe::encode(event_);
    // Both frames or neither: a message's first frame decides whether it fits.
    if (!out_.send(zmq::buffer(event_.name),
                   zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      return false;
    }
    out_.send(zmq::buffer(body), zmq::send_flags::none);
    return true;
  }

  zmq::context_t context_;
  zmq::socket_t out_;
  zpipe::Event event_;
};

// Reads zpipe-web's SSE stream on a thread of its own and notes when each `live` message came.
class SseWatch {
 public:
  explicit SseWatch(const WebRun& web) : client_(web.client()) {
    thread_ = std::thread([this] {
      client_.Get("/api/events", [this](const char* data, std::size_t size) {
        buffer_.append(data, size);
        for (auto end = buffer_.find("\n\n"); end != std::string::npos;
             end = buffer_.find("\n\n")) {
          if (buffer_.starts_with("event: live\n")) {
            std::lock_guard lock(mutex_);
            arrivals_.push_back(Clock::now());
          }
          buffer_.erase(0, end + 2);
        }
        return !stop_;
      });
    });
  }
  ~SseWatch() { stop(); }

  void stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    client_.stop();
    thread_.join();
  }
  std::vector<Clock::time_point> arrivals() const {
    std::lock_guard lock(mutex_);
    return arrivals_;
  }

 private:
  httplib::Client client_;
  std::atomic<bool> stop_{false};
  std::string buffer_;  // the reading thread's
  mutable std::mutex mutex_;
  std::vector<Clock::time_point> arrivals_;
  std::thread thread_;
};

// Asks GET /api/status every `interval` on a thread of its own, timing each answer.
class StatusPoll {
 public:
  struct Sample {
    Clock::time_point at;
    double ms = 0;
    bool ok = false;
  };

  StatusPoll(const WebRun& web, std::chrono::milliseconds interval) : client_(web.client()) {
    thread_ = std::thread([this, interval] {
      for (auto next = Clock::now(); !stop_; next += interval) {
        std::this_thread::sleep_until(next);
        const auto at = Clock::now();
        const bool ok = get_json(client_, "/api/status").has_value();
        std::lock_guard lock(mutex_);
        samples_.push_back({at, ms_between(at, Clock::now()), ok});
      }
    });
  }
  ~StatusPoll() { stop(); }

  void stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    thread_.join();
  }
  std::vector<Sample> samples() const {
    std::lock_guard lock(mutex_);
    return samples_;
  }

 private:
  httplib::Client client_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<Sample> samples_;
  std::thread thread_;
};

// What /api/status's `live` says of the events zpipe-web has followed.
struct LiveCounts {
  std::uint64_t seen = 0, missed = 0;
};

std::optional<LiveCounts> live_counts(const WebRun& web) {
  auto client = web.client();
  const auto status = get_json(client, "/api/status");
  if (!status || !(*status)["live"].is_object()) return std::nullopt;
  const auto& live = (*status)["live"];
  return LiveCounts{live["events_seen"].get<std::uint64_t>(),
                    live["missed_events"].get<std::uint64_t>()};
}

bool run_flood(const Options& options, const std::filesystem::path& dir) {
  zpipe::LocalPipelineConfig config;
  config.port_base = zpipe::free_consecutive_ports(6);
  config.workers = 0;
  config.data_dir = dir / "flood-data";
  config.log_level = "warn";
  config.log_file = dir / "flood-pipeline.log";
  zpipe::LocalPipeline pipeline(config);
  const auto& endpoints = pipeline.endpoints();
  WebRun web({config.data_dir, endpoints.submit, endpoints.events_out, dir / "flood-web"});

  // Ready when its live view has heard the hub (the ventilator's state comes every second).
  std::optional<LiveCounts> before;
  for (const auto give_up = Clock::now() + 15s; !(before = live_counts(web)) || before->seen == 0;
       std::this_thread::sleep_for(100ms)) {
    if (Clock::now() > give_up) {
      std::fprintf(stderr, "zpipe-web-bench: zpipe-web heard no event from the hub in 15 s\n");
      return false;
    }
  }
  const auto idle_rss = zpipe::bench::resident_bytes(web.pid());

  EventFlood flood(endpoints.events_in);
  SseWatch sse(web);
  StatusPoll poll(web, 100ms);
  std::this_thread::sleep_for(1500ms);  // the stream's first messages, before the flood
  before = live_counts(web);
  if (!before) return false;
  const auto web_cpu = zpipe::bench::cpu_seconds(web.pid());
  const auto ventilator_cpu = zpipe::bench::cpu_seconds(pipeline.ventilator_pid());
  const auto published = flood.run(options.rate, std::chrono::duration<double>(options.seconds));
  const auto web_cpu_used = zpipe::bench::cpu_seconds(web.pid()) - web_cpu;
  const auto ventilator_cpu_used =
      zpipe::bench::cpu_seconds(pipeline.ventilator_pid()) - ventilator_cpu;
  // What was queued on the way arrives, and the next digests count it.
  std::this_thread::sleep_for(3s);
  poll.stop();
  sse.stop();
  const auto after = live_counts(web);
  const auto peak_rss = zpipe::bench::peak_resident_bytes(web.pid());
  if (const auto ended = web.exited(); !ended.empty()) {
    std::fprintf(stderr, "zpipe-web-bench: %s\n", ended.c_str());
    return false;
  }
  if (!after) return false;

  const double flood_s = ms_between(published.start, published.end) / 1000;
  // The intervals between `live` messages that lie at least partly in the flood; one still
  // open when the watch stopped counts up to then.
  const auto arrivals = sse.arrivals();
  const auto watch_end = published.end + 3s;
  std::vector<double> intervals_s;
  for (std::size_t i = 0; i < arrivals.size(); ++i) {
    const auto from = arrivals[i];
    const auto to = i + 1 < arrivals.size() ? arrivals[i + 1] : watch_end;
    if (to > published.start && from < published.end)
      intervals_s.push_back(ms_between(from, to) / 1000);
  }
  std::vector<double> status_ms;
  std::size_t status_failed = 0;
  for (const auto& s : poll.samples()) {
    if (s.at < published.start || s.at > published.end) continue;
    status_ms.push_back(s.ms);
    if (!s.ok) ++status_failed;
  }
  const auto seen = after->seen - before->seen;
  const auto missed = after->missed - before->missed;

  std::printf(
      "\nevent flood: job.failed events into the hub's events-in at %.0f a second for %.0f s\n",
      options.rate, options.seconds);
  std::printf("  %-24s %llu events in %.2f s: %.0f a second (target %.0f)\n", "published",
              static_cast<unsigned long long>(published.events), flood_s,
              static_cast<double>(published.events) / flood_s, options.rate);
  std::printf(
      "  %-24s %llu events_seen (%.1f%% of those published; the programs' own state "
      "events too), %llu missed_events\n",
      "seen by zpipe-web", static_cast<unsigned long long>(seen),
      published.events ? 100.0 * static_cast<double>(seen) / static_cast<double>(published.events)
                       : 0.0,
      static_cast<unsigned long long>(missed));
  const auto sse_p99 = percentile(intervals_s, 0.99);
  std::printf(
      "  %-24s p50 %.2f s, p99 %.2f s, max %.2f s (%zu intervals): target p99 <= %.1f s: %s\n",
      "SSE live intervals", percentile(intervals_s, 0.5), sse_p99,
      intervals_s.empty() ? 0.0 : *std::max_element(intervals_s.begin(), intervals_s.end()),
      intervals_s.size(), kSseIntervalTargetS,
      verdict(!intervals_s.empty() && sse_p99 <= kSseIntervalTargetS));
  const auto status_p99 = percentile(status_ms, 0.99);
  std::printf(
      "  %-24s p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu requests, %zu failed): target "
      "p99 <= %.0f ms: %s\n",
      "GET /api/status", percentile(status_ms, 0.5), status_p99,
      status_ms.empty() ? 0.0 : *std::max_element(status_ms.begin(), status_ms.end()),
      status_ms.size(), status_failed, kStatusTargetMs,
      verdict(!status_ms.empty() && status_failed == 0 && status_p99 <= kStatusTargetMs));
  std::printf(
      "  %-24s %.2f s of CPU in %.2f s: %.0f%% of a core (the ventilator, its hub: %.0f%%)\n",
      "zpipe-web CPU", web_cpu_used, flood_s, 100 * web_cpu_used / flood_s,
      100 * ventilator_cpu_used / flood_s);
  std::printf("  %-24s %.1f MiB resident idle, %.1f MiB at its peak (VmHWM)\n", "zpipe-web memory",
              mib(idle_rss), mib(peak_rss));
  return !intervals_s.empty() && !status_ms.empty() && status_failed == 0 && published.events > 0;
}

// ---------------------------------------------------------------------------------------------
// Pages over HTTP

// GET /api/jobs pages, at most one request per kRequestSpacing, timed and checked: a 200 with
// at most `limit` jobs, each matching the filter, newest first.
class PageReader {
 public:
  struct Page {
    double ms = 0;
    std::size_t jobs = 0;
    std::optional<std::string> next;
  };
  using Check = std::function<bool(const nlohmann::json& job)>;

  explicit PageReader(const WebRun& web) : client_(web.client()) {}

  std::optional<Page> get(const std::string& query, const Check& check) {
    std::this_thread::sleep_until(last_ + kRequestSpacing);
    last_ = Clock::now();
    const auto path = "/api/jobs" + query;
    const auto body = get_json(client_, path);
    Page page{ms_between(last_, Clock::now()), 0, std::nullopt};
    if (!body || !(*body)["jobs"].is_array()) return fail(path, "no jobs in the answer");
    const auto& jobs = (*body)["jobs"];
    if (jobs.empty() || jobs.size() > zpipe::kJobPageDefaultLimit) {
      return fail(path, std::to_string(jobs.size()) + " jobs");
    }
    std::uint64_t last_row_ms = UINT64_MAX;
    for (const auto& job : jobs) {
      if (!check(job)) return fail(path, "job " + job.dump() + " is not of this page");
      // Newest first: rows are added as jobs are recorded.
      if (job["recorded_ms"].get<std::uint64_t>() > last_row_ms) {
        return fail(path, "not newest first at " + job["id"].get<std::string>());
      }
      last_row_ms = job["recorded_ms"].get<std::uint64_t>();
      if (job.contains("now")) ++with_now_;
    }
    page.jobs = jobs.size();
    if ((*body)["next"].is_string()) page.next = (*body)["next"].get<std::string>();
    return page;
  }

  bool ok() const { return ok_; }
  std::uint64_t with_now() const { return with_now_; }

 private:
  std::optional<Page> fail(const std::string& path, const std::string& why) {
    std::fprintf(stderr, "zpipe-web-bench: GET %s: %s\n", path.c_str(), why.c_str());
    ok_ = false;
    return std::nullopt;
  }

  httplib::Client client_;
  Clock::time_point last_{};
  bool ok_ = true;
  std::uint64_t with_now_ = 0;
};

struct PageRow {
  const char* name;
  std::string query;  // "?type=thumbnail", "" for none
  PageReader::Check check;
  // 0: the same page (the query's first) `requests` times; else this many cursors followed
  // untimed first, then that page `requests` times. walk: pages 1 .. `requests` of the filter.
  int cursors = 0;
  bool walk = false;
};

std::string with_param(const std::string& query, const std::string& param) {
  return query + (query.empty() ? "?" : "&") + param;
}

// Times each row's requests; one table line each. False when a page was wrong or missing.
bool time_pages(const WebRun& web, const std::vector<PageRow>& rows, int requests,
                const char* setting) {
  PageReader reader(web);
  std::printf("\n  zpipe-web with %s; ms a page of 50 (target %.0f), %d requests a row:\n", setting,
              kPageTargetMs, requests);
  std::printf("    %-34s %8s %8s  %s\n", "request", "p50", "max", "verdict");
  for (const auto& row : rows) {
    std::vector<double> ms;
    std::string query = row.query;
    for (int i = 0; i < row.cursors; ++i) {
      const auto page = reader.get(query, row.check);
      if (!page || !page->next) return false;
      query = with_param(row.query, "before=" + *page->next);
    }
    for (int i = 0; i < requests; ++i) {
      const auto page = reader.get(query, row.check);
      if (!page) return false;
      ms.push_back(page->ms);
      if (row.walk) {
        if (!page->next) break;
        query = with_param(row.query, "before=" + *page->next);
      }
    }
    const auto max = *std::max_element(ms.begin(), ms.end());
    std::printf("    %-34s %8.1f %8.1f  %s%s\n", row.name, percentile(ms, 0.5), max,
                verdict(max <= kPageTargetMs),
                static_cast<int>(ms.size()) < requests ? " (fewer pages)" : "");
  }
  std::printf("    jobs listed with a `now`: %llu\n",
              static_cast<unsigned long long>(reader.with_now()));
  return reader.ok();
}

bool run_pages(const Options& options, const std::filesystem::path& dir) {
  const auto data_dir = options.store_dir.empty() ? dir / "pages-data" : options.store_dir;
  const auto store_path = zpipe::outcome_store_path(data_dir);
  if (!std::filesystem::exists(store_path)) {
    std::filesystem::create_directories(data_dir);
    const auto start = Clock::now();
    if (!zpipe::bench::fill_jobs_store(store_path, options.jobs, unix_now_ms())) return false;
    std::printf("\nfilled %s with %llu jobs in %.1f s\n", store_path.c_str(),
                static_cast<unsigned long long>(options.jobs),
                ms_between(start, Clock::now()) / 1000);
  }
  std::uint64_t first_ms = 0;
  {
    // The day the store holds begins at its first row.
    zpipe::OutcomeStore store(store_path, zpipe::OutcomeStore::Access::kReadOnly);
    zpipe::JobPageQuery oldest;
    oldest.before = 2;
    oldest.limit = 1;
    first_ms = store.page(oldest).value().jobs.at(0).stored.recorded_ms;
    std::printf("\npages over HTTP: GET /api/jobs on a store of %lld jobs\n",
                static_cast<long long>(store.last_row().value()));
  }
  const auto from = first_ms + 12 * zpipe::bench::kHourMs;
  const auto to = from + zpipe::bench::kHourMs;
  const auto any = [](const nlohmann::json&) { return true; };
  const auto field_is = [](const char* field, const char* value) {
    return [field, value](const nlohmann::json& job) { return job[field] == value; };
  };
  const std::vector<PageRow> rows{
      {"first page", "", any},
      {"page 101 (after 100 cursors)", "", any, 100},
      {"type=thumbnail (pages 1..n)", "?type=thumbnail", field_is("type", "thumbnail"), 0, true},
      {"status=dead (pages 1..n)", "?status=dead", field_is("status", "failed"), 0, true},
      {"queue=low (pages 1..n)", "?queue=low", field_is("queue", "low"), 0, true},
      {"from..to, an hour (pages 1..n)",
       "?from=" + std::to_string(from) + "&to=" + std::to_string(to),
       [from, to](const nlohmann::json& job) {
         const auto at = job["recorded_ms"].get<std::uint64_t>();
         return at >= from && at <= to;
       },
       0, true},
  };

  bool ok = true;
  {
    // Nothing listens where the ventilator and the hub would be.
    const auto ports = zpipe::free_tcp_ports(2);
    WebRun web({data_dir, "tcp://127.0.0.1:" + std::to_string(ports[0]),
                "tcp://127.0.0.1:" + std::to_string(ports[1]), dir / "pages-web-alone"});
    ok = time_pages(web, rows, options.requests,
                    "no ventilator (pages from the moment it serves)") &&
         ok;
  }
  {
    // A ventilator of its own pipeline: it answers each page's question of where its jobs are
    // now, and holds none of them.
    zpipe::LocalPipelineConfig config;
    config.port_base = zpipe::free_consecutive_ports(6);
    config.workers = 0;
    config.data_dir = dir / "pages-pipeline";
    config.log_level = "warn";
    config.log_file = dir / "pages-pipeline.log";
    zpipe::LocalPipeline pipeline(config);
    WebRun web({data_dir, pipeline.endpoints().submit, pipeline.endpoints().events_out,
                dir / "pages-web"});
    ok = time_pages(web, rows, options.requests, "a ventilator running") && ok;
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(
      "What issue 19 promises of zpipe-web under load: an event flood and pages of a "
      "million jobs, over HTTP, with the real programs");
  Options options;
  app.add_option("--rate", options.rate, "Events a second in the flood")->capture_default_str();
  app.add_option("--seconds", options.seconds, "Length of the flood")->capture_default_str();
  app.add_option("--jobs", options.jobs, "Jobs in the store, recorded over one day")
      ->capture_default_str();
  app.add_option("--requests", options.requests, "Requests a row of the pages' table")
      ->capture_default_str();
  app.add_option("--part", options.part, "What to measure: flood, pages or all")
      ->check(CLI::IsMember({"flood", "pages", "all"}))
      ->capture_default_str();
  app.add_option("--store-dir", options.store_dir,
                 "Read the pages from the store in this data directory (filled first when it has "
                 "none), and keep it");
  app.add_flag("--smoke", options.smoke,
               "Seconds: 10,000 events a second for 2 s, 20,000 jobs (the test suite runs this)");
  CLI11_PARSE(app, argc, argv);
  if (options.smoke) {
    options.rate = 10'000;
    options.seconds = 2;
    options.jobs = 20'000;
    options.requests = 10;
  }

  const auto dir = make_temp_dir();
  bool ok = true;
  try {
    if (options.part != "pages") ok = run_flood(options, dir) && ok;
    if (options.part != "flood") ok = run_pages(options, dir) && ok;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "zpipe-web-bench: %s\n", e.what());
    ok = false;
  }
  if (ok) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  } else {
    std::fprintf(stderr, "zpipe-web-bench: the programs' logs are in %s\n", dir.c_str());
  }
  return ok ? 0 : 1;
}
