// LineRelay: the output of the programs a LocalPipeline starts, read from one pipe per program
// on a thread of its own and written on a whole line at a time, so that lines of programs
// writing at once never mix mid-line on a terminal or in a log file. Keeps each program's last
// line, to say why a program that ended did.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace zpipe {

class LineRelay {
 public:
  // Writes to `out_fd`, which it closes at the end when `owns_out_fd` (else it must outlive
  // the relay).
  LineRelay(int out_fd, bool owns_out_fd);
  ~LineRelay();  // writes what the programs wrote up to now, then stops
  LineRelay(const LineRelay&) = delete;
  LineRelay& operator=(const LineRelay&) = delete;

  // A pipe for one more program, before start(): returns its write end (close-on-exec), for
  // the child's stdout and stderr, and the source's index.
  int add_source();
  // Starts relaying; closes this process's copies of the write ends, which the children now
  // hold, so that a source ends when its program does.
  void start();
  // The last line source `index` wrote, once its program has closed its end (it exited), or
  // after `wait` if it has not; empty if it wrote none.
  std::string last_line(std::size_t index, std::chrono::milliseconds wait);

 private:
  struct Source {
    int read_fd = -1;
    int write_fd = -1;
    std::string partial;  // the start of a line not ended yet
    std::string last_line;
    bool ended = false;
  };
  void relay();
  // Writes every whole line of `source.partial` (all of it when `flush`). Lock held.
  void write_lines(Source& source, bool flush);

  int out_fd_;
  bool owns_out_fd_;
  int wake_read_ = -1, wake_write_ = -1;  // the destructor's "stop" to the thread
  std::mutex mutex_;
  std::condition_variable ended_;
  std::vector<Source> sources_;
  std::thread thread_;
};

}  // namespace zpipe
