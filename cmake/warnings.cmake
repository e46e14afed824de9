# zpipe_warnings: the warning set for our own targets (linked PRIVATE, never onto dependencies).
add_library(zpipe_warnings INTERFACE)
target_compile_options(zpipe_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor -Wold-style-cast)
if(ZPIPE_WARNINGS_AS_ERRORS)
  target_compile_options(zpipe_warnings INTERFACE -Werror)
endif()
