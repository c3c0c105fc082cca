"""Reference implementations of the constructed transformer for bench/compare.

Written for the benchmark the way a user would write them, in the authors'
formulation (DESIGN.md sections 2-4, the released code: column order
[|x|^2, x, |y|^2, y, 1, 1, 1, s, u, v, out], both heads' lambda Q as listed
there, update Z <- Z - gamma head1(Z) - gamma head2(Z), stable softmax):

  numpy_forward   float64 with NumPy (BLAS products, vectorised exp);
  torch_forward   float64 or float32 with PyTorch on the CPU (torch.softmax, @), all cores;
  mpmath_forward  mpmath at a given precision (mp.matrix products, mp.exp).

Both start from u = v = 0, as otverify does, and return the final u and v
columns of all n + 1 rows.
"""
import time

# Column names of the released code's order (d = 1).
X2, X, Y2, Y, ONE_A, ONE_B, ONE_C, S, U, V, OUT = range(11)
WIDTH = 11


def lambda_q_entries(lam, head1):
    """Non-zero entries of lambda Q for head 1 (role u) or head 2 (role v)."""
    if head1:
        return {(ONE_A, Y2): -1, (X, Y): 2, (X2, ONE_A): -1, (U, ONE_B): 1, (ONE_B, ONE_C): -lam, (ONE_C, V): 1}
    return {(ONE_A, X2): -1, (Y, X): 2, (Y2, ONE_A): -1, (V, ONE_B): 1, (ONE_B, ONE_C): -lam, (ONE_C, U): 1}


def initial_state_and_heads(x_text, y_text, lam_text):
    """Z^(0) and per head (Q, W) in float64 NumPy arrays: Q = (lambda Q) / lambda, W = w_v B."""
    import numpy as np

    n = len(x_text)
    x = np.array([float(t) for t in x_text])
    y = np.array([float(t) for t in y_text])
    lam = float(lam_text)
    Z0 = np.zeros((n + 1, WIDTH))
    Z0[:n, X2], Z0[:n, X], Z0[:n, Y2], Z0[:n, Y] = x * x, x, y * y, y
    Z0[:n, ONE_A:S + 1] = 1
    Z0[n, S] = -1 / n
    heads = []
    for head1 in (True, False):
        Q = np.zeros((WIDTH, WIDTH))
        for (i, j), a in lambda_q_entries(lam, head1).items():
            Q[i, j] = a
        Q /= lam
        W = np.zeros((WIDTH, WIDTH))
        W[S, U if head1 else V] = 1
        heads.append((Q, W))
    return Z0, heads


def numpy_forward(x_text, y_text, lam_text, gamma_text, layers, repeats):
    """Returns (best wall seconds per layer, best CPU seconds per layer, u, v) in float64."""
    import numpy as np

    Z0, heads = initial_state_and_heads(x_text, y_text, lam_text)
    gamma = float(gamma_text)

    def softmax(Sc):
        E = np.exp(Sc - Sc.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)

    best = best_cpu = float("inf")
    for _ in range(repeats):
        Z = Z0.copy()
        start, cpu_start = time.perf_counter(), time.process_time()
        for _ in range(layers):
            update = np.zeros_like(Z)
            for Q, W in heads:
                update += softmax(Z @ Q @ Z.T) @ Z @ W
            Z = Z - gamma * update
        best = min(best, (time.perf_counter() - start) / layers)
        best_cpu = min(best_cpu, (time.process_time() - cpu_start) / layers)
    return best, best_cpu, [repr(float(t)) for t in Z[:, U]], [repr(float(t)) for t in Z[:, V]]


