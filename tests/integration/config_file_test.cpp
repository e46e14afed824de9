// The programs run from --config files: the example files of packaging/etc/zpipe/ parse (and
// print back to themselves), every --help says how a file and flags go together, and a whole
// pipeline started from config files alone runs jobs.
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "client/client.hpp"
#include "common/endpoints.hpp"
#include "common/outcome_store.hpp"
#include "front/child_process.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/up_on_free_ports.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(ConfigFiles, EachExampleFileParsesAndItsPrintedSettingsReadBackTheSame) {
  TempDir dir;
  for (const std::string name : {"ventilator", "sink", "worker", "web"}) {
    const auto example = std::string(ZPIPE_EXAMPLE_CONFIG_DIR) + "/" + name + ".conf";
    const auto printed =
        run_program({program("zpipe-" + name), "--config", example, "--print-config"}, 30s);
    ASSERT_EQ(printed.exit_code, 0) << name << ": " << printed.err;
    // A setting of the file, not a default, in what it printed.
    const auto setting =
        name == "worker" ? "\nconcurrency = 4\n" : "\ndata-dir = \"/var/lib/zpipe\"\n";
    EXPECT_NE(printed.out.find(setting), std::string::npos) << name << ":\n" << printed.out;

    const auto copy = dir.path() / (name + ".conf");
    write_file(copy, printed.out);
    const auto again =
        run_program({program("zpipe-" + name), "--config", copy.string(), "--print-config"}, 30s);
    ASSERT_EQ(again.exit_code, 0) << name << ": " << again.err;
    EXPECT_EQ(again.out, printed.out) << name;
  }
}

TEST(ConfigFiles, EveryHelpSaysThatFlagsOverrideTheFile) {
  const std::vector<std::vector<std::string>> commands{
      {program("zpipe-ventilator")}, {program("zpipe-sink")},
      {program("zpipe-worker")},     {program("zpipe-web")},
      {program("zpipe-monitor")},    {program("zpipe-monitor"), "tail"},
      {program("zpipe"), "up"},      {program("zpipe"), "status"},
      {program("zpipe"), "submit"}};
  for (auto argv : commands) {
    argv.push_back("--help");
    const auto help = run_program(argv, 30s);
    EXPECT_EQ(help.exit_code, 0) << argv[0];
    EXPECT_NE(help.out.find("--config FILE"), std::string::npos) << argv[0] << help.out;
    EXPECT_NE(help.out.find("the keys being the long flags without '--'"), std::string::npos)
        << argv[0];
    EXPECT_NE(help.out.find("Flags given here override the file"), std::string::npos) << argv[0];
    EXPECT_NE(help.out.find("--print-config"), std::string::npos) << argv[0];
  }
}

TEST(ConfigFiles, AMisspeltKeyStopsAProgramBeforeItStarts) {
  TempDir dir;
  const auto file = dir.path() / "worker.conf";
  write_file(file, "concurrency = 2\nisolated = true\n");
  const auto run = run_program({program("zpipe-worker"), "--config", file.string()}, 30s);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "zpipe-worker: " + file.string() +
                         " line 2: unknown key \"isolated\"; did you mean \"isolate\"?\n"
                         "The keys are the long flags without '--': run 'zpipe-worker --help' "
                         "for them.\n");
}

TEST(ConfigFiles, UpAndTheClientCommandsTakeTheirFlagsFromAFile) {
  TempDir dir;
  const auto up_file = dir.path() / "up.conf";
  write_file(up_file,
             "workers = 3\nisolate = true\nlimit = [\"echo=5/s\", \"exec=concurrency:2\"]\n");
  const auto up = run_program(
      {program("zpipe"), "up", "--config", up_file.string(), "--print-config", "-c", "2"}, 30s);
  ASSERT_EQ(up.exit_code, 0) << up.err;
  for (const auto* line : {"\nworkers = 3\n", "\nconcurrency = 2\n", "\nisolate = true\n",
                           "\nlimit = [\"echo=5/s\", \"exec=concurrency:2\"]\n"}) {
    EXPECT_NE(up.out.find(line), std::string::npos) << line << " in:\n" << up.out;
  }

  // A producer host's file: where the ventilator is (here: nothing answers there) and how long
  // to wait, for every command that talks to it.
  const auto client_file = dir.path() / "client.conf";
  const auto nowhere = "ipc://" + (dir.path() / "nothing-here.ipc").string();
  write_file(client_file, "ventilator = \"" + nowhere + "\"\nwait = 0.2\n");
  const auto status =
      run_program({program("zpipe"), "status", "--config", client_file.string()}, 30s);
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_NE(status.err.find(nowhere), std::string::npos) << status.err;
  const auto submit = run_program(
      {program("zpipe"), "submit", "--config", client_file.string(), "echo", "--arg", "a=1"}, 30s);
  EXPECT_EQ(submit.exit_code, 1);
  EXPECT_NE(submit.err.find(nowhere), std::string::npos) << submit.err;
}

// The endpoint a program logged after `after` ("submit on tcp://127.0.0.1:41234 ...").
std::string logged_endpoint(const std::string& log, const std::string& after) {
  const auto at = log.find(after);
  if (at == std::string::npos) return "";
  const auto start = at + after.size();
  return log.substr(start, log.find_first_of(" ,\n", start) - start);
}

