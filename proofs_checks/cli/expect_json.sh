# Sourced by the CLI checks: `expect_json SUBCOMMAND DESCRIPTION ASSERTION -- ARGS...`
# runs `otverify SUBCOMMAND ARGS... --json` and asserts a Python expression on its
# JSON object j; `finish` prints the closing count line and sets the exit status.
otv="$1"
py=/usr/bin/python3
fail=0; count=0
expect_json() {
  local sub="$1" what="$2" assertion="$3"; shift 4
  count=$((count + 1))
  local err; err=$(mktemp)
  if ! out=$("$otv" "$sub" "$@" --json 2>"$err"); then echo "FAIL: $what: $(cat "$err")"; rm -f "$err"; fail=$((fail + 1)); return; fi
  rm -f "$err"
  if echo "$out" | "$py" -c "import json, sys; j = json.load(sys.stdin); assert $assertion, j.get('verdict')"; then
    echo "ok: $what"
  else
    echo "FAIL: $what"; fail=$((fail + 1))
  fi
}
finish() {
  echo "$((count - fail)) passed, $fail failed"
  [ "$fail" -eq 0 ]
}
