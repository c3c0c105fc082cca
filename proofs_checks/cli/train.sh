#!/usr/bin/env bash
# otverify train / eval / ablation end to end at a tiny scale: training lowers the
# loss, SIGINT checkpoints and exits 3, --resume then equals an uninterrupted run
# bit for bit (double), eval and ablation report what docs/training.md promises,
# and bad input exits 2 with one line.
set -u
source "$(dirname "$0")/expect_json.sh" "$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
small=(--n 4 --layers 3 --samples 8)

expect_json train "train: loss decreases, every iteration recorded" \
  'j["completed"] == 60 and j["final_loss"] < j["first_loss"]' \
  -- "${small[@]}" --iters 60 --lr 0.01 --seed 2 --out "$tmp/a.json"
expect_json train "train: float works too" \
  'j["completed"] == 20 and j["settings"]["scalar"] == "float" and j["final_loss"] < j["first_loss"]' \
  -- "${small[@]}" --iters 20 --lr 0.01 --scalar float --prompt plain --out "$tmp/f.json"
expect_json train "train: --setup notebook takes the released code's defaults (resampling every 50, B = -0.1 I); grid data by default" \
  'j["settings"]["setup"] == "notebook" and j["settings"]["resample_every"] == 50 and j["settings"]["mixing"] == "-0.1" and j["settings"]["learning_rate"] == "0.0005" and j["settings"]["data"] == "grid"' \
  -- --n 4 --layers 2 --samples 4 --iters 3 --setup notebook --out "$tmp/nb.json"
expect_json eval "eval of a notebook-setup model: held-out sorting score with copy-y and mean-of-x baselines, random u, v in the prompt" \
  'j["sorting"]["copy_y_baseline"] > 0 and j["sorting"]["mean_baseline"] > 0 and j["sorting"]["verdict"] in ("sorts", "does not sort", "copies y (does not sort)") and len(j["readout_patterns"]) == 2 and j["instance"]["prompt"][0][8] != 0' \
  -- --model "$tmp/nb.json" --samples 5
expect_json train "train --data paper works" 'j["settings"]["data"] == "paper"' -- "${small[@]}" --iters 2 --data paper --out "$tmp/paper.json"
expect_json eval "eval of a paper-data model says sorted(x) = y in training and scores on held-out instances" \
  '"sorted(x) = y" in j["training_data_note"] and "sorted(x) != y" in j["held_out"] and j["sorting"]["mse_sorted"] == j["readout"]["mse"]' \
  -- --model "$tmp/paper.json" --samples 5

# Interrupt and resume: the resumed model equals the uninterrupted one bitwise.
run=("${small[@]}" --iters 4000 --lr 0.003 --seed 5 --checkpoint-every 10)
"$otv" train "${run[@]}" --out "$tmp/full.json" >/dev/null 2>&1
"$otv" train "${run[@]}" --out "$tmp/part.json" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do [ -f "$tmp/part.json" ] && break; sleep 0.05; done
kill -INT "$pid"; wait "$pid"; rc=$?
count=$((count + 1))
done_part=$(/usr/bin/python3 -c "import json; print(json.load(open('$tmp/part.json'))['completed'])")
if [ "$rc" -eq 3 ] && [ "$done_part" -lt 4000 ]; then echo "ok: SIGINT exits 3 with a checkpoint of $done_part iterations"
else echo "FAIL: SIGINT: exit $rc, checkpoint $done_part iterations"; fail=$((fail + 1)); fi
"$otv" train --resume --out "$tmp/part.json" >/dev/null 2>&1
count=$((count + 1))
if /usr/bin/python3 - "$tmp/full.json" "$tmp/part.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for k in ("weights", "adam", "loss_curve", "final_loss", "completed", "settings"):
    assert a[k] == b[k], k
PY
then echo "ok: interrupted + resumed equals uninterrupted (weights, Adam state, loss curve) bitwise"
else echo "FAIL: resume differs from the uninterrupted run"; fail=$((fail + 1)); fi
expect_json train "train --resume --iters extends a finished run" 'j["completed"] == 80' -- --resume --iters 80 --out "$tmp/a.json"

