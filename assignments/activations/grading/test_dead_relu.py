"""Hidden suite: the dead-ReLU detector and the saturation detector on networks built
to trip them up.

The main network has, in its first layer, a unit dead by its bias, a unit whose
pre-activation is exactly 0 everywhere, and a unit active only on the last of
2,500 samples (so only in the last, partial batch); in its second layer, a unit
dead only because the units feeding it are dead. Then come small integer networks
found by Hypothesis, where exact zeros are common.

The saturation detector (sigmoid and tanh networks) gets a network of its own, with
units saturated always, never, and only on the last sample, and units saturated
because what feeds them is; the Hypothesis networks serve it too.
"""

from __future__ import annotations

import functools
import importlib.metadata
from pathlib import Path
from typing import Any

import numpy as np
from registry import DETECTORS, SATURATED_FRACTION, SEED, Detector, Saturation

from grader import Call, Grade, Student, by_name, cached_json
from grader.checks import describe_returned, fail, fmt, fmt_params
from grader.errors import StudentRaised

HYPOTHESIS_EXAMPLES = 16


def main_network() -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    rng = np.random.default_rng(SEED + 3)
    X = rng.standard_normal((2500, 6))
    X[-1, 0] = 50.0  # only the last sample reaches unit 3 below
    W0 = rng.standard_normal((6, 5))
    b0 = rng.standard_normal(5) * 0.1
    b0[0] = -100.0  # unit 0: dead by its bias
    W0[:, 1], b0[1] = 0.0, 0.0  # unit 1: pre-activation exactly 0 on every sample
    W0[:, 3], b0[3] = 0.0, -10.0
    W0[0, 3] = 1.0  # unit 3: active only on the last sample
    W1 = rng.standard_normal((5, 4))
    b1 = rng.standard_normal(4) * 0.1
    W1[:, 2], b1[2] = 0.0, 0.0
    W1[0, 2] = W1[1, 2] = 5.0  # unit 2: fed only by dead units, so dead itself
    W2 = rng.standard_normal((4, 3))
    b2 = np.array([0.5, -0.2, 0.0])
    return [W0, W1, W2], [b0, b1, b2], X


def other_network() -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    rng = np.random.default_rng(SEED + 4)
    widths = [8, 16, 5]
    weights = [rng.standard_normal((a, b)) for a, b in zip(widths, widths[1:], strict=False)]
    biases = [rng.standard_normal(b) - 0.8 for b in widths[1:]]
    return weights, biases, rng.standard_normal((100, 8))


def saturating_network() -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """A sigmoid/tanh network: in layer 0, unit 0 saturated on most samples (large
    weights), unit 1 never (tiny weights), unit 2 always (its bias), unit 3 only on the
    last sample, unit 4 on some; in layer 1, unit 1 saturated because the always-saturated
    unit feeds it strongly, unit 2 by its bias."""
    rng = np.random.default_rng(SEED + 8)
    X = rng.standard_normal((2500, 6))
    X[-1, 0] = 50.0
    W0 = rng.standard_normal((6, 5))
    b0 = rng.standard_normal(5) * 0.1
    W0[:, 0] *= 20.0
    W0[:, 1] *= 0.01
    W0[:, 2], b0[2] = W0[:, 2] * 0.1, 30.0
    W0[:, 3], b0[3] = 0.0, 0.0
    W0[0, 3] = 1.0  # |a| = |x_0|: beyond the threshold only for x_0 = 50 (the last sample)
    W1 = rng.standard_normal((5, 4))
    b1 = rng.standard_normal(4) * 0.1
    W1[:, 1], b1[1] = 0.1, 0.0
    W1[2, 1] = 10.0
    b1[2] = -20.0
    W2 = rng.standard_normal((4, 3)) * 2
    b2 = np.array([0.5, -0.2, 0.0])
    return [W0, W1, W2], [b0, b1, b2], X


WEIGHTS, BIASES, X = main_network()
SAT_WEIGHTS, SAT_BIASES, SAT_X = saturating_network()


def results(record: Detector | Saturation, call: Call, n_layers: int) -> list[np.ndarray]:
    __tracebackhide__ = True
    value = call.value
    if not isinstance(value, (list, tuple)) or len(value) != n_layers:
        fail(f"{record.name}: returned {describe_returned(value)}, expected a list with one "
             f"array per layer ({n_layers} layers)", record.hint("contract"))
    arrays = []
    for layer, item in enumerate(value):
        if not isinstance(item, np.ndarray):
            fail(f"{record.name}: layer {layer} of your result is "
                 f"{describe_returned(item)}, expected a numpy array", record.hint("contract"))
        arrays.append(item)
    return arrays


