#include "front/outcome_table.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

constexpr std::int64_t kNow = 1'790'000'000'000;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

StoredOutcome failed_row(std::string error) {
  StoredOutcome row;
  row.outcome.id = "mx0qmj60-1";
  row.outcome.type = "fail";
  row.outcome.status = OutcomeStatus::kFailed;
  row.outcome.attempt = 3;
  row.outcome.max_attempts = 3;
  row.outcome.error_code = "handler_error";
  row.outcome.error = std::move(error);
  row.outcome.started_ms = static_cast<std::uint64_t>(kNow - 3 * 60'000 - 250);
  row.outcome.finished_ms = static_cast<std::uint64_t>(kNow - 3 * 60'000);
  return row;
}

TerminalStyle width(std::size_t columns) {
  TerminalStyle style;
  style.width = columns;
  return style;
}

const std::string kLongError(300, 'x');

TEST(OutcomeTable, ErrorsFillAWideTerminalAndNoMore) {
  for (std::size_t columns : {80u, 120u, 200u}) {
    const auto lines = lines_of(outcome_table({failed_row(kLongError)}, width(columns), kNow));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[1].size(), columns) << lines[1];
    EXPECT_EQ(lines[1].substr(lines[1].size() - 3), "...");
  }
}

TEST(OutcomeTable, ANarrowTerminalStillShowsSomeOfTheError) {
  const auto lines = lines_of(outcome_table({failed_row(kLongError)}, width(40), kNow));
  EXPECT_NE(lines[1].find("  handler_error: xx"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[1].substr(lines[1].size() - 3), "...");
}

TEST(OutcomeTable, NotATerminalGetsTheWholeError) {
  const auto lines = lines_of(outcome_table({failed_row(kLongError)}, TerminalStyle{}, kNow));
  EXPECT_NE(lines[1].find("handler_error: " + kLongError), std::string::npos);
  EXPECT_EQ(lines[1].find("..."), std::string::npos);
}

TEST(OutcomeTable, ShortErrorsAreNotCutAndFinishedSaysHowLongAgo) {
  const auto lines = lines_of(outcome_table({failed_row("boom\nsecond line")}, width(200), kNow));
  EXPECT_NE(lines[0].find("FINISHED"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("3m ago"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find(" 250 "), std::string::npos) << "running time: " << lines[1];
  const std::string error = "handler_error: boom second line";
  EXPECT_EQ(lines[1].substr(lines[1].size() - error.size()), error);
}

TEST(OutcomeTable, ColumnsLineUpUnderTheirHeadings) {
  auto other = failed_row("boom");
  other.outcome.id = "mx0qmj60-123456";
  other.outcome.type = "thumbnail";
  const auto lines = lines_of(outcome_table({failed_row("boom"), other}, width(100), kNow));
  for (const char* heading : {"TYPE", "STATUS", "FINISHED", "RESULT / ERROR"}) {
    const auto column = lines[0].find(heading);
    ASSERT_NE(column, std::string::npos) << heading;
    EXPECT_NE(lines[1][column], ' ') << heading << "\n" << lines[0] << "\n" << lines[1];
    EXPECT_EQ(lines[1][column - 1], ' ') << heading << "\n" << lines[0] << "\n" << lines[1];
    EXPECT_NE(lines[2][column], ' ') << heading << "\n" << lines[0] << "\n" << lines[2];
  }
}

TEST(OutcomeTable, StatesAreColouredOnlyWithColours) {
  auto succeeded = failed_row("");
  succeeded.outcome.status = OutcomeStatus::kSucceeded;
  auto style = width(120);
  const auto plain = outcome_table({failed_row("boom"), succeeded}, style, kNow);
  EXPECT_EQ(plain.find('\033'), std::string::npos);
  style.colour = true;
  const auto lines = lines_of(outcome_table({failed_row("boom"), succeeded}, style, kNow));
  EXPECT_NE(lines[1].find("\033[31mfailed   \033[0m"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("\033[32msucceeded\033[0m"), std::string::npos) << lines[2];
}

StoredOutcome cancelled_row() {
  auto row = failed_row("cancelled by alice@web1");
  row.outcome.status = OutcomeStatus::kCancelled;
  row.outcome.error_code = "cancelled";
  row.outcome.attempt = 1;
  return row;
}

TEST(OutcomeTable, ACancelledJobSaysWhoCancelledIt) {
  const auto lines = lines_of(outcome_table({cancelled_row()}, width(120), kNow));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[1].find(" cancelled "), std::string::npos) << lines[1];
  const std::string who = "  cancelled by alice@web1";
  EXPECT_EQ(lines[1].substr(lines[1].size() - who.size()), who) << lines[1];
  EXPECT_EQ(lines[1].find("cancelled: "), std::string::npos) << "no error code before it";
  EXPECT_NE(lines[1].find(" 250 "), std::string::npos) << "it ran 250 ms: " << lines[1];

  auto never_ran = cancelled_row();
  never_ran.outcome.started_ms = 0;  // the ventilator cancelled it before a worker had it
  const auto waiting = lines_of(outcome_table({never_ran}, width(120), kNow));
  const auto ms = waiting[0].find("    MS ");
  ASSERT_NE(ms, std::string::npos) << waiting[0];
  EXPECT_EQ(waiting[1].substr(ms, 7), "     - ") << waiting[1];
}

TEST(OutcomeTable, AQueueColumnOnlyWhenSomeJobIsNotInTheDefaultQueue) {
  auto in_default = failed_row("boom");
  in_default.outcome.queue = "default";
  auto unnamed = failed_row("boom");  // recorded without a queue: the default one
  const auto plain = lines_of(outcome_table({in_default, unnamed}, width(120), kNow));
  EXPECT_EQ(plain[0].find("QUEUE"), std::string::npos) << plain[0];

  auto critical = cancelled_row();
  critical.outcome.queue = "critical";
  auto long_error = failed_row(kLongError);
  long_error.outcome.queue = "low";
  const auto lines = lines_of(outcome_table({critical, unnamed, long_error}, width(120), kNow));
  const auto column = lines[0].find("QUEUE");
  ASSERT_NE(column, std::string::npos) << lines[0];
  EXPECT_EQ(lines[1].substr(column, 9), "critical ") << lines[1];
  EXPECT_EQ(lines[2].substr(column, 9), "default  ") << lines[2];
  for (const char* heading : {"STATUS", "RESULT / ERROR"}) {
    const auto at = lines[0].find(heading);
    EXPECT_NE(lines[1][at], ' ') << heading << "\n" << lines[0] << "\n" << lines[1];
    EXPECT_EQ(lines[1][at - 1], ' ') << heading << "\n" << lines[0] << "\n" << lines[1];
  }
  EXPECT_EQ(lines[3].size(), 120u) << "still fills the width, no more: " << lines[3];
}

TEST(AttemptsTable, ACancelledAttemptSaysWho) {
  auto attempt = cancelled_row().outcome;
  attempt.worker = "ventilator";
  const auto lines = lines_of(attempts_table({attempt}, width(150), kNow));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[2].find("cancelled "), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("ventilator"), std::string::npos) << lines[2];
  const std::string who = "  cancelled by alice@web1";
  EXPECT_EQ(lines[2].substr(lines[2].size() - who.size()), who) << lines[2];
}

TEST(OneLine, CutsWholeCharactersAndMarksTheCut) {
  EXPECT_EQ(one_line("short", 10), "short");
  EXPECT_EQ(one_line("exactly 10", 10), "exactly 10");
  EXPECT_EQ(one_line("eleven char", 10), "eleven ...");
  // "é" is two bytes: never cut in half.
  EXPECT_EQ(one_line("ééééééé", 6), "ééé...");
  EXPECT_EQ(one_line("a\tb\nc", 10), "a b c");
}

TEST(StateCell, ColoursEachKindOfState) {
  TerminalStyle style;
  style.colour = true;
  EXPECT_EQ(state_cell("dead", 5, style), "\033[31mdead \033[0m");
  EXPECT_EQ(state_cell("retrying", 0, style), "\033[33mretrying\033[0m");
  EXPECT_EQ(state_cell("pending", 0, style), "\033[33mpending\033[0m");
  EXPECT_EQ(state_cell("succeeded", 0, style), "\033[32msucceeded\033[0m");
  EXPECT_EQ(state_cell("dead", 5, TerminalStyle{}), "dead ");
}

TEST(AttemptsTable, ErrorsFillTheWidth) {
  auto attempt = failed_row(kLongError).outcome;
  const auto lines = lines_of(attempts_table({attempt}, width(150), kNow));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2].size(), 150u) << lines[2];
  EXPECT_NE(lines[2].find("3m ago"), std::string::npos) << lines[2];
}

TEST(ChildrenTable, ListsEachChildWithItsTypeAndStateUnderTheirHeadings) {
  const std::vector<JobChild> children{{"mx-1.1", "index", "succeeded"},
                                       {"mx-1.s1", "upload-to-the-archive-bucket", "pending"},
                                       {"mx-1.f1", "alert", "not recorded yet"}};
  EXPECT_EQ(children_table(children, TerminalStyle{}),
            "children\n"
            "  ID      TYPE             STATE\n"
            "  mx-1.1  index            succeeded\n"
            "  mx-1.s1 upload-to-the... pending\n"
            "  mx-1.f1 alert            not recorded yet\n");
  TerminalStyle style;
  style.colour = true;
  EXPECT_EQ(lines_of(children_table({children[0]}, style))[2],
            "  mx-1.1 index \033[32msucceeded\033[0m");
}

}  // namespace
}  // namespace zpipe
