"""What a notebook's test cell runs: ``grade_function("relu", globals())``.

This is the convenient path, for plain ``nbgrader autograde`` and for students who
run the test cells themselves where the grader is installed. It is **not
cheat-proof**: the student's cells run first in the same kernel and could replace
this module, the display of numbers or the process it talks to. For grades that
count, run ``grader nbgrader autograde``, which never starts a kernel.

How a cell is graded:

1. The notebook's code is collected from the kernel: every cell that defines one of
   the notebook's functions is an answer cell, every other cell run so far
   (set-up, pictures) an instructor's cell, and test cells are left out. The
   cells are mapped to the student files exactly as ``grader grade`` maps a
   notebook (:mod:`grader.notebook`).
2. A separate grading process (:mod:`grader.nbgrader.service`, started by the first
   test cell and kept for the next ones) grades the one function; the student's
   code runs in the engine's worker as always.
3. The cell prints the teaching messages on standard output and its value is the
   score, a plain ``float``: nbgrader reads a number as partial credit. A score of 0
   raises :class:`AssertionError` with the messages instead.

nbgrader gives full marks to a test cell whose output it cannot read, and 0 to one
that writes anything to standard error. So this module fails closed: warnings are
silenced, the grading process's standard error is discarded, any failure raises
(0 points), and the value is never a numpy number (whose text nbgrader cannot read).
"""

from __future__ import annotations

import inspect
import json
import linecache
import os
import subprocess
import sys
import tempfile
import threading
import types
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

TEST_CELL_MARK = "from grader.nbgrader.cell import grade_function"
REPLY_SECONDS = 100.0  # below the course's 120 s per cell (nbgrader_config.py)
GRADER_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the `grader` package


def grade_function(function: str, namespace: Mapping[str, Any] | None = None,
                   assignment: str = "activations") -> float:
    """Grade ``function`` as the notebook in this kernel defines it; return its points."""
    __tracebackhide__ = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            cells = kernel_cells(namespace if namespace is not None else _caller_globals())
            reply = _service().ask({"assignment": assignment, "function": function,
                                    "cells": cells})
            if not reply.get("ok"):
                raise RuntimeError(str(reply.get("error", "no reply")))
            score, text = float(reply["score"]), str(reply["text"])
        except Exception as exc:  # noqa: BLE001 - fail closed: no score without a grade
            raise AssertionError(
                f"{function} could not be graded here ({type(exc).__name__}: {exc}); this "
                "cell scores 0. Your instructor's `grader nbgrader autograde` grades "
                "without a kernel.") from None
    if score <= 0:
        raise AssertionError(text)
    print(text)
    return float(score)


# --- the notebook's code, from the kernel ----------------------------------------------


def kernel_cells(namespace: Mapping[str, Any]) -> list[tuple[bool, str]]:
    """The cells run so far, oldest first, as ``(answer, source)`` pairs."""
    history = _history()
    answers = set()
    for value in list(namespace.values()):
        index = _defining_cell(value, history)
        if index is not None:
            answers.add(index)
    latest: dict[str, int] = {}
    for index, (_, raw) in enumerate(history):
        if raw.strip() and TEST_CELL_MARK not in raw:
            latest[raw] = index  # a cell run again counts once, where it ran last
    chosen = sorted(set(latest.values()) | answers)
    return [(index in answers, history[index][1]) for index in chosen]


def _history() -> list[tuple[str, str]]:
    """(parsed, raw) source of every cell run in this kernel, in order."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - test cells only run in IPython kernels
        raise RuntimeError("grade_function runs in a Jupyter notebook's test cell") from None
    shell = get_ipython()
    if shell is None:
        raise RuntimeError("grade_function runs in a Jupyter notebook's test cell")
    manager = shell.history_manager
    return list(zip(manager.input_hist_parsed, manager.input_hist_raw, strict=False))


def _defining_cell(value: Any, history: list[tuple[str, str]]) -> int | None:
    """The history index of the cell that defined ``value``, if it is a function of it."""
    if not isinstance(value, types.FunctionType):
        return None
    value = inspect.unwrap(value)
    filename = getattr(getattr(value, "__code__", None), "co_filename", "")
    text = "".join(linecache.getlines(filename)).rstrip("\n") if filename else ""
    if not text:
        return None
    for index in range(len(history) - 1, -1, -1):
        if history[index][0].rstrip("\n") == text:
            return index
    return None


def _caller_globals() -> Mapping[str, Any]:
    frame = sys._getframe(2)  # grade_function's caller
    return frame.f_globals


# --- the grading process ----------------------------------------------------------------


class _Service:
    """The grading process, started once per kernel. It runs in a session of its own:
    a signal jupyter_client sends the kernel's process group on shutdown would end it
    before it closed its zygote and removed its folder; it ends by itself (and tidily)
    once the kernel is gone and its input closes."""

    def __init__(self) -> None:
        boot = (f"import sys; sys.path.insert(0, {str(GRADER_ROOT)!r}); "
                "from grader.nbgrader.service import main; main()")
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", boot],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=tempfile.gettempdir(), text=True, encoding="utf-8",
            env=dict(os.environ, PYTHONWARNINGS="ignore"), start_new_session=True,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """Stop the process: once its input closes it ends by itself, closing its zygote
        and removing its folder, as when the kernel exits; killed if it has not in 10 s."""
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(json.dumps(request) + "\n")
        stdin.flush()
        line = _read_line(stdout, REPLY_SECONDS)
        if line is None:
            self.process.kill()
            raise TimeoutError(f"the grading process did not answer within {REPLY_SECONDS:g} s")
        if not line:
            raise RuntimeError("the grading process stopped")
        reply = json.loads(line)
        if not isinstance(reply, dict):
            raise RuntimeError("the grading process gave an unreadable reply")
        return reply


def _read_line(stream: IO[str], seconds: float) -> str | None:
    """One line from ``stream``, or None after ``seconds``."""
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(seconds)
    return found[0] if found else None


_current: _Service | None = None


def _service() -> _Service:
    global _current
    if _current is None or not _current.alive():
        _current = _Service()
    return _current
