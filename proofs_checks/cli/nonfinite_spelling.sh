#!/usr/bin/env bash
# One spelling of non-finite values (docs/cli.md, "Numbers"): JSON holds the
# strings "nan", "inf", "-inf" (never null, never the NaN/Infinity tokens that
# are not JSON), text prints nan, inf, -inf (never -nan), and the readers of
# otverify's own files (merge, the breakdown tables) read them back.
set -u
otv="$1"
py=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; count=0
check() {  # check <description> <command string>
  count=$((count + 1))
  if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi
}
# json_check FILE PYTHON-EXPRESSION: strict JSON (no NaN tokens) and the expression on j holds.
json_check() {
  "$py" - "$1" "$2" <<'PY'
import json, sys
def no_constants(c): raise ValueError("non-JSON constant " + c)
docs = [json.loads(l, parse_constant=no_constants) for l in open(sys.argv[1]) if l.strip()] if sys.argv[1].endswith(".jsonl") \
  else [json.load(open(sys.argv[1]), parse_constant=no_constants)]
def values(x):
  if isinstance(x, dict):
    for v in x.values(): yield from values(v)
  elif isinstance(x, list):
    for v in x: yield from values(v)
  else: yield x
for j in docs:
  assert eval(sys.argv[2]), sys.argv[2]
PY
}

# Float at lambda = 1e-30: every run of the ladder overflows (the errors are nan).
"$otv" theorem1 --scalar float --lambda 1e-30 --layers 3 --ladder double,mpfr:128 --json >"$tmp/t1.json"
check "theorem1 JSON: non-finite errors are \"nan\", not null" \
  "json_check $tmp/t1.json 'j[\"max_err\"] == \"nan\" and all(e[\"max_err\"] == \"nan\" and e[\"tolerance\"] == \"nan\" for e in j[\"ladder\"])'"
check "theorem1 JSON: the per-layer errors too" \
  "json_check $tmp/t1.json 'any(r[\"max_u_err\"] in (\"nan\", \"inf\") for r in j[\"per_layer\"]) and None not in [r[k] for r in j[\"per_layer\"] for k in r]'"
"$otv" theorem1 --scalar float --lambda 1e-30 --layers 3 --ladder double,mpfr:128 >"$tmp/t1.txt"
check "theorem1 text: nan, never -nan" "grep -qw nan $tmp/t1.txt && ! grep -q -- '-nan' $tmp/t1.txt"

"$otv" theorem2 --scalar float --lambda 1e-30 --gamma 0.01 --layers 3 --json >"$tmp/t2.json"
check "theorem2 JSON: non-finite as strings, strict JSON" \
  "json_check $tmp/t2.json 'any(v in (\"nan\", \"inf\", \"-inf\") for v in values(j)) and all(not (isinstance(v, float) and v != v) for v in values(j))'"
"$otv" theorem2 --scalar float --lambda 1e-30 --gamma 0.01 --layers 3 >"$tmp/t2.txt"
check "theorem2 text: no -nan" "! grep -q -- '-nan' $tmp/t2.txt"

# long double's printf spells a negative NaN -nan: not in otverify's output.
for form in "" "--json"; do
  "$otv" run --scalar long-double --lambda 1e-300 --layers 3 $form >"$tmp/run$form.out"
  check "run long-double ${form:-text}: nan, never -nan" "grep -q 'nan' $tmp/run$form.out && ! grep -q -- '-nan' $tmp/run$form.out"
done
check "run --json: the readout is \"nan\"" "$py -c 'import json; j = json.load(open(\"$tmp/run--json.out\")); assert j[\"readout\"] == [\"nan\"] * 4'"

# A breakdown cell whose metrics are not finite: written as strings, read back by merge.
"$otv" breakdown --scalars float --softmax naive --n 4 --points 1 --lambda-min 1e-30 --lambda-max 1e-30 --layers 3 --bisect 0 --jobs 1 \
  --out "$tmp/cells.jsonl" --json >"$tmp/b.json" 2>/dev/null
check "breakdown cells: non-finite metrics are \"nan\"/\"inf\" strings, not null" \
  "json_check $tmp/cells.jsonl 'j[\"numeric_error\"] in (\"nan\", \"inf\") and j[\"distance_to_optimal\"] in (\"nan\", \"inf\")'"
check "merge reads them back (a breakdown at that lambda)" \
  "'$otv' merge '$tmp/cells.jsonl' --json >'$tmp/m.json' && $py -c 'import json; j = json.load(open(\"$tmp/m.json\")); assert j[\"thresholds\"][0][\"lambda_star\"] is not None, j[\"thresholds\"]'"

echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
