// `zpipe workers pause|resume|stop WORKER`: an order to one worker, wherever it runs, passed on
// by the ventilator; the worker acts as on SIGUSR2, SIGCONT or SIGTERM on its host.
#pragma once

#include <memory>
#include <vector>

#include "front/command.hpp"

namespace zpipe {

// The three commands, under `workers` (the app of `zpipe workers`, which lists them alone).
std::vector<std::unique_ptr<Command>> make_worker_control_commands(CLI::App& workers);

}  // namespace zpipe
