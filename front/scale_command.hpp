// `zpipe scale`: runs this host's workers between --min and --max by the backlog's ETA.
#pragma once

#include <memory>

#include "front/command.hpp"

namespace zpipe {

std::unique_ptr<Command> make_scale_command(CLI::App& parent);

}  // namespace zpipe
