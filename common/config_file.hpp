// ConfigFile: how a program reads its --config FILE and writes --print-config. The file is TOML
// (or INI) `key = value` lines whose keys are the program's long flags without "--":
//
//     concurrency = 4                      # --concurrency 4
//     isolate = true                       # --isolate
//     limit = ["thumbnail=10/s", "exec=concurrency:2"]   # --limit ... --limit ...
//
// CLI11 reads the lines and applies the values to the options that the command line left unset;
// this class checks them first, so that a key no flag has is an error naming the file, the line
// and the flag meant, never a setting silently ignored. A key given twice adds its values, as a
// repeated flag does. Keys name the flags of the command run (`zpipe up`, `zpipe-monitor tail`)
// or of the program around it; a [section] names a command of the program (`[top]`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace zpipe {

class ConfigFile : public CLI::ConfigTOML {
 public:
  // `root` is the program's top-level app, which owns this formatter and outlives it.
  explicit ConfigFile(const CLI::App& root) : root_(root) {}

  // The items of the file in `input`, each naming the command whose option it sets. Throws
  // CLI::ConfigError, its text naming the file and the line, for a key that no flag of the
  // command run (or of its parents) has, one that cannot be set in a file (--config, --help),
  // an unknown [section], or a '#' inside a quoted value (it would start a comment).
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;

  // "FILE line N" when `option`'s value was taken from the file (the command line did not
  // give it), else nothing.
  std::optional<std::string> where_set(const CLI::Option& option) const;

  // The file read, as --config named it ("" before one is read).

 private:
  const CLI::App& root_;
  // Filled by from_config, which CLI11 declares const.
  mutable std::string path_;
  mutable std::map<const CLI::Option*, int> lines_taken_;  // options set from the file: line
};

// The settings in effect for the command run, as a config file: each configurable flag of the
// program and of the commands down to the one run, with its help as a comment, set to its value
// (given, from the file, from the environment) or its default; one with neither is a
// commented-out line. Read back with --config, it gives the same settings.
std::string effective_config_text(const CLI::App& root);

// The same settings as command-line flags ("--concurrency=4", "--isolate", a "--limit=..."
// for each value), of every flag that has a value from the command line, the file or the
// environment: to start the program again with what it runs with now, without its file.
std::vector<std::string> effective_flags(const CLI::App& root);

}  // namespace zpipe
