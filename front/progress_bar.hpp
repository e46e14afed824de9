// ProgressLine: one line of progress for a batch (a bar, counts, rate, ETA), drawn in place
// on a terminal with carriage returns.
#pragma once

#include <cstddef>
#include <string>

namespace zpipe {

struct Progress {
  std::size_t finished = 0;  // done + failed
  std::size_t failed = 0;
  std::size_t total = 0;
  double seconds = 0;  // since the batch started
};

// "[#########.........]  90/200  45%  41.3 images/s  ETA 0:03  2 failed", at most `width`
// columns (the bar shrinks first). The rate is finished / seconds; the ETA assumes it holds.
std::string format_progress(const Progress& progress, std::size_t width);

// "0:07", "1:02:03": seconds as minutes (and hours) for people.
std::string format_duration(double seconds);

}  // namespace zpipe
