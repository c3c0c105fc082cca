#!/usr/bin/env bash
# `otverify run --scalar S --json` works for every scalar type: the JSON has the
# documented fields, the readout of the paper's example approaches the sorted
# list, and the sink entries show the documented drift (-2 lambda ln n limit).
set -u
otv="$1"
py=/usr/bin/python3
fail=0; count=0
for s in float double long-double float128 cpp_bin_float_50 cpp_bin_float_100 mpfr:128 mpfi:512; do
  count=$((count + 1))
  if ! out=$("$otv" run --scalar "$s" --layers 300 --json 2>&1); then
    echo "FAIL: $s: $out"; fail=$((fail + 1)); continue
  fi
  if echo "$out" | "$py" -c '
import json, sys
j = json.load(sys.stdin)
need = ["scalar", "variant", "n", "d", "lambda", "gamma", "layers", "readout", "sorted", "u", "v", "sink", "attention_last", "marginal_error"]
missing = [k for k in need if k not in j]
assert not missing, f"missing fields {missing}"
def val(t):  # number, decimal string, or interval "[lo, hi]" -> midpoint
    if isinstance(t, (int, float)): return float(t)
    if t.startswith("["):
        lo, hi = t[1:-1].split(","); return (float(lo) + float(hi)) / 2
    return float(t)
assert j["scalar"].split(":")[0] == sys.argv[1].split(":")[0], j["scalar"]
assert j["n"] == 4 and j["d"] == 1 and j["layers"] == 300
err = max(abs(val(a) - val(b)) for a, b in zip(j["readout"], j["sorted"]))
assert err < 1e-3, f"readout error {err}"
assert [val(t) for t in j["sorted"]] == [0.0, 0.25, 0.5, 0.75]
assert len(j["attention_last"]) == 4 and all(len(r) == 4 for r in j["attention_last"])
assert val(j["sink"]["u"]) < 0 and set(j["marginal_error"]) == {"rows", "cols"}
if sys.argv[1] in ("float", "double"):
    assert isinstance(j["readout"][0], float), "float and double print JSON numbers"
else:
    assert isinstance(j["readout"][0], str), "multiprecision prints decimal strings"
' "$s"; then echo "ok: $s"; else echo "FAIL: $s"; fail=$((fail + 1)); fi
done
# Non-finite output is counted wherever it appears (the readout and patterns too,
# not only the state Z): breakdown.nonfinite_entries is at least the number of
# non-finite values printed, and the text output says BREAKDOWN.
for args in "--scalar float --lambda 1e-30 --layers 3" "--x 5.,1 --y 0,1 --layers 3" "--layers 300 --patterns-at 0,300"; do
  count=$((count + 1))
  if "$otv" run $args --json | "$py" -c '
import json, sys
j = json.load(sys.stdin)
def nonfinite(v):
    if isinstance(v, dict): return sum(nonfinite(x) for k, x in v.items() if k != "breakdown")
    if isinstance(v, list): return sum(nonfinite(x) for x in v)
    return int(isinstance(v, str) and any(t in v for t in ("nan", "inf")))
printed, counted = nonfinite(j), j["breakdown"]["nonfinite_entries"]
assert counted >= printed and (counted > 0) == (printed > 0), (printed, counted)
assert (printed > 0) == (sys.argv[1] != "finite"), printed
' "$( [[ "$args" == *patterns* ]] && echo finite || echo nonfinite )" && { [[ "$args" == *patterns* ]] || "$otv" run $args | grep -q '^BREAKDOWN'; }; then
    echo "ok: non-finite values counted: run $args"
  else echo "FAIL: non-finite values not counted: run $args"; fail=$((fail + 1)); fi
done
echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