expect_json eval "eval at another n: readout error, one pattern per layer and head, P* a permutation" \
  'j["n"] == 6 and len(j["layers"]) == 3 and all(len(l["head1"]) == 6 and abs(sum(l["head1"][0]) - 1) < 1e-12 for l in j["layers"]) and sorted(map(sum, j["p_star"])) == [1] * 6 and j["readout"]["mse"] >= 0' \
  -- --model "$tmp/a.json" --n 6 --samples 10

expect_json ablation "ablation: both prompts per seed, ratio, Figure 3 (n = 7, 9), constructed loss and Q distance" \
  'set(j) >= {"command", "settings", "engineered", "plain", "ratio", "figure3", "figure4", "constructed"} and j["engineered"]["seeds"] == [1, 2] and len(j["plain"]["final_loss"]) == 2 and j["ratio"] > 0 and j["figure3"]["9"]["layers"] == [5] and set(j["generalisation"]["plain"]) == {"4", "9", "15"} and len(j["figure3"]["9"]["p_star"]) == 9 and j["constructed"]["q_distance"] > 0 and all(len(c) <= 200 for c in j["plain"]["loss_curves"]) and len(j["ratio_ci95"]) == 2 and j["ratio_ci95"][0] <= j["ratio_ci95"][1] and set(j["held_out_ratio"]) == {"4", "9", "15"} and all(g["copy_y_baseline"] > 0 and g["mean_baseline"] > 0 and len(g["verdicts"]) == 2 for g in j["generalisation"]["engineered"].values()) and j["figure3"]["7"]["readout_states"] == [0, 5] and set(j["constructed"]["held_out"]) == {"4", "9", "15"}' \
  -- --n 4 --layers 5 --iters 6 --samples 4 --seeds 1,2 --out "$tmp/ab.json"

# Bad input: one line on stderr, exit 2.
bad() {
  local what="$1"; shift
  count=$((count + 1))
  local err; err=$("$otv" "$@" 2>&1 >/dev/null); local rc=$?
  if [ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; then echo "ok: $what"
  else echo "FAIL: $what (exit $rc): $err"; fail=$((fail + 1)); fi
}
bad "scalar other than float/double" train --scalar mpfr:128 --out "$tmp/x.json"
bad "unknown prompt" train --prompt fancy --out "$tmp/x.json"
bad "unknown setup" train --setup fancy --out "$tmp/x.json"
bad "unknown data (the old name notebook)" train --data notebook --out "$tmp/x.json"
bad "notebook setup with one layer (no residual layer before the readout)" train --setup notebook --layers 1 --out "$tmp/x.json"
bad "eval beyond the 50-point grid" eval --model "$tmp/a.json" --n 51
bad "n = 0" train --n 0 --out "$tmp/x.json"
bad "negative learning rate" train --lr -0.1 --out "$tmp/x.json"
bad "zero mixing" train --mixing 0 --out "$tmp/x.json"
bad "existing output without --force" train "${small[@]}" --iters 1 --out "$tmp/a.json"
bad "--resume with another --n" train --resume --n 5 --out "$tmp/a.json"
bad "--resume without a checkpoint" train --resume --out "$tmp/none.json"
bad "malformed seeds" ablation --seeds 1,x --out "$tmp/y.json"
echo 'not json' > "$tmp/garbage.json"
bad "eval of a non-JSON model file" eval --model "$tmp/garbage.json"
head -c 300 "$tmp/a.json" > "$tmp/truncated.json"
bad "eval of a truncated model file" eval --model "$tmp/truncated.json"
/usr/bin/python3 -c "
import json; j = json.load(open('$tmp/a.json')); j['weights'][0][0]['Q'] = [[1.0]]; json.dump(j, open('$tmp/shape.json', 'w'))"
bad "eval of a model whose Q has the wrong shape" eval --model "$tmp/shape.json"
bad "eval at n < 1" eval --model "$tmp/a.json" --n -3
finish
