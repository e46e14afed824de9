// The options of every command that talks to a running ventilator: where it is, which pipeline
// it must be, the client's CURVE keys, and how long to wait for each answer.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "client/client.hpp"
#include "common/curve_options.hpp"

namespace zpipe {

inline constexpr const char* kPipelineVariable = "ZPIPE_PIPELINE";

struct VentilatorConnection {
  explicit VentilatorConnection(double default_wait_s = 10.0) : wait_s(default_wait_s) {}

  ClientConfig client;
  CurveFlags curve_flags;
  double wait_s;  // --wait

  // --ventilator (ZPIPE_VENTILATOR), --pipeline (ZPIPE_PIPELINE), the client's CURVE flags,
  // --wait SECONDS (default `wait_s`), and --config FILE to read any of them (and the command's
  // other flags) from.
  void add_options(CLI::App& app);
  // Loads the CURVE keys and sets the wait into `client`; the exit code when the keys cannot
  // be loaded (said on stderr as `command`'s).
  std::optional<int> load(const std::string& command);
};

}  // namespace zpipe
