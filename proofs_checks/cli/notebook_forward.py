#!/usr/bin/python3
"""Cross-check of `otverify train --setup notebook`: the forward pass and readout
of a small trained model, recomputed by an independent NumPy implementation of
the released code's formulation (docs/training.md, "Setups"):

  prompt  paper column order [x, y, x^2, y^2, 1, 1, 1, s, u, v, out], s = 1 on data
          rows and -1/n on the sink, u, v random on data rows (taken from otverify's
          prompt: they are random draws), zero on the sink;
  layers  Z <- Z + mixing * sum_j softmax_rows(Z Q_j Z^T) Z w_v_j  for l = 1..L-1
          (mixing = -0.1: Z - 0.1 (A1 Z w_v1 + A2 Z w_v2));
  readout pred_i = sum_j softmax_j over data columns of (Z_d Q Z_d^T)_ij x_j with
          Q = the last layer's head-1 Q, Z_d the data rows of Z^(L-1), x its x column.

Error model: both are double evaluations of the same expression in different
summation orders. The reference is the same NumPy code in long double; otverify's
distance to it must be of the order of NumPy-double's (at most 8 times it, plus
64 (n + width) u |pred|, u = 2^-53). A formula difference is O(|pred|) and fails.
Usage: notebook_forward.py OTVERIFY"""
import json, subprocess, sys, tempfile, os
import numpy as np

otv = sys.argv[1]
tmp = tempfile.mkdtemp()
model_path = os.path.join(tmp, "nb.json")
subprocess.run([otv, "train", "--setup", "notebook", "--n", "5", "--layers", "4", "--samples", "6", "--iters", "30", "--lr", "0.01",
                "--seed", "3", "--out", model_path], check=True, capture_output=True)
model = json.load(open(model_path))
W = model["weights"]
mixing = float(model["settings"]["mixing"])
assert model["settings"]["setup"] == "notebook" and mixing == -0.1 and model["settings"]["resample_every"] == 50


def forward(prompt, x_col, n, dtype):
    Z = np.array(prompt, dtype=dtype)
    def softmax(S):
        S = S - S.max(axis=1, keepdims=True)
        E = np.exp(S)
        return E / E.sum(axis=1, keepdims=True)
    for layer in W[:-1]:
        upd = np.zeros_like(Z)
        for h in layer:
            Q, wv = np.array(h["Q"], dtype=dtype), np.array(h["w_v"], dtype=dtype)
            upd += softmax(Z @ Q @ Z.T) @ Z @ wv
        Z = Z + dtype(mixing) * upd
    Zd = Z[:n]
    A = softmax(Zd @ np.array(W[-1][0]["Q"], dtype=dtype) @ Zd.T)
    return A @ Zd[:, x_col]


fails = 0
u = 2.0 ** -53
for n in (5, 7, 12):
    ev = json.loads(subprocess.run([otv, "eval", "--model", model_path, "--n", str(n), "--samples", "1", "--seed", "4", "--json"],
                                   check=True, capture_output=True, text=True).stdout)
    inst = ev["instance"]
    x, y = np.array(inst["x"], dtype=float).ravel(), np.array(inst["y"], dtype=float).ravel()  # n x 1 columns print as lists
    P = np.array(inst["prompt"])
    # The prompt, independently: paper layout, u, v from otverify's (random) draw.
    mine = np.zeros((n + 1, 11))
    mine[:n, 0], mine[:n, 1], mine[:n, 2], mine[:n, 3] = x, y, x * x, y * y
    mine[:n, 4:8] = 1
    mine[n, 7] = -1.0 / n
    mine[:n, 8:10] = P[:n, 8:10]
    prompt_ok = np.array_equal(mine, P) and (P[:n, 8:10] > 0).any() and np.all(P[n, 8:10] == 0)
    otv_pred = np.array(inst["prediction"], dtype=float).ravel()
    ref = forward(mine, 0, n, np.longdouble)
    np64 = forward(mine, 0, n, np.float64)
    e_otv = float(np.max(np.abs(otv_pred - ref)))
    e_np = float(np.max(np.abs(np64 - ref)))
    bound = 8 * e_np + 64 * (n + 11) * u * float(np.max(np.abs(ref)))
    ok = prompt_ok and e_otv <= bound
    fails += not ok
    print(f"{'ok' if ok else 'FAIL'}: n = {n}: prompt {'equal' if prompt_ok else 'DIFFERS'}; |otverify - ref| = {e_otv:.3g}, "
          f"|numpy64 - ref| = {e_np:.3g}, bound {bound:.3g}, |pred| <= {float(np.max(np.abs(ref))):.3g}")
sys.exit(1 if fails else 0)
