// `zpipe status`: the ventilator's job counts.
#pragma once

#include <memory>

#include "front/command.hpp"

namespace zpipe {

std::unique_ptr<Command> make_status_command(CLI::App& parent);

}  // namespace zpipe
