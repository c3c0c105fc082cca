#!/usr/bin/env bash
# otverify theorem2 end to end through the JSON interface.
set -u
source "$(dirname "$0")/expect_json.sh" "$1"
expect() { expect_json theorem2 "$@"; }
fields='all(k in j for k in ["r", "eta", "phi", "log10_bound", "precondition_holds", "min_layers_for_precondition", "measured", "argmin_layer", "bound_holds", "log10_tightness"])'
expect "documented fields; bound holds with its precondition (n = 4, lambda = 2)" \
  "$fields and j['precondition_holds'] and j['bound_holds'] and j['reference_converged'] and j['max_factorization_residual'] < 1e-12" \
  -- --generator paper --n 4 --lambda 2 --gamma 2 --layers 400
expect "w*, q* exposed with their certified Hilbert-metric bound (E8)" \
  "len(j['reference']['log_w']) == 4 and len(j['reference']['log_q']) == 4 and j['reference']['converged'] and j['reference']['hilbert_bound'] <= j['reference']['target'] <= 2**-60" \
  -- --generator paper --n 4 --lambda 0.5 --gamma 0.5 --layers 8
expect "every variant converges to P* in the Hilbert metric (paper)" 'j["measured"] < 1e-12' -- --generator paper --n 4 --lambda 0.5 --gamma 0.5 --layers 300 --variant paper
expect "every variant converges to P* in the Hilbert metric (relu-reset)" 'j["measured"] < 1e-12' -- --generator paper --n 4 --lambda 0.5 --gamma 0.5 --layers 300 --variant relu-reset
expect "patterns keep full effective rank (no rank collapse)" 'j["rank"][-1]["effective_rank"] > 1.5' -- --generator paper --n 4 --lambda 0.5 --gamma 0.5 --layers 64
expect "rates: fitted exponents with uncertainty" \
  'all(k in j["rates"] for k in ["exponent_l", "exponent_l_stderr", "exponent_n", "exponent_n_stderr", "conclusion"]) and j["rates"]["exponent_l"] < -0.5' \
  -- --generator paper --n 4 --lambda 0.5 --gamma 0.05 --layers 256 --rates
count=$((count + 1))
if "$otv" theorem2 --layers 0 >/dev/null 2>&1; then echo "FAIL: --layers 0 accepted"; fail=$((fail + 1)); else echo "ok: --layers 0 rejected"; fi
finish
