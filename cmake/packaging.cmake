# `cpack -G DEB` in a build folder (README, "Installing"): zpipe_VERSION_amd64.deb, the programs
# as systemd services, and zpipe-dev_VERSION_amd64.deb, what a project of its own builds
# against (cmake/export.cmake). tests/package/deb_test.sh builds and checks both.
#
# Components: `programs` (bin/, lib/zpipe/) and `service` make the package zpipe; `dev` makes
# zpipe-dev. `service` holds the systemd units and /etc/zpipe at absolute paths, so it is
# EXCLUDE_FROM_ALL: a plain `cmake --install` (into /usr/local, or a test's prefix) never writes
# to /etc or /lib; the units name /usr/bin, the package's prefix.
set(ZPIPE_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)

install(DIRECTORY ${ZPIPE_PACKAGING_DIR}/systemd/ DESTINATION /lib/systemd/system
        COMPONENT service EXCLUDE_FROM_ALL)
# /etc/zpipe, with the example configuration of each program that packaging/etc/zpipe holds.
# Each is a conffile: an upgrade keeps the administrator's edits (and asks about them).
install(DIRECTORY DESTINATION /etc/zpipe COMPONENT service EXCLUDE_FROM_ALL)
file(GLOB ZPIPE_CONFIG_FILES CONFIGURE_DEPENDS ${ZPIPE_PACKAGING_DIR}/etc/zpipe/*.conf)
install(FILES ${ZPIPE_CONFIG_FILES} DESTINATION /etc/zpipe COMPONENT service EXCLUDE_FROM_ALL)

set(ZPIPE_DEB_CONTROL_DIR ${PROJECT_BINARY_DIR}/packaging/debian)
set(conffiles "")
foreach(path IN LISTS ZPIPE_CONFIG_FILES)
  get_filename_component(name ${path} NAME)
  string(APPEND conffiles "/etc/zpipe/${name}\n")
endforeach()
file(MAKE_DIRECTORY ${ZPIPE_DEB_CONTROL_DIR})
file(CONFIGURE OUTPUT ${ZPIPE_DEB_CONTROL_DIR}/conffiles CONTENT "${conffiles}")
# The maintainer scripts (user, data folder, systemd), executable as dpkg wants them; an edit
# reconfigures.
foreach(script postinst prerm postrm)
  configure_file(${ZPIPE_PACKAGING_DIR}/debian/${script} ${ZPIPE_DEB_CONTROL_DIR}/${script} COPYONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                  WORLD_READ WORLD_EXECUTE)
endforeach()
set(ZPIPE_DEB_CONTROL_EXTRA ${ZPIPE_DEB_CONTROL_DIR}/postinst ${ZPIPE_DEB_CONTROL_DIR}/prerm
                            ${ZPIPE_DEB_CONTROL_DIR}/postrm)
if(ZPIPE_CONFIG_FILES)  # no conffiles file without conffiles
  list(APPEND ZPIPE_DEB_CONTROL_EXTRA ${ZPIPE_DEB_CONTROL_DIR}/conffiles)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME zpipe)
set(CPACK_PACKAGE_VENDOR zpipe)
set(CPACK_PACKAGE_CONTACT "zpipe maintainers <zpipe@example.org>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The programs and plugins lose their debug information (static libraries are never stripped).
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL programs service dev)
set(CPACK_COMPONENT_PROGRAMS_GROUP zpipe)
set(CPACK_COMPONENT_SERVICE_GROUP zpipe)
set(CPACK_COMPONENT_DEV_GROUP dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # NAME_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

set(CPACK_DEBIAN_ZPIPE_PACKAGE_NAME zpipe)
# Descriptions: the summary line, then the text (CPack indents it as Debian's control files want).
set(CPACK_DEBIAN_ZPIPE_DESCRIPTION
    "brokerless background-job pipeline on ZeroMQ
zpipe runs slow work in the background: a ventilator hands jobs out over ZeroMQ to worker
processes on one host or many, and a sink records every outcome once, in SQLite. This package
has the programs (zpipe, zpipe-ventilator, zpipe-worker, zpipe-sink, zpipe-monitor, zpipe-web),
systemd units for each (zpipe-worker@.service: one unit per worker), a zpipe system user and
/var/lib/zpipe for the data. No unit is enabled on installation.")
# The libraries the programs and plugins link, from dpkg-shlibdeps (libzmq5, libsqlite3-0,
# libvips42 ...); adduser for the postinst.
set(CPACK_DEBIAN_ZPIPE_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ZPIPE_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_ZPIPE_PACKAGE_CONTROL_EXTRA ${ZPIPE_DEB_CONTROL_EXTRA})
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)  # scripts 0755, others 0644

set(CPACK_DEBIAN_DEV_PACKAGE_NAME zpipe-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_DESCRIPTION
    "zpipe's C++ libraries: producers and workers of your own
The static libraries zpipe::client (submit jobs) and zpipe::worker (a worker with handlers of
your own), their headers, a CMake package (find_package(zpipe)) and pkg-config files
(zpipe-client, zpipe).")
# The packages of what find_package(zpipe) finds, and what zpipe.pc requires.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libzmq3-dev, cppzmq-dev, libmsgpack-cxx-dev, nlohmann-json3-dev, libspdlog-dev, libcli11-dev, libsqlite3-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_RECOMMENDS "zpipe (= ${PROJECT_VERSION}), pkg-config")

include(CPack)
