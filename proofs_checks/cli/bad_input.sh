#!/usr/bin/env bash
# Every bad input gets exactly one line on stderr, nothing on stdout, exit code 2.
set -u
otv="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '0.1\n0.2\n' > "$tmp/x.csv"
printf '0.1\nabc\n' > "$tmp/bad.csv"
printf '0.1,0.2\n0.3\n' > "$tmp/ragged.csv"
printf '0.1\n0.2\n0.3\n' > "$tmp/three.csv"
: > "$tmp/empty.csv"
fail=0; count=0
check() {  # check <description> <args...>
  local what="$1"; shift
  count=$((count + 1))
  "$otv" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  local rc=$? lines
  lines=$(wc -l <"$tmp/err")
  if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || [ -s "$tmp/out" ]; then
    echo "FAIL: $what: exit $rc, $lines stderr lines, stdout $(wc -c <"$tmp/out") bytes"; sed 's/^/  stderr: /' "$tmp/err"
    fail=$((fail + 1))
  else
    echo "ok: $what -> $(cat "$tmp/err")"
  fi
}
check "malformed number"        run --x 0.5,abc --y 0,1
check "number with junk"        run --x 0.5x,1 --y 0,1
check "two dots"                run --x 1.2.3,1 --y 0,1
check "NaN in data"             run --x nan,1 --y 0,1
check "Inf in data"             run --x inf,1 --y 0,1
check "overflowing decimal"     run --x 1e400,1 --y 0,1
check "float overflow"          run --x 1e39,1 --y 0,1 --scalar float
check "empty entry"             run --x 0.5,,1 --y 0,1,2
check "mismatched lengths"      run --x 0.5,1 --y 0
check "mismatched dimensions"   run --x '0.1 0.2;0.3' --y '0 0;1 1'
check "n = 0 (generator)"       run --generator paper --n 0
check "negative n"              run --generator uniform --n -3
check "lambda = 0"              run --lambda 0
check "lambda < 0"              run --lambda -0.5
check "lambda underflows"       run --lambda 1e-400
check "lambda NaN"              run --lambda nan
check "gamma = 0"               run --gamma 0
check "gamma < 0"               run --gamma -1
check "negative layers"         run --layers -1
check "absurd layers"           run --layers 100000000000
check "non-integer layers"      run --layers 2.5
check "unknown scalar"          run --scalar quad
check "unknown variant"         run --variant magic
check "unknown softmax"         run --softmax fast
check "precision < 2"           run --scalar mpfr:1
check "precision > 1e6"         run --scalar mpfr:1000001
check "malformed precision"     run --scalar mpfi:12x
check "absurd n"                run --generator paper --n 100000000
check "unknown generator"       run --generator zipf --n 4
check "paper generator, d = 2"  run --generator paper --n 4 --d 2
check "unreadable file"         run --x-file "$tmp/none.csv" --y-file "$tmp/x.csv"
check "directory as file"       run --x-file "$tmp" --y-file "$tmp/x.csv"
check "malformed CSV"           run --x-file "$tmp/bad.csv" --y-file "$tmp/x.csv"
check "ragged CSV"              run --x-file "$tmp/ragged.csv" --y-file "$tmp/x.csv"
check "empty CSV"               run --x-file "$tmp/empty.csv" --y-file "$tmp/empty.csv"
check "CSV length mismatch"     run --x-file "$tmp/three.csv" --y-file "$tmp/x.csv"
check "only --x"                run --x 0.5,1
check "two instance sources"    run --x 0.5,1 --y 0,1 --generator paper --n 2
check "unknown option"          run --bogus
check "no subcommand"
# Resource guards: the memory estimate (n, precision, stored layers) against MemAvailable.
check "memory: n = 100000 in double"       run --generator paper --n 100000 --layers 1
check "memory: mpfr:1000000 at n = 2000"   run --generator paper --n 2000 --scalar mpfr:1000000 --layers 1
check "memory: theorem1 ladder, n = 4096"  theorem1 --generator paper --n 4096 --layers 10 --ladder double,mpfr:1000000
check "memory: breakdown reference at n = 4096 for mpfr:100000" breakdown --n 4096 --scalars mpfr:100000 --points 1 --lambda-min 0.1 --lambda-max 0.1 --jobs 1
export OTV_MEMORY_AVAILABLE=100000
check "memory: n = 64 with 100 kB available" run --generator paper --n 64 --layers 1
check "memory: breakdown at n = 64 with 100 kB available" breakdown --n 64 --scalars double --points 1 --lambda-min 0.1 --lambda-max 0.1 --jobs 1
unset OTV_MEMORY_AVAILABLE
# Fuzzing regressions (fuzz/corpus): a 100000-digit number overflowed std::regex's stack.
check "100000-digit number"     run --x "$(head -c 100000 /dev/zero | tr '\0' 1),1" --y 0,1
# Result files for merge / --resume: each field the table reads must be there and in range.
"$otv" breakdown --n 2 --scalars float --softmax stable --points 2 --layers 1 --bisect 0 --jobs 1 --out "$tmp/r.jsonl" >/dev/null 2>&1
for field in cost_max min_exp_argument key; do
  /usr/bin/python3 -c "import json,sys; j=json.loads(open(sys.argv[1]).readline()); del j[sys.argv[2]]; print(json.dumps(j))" "$tmp/r.jsonl" "$field" >"$tmp/no_$field.jsonl"
  check "result line without $field" merge "$tmp/no_$field.jsonl"
done
/usr/bin/python3 -c "import json,sys; j=json.loads(open(sys.argv[1]).readline()); j['n']=10**12; print(json.dumps(j))" "$tmp/r.jsonl" >"$tmp/huge_n.jsonl"
check "result line with n = 1e12" merge "$tmp/huge_n.jsonl"
/usr/bin/python3 -c "import json,sys; j=json.loads(open(sys.argv[1]).readline()); j['nan_entries']=2**63-1; j['inf_entries']=1; print(json.dumps(j))" "$tmp/r.jsonl" >"$tmp/overflow.jsonl"
check "result line with counts summing past 2^63" merge "$tmp/overflow.jsonl"
echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
