#include "bench/pipeline_run.hpp"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "bench/recorded_watch.hpp"
#include "common/curve_keys.hpp"
#include "common/endpoints.hpp"
#include "common/follow_ups.hpp"
#include "common/outcome_store.hpp"
#include "common/protocol.hpp"
#include "common/socket.hpp"
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
  if (!config.malloc_count_library.empty()) {
    // Inherited by the programs started now, and by nothing started later.
    malloc_count_dir_ = dir_ / "allocations";
    std::filesystem::create_directories(malloc_count_dir_);
    ::setenv("LD_PRELOAD", config.malloc_count_library.c_str(), 1);
    ::setenv("ZPIPE_MALLOC_COUNT_DIR", malloc_count_dir_.c_str(), 1);
  }
  try {
    pipeline_ = std::make_unique<LocalPipeline>(pipeline);
  } catch (...) {
    ::unsetenv("LD_PRELOAD");
    ::unsetenv("ZPIPE_MALLOC_COUNT_DIR");
    throw;
  }
  ::unsetenv("LD_PRELOAD");
  ::unsetenv("ZPIPE_MALLOC_COUNT_DIR");
  client_config_ = ClientConfig::to(pipeline_->endpoints().submit, std::chrono::seconds(30));
  client_config_.curve = client_curve;
  client_ = std::make_unique<Client>(client_config_);
}

