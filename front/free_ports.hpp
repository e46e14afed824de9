// Loopback TCP ports that were free a moment ago, for programs under test to bind.
#pragma once

#include <vector>

namespace zpipe {

// `count` distinct ports chosen by the OS. Another process could take one before the program
// under test binds it; the OS hands out ports in rotation, so that is rare.
std::vector<int> free_tcp_ports(int count);

// The first of `count` consecutive free ports, for programs that take a port base.
int free_consecutive_ports(int count);

}  // namespace zpipe
