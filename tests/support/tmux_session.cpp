#include "tests/support/tmux_session.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "tests/support/program_run.hpp"

namespace zpipe::test {
namespace {

std::atomic<int> g_sessions{0};

// One shell word: tmux runs the session's command through sh -c.
std::string quoted(const std::string& word) {
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

TmuxSession::TmuxSession(const std::vector<std::string>& argv, int width, int height)
    : socket_("zpipe-test-" + std::to_string(::getpid()) + "-" + std::to_string(g_sessions++)) {
  std::string command;
  for (const auto& word : argv) command += (command.empty() ? "" : " ") + quoted(word);
  const auto run =
      run_program({"tmux", "-L", socket_, "-f", "/dev/null", "new-session", "-d", "-s", "test",
                   "-x", std::to_string(width), "-y", std::to_string(height), command},
                  std::chrono::seconds(10));
  if (run.exit_code != 0) throw std::runtime_error("tmux new-session failed: " + run.err);
}

TmuxSession::~TmuxSession() {
  (void)run_program({"tmux", "-L", socket_, "kill-server"}, std::chrono::seconds(10));
}

std::string TmuxSession::screen() const {
  return run_program({"tmux", "-L", socket_, "capture-pane", "-p", "-t", "test"},
                     std::chrono::seconds(10))
      .out;
}

void TmuxSession::send_keys(const std::vector<std::string>& keys) const {
  std::vector<std::string> argv{"tmux", "-L", socket_, "send-keys", "-t", "test"};
  argv.insert(argv.end(), keys.begin(), keys.end());
  (void)run_program(argv, std::chrono::seconds(10));
}

std::string TmuxSession::size() const {
  auto out = run_program({"tmux", "-L", socket_, "display-message", "-p", "-t", "test",
                          "#{window_width}x#{window_height}"},
                         std::chrono::seconds(10))
                 .out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace zpipe::test
