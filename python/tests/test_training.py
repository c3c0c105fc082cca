"""otverify.train / evaluate / ablation against otverify train / eval / ablation: same study, same bits, same errors."""
import json
import os
import subprocess

import numpy as np
import pytest

import otverify
from conftest import Stop, stop_at

CLI = os.environ["OTVERIFY"]
SMALL = dict(n=4, layers=3, samples=8)
SMALL_ARGS = ["--n", "4", "--layers", "3", "--samples", "8"]


def cli(*args):
    return subprocess.run([CLI, *args], check=True, capture_output=True, text=True).stdout


def cli_error(*args):
    r = subprocess.run([CLI, *args], capture_output=True, text=True)
    assert r.returncode == 2
    return r.stderr.strip().removeprefix("otverify: error: ")


@pytest.mark.parametrize("scalar, prompt", [("double", "engineered"), ("float", "plain")])
def test_trained_model_and_its_evaluation_equal_the_cli(tmp_path, scalar, prompt):
    m = otverify.train(**SMALL, iters=30, lr=0.01, seed=2, scalar=scalar, prompt=prompt)
    out = tmp_path / "m.json"
    cli("train", *SMALL_ARGS, "--iters", "30", "--lr", "0.01", "--seed", "2", "--scalar", scalar, "--prompt", prompt, "--out", str(out))
    expected = json.loads(out.read_text())
    assert {k: v for k, v in m.model.items() if k != "command"} == {k: v for k, v in expected.items() if k != "command"}
    assert m.completed == 30 and m.loss_curve.shape == (30, 2) and m.final_loss < m.loss_curve[0, 1]

    e = otverify.evaluate(m, n=6, samples=10, seed=3)
    assert e.record == json.loads(cli("eval", "--model", str(out), "--n", "6", "--samples", "10", "--seed", "3", "--json"))
    assert e.p_star.shape == (6, 6) and e.layers[0]["head1"].shape == (6, 6) and e.instance["x"].shape == (6,)
    assert otverify.evaluate(str(out), n=6, samples=10, seed=3).record == e.record  # a model file's path works too


def test_ablation_equals_the_cli(tmp_path):
    a = otverify.ablation(n=4, layers=5, iters=6, samples=4, seeds=(1, 2))
    expected = json.loads(cli("ablation", "--n", "4", "--layers", "5", "--iters", "6", "--samples", "4", "--seeds", "1,2",
                              "--out", str(tmp_path / "ab.json"), "--json"))
    got = dict(a.record)
    for record in (got, expected):
        record.pop("command")
        record["settings"] = {k: v for k, v in record["settings"].items() if k != "models_dir"}
    assert got == expected
    assert a.ratio_ci95.shape == (2,) and set(a.held_out_ratio) == {"4", "9", "15"}


def test_notebook_setup_takes_the_released_code_defaults():
    m = otverify.train(n=4, layers=2, samples=4, iters=3, setup="notebook")
    s = m.settings
    assert (s["resample_every"], s["mixing"], s["learning_rate"], s["iterations"]) == (50, "-0.1", "0.0005", 3)


@pytest.mark.parametrize("kwargs, cli_args", [
    (dict(scalar="mpfr:128"), ["--scalar", "mpfr:128"]),
    (dict(prompt="fancy"), ["--prompt", "fancy"]),
    (dict(lr="-0.1"), ["--lr", "-0.1"]),
    (dict(mixing="0"), ["--mixing", "0"]),
    (dict(setup="notebook", layers=1), ["--setup", "notebook", "--layers", "1"]),
])
def test_bad_training_settings_raise_value_error_with_the_cli_message(tmp_path, kwargs, cli_args):
    message = cli_error("train", *cli_args, "--out", str(tmp_path / "x.json"))
    with pytest.raises(ValueError) as error:
        otverify.train(**kwargs)
    assert str(error.value) == message


def test_bad_evaluation_and_ablation_input(tmp_path):
    m = otverify.train(**SMALL, iters=2)
    path = tmp_path / "m.json"
    m.save(path)
    with pytest.raises(ValueError) as error:
        otverify.evaluate(m, n=51)
    assert str(error.value) == cli_error("eval", "--model", str(path), "--n", "51")
    with pytest.raises(ValueError, match=r"^model file: not an otverify trained model"):
        otverify.evaluate({"weights": []})
    with pytest.raises(ValueError, match=r"^--seeds must list 1 to 100 seeds$"):
        otverify.ablation(seeds=())


def test_progress_callback_sees_every_iteration_and_can_abort():
    seen = []
    otverify.train(**SMALL, iters=5, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(k, 5) for k in range(0, 6)]
    with pytest.raises(Stop):
        otverify.train(**SMALL, iters=1000, progress=stop_at(3))
    runs = set()
    otverify.ablation(n=4, layers=2, iters=2, samples=4, seeds=(1,), progress=lambda done, total, run: runs.add(run))
    assert runs == {"engineered seed 1", "plain seed 1"}
    np.testing.assert_array_equal(otverify.train(**SMALL, iters=5).loss_curve[:, 0], np.arange(5))


def test_ctrl_c_interrupts_a_long_training():
    """SIGINT reaches Python between iterations although the training runs without the GIL."""
    import signal
    import sys
    import time
    code = "import otverify\nprint('started', flush=True)\notverify.train(n=4, layers=3, samples=8, iters=10**7)\n"  # no Python runs meanwhile
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ)
    assert p.stdout.readline().strip() == "started"
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    try:
        _, err = p.communicate(timeout=20)
    finally:
        p.kill()  # if Ctrl-C was ignored
    assert p.returncode != 0 and "KeyboardInterrupt" in err
