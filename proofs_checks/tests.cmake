# Catch2 checks of each proof step and claim; registered with CTest.
include(/usr/lib/cmake/Catch2/Catch.cmake OPTIONAL RESULT_VARIABLE OTV_CATCH_CMAKE)
file(GLOB OTV_PROOF_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
add_executable(proofs_checks ${OTV_PROOF_SOURCES})
target_link_libraries(proofs_checks PRIVATE otv Catch2::Catch2)
catch_discover_tests(proofs_checks TEST_PREFIX "proofs/" PROPERTIES LABELS "proofs")
add_test(NAME cli/bad_input COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/bad_input.sh $<TARGET_FILE:otverify>)
add_test(NAME cli/run_all_scalars COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/run_all_scalars.sh $<TARGET_FILE:otverify>)
set_tests_properties(cli/bad_input cli/run_all_scalars PROPERTIES LABELS "cli")
