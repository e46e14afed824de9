#include "front/workers_command.hpp"

#include <iostream>

#include <nlohmann/json.hpp>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "common/curve_setup.hpp"
#include "common/terminal.hpp"
#include "front/ventilator_options.hpp"
#include "front/worker_table.hpp"
#include "front/workers_json.hpp"

namespace zpipe {
namespace {

class WorkersCommand : public Command {
 public:
  explicit WorkersCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "workers",
            "List the workers connected to the ventilator: state, slots, jobs held and sent, "
            "credit, when last heard, the types and queues each takes; `zpipe workers "
            "pause|resume|stop NAME` steers one from afar")) {
    app_.add_flag("--json", json_, "Print one JSON object");
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    if (auto code = ventilator_.load("zpipe workers")) return *code;
    Client client(ventilator_.client);
    auto workers = client.workers();
    if (!workers.ok()) {
      std::cerr << "zpipe workers: " << workers.error().message << "\n";
      return kExitFailure;
    }
    const auto& all = workers.value();
    if (json_) {
      std::cout << workers_json(client.pipeline(), all).dump() << "\n";
      return kExitOk;
    }
    std::cout << "pipeline " << client.pipeline() << " at " << ventilator_.client.ventilator
              << "\n";
    if (all.empty()) {
      std::cout << "no workers connected (start one: zpipe worker --jobs-from ...)\n";
      return kExitOk;
    }
    std::cout << worker_table(all, terminal_style()) << workers_total(all) << "\n";
    return kExitOk;
  }

 private:
  CLI::App& app_;
  VentilatorConnection ventilator_{5.0};
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_workers_command(CLI::App& parent) {
  return std::make_unique<WorkersCommand>(parent);
}

}  // namespace zpipe
