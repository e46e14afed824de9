// "SIGSEGV" for a signal number, as outcomes, results and logs name the signal a process died of.
#pragma once

#include <string.h>

#include <string>

namespace zpipe {

inline std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

}  // namespace zpipe