std::uint64_t PipelineRun::allocations_of(int pid) const {
  if (malloc_count_dir_.empty()) return 0;
  std::ifstream file(malloc_count_dir_ / std::to_string(pid), std::ios::binary);
  std::uint64_t count = 0;
  file.read(reinterpret_cast<char*>(&count), sizeof count);
  return count;
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

namespace {

// `read` of each program, the workers' summed.
template <class Totals, class Read>
Totals per_program(const LocalPipeline& pipeline, Read read) {
  Totals totals;
  totals.ventilator = read(pipeline.ventilator_pid());
  totals.sink = read(pipeline.sink_pid());
  for (std::size_t i = 0; i < pipeline.worker_count(); ++i) {
    totals.workers += read(pipeline.worker_pid(i));
  }
  return totals;
}

}  // namespace

PipelineRun::CpuSeconds PipelineRun::cpu_now() const {
  return per_program<CpuSeconds>(*pipeline_, cpu_seconds);
}

PipelineRun::CpuSeconds PipelineRun::CpuSeconds::operator-(const CpuSeconds& before) const {
  return CpuSeconds{ventilator - before.ventilator, sink - before.sink, workers - before.workers};
}

PipelineRun::Allocations PipelineRun::Allocations::operator-(const Allocations& before) const {
  return Allocations{ventilator - before.ventilator, sink - before.sink, workers - before.workers};
}

double PipelineRun::throughput(std::uint64_t jobs) {
  const auto allocations_now = [&] {
    return per_program<Allocations>(*pipeline_, [this](int pid) { return allocations_of(pid); });
  };
  const auto cpu_before = cpu_now();
  const auto allocations_before = allocations_now();
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
  last_cpu_ = cpu_after - cpu_before;
  const auto allocations_after = allocations_now();
  last_allocations_ = allocations_after - allocations_before;
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

namespace {

// One producer of latency_poisson(): jobs due at Poisson times, each sent when due as a submit of
// its own on a DEALER socket, without waiting for the replies of those before (a web server
// submits from many requests at once). Replies are read between sends.
struct PoissonProducer {
  std::vector<std::pair<std::string, std::int64_t>> due;  // job id, when it was due (steady ns)
  std::string error;

  void run(const std::string& endpoint, std::uint64_t jobs, double per_second, std::uint64_t seed,
           std::int64_t start_ns) {
    zmq::context_t context(1);
    SocketOptions options;
    options.linger_ms = 0;
    auto socket = make_socket(context, zmq::socket_type::dealer, options);
    connect_endpoint(socket, endpoint, "ventilator", {});
    std::mt19937_64 random(seed);
    std::exponential_distribution<double> gap_s(per_second);
    std::vector<std::int64_t> due_of_req;  // by req - 1
    due_of_req.reserve(jobs);
    due.reserve(jobs);
    std::vector<JobSpec> one{echo_job()};
    double due_s = 0;
    std::int64_t next_due = start_ns;
    auto read_replies = [&](int timeout_ms) {
      zmq::pollitem_t items[] = {{socket.handle(), 0, ZMQ_POLLIN, 0}};
      if (zmq::poll(items, 1, std::chrono::milliseconds(timeout_ms)) == 0) return;
      zmq::message_t reply;
      while (socket.recv(reply, zmq::recv_flags::dontwait)) {
        auto decoded = decode(reply.to_string_view(), DecodeLimits{});
        if (!decoded.ok()) throw std::runtime_error("bad reply: " + decoded.error().message);
        const auto* accepted = std::get_if<SubmitAccepted>(&decoded.value());
        if (accepted == nullptr || accepted->req == 0 || accepted->req > due_of_req.size() ||
            accepted->ids.size() != 1) {
          throw std::runtime_error("the ventilator did not accept a job: " +
                                   std::string(kind_name(decoded.value())));
        }
        due.emplace_back(accepted->ids.front(), due_of_req[accepted->req - 1]);
      }
    };
    for (std::uint64_t sent = 0; sent < jobs;) {
      if (steady_now_ns() >= next_due) {
        due_of_req.push_back(next_due);
        (void)socket.send(zmq::buffer(encode(SubmitRequest{++sent, one, ""})),
                          zmq::send_flags::none);
        due_s += gap_s(random);
        next_due = start_ns + static_cast<std::int64_t>(due_s * 1e9);
        continue;
      }
      // Replies while waiting for the next job: poll when it is a millisecond away or more,
      // else sleep to its time (zmq::poll counts whole milliseconds).
      const auto wait_ns = next_due - steady_now_ns();
      if (wait_ns >= 1'000'000) {
        read_replies(static_cast<int>(wait_ns / 1'000'000));
      } else {
        read_replies(0);
        const timespec at{static_cast<time_t>(next_due / 1'000'000'000), next_due % 1'000'000'000};
        while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) == EINTR) {
        }
      }
    }
    const auto give_up = steady_now_ns() + 30'000'000'000;
    while (due.size() < jobs && steady_now_ns() < give_up) read_replies(100);
    if (due.size() < jobs) throw std::runtime_error("no reply to some submits within 30 s");
  }
};

}  // namespace

std::vector<std::int64_t> PipelineRun::latency_poisson(std::uint64_t jobs, double per_second,
                                                       int producers, double* offered_per_second,
                                                       PoissonStages* stages) {
  // The steady clock's time against the wall clock's, to read the store's recorded_ms against.
  const auto start = steady_now_ns() + 50'000'000;  // every producer connected by then
  const auto start_unix_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count() +
                             (start - steady_now_ns()) / 1000;
  const auto cpu_before = cpu_now();
  std::vector<PoissonProducer> sent(static_cast<std::size_t>(producers));
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    const auto n = static_cast<std::uint64_t>(p);
    const auto count = static_cast<std::uint64_t>(producers);
    const auto share = jobs / count + (n < jobs % count ? 1 : 0);
    threads.emplace_back([&, p, share] {
      auto& mine = sent[static_cast<std::size_t>(p)];
      try {
        mine.run(pipeline_->endpoints().submit, share, per_second / producers,
                 static_cast<std::uint64_t>(p) + 1, start);
      } catch (const std::exception& e) {
        mine.error = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  last_cpu_ = cpu_now() - cpu_before;  // until the last reply: nearly every job is recorded by then
  std::int64_t last_due = start;
  for (const auto& mine : sent) {
    if (!mine.error.empty()) throw std::runtime_error("a producer stopped: " + mine.error);
    for (const auto& entry : mine.due) last_due = std::max(last_due, entry.second);
  }
  *offered_per_second = static_cast<double>(jobs) / (static_cast<double>(last_due - start) / 1e9);
  // When each was recorded: the sink's recorded_ms (its wall clock, in ms, taken as it commits),
  // read once all are in, so that reading the store does not load the machine while it runs.
  const auto path = outcome_store_path(dir_ / "data");
  OutcomeStore store(path, OutcomeStore::Access::kReadOnly);
  std::vector<std::int64_t> samples;
  samples.reserve(jobs);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (const auto& mine : sent) {
    for (const auto& [id, due] : mine.due) {
      std::optional<StoredOutcome> found;
      while (!(found = must(store.find(id), "find"))) {
        if (std::chrono::steady_clock::now() > give_up) {
          throw std::runtime_error("job " + id + " was not recorded within a minute");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      const auto due_unix_us = start_unix_us + (due - start) / 1000;
      if (stages != nullptr) {
        const auto& o = found->outcome;
        const auto ms = [](std::uint64_t v) { return static_cast<std::int64_t>(v) * 1'000'000; };
        stages->accepted.push_back(ms(o.created_ms) + 500'000 - due_unix_us * 1000);
        stages->started.push_back(ms(o.started_ms) - ms(o.created_ms));
        stages->finished.push_back(ms(o.finished_ms) - ms(o.started_ms));
        stages->recorded.push_back(ms(found->recorded_ms) - ms(o.finished_ms));
      }
      // recorded_ms is the start of its millisecond: count from its middle.
      const auto recorded_us = static_cast<std::int64_t>(found->recorded_ms) * 1000 + 500;
      samples.push_back((recorded_us - due_unix_us) * 1000);
    }
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
