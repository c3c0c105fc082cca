#!/usr/bin/env bash
# otverify under mpirun (Open MPI): breakdown and theorem1 --trials give the single-process
# answers for N = 1, 2, 3 ranks; a SIGTERM to mpirun keeps the finished cells and --resume
# completes them without loss or duplicates; a rank that dies ends the run (no hang); bad
# input and commands that do not run under MPI give one line and exit 2.
# usage: mpi.sh <otverify>
set -uo pipefail
otv=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# As root (CI), Open MPI needs both variables; --oversubscribe lets 3 ranks share 2 cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi=(mpirun --oversubscribe)
py=/usr/bin/python3
fail=0 count=0
check() { count=$((count + 1)); if [ "$2" = 0 ]; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi; }
# A result file as its lines sorted by cell key, the run's timings ("seconds") removed.
canonical='
import json, sys
def strip(o):
    if isinstance(o, dict): return {k: strip(v) for k, v in o.items() if k != "seconds"}
    if isinstance(o, list): return [strip(v) for v in o]
    return o
cells = [json.loads(l) for l in open(sys.argv[1])]
keys = [c["key"] for c in cells]
assert len(keys) == len(set(keys)), "duplicate cells"
for c in sorted(cells, key=lambda c: c["key"]): print(json.dumps(strip(c), sort_keys=True))
'
sweep=(--n 4,16 --scalars float,double,mpfr:128 --points 6 --layers 20 --bisect 1)
"$otv" breakdown "${sweep[@]}" --out "$tmp/plain.jsonl" >"$tmp/plain.txt" 2>/dev/null
"$py" -c "$canonical" "$tmp/plain.jsonl" >"$tmp/plain.canon"
for n in 1 2 3; do
  "${mpi[@]}" -n $n "$otv" breakdown "${sweep[@]}" --jobs 1 --out "$tmp/mpi$n.jsonl" >"$tmp/mpi$n.txt" 2>/dev/null
  check "breakdown, $n rank(s): exit 0" $?
  "$py" -c "$canonical" "$tmp/mpi$n.jsonl" >"$tmp/mpi$n.canon" && cmp -s "$tmp/plain.canon" "$tmp/mpi$n.canon"
  check "breakdown, $n rank(s): the single-process result set, byte for byte ($(wc -l <"$tmp/mpi$n.canon") cells)" $?
  cmp -s "$tmp/plain.txt" "$tmp/mpi$n.txt"
  check "breakdown, $n rank(s): the same threshold table" $?
done

trials=(theorem1 --variant paper --trials 8 --max-n 6 --layers 12 --json)
"$otv" "${trials[@]}" >"$tmp/t1.json" 2>/dev/null
for n in 2 3; do
  "${mpi[@]}" -n $n "$otv" "${trials[@]}" >"$tmp/t1_$n.json" 2>/dev/null && cmp -s "$tmp/t1.json" "$tmp/t1_$n.json"
  check "theorem1 --trials, $n ranks: byte-identical output" $?
done

# SIGTERM to mpirun once cells are on disk: they stay; --resume (under MPI) completes.
slow=(--n 16 --scalars float,double,mpfr:128 --points 12 --layers 40 --bisect 0)
"${mpi[@]}" -n 3 "$otv" breakdown "${slow[@]}" --jobs 1 --out "$tmp/cut.jsonl" >/dev/null 2>"$tmp/cut.err" &
pid=$!
for _ in $(seq 600); do [ -s "$tmp/cut.jsonl" ] && break; sleep 0.05; done
kill -TERM "$pid"; wait "$pid"; rc=$?
kept=$(wc -l <"$tmp/cut.jsonl")
[ "$rc" -ne 0 ] && [ "$kept" -ge 1 ] && [ "$kept" -lt 72 ]
check "SIGTERM to mpirun: exit $rc, $kept of 72 cells kept" $?
"${mpi[@]}" -n 2 "$otv" breakdown "${slow[@]}" --jobs 1 --out "$tmp/cut.jsonl" --resume >/dev/null 2>&1
check "--resume under MPI after SIGTERM: exit 0" $?
"$otv" breakdown "${slow[@]}" --out "$tmp/whole.jsonl" >/dev/null 2>&1
"$py" -c "$canonical" "$tmp/cut.jsonl" >"$tmp/cut.canon" && "$py" -c "$canonical" "$tmp/whole.jsonl" >"$tmp/whole.canon" &&
  cmp -s "$tmp/cut.canon" "$tmp/whole.canon"
check "interrupted + resumed equals the uninterrupted run: nothing lost or duplicated" $?

# A rank that dies (SIGKILL to rank 1) ends the run with an error, not a hang.
"${mpi[@]}" -n 3 "$otv" breakdown "${slow[@]}" --jobs 1 --out "$tmp/dead.jsonl" >/dev/null 2>"$tmp/dead.err" &
pid=$!
for _ in $(seq 600); do [ -s "$tmp/dead.jsonl" ] && break; sleep 0.05; done
for p in $(pgrep -P "$pid"); do tr '\0' '\n' <"/proc/$p/environ" | grep -qx OMPI_COMM_WORLD_RANK=1 && kill -KILL "$p"; done
( sleep 60; kill -KILL "$pid" 2>/dev/null ) & watchdog=$!
wait "$pid"; rc=$?
kill "$watchdog" 2>/dev/null
[ "$rc" -ne 0 ] && grep -q "rank 1" "$tmp/dead.err"
check "a dead rank ends the run (exit $rc, mpirun names rank 1; no hang)" $?
"$py" -c "$canonical" "$tmp/dead.jsonl" >/dev/null
check "after a dead rank the result file holds whole, distinct cells" $?

# Bad input: the line of rank 0 once (not once per rank), exit 2.
"${mpi[@]}" -q -n 3 "$otv" breakdown --n 0 >/dev/null 2>"$tmp/bad.err"; rc=$?
[ "$rc" -eq 2 ] && [ "$(grep -c '^otverify: error:' "$tmp/bad.err")" -eq 1 ]
check "bad input under MPI: exit $rc, one otverify line: $(grep '^otverify' "$tmp/bad.err")" $?
"${mpi[@]}" -q -n 2 "$otv" run >/dev/null 2>"$tmp/run.err"; rc=$?
[ "$rc" -eq 2 ] && [ "$(grep -c '^otverify: error:' "$tmp/run.err")" -eq 1 ]
check "a command that does not run under MPI: exit $rc, one line: $(grep '^otverify' "$tmp/run.err")" $?
"${mpi[@]}" -q -n 2 "$otv" theorem1 --layers 5 >/dev/null 2>"$tmp/t1.err"; rc=$?
[ "$rc" -eq 2 ] && [ "$(grep -c '^otverify: error:' "$tmp/t1.err")" -eq 1 ]
check "theorem1 without --trials under MPI: exit $rc, one line" $?

echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
