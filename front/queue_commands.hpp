// `zpipe queues`, `zpipe pause QUEUE`, `zpipe resume QUEUE`, `zpipe limit set|clear SPEC`: the
// ventilator's queues and dispatch limits, listed and steered. Each answers with the queues
// and limits as they are after it.
#pragma once

#include <memory>
#include <vector>

#include "front/command.hpp"

namespace zpipe {

std::vector<std::unique_ptr<Command>> make_queue_commands(CLI::App& parent);

}  // namespace zpipe
