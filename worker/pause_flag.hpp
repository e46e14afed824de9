// PauseFlag: whether the worker should take jobs, switched by SIGUSR2 (pause) and SIGCONT
// (resume) once install_pause_signals() has run, or by set_paused() in tests. Its fd becomes
// readable on every switch, so that a poll loop notices at once.
#pragma once

#include <atomic>

namespace zpipe {

class PauseFlag {
 public:
  PauseFlag();
  ~PauseFlag();
  PauseFlag(const PauseFlag&) = delete;
  PauseFlag& operator=(const PauseFlag&) = delete;

  // Async-signal-safe; any thread.
  void set_paused(bool paused) noexcept;
  bool is_paused() const noexcept { return paused_.load(std::memory_order_acquire); }
  int fd() const noexcept { return pipe_[0]; }
  // Empties the fd after a switch was seen. Call from the polling thread.
  void clear_wakeup() noexcept;

 private:
  std::atomic<bool> paused_{false};
  int pipe_[2] = {-1, -1};
};

// Routes SIGUSR2 and SIGCONT to `flag`, which must outlive the process's handling of them.
void install_pause_signals(PauseFlag& flag);

}  // namespace zpipe
