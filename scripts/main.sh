#!/usr/bin/env bash
# The main job: set up, build, and run otverify on the paper's demo instance.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh otverify
./build/otverify run "$@"
