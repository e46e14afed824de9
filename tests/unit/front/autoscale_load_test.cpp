#include "front/autoscale_load.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

WorkerSummary worker(std::string name, std::string state, std::uint64_t slots, std::uint64_t held,
                     std::vector<std::string> types = {}) {
  WorkerSummary w;
  w.name = std::move(name);
  w.state = std::move(state);
  w.slots = slots;
  w.held = held;
  w.types = std::move(types);
  return w;
}

StatusReply status_of_two_types() {
  StatusReply status;
  status.counts.pending = 30;
  status.counts.in_flight = 6;
  status.counts.succeeded = 100;
  status.counts.failed = 5;
  status.counts.cancelled = 1;
  status.by_type = {{"thumbnail", 10, 4, 0, 70, 2}, {"mail", 20, 2, 0, 30, 0}};
  return status;
}

TEST(AutoscaleLoad, CountsEveryJobAndTellsOwnWorkersFromOthers) {
  const std::vector<WorkerSummary> workers{
      worker("web1:100", "busy", 2, 4),  // own, holding 2 beyond its slots
      worker("web1:101", "idle", 2, 0),  // own
      worker("web2:100", "busy", 1, 1),  // the same pid on another host
      worker("web1:102", "silent", 1, 1),
  };
  const auto load = measure_load(status_of_two_types(), workers, {100, 101, 102}, "web1", {}, {});
  EXPECT_EQ(load.sample.finished, 106u);
  EXPECT_EQ(load.sample.work, 36u);
  EXPECT_EQ(load.sample.waiting, 32u) << "30 pending and 2 held beyond a worker's slots";
  EXPECT_EQ(load.sample.own_connected, 2) << "a silent worker is not counted";
  EXPECT_EQ(load.sample.other_workers, 1);
  EXPECT_EQ(load.busy_own, (std::set<pid_t>{100}));
}

TEST(AutoscaleLoad, ANamedWorkerIsKnownByItsProcess) {
  auto named = worker("thumbs-1", "busy", 1, 1);
  named.process = "web1:100";
  const auto load = measure_load(status_of_two_types(), {named}, {100}, "web1", {}, {});
  EXPECT_EQ(load.sample.own_connected, 1);
  EXPECT_EQ(load.busy_own, (std::set<pid_t>{100}));
}

TEST(AutoscaleLoad, OnlyTheTypesTheWorkersTakeCount) {
  const std::vector<WorkerSummary> workers{
      worker("web1:100", "busy", 1, 1, {"thumbnail"}),
      worker("web2:7", "busy", 8, 8, {"mail"}),  // another host's mail worker: not ours to help
      worker("web3:7", "idle", 1, 0),            // takes any type, thumbnails too
  };
  const auto load = measure_load(status_of_two_types(), workers, {100}, "web1", {"thumbnail"}, {});
  EXPECT_EQ(load.sample.work, 14u);
  EXPECT_EQ(load.sample.waiting, 10u);
  EXPECT_EQ(load.sample.finished, 72u) << "succeeded and dead thumbnails";
  EXPECT_EQ(load.sample.own_connected, 1);
  EXPECT_EQ(load.sample.other_workers, 1);
}

}  // namespace
}  // namespace zpipe
