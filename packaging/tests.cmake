# packaging/install_consumer: installs this build into a temporary prefix and
# builds and runs packaging/consumer against it with find_package(otverify).
add_test(NAME packaging/install_consumer
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install_consumer.sh ${CMAKE_BINARY_DIR} ${CMAKE_CURRENT_LIST_DIR}/consumer ${CCACHE_PROGRAM})
set_tests_properties(packaging/install_consumer PROPERTIES LABELS "packaging" TIMEOUT 600)
