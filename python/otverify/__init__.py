"""otverify: formal-numerics checks of a transformer built to solve entropic OT.

The functions call otverify's study layer (the C++ behind the ``otverify`` command)
and return what ``otverify <command> --json`` prints, as Python objects: NumPy
arrays for float and double; for every other scalar type ``mpmath.mpf`` values
(``mpmath.mpi`` for mpfi) when mpmath is installed, else the exact decimal strings
(``exact="str"`` asks for the strings).
"""
import json
import math
import numbers
import os
import re

import numpy as np

from . import _core

try:
    import mpmath
except ImportError:  # results stay decimal strings
    mpmath = None

__all__ = ["run", "RunResult", "InputError", "train", "TrainResult", "evaluate", "EvalResult", "ablation", "AblationResult",
           "breakdown", "BreakdownResult", "BreakdownCell", "advise", "theorem1", "theorem1_trials", "theorem2", "TheoremResult"]

InputError = _core.InputError  # a ValueError; its message is the CLI's

# Scalar types whose results are JSON numbers (the rest are decimal strings).
_NUMBER_SCALARS = ("float", "double")

_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(nan|inf)")
_INTERVAL = re.compile(r"\[([^,\]]+), ([^,\]]+)\]")


def _exact_mode(exact):
    """``exact`` checked: "mpmath" or "str"; None is "mpmath" when mpmath is importable."""
    if exact is None:
        return "str" if mpmath is None else "mpmath"
    if exact not in ("mpmath", "str"):
        raise ValueError(f"exact must be 'mpmath' or 'str', not {exact!r}")
    if exact == "mpmath" and mpmath is None:
        raise ValueError("exact='mpmath' needs the mpmath package")
    return exact


def _mpmath_value(text, bits):
    """A decimal string as the binary number of ``bits`` bits it denotes (the strings
    round-trip at that precision), "[lo, hi]" as an mpmath.mpi of two such ends; any
    other string (a name) unchanged."""
    interval = _INTERVAL.fullmatch(text)
    if interval is None and not _DECIMAL.fullmatch(text):
        return text
    with mpmath.workprec(bits):
        if interval is not None:
            return mpmath.mpi(mpmath.mpf(interval[1]), mpmath.mpf(interval[2]))
        return mpmath.mpf(text)


def _with_mpmath(value, bits, keep=()):
    """A JSON value with its decimal strings as mpmath numbers at ``bits`` bits; a dict
    with ``precision_bits`` or ``bits`` (a ladder's rung, a certificate) gives its own
    precision to what it holds. Keys in ``keep`` (given decimals) stay strings."""
    if isinstance(value, dict):
        bits = value.get("precision_bits", value.get("bits", bits))
        return {k: v if k in keep else _with_mpmath(v, bits) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_mpmath(v, bits) for v in value]
    return _mpmath_value(value, bits) if isinstance(value, str) else value


def _exact_values(record, exact, keep=()):
    """The record whose attributes a result takes: for the multiprecision types in
    "mpmath" mode its decimal strings as mpmath numbers, else the record itself."""
    if _exact_mode(exact) == "str" or record["scalar"] in _NUMBER_SCALARS:
        return record
    # Theorem 2's record states the precision as its unit roundoff 2^-p.
    bits = record.get("precision_bits") or round(-math.log2(record["unit_roundoff"]))
    return _with_mpmath(record, bits, keep)


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


