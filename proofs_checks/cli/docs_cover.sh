#!/usr/bin/env bash
# docs/cli.md documents every option of every command (in that command's
# section, or for the shared ones in "Options every forward-pass command
# shares") and the outputs that were once undocumented (passes at, --patterns-at, digits...).
set -u
otv="$1"
doc="$(dirname "$0")/../../docs/cli.md"
fail=0; count=0
check() {  # check <description> <command string>
  count=$((count + 1))
  if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi
}
# section <heading>: the lines of docs/cli.md from that heading to the next.
section() { awk -v h="$1" '/^## / {on = ($0 == h)} on' "$doc"; }
shared=$(section "## Options every forward-pass command shares")
for s in run theorem1 theorem2 breakdown advise merge train eval ablation report; do
  own=$(section "## otverify $s")
  [ "$s" = ablation ] && own="$own$(section "## otverify train")"
  for opt in $("$otv" $s --help | grep -oE '^  (-h,)?--[a-z0-9-]+' | sed 's/^ *//; s/^-h,//' | grep -v '^--help$'); do
    check "$s $opt documented" "grep -qF -- '\`$opt\`' <<<\"\$own\" || { [ $s = run -o $s = theorem1 -o $s = theorem2 ] && grep -qF -- '\`$opt\`' <<<\"\$shared\"; }"
  done
done
for topic in "passes at" "report.breakdown.jsonl" '"nan"' "--digits all" "--figure-seed" "--patterns-at"; do
  check "docs/cli.md explains $topic" "grep -qF -- '$topic' '$doc'"
done
check "the README points to docs/cli.md" "grep -q 'docs/cli.md' '$(dirname "$0")/../../README.md'"
echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
