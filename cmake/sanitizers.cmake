# zpipe_sanitizers: compile and link flags for ZPIPE_SANITIZER (empty means none), or for
# ZPIPE_FUZZ: coverage instrumentation for libFuzzer plus AddressSanitizer and
# UndefinedBehaviorSanitizer on everything we compile. Only the fuzz targets link libFuzzer
# itself (-fsanitize=fuzzer, in fuzz/CMakeLists.txt): it brings its own main().
add_library(zpipe_sanitizers INTERFACE)
if(ZPIPE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ZPIPE_FUZZ needs clang (libFuzzer): use the fuzz preset")
  endif()
  target_compile_options(zpipe_sanitizers INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(zpipe_sanitizers INTERFACE -fsanitize=address,undefined)
elseif(ZPIPE_SANITIZER)
  target_compile_options(zpipe_sanitizers INTERFACE
    -fsanitize=${ZPIPE_SANITIZER} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(zpipe_sanitizers INTERFACE -fsanitize=${ZPIPE_SANITIZER})
endif()
