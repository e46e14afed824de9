// `zpipe keygen NAME`: writes a CURVE key pair for one program or host (NAME.key, public;
// NAME.key_secret, secret, mode 0600).
#pragma once

#include <memory>

#include "front/command.hpp"

namespace zpipe {

std::unique_ptr<Command> make_keygen_command(CLI::App& parent);

}  // namespace zpipe
