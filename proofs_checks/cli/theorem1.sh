#!/usr/bin/env bash
# otverify theorem1 end to end: verdicts, first failing layer, ladder, certificate,
# replay and random trials, through the JSON interface.
set -u
source "$(dirname "$0")/expect_json.sh" "$1"
expect() { expect_json theorem1 "$@"; }
expect "paper fails at layer 2, mathematically (ladder slope ~0)" \
  'j["verdict"] == "fails" and j["first_failing_layer"] == 2 and abs(j["ladder_slope"]) < 0.05 and len(j["per_layer"]) == 50' \
  -- --variant paper --layers 50
expect "notebook fails the same way" 'j["verdict"] == "fails" and j["first_failing_layer"] == 2' -- --variant notebook --layers 20
expect "corrected holds; the ladder slope is ~1 (rounding)" \
  'j["verdict"] == "holds" and j["first_failing_layer"] is None and abs(j["ladder_slope"] - 1) < 0.1' \
  -- --variant corrected --layers 200
expect "relu-reset holds, also outside corrected's domain (gamma = 0.05, lambda = 0.001)" \
  'j["verdict"] == "holds" and float(j["sink"][-1]["u"]) == 0.0' -- --variant relu-reset --lambda 0.001 --gamma 0.05 --layers 300
# Outside gamma < 2 lambda (n + 1) the sink's fixed point 0 is unstable: a rounding seed grows by
# |1 - gamma / (lambda (n + 1))| = 9 per layer, reaching a fixed size later the more bits (F3).
expect "corrected outside its domain: unstable (depth rises with the bits, growth ~9 per layer)" \
  'j["verdict"] == "unstable" and [e["failure_depth"] for e in j["ladder"]] == [21, 42, 86] and abs(j["ladder_decision"]["growth_from_depths"] / 9 - 1) < 0.1 and j["ladder_decision"]["predicted_growth_corrected_sink"] == 9' \
  -- --variant corrected --lambda 0.001 --gamma 0.05 --layers 300 --ladder double,mpfr:128,mpfr:256
expect "paper sink u tends to -2 lambda ln n" \
  'abs(float(j["sink"][-1]["u"]) + 2 * 0.005 * __import__("math").log(4)) < 1e-12 and float(j["sink"][0]["u"]) == -0.0075' \
  -- --variant paper --layers 500 --ladder double
expect "certificate: disjoint enclosures at layer 2 for paper" \
  'j["certificate"]["counterexample"]["layer"] == 2' -- --variant paper --layers 10 --certify --ladder double
expect "certificate: corrected is bounded, no counterexample" \
  'j["certificate"]["counterexample"] is None and j["certificate"]["informative_through_layer"] == 30' \
  -- --variant corrected --layers 30 --certify --ladder double
expect "replay of the minimal counterexample" \
  'j["verdict"] == "fails" and j["first_failing_layer"] == 2 and j["per_layer"][1]["max_u_err"] > 1e-5' \
  -- --replay 'generator=uniform,n=2,d=1,seed=0,lambda=1,gamma=0.01,layers=2,variant=paper'
expect "random trials: corrected holds on all (d = 2)" 'j["counts"]["holds"] == 12 and all(",d=2," in t["replay"] for t in j["trials"])' \
  -- --variant corrected --trials 12 --max-n 16 --layers 20 --d 2
expect "random trials: paper fails on n >= 2" 'j["counts"]["fails"] >= 10 and j["worst_case"].startswith("generator=uniform")' \
  -- --variant paper --trials 12 --max-n 16 --layers 20 --seed 4
# --seed seeds the trials' draws (it was once reset to 1): the same seed draws the same
# instances, another seed others.
trials_drawn() { "$otv" theorem1 --json --variant corrected --trials 6 --max-n 8 --layers 2 --ladder double "$@" 2>/dev/null |
  /usr/bin/python3 -c 'import json, sys; print([t["replay"] for t in json.load(sys.stdin)["trials"]])'; }
count=$((count + 1))
a=$(trials_drawn --seed 4); b=$(trials_drawn --seed 4); c=$(trials_drawn --seed 5); one=$(trials_drawn); c1=$(trials_drawn --seed 1)
if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" != "$c" ] && [ -n "$one" ] && [ "$one" = "$c1" ] && [ "$one" != "$a" ]; then echo "ok: --seed seeds the trials"
else echo "FAIL: --seed and the trials: first replays: seed 4 ${a:0:60}, again ${b:0:60}, seed 5 ${c:0:60}, default ${one:0:60}, seed 1 ${c1:0:60}"; fail=$((fail + 1)); fi
# In an interval type the text table shows the sink's enclosures (it once exited 4 parsing them).
count=$((count + 1))
out=$("$otv" theorem1 --variant corrected --layers 5 --scalar mpfi:128 --ladder mpfi:128 2>&1); rc=$?
if [ "$rc" -eq 0 ] && grep -Eq '^ +5 .*\[-?[0-9.e+-]+, -?[0-9.e+-]+\]' <<<"$out"; then echo "ok: mpfi text table shows the sink's enclosures"
else echo "FAIL: mpfi text table (exit $rc): $(tail -1 <<<"$out")"; fail=$((fail + 1)); fi
# Bad input for theorem1's own options: one line on stderr, exit 2.
for bad in "--trials -1" "--trials 5 --max-n 0" "--ladder double,quad" "--replay n=abc" "--replay bogus=1" "--certify-bits 1"; do
  count=$((count + 1))
  # shellcheck disable=SC2086
  "$otv" theorem1 $bad >/dev/null 2>"${TMPDIR:-/tmp}/t1err.$$"; rc=$?
  if [ "$rc" -eq 2 ] && [ "$(wc -l <"${TMPDIR:-/tmp}/t1err.$$")" -eq 1 ]; then echo "ok: bad input $bad"; else echo "FAIL: bad input $bad (exit $rc)"; fail=$((fail + 1)); fi
done
rm -f "${TMPDIR:-/tmp}/t1err.$$"
finish
