"""Reference implementations of the constructed transformer for bench/compare.

Written for the benchmark the way a user would write them, in the authors'
formulation (DESIGN.md sections 2-4, the released code: column order
[|x|^2, x, |y|^2, y, 1, 1, 1, s, u, v, out], both heads' lambda Q as listed
there, update Z <- Z - gamma head1(Z) - gamma head2(Z), stable softmax):

  numpy_forward   float64 with NumPy (BLAS products, vectorised exp);
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


def numpy_forward(x_text, y_text, lam_text, gamma_text, layers, repeats):
    """Returns (best seconds per layer, u, v) in float64."""
    import numpy as np

    n = len(x_text)
    x = np.array([float(t) for t in x_text])
    y = np.array([float(t) for t in y_text])
    lam, gamma = float(lam_text), float(gamma_text)
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

    def softmax(Sc):
        E = np.exp(Sc - Sc.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)

    best = float("inf")
    for _ in range(repeats):
        Z = Z0.copy()
        start = time.perf_counter()
        for _ in range(layers):
            update = np.zeros_like(Z)
            for Q, W in heads:
                update += softmax(Z @ Q @ Z.T) @ Z @ W
            Z = Z - gamma * update
        best = min(best, (time.perf_counter() - start) / layers)
    return best, [repr(float(t)) for t in Z[:, U]], [repr(float(t)) for t in Z[:, V]]


def mpmath_forward(x_text, y_text, lam_text, gamma_text, layers, bits):
    """Returns (seconds per layer, u, v) at `bits` bits of precision."""
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

    start = time.perf_counter()
    for _ in range(layers):
        update = mp.matrix(n + 1, WIDTH)
        for Q, W in heads:
            update += softmax(Z * Q * Z.T) * Z * W
        Z = Z - gamma * update
    per_layer = (time.perf_counter() - start) / layers
    digits = int(bits * 0.30103) + 2
    return (per_layer, [mpmath.nstr(Z[i, U], digits) for i in range(n + 1)],
            [mpmath.nstr(Z[i, V], digits) for i in range(n + 1)])