// Starts `name` with `--config FILE` alone, its stderr in DIR/NAME.log; waits for "ready".
std::optional<ChildProcess> start_from_config(const std::filesystem::path& dir,
                                              const std::string& name) {
  const auto log = dir / (name + ".log");
  ChildProcess child({program("zpipe-" + name), "--config", (dir / (name + ".conf")).string()},
                     ChildOptions{dir / (name + ".out"), log, {}});
  const bool ready = wait_until(
      [&] { return text_of(log).find(": ready") != std::string::npos || child.has_exited(); }, 20s);
  if (!ready || child.has_exited()) {
    ADD_FAILURE() << name << " did not become ready; its log:\n" << text_of(log);
    return std::nullopt;
  }
  return child;
}

TEST(ConfigFiles, APipelineStartedFromConfigFilesAloneRunsJobs) {
  TempDir dir;
  const auto data_dir = (dir.path() / "data").string();
  const auto outcomes = "ipc://" + (dir.path() / "outcomes.ipc").string();
  // The ventilator binds ports the kernel picks and logs them: none is chosen here and then
  // taken by another test before it binds.
  write_file(dir.path() / "ventilator.conf",
             "# the ventilator of this test\n"
             "data-dir = \"" +
                 data_dir +
                 "\"\n"
                 "submit = \"tcp://127.0.0.1:*\"\n"
                 "jobs = \"tcp://127.0.0.1:*\"\n"
                 "acks = \"tcp://127.0.0.1:*\"\n"
                 "events-in = \"tcp://127.0.0.1:*\"\n"
                 "events-out = \"tcp://127.0.0.1:*\"\n"
                 "outcomes-to = \"" +
                 outcomes +
                 "\"\n"
                 "max-attempts = [\"1\", \"sleep=2\"]\n"
                 "limit = [\"sleep=concurrency:1\"]\n");
  auto ventilator = start_from_config(dir.path(), "ventilator");
  ASSERT_TRUE(ventilator.has_value());
  const auto log = text_of(dir.path() / "ventilator.log");
  const auto submit = logged_endpoint(log, "submit on ");
  const auto jobs = logged_endpoint(log, "jobs on ");
  const auto acks = logged_endpoint(log, "acks on ");
  const auto events_in = logged_endpoint(log, "components publish to ");
  ASSERT_FALSE(submit.empty() || jobs.empty() || acks.empty() || events_in.empty()) << log;

  write_file(dir.path() / "sink.conf", "data-dir = \"" + data_dir + "\"\noutcomes = \"" + outcomes +
                                           "\"\nacks-to = \"" + acks + "\"\nevents-to = \"" +
                                           events_in + "\"\n");
  auto sink = start_from_config(dir.path(), "sink");
  ASSERT_TRUE(sink.has_value());
  // Isolated: every job runs in a process of the worker's own program and arguments, which
  // reads the same file.
  write_file(dir.path() / "worker.conf", "jobs-from = \"" + jobs + "\"\noutcomes-to = \"" +
                                             outcomes + "\"\nevents-to = \"" + events_in +
                                             "\"\n"
                                             "concurrency = 2\n"
                                             "isolate = true\n"
                                             "types = [\"echo\", \"sleep\"]\n"
                                             "name = \"configured worker\"\n");
  auto worker = start_from_config(dir.path(), "worker");
  ASSERT_TRUE(worker.has_value());
  // Each job's process runs with the settings the worker started with, not with the file as it
  // is now: a file broken since (an edit before a restart) does not fail the jobs.
  write_file(dir.path() / "worker.conf", "concurency = 2\n");

  Client client(ClientConfig::to(submit, 10s));
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    const auto id = client.submit(JobSpec{"echo", Payload::from_json({{"n", i}}), 0, 0});
    ASSERT_TRUE(id.ok()) << id.error().message;
    ids.push_back(id.value());
  }
  const bool finished = wait_until(
      [&] {
        const auto status = client.status();
        return status.ok() && status.value().succeeded + status.value().dead >= ids.size();
      },
      30s, 50ms);
  ASSERT_TRUE(finished) << text_of(dir.path() / "worker.log");

  OutcomeStore store(outcome_store_path(data_dir), OutcomeStore::Access::kReadOnly);
  for (const auto& id : ids) {
    const auto found = store.find(id);
    ASSERT_TRUE(found.ok() && found.value().has_value()) << id;
    const auto& outcome = found.value()->outcome;
    EXPECT_TRUE(outcome.succeeded()) << id << ": " << outcome.error;
    EXPECT_EQ(outcome.worker, "configured worker");
    const auto attempts = store.attempts(id);
    ASSERT_TRUE(attempts.ok() && attempts.value().size() == 1u) << id;
    EXPECT_GT(attempts.value()[0].max_rss_kb, 0u) << "an isolated job records its peak memory";
  }

  for (auto* child : {&*worker, &*sink, &*ventilator}) {
    const int status = child->stop(20s);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << child->name() << " " << describe_wait_status(status);
  }
}

}  // namespace
}  // namespace zpipe::test
