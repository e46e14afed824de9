#include "front/workers_command.hpp"

#include <iostream>

#include <nlohmann/json.hpp>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "common/curve_setup.hpp"
#include "common/terminal.hpp"
#include "front/ventilator_options.hpp"
#include "front/worker_table.hpp"

namespace zpipe {
namespace {

nlohmann::json to_json(const WorkerSummary& w) {
  return {{"name", w.name},
          {"process", w.process},
          {"state", w.state},
          {"slots", w.slots},
          {"held", w.held},
          {"sent", w.sent},
          {"credit", w.credit},
          {"heard_ms_ago", w.heard_ms_ago},
          {"connected_ms_ago", w.connected_ms_ago},
          {"heartbeat_ms", w.heartbeat_ms}};
}

class WorkersCommand : public Command {
 public:
  explicit WorkersCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "workers",
            "List the workers connected to the ventilator: state, slots, jobs held and sent, "
            "credit, when last heard")) {
    app_.add_flag("--json", json_, "Print one JSON object");
    add_ventilator_options(app_, client_);
    add_curve_options(app_, curve_flags_, CurveRole::kClient);
    app_.add_option("--wait", wait_s_, "Seconds to wait for the ventilator's answer")
        ->capture_default_str()
        ->check(CLI::Range(0.01, 86400.0));
  }
  CLI::App& app() override { return app_; }

  int run() override {
    if (auto code =
            load_curve_setup(curve_flags_, CurveRole::kClient, "zpipe workers", client_.curve)) {
      return *code;
    }
    client_.reply_timeout = std::chrono::milliseconds(static_cast<long>(wait_s_ * 1000));
    Client client(client_);
    auto workers = client.workers();
    if (!workers.ok()) {
      std::cerr << "zpipe workers: " << workers.error().message << "\n";
      return kExitFailure;
    }
    const auto& all = workers.value();
    if (json_) {
      auto list = nlohmann::json::array();
      for (const auto& w : all) list.push_back(to_json(w));
      std::cout << nlohmann::json{{"pipeline", client.pipeline()}, {"workers", list}}.dump()
                << "\n";
      return kExitOk;
    }
    std::cout << "pipeline " << client.pipeline() << " at " << client_.ventilator << "\n";
    if (all.empty()) {
      std::cout << "no workers connected (start one: zpipe worker --jobs-from ...)\n";
      return kExitOk;
    }
    std::cout << worker_table(all, terminal_style()) << workers_total(all) << "\n";
    return kExitOk;
  }

 private:
  CLI::App& app_;
  ClientConfig client_;
  CurveFlags curve_flags_;
  bool json_ = false;
  double wait_s_ = 5.0;
};

}  // namespace

std::unique_ptr<Command> make_workers_command(CLI::App& parent) {
  return std::make_unique<WorkersCommand>(parent);
}

}  // namespace zpipe
