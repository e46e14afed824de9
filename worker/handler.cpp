#include "worker/handler.hpp"

#include <algorithm>
#include <thread>

namespace zpipe {

bool JobContext::sleep_for(std::chrono::milliseconds duration) const {
  const auto until = Clock::now() + duration;
  // Short naps keep cancellation prompt without a condition variable per job.
  while (!is_cancelled()) {
    const auto now = Clock::now();
    if (now >= until) return true;
    if (now >= deadline_) return false;
    std::this_thread::sleep_for(
        std::min({until - now, deadline_ - now, Clock::duration(std::chrono::milliseconds(20))}));
  }
  return false;
}

}  // namespace zpipe
