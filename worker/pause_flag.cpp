#include "worker/pause_flag.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <stdexcept>

namespace zpipe {
namespace {
std::atomic<PauseFlag*> g_pause_flag{nullptr};

void on_pause_signal(int signal_number) {
  if (PauseFlag* flag = g_pause_flag.load()) flag->set_paused(signal_number == SIGUSR2);
}
}  // namespace

PauseFlag::PauseFlag() {
  if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe2 failed");
}

PauseFlag::~PauseFlag() {
  PauseFlag* self = this;
  g_pause_flag.compare_exchange_strong(self, nullptr);
  ::close(pipe_[0]);
  ::close(pipe_[1]);
}

void PauseFlag::set_paused(bool paused) noexcept {
  paused_.store(paused, std::memory_order_release);
  const char byte = 1;
  [[maybe_unused]] auto n = ::write(pipe_[1], &byte, 1);  // full pipe: already readable
}

void PauseFlag::clear_wakeup() noexcept {
  char bytes[64];
  while (::read(pipe_[0], bytes, sizeof bytes) > 0) {
  }
}

void install_pause_signals(PauseFlag& flag) {
  g_pause_flag.store(&flag);
  struct sigaction action {};
  action.sa_handler = on_pause_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGUSR2, &action, nullptr);
  sigaction(SIGCONT, &action, nullptr);
}

}  // namespace zpipe
