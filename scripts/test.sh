#!/usr/bin/env bash
# Set up, build everything, and run the default test suite (CTest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j2 "$@"
