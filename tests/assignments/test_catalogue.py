"""The hidden suites grade the whole catalogue: on an assignment composed of every
catalogue function, the reference scores full marks, and each wrong implementation
below loses points in its own function only, in the kind of check meant to catch it.

The default assignment grades none of the catalogue's new functions (its manifest gives
them no points); the assignment here is composed by ``grader new``'s ``compose``, the
one place that knows how to write a manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from grader.new import catalogue, compose, load_registry
from grader.report import function_scores
from grader.runner import Settings, grade_all
from grader.submission import Submission, read


@dataclass(frozen=True)
class Wrong:
    id: str
    file: str
    source: str  # appended to the reference's file: its functions replace the right ones
    function: str  # the only function that may lose points
    caught_by: frozenset[str]  # checks that must lose points (others may too)
    only: bool = False  # caught_by is exactly the checks that lose points


WRONG = (
    Wrong("logsigmoid_of_sigmoid", "activations.py", '''
def logsigmoid(x):
    return np.log(sigmoid(x))
''', "logsigmoid", frozenset({"stability"})),
    Wrong("prelu_grad_weight_summed_over_the_batch_only", "derivatives.py", '''
def prelu_grad(x, weight, upstream):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    g = np.asarray(upstream, dtype=np.float64)
    slope = w.reshape((-1,) + (1,) * (x.ndim - 2)) if w.size > 1 else w
    grad_x = g * np.where(x > 0, 1.0, slope)
    grad_w = (g * np.where(x <= 0, x, 0.0)).sum(axis=0)
    return grad_x, grad_w
''', "prelu_grad", frozenset({"values", "gradient"})),
    Wrong("hardswish_grad_middle_branch_at_the_kinks", "derivatives.py", '''
def hardswish_grad(x):
    x = np.asarray(x)
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    x = x.astype(np.float64)
    inside = (x >= -3) & (x <= 3)
    return np.where(inside, x / 3 + 0.5, np.where(x > 3, 1.0, 0.0)).astype(dtype)
''', "hardswish_grad", frozenset({"kink"}), only=True),
    Wrong("hardtanh_grad_bounds_ignored", "derivatives.py", '''
def hardtanh_grad(x, min_val=-1.0, max_val=1.0):
    x = np.asarray(x)
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    return ((x > -1.0) & (x < 1.0)).astype(dtype)
''', "hardtanh_grad", frozenset({"values", "kink"})),
    Wrong("log_softmax_vjp_diagonal_only", "derivatives.py", '''
def log_softmax_vjp(x, upstream, axis=-1):
    s = softmax(x, axis=axis)
    g = np.asarray(upstream, dtype=s.dtype)
    return g - s * g
''', "log_softmax_vjp", frozenset({"values", "gradient"})),
    Wrong("saturated_fraction_last_batch_skipped", "dead_relu.py", '''
def saturated_fraction(weights, biases, X, nonlinearity="sigmoid", threshold=0.01,
                       batch_size=1024):
    if nonlinearity not in ("sigmoid", "tanh"):
        raise ValueError(nonlinearity)
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    counts = [np.zeros(np.shape(b)) for b in biases]
    for start in range(0, n - batch_size + 1, batch_size):
        h = X[start:start + batch_size]
        for layer, (W, b) in enumerate(zip(weights, biases)):
            a = h @ np.asarray(W, dtype=np.float64) + b
            if nonlinearity == "tanh":
                h = np.tanh(a)
                slope = 1 - h**2
            else:
                h = 0.5 * (1 + np.tanh(a / 2))
                slope = h * (1 - h)
            counts[layer] += (slope < threshold).sum(axis=0)
    return [c / n for c in counts]
''', "saturated_fraction", frozenset({"values", "batching"})),
    Wrong("activation_stats_init_ignored", "initializers.py", '''
def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    functions = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0),
                 "sigmoid": lambda a: 0.5 * (1 + np.tanh(a / 2)), "linear": lambda a: a}
    if nonlinearity not in functions or init not in (
            "random_normal", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
            "lecun_normal"):
        raise ValueError(init, nonlinearity)
    h = rng.standard_normal((samples, width))
    stds = []
    for _ in range(depth):
        h = functions[nonlinearity](h @ xavier_normal(width, width, rng))
        stds.append(h.std())
    return np.array(stds)
''', "activation_stats", frozenset({"values"}), only=True),
    Wrong("activation_stats_inputs_from_np_random", "initializers.py", '''
def activation_stats(init, nonlinearity, depth, width, rng, samples=1000):
    functions = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0),
                 "sigmoid": lambda a: 0.5 * (1 + np.tanh(a / 2)), "linear": lambda a: a}
    inits = {"random_normal": random_normal, "xavier_uniform": xavier_uniform,
             "xavier_normal": xavier_normal, "he_uniform": he_uniform, "he_normal": he_normal,
             "lecun_normal": lecun_normal}
    if nonlinearity not in functions or init not in inits:
        raise ValueError(init, nonlinearity)
    h = np.random.standard_normal((samples, width))
    stds = []
    for _ in range(depth):
        h = functions[nonlinearity](h @ inits[init](width, width, rng))
        stds.append(h.std())
    return np.array(stds)
''', "activation_stats", frozenset({"generator"}), only=True),
)


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An assignment grading every function of the catalogue (points rebalanced to 100)."""
    folder = tmp_path_factory.mktemp("catalogue") / "everything"
    compose(folder, "activations", list(catalogue(load_registry(Settings().load()))))
    return folder


@pytest.fixture(scope="module")
def results(everything: Path) -> dict[str, dict[str, Any]]:
    settings = Settings(assignment=str(everything))
    files = settings.load().student_files
    correct = read(everything / "examples" / "correct", files)
    correct.id = "reference"
    subs = [correct]
    for wrong in WRONG:
        changed = dict(correct.files)
        changed[wrong.file] = changed[wrong.file] + wrong.source.encode()
        subs.append(Submission(wrong.id, everything, files=changed))
    return {e["id"]: e for e in grade_all(subs, settings, jobs=2)}


def failing(entry: dict[str, Any]) -> str:
    return "\n".join(f"{t['name']} [{t['status']}] {t['score']}/{t['max_score']}\n"
                     f"{t['feedback']}" for t in entry["tests"] if t["status"] != "passed")


def test_the_reference_scores_full_marks_on_the_whole_catalogue(results, everything) -> None:
    entry = results["reference"]
    assert entry["score"] == 100.0, failing(entry)
    graded = set(function_scores(entry))
    assert graded == set(catalogue(load_registry(Settings().load())))


@pytest.mark.parametrize("wrong", WRONG, ids=lambda w: w.id)
def test_a_wrong_catalogue_function_loses_points_only_where_it_is(results, wrong) -> None:
    entry = results[wrong.id]
    lost = {(t["function"], t["check"]) for t in entry["tests"] if t["score"] < t["max_score"]}
    assert {f for f, _ in lost} == {wrong.function}, failing(entry)
    checks = {c for _, c in lost}
    assert wrong.caught_by <= checks, failing(entry)
    if wrong.only:
        assert checks == wrong.caught_by, failing(entry)
    for test in entry["tests"]:
        if test["status"] != "passed":
            assert wrong.function in test["feedback"] and test["hint"], test
