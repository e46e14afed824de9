#include "bench/web_run.hpp"

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "front/program_path.hpp"

namespace zpipe::bench {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

WebRun::WebRun(const WebRunConfig& config) : config_(config) {
  std::filesystem::create_directories(config_.work_dir);
  ChildOptions options;
  options.stdout_file = config_.work_dir / "zpipe-web.out";
  options.stderr_file = config_.work_dir / "zpipe-web.err";
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{program_path("zpipe-web"), "--listen", "127.0.0.1:0", "--data-dir",
                               config_.data_dir.string(), "--ventilator", config_.ventilator,
                               "--events-from", config_.events_from, "--log-level", "warn",
                               "--log-file", (config_.work_dir / "zpipe-web.log").string()},
      options);
  // It says where it serves on stdout once it has bound the port.
  const std::regex serving(R"(serving http://127\.0\.0\.1:(\d+)/)");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    std::smatch match;
    const auto out = read_file(options.stdout_file);
    if (std::regex_search(out, match, serving)) {
      port_ = std::stoi(match[1].str());
      return;
    }
    if (auto ended = exited(); !ended.empty()) throw std::runtime_error(ended);
    if (std::chrono::steady_clock::now() >= give_up) {
      throw std::runtime_error("zpipe-web did not say where it serves within 10 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

WebRun::~WebRun() { process_->stop(std::chrono::seconds(10)); }

httplib::Client WebRun::client() const {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(30, 0);
  client.set_keep_alive(true);
  return client;
}

std::string WebRun::exited() {
  if (!process_->has_exited()) return {};
  auto err =
      read_file(config_.work_dir / "zpipe-web.err") + read_file(config_.work_dir / "zpipe-web.log");
  if (err.size() > 2000) err = err.substr(err.size() - 2000);
  return "zpipe-web " + describe_wait_status(*process_->status()) + ": " + err;
}

}  // namespace zpipe::bench
