// `zpipe submit`: submits one job from arguments or many from JSON lines, and prints their ids
// once the ventilator has accepted them.
#pragma once

#include <memory>

#include "front/command.hpp"

namespace zpipe {

std::unique_ptr<Command> make_submit_command(CLI::App& parent);

}  // namespace zpipe
