// Sizes for people: "812 bytes", "64.0 KiB", "3.2 MiB", "1.5 GiB".
#pragma once

#include <cstdint>
#include <string>

namespace zpipe {

std::string byte_size_text(std::uint64_t bytes);

}  // namespace zpipe
