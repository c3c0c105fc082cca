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
echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
