// `zpipe demo`: starts a local pipeline, runs a batch of built-in sample jobs through it
// (echo, sleep, exec, some failing on purpose), prints a summary and stops everything.
#pragma once

#include <memory>

#include "front/command.hpp"

namespace zpipe {

std::unique_ptr<Command> make_demo_command(CLI::App& parent);

}  // namespace zpipe
