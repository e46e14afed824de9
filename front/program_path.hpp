// Where the zpipe programs are: beside the running `zpipe`, else on PATH.
#pragma once

#include <string>

namespace zpipe {

// "zpipe-worker" -> "/usr/local/bin/zpipe-worker" when it sits beside this executable;
// otherwise the bare name, for a PATH lookup.
std::string program_path(const std::string& name);

}  // namespace zpipe
