#!/usr/bin/env bash
# Numbers in text (docs/cli.md, "Numbers"): run echoes lambda and gamma as
# given, prints results to 6 significant digits by default, to N with
# --digits N and every digit of the JSON with --digits all; an interval's
# endpoints are rounded outward (the shown interval still encloses).
set -u
otv="$1"
py=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; count=0
check() {  # check <description> <command string>
  count=$((count + 1))
  if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi
}
args=(run --scalar mpfr:257 --layers 200)
"$otv" "${args[@]}" >"$tmp/default.txt"
"$otv" "${args[@]}" --digits 12 >"$tmp/d12.txt"
"$otv" "${args[@]}" --digits all >"$tmp/all.txt"
"$otv" "${args[@]}" --json >"$tmp/j.json"
check "the inputs as given: lambda = 0.005, gamma = 0.01" "grep -q 'lambda = 0.005, gamma = 0.01, 200 layers' $tmp/default.txt"
check "theorem2 too: lambda = 0.1, gamma = 0.3 in mpfr:200" "'$otv' theorem2 --scalar mpfr:200 --lambda 0.1 --gamma 0.3 --layers 5 | grep -q 'lambda = 0.1, gamma = 0.3, l = 5$'"
# significant <file> <max digits>: every readout number has at most that many significant digits, and one has exactly that many.
significant() {
  "$py" - "$1" "$2" <<'PY'
import re, sys
nums = open(sys.argv[1]).read().split("\nreadout", 1)[1].split("\n", 1)[0].split()
digits = [len(re.sub(r"^0*", "", re.sub(r"e.*$", "", n).replace(".", "").lstrip("-"))) for n in nums]
assert max(digits) == int(sys.argv[2]), (nums, digits)
PY
}
check "default: 6 significant digits" "significant $tmp/default.txt 6"
check "--digits 12: 12" "significant $tmp/d12.txt 12"
check "--digits all: the JSON's decimals, every digit" \
  "$py -c 'import json; j = json.load(open(\"$tmp/j.json\")); line = open(\"$tmp/all.txt\").read().split(\"\\nreadout\", 1)[1].split(\"\\n\", 1)[0]; assert line.split() == j[\"readout\"], line'"
check "rounded to nearest: the 6-digit readout is within half a unit of the last digit" \
  "$py -c '
from decimal import Decimal
import json
j = json.load(open(\"$tmp/j.json\"))
shown = open(\"$tmp/default.txt\").read().split(\"\\nreadout\", 1)[1].split(\"\\n\", 1)[0].split()
for s, full in zip(shown, j[\"readout\"]):
  s, full = Decimal(s), Decimal(full)
  assert abs(s - full) <= abs(full) * Decimal(\"5e-6\"), (s, full)
'"
"$otv" run --scalar mpfi:128 --layers 30 --digits 3 >"$tmp/mpfi.txt"
"$otv" run --scalar mpfi:128 --layers 30 --json >"$tmp/mpfi.json"
check "mpfi: shown endpoints enclose the full ones (lo rounded down, hi up)" \
  "$py -c '
from decimal import Decimal
import json
j = json.load(open(\"$tmp/mpfi.json\"))
line = open(\"$tmp/mpfi.txt\").read().split(\"\\nreadout\", 1)[1].split(\"\\n\", 1)[0].strip()
shown = [p.strip(\"[] \").split(\", \") for p in line.split(\"] [\")]
full = [p.strip(\"[]\").split(\", \") for p in j[\"readout\"]]
assert len(shown) == len(full) == 4, line
for (slo, shi), (flo, fhi) in zip(shown, full):
  assert Decimal(slo) <= Decimal(flo) and Decimal(shi) >= Decimal(fhi), (slo, shi, flo, fhi)
  assert len(slo.lstrip(\"-0.\").split(\"e\")[0].replace(\".\", \"\")) <= 3, slo
'"
check "double: 6 digits, not 17" "'$otv' run --layers 200 | grep -q '^max |readout - sorted| = [0-9.]*e-[0-9]*$' && ! '$otv' run --layers 200 | grep -Eq '[0-9]{8}'"
for bad in 0 -1 1001 six 06 ""; do
  check "--digits '$bad' refused (exit 2, one line)" "'$otv' run --digits '$bad' >/dev/null 2>'$tmp/err'; [ \$? -eq 2 ] && [ \$(wc -l <'$tmp/err') -eq 1 ]"
done
echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
