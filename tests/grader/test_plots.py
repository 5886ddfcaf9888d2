"""The data behind the feedback pages' plots, collected from real student code.

Submissions are the reference solution with one function replaced by a typical
mistake; entries say which checks failed (as grading would), so each test drives
exactly the plot it is about.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from grader import plots
from grader.proxy import Student
from grader.runner import Settings
from grader.sandbox import Limits
from grader.submission import Submission
from grader.zygote import Zygote

ROOT = Path(__file__).resolve().parents[2]
FILES = ("activations.py", "derivatives.py", "initializers.py", "dead_relu.py")

KINK = """
def relu_grad(x):
    x = np.asarray(x)
    out = np.float32 if x.dtype == np.float32 else np.float64
    return (x >= 0).astype(out)
"""
NAIVE_SOFTPLUS = """
def softplus(x):
    x = np.asarray(x, dtype=float)
    return np.log(1 + np.exp(x))
"""
HALF = """
def sigmoid(x):
    return 0.5 * np.asarray(x, dtype=float)
"""
HALF_GRAD = """
def sigmoid_grad(x):
    return np.full(np.shape(x), 0.5)
"""
HE_AS_LECUN = """
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))
"""
ACTIVE_AT_ZERO = """
def relu_activity(weights, biases, X, batch_size=1024):
    X = np.asarray(X, dtype=float)
    counts = [np.zeros(np.shape(b)[0]) for b in biases]
    for start in range(0, X.shape[0], batch_size):
        h = X[start:start + batch_size]
        for layer, (W, b) in enumerate(zip(weights, biases)):
            a = h @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)
            counts[layer] += (a >= 0).sum(axis=0)
            h = np.maximum(a, 0)
    return [c / X.shape[0] for c in counts]
"""
NAIVE_SOFTMAX = """
def softmax(x, axis=-1):
    e = np.exp(np.asarray(x, dtype=float))
    return e / e.sum(axis=axis, keepdims=True)
"""
BROKEN = """
def elu(x, alpha=1.0):
    raise ValueError("not today")

def tanh(x):
    while True:
        pass
