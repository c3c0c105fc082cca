"""otverify: formal-numerics checks of a transformer built to solve entropic OT.

The functions call otverify's study layer (the C++ behind the ``otverify`` command)
and return what ``otverify <command> --json`` prints, as Python objects: NumPy
arrays for float and double, exact decimal strings for every other scalar type.
"""
import json
import numbers

import numpy as np

from . import _core

__all__ = ["run", "RunResult", "InputError", "theorem1", "theorem2", "TheoremResult"]

InputError = _core.InputError  # a ValueError; its message is the CLI's

# Scalar types whose results are JSON numbers (the rest are decimal strings).
_NUMBER_SCALARS = ("float", "double")


def _points(a, name):
    """Rows of decimal strings from an (n,) or (n, d) array or list.

    Strings pass through untouched (exact in mpfr); numbers become their shortest
    round-trip decimal, which denotes the double itself.
    """
    rows = a.tolist() if isinstance(a, np.ndarray) else list(a)

    def decimal(v):
        if isinstance(v, str):
            return v
        if isinstance(v, numbers.Real):
            return repr(float(v))
        raise ValueError(f"{name}: {v!r} is neither a number nor a decimal string")

    return [[decimal(c) for c in r] if isinstance(r, (list, tuple)) else [decimal(r)] for r in rows]


def _decimal(v):
    """A parameter as the decimal the study parses: strings untouched, numbers as their shortest round-trip decimal."""
    return v if isinstance(v, str) else repr(float(v))


def _convert(value, numeric):
    """A JSON value as a Python object: lists as NumPy arrays (float64 for float and
    double, "nan"/"inf" included; else object arrays of decimal strings), dicts item by item."""
    if isinstance(value, dict):
        return {k: _convert(v, numeric) for k, v in value.items()}
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return [_convert(v, numeric) for v in value]
        if numeric:
            return np.array(value, dtype=object).astype(np.float64)
        return np.array(value, dtype=object)
    return value


class RunResult:
    """The result of :func:`run`.

    Attributes are the fields of ``otverify run --json`` (e.g. ``readout``,
    ``sorted``, ``u``, ``v``, ``attention_last``, ``readout_max_error``,
    ``marginal_error``, ``sink``, ``breakdown``); ``record`` is that JSON object
    itself, as a dict.
    """

    def __init__(self, record):
        self.record = record
        numeric = record["scalar"] in _NUMBER_SCALARS
        for key, value in record.items():
            setattr(self, key, _convert(value, numeric))

    def __repr__(self):
        return (f"RunResult(scalar={self.scalar!r}, variant={self.variant!r}, n={self.n}, layers={self.layers}, "
                f"readout_max_error={self.readout_max_error!r})")


def run(x, y, lam="0.005", gamma="0.01", layers=2000, variant="paper", scalar="double", softmax="stable", progress=None):
    r"""Runs the constructed transformer on one instance and reads out the transport.

    The prompt :math:`Z^{(0)}` of the points :math:`x, y` goes through ``layers``
    layers of the construction (Sec. 4, eqs. 4-10); head 2 of the last layer reads out

    .. math::
        \hat{y}_i = \sum_j A^{(L)}_{n+1+i,\,j}\, x_j,

    compared with :math:`x` sorted by the exact OT assignment, and head 1's pattern
    is the plan whose marginal errors :math:`\max_i |P\mathbf{1} - 1/n|`,
    :math:`\max_j |P^\top\mathbf{1} - 1/n|` are reported.

    Parameters
    ----------
    x : array-like, shape (n,) or (n, d)
        Source points: numbers, or decimal strings (exact in every scalar type).
    y : array-like, shape (n,) or (n, d)
        Target points, like ``x``.
    lam : str or float, optional
        Entropic regularisation :math:`\lambda > 0` (default ``"0.005"``, as the CLI).
    gamma : str or float, optional
        Step size :math:`\gamma > 0` (default ``"0.01"``).
    layers : int, optional
        Number of layers L in [0, 10^7] (default 2000).
    variant : str, optional
        Construction: ``"paper"`` (default), ``"notebook"``, ``"corrected"`` or ``"relu-reset"``.
    scalar : str, optional
        ``"float"``, ``"double"`` (default), ``"long-double"``, ``"float128"``,
        ``"cpp_bin_float_50"``, ``"cpp_bin_float_100"``, ``"mpfr:BITS"``, ``"mpfi:BITS"``.
    softmax : str, optional
        ``"stable"`` (max-subtracted, default) or ``"naive"``.
    progress : callable, optional
        Called as ``progress(layers_done, layers)`` after each layer.

    Returns
    -------
    RunResult
        ``readout`` and ``sorted`` (shape (n,) or (n, d)), ``u``, ``v`` (n,),
        ``attention_last`` (n, n), ``readout_max_error``, ``marginal_error``,
        ``sink``, ``breakdown``: float64 arrays for float and double, decimal
        strings otherwise; ``record`` is the dict of ``otverify run --json``.
        The computation runs without the GIL; Ctrl-C raises KeyboardInterrupt
        between layers.

    Raises
    ------
    ValueError
        For invalid input, with the CLI's one-line message.

    Examples
    --------
    >>> import otverify
    >>> r = otverify.run([0.5, 0.75, 0.25, 0], [0, 0.25, 0.5, 0.75], layers=2000, scalar="mpfr:128")
    >>> r.readout_max_error  # a decimal string: exact in mpfr:128
    """
    x_text, y_text = _points(x, "x"), _points(y, "y")
    lam_text, gamma_text = _decimal(lam), _decimal(gamma)
    record = _core.run(x_text, y_text, lam_text, gamma_text, int(layers), variant, softmax, scalar, progress)
    return RunResult(json.loads(record))


