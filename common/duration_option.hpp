// A command-line option that takes a duration ("30d", "12h": common/duration_text.hpp), for
// zpipe prune --older-than and zpipe-sink --keep.
#pragma once

#include <chrono>
#include <string>

#include <CLI/CLI.hpp>

#include "common/duration_text.hpp"

namespace zpipe {

// Adds `name` to `app`, writing what it is given to `into` (which must outlive the parse); a
// value that is no duration is a usage error that says which forms are.
inline CLI::Option* add_duration_option(CLI::App& app, const std::string& name,
                                        std::chrono::milliseconds& into,
                                        const std::string& description) {
  return app
      .add_option_function<std::string>(
          name,
          [&into](const std::string& text) {
            auto duration = parse_duration(text);
            if (!duration.ok()) throw CLI::ValidationError(duration.error().message);
            into = duration.value();
          },
          description)
      ->type_name("DURATION");
}

}  // namespace zpipe
