# cmake --install <build> [--prefix P] installs the otv headers (include/otv), the
# study layer (include/study, lib/libotv_study.a), the otverify command (bin) and
# lib/cmake/otverify, so that a consumer can
#   find_package(otverify REQUIRED)
#   target_link_libraries(app PRIVATE otverify::otverify)   # the numerics, header-only
#   target_link_libraries(app PRIVATE otverify::study)      # the studies (compiled)
# otverify::otverify is the header library with its dependencies (Boost, Eigen,
# MPFR, MPFI, GMP, quadmath, SLEEF); otverify::study adds nlohmann_json and fmt.
# The config finds them again.
include(CMakePackageConfigHelpers)
set_target_properties(otv PROPERTIES EXPORT_NAME otverify)
add_library(otverify::otverify ALIAS otv)
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/src/otv DESTINATION include)
install(TARGETS otv EXPORT otverifyTargets)
set_target_properties(otv_study PROPERTIES EXPORT_NAME study)
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/src/study DESTINATION include FILES_MATCHING PATTERN "*.hpp")
install(TARGETS otv_study EXPORT otverifyTargets ARCHIVE DESTINATION lib)
install(TARGETS otverify RUNTIME DESTINATION bin)
install(EXPORT otverifyTargets NAMESPACE otverify:: DESTINATION lib/cmake/otverify)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/otverifyConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/otverifyConfig.cmake
                              INSTALL_DESTINATION lib/cmake/otverify)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/otverifyConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/otverifyConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/otverifyConfigVersion.cmake
        DESTINATION lib/cmake/otverify)
