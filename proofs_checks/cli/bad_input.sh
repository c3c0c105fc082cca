#!/usr/bin/env bash
# Every bad input gets exactly one short line on stderr (at most 500 bytes, no
# control bytes), nothing on stdout, exit code 2, within 20 s (no hang).
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
  timeout 20 "$otv" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  local rc=$? lines bytes
  lines=$(wc -l <"$tmp/err"); bytes=$(wc -c <"$tmp/err")
  if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || [ "$bytes" -gt 500 ] || LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$tmp/err") || [ -s "$tmp/out" ]; then
    echo "FAIL: $what: exit $rc, $lines stderr lines ($bytes bytes), stdout $(wc -c <"$tmp/out") bytes"; head -c 2000 "$tmp/err" | sed 's/^/  stderr: /'
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
# Hostile files: a device or a FIFO is refused at once (a FIFO without a writer
# used to block in open, /dev/zero to be read forever); sizes are refused before
# reading (a sparse 200 MB file: no disk, no time) and n, d limits while parsing.
mkfifo "$tmp/fifo"
check "/dev/zero as --x-file"        run --x-file /dev/zero --y-file "$tmp/x.csv"
check "FIFO as --x-file"             run --x-file "$tmp/fifo" --y-file "$tmp/x.csv"
check "/dev/zero as a merge input"   merge /dev/zero
check "FIFO as a merge input"        merge "$tmp/fifo"
check "/dev/zero as --model"         eval --model /dev/zero
check "FIFO as --model"              eval --model "$tmp/fifo"
check "FIFO as report --from"        report --from "$tmp/fifo" --out "$tmp/r.html"
truncate -s 200M "$tmp/big.csv"
check "200 MB CSV refused by its size" run --x-file "$tmp/big.csv" --y-file "$tmp/x.csv"
truncate -s 300M "$tmp/big.jsonl"
check "300 MB result file refused by its size" merge "$tmp/big.jsonl"
seq 100001 | sed 's/^/0./' >"$tmp/rows.csv"
check "CSV with 100001 rows"          run --x-file "$tmp/rows.csv" --y-file "$tmp/x.csv"
{ printf '0'; printf ',0%.0s' $(seq 1000); echo; } >"$tmp/wide.csv"
check "CSV row with 1001 coordinates" run --x-file "$tmp/wide.csv" --y-file "$tmp/x.csv"
printf '0.1\n0.2\000\033[31m\n' >"$tmp/nul.csv"
check "NUL and ESC bytes in a CSV (escaped in the message)" run --x-file "$tmp/nul.csv" --y-file "$tmp/x.csv"
long=$(head -c 120000 /dev/zero | tr '\0' 7)
check "120 kB lambda (a short excerpt quoted)" run --lambda "$long"
check "120 kB layers (a short excerpt quoted)" run --layers "$long"
check "120 kB scalar name"                     run --scalar "mpfr:$long"
# Integers: decimal digits only (CLI11 read 010 as octal, 0x10 as hex), in range.
check "seed 2^64"                    run --generator paper --n 4 --seed 18446744073709551616
check "seed 1e26"                    run --generator paper --n 4 --seed 1e26
check "seed -1"                      run --generator paper --n 4 --seed -1
check "train seed 2^63 (model files keep signed seeds)" train --n 3 --layers 1 --iters 1 --samples 2 --seed 9223372036854775808 --out "$tmp/m.json"
check "ablation seed 2^63"           ablation --seeds 1,9223372036854775808 --out "$tmp/a.json"
check "layers 010 (octal to CLI11)"  run --layers 010
check "layers 0x10 (hex to CLI11)"   run --layers 0x10
check "layers +5"                    run --layers +5
check "n 1e3"                        run --generator paper --n 1e3
check "trials 2^63"                  theorem1 --trials 9223372036854775808
check "jobs 0x2"                     breakdown --jobs 0x2
# Empty values never fall back to a default (a user's unset shell variable).
check "empty --x and --y"            run --x "" --y ""
check "empty --x-file"               run --x-file "" --y-file ""
check "empty --generator"            run --generator "" --n 4
check "empty --scalar"               run --scalar ""
check "empty --lambda"               run --lambda ""
check "empty --ladder"               theorem1 --ladder ""
check "empty --patterns-at"          run --patterns-at ""
check "empty merge input"            merge ""
check "empty --seeds (ablation)"     ablation --seeds "" --out "$tmp/a.json"
count=$((count + 1))
left=$(cd "$tmp" && ls m.json a.json a.json-models r.html r.json ./*.tmp.* 2>/dev/null)
if [ -n "$left" ]; then echo "FAIL: refused commands left files behind: $left"; fail=$((fail + 1)); else echo "ok: refused commands left nothing behind"; fi
# A misspelled command is named, with the nearest one; ignored options are refused.
check "misspelled command (rnu)"     rnu --x 0.5,1 --y 0,1
check "unknown command"              frobnicate
check "--d beside --x-file"          run --x-file "$tmp/x.csv" --y-file "$tmp/x.csv" --d 2
check "--n beside inline points"     run --x 0.5,1 --y 0,1 --n 5
check "--seed beside inline points"  run --x 0.5,1 --y 0,1 --seed 5
check "--n without --generator"      run --n 5
check "--seed without --generator"   run --seed 5
check "theorem2 --seed without --generator" theorem2 --seed 5
check "theorem1 --seed without --generator or --trials" theorem1 --seed 5
check "theorem1 --trials beside --x" theorem1 --trials 2 --x 0.5,1 --y 0,1
echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
