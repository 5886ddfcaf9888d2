"""The trusted side's handle on a worker: real worker processes, real student code."""

from __future__ import annotations

import gc
import os
import re
import weakref

import numpy as np
import pytest

from grader import errors
from grader.assignment import Policy
from grader.proxy import RESULT_CAP, RESULT_FLOOR, SWEEP, Student, result_cap
from grader.worker._wire import Other, Rng
from grader.zygote import Zygote

CODE = b'''
import numpy as np

def double(x):
    return np.asarray(x, dtype=float) * 2

def in_place(x):
    x *= 2
    return x

def naive_sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))

def looped(x):
    x = np.asarray(x, dtype=float)
    return np.array([v * 2 for v in x])

def hangs(x):
    while True:
        pass

def exits(x):
    import os
    os._exit(7)

def raises(x):
    raise ValueError("bad input " + "x" * 5000)

def unfinished(x):
    raise NotImplementedError

def chatty(x):
    print("SCORE: 100/100" * 1000)
    import sys
    sys.stdout.write("\\x00\\x00\\x00\\x10{}")
    return np.zeros(1)

def draws(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out))

def global_draws(fan_in, fan_out, rng):
    return np.random.standard_normal((fan_in, fan_out))

def weird(x):
    return np.array([object()])

def uses_expit(x):
    from scipy.special import expit
    return expit(x)

def uses_erf(x):
    from scipy.special import erf
    return erf(np.asarray(x, dtype=float))

def uses_torch(x):
    import torch
    return torch.sigmoid(torch.tensor(x))

def swallows(x):
    try:
        import scipy.special as sp
        return sp.softmax(x)
    except Exception:
        return "caught"

not_callable = 3
'''
FUNCTIONS = ["double", "in_place", "naive_sigmoid", "looped", "hangs", "exits", "raises",
             "unfinished", "chatty", "draws", "global_draws", "weird", "uses_expit",
             "uses_erf", "uses_torch", "swallows", "not_callable", "absent"]


ERF = Policy({"scipy.special": ("erf",)})


@pytest.fixture(scope="module")
def zygote():
    with Zygote() as z:
        yield z


@pytest.fixture
def student(zygote):
    modules = {name: "code.py" for name in FUNCTIONS}
    modules["elsewhere"] = "missing.py"
    with Student({"code.py": CODE}, modules, zygote, call_seconds=1.0, policy=ERF) as s:
        yield s


def test_a_call_returns_an_exact_array_and_what_the_worker_saw(student) -> None:
    call = student.call("double", [1.0, 2.5])
    assert type(call.value) is np.ndarray
    assert call.value.tolist() == [2.0, 5.0]
    assert call.type_name == "numpy.ndarray"
    assert call.fp_errors == () and call.modified == ()


def test_modifying_an_argument_is_reported(student) -> None:
    x = np.arange(3.0)
    call = student.call("in_place", x)
    assert call.modified == (0,)
    assert x.tolist() == [0.0, 1.0, 2.0]  # the trusted side's copy is untouched


def test_floating_point_errors_are_reported_without_failing_the_call(student) -> None:
    call = student.call("naive_sigmoid", np.array([-1000.0, 0.0]))
    assert call.fp_errors == ("overflow",)
    assert call.value.tolist() == [0.0, 0.5]


def test_the_line_counter_sees_a_python_loop_over_elements(student) -> None:
    small = student.call("looped", np.ones(10), trace=True).events
    large = student.call("looped", np.ones(1000), trace=True).events
    flat = student.call("double", np.ones(1000), trace=True).events
    assert large - small > 900
    assert flat == student.call("double", np.ones(10), trace=True).events


def test_a_hanging_function_times_out_once_and_fails_fast_afterwards(student) -> None:
    with pytest.raises(errors.StudentTimeout, match="did not finish within 1 s"):
        student.call("hangs", 1.0)
    restarts = student.restarts
    with pytest.raises(errors.StudentTimeout, match="not run again"):
        student.call("hangs", 1.0)
    assert student.restarts == restarts  # refused here: no worker was started to run it
    assert student.call("double", 1.0).value == 2.0  # a new worker took over


def test_a_worker_that_exits_is_reported_and_replaced(student) -> None:
    with pytest.raises(errors.WorkerCrashed, match="exited with code 7"):
        student.call("exits", 1.0)
    assert student.call("double", 2.0).value == 4.0
    assert student.restarts == 1


