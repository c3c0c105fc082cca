#!/usr/bin/env bash
# Same options and seed, same output: byte for byte across runs (every
# randomised path: generators, theorem1 trials) in native and mpfr types.
# Across --jobs for breakdown: proofs_checks/cli/breakdown.sh.
set -u
otv="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; count=0
same_twice() {  # same_twice <description> <args...>
  local what="$1"; shift
  count=$((count + 1))
  "$otv" "$@" >"$tmp/a" 2>&1; local ra=$?
  "$otv" "$@" >"$tmp/b" 2>&1; local rb=$?
  if [ "$ra" -ne 0 ] || [ "$rb" -ne 0 ]; then echo "FAIL: $what: exit $ra, $rb"; sed 's/^/  /' "$tmp/a" | head -5; fail=$((fail + 1))
  elif cmp -s "$tmp/a" "$tmp/b"; then echo "ok: $what ($(wc -c <"$tmp/a") identical bytes)"
  else echo "FAIL: $what: outputs differ"; diff "$tmp/a" "$tmp/b" | head -5; fail=$((fail + 1)); fi
}
same_twice "run, uniform d = 2, double"      run --generator uniform --n 12 --d 2 --seed 7 --layers 50 --json
same_twice "run, gaussian, float"            run --generator gaussian --n 9 --d 3 --seed 11 --layers 50 --scalar float --json
same_twice "run, paper, long-double"         run --generator paper --n 16 --seed 3 --layers 50 --scalar long-double --json
same_twice "run, paper, mpfr:128"            run --generator paper --n 8 --seed 3 --layers 20 --scalar mpfr:128 --json
same_twice "theorem1, 6 random trials"       theorem1 --trials 6 --max-n 6 --seed 5 --layers 5 --json
same_twice "theorem2, paper instance"        theorem2 --generator paper --n 4 --seed 2 --layers 32 --json
# A different seed must change the instance (the check above could pass on a constant).
count=$((count + 1))
"$otv" run --generator uniform --n 12 --d 2 --seed 8 --layers 50 --json >"$tmp/c" 2>&1
"$otv" run --generator uniform --n 12 --d 2 --seed 7 --layers 50 --json >"$tmp/d" 2>&1
if cmp -s "$tmp/c" "$tmp/d"; then echo "FAIL: seeds 7 and 8 give the same output"; fail=$((fail + 1)); else echo "ok: another seed, another output"; fi
echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
