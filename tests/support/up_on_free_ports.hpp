// `zpipe up` on six consecutive ports free a moment ago. `zpipe up` takes a port base, so the
// test cannot have the kernel pick: when another process takes one of the ports between the
// pick and the bind (zpipe up then says the port "is in use"), it starts again on other ports.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "front/child_process.hpp"

namespace zpipe::test {

struct RunningUp {
  ChildProcess process;
  int port_base;
  std::filesystem::path out;  // what it printed
  std::filesystem::path err;  // what it logged
};

// Starts `zpipe up ARGS --port-base B` with its output in `dir` (up.out, up.log) and waits
// until it says "Ctrl-C stops it". Throws std::runtime_error with what it printed when it ends
// or stays silent for 20 s for any reason but a port in use.
RunningUp start_up_on_free_ports(const std::vector<std::string>& args,
                                 const std::filesystem::path& dir);

// The whole of a text file ("" when it does not exist).
std::string text_of(const std::filesystem::path& path);

}  // namespace zpipe::test
