#include "common/curve_options.hpp"

#include <iostream>

#include "common/command_line.hpp"

namespace zpipe {

void add_curve_options(CLI::App& app, CurveFlags& flags, CurveRole role) {
  const std::string group = "Security (CURVE; see zpipe keygen)";
  app.add_option("--curve-secret", flags.secret_file,
                 "This program's secret key file (NAME.key_secret): encrypt and authenticate "
                 "every connection")
      ->type_name("FILE")
      ->group(group);
  if (role != CurveRole::kClient) {
    app.add_option("--curve-trust", flags.trust_dir,
                   "Directory of the public keys (NAME.key) allowed to connect; all others are "
                   "refused")
        ->type_name("DIR")
        ->group(group);
  }
  if (role == CurveRole::kClient) {
    app.add_option("--curve-server-key", flags.server_key_file,
                   "Public key file (NAME.key) of the ventilator and sink to connect to")
        ->type_name("FILE")
        ->group(group);
  }
}

std::optional<int> load_curve_setup(const CurveFlags& flags, CurveRole role,
                                    std::string_view program, CurveSetup& setup) {
  try {
    setup = CurveSetup::load(flags, role);
    return std::nullopt;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace zpipe
