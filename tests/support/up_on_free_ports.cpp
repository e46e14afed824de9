#include "tests/support/up_on_free_ports.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "front/free_ports.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {

std::string text_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

RunningUp start_up_on_free_ports(const std::vector<std::string>& args,
                                 const std::filesystem::path& dir) {
  const auto out = dir / "up.out";
  const auto err = dir / "up.log";
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int base = free_consecutive_ports(6);
    // Each attempt's own words: the files are appended to, and an earlier "is in use" must not
    // make a later, other failure look like one.
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    std::vector<std::string> argv{program("zpipe"), "up"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--port-base", std::to_string(base)});
    RunningUp up{ChildProcess(argv, ChildOptions{out, err, {}}), base, out, err};
    const bool announced = wait_until(
        [&] {
          return text_of(out).find("Ctrl-C stops it") != std::string::npos ||
                 up.process.has_exited();
        },
        std::chrono::seconds(20));
    if (announced && !up.process.has_exited()) return up;
    const auto said = text_of(out) + text_of(err);
    if (up.process.has_exited() && (said.find("is in use") != std::string::npos ||
                                    said.find("Address already in use") != std::string::npos)) {
      continue;  // another process took a port after the pick: try others
    }
    throw std::runtime_error("zpipe up did not start:\n" + said);
  }
  throw std::runtime_error("zpipe up found a port in use 5 times in a row");
}

}  // namespace zpipe::test