def _decimal_text(v):
    """A decimal option as text: strings untouched, numbers as their shortest round-trip decimal."""
    return None if v is None else (v if isinstance(v, str) else repr(float(v)))


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
    itself, as a dict (decimal strings for the multiprecision types, whatever ``exact``).
    """

    def __init__(self, record, exact=None):
        self.record = record
        numeric = record["scalar"] in _NUMBER_SCALARS
        for key, value in _exact_values(record, exact).items():
            setattr(self, key, _convert(value, numeric))

    def __repr__(self):
        return (f"RunResult(scalar={self.scalar!r}, variant={self.variant!r}, n={self.n}, layers={self.layers}, "
                f"readout_max_error={self.readout_max_error!r})")


def run(x, y, lam="0.005", gamma="0.01", layers=2000, variant="paper", scalar="double", softmax="stable", progress=None,
        exact=None):
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
    exact : {None, "mpmath", "str"}, optional
        Values of the types other than float and double: ``"mpmath"`` as
        ``mpmath.mpf`` (``mpmath.mpi`` for mpfi), each the binary number the run
        computed (its decimal string read at the type's precision); ``"str"`` as the
        decimal strings (which round-trip at that precision). None (default):
        ``"mpmath"`` when mpmath is importable, else ``"str"``.

    Returns
    -------
    RunResult
        ``readout`` and ``sorted`` (shape (n,) or (n, d)), ``u``, ``v`` (n,),
        ``attention_last`` (n, n), ``readout_max_error``, ``marginal_error``,
        ``sink``, ``breakdown``: float64 arrays for float and double, else object
        arrays of mpmath numbers or decimal strings (``exact``); ``record`` is the
        dict of ``otverify run --json``.
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
    >>> r.readout_max_error  # an mpmath.mpf of 129 bits (mpfr:128 runs at 129)
    >>> r.record["readout_max_error"]  # its decimal string
    """
    _exact_mode(exact)
    x_text, y_text = _points(x, "x"), _points(y, "y")
    lam_text, gamma_text = _decimal_text(lam), _decimal_text(gamma)
    record = _core.run(x_text, y_text, lam_text, gamma_text, int(layers), variant, softmax, scalar, progress)
    return RunResult(json.loads(record), exact)

_NONFINITE = ("nan", "inf", "-inf")


