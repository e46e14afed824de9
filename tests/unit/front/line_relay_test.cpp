#include "front/line_relay.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"
#include "tests/support/up_on_free_ports.hpp"

namespace zpipe {
namespace {

using namespace std::chrono_literals;

void say(int fd, const std::string& text) {
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

class LineRelayTest : public ::testing::Test {
 protected:
  int open_out() { return ::open(out_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644); }
  test::TempDir dir_;
  std::filesystem::path out_ = dir_.path() / "out.log";
};

// Two programs writing pieces of lines in turn: each line comes out whole.
TEST_F(LineRelayTest, LinesOfTwoProgramsNeverMix) {
  int a = -1, b = -1;
  {
    LineRelay relay(open_out(), true);
    // Copies that stand for the children's ends (the relay closes its own at start()).
    a = ::dup(relay.add_source());
    b = ::dup(relay.add_source());
    relay.start();
    say(a, "ventilator: bind");
    say(b, "sink: rea");
    std::this_thread::sleep_for(50ms);  // the halves reach the relay apart
    say(b, "dy\nsink: second\n");
    say(a, "ing failed\n");
    ::close(a);
    ::close(b);
    EXPECT_EQ(relay.last_line(0, 5s), "ventilator: binding failed");
    EXPECT_EQ(relay.last_line(1, 5s), "sink: second");
  }
  // In whatever order the two programs' lines were taken, each is whole.
  auto text = test::text_of(out_);
  std::vector<std::string> lines;
  for (std::size_t at = 0, end; (end = text.find('\n', at)) != std::string::npos; at = end + 1) {
    lines.push_back(text.substr(at, end - at));
  }
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines,
            (std::vector<std::string>{"sink: ready", "sink: second", "ventilator: binding failed"}))
      << text;
}

TEST_F(LineRelayTest, ALastLineWithoutANewlineEndsWithOneWhenItsProgramEnds) {
  {
    LineRelay relay(open_out(), true);
    const int a = ::dup(relay.add_source());
    relay.start();
    say(a, "first\ncannot bind tcp://127.0.0.1:5570");
    ::close(a);
    EXPECT_EQ(relay.last_line(0, 5s), "cannot bind tcp://127.0.0.1:5570");
  }
  EXPECT_EQ(test::text_of(out_), "first\ncannot bind tcp://127.0.0.1:5570\n");
}

// Stopped while a program still holds its end: what it wrote so far is written.
TEST_F(LineRelayTest, StoppingWritesWhatWasWritten) {
  int a = -1;
  {
    LineRelay relay(open_out(), true);
    a = ::dup(relay.add_source());
    relay.start();
    say(a, "one\ntwo");
    EXPECT_EQ(relay.last_line(0, 200ms), "one") << "still running: its last whole line";
  }
  ::close(a);
  EXPECT_EQ(test::text_of(out_), "one\ntwo\n");
}

}  // namespace
}  // namespace zpipe
