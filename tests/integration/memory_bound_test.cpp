// A flood of 1 MB jobs from four producers at once, with no worker to take them: the ventilator
// keeps their payloads in its journal, not in memory, and without a journal refuses them as busy
// at --max-backlog-bytes. Once an adversarial pass took it to 3.2 GB in 39 s this way.
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_pipeline.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

// Under a sanitizer the programs keep freed memory in quarantine and pad every allocation:
// their resident size then says nothing of zpipe's, and only the refusals are checked.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kResidentSizeIsZpipes = false;
#else
constexpr bool kResidentSizeIsZpipes = true;
#endif

constexpr std::size_t kProducers = 4;
constexpr std::size_t kPayloadBytes = 1'000'000;

// The most the process has had resident, from /proc (VmHWM), in MiB.
std::uint64_t peak_resident_mib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) / 1024;
  }
  return 0;
}

struct Flood {
  std::size_t accepted = 0;
  std::size_t busy = 0;
  std::vector<std::string> other_errors;
};

// Each producer submits `per_producer` jobs of 1 MB, one per request, not waiting when busy.
Flood flood(const TestPipeline& pipeline, std::size_t per_producer) {
  std::vector<Flood> results(kProducers);
  std::vector<std::thread> producers;
  for (std::size_t p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      auto config = ClientConfig::to(pipeline.endpoints().submit, 30s);
      config.busy_wait = 0ms;
      Client client(config);
      const std::vector<JobSpec> job{
          JobSpec{"echo", Payload::from_json({{"blob", std::string(kPayloadBytes, 'x')}}), 0, 0}};
      for (std::size_t i = 0; i < per_producer; ++i) {
        const auto ids = client.submit(job);
        if (ids.ok()) {
          ++results[p].accepted;
        } else if (ids.error().code == ErrorCode::kBusy) {
          ++results[p].busy;
        } else {
          results[p].other_errors.push_back(ids.error().message);
        }
      }
    });
  }
  for (auto& producer : producers) producer.join();
  Flood total;
  for (const auto& r : results) {
    total.accepted += r.accepted;
    total.busy += r.busy;
    total.other_errors.insert(total.other_errors.end(), r.other_errors.begin(),
                              r.other_errors.end());
  }
  return total;
}

TEST(MemoryBound, LargePayloadsWaitInTheJournalNotInMemory) {
  TestPipeline pipeline(TestPipelineOptions(0, 1));
  const auto result = flood(pipeline, 100);  // 400 MB
  EXPECT_TRUE(result.other_errors.empty()) << result.other_errors.front();
  EXPECT_EQ(result.accepted, kProducers * 100);
  const auto peak = peak_resident_mib(pipeline.ventilator().pid());
  std::cout << "ventilator peak resident with 400 MB of jobs pending: " << peak << " MiB\n";
  if (kResidentSizeIsZpipes) {
    EXPECT_LT(peak, 150u) << "the payloads are on disk";
  }
  EXPECT_EQ(pipeline.client().status().value().pending, kProducers * 100);
  EXPECT_TRUE(pipeline.stop());
}

TEST(MemoryBound, WithoutAJournalTheBacklogIsBoundedInBytes) {
  TestPipelineOptions options(0, 1);
  options.ventilator_args = {"--durability", "none", "--max-backlog-bytes", "64MiB"};
  TestPipeline pipeline(options);
  const auto result = flood(pipeline, 100);  // 400 MB offered
  EXPECT_TRUE(result.other_errors.empty()) << result.other_errors.front();
  EXPECT_GT(result.busy, 0u);
  EXPECT_GE(result.accepted, 60u) << "about 64 MiB of them";
  EXPECT_LE(result.accepted, 70u);
  const auto peak = peak_resident_mib(pipeline.ventilator().pid());
  std::cout << "ventilator peak resident, 64 MiB limit, 400 MB offered: " << peak << " MiB\n";
  if (kResidentSizeIsZpipes) {
    EXPECT_LT(peak, 64u + kProducers * 16 + 60) << "the limit, each producer's queue, the rest";
  }
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
