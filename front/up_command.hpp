// `zpipe up`: a whole pipeline (ventilator, sink, N workers) in the foreground until Ctrl-C.
#pragma once

#include <memory>

#include "front/command.hpp"

namespace zpipe {

std::unique_ptr<Command> make_up_command(CLI::App& parent);

}  // namespace zpipe
