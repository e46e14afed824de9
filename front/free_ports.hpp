// Loopback TCP ports that were free a moment ago, for programs under test to bind.
#pragma once

#include <vector>

namespace zpipe {

// `count` distinct ports chosen by the OS. Another process could take one before the program
// under test binds it; the OS hands out ports in rotation, so that is rare.
std::vector<int> free_tcp_ports(int count);

// The first of `count` consecutive free ports, for programs that take a port base.
int free_consecutive_ports(int count);

// Which of the loopback ports first .. first+count-1 a listening socket holds now (the check
// libzmq's bind would fail: SO_REUSEADDR set, so connections in TIME_WAIT do not count).
std::vector<int> loopback_ports_in_use(int first, int count);

}  // namespace zpipe
