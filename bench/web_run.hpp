// WebRun: a zpipe-web started by a bench on a free loopback port (it binds port 0 and says which
// it got), toward a data directory, a ventilator and an event hub that need not be there.
// Stopped (SIGTERM, then SIGKILL) on destruction.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "front/child_process.hpp"

namespace zpipe::bench {

struct WebRunConfig {
  std::filesystem::path data_dir;  // where it reads outcomes.db
  std::string ventilator;          // --ventilator
  std::string events_from;         // --events-from
  std::filesystem::path work_dir;  // its stdout, stderr and log go here
};

class WebRun {
 public:
  // Starts zpipe-web (beside this program, else on PATH) and waits until it says where it
  // serves. Throws std::runtime_error with its last words when it exits or says nothing in 10 s.
  explicit WebRun(const WebRunConfig& config);
  ~WebRun();

  int port() const { return port_; }
  int pid() const { return process_->pid(); }
  // A fresh client to it (httplib's clients are one thread each), with a 30 s read timeout.
  httplib::Client client() const;
  // Nonempty when it has ended: how, with the end of its stderr.
  std::string exited();

 private:
  WebRunConfig config_;
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
};

}  // namespace zpipe::bench