# ---- theorems (otverify.theorem1, otverify.theorem2) ----

_NONFINITE = ("nan", "inf", "-inf")


def _column(values, numeric):
    """One field over a table's rows: int64 for integers, float64 for numbers (None:
    nan; "nan", "inf" only in float and double, ``numeric``), else an object array
    (decimal strings of the multiprecision types, names)."""
    def number(v):
        return not isinstance(v, bool) and (isinstance(v, (int, float)) or v is None or v in _NONFINITE)

    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.int64)
    if all(number(v) for v in values) and (numeric or not any(isinstance(v, str) for v in values)):
        return np.array([np.nan if v is None else v for v in values], dtype=object).astype(np.float64)
    return np.array(values, dtype=object)


def _table(rows, numeric):
    """A list of flat records with the same keys as a dict of columns (NumPy arrays); else None."""
    keys = list(rows[0]) if rows and isinstance(rows[0], dict) else None
    if not keys or any(not isinstance(r, dict) or list(r) != keys or any(isinstance(v, (list, dict)) for v in r.values())
                       for r in rows):
        return None
    return {k: _column([r[k] for r in rows], numeric) for k in keys}


class TheoremResult:
    """The result of :func:`theorem1` or :func:`theorem2`.

    Attributes are the fields of ``otverify theorem1 --json`` / ``otverify theorem2
    --json`` (e.g. ``verdict``, ``first_failing_layer``, ``ladder``, ``certificate``;
    ``measured``, ``log10_bound``, ``bound_holds``, ``reference``). A list of flat
    records becomes a dict of columns, each a NumPy array: e.g. Theorem 1's
    ``per_layer["max_u_err"]`` (float64, shape (L,)), ``sink["u"]`` (float64 for
    float and double, decimal strings otherwise), ``ladder["max_err"]``; Theorem 2's
    ``per_layer["distance"]``. ``record`` is the JSON object itself.
    """

    def __init__(self, record):
        self.record = record
        numeric = record["scalar"] in _NUMBER_SCALARS
        for key, value in record.items():
            table = _table(value, numeric) if isinstance(value, list) else None
            setattr(self, key, table if table is not None else _convert(value, numeric))

    def __repr__(self):
        decided = "verdict" if "verdict" in self.record else "bound_holds"
        return f"TheoremResult(scalar={self.scalar!r}, variant={self.variant!r}, n={self.n}, {decided}={self.record[decided]!r})"