"""


def student_files(**changes: str) -> dict[str, bytes]:
    """The reference solution as a submission, with source appended to some files
    (a later ``def`` replaces the reference's)."""
    files = {name: (ROOT / "reference" / name).read_bytes() for name in FILES}
    for stem, source in changes.items():
        files[f"{stem}.py"] += b"\n\n" + source.encode()
    return files


def submission(sid: str = "student", **changes: str) -> Submission:
    return Submission(sid, Path(sid), files=student_files(**changes))


def entry_failing(*pairs: str, status: str = "failed", feedback: str = "",
                  inputs: tuple[float, ...] = ()) -> dict:
    """An entry whose ``function/check`` pairs failed (grading's other tests passed)."""
    tests = []
    for pair in pairs:
        function, check = pair.split("/")
        tests.append({"name": f"{function}: {check}", "function": function, "check": check,
                      "score": 0.0, "max_score": 1.0, "status": status, "feedback": feedback,
                      **({"inputs": list(inputs)} if inputs else {})})
    return {"id": "student", "score": 0.0, "max_score": 100.0, "status": "graded",
            "tests": tests}


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(sandbox="none", limits=Limits(call_seconds=0.5))


@pytest.fixture(scope="module")
def zygote():
    with Zygote() as running:
        yield running


def collect(settings, zygote, entry, **changes):
    return plots.collect_plot_data(submission(**changes), settings, entry, zygote=zygote)


def test_a_wrong_kink_is_plotted_around_the_kink_with_the_point_marked(settings, zygote):
    entry = entry_failing("relu_grad/kink", feedback="relu_grad: at the kink x = 0.0 you "
                          "returned 1.0, expected 0.0", inputs=(0.0,))
    data = collect(settings, zygote, entry, derivatives=KINK)
    [figure] = data["relu_grad"]["figures"]
    assert figure["kind"] == "curve" and figure["xscale"] == "linear"
    x = figure["x"]
    assert -1.0 <= x.min() < 0 < x.max() <= 1.0  # zoomed on the kink
    assert x[figure["wrong"]].tolist() == [0.0]  # the only point where it is wrong
    roles = {s["role"]: s["y"] for s in figure["series"]}
    assert set(roles) == {"yours", "reference", "slope"}
    assert roles["yours"][x == 0.0].tolist() == [1.0]
    assert roles["reference"][x == 0.0].tolist() == [0.0]
    assert "at x = 0.0 you return 1.0, the reference 0.0" in figure["caption"]


def test_a_derivative_is_drawn_with_the_slope_of_the_students_own_forward(settings, zygote):
    entry = entry_failing("sigmoid_grad/values")
    data = collect(settings, zygote, entry, activations=HALF, derivatives=HALF_GRAD)
    [figure] = data["sigmoid_grad"]["figures"]
    roles = {s["role"]: s["y"] for s in figure["series"]}
    assert np.allclose(roles["slope"], 0.5, atol=1e-6)  # the slope of their 0.5 * x
    assert np.allclose(roles["yours"], roles["slope"], atol=1e-6)
    assert not np.allclose(roles["yours"], roles["reference"])
    assert "sigmoid itself is wrong" in figure["caption"]


def test_an_overflow_far_out_is_plotted_on_a_symmetric_log_axis(settings, zygote):
    entry = entry_failing("softplus/stability", feedback="softplus: values wrong at 2 of 14",
                          inputs=(1000.0, 1e4))
    data = collect(settings, zygote, entry, activations=NAIVE_SOFTPLUS)
    [figure] = data["softplus"]["figures"]
    assert figure["xscale"] == "symlog" and figure["x"].max() >= 1000
    yours = next(s["y"] for s in figure["series"] if s["role"] == "yours")
    wrong = figure["wrong"]
    assert wrong.any() and not np.isfinite(yours[wrong]).any()  # inf where it overflows
    assert "inf or nan" in figure["caption"]


def test_a_warning_alone_gets_neither_a_plot_nor_a_note(settings, zygote):
    naive = "def sigmoid(x):\n    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))\n"
    warned = entry_failing("sigmoid/stability", feedback="sigmoid: numpy signalled overflow")
    assert collect(settings, zygote, warned, activations=naive) == {}  # nothing even called
    wrong = entry_failing("sigmoid/stability", feedback="sigmoid: values wrong at 1 of 2 inputs",
                          inputs=(-1000.0,))
    data = collect(settings, zygote, wrong, activations=naive)  # it was not, in fact
    assert data == {"sigmoid": {"figures": [], "notes": []}}


def test_an_initializer_is_a_histogram_against_its_target_density(settings, zygote):
    data = collect(settings, zygote, entry_failing("he_normal/scale"), initializers=HE_AS_LECUN)
    [figure] = data["he_normal"]["figures"]
    assert figure["kind"] == "histogram" and figure["family"] == "normal"
    assert figure["std"] == pytest.approx(math.sqrt(2 / 400))
    assert figure["sample_std"] == pytest.approx(math.sqrt(1 / 400), rel=0.01)
    widths = np.diff(figure["edges"])
    assert float(np.sum(figure["density"] * widths)) == pytest.approx(1.0, abs=0.01)
    assert "standard deviation 0.05" in figure["caption"]


def test_the_ks_distance_tells_a_right_initializer_from_a_wrong_one() -> None:
    rng = np.random.default_rng(1)
    right = rng.normal(0, 0.1, 100_000)
    assert plots.ks_distance(right, "normal", 0.1) < 0.01
    assert plots.ks_distance(right * 0.7, "normal", 0.1) > 0.05
    assert plots.ks_distance(rng.uniform(-1, 1, 10_000), "uniform", 1 / math.sqrt(3)) < 0.03
    assert plots.ks_distance(np.zeros(10), "zeros", 0.0) == 0.0


def test_a_detector_is_compared_unit_by_unit_on_a_small_network(settings, zygote):
    data = collect(settings, zygote, entry_failing("relu_activity/values"),
                   dead_relu=ACTIVE_AT_ZERO)
    [figure] = data["relu_activity"]["figures"]
    assert figure["kind"] == "units" and len(figure["layers"]) == 3
    first = figure["layers"][0]
    differs = np.flatnonzero(first["yours"] != first["reference"]).tolist()
    assert differs == [1]  # the unit whose pre-activation is exactly 0
    assert (first["yours"][1], first["reference"][1]) == (1.0, 0.0)


def test_the_small_network_has_each_way_of_being_dead() -> None:
    import reference

    weights, biases, X = plots.small_network(plots.SEED)
    dead = reference.dead_relu_mask(weights, biases, X, batch_size=plots.BATCH)
    assert dead[0][:3].tolist() == [True, True, False] and dead[1][2]
    active = reference.relu_activity(weights, biases, X, batch_size=plots.BATCH)
    assert active[0][2] == 1 / X.shape[0]  # only the last sample, in the last batch


def test_softmax_is_drawn_as_bars_row_by_row(settings, zygote):
    entry = entry_failing("softmax/stability", feedback="softmax: values wrong at 10 of 16",
                          inputs=(1000.0,))
    data = collect(settings, zygote, entry, activations=NAIVE_SOFTMAX)
    [figure] = data["softmax"]["figures"]
    moderate, large = figure["rows"]
    assert figure["kind"] == "bars"
    assert not moderate["wrong"].any() and large["wrong"].any()
    assert np.isnan(large["yours"]).any()


def test_a_function_that_raises_or_hangs_costs_only_its_plot(settings, zygote):
    entry = entry_failing("elu/values", "tanh/values", "relu_grad/kink")
    data = collect(settings, zygote, entry, activations=BROKEN, derivatives=KINK)
    assert data["elu"] == {"figures": [], "notes": [
        "No plot of elu: elu raised ValueError: not today"]}
    assert data["tanh"]["figures"] == [] and "did not finish" in data["tanh"]["notes"][0]
    assert len(data["relu_grad"]["figures"]) == 1


def test_only_failed_checks_a_picture_explains_are_plotted() -> None:
    records = plots.load_registry(Settings().grading / "registry.py").RECORDS
    entry = entry_failing("relu/vectorized", "relu/contract", "he_normal/generator",
                          "calculate_gain/values", "sigmoid/stability")
    entry["tests"] += entry_failing("elu/values", status="error")["tests"]
    entry["tests"] += entry_failing("gelu/values", status="timeout")["tests"]
    entry["tests"] += entry_failing("relu_grad/kink", "relu_grad/values")["tests"]
    assert plots.functions_to_plot(entry, records) == {
        "relu_grad": frozenset({"kink", "values"})}


def test_nothing_is_called_for_an_ungraded_or_perfect_submission(settings) -> None:
    class Exploding:
        def __getattr__(self, name):
            raise AssertionError("no worker should be needed")

    perfect = {"id": "s", "status": "graded", "score": 100.0, "max_score": 100.0, "tests": []}
    assert plots.collect_plot_data(submission(), settings, perfect, zygote=Exploding()) == {}
    ungraded = dict(perfect, status="error", feedback="bad zip")
    assert plots.collect_plot_data(submission(), settings, ungraded, zygote=Exploding()) == {}


def test_a_failing_function_costs_only_a_few_calls(settings, zygote, monkeypatch):
    calls = []

    class Counting(Student):
        def call(self, function, *args, **kwargs):
            calls.append(function)
            return super().call(function, *args, **kwargs)

    monkeypatch.setattr(plots, "Student", Counting)
    entry = entry_failing("relu_grad/kink", "relu_grad/values", "relu_grad/gradient")
    collect(settings, zygote, entry, derivatives=KINK)
    assert 0 < len(calls) <= 12


def test_collecting_twice_gives_the_same_data(settings, zygote):
    entry = entry_failing("he_normal/scale", "relu_grad/kink")
    first = collect(settings, zygote, entry, initializers=HE_AS_LECUN, derivatives=KINK)
    second = collect(settings, zygote, entry, initializers=HE_AS_LECUN, derivatives=KINK)
    for function in first:
        for a, b in zip(first[function]["figures"], second[function]["figures"], strict=True):
            assert a["caption"] == b["caption"]
            for key in ("x", "density"):
                if key in a:
                    assert np.array_equal(a[key], b[key])


def test_the_inputs_a_failed_check_names_are_probed_too(settings, zygote) -> None:
    # the checks name them in the test record's inputs field: nothing parses the feedback
    wrong_only_at = "def relu(x):\n    x = np.asarray(x, dtype=float)\n" \
                    "    return np.where(x == 1234.5, 0.0, np.maximum(x, 0))\n"
    named = entry_failing("relu/values", inputs=(1234.5,))
    [figure] = collect(settings, zygote, named, activations=wrong_only_at)["relu"]["figures"]
    assert 1234.5 in figure["x"][figure["wrong"]]
    unnamed = entry_failing("relu/values", feedback="relu: at x = 1234.5 you returned 0.0")
    assert collect(settings, zygote, unnamed, activations=wrong_only_at)["relu"]["figures"] == []