def test_exceptions_become_bounded_messages_with_the_student_line(student) -> None:
    with pytest.raises(errors.StudentRaised) as info:
        student.call("raises", 1.0)
    assert info.value.type_name == "ValueError"
    assert "code.py line" in info.value.message and "raise ValueError" in info.value.message
    assert len(info.value.message) < 1200
    with pytest.raises(errors.StudentRaised, match="unfinished is not implemented yet"):
        student.call("unfinished", 1.0)


def test_what_the_student_prints_is_never_read(student) -> None:
    assert student.call("chatty", 1.0).value.tolist() == [0.0]
    assert student.call("double", 1.0).value == 2.0


def test_missing_functions_and_files_are_named(student) -> None:
    with pytest.raises(errors.MissingFunction, match="absent is not defined in code.py"):
        student.call("absent", 1.0)
    with pytest.raises(errors.MissingFunction, match="not_callable is not defined"):
        student.call("not_callable", 1.0)
    with pytest.raises(errors.MissingFunction, match="missing.py is missing"):
        student.call("elsewhere", 1.0)


def test_generators_are_built_in_the_worker_from_a_seed(student) -> None:
    first = student.call("draws", 3, 2, Rng(5), global_seed=1).value
    again = student.call("draws", 3, 2, Rng(5), global_seed=2).value
    assert np.array_equal(first, again)
    assert np.array_equal(first, np.random.default_rng(5).standard_normal((3, 2)))
    one = student.call("global_draws", 3, 2, Rng(5), global_seed=1).value
    two = student.call("global_draws", 3, 2, Rng(5), global_seed=2).value
    assert not np.array_equal(one, two)


def test_objects_that_are_not_data_come_back_as_descriptions(student) -> None:
    value = student.call("weird", 1.0).value
    assert isinstance(value, Other) and value.dtype == "object"


def test_library_implementations_are_not_allowed_but_erf_is(student) -> None:
    with pytest.raises(errors.NotAllowed, match="scipy.special.expit"):
        student.call("uses_expit", 1.0)
    with pytest.raises(errors.NotAllowed, match="torch"):
        student.call("uses_torch", 1.0)
    with pytest.raises(errors.NotAllowed, match="scipy.special.softmax"):
        student.call("swallows", 1.0)  # `except Exception` does not hide it
    assert abs(float(student.call("uses_erf", 1.0).value) - 0.8427007929497149) < 1e-15


def test_only_the_names_the_assignment_allows_are_allowed(zygote) -> None:
    modules = {name: "code.py" for name in FUNCTIONS}
    with Student({"code.py": CODE}, modules, zygote, policy=Policy({})) as student:
        with pytest.raises(errors.NotAllowed, match=r"uses scipy.special.erf: graded code may "
                                                    r"use numpy and math only"):
            student.call("uses_erf", 1.0)
    strict = Policy({"scipy.special": ("ndtr", "no_such_name", "_private")})
    with Student({"code.py": CODE}, modules, zygote, policy=strict) as student:
        with pytest.raises(errors.NotAllowed, match=r"numpy, math and scipy.special.ndtr/"):
            student.call("uses_erf", 1.0)


def test_import_errors_are_remembered_per_file(zygote) -> None:
    files = {"broken.py": b"def f(x):\n    return x +\n", "fine.py": b"def g(x):\n    return x\n"}
    with Student(files, {"f": "broken.py", "g": "fine.py"}, zygote) as student:
        for _ in range(2):
            with pytest.raises(errors.ImportFailed, match="broken.py could not be imported: "
                               "SyntaxError"):
                student.call("f", 1)
        assert student.call("g", 4).value == 4


def test_a_file_that_hangs_at_import_times_out_without_blocking_the_others(zygote) -> None:
    files = {"slow.py": b"while True:\n    pass\n", "fine.py": b"def g(x):\n    return x\n"}
    with Student(files, {"f": "slow.py", "g": "fine.py"}, zygote, import_seconds=1) as student:
        with pytest.raises(errors.ImportFailed) as info:
            student.call("f", 1)
        assert info.value.status == "timeout"
        assert student.call("g", 5).value == 5


def test_the_submission_budget_stops_a_slow_submission(zygote) -> None:
    files = {"code.py": CODE}
    with Student(files, {"hangs": "code.py", "double": "code.py"}, zygote, call_seconds=5,
                 submission_seconds=0.5) as student:
        with pytest.raises(errors.StudentTimeout):
            student.call("hangs", 1.0)
        with pytest.raises(errors.StudentTimeout, match="total time budget"):
            student.call("double", 1.0)


def test_workers_do_not_outlive_their_student(zygote) -> None:
    with Student({"code.py": CODE}, {"double": "code.py"}, zygote) as student:
        student.call("double", 1.0)
        pid = student.worker.pid
    assert zygote.status(pid) != "running"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


