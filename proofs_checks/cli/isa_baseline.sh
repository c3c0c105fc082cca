#!/usr/bin/env bash
# OTV_ISA=baseline forces the SSE2 kernels (src/otv/isa.hpp): the same results,
# byte for byte, as the machine's widest kernels, at n large enough for the row
# split (n + 1 > 256) and for full vectors; --version names the path; a bad
# OTV_ISA is one line on stderr and exit 2; --exp libm and vector differ (the
# choice takes effect) and both are recorded in the JSON.
set -u
otv="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi; }
widest=$("$otv" --version | sed -n 's/^kernels: \([a-z0-9]*\) .*/\1/p')
check "--version names the kernels ($widest)" '[ -n "$widest" ]'
check "OTV_ISA=baseline: --version says baseline" '[ "$(OTV_ISA=baseline "$otv" --version | sed -n "s/^kernels: \([a-z0-9]*\) .*/\1/p")" = baseline ]'
for scalar in double float; do
  for exp in vector libm; do
    args=(run --generator uniform --n 300 --d 2 --seed 4 --layers 3 --scalar "$scalar" --exp "$exp" --json)
    "$otv" "${args[@]}" | grep -v '"isa"' >"$tmp/wide_${scalar}_${exp}"
    OTV_ISA=baseline "$otv" "${args[@]}" | grep -v '"isa"' >"$tmp/base_${scalar}_${exp}"
    check "$scalar, --exp $exp: baseline and $widest kernels give identical output" \
      "[ -s '$tmp/wide_${scalar}_${exp}' ] && cmp -s '$tmp/wide_${scalar}_${exp}' '$tmp/base_${scalar}_${exp}'"
    check "$scalar, --exp $exp: the JSON records it" "grep -q '\"exp\": \"$exp\"' '$tmp/wide_${scalar}_${exp}'"
  done
  check "$scalar: --exp libm and --exp vector differ somewhere (beyond the exp field)" \
    "! cmp -s <(grep -v '\"exp\"' '$tmp/wide_${scalar}_vector') <(grep -v '\"exp\"' '$tmp/wide_${scalar}_libm')"
done
OTV_ISA=sse9 "$otv" run --generator paper --n 4 >"$tmp/out" 2>"$tmp/err"; rc=$?
check "OTV_ISA=sse9: exit 2 with one line on stderr" '[ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ]'
"$otv" run --generator paper --n 4 --exp fast >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--exp fast: exit 2 with one line on stderr" '[ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]'
echo "$fail failed"
[ "$fail" -eq 0 ]
