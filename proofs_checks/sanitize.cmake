# ASan + UBSan (label `sanitize`): the CTest step sanitize/build configures this
# source tree in <build>/build-asan with -fsanitize=address,undefined and builds
# only proofs_checks (the CLI's 16 per-scalar units would triple the build);
# sanitize/proofs runs every Catch2 proof check under it: any report fails the
# test (-fno-sanitize-recover, leaks included). The CLI's parsers run under
# ASan + UBSan in the fuzzers (label `fuzz`).
set(OTV_ASAN_BUILD ${CMAKE_BINARY_DIR}/build-asan)
set(OTV_SANITIZE_FLAGS "-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all")
add_test(NAME sanitize/build COMMAND bash -c
  "cmake -S '${CMAKE_SOURCE_DIR}' -B '${OTV_ASAN_BUILD}' -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS='${OTV_SANITIZE_FLAGS}' -DOTV_USE_CCACHE=${OTV_USE_CCACHE} >/dev/null && cmake --build '${OTV_ASAN_BUILD}' --target proofs_checks --parallel 2")
set_tests_properties(sanitize/build PROPERTIES LABELS "sanitize" FIXTURES_SETUP otv_asan_build TIMEOUT 1200)
add_test(NAME sanitize/proofs COMMAND ${OTV_ASAN_BUILD}/proofs_checks)
set_tests_properties(sanitize/proofs PROPERTIES LABELS "sanitize" FIXTURES_REQUIRED otv_asan_build TIMEOUT 900
                     ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1;UBSAN_OPTIONS=print_stacktrace=1")
