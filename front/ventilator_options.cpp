#include "front/ventilator_options.hpp"

#include <chrono>

#include "common/command_line.hpp"
#include "common/endpoints.hpp"

namespace zpipe {

void VentilatorConnection::add_options(CLI::App& app) {
  app.add_option("--ventilator", client.ventilator, "Ventilator submit endpoint")
      ->envname(EndpointVariables::kSubmit)
      ->capture_default_str();
  app.add_option("--pipeline", client.pipeline,
                 "Act only if the ventilator is this pipeline (its identity, as `zpipe status` "
                 "and `zpipe up` print it); refused otherwise")
      ->envname(kPipelineVariable);
  add_curve_options(app, curve_flags, CurveRole::kClient);
  app.add_option("--wait", wait_s, "Seconds to wait for the ventilator's answer")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 86400.0));
  // A producer host's file of where the ventilator is and which keys to use serves every
  // command that talks to it.
  add_config_options(app);
}

std::optional<int> VentilatorConnection::load(const std::string& command) {
  if (auto code = load_curve_setup(curve_flags, CurveRole::kClient, command, client.curve)) {
    return code;
  }
  client.reply_timeout = std::chrono::milliseconds(static_cast<long>(wait_s * 1000));
  return std::nullopt;
}

}  // namespace zpipe
