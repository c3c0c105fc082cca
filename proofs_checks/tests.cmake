# Catch2 checks of each proof step and claim; registered with CTest.
include(/usr/lib/cmake/Catch2/Catch.cmake OPTIONAL RESULT_VARIABLE OTV_CATCH_CMAKE)
file(GLOB OTV_PROOF_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
add_executable(proofs_checks ${OTV_PROOF_SOURCES})
target_link_libraries(proofs_checks PRIVATE otv Catch2::Catch2)
catch_discover_tests(proofs_checks TEST_PREFIX "proofs/" PROPERTIES LABELS "proofs")
add_test(NAME cli/bad_input COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/bad_input.sh $<TARGET_FILE:otverify>)
add_test(NAME cli/run_all_scalars COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/run_all_scalars.sh $<TARGET_FILE:otverify>)
add_test(NAME cli/theorem1 COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/theorem1.sh $<TARGET_FILE:otverify>)
add_test(NAME cli/theorem2 COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/theorem2.sh $<TARGET_FILE:otverify>)
add_test(NAME cli/breakdown COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/breakdown.sh $<TARGET_FILE:otverify>)
add_test(NAME cli/train COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/train.sh $<TARGET_FILE:otverify>)
# The notebook setup's forward pass against an independent NumPy implementation (Debian's numpy: /usr/bin/python3).
add_test(NAME cli/notebook_forward COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/cli/notebook_forward.py $<TARGET_FILE:otverify>)
add_test(NAME cli/determinism COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/determinism.sh $<TARGET_FILE:otverify>)
add_test(NAME cli/version_help_strict COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/version_help_strict.sh $<TARGET_FILE:otverify>)
add_test(NAME cli/output_files COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/output_files.sh $<TARGET_FILE:otverify>)
set_tests_properties(cli/bad_input cli/run_all_scalars cli/theorem1 cli/theorem2 cli/breakdown cli/train cli/notebook_forward cli/determinism
                     cli/version_help_strict cli/output_files PROPERTIES LABELS "cli")
include(${CMAKE_CURRENT_LIST_DIR}/sanitize.cmake)
# otverify report: the quick profile once (fixture), then headless Chromium on its HTML.
add_test(NAME report/quick COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/report_quick.sh $<TARGET_FILE:otverify> ${CMAKE_BINARY_DIR}/report-test)
add_test(NAME report/browser COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/report_browser.sh $<TARGET_FILE:otverify> ${CMAKE_BINARY_DIR}/report-test
         ${CMAKE_SOURCE_DIR}/reports)
set_tests_properties(report/quick PROPERTIES LABELS "report;cli" FIXTURES_SETUP otv_report)
set_tests_properties(report/browser PROPERTIES LABELS "report;cli" FIXTURES_REQUIRED otv_report)
