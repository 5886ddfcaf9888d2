"""The in-kernel test cell: what it collects, what it prints, and that it fails closed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.nbgrader.autograde import graded_function
from grader.nbgrader.cell import _Service, grade_function, kernel_cells
from grader.nbgrader.messages import summarize
from grader.nbgrader.service import grade_cells
from grader.notebook import Cell, to_files
from grader.runner import Settings, grade
from grader.sandbox import choose
from grader.submission import Submission

RUBRIC = Settings().rubric()
REFERENCE = Path(__file__).resolve().parents[2] / "reference"
SIGMOID = """import numpy as np

def sigmoid(x):
    x = np.asarray(x)
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    x = x.astype(np.float64)
    e = np.exp(-np.abs(x))
    return (np.where(x >= 0, 1.0, e) / (1.0 + e)).astype(dtype)
"""


@pytest.fixture
def shell() -> Iterator:
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    shell = InteractiveShell.instance(config=config)
    yield shell
    InteractiveShell.clear_instance()


def test_the_kernels_cells_are_collected_as_answers_and_instructor_cells(shell) -> None:
    shell.run_cell("import numpy as np\nSCALE = 2.0", store_history=True)
    shell.run_cell("def relu(x):\n    return np.maximum(x, 0.0)", store_history=True)
    shell.run_cell("def relu(x):\n    return np.maximum(x, 0.0) * 1.0", store_history=True)
    shell.run_cell("from grader.nbgrader.cell import grade_function\n1", store_history=True)
    cells = kernel_cells(shell.user_ns)
    assert cells == [(False, "import numpy as np\nSCALE = 2.0"),
                     (False, "def relu(x):\n    return np.maximum(x, 0.0)"),
                     (True, "def relu(x):\n    return np.maximum(x, 0.0) * 1.0")]
    files, _ = to_files([Cell(i, s, a) for i, (a, s) in enumerate(cells)], RUBRIC.files)
    code = files["activations.py"].decode()
    assert code.index("* 1.0") > code.index("return np.maximum(x, 0.0)\n")  # last one wins


def test_outside_a_kernel_the_cell_fails_closed_and_writes_nothing_to_stderr(capsys) -> None:
    with pytest.raises(AssertionError, match="relu could not be graded here"):
        grade_function("relu", {})
    assert capsys.readouterr().err == ""


def test_the_grading_process_answers_each_request_with_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where the process makes its zygote's folder
    service = _Service()
    try:
        reply = service.ask({"function": "sigmoid", "cells": [[True, SIGMOID]]})
        assert reply["ok"] and reply["score"] == reply["points"] == 3.5
        assert reply["text"] == "sigmoid: 3.5 / 3.5 points; all 4 checks passed"
        missing = service.ask({"function": "tanh", "cells": [[True, SIGMOID]]})
        assert missing["ok"] and missing["score"] == 0.0
        assert "tanh is not defined in activations.py" in missing["text"]
        assert service.ask({"function": "nope", "cells": []}) == {
            "ok": False, "error": "nope is not graded in activations"}
        assert service.ask({"cells": "garbage"})["ok"] is False
        assert service.alive()
        assert list(tmp_path.glob("grader-site-*"))
    finally:
        service.close()
    assert not list(tmp_path.glob("grader-site-*")), "the grading process left its folder"


KERNEL = """
import sys, time
from grader.nbgrader.cell import _Service
service = _Service()
assert service.ask({"function": "sigmoid", "cells": [[True, sys.argv[1]]]})["ok"]
print(service.process.pid, flush=True)
time.sleep(300)
"""


def test_the_grading_process_outlives_a_signal_to_its_kernels_group_and_then_tidies_up(
        tmp_path: Path) -> None:
    with subprocess.Popen(  # a kernel as jupyter_client starts one: a process group
            [sys.executable, "-c", KERNEL, SIGMOID], cwd=REFERENCE.parent,
            stdout=subprocess.PIPE, env=dict(os.environ, TMPDIR=str(tmp_path)), text=True,
            start_new_session=True) as kernel:
        try:
            assert kernel.stdout is not None and int(kernel.stdout.readline())
            assert list(tmp_path.glob("grader-site-*"))  # the grading process's zygote folder
            os.killpg(kernel.pid, signal.SIGTERM)  # what jupyter_client does on shutdown
            kernel.wait(timeout=60)
        finally:
            kernel.kill()
    deadline = time.monotonic() + 60  # its input closed: it ends, closing its zygote
    while list(tmp_path.glob("grader-site-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not list(tmp_path.glob("grader-site-*")), "the grading process left its folder"


def test_grading_one_function_gives_its_score_in_the_whole_submission() -> None:
    source = "\n".join(
        (REFERENCE / f).read_text().replace("from .activations import", "from activations import")
        for f in ("activations.py",))
    source = source.replace("return _result(np.maximum(x64, 0.0), out)",
                            "return _result(np.maximum(x64, 0.0) + (x64 == 0), out)")  # relu(0)=1
    cells = [Cell(1, source)]
    sandbox = choose("auto")
    files, notes = to_files(cells, RUBRIC.files)
    whole = grade(Submission("s", Path("s.ipynb"), files, notes=notes), Settings(sandbox=sandbox))
    for function in ("sigmoid", "relu", "gelu", "softmax"):
        one = grade_cells("activations", function, cells, sandbox)
        assert one["score"] == summarize(function, whole["tests"]).score, function
    assert grade_cells("activations", "relu", cells, sandbox)["score"] < 2.5


def test_a_result_reads_as_partial_credit_and_never_exceeds_the_points() -> None:
    tests = [
        {"name": "relu_grad: values", "function": "relu_grad", "score": 0.875,
         "max_score": 0.875, "status": "passed", "feedback": ""},
        {"name": "relu_grad: follows the kink", "function": "relu_grad", "score": 0.0,
         "max_score": 0.5, "status": "failed",
         "feedback": "relu_grad: wrong at x = 0.0\nhint: use x > 0"},
        {"name": "relu_grad: stable", "function": "relu_grad", "score": 0.0,
         "max_score": 0.25, "status": "failed",
         "feedback": "relu_grad: wrong at x = 0.0\nhint: use x > 0"},
        {"name": "relu: values", "function": "relu", "score": 1.25, "max_score": 1.25,
         "status": "passed", "feedback": ""},
    ]
    result = summarize("relu_grad", tests, ["hw.ipynb: cell 4 left out"])
    assert (result.score, result.points, result.full) == (0.875, 1.625, False)
    assert type(result.score) is float
    assert result.text.splitlines() == [
        "relu_grad: 0.875 / 1.625 points",
        "- follows the kink: 0 / 0.5 [failed]",
        "    relu_grad: wrong at x = 0.0",
        "    hint: use x > 0",
        "- stable: 0 / 0.25 [failed]",
        "    (the same as above)",
        "(the other 1 check passed)",
        "note: hw.ipynb: cell 4 left out",
    ]
    rounded_up = [dict(tests[3], score=1.2500001)]
    assert summarize("relu", rounded_up).score == 1.25


def test_the_function_of_a_test_cell_is_read_from_its_call() -> None:
    assert graded_function("from grader.nbgrader.cell import grade_function\n"
                           "grade_function('relu', globals())") == "relu"
    assert graded_function("assert relu(1) == 1") is None
    assert graded_function("def (") is None


def test_a_cell_the_parser_cannot_read_names_no_function_and_raises_nothing() -> None:
    from grader.nbgrader.autograde import defined_functions

    deep = "y = " + "-" * 200_000 + "1\n"  # too deep for the parser
    for source in (deep, "def relu(x):\n    return '\0'\n", "x = '\ud800'\x00"):
        assert graded_function(source) is None
        assert defined_functions(source) == []
