// PassedFlags: options of `zpipe up` that it hands on, as given, to the programs it starts
// (the ventilator's --max-backlog, the workers' --prefetch ...). Each program checks its own
// values, and says what is wrong with one on the terminal before `zpipe up` stops.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace zpipe {

class PassedFlags {
 public:
  // Adds `flag` (taking a value named `type_name`; repeatable when `repeatable`) to `app`,
  // in the help group `group`; its values go to every argument list of `to`. The lists must
  // outlive this object's pass_on().
  void add(CLI::App& app, const std::string& flag, const std::string& type_name,
           const std::string& help, const std::string& group,
           std::vector<std::vector<std::string>*> to, bool repeatable = false);

  // Appends "--flag value" to the argument lists, for each flag given.
  void pass_on() const;

 private:
  struct Passed {
    std::string flag;
    std::vector<std::string> values;
    std::vector<std::vector<std::string>*> to;
  };
  std::deque<Passed> passed_;  // a deque: CLI11 keeps pointers to `values`
};

}  // namespace zpipe
