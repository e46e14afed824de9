// TmuxSession: a program running in a real terminal of a given size (tmux, detached), whose
// screen a test reads back. The tmux server is private to the session and killed with it.
#pragma once

#include <string>
#include <vector>

namespace zpipe::test {

class TmuxSession {
 public:
  // Throws std::runtime_error when tmux cannot start the session.
  TmuxSession(const std::vector<std::string>& argv, int width, int height);
  ~TmuxSession();
  TmuxSession(const TmuxSession&) = delete;
  TmuxSession& operator=(const TmuxSession&) = delete;

  // The screen as text, one line per row.
  std::string screen() const;
  // tmux key names ("q", "C-c"), sent together.
  void send_keys(const std::vector<std::string>& keys) const;
  // The terminal's size as tmux reports it, "80x24".
  std::string size() const;

 private:
  std::string socket_;
};

}  // namespace zpipe::test
