// `zpipe workers`: the workers connected to the ventilator now, as it sees them.
#pragma once

#include <memory>

#include "front/command.hpp"

namespace zpipe {

std::unique_ptr<Command> make_workers_command(CLI::App& parent);

}  // namespace zpipe
