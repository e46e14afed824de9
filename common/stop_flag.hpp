// StopFlag: a stop request that a poll loop can wait on (its fd becomes readable), raised by
// SIGINT/SIGTERM once install_stop_signals() has run, or by request_stop() in tests.
#pragma once

#include <atomic>

namespace zpipe {

class StopFlag {
 public:
  StopFlag();
  ~StopFlag();
  StopFlag(const StopFlag&) = delete;
  StopFlag& operator=(const StopFlag&) = delete;

  // Async-signal-safe; any thread.
  void request_stop() noexcept;
  bool is_stop_requested() const noexcept { return requested_.load(std::memory_order_acquire); }
  // Readable once a stop is requested: put it in a zmq poll set beside the sockets.
  int fd() const noexcept { return pipe_[0]; }

 private:
  std::atomic<bool> requested_{false};
  int pipe_[2] = {-1, -1};
};

// Routes SIGINT and SIGTERM to `flag` (which must outlive the process's handling of them).
// A second signal ends the process at once with exit code 130, unless `exit_on_second` is
// false (a program that must restore the terminal before it goes).
void install_stop_signals(StopFlag& flag, bool exit_on_second = true);

// Call first thing in a helper thread: stop signals then reach the thread that polls the
// StopFlag, and blocking calls in helpers are not interrupted (EINTR) by them.
void block_stop_signals_in_this_thread();

}  // namespace zpipe
