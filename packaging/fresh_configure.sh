#!/usr/bin/env bash
# The fresh machine's configure: optional tools hidden (ccache, Google Benchmark, MPI), as
# on a Debian 12 machine where only what otverify requires is installed.
# Fails when a placeholder of a tool that was not found (<VAR>-NOTFOUND) reaches a test
# command, a build rule or the compiler launcher -- the bug that failed fuzz/build and
# packaging/install_consumer on machines without ccache.
# usage: fresh_configure.sh <otverify source dir>
set -euo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake -S "$src" -B "$tmp/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOTV_USE_CCACHE=OFF \
  -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON -DCMAKE_DISABLE_FIND_PACKAGE_MPI=ON >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; exit 1; }
fail=0
leaks=$(grep -rn --include=CTestTestfile.cmake --include=build.ninja -e '-NOTFOUND' "$tmp/build" || true)
if [ -n "$leaks" ]; then
  echo "FAIL: a not-found tool's placeholder reaches a test command or build rule:"
  echo "$leaks" | sed "s|$tmp/build|<build>|" | head -20
  fail=1
else
  echo "ok: no -NOTFOUND placeholder in any test command or build rule"
fi
launcher=$(sed -n 's/^CMAKE_CXX_COMPILER_LAUNCHER[^=]*=//p' "$tmp/build/CMakeCache.txt")
if grep -q 'ccache' <<<"$launcher$(grep -rho 'ccache' "$tmp/build/build.ninja" | head -1)"; then
  echo "FAIL: ccache is used although it is hidden (launcher: '$launcher')"; fail=1
else
  echo "ok: no compiler launcher when ccache is hidden"
fi
ntests=$(ctest --test-dir "$tmp/build" -N | sed -n 's/^Total Tests: //p')
if [ "${ntests:-0}" -gt 0 ]; then echo "ok: $ntests tests registered"; else echo "FAIL: no tests registered"; fail=1; fi
if grep -q '^OTV_MPI:BOOL=OFF' "$tmp/build/CMakeCache.txt" && cmake --build "$tmp/build" --target otv_mpi_world >"$tmp/mpi.log" 2>&1; then
  echo "ok: without MPI the build turns MPI off and its stand-in compiles"
else
  echo "FAIL: the build without MPI"; cat "$tmp/mpi.log" 2>/dev/null | tail -5; fail=1
fi
exit $fail
