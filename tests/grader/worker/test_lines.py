"""The line counter of the vectorization check, in a real worker: what it counts, and
what graded code can see of it and do to it (grader/worker/_lines.py)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from grader.proxy import Student
from grader.zygote import Zygote

CODE = b'''
import functools, queue, sys, threading
import numpy as np

def vectorized(x):
    return np.maximum(np.asarray(x, dtype=float), 0.0)

def looped(x):
    x = np.asarray(x, dtype=float)
    y = np.empty_like(x)
    for i in range(x.size):
        y[i] = x[i] if x[i] > 0 else 0.0
    return y

LOOP = "for i in range(x.size):\\n    y[i] = x[i] if x[i] > 0 else 0.0\\n"
FROZEN = compile(LOOP, "<frozen importlib._bootstrap>", "exec")
NUMPY_NAMED = compile(LOOP, np.__file__, "exec")
STDLIB_NAMED = compile(LOOP, functools.__file__, "exec")

def _run(code, x, namespace=()):
    x = np.asarray(x, dtype=float)
    y = np.empty_like(x)
    exec(code, dict(namespace, x=x, y=y))
    return y

def frozen_named(x):
    return _run(FROZEN, x)

def numpy_named(x):
    return _run(NUMPY_NAMED, x, vars(np))

def stdlib_named(x):
    return _run(STDLIB_NAMED, x, vars(functools))

def in_numpys_own_loop(x):
    x = np.asarray(x, dtype=float)
    return np.apply_along_axis(np.positive, 1, x.reshape(-1, 1)).ravel()

def in_a_thread(x):
    out = []
    worker = threading.Thread(target=lambda: out.append(looped(x)))
    worker.start()
    worker.join()
    return out[0]

JOBS, DONE = queue.Queue(), queue.Queue()

def _serve():
    while True:
        DONE.put(looped(JOBS.get()))

threading.Thread(target=_serve, daemon=True).start()

def in_a_thread_started_at_import(x):
    JOBS.put(x)
    return DONE.get()

def what_it_sees(x):
    frame = sys._getframe()
    seen = [sys.gettrace(), frame.f_trace, threading.gettrace()]
    return np.array([s is None for s in seen], dtype=float)

def tracing_switched_off(x):
    tracer = sys.gettrace()
    sys.settrace(None)
    try:
        return looped(x)
    finally:
        sys.settrace(tracer)

def _same(v):
    return v

def frame_lines_off(x):
    frame = sys._getframe()
    frame.f_trace_lines = False
    x = np.asarray(x, dtype=float)
    y = np.empty_like(x)
    for i in range(x.size):
        y[i] = _same(x[i])
    frame.f_trace_lines = True
    return y

def monitoring_off(x):
    monitoring = getattr(sys, "monitoring", None)  # Python 3.12+
    for tool in range(6 if monitoring else 0):
        try:
            monitoring.set_events(tool, 0)
        except ValueError:
            pass
    return looped(x)
'''
LOOPS = ["looped", "frozen_named", "numpy_named", "stdlib_named", "in_numpys_own_loop",
         "in_a_thread", "in_a_thread_started_at_import"]
OTHERS = ["vectorized", "what_it_sees", "tracing_switched_off", "frame_lines_off",
          "monitoring_off"]
SMALL, LARGE = np.linspace(-3, 3, 16), np.linspace(-3, 3, 4096)


@pytest.fixture(scope="module")
def student():
    with Zygote() as zygote, Student({"code.py": CODE}, {n: "code.py" for n in LOOPS + OTHERS},
                                     zygote, call_seconds=10.0) as s:
        yield s


def steps(student: Student, function: str) -> tuple[int | None, int | None]:
    return (student.call(function, SMALL, trace=True).events,
            student.call(function, LARGE, trace=True).events)


def test_a_vectorized_function_runs_as_many_steps_for_any_size(student) -> None:
    small, large = steps(student, "vectorized")
    assert small is not None and 0 < small == large


@pytest.mark.parametrize("function", LOOPS)
def test_a_loop_over_the_elements_counts_wherever_it_runs(student, function) -> None:
    small, large = steps(student, function)
    assert small is not None and large is not None
    assert large - small > 4000, (small, large)


def test_the_tracing_interface_shows_nothing_of_the_counter(student) -> None:
    call = student.call("what_it_sees", SMALL, trace=True)
    assert call.value.tolist() == [1.0, 1.0, 1.0]  # gettrace(), f_trace, threading.gettrace()


def test_switching_the_tracer_off_marks_the_count_as_tampered_with(student) -> None:
    assert steps(student, "tracing_switched_off") == (-1, -1)
    assert student.call("tracing_switched_off", SMALL).value.tolist() == \
        np.maximum(SMALL, 0).tolist()  # uncounted, settrace is merely a no-op


MONITORING = sys.version_info >= (3, 12)  # the counter is a sys.monitoring tool


def test_a_frame_that_switches_its_line_events_off_hides_no_loop_that_calls(student) -> None:
    small, large = steps(student, "frame_lines_off")
    if MONITORING:  # frame.f_trace_lines is settrace's switch, not monitoring's
        assert small is not None and large is not None and large - small > 4000
    else:  # seen as the frame calls _same with its line events off
        assert (small, large) == (-1, -1)


def test_switching_monitoring_tools_off_hides_no_loop(student) -> None:
    small, large = steps(student, "monitoring_off")
    if MONITORING:  # the grader's tool is off limits: trying is tampering
        assert (small, large) == (-1, -1)
    else:  # nothing to switch off: a plain loop
        assert small is not None and large is not None and large - small > 4000
