#include "bench/pipeline_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "bench/recorded_watch.hpp"
#include "common/curve_keys.hpp"
#include "common/endpoints.hpp"
#include "common/follow_ups.hpp"
#include "common/outcome_store.hpp"
#include "front/free_ports.hpp"

namespace zpipe::bench {
namespace {

constexpr std::size_t kBatch = 1000;

JobSpec echo_job(std::size_t payload_bytes = 64) {
  // 64 bytes of payload by default, as in the bare chain (a msgpack string's header is 2 to 5).
  const auto header = payload_bytes < 34      ? 1
                      : payload_bytes < 258   ? 2
                      : payload_bytes < 65540 ? 3
                                              : 5;
  return JobSpec{
      "echo", Payload::from_json(nlohmann::json(std::string(payload_bytes - header, 'p'))), 0, 0};
}

// A batch's callback: an echo job whose payload (a map) gets the batch's counts.
JobSpec report_job() { return JobSpec{"echo", Payload::from_json({{"report", "bench"}}), 0, 0}; }

std::filesystem::path make_temp_dir() {
  auto pattern = (std::filesystem::temp_directory_path() / "zpipe-speed-bench.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make a temp folder");
  return pattern;
}

template <class T>
T must(Result<T> result, const char* what) {
  if (!result.ok()) throw std::runtime_error(std::string(what) + ": " + result.error().message);
  return std::move(result.value());
}

// Keys for the ventilator and sink (one pair, "server"), the workers and this producer; the
// servers trust the last two. Fills in the programs' flags and the client's setup.
CurveSetup add_curve_keys(const std::filesystem::path& dir, LocalPipelineConfig& config) {
  const auto keys = dir / "keys";
  const auto trust = dir / "trusted";
  std::filesystem::create_directories(keys);
  std::filesystem::create_directories(trust);
  std::map<std::string, CurveKeyPair> pairs;
  for (const char* name : {"server", "worker", "producer"}) {
    pairs[name] = generate_curve_key_pair();
    must(write_curve_key_files(keys, name, pairs[name], false), "writing keys");
    if (std::string(name) != "server") {
      std::filesystem::copy_file(keys / (std::string(name) + ".key"),
                                 trust / (std::string(name) + ".key"));
    }
  }
  const std::vector<std::string> server_flags{"--curve-secret", (keys / "server.key_secret"),
                                              "--curve-trust", trust.string()};
  config.ventilator_args.insert(config.ventilator_args.end(), server_flags.begin(),
                                server_flags.end());
  config.sink_args = server_flags;
  config.worker_args = {"--curve-secret", (keys / "worker.key_secret").string(),
                        "--curve-server-key", (keys / "server.key").string()};
  CurveSetup client;
  client.own = pairs["producer"];
  client.own_name = "producer";
  client.server_key = pairs["server"].public_key;
  return client;
}

}  // namespace

namespace {

// A "Vm...:  N kB" line of /proc/PID/status, in bytes.
std::uint64_t status_bytes(int pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::stoull(line.substr(field.size())) * 1024;
  }
  return 0;
}

}  // namespace

std::uint64_t resident_bytes(int pid) { return status_bytes(pid, "VmRSS:"); }

std::uint64_t peak_resident_bytes(int pid) { return status_bytes(pid, "VmHWM:"); }

PipelineRun::PipelineRun(const PipelineRunConfig& config) : dir_(make_temp_dir()) {
  LocalPipelineConfig pipeline;
  pipeline.port_base = free_consecutive_ports(6);
  pipeline.workers = config.workers;
  pipeline.concurrency = config.slots;
  pipeline.data_dir = dir_ / "data";
  pipeline.log_level = "warn";
  pipeline.log_file = dir_ / "pipeline.log";
  pipeline.ventilator_args = {"--durability", config.durability};
  CurveSetup client_curve;
  if (config.curve) client_curve = add_curve_keys(dir_, pipeline);
  pipeline.client_curve = client_curve;
  pipeline_ = std::make_unique<LocalPipeline>(pipeline);
  auto client = ClientConfig::to(pipeline_->endpoints().submit, std::chrono::seconds(30));
  client.curve = client_curve;
  client_ = std::make_unique<Client>(client);
}

PipelineRun::~PipelineRun() {
  client_.reset();
  pipeline_.reset();  // stops the programs
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void PipelineRun::submit_all(std::uint64_t jobs, std::size_t payload_bytes) {
  // Batches within the message limit.
  const auto per_batch = std::clamp<std::uint64_t>((512 << 10) / payload_bytes, 1, kBatch);
  const std::vector<JobSpec> batch(per_batch, echo_job(payload_bytes));
  for (std::uint64_t sent = 0; sent < jobs; sent += per_batch) {
    const auto size = static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(per_batch, jobs - sent));
    (void)must(client_->submit(std::vector<JobSpec>(batch.begin(), batch.begin() + size)),
               "submit");
  }
}