def theorem1(x, y, lam="0.005", gamma="0.01", layers=2000, variant="paper", scalar="double",
             ladder=("double", "mpfr:128", "mpfr:256", "mpfr:512"), certify=False, certify_bits=0, softmax="stable",
             progress=None):
    r"""Decides Theorem 1 on one instance: do the transformer's u, v columns equal adaptive GD?

    Theorem 1 claims that the data rows' u, v columns of :math:`Z^{(l)}` are the
    adaptive gradient-descent iterates of the dual (eq. 4), at every layer :math:`l`:

    .. math::
        Z^{(l)}_{i,u} = u^{(l)}_i, \qquad Z^{(l)}_{j,v} = v^{(l)}_j .

    Each run measures :math:`\max_i |Z_{i,u} - u_i|`, :math:`\max_j |Z_{j,v} - v_j|`
    per layer against the rounding tolerance :math:`\mathrm{tol}_l`
    (docs/error-model.md); the precision ladder tells rounding from a discrepancy
    that survives every precision, and ``certify`` repeats both computations in
    mpfi interval arithmetic.

    Parameters
    ----------
    x, y : array-like, shape (n,) or (n, d)
        Source and target points: numbers or decimal strings (exact in every type).
    lam, gamma : str or float, optional
        :math:`\lambda > 0` (default ``"0.005"``) and :math:`\gamma > 0` (default ``"0.01"``).
    layers : int, optional
        Depth L (default 2000).
    variant : str, optional
        ``"paper"`` (default), ``"notebook"``, ``"corrected"`` or ``"relu-reset"``.
    scalar : str, optional
        The base type (default ``"double"``; names as in :func:`run`).
    ladder : sequence of str, optional
        The ladder's types after the base (default double, mpfr:128, mpfr:256, mpfr:512).
    certify : bool, optional
        Also run in mpfi at ``certify_bits`` (0: 128 + 2 L bits).
    softmax : str, optional
        ``"stable"`` (default) or ``"naive"``.
    progress : callable, optional
        Called as ``progress(runs_done)`` after each scalar run.

    Returns
    -------
    TheoremResult
        ``verdict`` ("holds", "rounding-only", "unstable" or "fails"),
        ``first_failing_layer`` (None: none), ``per_layer`` and ``sink`` as columns
        of shape (L,) (``per_layer["max_u_err"]``, ``sink["u"]``, ...), ``ladder``,
        ``ladder_slope``, ``certificate`` (with ``certify``); ``record``
        is the dict of ``otverify theorem1 --json``. Ctrl-C raises
        KeyboardInterrupt between scalar runs.

    Raises
    ------
    ValueError
        For invalid input, with the CLI's one-line message.

    Examples
    --------
    >>> import otverify
    >>> r = otverify.theorem1([0.5, 0.75, 0.25, 0], [0, 0.25, 0.5, 0.75], variant="corrected", layers=200)
    >>> r.verdict
    'holds'
    """
    record = _core.theorem1(_points(x, "x"), _points(y, "y"), _decimal(lam), _decimal(gamma), int(layers), variant, softmax, scalar,
                            ",".join(ladder), bool(certify), int(certify_bits), progress)
    return TheoremResult(json.loads(record))


def theorem2(x, y, lam="0.5", gamma="0.5", layers=200, variant="paper", scalar="double", rates=False, softmax="stable",
             progress=None):
    r"""Theorem 2 on one instance: the distance of the patterns :math:`A^{(k)}` to :math:`P_\lambda^*`.

    Head 1's data block factors as :math:`A^{(k)} = \mathrm{diag}(w^{(k)})\, Q\,
    \mathrm{diag}(q^{(k)})`, :math:`Q_{ij} = e^{-C_{ij}/\lambda - 1}`, and Theorem 2 bounds

    .. math::
        \max(\mu(q^{(k)}, q^*), \mu(w^{(k)}, w^*)) \le
        \frac{36\, n^{3/2} e^{r/\lambda} \sqrt{r}}{\sqrt{l}\,(1 - \eta)}
        \quad\text{when } l \ge 64 n^3 e^{3r/\lambda} r,

    with :math:`\mu` the Hilbert projective metric and :math:`w^*, q^*` of
    :math:`P_\lambda^*` certified in mpfi (docs/error-model.md E8).

    Parameters
    ----------
    x, y : array-like, shape (n,) or (n, d)
        Source and target points: numbers or decimal strings.
    lam, gamma : str or float, optional
        :math:`\lambda > 0`, :math:`\gamma > 0` (default ``"0.5"`` each; the precondition
        is out of reach at the paper's 0.005).
    layers : int, optional
        Depth l >= 1 (default 200).
    variant, scalar, softmax : str, optional
        As in :func:`run`.
    rates : bool, optional
        Also the rate over paper, uniform and gaussian instances (n = 2, 4, 8, seeds 1-3).
    progress : callable, optional
        Called as ``progress(instances_done)`` after each instance.

    Returns
    -------
    TheoremResult
        ``measured`` (min over k <= l of the distance), ``argmin_layer``,
        ``log10_bound``, ``precondition_holds``, ``bound_holds``, ``per_layer``
        columns of shape (l,) (``per_layer["distance"]``, ``["residual"]``), ``rank`` (effective ranks of
        :math:`A^{(k)}`, k = 1, 2, 4, ..., l), ``reference`` (log w*, log q* as
        decimal strings, the certified bound) and ``rates``; ``record`` is the dict
        of ``otverify theorem2 --json``.

    Raises
    ------
    ValueError
        For invalid input, with the CLI's one-line message.

    Examples
    --------
    >>> import otverify
    >>> r = otverify.theorem2([0.5, 0.75, 0.25, 0], [0, 0.25, 0.5, 0.75], lam=2, layers=100)
    >>> r.bound_holds, r.per_layer["distance"].shape
    (True, (100,))
    """
    record = _core.theorem2(_points(x, "x"), _points(y, "y"), _decimal(lam), _decimal(gamma), int(layers), variant, softmax, scalar,
                            bool(rates), progress)
    return TheoremResult(json.loads(record))

# ---- end of theorems ----
