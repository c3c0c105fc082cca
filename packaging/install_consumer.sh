#!/usr/bin/env bash
# Installs an otverify build into a temporary prefix, checks the installed CLI,
# then configures, builds and runs packaging/consumer against the installed
# package only (find_package(otverify), otverify::otverify and otverify::study).
# usage: install_consumer.sh <otverify build dir> <consumer source dir> [compiler launcher]
set -euo pipefail
build=$1 consumer=$2 launcher=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi; }
check "headers installed under include/otv" "[ -f '$tmp/prefix/include/otv/transformer.hpp' ]"
check "package config installed" "[ -f '$tmp/prefix/lib/cmake/otverify/otverifyConfig.cmake' ]"
check "installed otverify --version" "'$tmp/prefix/bin/otverify' --version | grep -q '^otverify [0-9]'"
cmake -S "$consumer" -B "$tmp/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"} >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; exit 1; }
check "consumer finds the package in the prefix" "grep -q '$tmp/prefix/lib/cmake/otverify' '$tmp/consumer/CMakeCache.txt'"
cmake --build "$tmp/consumer" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
out=$("$tmp/consumer/consumer")
echo "$out"
check "consumer sorts the paper's example" "grep -qx 'sorted 0 0.25 0.5 0.75' <<<'$out'"
check "consumer's Sinkhorn converges in mpfr" "grep -qx 'sinkhorn converged 1' <<<'$out'"
check "study library installed" "[ -f '$tmp/prefix/lib/libotv_study.a' ] && [ -f '$tmp/prefix/include/study/forward_run.hpp' ]"
check "consumer sorts through otverify::study (run_construction, mpfr:128)" "grep -qx 'study readout 0.00 0.25 0.50 0.75' <<<'$out'"
exit $((fail > 0))
