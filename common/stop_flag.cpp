#include "common/stop_flag.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <stdexcept>

namespace zpipe {
namespace {
std::atomic<StopFlag*> g_signal_flag{nullptr};
std::atomic<bool> g_exit_on_second{true};

void on_stop_signal(int) {
  StopFlag* flag = g_signal_flag.load();
  if (flag == nullptr) return;
  if (flag->is_stop_requested() && g_exit_on_second.load()) _exit(130);  // the user insists
  flag->request_stop();
}
}  // namespace

StopFlag::StopFlag() {
  if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe2 failed");
}

StopFlag::~StopFlag() {
  StopFlag* self = this;
  g_signal_flag.compare_exchange_strong(self, nullptr);
  ::close(pipe_[0]);
  ::close(pipe_[1]);
}

void StopFlag::request_stop() noexcept {
  requested_.store(true, std::memory_order_release);
  const char byte = 1;
  [[maybe_unused]] auto n = ::write(pipe_[1], &byte, 1);  // full pipe: already readable
}

void install_stop_signals(StopFlag& flag, bool exit_on_second) {
  g_exit_on_second.store(exit_on_second);
  g_signal_flag.store(&flag);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a vanished exec child or log reader must not kill us
}

void block_stop_signals_in_this_thread() {
  sigset_t stops;
  sigemptyset(&stops);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stops, nullptr);
}

}  // namespace zpipe
