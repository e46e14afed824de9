// The options of every command that talks to a running ventilator: where it is, and which
// pipeline it must be.
#pragma once

#include <CLI/CLI.hpp>

#include "client/client.hpp"

namespace zpipe {

inline constexpr const char* kPipelineVariable = "ZPIPE_PIPELINE";

// --ventilator (ZPIPE_VENTILATOR) into client.ventilator, --pipeline (ZPIPE_PIPELINE) into
// client.pipeline.
void add_ventilator_options(CLI::App& app, ClientConfig& client);

}  // namespace zpipe