def compare(record: Detector | Saturation, call: Call, weights, biases, X,
            batch_size: int | None, hint: str, described: str,
            expected: list[np.ndarray] | None = None, params: dict | None = None) -> None:
    __tracebackhide__ = True
    if params:
        described = f"{described} ({fmt_params(params)})"
    if expected is None:
        kwargs = {} if batch_size is None else {"batch_size": batch_size}
        expected = record.reference(weights, biases, X, **kwargs, **(params or {}))
    yours = results(record, call, len(weights))
    for layer, (mine, theirs) in enumerate(zip(yours, expected, strict=True)):
        if mine.shape != theirs.shape:
            fail(f"{record.name} on {described}: layer {layer} has shape {mine.shape}, "
                 f"expected {theirs.shape} (one entry per unit)", hint)
        if mine.dtype.kind not in "biuf":
            fail(f"{record.name} on {described}: layer {layer} has dtype {mine.dtype}", hint)
        wrong = np.flatnonzero(~np.isclose(mine.astype(np.float64), theirs, rtol=1e-12,
                                           atol=1e-15))
        if wrong.size:
            unit = int(wrong[0])
            fail(f"{record.name} on {described}: layer {layer} is wrong for {wrong.size} of "
                 f"{theirs.size} units; for unit {unit} you returned {fmt(mine[unit])}, "
                 f"expected {fmt(theirs[unit])}", hint)


def run(record: Detector | Saturation, student: Student, weights, biases, X,
        batch_size: int | None = None, params: dict | None = None) -> Call:
    kwargs = {} if batch_size is None else {"batch_size": batch_size}
    return student.call(record.name, list(weights), list(biases), X, **kwargs,
                        **(params or {}))


def check_values(record: Detector, student: Student, cases) -> None:
    hint = record.hint("values")
    with cases.case("the main network"):
        compare(record, run(record, student, WEIGHTS, BIASES, X), WEIGHTS, BIASES, X, None,
                hint, "a 3-layer network of 2500 samples (dead units by bias, by an exact "
                "zero, by dead inputs)")
    with cases.case("a single sample"):
        compare(record, run(record, student, WEIGHTS, BIASES, X[-1:]), WEIGHTS, BIASES, X[-1:],
                None, hint, "a single sample")
    weights, biases, X2 = other_network()
    with cases.case("another network"):
        compare(record, run(record, student, weights, biases, X2), weights, biases, X2, None,
                hint, "a 2-layer network 8 -> 16 -> 5")
    with cases.case("small integer networks (Hypothesis)"):
        check_small_networks(record, student, hint)


