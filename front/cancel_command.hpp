// `zpipe cancel ID... [--by NAME]`: cancels jobs; waiting ones never run, running ones are
// stopped by their worker; each is recorded at the sink as cancelled, by NAME.
#pragma once

#include <memory>
#include <string>

#include "front/command.hpp"

namespace zpipe {

std::unique_ptr<Command> make_cancel_command(CLI::App& parent);

// Who cancels, when --by is not given: "$USER@hostname" ("?" for either part unknown).
std::string default_canceller();

}  // namespace zpipe
