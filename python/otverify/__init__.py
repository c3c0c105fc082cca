"""otverify: formal-numerics checks of a transformer built to solve entropic OT.

The functions call otverify's study layer (the C++ behind the ``otverify`` command)
and return what ``otverify <command> --json`` prints, as Python objects: NumPy
arrays for float and double, exact decimal strings for every other scalar type.
"""
import json
import numbers

import numpy as np

from . import _core

__all__ = ["run", "RunResult", "InputError"]

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
    lam_text = lam if isinstance(lam, str) else repr(float(lam))
    gamma_text = gamma if isinstance(gamma, str) else repr(float(gamma))
    record = _core.run(x_text, y_text, lam_text, gamma_text, int(layers), variant, softmax, scalar, progress)
    return RunResult(json.loads(record))
