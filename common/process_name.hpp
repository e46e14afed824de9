// How a process names itself in logs, outcomes and events: "host:pid".
#pragma once

#include <string>

namespace zpipe {

std::string host_and_pid();

}  // namespace zpipe
