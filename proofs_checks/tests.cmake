# Catch2 checks of each proof step and claim; registered with CTest.
include(/usr/lib/cmake/Catch2/Catch.cmake OPTIONAL RESULT_VARIABLE OTV_CATCH_CMAKE)
# Catch2's main, compiled once for the three check executables (proofs_checks, study_checks, property_tests).
add_library(otv_catch_main STATIC ${CMAKE_CURRENT_LIST_DIR}/catch_main.cpp)
target_link_libraries(otv_catch_main PUBLIC Catch2::Catch2)
# The check executables compile at -O1 in Release: at -O3 their units were about half of the
# build's compile time, while they run in seconds at any level. What they check is the same
# at every level: no -ffast-math, -ffp-contract=off, and the kernels' vectors are explicit
# (GCC vector extensions, SLEEF intrinsics), not left to the auto-vectoriser.
set(OTV_CHECK_OPTIMIZATION $<$<CONFIG:Release>:-O1>)
target_compile_options(otv_catch_main PRIVATE ${OTV_CHECK_OPTIMIZATION})
file(GLOB OTV_PROOF_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
list(REMOVE_ITEM OTV_PROOF_SOURCES ${CMAKE_CURRENT_LIST_DIR}/catch_main.cpp)
add_executable(proofs_checks ${OTV_PROOF_SOURCES})
target_link_libraries(proofs_checks PRIVATE otv otv_catch_main)  # header-only numerics: the ASan build compiles no study layer
target_compile_options(proofs_checks PRIVATE ${OTV_CHECK_OPTIMIZATION})
catch_discover_tests(proofs_checks TEST_PREFIX "proofs/" EXTRA_ARGS --warn NoTests PROPERTIES LABELS "proofs")
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
add_test(NAME cli/printed_examples COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/printed_examples.sh $<TARGET_FILE:otverify>)
add_test(NAME cli/option_style COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/option_style.sh $<TARGET_FILE:otverify>)
add_test(NAME cli/nonfinite_spelling COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/nonfinite_spelling.sh $<TARGET_FILE:otverify>)
add_test(NAME cli/printed_digits COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/printed_digits.sh $<TARGET_FILE:otverify>)
add_test(NAME cli/docs_cover COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/docs_cover.sh $<TARGET_FILE:otverify>)
set_tests_properties(cli/bad_input cli/run_all_scalars cli/theorem1 cli/theorem2 cli/breakdown cli/train cli/notebook_forward cli/determinism
                     cli/version_help_strict cli/output_files cli/printed_examples
                     cli/option_style cli/nonfinite_spelling cli/printed_digits cli/docs_cover PROPERTIES LABELS "cli")
if(OTV_MPI)  # mpirun as root and 3 ranks on 2 cores: the script sets what Open MPI needs
  add_test(NAME cli/mpi COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/mpi.sh $<TARGET_FILE:otverify>)
  set_tests_properties(cli/mpi PROPERTIES LABELS "cli;mpi" TIMEOUT 600)
endif()
include(${CMAKE_CURRENT_LIST_DIR}/sanitize.cmake)
# otverify report: the quick profile once (fixture), then headless Chromium on its HTML.
add_test(NAME report/quick COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/report_quick.sh $<TARGET_FILE:otverify> ${CMAKE_BINARY_DIR}/report-test)
add_test(NAME report/browser COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/report_browser.sh $<TARGET_FILE:otverify> ${CMAKE_BINARY_DIR}/report-test
         ${CMAKE_SOURCE_DIR}/reports)
set_tests_properties(report/quick PROPERTIES LABELS "report;cli" FIXTURES_SETUP otv_report)
set_tests_properties(report/browser PROPERTIES LABELS "report;cli" FIXTURES_REQUIRED otv_report)
# The SSE2 fallback of the vector kernels (src/otv/isa.hpp), forced with OTV_ISA=baseline:
# the forward-pass and exp checks again (bitwise against the textbook loops), and the
# CLI's results identical to those of the machine's widest kernels.
add_test(NAME isa/baseline_kernels COMMAND proofs_checks "[forward],[exp]")
set_tests_properties(isa/baseline_kernels PROPERTIES ENVIRONMENT OTV_ISA=baseline LABELS "proofs")
add_test(NAME cli/isa_baseline COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli/isa_baseline.sh $<TARGET_FILE:otverify>)
set_tests_properties(cli/isa_baseline PROPERTIES LABELS "cli")
# Third-party oracles: POT (exact and entropic OT) and a NumPy implementation of the
# authors' formulation (bench/references.py), with tolerances from the error model.
add_test(NAME oracle/pot COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/oracles/pot_oracle.py $<TARGET_FILE:otverify>)
add_test(NAME oracle/notebook COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/oracles/notebook_oracle.py $<TARGET_FILE:otverify>
         ${CMAKE_SOURCE_DIR}/bench)
set_tests_properties(oracle/pot oracle/notebook PROPERTIES LABELS "oracle;cli")
