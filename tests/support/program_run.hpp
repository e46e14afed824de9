// run_program: runs one of zpipe's programs to completion and captures what it printed.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace zpipe::test {

// The directory holding the built programs (zpipe, zpipe-worker, ...).
std::filesystem::path bin_dir();
std::string program(const std::string& name);  // bin_dir() / name

struct ProgramRun {
  int exit_code = -1;  // -1: killed at the timeout or by a signal
  std::string out;
  std::string err;
};

// `stdin_text` is fed on standard input. Kills the program at `timeout`.
ProgramRun run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                       const std::string& stdin_text = "");

}  // namespace zpipe::test
