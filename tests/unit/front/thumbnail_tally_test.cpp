#include "front/thumbnail_tally.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using namespace std::chrono_literals;

Outcome outcome_of(std::string id, std::string error_code, std::string error) {
  Outcome outcome;
  outcome.id = std::move(id);
  outcome.status = error_code.empty() ? OutcomeStatus::kSucceeded : OutcomeStatus::kFailed;
  outcome.error_code = std::move(error_code);
  outcome.error = std::move(error);
  return outcome;
}

TEST(ThumbnailTally, GroupsFailuresByTheirReasonWithoutTheFilesOwnPaths) {
  ThumbnailTally tally("/in");
  const auto start = ThumbnailTally::Clock::now();
  tally.submitted(4, start);
  tally.record(outcome_of("1", "", ""), {"/in/a.jpg", "/out/a.jpg"}, start + 1s);
  for (const char* name : {"b.jpg", "c.jpg"}) {
    const std::string image = std::string("/in/") + name;
    tally.record(outcome_of("x", "handler_error", "not a known file format '" + image + "'"),
                 {image, std::string("/out/") + name}, start + 2s);
  }
  EXPECT_EQ(tally.finished(), 3u);
  EXPECT_EQ(tally.failed(), 2u);
  EXPECT_EQ(tally.plain_line(), "  3/4 finished, 2 failed");
  const auto summary = tally.summary(5, {"d.jpg"}, 1);
  EXPECT_NE(summary.find("  done      1 in 2.00 s, 0.5 images/s\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("  skipped   5 (thumbnail up to date)\n"), std::string::npos);
  EXPECT_NE(summary.find("  left alone 1 (a file zpipe did not make"), std::string::npos);
  EXPECT_NE(summary.find("        d.jpg\n"), std::string::npos);
  EXPECT_NE(summary.find("    2 x handler_error: not a known file format\n        b.jpg\n"
                         "        c.jpg\n"),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find("  unfinished 1\n"), std::string::npos);
}

TEST(ThumbnailTally, ListsTenFilesOfAReasonAndCountsTheRest) {
  ThumbnailTally tally("/in");
  const auto now = ThumbnailTally::Clock::now();
  tally.submitted(12, now);
  for (int i = 0; i < 12; ++i) {
    const auto image = "/in/" + std::to_string(i) + ".jpg";
    tally.record(outcome_of(std::to_string(i), "timeout", "too slow"), {image, "/out/x.jpg"}, now);
  }
  const auto summary = tally.summary(0, {}, 0);
  EXPECT_NE(summary.find("    12 x timeout: too slow\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("        ... and 2 more\n"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("left alone"), std::string::npos);
  EXPECT_EQ(summary.find("unfinished"), std::string::npos);
}

TEST(ThumbnailTally, WithSeveralSizesCountsThumbnailsAndNamesEachFailuresSize) {
  ThumbnailTally tally("/in", /*several_sizes=*/true);
  const auto start = ThumbnailTally::Clock::now();
  tally.submitted(4, start);  // 2 images x 2 sizes
  tally.record(outcome_of("1", "", ""), {"/in/a.jpg", "/out/64/a.jpg", 64}, start + 1s);
  tally.record(outcome_of("2", "", ""), {"/in/a.jpg", "/out/128/a.jpg", 128}, start + 1s);
  tally.record(outcome_of("3", "handler_error", "broken"), {"/in/b.jpg", "/out/64/b.jpg", 64},
               start + 2s);
  tally.record(outcome_of("4", "handler_error", "broken"), {"/in/b.jpg", "/out/128/b.jpg", 128},
               start + 2s);
  EXPECT_EQ(tally.plain_line(), "  4/4 finished, 2 failed");
  const auto summary = tally.summary(0, {}, 0);
  EXPECT_NE(summary.find("  done      2 in 2.00 s, 1.0 thumbnails/s\n"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("    2 x handler_error: broken\n        b.jpg (64 px)\n"
                         "        b.jpg (128 px)\n"),
            std::string::npos)
      << summary;
}

}  // namespace
}  // namespace zpipe
