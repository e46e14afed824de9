// Faults from outside: the files the sink and the ventilator write, removed or truncated under
// them while they run. Nothing is acknowledged after the change; the program says what happened
// and exits non-zero; a store that lost its contents is refused at the next start.
#include <sys/wait.h>

#include <filesystem>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/endpoints.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const JobSpec kEcho{"echo", Payload::from_json({{"n", 1}}), 0, 0};

std::vector<std::string> submit(Client& client, std::size_t count) {
  auto ids = client.submit(std::vector<JobSpec>(count, kEcho));
  EXPECT_TRUE(ids.ok()) << ids.error().message;
  return ids.ok() ? ids.value() : std::vector<std::string>{};
}

void remove_database(const fs::path& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
}

// Waits for `program` to end by itself; its exit code, or -1.
int exit_code_of(ChildProcess& program) {
  const auto status = program.wait_for(10s);
  if (!status || !WIFEXITED(*status)) return -1;
  return WEXITSTATUS(*status);
}

// Short time limits: the jobs whose outcomes a stopped sink never acknowledged go out again soon.
TestPipelineOptions quick_redispatch(int workers) {
  TestPipelineOptions options(workers, 2);
  options.ventilator_args = {"--default-timeout-ms", "2000", "--redispatch-grace", "1"};
  return options;
}

TEST(FilesUnderneath, AStoreRemovedUnderTheSinkStopsItBeforeAnyAckAndNoJobIsLost) {
  TestPipeline pipeline(quick_redispatch(1));
  auto client = pipeline.client();
  submit(client, 100);
  ASSERT_TRUE(pipeline.wait_for_finished(100, 30s));

  remove_database(outcome_store_path(pipeline.data_dir()));
  const auto ids = submit(client, 1000);
  ASSERT_EQ(ids.size(), 1000u);
  EXPECT_EQ(exit_code_of(pipeline.sink()), 1) << pipeline.log_of("sink");
  const auto log = pipeline.log_of("sink");
  EXPECT_NE(log.find("outcomes.db was removed while this program had it open; stopping without "
                     "acknowledging anything more"),
            std::string::npos)
      << log;
  // Not one outcome recorded into the removed file was acknowledged.
  auto counts = client.status();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts.value().succeeded, 100u);

  // A new sink starts a new store (the old one is gone: nothing there to refuse), and every
  // job goes out again and is recorded there once.
  pipeline.crash_and_restart_sink();
  ASSERT_TRUE(pipeline.wait_for_finished(1100, 60s)) << pipeline.log_of("ventilator");
  const auto rows = pipeline.store()->list({std::nullopt, "", 10'000}).value();
  std::set<std::string> recorded;
  for (const auto& row : rows) recorded.insert(row.outcome.id);
  EXPECT_EQ(recorded.size(), 1000u);
  for (const auto& id : ids) EXPECT_TRUE(recorded.contains(id)) << id;
  EXPECT_TRUE(pipeline.stop());
}

TEST(FilesUnderneath, AStoreTruncatedUnderTheSinkStopsItAndIsRefusedAtTheNextStart) {
  TestPipeline pipeline(quick_redispatch(1));
  const auto store = outcome_store_path(pipeline.data_dir());
  const auto empty_store = fs::file_size(store);  // its schema only
  auto client = pipeline.client();
  submit(client, 100);
  ASSERT_TRUE(pipeline.wait_for_finished(100, 30s));

  // Once the rows are copied from the log into the file (a checkpoint, within a second), the
  // truncation takes them: the next start must not make a new store over their loss.
  ASSERT_TRUE(wait_until([&] { return fs::file_size(store) > empty_store; }, 10s));
  fs::resize_file(store, 0);
  submit(client, 10);
  EXPECT_EQ(exit_code_of(pipeline.sink()), 1) << pipeline.log_of("sink");
  EXPECT_NE(pipeline.log_of("sink").find("outcomes.db shrank from "), std::string::npos)
      << pipeline.log_of("sink");
  auto counts = client.status();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts.value().succeeded, 100u) << "nothing acknowledged after the truncation";

  EXPECT_THROW(pipeline.crash_and_restart_sink(), std::runtime_error);
  EXPECT_NE(pipeline.log_of("sink").find("outcomes.db is empty (0 bytes): it was truncated, and "
                                         "the outcomes it held are gone"),
            std::string::npos)
      << pipeline.log_of("sink");
}

TEST(FilesUnderneath, AJournalRemovedUnderTheVentilatorStopsItSayingWhatIsLost) {
  TestPipeline pipeline(TestPipelineOptions(0));  // no workers: the jobs stay pending
  auto client = pipeline.client();
  ASSERT_EQ(submit(client, 1000).size(), 1000u);

  remove_database(journal_path(pipeline.data_dir()));
  // Confirmed to nobody: the ventilator stops at its next commit or check.
  Client quick(ClientConfig::to(pipeline.endpoints().submit, 2s));
  EXPECT_FALSE(quick.submit(kEcho).ok());
  EXPECT_EQ(exit_code_of(pipeline.ventilator()), 1) << pipeline.log_of("ventilator");
  const auto log = pipeline.log_of("ventilator");
  EXPECT_NE(log.find("journal.db was removed while this program had it open"), std::string::npos)
      << log;
  // 1000, or 1001 when the second submit was taken in before the commit that found the loss.
  EXPECT_TRUE(std::regex_search(
      log, std::regex("the 100[01] unfinished and 0 dead jobs it held are lost with it")))
      << log;
  EXPECT_EQ(log.find("stay in the journal"), std::string::npos) << log;
}

TEST(FilesUnderneath, AJournalTruncatedUnderTheVentilatorIsRefusedAtTheNextStart) {
  TestPipeline pipeline(TestPipelineOptions(0));
  const auto journal = journal_path(pipeline.data_dir());
  const auto empty_journal = fs::file_size(journal);  // its schema only
  auto client = pipeline.client();
  // Rows enough to need pages of their own: the checkpoint that copies them grows the file.
  ASSERT_EQ(submit(client, 1000).size(), 1000u);
  ASSERT_TRUE(wait_until([&] { return fs::file_size(journal) > empty_journal; }, 10s));
  fs::resize_file(journal, 0);
  EXPECT_EQ(exit_code_of(pipeline.ventilator()), 1) << pipeline.log_of("ventilator");
  EXPECT_NE(pipeline.log_of("ventilator").find("journal.db shrank from "), std::string::npos)
      << pipeline.log_of("ventilator");

  EXPECT_THROW(pipeline.crash_and_restart_ventilator(), std::runtime_error);
  EXPECT_NE(pipeline.log_of("ventilator")
                .find("journal.db is empty (0 bytes): it was truncated, and the jobs it held"),
            std::string::npos)
      << pipeline.log_of("ventilator");
}

}  // namespace
}  // namespace zpipe::test
