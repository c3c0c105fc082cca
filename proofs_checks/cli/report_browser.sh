#!/usr/bin/env bash
# Headless Chromium opens the quick report (from report_quick.sh) from a file URL:
# no console error, every figure drawn; screenshot OUT_DIR/report.png. Then the same
# for a report rendered (--from) from data full of hostile strings and with the
# sample training ablation and a threshold search that holds a type out of the law and
# measures the depth needed (so every breakdown figure draws): every hostile string
# shows literally, nothing executes.
# Each page is checked at 1400 px and 390 px (no sideways scrolling, no literal
# HTML entities). Last, data of another schema version: the page refuses it.
# Usage: report_browser.sh OTVERIFY OUT_DIR REPORTS_DIR
set -u
otv="$1"; out="$2"; reports="$3"
fixtures="$(cd "$(dirname "$0")/fixtures" && pwd)"
fail=0
node "$reports/check_report.mjs" "$out/report.html" "$out/report.png" || fail=1

hostile_dir="$out/hostile"
mkdir -p "$hostile_dir"
hostile_html="$hostile_dir/a<b>&'\"name.html"
"$otv" breakdown --n 4 --scalars float,double --holdout long-double --softmax stable --layers 20 --depth-min 1e-3 --json >"$hostile_dir/search.json" || fail=1
/usr/bin/python3 - "$out/report.json" "$fixtures/ablation_sample.json" "$hostile_dir/data.json" "$hostile_dir/search.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
j["ablation"] = json.load(open(sys.argv[2]))
j["steps"]["breakdown.search"]["result"] = json.load(open(sys.argv[4]))
evil = "</script><script>alert('claim')</script><!--"
j["verdicts"][0]["claim"] = evil
j["verdicts"][0]["reason"] = "<img src=x onerror=alert('reason') id=injected>&amp; \u2028line\u2029sep"
j["verdicts"][0]["evidence"] = "javascript:alert(1)"
j["findings"][0]["title"] = "<b data-injected>bold?</b>"
# Markdown and mathematics that would make links or markup: shown as text or refused.
j["findings"][0]["summary"] = ("[click me](javascript:alert(7)) [data](data:text/html,x) $\\href{javascript:alert(8)}{x}$ "
                               "&lt;i data-injected&gt;entity&lt;/i&gt; <span id=injected>raw</span>")
j["findings"][0]["reproducers"] = ["otverify run --x '</script><svg onload=alert(4)>'"]
j["provenance"]["command_line"] = "otverify report --out '\"><script>alert(5)</script>'"
first = next(iter(j["steps"]))
j["steps"][first]["command"] = "otverify </script><iframe id=injected src=javascript:alert(6)>"
json.dump(j, open(sys.argv[3], "w"))
PY
"$otv" report --from "$hostile_dir/data.json" --out "$hostile_html" --force >/dev/null || fail=1
if [ -f "$hostile_html" ]; then
  # Only the seven script elements of the template (five libraries, data, app) exist.
  n=$(grep -o -i '<script' "$hostile_html" | wc -l)
  [ "$n" -eq 7 ] || { echo "FAIL: $n script tags in the hostile report"; fail=1; }
  node "$reports/check_report.mjs" "$hostile_html" "$hostile_dir/report.png" \
    --expect-text "</script><script>alert('claim')</script><!--" \
    --expect-text "<img src=x onerror=alert('reason') id=injected>&amp;" \
    --expect-text "<b data-injected>bold?</b>" \
    --expect-text "<i data-injected>entity</i>" \
    --expect-text "<span id=injected>raw</span>" \
    --expect-text "otverify run --x '</script><svg onload=alert(4)>'" \
    --expect-text "otverify report --out '\"><script>alert(5)</script>'" \
    --expect-text "Ratio of final training losses" || fail=1
else
  fail=1
fi
# Data of another schema version: the page says which it reads and which it got.
/usr/bin/python3 - "$out/report.json" "$hostile_dir/old.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
j["schema"] = "otverify-report/1"
json.dump(j, open(sys.argv[2], "w"))
PY
"$otv" report --from "$hostile_dir/old.json" --out "$hostile_dir/old.html" --force >/dev/null 2>"$hostile_dir/old.err" || fail=1
grep -q 'schema otverify-report/1' "$hostile_dir/old.err" || { echo "FAIL: no warning for data of another schema"; fail=1; }
node "$reports/check_report.mjs" "$hostile_dir/old.html" "$hostile_dir/old.png" \
  --expect-error 'This page reads report data of schema otverify-report/2; its data has "otverify-report/1".' || fail=1

[ "$fail" -eq 0 ] && echo "browser checks passed"
exit "$fail"
