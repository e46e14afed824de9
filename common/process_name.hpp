// How a process names itself in logs, outcomes and events: "host:pid".
#pragma once

#include <string>
#include <string_view>

namespace zpipe {

std::string host_and_pid();

// An event's source: "COMPONENT host:pid", or "COMPONENT NAME host:pid" for a process given a
// name of its own (a worker's --name; a name equal to its host:pid is not repeated). The
// host:pid stays with a name: it says where the process runs, and it keeps apart two processes
// given one name, whose events would otherwise mix under one source (seq counts per source).
std::string event_source(std::string_view component, std::string_view name = {});

}  // namespace zpipe
