#include "front/status_command.hpp"

#include <cstdio>
#include <iostream>
#include <string_view>
#include <utility>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "common/curve_setup.hpp"
#include "common/endpoints.hpp"
#include "common/types_without_workers_text.hpp"
#include "front/status_json.hpp"
#include "front/type_counts_table.hpp"
#include "front/ventilator_options.hpp"

namespace zpipe {
namespace {

class StatusCommand : public Command {
 public:
  explicit StatusCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "status",
            "Show how many jobs are pending, scheduled, in flight, retrying, succeeded, dead and "
            "cancelled, in all and per type, how many attempts failed, and the types that wait "
            "for a worker")) {
    app_.add_flag("--json", json_, "Print one JSON object");
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    if (auto code = ventilator_.load("zpipe status")) return *code;
    Client client(ventilator_.client);
    auto report = client.status_report();
    if (!report.ok()) {
      std::cerr << "zpipe status: " << report.error().message << "\n";
      return kExitFailure;
    }
    if (json_) {
      std::cout << status_json(report.value()).dump() << "\n";
      return kExitOk;
    }
    const auto& c = report.value().counts;
    const auto& alerts = report.value().alerts;
    const auto& by_type = report.value().by_type;
    const auto& others = report.value().other_types;
    std::printf("pipeline %s at %s\n", report.value().pipeline.c_str(),
                ventilator_.client.ventilator.c_str());
    for (const auto& alert : alerts) std::printf("! %s\n", alert.c_str());
    const std::pair<const char*, std::uint64_t> rows[] = {
        {"accepted", c.accepted},   {"pending", c.pending},    {"scheduled", c.scheduled},
        {"in flight", c.in_flight}, {"retrying", c.retrying},  {"succeeded", c.succeeded},
        {"failed", c.failed},  // attempts
        {"dead", c.dead},           {"cancelled", c.cancelled}};
    for (const auto& [label, value] : rows) {
      std::printf("%-10s %12llu%s\n", label, static_cast<unsigned long long>(value),
                  std::string_view(label) == "failed" ? "  (attempts)" : "");
    }
    if (const auto table = type_counts_table(by_type, others); !table.empty()) {
      std::printf("\n%s", table.c_str());
    }
    const auto& unserved = report.value().types_without_workers;
    if (!unserved.empty()) {
      std::printf("\n%s", types_without_workers_text(unserved, by_type).c_str());
    }
    return kExitOk;
  }

 private:
  CLI::App& app_;
  VentilatorConnection ventilator_{5.0};
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_status_command(CLI::App& parent) {
  return std::make_unique<StatusCommand>(parent);
}

}  // namespace zpipe
