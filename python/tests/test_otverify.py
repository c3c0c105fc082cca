"""otverify (Python) against the otverify command: same study, same numbers, same errors."""
import json
import os
import pathlib
import re
import subprocess

import numpy as np
import pytest

import otverify
from conftest import Stop, stop_at

CLI = os.environ["OTVERIFY"]
SOURCE = pathlib.Path(os.environ["OTV_SOURCE_DIR"])
X, Y = ["0.5", "0.75", "0.25", "0"], ["0", "0.25", "0.5", "0.75"]


def cli_json(*args):
    out = subprocess.run([CLI, "run", "--json", *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("scalar, variant", [("double", "paper"), ("float", "notebook"), ("mpfr:160", "corrected"),
                                             ("mpfi:96", "paper")])
def test_record_equals_cli_json(scalar, variant):
    r = otverify.run(X, Y, lam="0.01", gamma="0.02", layers=300, variant=variant, scalar=scalar)
    expected = cli_json("--x", ",".join(X), "--y", ",".join(Y), "--lambda", "0.01", "--gamma", "0.02", "--layers", "300",
                        "--variant", variant, "--scalar", scalar)
    assert r.record == expected


def test_numpy_input_and_output_for_double():
    x = np.array([0.5, 0.75, 0.25, 0.0])
    r = otverify.run(x, np.sort(x), layers=200)
    expected = cli_json("--x", "0.5,0.75,0.25,0.0", "--y", "0.0,0.25,0.5,0.75", "--layers", "200")
    assert r.readout.dtype == np.float64 and r.readout.shape == (4,)
    np.testing.assert_array_equal(r.readout, np.array(expected["readout"]))
    assert r.attention_last.shape == (4, 4)


def test_two_dimensional_points_and_exact_strings_for_mpfr():
    x = [["0.1", "0.7"], ["0.3", "0.2"], ["0.9", "0.4"]]
    y = [["0.2", "0.1"], ["0.8", "0.6"], ["0.5", "0.5"]]
    r = otverify.run(x, y, layers=100, scalar="mpfr:200", exact="str")
    expected = cli_json("--x", "0.1 0.7;0.3 0.2;0.9 0.4", "--y", "0.2 0.1;0.8 0.6;0.5 0.5", "--layers", "100", "--scalar", "mpfr:200")
    assert r.record == expected
    assert r.readout.shape == (3, 2) and isinstance(r.readout[0, 0], str)
    assert r.readout_max_error == expected["readout_max_error"]


@pytest.mark.parametrize("kwargs, cli_args", [
    (dict(lam="-1"), ["--lambda", "-1"]),
    (dict(gamma="abc"), ["--gamma", "abc"]),
    (dict(scalar="mpfr:1"), ["--scalar", "mpfr:1"]),
    (dict(variant="papr"), ["--variant", "papr"]),
    (dict(lam="1e-400", scalar="float"), ["--lambda", "1e-400", "--scalar", "float"]),
])
def test_bad_input_raises_value_error_with_the_cli_message(kwargs, cli_args):
    cli = subprocess.run([CLI, "run", "--x", ",".join(X), "--y", ",".join(Y), *cli_args], capture_output=True, text=True)
    assert cli.returncode == 2
    message = cli.stderr.strip().removeprefix("otverify: error: ")
    with pytest.raises(ValueError) as error:
        otverify.run(X, Y, **kwargs)
    assert str(error.value) == message


def test_layers_out_of_range():
    # The CLI refuses --layers -3 while parsing options (CLI11's range message); the
    # study's own check, shared by both, is what Python meets.
    with pytest.raises(ValueError, match=r"^layers must be >= 0 \(got -3\)$"):
        otverify.run(X, Y, layers=-3)


def test_mismatched_instance_message():
    with pytest.raises(ValueError, match="^x has 2 points but y has 1$"):
        otverify.run(["0.1", "0.2"], ["0.3"])


def test_progress_callback_sees_every_layer_and_can_abort():
    seen = []
    otverify.run(X, Y, layers=25, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(k, 25) for k in range(1, 26)]
    with pytest.raises(Stop):
        otverify.run(X, Y, layers=1000, progress=stop_at(3))


def test_binding_calls_only_the_study_layer():
    """The binding includes only study/ and otv/ headers (besides pybind11 and the
    standard library) and holds no loop: the layers are the study's."""
    source = (SOURCE / "python" / "otverify_core.cpp").read_text()
    includes = re.findall(r'#include\s+[<"]([^>"]+)[>"]', source)
    project = [h for h in includes if not h.startswith("pybind11/") and "/" in h]
    assert project and all(h.startswith(("study/", "otv/")) for h in project), project
    code = re.sub(r"//[^\n]*", "", source)
    assert not re.search(r"\b(for|while|do)\b", code)
    wrapper = (SOURCE / "python" / "otverify" / "__init__.py").read_text()
    assert "layer" not in re.sub(r'""".*?"""|#[^\n]*', "", wrapper, flags=re.S).replace("layers", "")


def test_breakdown_search_equals_the_cli_json():
    """A search's thresholds and law equal otverify breakdown --json on the same settings."""
    r = otverify.breakdown(n=[4], scalars=["float", "double"], layers=20, depth=False)
    cli = json.loads(subprocess.run([CLI, "breakdown", "--n", "4", "--scalars", "float,double", "--softmax", "stable", "--holdout", "none",
                                     "--layers", "20", "--no-depth", "--jobs", "1", "--json"], check=True, capture_output=True, text=True).stdout)

    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k != "seconds"}
        return [strip(v) for v in x] if isinstance(x, list) else x

    assert strip(r.search) == strip(cli["search"])
    curves = {c["scalar"]: c for c in r.search["curves"]}
    assert 1e-6 < curves["float"]["lambda_star_numeric"] < 1e-5  # E7: c u S / tol with u = 2^-24, S = 2
    # Every probe is a typed cell; failing ones carry their cause, passing ones none.
    assert len(r.cells) == sum(c["probes"] for c in r.search["curves"])
    for c in r.cells:
        assert (c.cause is not None) == (c.error > 1e-2), c
    star = [c for c in r.cells if c.scalar == "float" and c.lam == curves["float"]["lambda_star_numeric"]]
    assert star and star[0].cause == curves["float"]["cause"] == "cancellation"


def test_breakdown_progress_and_errors():
    seen = []
    r = otverify.breakdown(n=[2], scalars=["float"], layers=5, progress=seen.append)
    assert seen == list(range(1, len(r.cells) + len(r.depth) + 1))
    # The depth needed (E9) at each searched lambda, against the certified P_lambda*.
    assert r.depth and all(d["optimal"]["converged"] and d["layers_needed"] >= 0 for d in r.depth)
    with pytest.raises(ValueError, match="unknown scalar type 'quad'"):
        otverify.breakdown(scalars=["quad"])
    interval = "{} mpfi: interval types have no single head-1 pattern to compare with the reference; use mpfr:BITS"
    with pytest.raises(ValueError, match="^" + re.escape(interval.format("--scalars")) + "$"):
        otverify.breakdown(scalars=["float", "mpfi:128"])
    with pytest.raises(ValueError, match="^" + re.escape(interval.format("--holdout")) + "$"):
        otverify.breakdown(scalars=["float"], holdout=["mpfi:64"])
    with pytest.raises(ValueError, match=r"--points must be in \[1, 1000\]"):
        otverify.breakdown(lambda_min=0.1, lambda_max=0.2, points=0)


def test_breakdown_grid_map_equals_the_cli_json():
    """A grid map (against the certified P_lambda*) gives the CLI's threshold table."""
    r = otverify.breakdown(n=[4], scalars=["float"], lambda_min=1e-6, lambda_max=0.1, points=3, layers=10)
    cli = json.loads(subprocess.run([CLI, "breakdown", "--n", "4", "--scalars", "float", "--softmax", "stable", "--lambda-min", "1e-6",
                                     "--lambda-max", "0.1", "--points", "3", "--layers", "10", "--jobs", "1", "--json"],
                                    check=True, capture_output=True, text=True).stdout)
    assert r.thresholds == cli["thresholds"]
    assert len(r.cells) == cli["cells"]
    # float breaks between 1e-6 and 1e-5 at n = 4 (E7): the smallest lambda fails, the largest passes.
    by_lambda = {c.lam: c for c in r.cells}
    assert by_lambda[min(by_lambda)].cause is not None and by_lambda[max(by_lambda)].cause is None


def test_advise_equals_the_cli_json():
    a = otverify.advise(4, "float", layers=30)
    cli = json.loads(subprocess.run([CLI, "advise", "--n", "4", "--scalar", "float", "--layers", "30", "--jobs", "1", "--json"],
                                    check=True, capture_output=True, text=True).stdout)
    for key in ("advised_lambda", "predicted_threshold", "c", "unit_roundoff", "numeric_error_at_advised", "numeric_error_at_tenth",
                "confirmed", "reason", "depth_lambda", "layers_needed", "depth_cap"):
        assert a[key] == cli[key], key
    assert a["confirmed"]
    assert "layers_needed" not in otverify.advise(4, "float", layers=30, depth=False)
    with pytest.raises(ValueError, match="interval types have no threshold"):
        otverify.advise(4, "mpfi:128")
    with pytest.raises(ValueError, match=r"--n: '0' is not an integer in \[1, 4096\]"):
        otverify.advise(0, "float")




def cli_theorem_json(command, *args):
    out = subprocess.run([CLI, command, "--json", "--x", ",".join(X), "--y", ",".join(Y), *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def test_theorem1_record_equals_cli_json():
    r = otverify.theorem1(X, Y, lam="0.01", gamma="0.02", layers=30, variant="paper", ladder=["double", "mpfr:128"], certify=True,
                          certify_bits=160)
    expected = cli_theorem_json("theorem1", "--lambda", "0.01", "--gamma", "0.02", "--layers", "30", "--variant", "paper",
                                "--ladder", "double,mpfr:128", "--certify", "--certify-bits", "160")
    assert r.record == expected
    assert r.verdict == "fails" and r.certificate["counterexample"] is not None


def test_theorem1_columns_numpy_for_double_and_strings_for_mpfr():
    r = otverify.theorem1(np.array([0.5, 0.75, 0.25, 0.0]), [0, 0.25, 0.5, 0.75], variant="corrected", layers=40,
                          ladder=["double"])
    assert r.verdict == "holds" and r.first_failing_layer is None
    assert r.per_layer["max_u_err"].dtype == np.float64 and r.per_layer["max_u_err"].shape == (40,)
    assert np.all(r.per_layer["max_u_err"] <= r.per_layer["tolerance"])
    assert r.sink["u"].dtype == np.float64
    m = otverify.theorem1(X, Y, variant="corrected", layers=5, scalar="mpfr:200", ladder=["mpfr:200"], exact="str")
    assert isinstance(m.sink["u"][0], str) and m.record["sink"][0]["u"] == m.sink["u"][0]


def read_at(text, bits):
    """The CLI's decimal string read at the type's precision: mpmath's (lo, hi) raw
    ends for an enclosure "[lo, hi]", else the raw mpf."""
    import mpmath
    with mpmath.workprec(bits):
        if text.startswith("["):
            return tuple(mpmath.mpf(e)._mpf_ for e in text[1:-1].split(", "))
        return mpmath.mpf(text)._mpf_


@pytest.mark.parametrize("scalar", ["mpfr:256", "mpfi:96", "float128"])
def test_multiprecision_values_are_mpmath_numbers_of_the_types_precision(scalar):
    mpmath = pytest.importorskip("mpmath")
    r = otverify.run(X, Y, lam="0.01", gamma="0.02", layers=50, scalar=scalar)
    expected = cli_json("--x", ",".join(X), "--y", ",".join(Y), "--lambda", "0.01", "--gamma", "0.02", "--layers", "50",
                        "--scalar", scalar)
    assert r.record == expected
    bits = expected["precision_bits"]
    values = [(r.readout_max_error, expected["readout_max_error"]), (r.sink["u"], expected["sink"]["u"])]
    values += list(zip(r.u, expected["u"])) + list(zip(r.attention_last.ravel(), sum(expected["attention_last"], [])))
    for got, text in values:
        if scalar.startswith("mpfi"):
            assert isinstance(got, mpmath.ctx_iv.ivmpf) and got._mpi_ == read_at(text, bits)
        else:
            assert isinstance(got, mpmath.mpf) and got._mpf_ == read_at(text, bits)
    # More than a double: u_1 read at 53 bits is another number.
    lower = r.u[0].a.a if scalar.startswith("mpfi") else r.u[0]
    assert lower != mpmath.mpf(float(expected["u"][0].strip("[").split(",")[0]))
    s = otverify.run(X, Y, lam="0.01", gamma="0.02", layers=50, scalar=scalar, exact="str")
    assert s.readout_max_error == expected["readout_max_error"] and list(s.u) == expected["u"]


def test_theorem_values_take_the_precision_of_their_rung():
    mpmath = pytest.importorskip("mpmath")
    m = otverify.theorem1(X, Y, layers=5, scalar="mpfr:200", ladder=["mpfr:200"], certify=True, certify_bits=100)
    assert m.sink["u"][0]._mpf_ == read_at(m.record["sink"][0]["u"], m.record["precision_bits"])
    bound = m.record["certificate"]["max_abs_difference_bound"]
    assert m.certificate["max_abs_difference_bound"]._mpi_ == read_at(bound, m.record["certificate"]["bits"])
    assert getattr(m, "lambda") == "0.005"  # the decimal given stays a string
    with pytest.raises(ValueError):
        otverify.theorem1(X, Y, layers=5, exact="float")


def test_theorem1_trials_equal_the_cli_json():
    seen = []
    r = otverify.theorem1_trials(trials=6, max_n=5, layers=40, ladder=["double", "mpfr:128"],
                                 progress=lambda done, total: seen.append((done, total)))
    out = subprocess.run([CLI, "theorem1", "--json", "--trials", "6", "--max-n", "5", "--layers", "40",
                          "--ladder", "double,mpfr:128", "--jobs", "2"], check=True, capture_output=True, text=True).stdout
    assert r.record == json.loads(out)
    assert seen == [(k, 6) for k in range(1, 7)]
    assert r.trials["n"].shape == (6,) and sum(r.counts.values()) == 6
    # Another seed draws other instances, the same as the CLI's --seed.
    r7 = otverify.theorem1_trials(trials=6, max_n=5, seed=7, layers=40, ladder=["double", "mpfr:128"])
    out7 = subprocess.run([CLI, "theorem1", "--json", "--trials", "6", "--max-n", "5", "--layers", "40", "--seed", "7",
                           "--ladder", "double,mpfr:128", "--jobs", "2"], check=True, capture_output=True, text=True).stdout
    assert r7.record == json.loads(out7) and r7.record["trials"] != r.record["trials"]
    with pytest.raises(Stop):
        otverify.theorem1_trials(trials=6, max_n=5, layers=40, progress=stop_at(2))
    with pytest.raises(ValueError):
        otverify.theorem1_trials(trials=6, max_n=0)


def test_theorem2_record_equals_cli_json():
    r = otverify.theorem2(X, Y, lam="2", gamma="0.5", layers=40, variant="corrected", scalar="mpfr:128")
    expected = cli_theorem_json("theorem2", "--lambda", "2", "--gamma", "0.5", "--layers", "40", "--variant", "corrected",
                                "--scalar", "mpfr:128")
    assert r.record == expected
    assert r.per_layer["distance"].shape == (40,) and r.reference["converged"] is True
    log_w = r.record["reference"]["log_w"][0]
    assert r.reference["log_w"][0]._mpf_ == read_at(log_w, r.record["reference"]["bits"])


@pytest.mark.parametrize("call, cli_args", [
    (lambda: otverify.theorem1(X, Y, ladder=["double", "quad"]), ["theorem1", "--ladder", "double,quad"]),
    (lambda: otverify.theorem1(X, Y, lam="0"), ["theorem1", "--lambda", "0"]),
    (lambda: otverify.theorem2(X, Y, layers=0), ["theorem2", "--layers", "0"]),
])
def test_theorem_bad_input_raises_value_error_with_the_cli_message(call, cli_args):
    cli = subprocess.run([CLI, cli_args[0], "--x", ",".join(X), "--y", ",".join(Y), *cli_args[1:]], capture_output=True, text=True)
    assert cli.returncode == 2
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value) == cli.stderr.strip().removeprefix("otverify: error: ")


@pytest.mark.parametrize("call", [
    "otverify.run(X, Y, layers=10**7, scalar='mpfr:512')",
    "otverify.theorem1(X, Y, layers=1000, scalar='mpfr:512', ladder=['mpfr:512'] * 100)",  # runs of about 1 s
    "otverify.theorem1(X, Y, layers=10**6, scalar='mpfr:512', ladder=['double'])",  # one run of minutes
    "otverify.theorem1_trials(trials=1, max_n=4, layers=10**6, scalar='mpfr:512')",
])
def test_ctrl_c_raises_keyboard_interrupt_promptly(call):
    import signal
    import sys
    import time
    script = ("import sys, time, otverify\n"
              f"X, Y = {X!r}, {Y!r}\n"
              "print('started', flush=True)\n"
              "try:\n"
              f"    {call}\n"
              "except KeyboardInterrupt:\n"
              "    print('interrupted', flush=True)\n")
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=os.environ)
    assert p.stdout.readline().strip() == "started"
    time.sleep(1.0)  # well inside the call
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    try:
        out, _ = p.communicate(timeout=5)
    finally:
        p.kill()  # if Ctrl-C was ignored
    assert time.monotonic() - sent < 5
    assert out.strip() == "interrupted"
