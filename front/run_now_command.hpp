// `zpipe run-now ID...`: jobs that wait for a time (scheduled for later, or for a retry) run now.
#pragma once

#include <memory>

#include "front/command.hpp"

namespace zpipe {

std::unique_ptr<Command> make_run_now_command(CLI::App& parent);

}  // namespace zpipe
