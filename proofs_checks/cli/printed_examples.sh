#!/usr/bin/env bash
# docs/findings.md F8: the paper's printed sorting examples are the released code's
# fixed point (lambda 0.1, gamma 0.05, y = i - 1, notebook weights) cut to the printed
# digits -- truncated, not rounded -- from layer 1502 (n = 4) and 7087 (n = 8) on;
# the paper's stated lambda 0.005, gamma 0.01 never prints them.
set -u
source "$(dirname "$0")/expect_json.sh" "$1"
expect() { expect_json run "$@"; }
# readouts[k]: the readout at the k-th --patterns-at layer. A printed number p with k
# places is the value truncated iff p <= v < p + 10^-k, rounded iff |v - p| <= 10^-k / 2.
cut='lambda p, v: float(p) <= v < float(p) + 10.0 ** -len(p.split(".")[1])'
near='lambda p, v: abs(v - float(p)) <= 0.5 * 10.0 ** -len(p.split(".")[1])'
at='[[float(t) for t in e["readout"]] for e in j["patterns"]]'
n4='"0.018,0.24,0.50,0.73".split(",")'
n8='"0.02,0.12,0.25,0.37,0.5,0.62,0.75,0.84".split(",")'
expect "n = 4: truncated digits from layer 1502 on (not at 1501), never rounded" \
  "(lambda r, t, c: not all(map(t, $n4, r[0])) and all(all(map(t, $n4, x)) for x in r[1:]) and not any(all(map(c, $n4, x)) for x in r))($at, $cut, $near)" \
  -- --variant notebook --x 0.5,0.75,0.25,0 --y 0,1,2,3 --lambda 0.1 --gamma 0.05 --layers 12000 --patterns-at 1501,1502,2000,5000,12000
expect "n = 8: truncated digits from layer 7087 on (not at 7086), never rounded" \
  "(lambda r, t, c: not all(map(t, $n8, r[0])) and all(all(map(t, $n8, x)) for x in r[1:]) and not any(all(map(c, $n8, x)) for x in r))($at, $cut, $near)" \
  -- --variant notebook --x 0.375,0.5,0.125,0.875,0.75,0.25,0,0.625 --y 0,1,2,3,4,5,6,7 --lambda 0.1 --gamma 0.05 --layers 12000 --patterns-at 7086,7087,9000,12000
expect "paper's settings (lambda 0.005, gamma 0.01, y = (i-1)/n): the n = 4 list at no depth to 5000, either convention" \
  "(lambda r, t, c: not any(all(map(t, $n4, x)) or all(map(c, $n4, x)) for x in r))($at, $cut, $near)" \
  -- --x 0.5,0.75,0.25,0 --y 0,0.25,0.5,0.75 --layers 5000 --patterns-at 0,500,1000,2000,3000,4000,5000
finish
