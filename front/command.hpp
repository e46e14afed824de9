// Command: one `zpipe` subcommand: declares its options on construction, runs after parsing.
#pragma once

#include <CLI/CLI.hpp>

namespace zpipe {

class Command {
 public:
  virtual ~Command() = default;
  // The subcommand's CLI11 app, owned by the parent app.
  virtual CLI::App& app() = 0;
  // Runs with the parsed options; returns the exit code. Throws only for "cannot continue".
  virtual int run() = 0;
};

}  // namespace zpipe
