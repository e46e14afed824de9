# What a project of its own needs to build a producer or a worker against an installed zpipe
# (component `dev`): the targets zpipe::client and zpipe::worker (with zpipe::protocol and
# zpipe::common, which they link) for find_package(zpipe CONFIG), and pkg-config files for other
# build systems. Each library's folder installs the library and its headers into the export set
# zpipe_targets.
include(CMakePackageConfigHelpers)

set(ZPIPE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/zpipe)
install(EXPORT zpipe_targets NAMESPACE zpipe:: FILE zpipeTargets.cmake
        DESTINATION ${ZPIPE_INSTALL_CMAKEDIR} COMPONENT dev)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/zpipeConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/export/zpipeConfig.cmake
                              INSTALL_DESTINATION ${ZPIPE_INSTALL_CMAKEDIR})
# 0.x: a minor version may change the API, so only 0.1.y satisfies find_package(zpipe 0.1).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/export/zpipeConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/export/zpipeConfig.cmake
              ${PROJECT_BINARY_DIR}/export/zpipeConfigVersion.cmake
        DESTINATION ${ZPIPE_INSTALL_CMAKEDIR} COMPONENT dev)

# zpipe-client.pc (a producer: libzmq alone) and zpipe.pc (a worker, and the client too). The
# libraries are static, so what they link goes into Requires and Libs, not their .private
# forms. Paths are relative to the .pc file's folder (pcfiledir), so that an installation moved
# to another prefix (`cmake --install --prefix`, the .deb) needs no rewrite.
file(RELATIVE_PATH ZPIPE_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" ZPIPE_PC_TO_PREFIX "${ZPIPE_PC_TO_PREFIX}")
foreach(module zpipe-client zpipe)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${module}.pc.in ${PROJECT_BINARY_DIR}/export/${module}.pc
                 @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/export/${module}.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
endforeach()
