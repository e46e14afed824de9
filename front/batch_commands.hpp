// `zpipe batch submit|open|seal|show|list`: batches of jobs whose callbacks run once, when all
// their jobs have ended.
#pragma once

#include <memory>
#include <vector>

#include "front/command.hpp"

namespace zpipe {

std::vector<std::unique_ptr<Command>> make_batch_commands(CLI::App& parent);

}  // namespace zpipe
