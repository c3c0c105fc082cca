# packaging/install_consumer: installs this build into a temporary prefix and
# builds and runs packaging/consumer against it with find_package(otverify).
add_test(NAME packaging/install_consumer
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install_consumer.sh ${CMAKE_BINARY_DIR} ${CMAKE_CURRENT_LIST_DIR}/consumer ${OTV_COMPILER_LAUNCHER})
set_tests_properties(packaging/install_consumer PROPERTIES LABELS "packaging" TIMEOUT 600)
# packaging/fresh_configure: configure with the optional tools hidden (ccache, Google
# Benchmark); no NOTFOUND placeholder may reach a test command or build rule.
add_test(NAME packaging/fresh_configure COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/fresh_configure.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(packaging/fresh_configure PROPERTIES LABELS "packaging" TIMEOUT 300)