double cpu_seconds(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th
  // field of the line, stime the 15th.
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int n = 3; n <= 15 && rest >> field; ++n) {
    if (n >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double PipelineRun::throughput(std::uint64_t jobs) {
  const auto cpu_now = [&] {
    CpuSeconds cpu;
    cpu.ventilator = cpu_seconds(pipeline_->ventilator_pid());
    cpu.sink = cpu_seconds(pipeline_->sink_pid());
    for (std::size_t i = 0; i < pipeline_->worker_count(); ++i) {
      cpu.workers += cpu_seconds(pipeline_->worker_pid(i));
    }
    return cpu;
  };
  const auto cpu_before = cpu_now();
  const auto start = std::chrono::steady_clock::now();
  const auto before = must(client_->status(), "status").succeeded;
  submit_all(jobs);
  while (must(client_->status(), "status").succeeded < before + jobs) {
    if (auto exited = pipeline_->find_exited()) throw std::runtime_error(*exited);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto cpu_after = cpu_now();
  last_cpu_.ventilator = cpu_after.ventilator - cpu_before.ventilator;
  last_cpu_.sink = cpu_after.sink - cpu_before.sink;
  last_cpu_.workers = cpu_after.workers - cpu_before.workers;
  return seconds;
}

double PipelineRun::batch_throughput(std::uint64_t jobs) {
  const auto start = std::chrono::steady_clock::now();
  const auto before = must(client_->status(), "status").succeeded;
  const auto batch =
      must(client_->submit_batch(BatchOptions{"bench", report_job(), std::nullopt},
                                 std::vector<JobSpec>(static_cast<std::size_t>(jobs), echo_job())),
           "submit_batch");
  while (must(client_->status(), "status").succeeded < before + jobs + 1) {
    if (auto exited = pipeline_->find_exited()) throw std::runtime_error(*exited);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::vector<std::int64_t> PipelineRun::callback_latency_ms(std::uint64_t batches,
                                                           std::uint64_t jobs) {
  // The sink makes its store when it starts: it may not have yet.
  const auto path = outcome_store_path(dir_ / "data");
  while (!std::filesystem::exists(path)) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  OutcomeStore store(path, OutcomeStore::Access::kReadOnly);
  std::vector<std::int64_t> samples;
  for (std::uint64_t b = 0; b < batches; ++b) {
    const auto batch = must(
        client_->submit_batch(BatchOptions{"latency", report_job(), std::nullopt},
                              std::vector<JobSpec>(static_cast<std::size_t>(jobs), echo_job())),
        "submit_batch");
    const auto callback = batch_callback_id(batch.id, false);
    std::optional<StoredOutcome> found;
    while (!(found = must(store.find(callback), "find"))) {
      if (auto exited = pipeline_->find_exited()) throw std::runtime_error(*exited);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::uint64_t last_end = 0;
    for (const auto& id : batch.job_ids) {
      const auto job = must(store.find(id), "find");
      if (job) last_end = std::max(last_end, job->outcome.finished_ms);
    }
    samples.push_back(static_cast<std::int64_t>(found->outcome.started_ms) -
                      static_cast<std::int64_t>(last_end));
  }
  return samples;
}

std::vector<std::int64_t> PipelineRun::latency_one_in_flight(std::uint64_t jobs) {
  RecordedWatch watch(dir_ / "data");
  std::vector<std::int64_t> samples;
  samples.reserve(jobs);
  const auto job = echo_job();
  for (std::uint64_t n = 0; n < jobs; ++n) {
    const auto start = steady_now_ns();
    const auto id = must(client_->submit(job), "submit");
    bool recorded = false;
    while (!recorded) {
      const auto seen = watch.next(std::chrono::seconds(30));
      if (seen.empty()) throw std::runtime_error("job " + id + " was not recorded within 30 s");
      for (const auto& s : seen) {
        if (s.id != id) continue;
        samples.push_back(s.at_ns - start);
        recorded = true;
      }
    }
  }
  return samples;
}

std::vector<std::int64_t> PipelineRun::latency_at_rate(std::uint64_t jobs, double per_second) {
  RecordedWatch watch(dir_ / "data");
  std::map<std::string, std::int64_t> recorded_at;
  std::thread watcher([&] {
    const auto give_up =
        std::chrono::steady_clock::now() + std::chrono::seconds(60) +
        std::chrono::seconds(static_cast<long>(static_cast<double>(jobs) / per_second));
    while (recorded_at.size() < jobs && std::chrono::steady_clock::now() < give_up) {
      for (auto& seen : watch.next(std::chrono::milliseconds(100))) {
        recorded_at.emplace(std::move(seen.id), seen.at_ns);
      }
    }
  });
  std::map<std::string, std::int64_t> submitted_at;
  const auto job = echo_job();
  const auto start = steady_now_ns();
  for (std::uint64_t sent = 0; sent < jobs;) {
    const auto due =
        static_cast<std::uint64_t>(static_cast<double>(steady_now_ns() - start) / 1e9 * per_second);
    if (due > sent) {
      const auto size = std::min(due, jobs) - sent;
      const auto at = steady_now_ns();
      for (auto& id : must(client_->submit(std::vector<JobSpec>(size, job)), "submit")) {
        submitted_at.emplace(std::move(id), at);
      }
      sent += size;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  watcher.join();
  std::vector<std::int64_t> samples;
  samples.reserve(jobs);
  for (const auto& [id, at] : submitted_at) {
    const auto recorded = recorded_at.find(id);
    if (recorded == recorded_at.end()) throw std::runtime_error("job " + id + " was not recorded");
    samples.push_back(recorded->second - at);
  }
  return samples;
}

std::uint64_t PipelineRun::ventilator_rss_with_pending(std::uint64_t jobs,
                                                       std::size_t payload_bytes) {
  submit_all(jobs, payload_bytes);
  return resident_bytes(pipeline_->ventilator_pid());
}

std::uint64_t PipelineRun::worker_rss() { return resident_bytes(pipeline_->worker_pid(0)); }

}  // namespace zpipe::bench
