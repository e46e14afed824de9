// `zpipe prune --older-than 30d`: deletes old jobs and their attempts from the sink's outcome
// store.
#pragma once

#include <memory>

#include "front/command.hpp"

namespace zpipe {

std::unique_ptr<Command> make_prune_command(CLI::App& parent);

}  // namespace zpipe