def generate_networks() -> list[Any]:
    """Small integer networks from Hypothesis (fixed seed, no database), as JSON lists."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    @st.composite
    def small_networks(draw):  # type: ignore[no-untyped-def]
        widths = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
        n = draw(st.integers(1, 6))
        ints = st.integers(-2, 2)
        weights = [draw(st.lists(st.lists(ints, min_size=b, max_size=b), min_size=a,
                                 max_size=a))
                   for a, b in zip(widths, widths[1:], strict=False)]
        biases = [draw(st.lists(ints, min_size=b, max_size=b)) for b in widths[1:]]
        X = draw(st.lists(st.lists(ints, min_size=widths[0], max_size=widths[0]),
                          min_size=n, max_size=n))
        batch = draw(st.integers(1, n + 1))
        return [weights, biases, X, batch]

    found: list[Any] = []

    @settings(max_examples=HYPOTHESIS_EXAMPLES, derandomize=True, database=None,
              deadline=None, phases=(Phase.generate,), suppress_health_check=list(HealthCheck),
              print_blob=False)
    @given(small_networks())
    def collect(network) -> None:  # type: ignore[no-untyped-def]
        found.append(network)

    collect()
    return found


@functools.cache
def network_corpus() -> list[tuple[list[np.ndarray], list[np.ndarray], np.ndarray, int]]:
    """Small integer networks found by Hypothesis, smallest first.

    Hypothesis favours the values that break detectors -- zeros, single units,
    one sample, batch sizes at the edges. The corpus is the same on every run for the
    same suite and Hypothesis version, so it is made once and kept in the grader's
    cache (grader.cache); ordering by size makes the first failure reported the
    smallest, as shrinking would.
    """
    raw = cached_json("dead-relu-networks", [Path(__file__).read_bytes(),
                                             importlib.metadata.version("hypothesis")],
                      generate_networks)
    corpus = []
    for weights, biases, X, batch in raw:
        ws = [np.array(w, dtype=np.float64).reshape(len(w), len(b))
              for w, b in zip(weights, biases, strict=True)]
        corpus.append((ws, [np.array(b, dtype=np.float64) for b in biases],
                       np.array(X, dtype=np.float64).reshape(len(X), ws[0].shape[0]),
                       int(batch)))
    return sorted(corpus, key=lambda n: (sum(w.size for w in n[0]) + n[2].size, n[3]))


def check_small_networks(record: Detector | Saturation, student: Student, hint: str,
                         params: dict | None = None) -> None:
    __tracebackhide__ = True
    for weights, biases, X, batch in network_corpus():
        described = (f"the network weights={[w.tolist() for w in weights]}, "
                     f"biases={[b.tolist() for b in biases]}, X={X.tolist()}, "
                     f"batch_size={batch}")
        compare(record, run(record, student, weights, biases, X, batch, params), weights,
                biases, X, batch, hint, described, params=params)


def check_batching(record: Detector | Saturation, student: Student, cases) -> None:
    hint = record.hint("batching")
    weights, biases, X_all = ((SAT_WEIGHTS, SAT_BIASES, SAT_X) if isinstance(record, Saturation)
                              else (WEIGHTS, BIASES, X))
    tail = X_all[-40:]
    for batch_size, samples in ((1, tail), (7, tail), (1000, X_all), (2499, X_all),
                                (5000, X_all)):
        with cases.case(f"batch_size={batch_size}"):
            compare(record, run(record, student, weights, biases, samples, batch_size), weights,
                    biases, samples, batch_size, hint,
                    f"{len(samples)} samples with batch_size={batch_size}")
    with cases.case("memory does not grow with the number of samples"):
        check_streaming(record, student, hint)


# A tall, narrow X through wide layers: one layer's activations for all samples are 16
# times X, one layer's masks (a > 0) twice X. Streaming holds X, perhaps a float64 copy of
# it, and a few batches' worth; besides, the measured process holds the arguments as
# received. Measured: 1.0-1.6 MiB for correct detectors, 6.6 MiB for one that keeps every
# batch's masks, 40 MiB for one that ignores batch_size; 3.4 MiB allowed.
STREAM_SAMPLES, STREAM_BATCH, STREAM_WIDTHS = 20_000, 250, (4, 64, 64, 64)
STREAM_BATCH_ALLOWANCE = 16  # batch-sized arrays (width 64) a streaming detector may hold


@functools.cache
def streaming_network() -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    rng = np.random.default_rng(SEED + 5)
    widths = STREAM_WIDTHS
    weights = [rng.standard_normal((a, b)) / np.sqrt(a)
               for a, b in zip(widths, widths[1:], strict=False)]
    biases = [rng.standard_normal(b) * 0.1 for b in widths[1:]]
    return weights, biases, rng.standard_normal((STREAM_SAMPLES, widths[0]))


@functools.cache
def streaming_expected(name: str) -> list[np.ndarray]:
    record = next(r for r in (*DETECTORS, SATURATED_FRACTION) if r.name == name)
    weights, biases, X = streaming_network()
    return record.reference(weights, biases, X, batch_size=STREAM_BATCH)


def warm_up() -> None:
    """Called once per grading run, before grading processes fork (grader.runner.warm_up)."""
    network_corpus()
    for record in DETECTORS:
        streaming_expected(record.name)


def check_streaming(record: Detector | Saturation, student: Student, hint: str) -> None:
    """The most memory the call holds at once must stay far below one layer's
    activations for all samples. The values are checked too.

    Measured from outside the student's process (``memory=True``: its peak resident set,
    read by the grader before the import and after the call), so nothing the student's
    code does (``tracemalloc.reset_peak()``, ``gc``) lowers it."""
    __tracebackhide__ = True
    weights, biases, X = streaming_network()
    call = student.call(record.name, list(weights), list(biases), X,
                        batch_size=STREAM_BATCH, memory=True)
    compare(record, call, weights, biases, X, STREAM_BATCH, hint,
            f"{STREAM_SAMPLES} samples with batch_size={STREAM_BATCH}",
            expected=streaming_expected(record.name))
    if call.peak_bytes is None:  # the grader's failure, not the student's: reported as such
        raise RuntimeError("the memory of the process running the student's code could not "
                           "be read (/proc/<pid>/status, by the zygote)")
    width = max(STREAM_WIDTHS[1:])
    arguments = sum(a.nbytes for a in (X, *weights, *biases))
    allowed = X.nbytes + STREAM_BATCH_ALLOWANCE * STREAM_BATCH * width * 8 + arguments
    whole_layer = STREAM_SAMPLES * width * 8
    if call.peak_bytes > allowed:
        fail(f"{record.name}: with {STREAM_SAMPLES} samples and batch_size={STREAM_BATCH} "
             f"your function held {call.peak_bytes / 2**20:.1f} MiB at once, while one "
             f"layer's activations for all samples take {whole_layer / 2**20:.1f} MiB: "
             f"memory must not grow with the number of samples (at most "
             f"{allowed / 2**20:.1f} MiB here)", hint)


def check_contract(record: Detector | Saturation, student: Student, cases) -> None:
    hint = record.hint("contract")
    with cases.case("one array per layer, of the right dtype"):
        yours = results(record, run(record, student, WEIGHTS, BIASES, X[:50]), len(WEIGHTS))
        for layer, array in enumerate(yours):
            if str(array.dtype) != record.dtype:
                fail(f"{record.name}: layer {layer} has dtype {array.dtype}, expected "
                     f"{record.dtype}", hint)
            if array.shape != BIASES[layer].shape:
                fail(f"{record.name}: layer {layer} has shape {array.shape}, expected "
                     f"{BIASES[layer].shape} (one entry per unit)", hint)
    with cases.case("arguments unmodified"):
        call = run(record, student, WEIGHTS, BIASES, X[:50])
        if call.modified:
            fail(f"{record.name}: your function changed its arguments (the weights, biases or "
                 "X); it must only read them", hint)


CHECKS = {"values": check_values, "batching": check_batching, "contract": check_contract}


@by_name(DETECTORS, CHECKS)
def test_detector(record: Detector, student: Student, grade: Grade) -> None:
    grade.run(record, student, CHECKS)


def check_saturation_values(record: Saturation, student: Student, cases) -> None:
    hint = record.hint("values")
    for params in record.params:
        with cases.case(f"the saturating network, {fmt_params(params) or 'defaults'}"):
            compare(record, run(record, student, SAT_WEIGHTS, SAT_BIASES, SAT_X, None, params),
                    SAT_WEIGHTS, SAT_BIASES, SAT_X, None, hint, "a 3-layer network of 2500 "
                    "samples (units saturated always, never, only on the last sample, and "
                    "by what feeds them)", params=params)
    with cases.case("a single sample"):
        last = SAT_X[-1:]
        compare(record, run(record, student, SAT_WEIGHTS, SAT_BIASES, last), SAT_WEIGHTS,
                SAT_BIASES, last, None, hint, "a single sample")
    flat = [np.zeros((3, 4)), np.zeros((4, 2))], [np.zeros(4), np.zeros(2)]
    for params in ({"threshold": 0.25}, {"nonlinearity": "tanh", "threshold": 1.0}):
        # every pre-activation is 0: sigmoid'(0) = 0.25 and tanh'(0) = 1, exactly the
        # threshold, which is not below it
        with cases.case(f"a derivative exactly at the threshold, {fmt_params(params)}"):
            compare(record, run(record, student, *flat, SAT_X[:7, :3], None, params), *flat,
                    SAT_X[:7, :3], None, hint, "a network whose pre-activations are all 0 "
                    "(a unit is saturated only where the derivative is strictly below the "
                    "threshold)", params=params)
    weights, biases, X2 = other_network()
    for params in ({}, {"nonlinearity": "tanh", "threshold": 0.05}):
        with cases.case(f"another network, {fmt_params(params) or 'defaults'}"):
            compare(record, run(record, student, weights, biases, X2, None, params), weights,
                    biases, X2, None, hint, "a 2-layer network 8 -> 16 -> 5", params=params)
    for params in ({}, {"nonlinearity": "tanh"}):
        with cases.case("small integer networks (Hypothesis), "
                        + (fmt_params(params) or "defaults")):
            check_small_networks(record, student, hint, params)


def check_saturation_errors(record: Saturation, student: Student, cases) -> None:
    for params, error in record.errors:
        shown = fmt_params(params)
        with cases.case(shown):
            try:
                call = run(record, student, SAT_WEIGHTS, SAT_BIASES, SAT_X[:20], None,
                           dict(params))
            except StudentRaised as exc:
                if exc.type_name == "NotImplementedError":
                    raise
                if not exc.is_a(error):
                    fail(f"{record.name}(..., {shown}): raised {exc.type_name}, expected "
                         f"{error}", record.hint("errors"))
                continue
            fail(f"{record.name}(..., {shown}): returned {describe_returned(call.value)}, "
                 f"expected {error} for an unknown nonlinearity", record.hint("errors"))


SATURATION_CHECKS = {"values": check_saturation_values, "batching": check_batching,
                     "contract": check_contract, "errors": check_saturation_errors}


@by_name((SATURATED_FRACTION,), SATURATION_CHECKS)
def test_saturation(record: Saturation, student: Student, grade: Grade) -> None:
    grade.run(record, student, SATURATION_CHECKS)
