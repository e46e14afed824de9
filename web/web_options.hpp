// zpipe-web's command line: where it listens, what it reads and asks, who may use it. Apart
// from main() so that tests can parse command lines.
#pragma once

#include <filesystem>
#include <string>
#include <variant>

#include "common/curve_setup.hpp"
#include "common/logging.hpp"
#include "web/listen_address.hpp"

namespace zpipe {

struct WebOptions {
  ListenAddress listen{"127.0.0.1", 8080};
  std::filesystem::path data_dir;  // the sink's: outcomes.db, read-only
  std::string ventilator;          // its submit endpoint, asked as `zpipe status` asks
  std::string events_from;         // the event hub, followed as `zpipe-monitor top` follows it
  std::string token;               // from --token-file; empty: no token asked for
  bool read_only = false;          // every action refused, the buttons hidden
  double target_minutes = 10;      // the worker advice: finish the backlog within this
  CurveSetup curve;                // enabled: connects as a CURVE client
  LogOptions log;
};

// What `argv` asks for, or the exit code to stop with now: 0 after --help or --version,
// kExitUsage after a usage error, said on stderr (a non-loopback --listen without --token-file
// or --read-only among them; a token file that cannot be read or holds a short token).
std::variant<WebOptions, int> parse_web_options(int argc, char** argv);

}  // namespace zpipe
