# `cmake --install build --prefix P`: the simulator library, its public
# headers, the command line and the shipped files (data/, tracks/,
# scenarios/, and web/dist when the front end was built) in
# P/share/fleetlab, where util/share_dir.h looks; and a package config, so
# that a program's CMakeLists.txt says
#   find_package(fleetlab REQUIRED)
#   target_link_libraries(app PRIVATE fleetlab::fleetlab)
# (examples/embed/; docs/design.md, "Embedding"). Included by CMakeLists.txt.
include(CMakePackageConfigHelpers)

set(FLEETLAB_INSTALL_CMAKE ${CMAKE_INSTALL_LIBDIR}/cmake/fleetlab)
set(FLEETLAB_WITH_MPI ${MPI_CXX_FOUND})  # fleetlab_core then links MPI publicly

set_target_properties(fleetlab_core PROPERTIES EXPORT_NAME fleetlab)
install(TARGETS fleetlab_core EXPORT fleetlab-targets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS fleetlab RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/fleetlab DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/data ${CMAKE_SOURCE_DIR}/tracks ${CMAKE_SOURCE_DIR}/scenarios
        DESTINATION ${FLEETLAB_INSTALL_SHARE})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/web/dist DESTINATION ${FLEETLAB_INSTALL_SHARE}/web OPTIONAL)

install(EXPORT fleetlab-targets NAMESPACE fleetlab:: DESTINATION ${FLEETLAB_INSTALL_CMAKE})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/fleetlab-config.cmake.in
  ${CMAKE_BINARY_DIR}/fleetlab-config.cmake INSTALL_DESTINATION ${FLEETLAB_INSTALL_CMAKE}
  PATH_VARS FLEETLAB_INSTALL_SHARE)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/fleetlab-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/fleetlab-config.cmake ${CMAKE_BINARY_DIR}/fleetlab-config-version.cmake
        DESTINATION ${FLEETLAB_INSTALL_CMAKE})
