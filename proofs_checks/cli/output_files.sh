#!/usr/bin/env bash
# Output files: an existing file is refused without --force and left as it was;
# with --force it is replaced by rename (a hard link to the old file keeps the
# old contents, and no temporary file is left); SIGTERM during a sweep exits 3
# with the finished cells kept, and --resume completes them.
# (SIGINT, and resume against an uninterrupted run: proofs_checks/cli/breakdown.sh.)
set -u
otv="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; count=0
check() {  # check <description> <command string>
  count=$((count + 1))
  if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi
}
"$otv" breakdown --n 2 --scalars float --softmax stable --points 2 --layers 1 --bisect 0 --jobs 1 --out "$tmp/cells.jsonl" >/dev/null 2>&1
echo "old contents" >"$tmp/out.jsonl"
ln "$tmp/out.jsonl" "$tmp/link.jsonl"
"$otv" merge "$tmp/cells.jsonl" --out "$tmp/out.jsonl" >/dev/null 2>"$tmp/err"; rc=$?
check "merge --out onto an existing file without --force: exit 2, one line" "[ $rc -eq 2 ] && [ \$(wc -l <'$tmp/err') -eq 1 ]"
check "... and the file is unchanged" "[ \"\$(cat '$tmp/out.jsonl')\" = 'old contents' ]"
"$otv" merge "$tmp/cells.jsonl" --out "$tmp/out.jsonl" --force >/dev/null 2>&1; rc=$?
check "merge --force: exit 0, the cells written" "[ $rc -eq 0 ] && cmp -s '$tmp/cells.jsonl' '$tmp/out.jsonl'"
check "merge --force replaced the file by rename (the hard link keeps the old contents)" "[ \"\$(cat '$tmp/link.jsonl')\" = 'old contents' ]"
check "no temporary file left" "[ \$(ls '$tmp' | grep -c '\.tmp\.') -eq 0 ]"

# SIGTERM once the first cell is on disk (not after a fixed delay: on a loaded
# machine that raced with the sweep's speed); the sweep is ~10x longer than that.
sweep=(--n 16 --scalars float,double --points 40 --layers 40 --bisect 0 --jobs 1)
"$otv" breakdown "${sweep[@]}" --out "$tmp/term.jsonl" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 600); do [ -s "$tmp/term.jsonl" ] && break; sleep 0.1; done
kill -TERM "$pid" 2>/dev/null; wait "$pid"; rc=$?
cells=$(wc -l <"$tmp/term.jsonl" 2>/dev/null || echo 0)
check "SIGTERM during a sweep: exit 3, $cells finished cells kept (fewer than 160)" "[ $rc -eq 3 ] && [ $cells -gt 0 ] && [ $cells -lt 160 ]"
"$otv" breakdown "${sweep[@]}" --out "$tmp/term.jsonl" --resume >/dev/null 2>&1; rc=$?
check "--resume completes the sweep (160 cells, none twice)" \
  "[ $rc -eq 0 ] && /usr/bin/python3 -c \"import json,sys; k=[json.loads(l)['key'] for l in open(sys.argv[1])]; assert len(k) == 160 == len(set(k)), len(k)\" '$tmp/term.jsonl'"

# Refusals before any work: one line, exit 2, nothing written.
refused() {  # refused <description> <otverify args...>: exit 2, one stderr line, within 20 s
  local what="$1"; shift
  timeout 20 "$otv" "$@" >/dev/null 2>"$tmp/err"; local rc=$?
  check "$what: exit 2, one line ($(head -c 200 "$tmp/err"))" "[ $rc -eq 2 ] && [ \$(wc -l <'$tmp/err') -eq 1 ]"
}
mkfifo "$tmp/fifo"; mkdir "$tmp/dir"
refused "merge --out onto a FIFO with --force" merge "$tmp/cells.jsonl" --out "$tmp/fifo" --force
check "... the FIFO is still a FIFO" "[ -p '$tmp/fifo' ]"
refused "merge --out onto a directory with --force" merge "$tmp/cells.jsonl" --out "$tmp/dir" --force
check "... the directory is still a directory" "[ -d '$tmp/dir' ]"
ln -s "$tmp/cells.jsonl" "$tmp/link_to_cells"
refused "merge --out onto a symbolic link with --force" merge "$tmp/cells.jsonl" --out "$tmp/link_to_cells" --force
# A directory nobody can create files in (also as root): /proc.
refused "report into an unwritable directory, before the audit" report --profile quick --out /proc/otv-report.html
refused "train into an unwritable directory, before training" train --n 3 --layers 2 --iters 100000 --samples 2 --out /proc/otv-model.json
refused "breakdown --out in an unwritable directory" breakdown --n 2 --scalars float --points 2 --layers 1 --bisect 0 --jobs 1 --out /proc/otv.jsonl
refused "breakdown --gamma-ratio 1e100 (gamma overflows float)" breakdown --n 2 --scalars float --points 2 --layers 1 --gamma-ratio 1e100 --out "$tmp/g.jsonl"
refused "breakdown --lambda-min 1e-40 in float" breakdown --n 2 --scalars float --points 2 --layers 1 --lambda-min 1e-40 --out "$tmp/g.jsonl"
refused "breakdown --resume of a missing file" breakdown --n 2 --scalars float --points 2 --layers 1 --resume --out "$tmp/missing.jsonl"
check "... none of them created a file" "[ ! -e '$tmp/g.jsonl' ] && [ ! -e '$tmp/missing.jsonl' ] && [ \$(ls -a '$tmp' | grep -c probe) -eq 0 ]"
refused "train --lr 1e400" train --n 3 --layers 1 --iters 1 --samples 2 --lr 1e400 --out "$tmp/m.json"
refused "train --lr 1e-400 (zero in double)" train --n 3 --layers 1 --iters 1 --samples 2 --lr 1e-400 --out "$tmp/m.json"
refused "ablation --lr 1e400" ablation --lr 1e400 --out "$tmp/a.json"
refused "training that diverges (--lr 1e300 in float)" train --n 3 --layers 2 --iters 50 --samples 4 --lr 1e300 --scalar float --checkpoint-every 0 --out "$tmp/m.json"
check "... no model file written" "[ ! -e '$tmp/m.json' ] && [ ! -e '$tmp/a.json' ]"

# merge joins one sweep's settings only (the table does not show layers or variant).
"$otv" breakdown --n 2 --scalars float --softmax stable --points 2 --layers 2 --bisect 0 --jobs 1 --out "$tmp/cells2.jsonl" >/dev/null 2>&1
refused "merge of results at 1 and 2 layers" merge "$tmp/cells.jsonl" "$tmp/cells2.jsonl"

# An exclusive lock on breakdown --out: a second process is refused, even with --resume or --force.
"$otv" breakdown "${sweep[@]}" --out "$tmp/locked.jsonl" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 600); do [ -s "$tmp/locked.jsonl" ] && break; sleep 0.1; done
refused "a second breakdown --resume on a locked --out" breakdown "${sweep[@]}" --out "$tmp/locked.jsonl" --resume
refused "a second breakdown --force on a locked --out" breakdown "${sweep[@]}" --out "$tmp/locked.jsonl" --force
check "... the first sweep's cells are intact" "head -n 1 '$tmp/locked.jsonl' | /usr/bin/python3 -c 'import json,sys; json.loads(sys.stdin.read())'"
kill -TERM "$pid" 2>/dev/null; wait "$pid"
echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
