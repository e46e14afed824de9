#include "ventilator/ending_log.hpp"

#include <map>
#include <random>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

EndingLog::Ending ended(std::uint32_t attempt, bool succeeded = true) {
  return EndingLog::Ending{attempt, 3, succeeded, false};
}

const auto kIgnore = [](std::string_view, const EndingLog::Ending&) {};

TEST(EndingLog, FindsWhatItRemembersAndForgetsTheOldestPastItsCapacity) {
  EndingLog log(4);
  std::vector<std::string> forgotten;
  const auto note = [&](std::string_view id, const EndingLog::Ending&) {
    forgotten.emplace_back(id);
  };
  for (const char* id : {"p-1", "p-2", "p-3", "p-4"}) log.remember(id, ended(1), note);
  EXPECT_TRUE(forgotten.empty());
  ASSERT_NE(log.find("p-1"), nullptr);
  log.remember("p-5", ended(2, false), note);
  EXPECT_EQ(forgotten, (std::vector<std::string>{"p-1"}));
  EXPECT_EQ(log.find("p-1"), nullptr) << "the oldest made room";
  ASSERT_NE(log.find("p-5"), nullptr);
  EXPECT_EQ(log.find("p-5")->attempt, 2u);
  EXPECT_FALSE(log.find("p-5")->succeeded);
  EXPECT_EQ(log.size(), 4u);
}

TEST(EndingLog, ALaterEndingOfTheSameIdReplacesTheEarlierOne) {
  EndingLog log(4);
  log.remember("a", ended(1, false), kIgnore);
  log.remember("a", ended(2, true), kIgnore);
  ASSERT_NE(log.find("a"), nullptr);
  EXPECT_EQ(log.find("a")->attempt, 2u);
  EXPECT_TRUE(log.find("a")->succeeded);
  EXPECT_EQ(log.size(), 1u);
}

TEST(EndingLog, ForgetsOnRequest) {
  EndingLog log(8);
  log.remember("a", ended(1), kIgnore);
  log.remember("b", ended(1), kIgnore);
  log.forget("a");
  log.forget("never-there");
  EXPECT_EQ(log.find("a"), nullptr);
  EXPECT_NE(log.find("b"), nullptr);
  EXPECT_EQ(log.size(), 1u);
}

// Against a plain map and a queue (what it replaced), over many random remembers and forgets of
// ids that collide in its index: every id is found exactly when the model has it.
TEST(EndingLog, AgreesWithASimpleModelOverManyOperations) {
  constexpr std::size_t kCapacity = 64;
  EndingLog log(kCapacity);
  std::map<std::string, std::uint32_t> model;  // id -> attempt
  std::vector<std::string> order;              // oldest first, ids as remembered
  std::mt19937 random(7);
  for (std::uint32_t n = 1; n <= 20'000; ++n) {
    const auto id = "job-" + std::to_string(random() % 200);
    if (random() % 5 == 0) {
      log.forget(id);
      model.erase(id);
      std::erase(order, id);
    } else {
      log.remember(id, ended(n), [&](std::string_view gone, const EndingLog::Ending& ending) {
        ASSERT_FALSE(order.empty());
        EXPECT_EQ(gone, order.front()) << "the oldest goes first";
        EXPECT_EQ(ending.attempt, model.at(std::string(gone)));
        model.erase(std::string(gone));
        order.erase(order.begin());
      });
      std::erase(order, id);
      model[id] = n;
      order.push_back(id);
    }
    ASSERT_EQ(log.size(), model.size());
    if (n % 97 == 0) {
      for (std::size_t i = 0; i < 200; ++i) {
        const auto probe = "job-" + std::to_string(i);
        const auto* found = log.find(probe);
        const auto expected = model.find(probe);
        ASSERT_EQ(found != nullptr, expected != model.end()) << probe << " after " << n;
        if (found != nullptr) {
          EXPECT_EQ(found->attempt, expected->second);
        }
      }
    }
  }
}

}  // namespace
}  // namespace zpipe
