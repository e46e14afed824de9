// `zpipe results`, `zpipe failures` and `zpipe show ID`: read the sink's outcome store.
#pragma once

#include <memory>
#include <vector>

#include "front/command.hpp"

namespace zpipe {

std::vector<std::unique_ptr<Command>> make_store_commands(CLI::App& parent);

}  // namespace zpipe
