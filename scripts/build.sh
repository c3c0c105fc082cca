#!/usr/bin/env bash
# Configures and builds otverify in ./build (Release, Ninja). Extra arguments go to ninja.
# OTV_USE_CCACHE=OFF builds as on a machine without ccache (CI does; default ON: use it if found).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DOTV_USE_CCACHE="${OTV_USE_CCACHE:-ON}" >/dev/null
ninja -C build "$@"
