"""otverify's `notebook` variant against a NumPy implementation in the authors'
formulation (bench/references.py: the released code's column order, matrices and
update Z <- Z - gamma head1(Z) - gamma head2(Z)), at several depths up to 3000.

Usage: /usr/bin/python3 notebook_oracle.py OTVERIFY BENCH_DIR

Both sides evaluate the same layer map in double with different summation orders.
Tolerance: Theorem 1's error model (docs/error-model.md), tol_l for layer l as
otverify theorem1 reports it, bounds the difference of two double evaluations of one
layer (local error 2 u [...], both sides rounding) carried by the map's Jacobian;
the same bound applies here, to the data rows' u, v. The sink row is held to it too
(notebook's sink contracts to -2 lambda ln n, docs/findings.md F1).
"""
import json
import subprocess
import sys

otv, bench = sys.argv[1], sys.argv[2]
sys.path.insert(0, bench)
from references import numpy_forward  # noqa: E402

failures = checks = 0
settings = [("paper's settings", "0.5,0.75,0.25,0", "0,0.25,0.5,0.75", "0.005", "0.01"),
            ("released code's settings", "0.5,0.75,0.25,0", "0,1,2,3", "0.1", "0.05"),
            ("paper's settings, n = 8", "0.375,0.5,0.125,0.875,0.75,0.25,0,0.625", "0,0.125,0.25,0.375,0.5,0.625,0.75,0.875", "0.005", "0.01")]
for name, xs, ys, lam, gamma in settings:
    common = ["--variant", "notebook", "--x", xs, "--y", ys, "--lambda", lam, "--gamma", gamma, "--json"]
    t1 = json.loads(subprocess.run([otv, "theorem1", "--layers", "3000", "--ladder", "double"] + common,
                                   check=True, capture_output=True, text=True).stdout)
    for layers in (1, 2, 10, 100, 1000, 3000):
        j = json.loads(subprocess.run([otv, "run", "--layers", str(layers)] + common, check=True, capture_output=True, text=True).stdout)
        _, _, u, v = numpy_forward(xs.split(","), ys.split(","), lam, gamma, layers, 1)
        ours_u = [float(t) for t in j["u"]] + [float(j["sink"]["u"])]
        ours_v = [float(t) for t in j["v"]] + [float(j["sink"]["v"])]
        gap = max(abs(a - float(b)) for a, b in zip(ours_u + ours_v, u + v))
        tol = t1["per_layer"][layers - 1]["tolerance"]
        checks += 1
        ok = gap <= tol
        failures += not ok
        print(f"{'ok' if ok else 'FAIL'}: notebook vs NumPy (authors' formulation), {name}, layer {layers}: "
              f"max |difference| over u, v (sink included) {gap:.2e} <= tolerance {tol:.2e}")
print(f"{checks - failures} of {checks} checks passed")
sys.exit(1 if failures else 0)
