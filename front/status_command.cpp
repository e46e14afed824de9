#include "front/status_command.hpp"

#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "client/client.hpp"
#include "common/command_line.hpp"

namespace zpipe {
namespace {

class StatusCommand : public Command {
 public:
  explicit StatusCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "status", "Show how many jobs are pending, in flight, succeeded, failed and dead")) {
    app_.add_flag("--json", json_, "Print one JSON object");
    app_.add_option("--ventilator", client_.ventilator, "Ventilator submit endpoint")
        ->capture_default_str();
    app_.add_option("--wait", wait_s_, "Seconds to wait for the ventilator's answer")
        ->capture_default_str()
        ->check(CLI::Range(0.01, 86400.0));
  }
  CLI::App& app() override { return app_; }

  int run() override {
    client_.reply_timeout = std::chrono::milliseconds(static_cast<long>(wait_s_ * 1000));
    Client client(client_);
    auto counts = client.status();
    if (!counts.ok()) {
      std::cerr << "zpipe status: " << counts.error().message << "\n";
      return kExitFailure;
    }
    const auto& c = counts.value();
    if (json_) {
      std::cout << nlohmann::json{{"accepted", c.accepted},   {"pending", c.pending},
                                  {"in_flight", c.in_flight}, {"succeeded", c.succeeded},
                                  {"failed", c.failed},       {"dead", c.dead}}
                       .dump()
                << "\n";
      return kExitOk;
    }
    std::printf(
        "accepted   %12llu\npending    %12llu\nin flight  %12llu\nsucceeded  %12llu\n"
        "failed     %12llu\ndead       %12llu\n",
        static_cast<unsigned long long>(c.accepted), static_cast<unsigned long long>(c.pending),
        static_cast<unsigned long long>(c.in_flight), static_cast<unsigned long long>(c.succeeded),
        static_cast<unsigned long long>(c.failed), static_cast<unsigned long long>(c.dead));
    return kExitOk;
  }

 private:
  CLI::App& app_;
  ClientConfig client_;
  bool json_ = false;
  double wait_s_ = 5.0;
};

}  // namespace

std::unique_ptr<Command> make_status_command(CLI::App& parent) {
  return std::make_unique<StatusCommand>(parent);
}

}  // namespace zpipe
