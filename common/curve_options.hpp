// The --curve-* flags of every program, and loading them into a CurveSetup from main().
#pragma once

#include <optional>
#include <string_view>

#include <CLI/CLI.hpp>

#include "common/curve_setup.hpp"

namespace zpipe {

// Adds the --curve-* flags that fit `role` to `app`.
void add_curve_options(CLI::App& app, CurveFlags& flags, CurveRole role);

// For main(): loads `flags` into `setup`. On a problem, prints "<program>: <problem>" to stderr
// and returns the usage exit code; std::nullopt to go on.
std::optional<int> load_curve_setup(const CurveFlags& flags, CurveRole role,
                                    std::string_view program, CurveSetup& setup);

}  // namespace zpipe