def torch_forward(x_text, y_text, lam_text, gamma_text, layers, repeats, dtype_name):
    """As numpy_forward, in PyTorch on the CPU in float64 or float32, as a torch user writes it."""
    import os
    import torch

    torch.set_num_threads(os.cpu_count())
    dtype = {"float64": torch.float64, "float32": torch.float32}[dtype_name]
    Z0, heads_np = initial_state_and_heads(x_text, y_text, lam_text)
    Z0 = torch.tensor(Z0, dtype=dtype)
    heads = [(torch.tensor(Q, dtype=dtype), torch.tensor(W, dtype=dtype)) for Q, W in heads_np]
    gamma = float(gamma_text)
    best = best_cpu = float("inf")
    with torch.no_grad():
        for _ in range(repeats):
            Z = Z0.clone()
            start, cpu_start = time.perf_counter(), time.process_time()
            for _ in range(layers):
                update = torch.zeros_like(Z)
                for Q, W in heads:
                    update += torch.softmax(Z @ Q @ Z.T, dim=1) @ Z @ W
                Z = Z - gamma * update
            best = min(best, (time.perf_counter() - start) / layers)
            best_cpu = min(best_cpu, (time.process_time() - cpu_start) / layers)
    return best, best_cpu, [repr(float(t)) for t in Z[:, U]], [repr(float(t)) for t in Z[:, V]]


def loaded_blas():
    """The BLAS/LAPACK shared libraries this Python process has loaded."""
    import os
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            name = os.path.basename(path)
            if any(k in name for k in ("blas", "lapack", "mkl", "atlas")):
                libs.add(os.path.realpath(path))
    return sorted(libs)


def numpy_environment():
    """NumPy's version, SIMD extensions in use and BLAS."""
    import numpy as np
    from numpy.core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__
    np.ones((4, 4)) @ np.ones((4, 4))
    dispatch = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
    return {"version": np.__version__, "simd_baseline": list(__cpu_baseline__), "simd_dispatched": dispatch,
            "blas": loaded_blas()}


def torch_environment():
    """PyTorch's version, CPU capability and BLAS (torch.__config__.show())."""
    import torch
    torch.ones((4, 4)) @ torch.ones((4, 4))
    config = torch.__config__.show()
    pick = lambda key: next((l.split(key, 1)[1].strip(" :=,") for l in config.splitlines() if key in l), "unknown")
    blas = next((p.split("=", 1)[1] for p in config.replace(",", " ").split() if p.startswith("BLAS_INFO=")), "unknown")
    return {"version": torch.__version__, "cpu_capability": pick("CPU capability usage"), "blas_info": blas,
            "blas": loaded_blas(), "threads": torch.get_num_threads()}


def mpmath_forward(x_text, y_text, lam_text, gamma_text, layers, bits):
    """Returns (wall seconds per layer, CPU seconds per layer, u, v) at `bits` bits of precision."""
    import mpmath
    from mpmath import mp

    mp.prec = bits
    n = len(x_text)
    lam, gamma = mp.mpf(lam_text), mp.mpf(gamma_text)
    Z = mp.matrix(n + 1, WIDTH)
    for i in range(n):
        x, y = mp.mpf(x_text[i]), mp.mpf(y_text[i])
        Z[i, X2], Z[i, X], Z[i, Y2], Z[i, Y] = x * x, x, y * y, y
        for c in (ONE_A, ONE_B, ONE_C, S):
            Z[i, c] = mp.mpf(1)
    Z[n, S] = mp.mpf(-1) / n
    heads = []
    for head1 in (True, False):
        Q = mp.matrix(WIDTH, WIDTH)
        for (i, j), a in lambda_q_entries(lam, head1).items():
            Q[i, j] = mp.mpf(a) / lam
        W = mp.matrix(WIDTH, WIDTH)
        W[S, U if head1 else V] = mp.mpf(1)
        heads.append((Q, W))

    def softmax(Sc):
        A = mp.matrix(Sc.rows, Sc.cols)
        for i in range(Sc.rows):
            m = max(Sc[i, j] for j in range(Sc.cols))
            row = [mp.exp(Sc[i, j] - m) for j in range(Sc.cols)]
            total = mp.fsum(row)
            for j in range(Sc.cols):
                A[i, j] = row[j] / total
        return A

    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(layers):
        update = mp.matrix(n + 1, WIDTH)
        for Q, W in heads:
            update += softmax(Z * Q * Z.T) * Z * W
        Z = Z - gamma * update
    per_layer = (time.perf_counter() - start) / layers
    cpu_per_layer = (time.process_time() - cpu_start) / layers
    digits = int(bits * 0.30103) + 2
    return (per_layer, cpu_per_layer, [mpmath.nstr(Z[i, U], digits) for i in range(n + 1)],
            [mpmath.nstr(Z[i, V], digits) for i in range(n + 1)])
