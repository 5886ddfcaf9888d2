"""The most memory a call holds, measured from outside the worker (grader.proxy,
grader.zygote and the zygote's reading of /proc), under every isolation layer."""

from __future__ import annotations

import numpy as np
import pytest

from grader import sandbox
from grader.proxy import Student
from grader.zygote import Zygote
from tests.needs import missing

CODE = b'''
import gc, tracemalloc
import numpy as np

CALLS = []

def _layers(weights, biases, X):
    h, out = X, []
    for W, b in zip(weights, biases):
        a = h @ W + b
        out.append(a)
        h = np.maximum(a, 0.0)
    return out

def streaming(weights, biases, X, batch_size=250):
    counts = [np.zeros(np.shape(W)[1]) for W in weights]
    for start in range(0, len(X), batch_size):
        for count, a in zip(counts, _layers(weights, biases, X[start:start + batch_size])):
            count += (a > 0).sum(axis=0)
    return [c / len(X) for c in counts]

def whole(weights, biases, X, batch_size=250):
    return [(a > 0).mean(axis=0) for a in _layers(weights, biases, X)]

def whole_then_reset(weights, biases, X, batch_size=250):
    result = whole(weights, biases, X)
    gc.collect()
    if tracemalloc.is_tracing():
        tracemalloc.reset_peak()
    return result

def calls(weights, biases, X, batch_size=250):
    CALLS.append(1)
    return [np.full(np.shape(W)[1], float(len(CALLS))) for W in weights]
'''
PREALLOCATED = b'''
import numpy as np

BUFFERS = np.ones((10_000, 64)), np.ones((10_000, 64))  # 10 MiB, filled as it is imported

def preallocated(weights, biases, X, batch_size=250):
    h, out = X, []
    for W, b in zip(weights, biases):
        a = np.matmul(h, W, out=BUFFERS[0])
        a += b
        out.append((a > 0).mean(axis=0))
        h = np.maximum(a, 0.0, out=BUFFERS[1])
    return out
'''
NAMES = ["streaming", "whole", "whole_then_reset", "calls"]
LAYERS = ["none", *sandbox.LAYERS]
rng = np.random.default_rng(7)
WEIGHTS = [rng.standard_normal((4, 64)), rng.standard_normal((64, 64))]
BIASES = [np.zeros(64), np.zeros(64)]
X = rng.standard_normal((10_000, 4))
MIB = 1 << 20


@pytest.fixture(scope="module", params=LAYERS)
def student(request):
    reason = "" if request.param == "none" else sandbox.probe(request.param)
    if reason:
        missing(reason)
    with Zygote(layer=request.param) as zygote, \
            Student({"code.py": CODE, "preallocated.py": PREALLOCATED},
                    {**{n: "code.py" for n in NAMES}, "preallocated": "preallocated.py"},
                    zygote) as s:
        yield s


def peak(student: Student, function: str) -> int:
    found = student.call(function, WEIGHTS, BIASES, X, memory=True).peak_bytes
    assert found is not None
    return found


def test_a_call_that_holds_every_sample_is_seen_to(student) -> None:
    assert peak(student, "whole") > 10 * MIB  # two layers of 10,000 x 64 floats, and more


def test_a_streaming_call_holds_little_beyond_its_arguments(student) -> None:
    assert peak(student, "streaming") < 3 * MIB


def test_nothing_inside_the_worker_erases_the_peak(student) -> None:
    assert peak(student, "whole_then_reset") > 10 * MIB


def test_buffers_filled_at_import_to_be_reused_in_the_call_count(student) -> None:
    assert peak(student, "preallocated") > 5 * MIB  # 10 MiB, less the import's free 4 MiB at most


def test_a_measured_call_runs_in_a_worker_of_its_own(student) -> None:
    first = student.call("calls", WEIGHTS, BIASES, X).value[0][0]
    measured = student.call("calls", WEIGHTS, BIASES, X, memory=True).value[0][0]
    after = student.call("calls", WEIGHTS, BIASES, X).value[0][0]
    assert (first, measured, after) == (1.0, 1.0, 2.0)  # a fresh import; the shared worker kept