GREEDY = b'''
import json, os, stat, struct, time
import numpy as np

def _channel():
    """The worker's channel to the grader: the one socket it holds."""
    for name in os.listdir("/proc/self/fd"):
        if stat.S_ISSOCK(os.fstat(int(name)).st_mode):
            return int(name)

def _frame(header):
    data = json.dumps(dict(header, buffers=[])).encode()
    return struct.pack(">I", len(data)) + data

def scaled(x, factor):
    return np.ones(int(factor * np.asarray(x).size))

def pieces(x):
    return [np.ones(1 << 17) for _ in range(20)]  # 20 arrays of 1 MiB

def long_message(x):
    os.write(_channel(), _frame({"raised": {"type": "E" * 100_000, "message": "m" * 800_000,
                                            "where": [["a.py", 1, "f", "w" * 50_000]]}}))
    os._exit(0)

def huge_header(x):
    os.write(_channel(), struct.pack(">I", 2 << 20) + b"{" * 1000)
    time.sleep(60)

def deep_header(x):
    os.write(_channel(), struct.pack(">I", 500_000) + b"[" * 500_000)
    os._exit(0)

def trickle(x):
    channel = _channel()
    for byte in _frame({"ok": True, "value": {"k": "none"}, "type": "x" * 100}):
        os.write(channel, bytes([byte]))
        time.sleep(0.1)
'''


@pytest.fixture
def greedy(zygote):
    names = ["scaled", "pieces", "long_message", "huge_header", "deep_header", "trickle"]
    with Student({"greedy.py": GREEDY}, dict.fromkeys(names, "greedy.py"), zygote,
                 call_seconds=2.0) as s:
        yield s


def test_a_reply_is_capped_by_what_an_answer_to_its_input_can_need() -> None:
    assert result_cap(0) == result_cap(1 << 20) == RESULT_FLOOR == 16 << 20
    assert result_cap(2 << 20) == 32 << 20  # 16 times the input (complex128 from bools)
    assert result_cap(1 << 30) == RESULT_CAP == 256 << 20


def test_a_result_over_its_cap_is_refused_and_its_worker_replaced(greedy) -> None:
    x = np.ones(1 << 18)  # 2 MiB: up to 32 MiB may come back
    assert greedy.call("scaled", x, 12).value.nbytes == 24 << 20
    with pytest.raises(errors.WorkerCrashed, match=re.escape(
            "scaled(...) returned 40 MiB of arrays; at most 32 MiB is accepted for this "
            "input, so the result was refused unread")):
        greedy.call("scaled", x, 20)
    with pytest.raises(errors.WorkerCrashed, match="returned 20 MiB of arrays; at most 16 MiB"):
        greedy.call("pieces", 1.0)  # the arrays of a reply count together
    assert greedy.call("scaled", 1.0, 3).value.tolist() == [1.0, 1.0, 1.0]
    assert greedy.restarts == 2


def test_forged_texts_reach_the_student_capped(greedy) -> None:
    with pytest.raises(errors.StudentRaised) as info:
        greedy.call("long_message", 1.0)
    assert len(info.value.message) < 1200 and len(info.value.type_name) <= 100


def test_a_forged_header_over_the_cap_or_too_deep_is_refused(greedy) -> None:
    with pytest.raises(errors.WorkerCrashed, match="header of 2097152 bytes exceeds the cap"):
        greedy.call("huge_header", 1.0)
    with pytest.raises(errors.WorkerCrashed, match="header is not JSON"):
        greedy.call("deep_header", 1.0)


def test_a_reply_trickled_a_byte_at_a_time_times_out_at_the_calls_deadline(greedy) -> None:
    with pytest.raises(errors.StudentTimeout, match="did not finish within 2 s"):
        greedy.call("trickle", 1.0)


def test_replies_left_in_reference_cycles_are_swept_before_they_pile_up(greedy) -> None:
    x = np.ones(1 << 17)  # 1 MiB: up to 16 MiB may come back
    replies = []
    gc.disable()  # as when the collector has not come by: the sweeps are the proxy's
    try:
        for _ in range(12):
            value = greedy.call("scaled", x, 15).value  # 15 MiB
            cycle: list = [value]
            cycle.append(cycle)  # as a check keeping an exception in a local does
            replies.append(weakref.ref(value))
            del value, cycle
            held = sum(ref() is not None for ref in replies) * (15 << 20)
            assert held <= SWEEP.most
    finally:
        gc.enable()
