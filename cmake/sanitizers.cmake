# zpipe_sanitizers: compile and link flags for ZPIPE_SANITIZER (empty means none).
add_library(zpipe_sanitizers INTERFACE)
if(ZPIPE_SANITIZER)
  target_compile_options(zpipe_sanitizers INTERFACE
    -fsanitize=${ZPIPE_SANITIZER} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(zpipe_sanitizers INTERFACE -fsanitize=${ZPIPE_SANITIZER})
endif()
