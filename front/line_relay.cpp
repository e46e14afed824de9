#include "front/line_relay.hpp"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <stdexcept>

namespace zpipe {
namespace {

void make_pipe(int& read_end, int& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("cannot make a pipe: ") + strerror(errno));
  }
  read_end = fds[0];
  write_end = fds[1];
}

void write_all(int fd, const std::string& text) {
  for (std::size_t done = 0; done < text.size();) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to write to: the lines are lost, the programs keep running
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

LineRelay::LineRelay(int out_fd, bool owns_out_fd) : out_fd_(out_fd), owns_out_fd_(owns_out_fd) {
  make_pipe(wake_read_, wake_write_);
}

LineRelay::~LineRelay() {
  if (thread_.joinable()) {
    const char stop = 's';
    (void)!::write(wake_write_, &stop, 1);
    thread_.join();
  }
  for (auto& source : sources_) {
    if (source.read_fd >= 0) ::close(source.read_fd);
    if (source.write_fd >= 0) ::close(source.write_fd);
  }
  ::close(wake_read_);
  ::close(wake_write_);
  if (owns_out_fd_) ::close(out_fd_);
}

int LineRelay::add_source() {
  Source source;
  make_pipe(source.read_fd, source.write_fd);
  sources_.push_back(std::move(source));
  return sources_.back().write_fd;
}

void LineRelay::start() {
  for (auto& source : sources_) {
    ::close(source.write_fd);
    source.write_fd = -1;
  }
  thread_ = std::thread([this] { relay(); });
}

std::string LineRelay::last_line(std::size_t index, std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  ended_.wait_for(lock, wait, [&] { return sources_.at(index).ended; });
  return sources_.at(index).last_line;
}

void LineRelay::write_lines(Source& source, bool flush) {
  std::size_t start = 0;
  std::string lines;
  for (auto end = source.partial.find('\n'); end != std::string::npos;
       end = source.partial.find('\n', start)) {
    if (end > start) source.last_line = source.partial.substr(start, end - start);
    start = end + 1;
  }
  lines = source.partial.substr(0, start);
  source.partial.erase(0, start);
  if (flush && !source.partial.empty()) {
    source.last_line = source.partial;
    lines += source.partial + "\n";
    source.partial.clear();
  }
  // One write per batch of whole lines: a pipe or a terminal takes it in one piece.
  write_all(out_fd_, lines);
}

void LineRelay::relay() {
  bool stopping = false;
  while (true) {
    std::vector<pollfd> fds{{wake_read_, POLLIN, 0}};
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (sources_[i].ended) continue;
      fds.push_back({sources_[i].read_fd, POLLIN, 0});
      index.push_back(i);
    }
    if (index.empty()) return;
    // Once asked to stop, take only what is in the pipes already.
    if (::poll(fds.data(), fds.size(), stopping ? 0 : -1) < 0 && errno != EINTR) return;
    if (fds[0].revents != 0) stopping = true;
    bool read_any = false;
    for (std::size_t k = 1; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      char buffer[4096];
      const auto n = ::read(fds[k].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      std::lock_guard lock(mutex_);
      auto& source = sources_[index[k - 1]];
      if (n <= 0) {
        write_lines(source, /*flush=*/true);
        source.ended = true;
        ended_.notify_all();
        continue;
      }
      read_any = true;
      source.partial.append(buffer, static_cast<std::size_t>(n));
      write_lines(source, /*flush=*/false);
    }
    if (stopping && !read_any) {
      std::lock_guard lock(mutex_);
      for (auto& source : sources_) write_lines(source, /*flush=*/true);
      return;
    }
  }
}

}  // namespace zpipe
