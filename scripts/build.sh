#!/usr/bin/env bash
# Configures and builds otverify in ./build (Release, Ninja). Extra arguments go to ninja.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build "$@"
