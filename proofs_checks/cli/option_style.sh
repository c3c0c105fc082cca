#!/usr/bin/env bash
# The CLI's manners: help names every value's kind (no
# CLI11 TEXT); a list option is plural and a count is named by what it counts,
# and the other spelling gets one line saying what to use; CLI11's parse errors
# read like otverify's own (lowercase, naming the option and what to give);
# integer ranges print readably; numbers that are out of range name their option.
set -u
otv="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; count=0
# refused <description> <pattern stderr must match> <args...>: exit 2, one line, nothing on stdout, nothing written to $tmp.
refused() {
  local what="$1" pattern="$2"; shift 2
  count=$((count + 1))
  timeout 60 "$otv" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  local rc=$?
  if [ "$rc" -ne 2 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || [ -s "$tmp/out" ] || [ -n "$(ls "$tmp/w")" ] ||
     ! grep -Eq "^otverify: error: [a-z'-]" "$tmp/err" || ! grep -Eq -- "$pattern" "$tmp/err"; then
    echo "FAIL: $what: exit $rc; stderr: $(head -c 600 "$tmp/err"); written: $(ls "$tmp/w")"; fail=$((fail + 1))
  else
    echo "ok: $what -> $(cat "$tmp/err")"
  fi
  rm -rf "$tmp/w"/*
}
mkdir "$tmp/w"
check() {  # check <description> <command string>
  count=$((count + 1))
  if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi
}

for s in run theorem1 theorem2 breakdown merge train eval ablation report; do
  check "$s --help: every value has a kind (no CLI11 TEXT)" "! '$otv' $s --help | grep -q 'TEXT'"
done
check "report --help names its third file" "'$otv' report --help | grep -q 'report.breakdown.jsonl'"

# Counts and lists: --seeds is a list everywhere; breakdown's count is --instances.
refused "breakdown --seeds K (a count)"      "--instances K"      breakdown --seeds 3 --out "$tmp/w/b.jsonl"
refused "breakdown --seeds 1,2 (a list)"     "--instances K"      breakdown --seeds 1,2
refused "breakdown --scalar (one)"           "use --scalars"      breakdown --scalar float
refused "breakdown --instances 0"            "--instances: '0' is outside \[1, 1000\]" breakdown --instances 0
check "breakdown --help: --instances and --scalars shown, the refused spellings hidden" \
  "'$otv' breakdown --help | grep -q -- '--instances INT' && '$otv' breakdown --help | grep -q -- '--scalars LIST' && ! '$otv' breakdown --help | grep -Eq -- '--(seeds|scalar) '"

# CLI11's errors in otverify's style.
refused "unknown option"                     "^otverify: error: unexpected argument '--bogus' \(see 'otverify run --help'\)$" run --bogus
refused "two unknown arguments, in order"    "unexpected arguments '--exp2' 'libm' "   run --exp2 libm
refused "option without its value"          "^otverify: error: --layers needs a value \(INT\)$" run --layers
refused "option given twice"                 "--x takes one value, given 2"  run --x 1 --x 2 --y 0
refused "value not among the choices"        "^otverify: error: --exp must be one of libm,vector \(got 'fast'\)$" run --exp fast
refused "excluded pair"                      "(--seed cannot be combined with --x|--x cannot be combined with --seed)$" run --x 1,2 --y 0,1 --seed 3
# --seed with nothing to seed is refused, naming what it seeds in that command.
refused "run --seed alone"                   "^otverify: error: --seed is used only with --generator$" run --seed 3
refused "theorem2 --seed alone"              "^otverify: error: --seed is used only with --generator$" theorem2 --seed 3
refused "theorem1 --seed alone"              "^otverify: error: --seed is used only with --generator or --trials$" theorem1 --seed 3
check "--seed's help says what it seeds" "\"\$otv\" run --help | grep -q -- \"seed of --generator's instance (default 1; refused without --generator)\" &&
  \"\$otv\" theorem1 --help | grep -q -- \"or with --trials of the trials' draws (default 1; refused with neither)\""
refused "no command"                         "give a command"

# Integer ranges as a reader writes them.
refused "--trials 2^63: its own range"       "--trials: '9223372036854775808' is outside \[0, 100000\]$" theorem1 --trials 9223372036854775808
refused "--seed 2^64: the type's range"      "outside \[0, 2\^63 - 1\]$" run --generator paper --n 4 --seed 18446744073709551616
refused "--jobs 2^63: powers of two"         "outside \[-2\^63, 2\^63 - 1\]$" report --out "$tmp/w/r.html" --jobs 9223372036854775808

# Out-of-range numbers name their option; nothing is written.
refused "train --lr 1e400"                   "^otverify: error: --lr '1e400' is outside" train --lr 1e400 --out "$tmp/w/m.json"
refused "ablation --lr 1e400"                "^otverify: error: --lr '1e400' is outside" ablation --lr 1e400 --out "$tmp/w/a.json"
refused "train --mixing 1e39 in float"       "--mixing '1e39' is not finite in float" train --scalar float --mixing 1e39 --out "$tmp/w/m.json"

# A lambda the type holds only as a subnormal is refused like 0 (float: below 1.17549e-38).
refused "run: subnormal lambda in float"      "lambda = '1e-40' is subnormal in float" run --scalar float --lambda 1e-40
refused "run: subnormal gamma in double"      "gamma = '1e-310' is subnormal in double" run --gamma 1e-310
check "run: the smallest normal float lambda runs" "'$otv' run --scalar float --lambda 1.2e-38 --layers 1 >/dev/null"

# report takes --exp like every command that runs the forward pass.
refused "report --exp: a bad choice"          "--exp must be one of libm,vector" report --exp fast --out "$tmp/w/r.html"
refused "report --exp libm parses (the next check refuses)" "--profile must be quick or full" report --exp libm --profile slow --out "$tmp/w/r.html"

echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
