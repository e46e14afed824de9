#include "front/worker_table.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<WorkerSummary> two_workers() {
  return {WorkerSummary{"a-worker-with-a-rather-long-name-indeed", "vm:4410", "silent", 2, 1, 7, 0,
                        12'500, 600'000, 1000},
          WorkerSummary{"vm:4327", "", "busy", 4, 3, 120, 5, 400, 3'600'000, 1000}};
}

TEST(WorkerTable, ShowsEachWorkerWithItsStateSlotsJobsAndAges) {
  const auto lines = lines_of(worker_table(two_workers(), TerminalStyle{std::nullopt, false}));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind("WORKER", 0), 0u);
  EXPECT_NE(lines[0].find("STATE      SLOTS  HELD     SENT CREDIT     HEARD CONNECTED"),
            std::string::npos);
  EXPECT_NE(lines[1].find("a-worker-with-a-rather-long-name-indeed (vm:4410) silent 12s"),
            std::string::npos)
      << "not cut without a terminal: " << lines[1];
  EXPECT_NE(lines[2].find("busy           4     3      120      5  0.4s ago   60m ago"),
            std::string::npos)
      << lines[2];
  EXPECT_EQ(workers_total(two_workers()), "2 workers, 6 slots, 4 jobs held, 1 silent");
}

TEST(WorkerTable, FitsEightyColumns) {
  for (const auto& line : lines_of(worker_table(two_workers(), TerminalStyle{80, false}))) {
    EXPECT_LE(line.size(), 80u) << line;
  }
  const auto lines = lines_of(worker_table(two_workers(), TerminalStyle{200, false}));
  EXPECT_NE(lines[1].find("(vm:4410)"), std::string::npos) << "whole at 200 columns";
}

TEST(WorkerTable, ColoursStatesOnAColourTerminal) {
  const auto table = worker_table(two_workers(), TerminalStyle{200, true});
  EXPECT_NE(table.find("\x1b[31msilent 12s"), std::string::npos) << table;  // red
  EXPECT_NE(table.find("\x1b[32mbusy"), std::string::npos) << table;        // green
}

TEST(WorkerTable, SaysUnderAWorkerTheTypesAndQueuesItTakes) {
  auto workers = two_workers();
  workers[1].types = {"word_count", "thumbnail"};
  workers[1].queues = {"critical:6", "default:3"};
  const auto lines = lines_of(worker_table(workers, TerminalStyle{std::nullopt, false}));
  ASSERT_EQ(lines.size(), 4u) << "a line more for the worker that narrows what it takes";
  EXPECT_EQ(lines[3], "  types word_count, thumbnail; queues critical:6, default:3");
  workers[1].types.clear();
  const auto queues_only = lines_of(worker_table(workers, TerminalStyle{std::nullopt, false}));
  EXPECT_EQ(queues_only.at(3), "  queues critical:6, default:3");
  workers[1].types.assign(20, "a_rather_long_type");
  const auto fitted = lines_of(worker_table(workers, TerminalStyle{80, false}));
  for (const auto& line : fitted) EXPECT_LE(line.size(), 80u) << line;
  EXPECT_EQ(fitted.at(3).rfind("  types a_rather_long_type, ", 0), 0u) << fitted.at(3);
}

}  // namespace
}  // namespace zpipe
