#include "tests/support/program_run.hpp"

#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "front/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace zpipe::test {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::filesystem::path bin_dir() { return ZPIPE_TEST_BIN_DIR; }
std::string program(const std::string& name) { return (bin_dir() / name).string(); }

ProgramRun run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                       const std::string& stdin_text) {
  TempDir dir;
  std::vector<std::string> command = argv;
  ChildOptions options;
  options.stdout_file = dir.path() / "out";
  options.stderr_file = dir.path() / "err";
  if (!stdin_text.empty()) {
    std::ofstream(dir.path() / "in") << stdin_text;
    options.stdin_file = dir.path() / "in";
  }
  ChildProcess child(command, options);
  ProgramRun run;
  auto status = child.wait_for(timeout);
  if (!status) status = child.stop(std::chrono::milliseconds(100));
  if (WIFEXITED(*status)) run.exit_code = WEXITSTATUS(*status);
  run.out = slurp(dir.path() / "out");
  run.err = slurp(dir.path() / "err");
  return run;
}

}  // namespace zpipe::test
