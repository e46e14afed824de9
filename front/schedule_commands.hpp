// `zpipe scheduled` (the jobs that wait for a time) and `zpipe schedule add|list|remove` (the
// recurring jobs the ventilator holds).
#pragma once

#include <memory>
#include <vector>

#include "front/command.hpp"

namespace zpipe {

std::vector<std::unique_ptr<Command>> make_schedule_commands(CLI::App& parent);

}  // namespace zpipe
