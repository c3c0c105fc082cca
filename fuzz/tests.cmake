# Fuzzers (fuzz/): the CTest step fuzz/build configures and builds fuzz/ with
# clang in <build>/build-fuzz (libFuzzer needs clang; the main build stays GCC),
# then each target runs OTV_FUZZ_SECONDS from its seed corpus fuzz/corpus/<name>/.
find_program(OTV_CLANGXX NAMES clang++ clang++-14 REQUIRED)
set(OTV_FUZZ_SECONDS 20 CACHE STRING "seconds each fuzzer runs in the test suite")
set(OTV_FUZZ_SEED 1 CACHE STRING "libFuzzer -seed in the test suite (fixed so a finding replays; 0 = random)")
# Opt-in soak: cmake -DOTV_FUZZ_SOAK=ON, then ctest -L soak (random seed, 10 min each).
option(OTV_FUZZ_SOAK "register fuzz-soak/<target> tests (label soak): random seed, OTV_FUZZ_SOAK_SECONDS each" OFF)
set(OTV_FUZZ_SOAK_SECONDS 600 CACHE STRING "seconds each fuzzer runs under the label soak")
set(OTV_FUZZ_BUILD ${CMAKE_BINARY_DIR}/build-fuzz)
add_test(NAME fuzz/build COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/build_fuzzers.sh ${OTV_FUZZ_BUILD} ${OTV_CLANGXX} ${OTV_COMPILER_LAUNCHER})
set_tests_properties(fuzz/build PROPERTIES LABELS "fuzz" FIXTURES_SETUP otv_fuzz_build TIMEOUT 900)
foreach(t inline_points csv_points result_lines model_json)
  add_test(NAME fuzz/${t} COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_fuzzer.sh ${OTV_FUZZ_BUILD}/fuzz_${t}
           ${CMAKE_CURRENT_LIST_DIR}/corpus/${t} ${OTV_FUZZ_SECONDS} ${CMAKE_BINARY_DIR}/fuzz-artifacts/${t} ${OTV_FUZZ_SEED})
  set_tests_properties(fuzz/${t} PROPERTIES LABELS "fuzz" FIXTURES_REQUIRED otv_fuzz_build TIMEOUT 300)
  if(OTV_FUZZ_SOAK)
    add_test(NAME fuzz-soak/${t} COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_fuzzer.sh ${OTV_FUZZ_BUILD}/fuzz_${t}
             ${CMAKE_CURRENT_LIST_DIR}/corpus/${t} ${OTV_FUZZ_SOAK_SECONDS} ${CMAKE_BINARY_DIR}/fuzz-artifacts/${t} 0)
    set_tests_properties(fuzz-soak/${t} PROPERTIES LABELS "soak" FIXTURES_REQUIRED otv_fuzz_build TIMEOUT 7200)
  endif()
endforeach()
