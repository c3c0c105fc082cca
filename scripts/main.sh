#!/usr/bin/env bash
# The main job: set up, build, and write the quick audit report (report.html, with
# its data in report.json) in the repository root. Extra arguments go to
# `otverify report`, e.g. `bash scripts/main.sh --profile full`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh otverify property_tests
[ $# -eq 0 ] && set -- --profile quick
./build/otverify report --out report.html --force "$@"
