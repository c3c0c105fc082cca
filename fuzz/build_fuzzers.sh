#!/usr/bin/env bash
# Configures and builds the fuzz targets with clang.
# usage: build_fuzzers.sh <build dir> <clang++> [compiler launcher, e.g. ccache]
set -euo pipefail
build=$1 clangxx=$2 launcher=${3:-}
cmake -S "$(dirname "$0")" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$clangxx" \
  ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"} >/dev/null
cmake --build "$build" --parallel 2
