#!/usr/bin/env bash
# Runs one libFuzzer target for a few seconds from its committed seed corpus.
# usage: run_fuzzer.sh <fuzzer binary> <seed corpus dir> <seconds> <artifact dir> [random seed]
# The random seed is fixed in the test suite (default 1) so that a red run can be
# replayed; 0 lets libFuzzer pick one (the opt-in long runs).
# New coverage goes to a scratch corpus (the committed one is read only); a crash,
# sanitizer report or timeout fails the test and leaves the input in the
# artifact dir: fix the bug and add the input to the seed corpus as a regression.
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=$3 artifacts=$4 seed=${5:-1}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$artifacts"
if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -seed="$seed" \
     -artifact_prefix="$artifacts/" "$scratch" "$seeds" >"$scratch.log" 2>&1; then
  grep -E "^(stat::number_of_executed_units|stat::new_units_added|INFO: seed corpus)" "$scratch.log" || true
  echo "ok: $(basename "$fuzzer") ran ${seconds}s (seed $seed) from $(ls "$seeds" | wc -l) seed inputs without a finding"
  rm -f "$scratch.log"
else
  tail -n 60 "$scratch.log"
  echo "FAIL: $(basename "$fuzzer") (seed $seed) found an input that crashes or hangs; see $artifacts/"
  rm -f "$scratch.log"
  exit 1
fi
