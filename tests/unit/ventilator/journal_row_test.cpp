#include "ventilator/journal_row.hpp"

#include <gtest/gtest.h>

#include "common/protocol.hpp"

namespace zpipe {
namespace {

JournalRow valid_row() {
  JournalRow row;
  row.row = 7;
  row.id = "a-1";
  row.type = "echo";
  row.payload = Payload::parse_json(R"({"msg":"hi"})").value().msgpack();
  row.attempt = 2;
  row.max_attempts = 3;
  row.attempts_per_round = 3;
  row.timeout_ms = 5000;
  row.created_ms = 1234;
  row.due_ms = 99'000;
  return row;
}

ErrorCode refusal_of(const JournalRow& row) {
  const auto restored = restore_job(row);
  EXPECT_FALSE(restored.ok());
  return restored.ok() ? ErrorCode::kMalformed : restored.error().code;
}

TEST(JournalRow, RestoresEveryField) {
  const auto restored = restore_job(valid_row());
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  const auto& t = restored.value();
  EXPECT_EQ(t.journal_row, 7);
  EXPECT_EQ(t.job.to_job(),
            (Job{"a-1", "echo", Payload::parse_json(R"({"msg":"hi"})").value(), 2, 3, 5000, 1234}));
  EXPECT_EQ(t.attempts_per_round, 3u);
  EXPECT_EQ(t.due_ms, 99'000u);
}

// Found by fuzz/journal_row_fuzzer.cpp (fuzz/regressions/journal_row/timeout_negative): a
// negative time limit became a huge one that every worker refuses, so the job would have gone
// out again at every time limit and never run.
TEST(JournalRow, RefusesATimeLimitAWorkerWouldRefuse) {
  auto row = valid_row();
  row.timeout_ms = -1;
  EXPECT_EQ(refusal_of(row), ErrorCode::kInvalid);
  row.timeout_ms = static_cast<std::int64_t>(DecodeLimits{}.max_timeout_ms) + 1;
  EXPECT_EQ(refusal_of(row), ErrorCode::kInvalid);
  row.timeout_ms = static_cast<std::int64_t>(DecodeLimits{}.max_timeout_ms);
  EXPECT_TRUE(restore_job(row).ok());
}

TEST(JournalRow, RefusesRowsWithoutIdOrType) {
  auto row = valid_row();
  row.id.clear();
  EXPECT_EQ(refusal_of(row), ErrorCode::kInvalid);
  row = valid_row();
  row.type.clear();
  EXPECT_EQ(refusal_of(row), ErrorCode::kInvalid);
}

TEST(JournalRow, RefusesAttemptCountsOutOfRange) {
  for (const std::int64_t count : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1} << 32}) {
    auto row = valid_row();
    row.attempt = count;
    EXPECT_EQ(refusal_of(row), ErrorCode::kInvalid) << "attempt " << count;
    row = valid_row();
    row.max_attempts = count;
    EXPECT_EQ(refusal_of(row), ErrorCode::kInvalid) << "max_attempts " << count;
    row = valid_row();
    row.attempts_per_round = count;
    EXPECT_EQ(refusal_of(row), ErrorCode::kInvalid) << "attempts_per_round " << count;
  }
}

TEST(JournalRow, RefusesNegativeTimes) {
  auto row = valid_row();
  row.created_ms = -5;
  EXPECT_EQ(refusal_of(row), ErrorCode::kInvalid);
  row = valid_row();
  row.due_ms = -5;
  EXPECT_EQ(refusal_of(row), ErrorCode::kInvalid);
}

// A payload no worker would decode (over the limits, an ext value, not one value) becomes nil,
// as one that is not msgpack at all always did: the job still runs to an outcome. The array
// header claiming 2^32-1 elements once made the journal's check try to allocate 128 GiB.
TEST(JournalRow, APayloadAWorkerWouldRefuseBecomesNil) {
  std::string deep(40, '\x91');  // 40 nested arrays: over the depth limit of 32
  deep += '\x01';
  for (const auto& payload :
       {std::string("\xdd\xff\xff\xff\xff", 5), deep, std::string("\xd4\x01\x00", 3),
        std::string("\x92\x01", 2), std::string()}) {
    auto row = valid_row();
    row.payload = payload;
    const auto restored = restore_job(row);
    ASSERT_TRUE(restored.ok());
    EXPECT_TRUE(restored.value().job.payload.is_nil());
  }
}

TEST(JournalRow, ARestoredJobIsOneAWorkerAccepts) {
  auto row = valid_row();
  row.payload = std::string("\xcc\x05", 2);  // 5 in a longer form than msgpack-c writes
  const auto restored = restore_job(row);
  ASSERT_TRUE(restored.ok());
  const auto job = restored.value().job.to_job();
  const auto sent = decode(encode(job));
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_EQ(std::get<Job>(sent.value()), job);
}

}  // namespace
}  // namespace zpipe
