#!/usr/bin/env bash
# --version names the version and commit; every subcommand's --help shows an
# example; --strict turns a failed checked claim into exit code 1.
set -u
otv="$1"
fail=0; count=0
check() {  # check <description> <command string>
  count=$((count + 1))
  if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=$((fail + 1)); fi
}
check "--version: 'otverify X.Y.Z (commit <hash>)'" \
  "'$otv' --version | grep -Eq '^otverify [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{40}(, with uncommitted changes)?|unknown \(not a git checkout\))\)$'"
subcommands=$("$otv" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF {print $1}')  # up to the footer
check "--help lists the subcommands" "[ \$(wc -w <<<'$subcommands') -ge 5 ]"
for s in $subcommands; do
  check "$s --help shows an example and exits 0" "'$otv' $s --help | grep -q '^Example: otverify $s '"
done
exit_code() { "$otv" "$@" >/dev/null 2>&1; echo $?; }
check "theorem1 --strict: paper variant fails at layer 2 -> exit 1" "[ \$(exit_code theorem1 --variant paper --layers 3 --ladder double --strict) -eq 1 ]"
check "theorem1 without --strict: same failure -> exit 0" "[ \$(exit_code theorem1 --variant paper --layers 3 --ladder double) -eq 0 ]"
check "theorem1 --strict: corrected variant holds -> exit 0" "[ \$(exit_code theorem1 --variant corrected --layers 3 --ladder double --strict) -eq 0 ]"
check "theorem2 --strict: bound holds -> exit 0" "[ \$(exit_code theorem2 --generator paper --n 2 --lambda 2 --gamma 2 --layers 64 --strict) -eq 0 ]"
echo "$((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
