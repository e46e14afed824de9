// wait_until: polls a condition until it holds or a deadline passes (never a fixed sleep).
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace zpipe::test {

inline bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds every = std::chrono::milliseconds(20)) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(every);
  }
  return true;
}

}  // namespace zpipe::test