def _column(values, numeric):
    """One field over a table's rows: int64 for integers (uint64 for seeds beyond it), float64 for numbers (None:
    nan; "nan", "inf" only in float and double, ``numeric``), else an object array
    (decimal strings of the multiprecision types, names)."""
    def number(v):
        return not isinstance(v, bool) and (isinstance(v, (int, float)) or v is None or v in _NONFINITE)

    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.uint64 if max(values) > np.iinfo(np.int64).max else np.int64)
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
    ``per_layer["distance"]``. Values of the multiprecision types are mpmath numbers
    or decimal strings as ``exact`` asks (see :func:`run`); ``lambda`` and ``gamma``
    stay the decimals given. ``record`` is the JSON object itself.
    """

    def __init__(self, record, exact=None):
        self.record = record
        numeric = record["scalar"] in _NUMBER_SCALARS
        for key, value in _exact_values(record, exact, keep=("lambda", "gamma")).items():
            table = _table(value, numeric) if isinstance(value, list) else None
            setattr(self, key, table if table is not None else _convert(value, numeric))

    def __repr__(self):
        decided = "verdict" if "verdict" in self.record else "bound_holds"
        return f"TheoremResult(scalar={self.scalar!r}, variant={self.variant!r}, n={self.n}, {decided}={self.record[decided]!r})"


def theorem1(x, y, lam="0.005", gamma="0.01", layers=2000, variant="paper", scalar="double",
             ladder=("double", "mpfr:128", "mpfr:256", "mpfr:512"), certify=False, certify_bits=0, softmax="stable",
             progress=None, exact=None):
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
    exact : {None, "mpmath", "str"}, optional
        Multiprecision values as mpmath numbers or decimal strings (see :func:`run`).

    Returns
    -------
    TheoremResult
        ``verdict`` ("holds", "rounding-only", "unstable" or "fails"),
        ``first_failing_layer`` (None: none), ``per_layer`` and ``sink`` as columns
        of shape (L,) (``per_layer["max_u_err"]``, ``sink["u"]``, ...), ``ladder``,
        ``ladder_slope``, ``certificate`` (with ``certify``); ``record``
        is the dict of ``otverify theorem1 --json``. Ctrl-C raises
        KeyboardInterrupt between layers.

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
    record = _core.theorem1(_points(x, "x"), _points(y, "y"), _decimal_text(lam), _decimal_text(gamma), int(layers), variant, softmax, scalar,
                            ",".join(ladder), bool(certify), int(certify_bits), progress)
    return TheoremResult(json.loads(record), exact)


def theorem1_trials(trials, max_n=8, seed=1, d=1, lam="0.005", gamma="0.01", layers=2000, variant="paper", scalar="double",
                    ladder=("double", "mpfr:128", "mpfr:256", "mpfr:512"), certify=False, certify_bits=0, softmax="stable",
                    progress=None, exact=None):
    r"""Theorem 1 over random instances, as ``otverify theorem1 --trials``.

    Trial :math:`k` draws :math:`n_k` uniform in :math:`\{1, \dots, \text{max\_n}\}` and a
    seed from ``seed`` (in order, so the cases depend only on ``seed``), then decides
    :math:`Z^{(l)}_{i,u} = u^{(l)}_i`, :math:`Z^{(l)}_{j,v} = v^{(l)}_j` for
    :math:`l \le L` on the uniform instance of :math:`n_k` points in
    :math:`[0, 1]^d`, as :func:`theorem1` does, the ladder run only when the base type
    fails. The verdict is the worst trial's; the record is that trial's with the counts.

    Parameters
    ----------
    trials : int
        Number of random instances (at least 1).
    max_n : int, optional
        Largest n (default 8).
    seed : int, optional
        Seed of the draws (default 1, the draws of ``otverify theorem1 --trials``).
    d : int, optional
        Dimension of the points (default 1).
    lam, gamma, layers, variant, scalar, ladder, certify, certify_bits, softmax, exact
        As in :func:`theorem1`.
    progress : callable, optional
        Called as ``progress(trials_done, trials)`` after each trial.

    Returns
    -------
    TheoremResult
        The representative trial's fields (as :func:`theorem1`'s), ``trials`` as
        columns of shape (trials,) (``trials["n"]``, ``["seed"]``, ``["verdict"]``,
        ``["max_err"]``, ``["replay"]``: the ``--replay`` text of each case),
        ``counts`` per verdict, ``worst_case`` (None when all hold) and ``verdict``;
        ``record`` is the dict of ``otverify theorem1 --trials --json``. The trials
        run one after another without the GIL; Ctrl-C raises KeyboardInterrupt
        between layers.

    Raises
    ------
    ValueError
        For invalid input, with the CLI's one-line message.

    Examples
    --------
    >>> import otverify
    >>> t = otverify.theorem1_trials(trials=5, max_n=6, layers=50, variant="corrected")
    >>> t.counts, t.trials["n"]
    """
    _exact_mode(exact)
    record = _core.theorem1_trials(int(trials), int(max_n), int(seed), int(d), _decimal_text(lam), _decimal_text(gamma), int(layers),
                                   variant, softmax, scalar, ",".join(ladder), bool(certify), int(certify_bits), progress)
    return TheoremResult(json.loads(record), exact)


def theorem2(x, y, lam="0.5", gamma="0.5", layers=200, variant="paper", scalar="double", rates=False, softmax="stable",
             progress=None, exact=None):
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
    exact : {None, "mpmath", "str"}, optional
        Multiprecision values as mpmath numbers or decimal strings (see :func:`run`).

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
    record = _core.theorem2(_points(x, "x"), _points(y, "y"), _decimal_text(lam), _decimal_text(gamma), int(layers), variant, softmax, scalar,
                            bool(rates), progress)
    return TheoremResult(json.loads(record), exact)


def _train_args(n, layers, iters, samples, prompt, setup, data, resample_every, lr, mixing, layout, scalar, seed):
    return _core.TrainArgs(n=int(n), layers=int(layers), iterations=None if iters is None else int(iters),
                           samples=None if samples is None else int(samples),
                           resample_every=None if resample_every is None else int(resample_every), prompt=prompt, setup=setup,
                           data=data, layout=layout, scalar=scalar, learning_rate=_decimal_text(lr), mixing=_decimal_text(mixing),
                           seed=int(seed))


def _arrays(value):
    """A JSON value with its lists of numbers (or "nan"/"inf") as float64 arrays; lists of
    dicts, strings, booleans and ragged lists stay lists."""
    if isinstance(value, dict):
        return {k: _arrays(v) for k, v in value.items()}
    if isinstance(value, list):
        if value and isinstance(value[0], (dict, bool)):
            return [_arrays(v) for v in value]
        try:
            return np.array(value, dtype=np.float64)
        except (TypeError, ValueError):
            return value
    return value


class _Record:
    """Attributes from a JSON record (:func:`_arrays`); ``record`` is the record itself."""

    def __init__(self, record):
        self.record = record
        for key, value in record.items():
            setattr(self, key, _arrays(value))


class TrainResult:
    """The result of :func:`train`: a trained model.

    Attributes
    ----------
    model : dict
        The model file of ``otverify train --out`` (settings, weights, Adam state,
        loss curve; docs/training.md), as a dict; :meth:`save` writes it.
    settings : dict
        How the model was trained (``model["settings"]``).
    completed : int
        Iterations done.
    final_loss : float
        Training loss of the final weights on the last training samples.
    loss_curve : ndarray, shape (completed, 2)
        (iteration, loss before its update).
    """

    def __init__(self, model_text):
        self._text = model_text
        self.model = json.loads(model_text)
        self.settings = self.model["settings"]
        self.completed = self.model["completed"]
        self.final_loss = self.model["final_loss"]
        self.loss_curve = np.array(self.model["loss_curve"], dtype=np.float64).reshape(-1, 2)

    def save(self, path):
        """Writes the model file (readable by ``otverify eval --model`` and :func:`evaluate`)."""
        with open(path, "w") as f:
            f.write(self._text)

    def __repr__(self):
        return (f"TrainResult(prompt={self.settings['prompt']!r}, n={self.settings['n']}, layers={self.settings['layers']}, "
                f"completed={self.completed}, final_loss={self.final_loss!r})")


class EvalResult(_Record):
    """The result of :func:`evaluate`: the fields of ``otverify eval --json`` (``readout``,
    ``sorting``, ``instance``, ``p_star``, ``layers``, ``readout_patterns``, ...), matrices as
    float64 arrays; ``record`` is that JSON object itself, as a dict."""

    def __repr__(self):
        return f"EvalResult(n={self.n}, samples={self.samples}, verdict={self.record['sorting']['verdict']!r})"


class AblationResult(_Record):
    """The result of :func:`ablation`: the fields of ``otverify ablation --json``
    (``engineered``, ``plain``, ``ratio``, ``ratio_ci95``, ``figure3``, ``figure4``,
    ``generalisation``, ``held_out_ratio``, ``constructed``); ``record`` is the dict."""

    def __repr__(self):
        return f"AblationResult(seeds={self.record['settings']['seeds']}, ratio={self.ratio!r})"


def train(n=7, layers=20, iters=None, samples=None, prompt="engineered", setup="otverify", data="grid", resample_every=None,
          lr=None, mixing=None, layout="paper", scalar="double", seed=1, progress=None):
    r"""Trains the eq. (7) transformer on sorting data by Adam (paper Sec. 6).

    Iteration :math:`t` takes one Adam step on the mean squared readout error

    .. math::
        L(\theta) = \frac{1}{m} \sum_{s=1}^{m} \frac{1}{n} \lVert \mathrm{readout}(Z_s^{(L)}) - \mathrm{sort}(x_s) \rVert^2

    over the :math:`m` training samples of draw :math:`\lfloor t / \mathrm{resample\_every} \rfloor`
    (one fixed draw when ``resample_every`` is 0), exactly as ``otverify train`` with the
    same options: the model equals the CLI's bit for bit.

    Parameters
    ----------
    n : int, optional
        Points per training sample (default 7; at most 50 on grid data).
    layers : int, optional
        Number of layers L (default 20).
    iters : int, optional
        Adam iterations (default 10000; 5000 with ``setup="notebook"``).
    samples : int, optional
        Training samples m (default 500; 1000 with ``setup="notebook"``).
    prompt : str, optional
        ``"engineered"`` (eq. 6, default) or ``"plain"`` ([x, y, 0], eq. 12).
    setup : str, optional
        ``"otverify"`` (default) or ``"notebook"`` (the released code's readout and random u, v).
    data : str, optional
        ``"grid"`` (default: sorting required) or ``"paper"`` (sorted(x) = y: a model can copy y).
    resample_every : int, optional
        Redraw the samples every K iterations (default 0: never; 50 with ``setup="notebook"``).
    lr : str or float, optional
        Adam step size (default ``"0.001"``; ``"0.0005"`` with ``setup="notebook"``).
    mixing : str or float, optional
        B = mixing * I: a nonzero decimal, ``"paper"`` (0.05, default) or ``"notebook"`` (-0.1).
    layout : str, optional
        Column order of the engineered prompt: ``"paper"`` (default) or ``"notebook"``.
    scalar : str, optional
        ``"double"`` (default) or ``"float"``.
    seed : int, optional
        Seed of the data and the initial weights (default 1).
    progress : callable, optional
        Called as ``progress(iterations_done, iters)`` at the start and after each iteration.

    Returns
    -------
    TrainResult
        The model file as a dict (``model``), ``final_loss``, ``loss_curve`` (completed, 2).
        The training runs without the GIL; Ctrl-C raises KeyboardInterrupt between
        iterations (the partial model is not kept: use ``otverify train --resume`` for
        interruptible runs).

    Raises
    ------
    ValueError
        For invalid settings or a diverged training, with the CLI's one-line message.

    Examples
    --------
    >>> import otverify
    >>> m = otverify.train(n=4, layers=3, samples=8, iters=60, lr=0.01, seed=2)
    >>> m.final_loss < m.loss_curve[0, 1]
    True
    """
    args = _train_args(n, layers, iters, samples, prompt, setup, data, resample_every, lr, mixing, layout, scalar, seed)
    return TrainResult(_core.train(args, progress))


def _model_text(model):
    if isinstance(model, TrainResult):
        return model._text
    if isinstance(model, dict):
        return json.dumps(model)
    if isinstance(model, (str, os.PathLike)):
        with open(model) as f:
            return f.read()
    raise ValueError(f"model: {model!r} is neither a TrainResult, a model-file dict nor a path")


def evaluate(model, n=0, samples=100, seed=1):
    r"""Scores a trained model on held-out instances, as ``otverify eval``.

    The held-out instances have :math:`x` distinct values of :math:`\{0, 1/50, \dots, 49/50\}`
    and :math:`y_i = i/n`, so :math:`\mathrm{sort}(x) \ne y` (a stream disjoint from every
    training draw). Reported: the readout's mse, max and mean max error against sorted x, the
    copy-y and mean-of-x baselines with the sorting verdict, and on the first instance each
    residual layer's attention :math:`A^{(l)}` (eq. 10) beside :math:`P^*` (the exact OT
    assignment) with the mean row total-variation distance
    :math:`\frac{1}{2n} \sum_{ij} |A_{ij} - P^*_{ij}|`.

    Parameters
    ----------
    model : TrainResult, dict or path
        A result of :func:`train`, a model-file dict, or the path of a model file
        written by ``otverify train``.
    n : int, optional
        Points per held-out instance in [1, 50] (default 0: the training n).
    samples : int, optional
        Held-out instances (default 100).
    seed : int, optional
        Seed of the held-out instances (default 1).

    Returns
    -------
    EvalResult
        ``readout`` (dict: mse, max_abs_error, mean_max_abs_error), ``sorting`` (dict with
        ``verdict``), ``instance`` (x, y of shape (n,), prompt, prediction), ``p_star`` (n, n),
        ``layers`` (list of dicts with head1, head2 (n, n) and distance_to_p_star (2,));
        ``record`` is the dict of ``otverify eval --json``.

    Raises
    ------
    ValueError
        For a malformed model or an out-of-range n or samples, with the CLI's message.

    Examples
    --------
    >>> m = otverify.train(n=4, layers=3, samples=8, iters=60, lr=0.01, seed=2)
    >>> otverify.evaluate(m, n=6, samples=10).sorting["verdict"]
    'does not sort'
    """
    return EvalResult(json.loads(_core.evaluate(_model_text(model), int(n), int(samples), int(seed))))


def ablation(n=7, layers=20, iters=None, samples=None, seeds=(1, 2, 3), figure_seed=1, setup="otverify", data="grid",
             resample_every=None, lr=None, mixing=None, layout="paper", scalar="double", progress=None):
    r"""The prompt-engineering ablation (Sec. 6, Figures 3 and 4), as ``otverify ablation``.

    Both prompts are trained with every seed; reported are the ratio of mean final losses

    .. math::
        r = \frac{\operatorname{mean}_s L_{\mathrm{plain}}(s)}{\operatorname{mean}_s L_{\mathrm{engineered}}(s)}

    with its 95% bootstrap interval, every model's held-out mse at n, 9 and 15 against the
    copy-y and mean-of-x baselines with the held-out ratio, Figure 3's and 4's attention
    patterns, and the constructed weights (eq. 8) against the trained ones. The models stay in
    memory (the CLI keeps them in ``--models-dir``).

    Parameters
    ----------
    n, layers, setup, data, resample_every, lr, mixing, layout, scalar
        As in :func:`train`.
    iters : int, optional
        Adam iterations per run (default 2000; 5000 with ``setup="notebook"``).
    samples : int, optional
        Training samples per run (default 100; 1000 with ``setup="notebook"``).
    seeds : sequence of int, optional
        Training seeds, the same for both prompts (1 to 100 of them; default (1, 2, 3)).
    figure_seed : int, optional
        Seed of the held-out instances of the figures and scores (default 1).
    progress : callable, optional
        Called as ``progress(iterations_done, iters, run)`` with ``run`` like ``"plain seed 2"``.

    Returns
    -------
    AblationResult
        ``ratio``, ``ratio_ci95`` (2,), ``engineered`` and ``plain`` (final losses per seed,
        thinned loss curves), ``figure3``, ``figure4``, ``generalisation``, ``held_out_ratio``,
        ``constructed``; ``record`` is the dict of ``otverify ablation --json``
        (its ``command`` and ``settings["models_dir"]`` aside).

    Raises
    ------
    ValueError
        For invalid settings or seeds, with the CLI's one-line message.

    Examples
    --------
    >>> a = otverify.ablation(n=4, layers=5, iters=6, samples=4, seeds=(1, 2))
    >>> a.held_out_ratio["4"]["plain_wins"]
    False
    """
    args = _train_args(n, layers, iters, samples, "engineered", setup, data, resample_every, lr, mixing, layout, scalar, 1)
    return AblationResult(json.loads(_core.ablation(args, [int(s) for s in seeds], int(figure_seed), progress)))



class BreakdownCell:
    r"""One cell of :func:`breakdown`: the construction at one lambda, n and scalar type.

    Attributes
    ----------
    lam : float
        Entropic regularisation :math:`\lambda` of the cell.
    scalar, softmax, kind : str
        Scalar type, softmax mode, and ``"search"`` (a probe), ``"grid"`` or ``"bisect"``.
    n : int
        Number of points.
    error : float
        ``numeric_error``: Hilbert distance (nats) of the head-1 scores at the last layer
        to the same computation in exact arithmetic (``inf`` when non-finite).
    cause : str or None
        Why the cell fails (``"cancellation"``, ``"accumulation"``, ``"row-underflow"``,
        ``"exp-overflow"``, ``"non-finite"``, ...), None when it passes.
    record : dict
        The result line, as in ``otverify breakdown --out`` files.
    """

    def __init__(self, record):
        self.record = record
        self.lam = record["lambda"]
        self.scalar, self.softmax, self.kind = record["scalar"], record["softmax"], record["kind"]
        self.n = record["n"]
        self.error = float(record["numeric_error"])
        self.cause = record["cause"]

    def __repr__(self):
        return f"BreakdownCell(lam={self.lam:.6g}, scalar={self.scalar!r}, n={self.n}, error={self.error:.3g}, cause={self.cause!r})"


class BreakdownResult:
    r"""The result of :func:`breakdown`.

    Attributes
    ----------
    cells : list of BreakdownCell
        Every cell computed, in the order they finished.
    depth : list of dict
        With ``depth``: per lambda the layers needed in exact arithmetic (``layers_needed``,
        ``distance`` to the certified :math:`P_\lambda^*`, ``theorem2_log10_min_layers``),
        the result lines of kind ``"depth"``.
    thresholds : list of dict
        Grid maps: per curve (n, scalar, softmax, seed) ``lambda_star``, ``passes_at``,
        ``cause``, ``lambda_star_numeric`` (``otverify breakdown --json``'s ``thresholds``).
    search : dict or None
        Searches: ``curves`` (per curve ``lambda_star_numeric``, ``passes_at``, ``c``,
        ``cause``, ``status``, ``onsets``) and ``laws`` (the fit of E7 per (n, softmax)).
    summary : dict
        ``otverify breakdown --json``'s object (without ``out``).
    """

    def __init__(self, record):
        self.record = record
        self.cells = [BreakdownCell(c) for c in record["cells"] if c["kind"] != "depth"]
        self.depth = [c for c in record["cells"] if c["kind"] == "depth"]
        self.summary = record["summary"]
        self.thresholds = self.summary["thresholds"]
        self.search = self.summary.get("search")

    def __repr__(self):
        return (f"BreakdownResult(cells={len(self.cells)}, depth={len(self.depth)}, thresholds={len(self.thresholds)}, "
                f"search={self.search is not None})")


def breakdown(n=(4,), scalars=("float", "double"), softmax=("stable",), layers=100, tol=1e-2, lambda_min=None, lambda_max=None,
              points=None, holdout=(), resolution=1.05, depth=True, instances=1, variant="paper", generator="paper", d=1,
              gamma_ratio=2, progress=None):
    r"""Searches each scalar type's numeric threshold :math:`\lambda^*`, or maps a lambda grid.

    A cell runs the construction for ``layers`` layers in a scalar type and compares
    its head-1 scores :math:`S` with the same computation in exact arithmetic
    (mpfr, doubled until it settles) in the Hilbert metric:

    .. math::
        e = \operatorname{osc}(S - S_{\mathrm{exact}}) = \max_{ij}(S - S_{\mathrm{exact}})_{ij} - \min_{ij}(S - S_{\mathrm{exact}})_{ij}.

    The search (no ``lambda_min``/``points``) probes downward from ``lambda_max``
    (default 0.9), galloping by decades then bisecting in :math:`\log\lambda` to
    ``resolution``; :math:`\lambda^*` is the largest probe with :math:`e >` ``tol`` or
    a non-finite entry. The rounding law (docs/error-model.md E7) is
    :math:`\lambda^* = c\, u S_{\max} / \mathrm{tol}` with :math:`S_{\max} = \max|x|^2 + |y|^2`.

    Parameters
    ----------
    n : sequence of int
        Numbers of points (default ``(4,)``).
    scalars : sequence of str
        Scalar types (``"float"``, ``"double"``, ``"long-double"``, ``"float128"``, ``"mpfr:BITS"``...);
        not an interval type (``"mpfi:BITS"`` raises ValueError: an enclosure has no single
        head-1 pattern to compare with the reference).
    softmax : sequence of str
        ``"stable"`` and/or ``"naive"``.
    layers : int
        Depth L of every cell (default 100).
    tol : float
        Tolerance on the Hilbert distance, in nats (default 1e-2).
    lambda_min, lambda_max, points : float, float, int, optional
        A grid map over ``points`` log-spaced lambdas (default 30 over [1e-5, 1]) instead
        of the search; each cell is also compared with the certified :math:`P_\lambda^*`.
    holdout : sequence of str
        Types searched but left out of the law's fit and predicted from it (no interval types).
    resolution : float
        Bracket ratio at which the search's bisection stops (default 1.05).
    depth : bool
        With the search: the layers needed in exact arithmetic to come within ``tol`` of
        the certified :math:`P_\lambda^*` (docs/error-model.md E9), at lambdas down to the
        thresholds (default True, as ``otverify breakdown``; ``--no-depth`` is False).
    instances, variant, generator, d, gamma_ratio :
        Instances per (lambda, n) (seeds 1..K), construction, ``"paper"`` or ``"uniform"``
        points of dimension ``d``, gamma = ``gamma_ratio`` x lambda.
    progress : callable, optional
        Called as ``progress(cells_done)`` after each cell.

    Returns
    -------
    BreakdownResult
        ``cells`` (lambda, scalar, n, error, cause per cell), ``thresholds``, ``search``.

    Raises
    ------
    ValueError
        For invalid input, with the CLI's one-line message.

    Examples
    --------
    >>> import otverify
    >>> r = otverify.breakdown(n=[4], scalars=["float"], layers=20)
    >>> r.search["curves"][0]["lambda_star_numeric"]  # ~ 6e-6
    """
    grid = lambda_min is not None or points is not None
    record = _core.breakdown(
        [int(k) for k in n], list(scalars), list(softmax), int(layers), float(tol), not grid,
        float(lambda_min if lambda_min is not None else 1e-5),
        float(lambda_max if lambda_max is not None else (1.0 if grid else 0.9)), int(points if points is not None else 30),
        list(holdout), float(resolution), bool(depth), int(instances), variant, generator, int(d), float(gamma_ratio), 3, progress)
    return BreakdownResult(json.loads(record))


def advise(n, scalar, tol=1e-2, d=1, layers=100, depth=True, progress=None):
    r"""The smallest lambda a scalar type handles at n within a tolerance, confirmed by runs.

    From the rounding law (docs/error-model.md E7) with :math:`c` measured on double's
    threshold at this n and instance,

    .. math::
        \lambda_{\mathrm{advised}} = 2\, c\, u_T S_{\max} / \mathrm{tol},

    confirmed when the type passes at :math:`\lambda_{\mathrm{advised}}` and fails at a tenth of it.

    Parameters
    ----------
    n : int
        Number of points (paper instance for d = 1, uniform for d > 1).
    scalar : str
        Scalar type (not an interval type).
    tol : float
        Tolerance on the head-1 scores' Hilbert distance, in nats (default 1e-2).
    d : int
        Dimension of the points (default 1).
    layers : int
        Depth of the confirming runs (default 100).
    depth : bool
        Also the layers needed in exact arithmetic at the advised lambda (docs/error-model.md
        E9, against the certified :math:`P_\lambda^*`; default True, as ``otverify advise``).
    progress : callable, optional
        Called as ``progress(cells_done)`` after each cell.

    Returns
    -------
    dict
        ``otverify advise --json``'s record: ``advised_lambda``, ``predicted_threshold``, ``c``,
        ``unit_roundoff``, ``squared_norm_max``, ``numeric_error_at_advised``,
        ``numeric_error_at_tenth``, ``confirmed``, ``reason`` and, with ``depth``,
        ``depth_lambda``, ``layers_needed``, ``depth_cap``.

    Raises
    ------
    ValueError
        For invalid input, with the CLI's one-line message.

    Examples
    --------
    >>> import otverify
    >>> otverify.advise(4, "float")["advised_lambda"]  # ~ 1.08e-05
    """
    return json.loads(_core.advise(int(n), scalar, float(tol), int(d), int(layers), bool(depth), progress))
