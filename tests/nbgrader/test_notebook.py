"""Notebooks as submissions: which code of which cell ends up in which student file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grader.notebook import Cell, code_cells, strip_ipython, to_files
from grader.runner import Settings
from grader.submission import discover, read

FILES_OF = Settings().rubric().files
STUDENT_FILES = sorted(set(FILES_OF.values()))


def notebook(*cells: tuple[str, str, dict[str, Any] | None], nbformat: int = 4) -> dict:
    """A notebook of (cell_type, source, nbgrader metadata or None) triples."""
    return {"nbformat": nbformat, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": kind, "source": source, "metadata": {"nbgrader": meta} if meta else {},
         **({"outputs": [], "execution_count": None} if kind == "code" else {})}
        for kind, source, meta in cells]}


def write(path: Path, content: dict | str) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


ANSWER = {"solution": True, "grade": False, "locked": False, "grade_id": "a"}
TEST = {"solution": False, "grade": True, "locked": True, "grade_id": "t", "points": 1}
GIVEN = {"solution": False, "grade": False, "locked": True, "grade_id": "g"}


def text(files: dict[str, bytes], name: str) -> str:
    return files[name].decode()


def test_each_graded_function_goes_to_its_file_and_helpers_to_every_file() -> None:
    files, notes = to_files([Cell(1, "import numpy as np\n\ndef _f64(x):\n    return "
                                     "np.asarray(x, dtype=float)\n\ndef relu(x):\n    return "
                                     "np.maximum(_f64(x), 0.0)\n\ndef relu_grad(x):\n    "
                                     "return (_f64(x) > 0).astype(float)\n")], FILES_OF)
    assert notes == []
    assert "def relu(" in text(files, "activations.py")
    assert "def relu(" not in text(files, "derivatives.py")
    assert "def relu_grad(" in text(files, "derivatives.py")
    for name in STUDENT_FILES:
        assert "import numpy as np" in text(files, name) and "def _f64(" in text(files, name)


def test_files_use_each_others_functions_and_exploration_never_breaks_them(tmp_path: Path) -> None:
    files, _ = to_files([
        Cell(1, "import numpy as np\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n"),
        Cell(2, "def sigmoid_grad(x):\n    s = sigmoid(x)\n    return s * (1 - s)\n"),
        Cell(3, "y = sigmoid_grad(0.0)  # exploration that uses a function of another file\n"),
    ], FILES_OF)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    done = subprocess.run([sys.executable, "-c", "import derivatives, activations, dead_relu; "
                           "print(derivatives.sigmoid_grad(0.0), hasattr(derivatives, 'y'))"],
                          cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0.25", "False"]  # the exploration ran too early: skipped


def test_ipython_syntax_is_removed_and_exploration_dropped() -> None:
    source, skipped = strip_ipython("%matplotlib inline\n!pip install numpy\nfiles = !ls\n"
                                    "np.exp?\ndef relu(x):\n    %time pass\n    return x\n")
    assert skipped == ""
    assert source.splitlines() == ["pass", "pass", "pass", "pass", "def relu(x):",
                                   "    pass", "    return x"]
    files, _ = to_files([Cell(1, "def relu(x):\n    return x\nrelu(3)\nprint('hi')\n"
                                 "assert relu(1) == 1\n")], FILES_OF)
    assert "relu(3)" not in text(files, "activations.py")
    assert "print" not in text(files, "activations.py")
    assert "assert" not in text(files, "activations.py")


def test_cell_magics_other_than_timing_drop_the_cell_with_a_note() -> None:
    files, notes = to_files([Cell(1, "%%writefile activations.py\nboom = 1\n"),
                             Cell(2, "%%time\ndef relu(x):\n    return x\n")], FILES_OF)
    assert "boom" not in text(files, "activations.py") and "def relu(" in text(files,
                                                                             "activations.py")
    assert notes == ["the notebook: cell 1 left out: a %%writefile cell magic is not Python code"]


def test_a_cell_with_a_syntax_error_is_left_out_and_the_rest_graded() -> None:
    files, notes = to_files([Cell(1, "def relu(x):\n    return x\n"),
                             Cell(2, "def tanh(x):\n    return (x\n")], FILES_OF, "hw.ipynb")
    assert "def relu(" in text(files, "activations.py")
    assert "def tanh(" not in text(files, "activations.py")
    assert notes == ["hw.ipynb: cell 2 left out: it has a syntax error (line 2: '(' was never "
                     "closed), so nothing it defines is graded"]


def test_statements_that_fail_at_import_do_not_stop_the_file(tmp_path: Path) -> None:
    files, _ = to_files([Cell(1, "def relu(x):\n    return x\nfig, ax = plt.subplots()\n"
                                 "data = open('missing.csv').read()\n")], FILES_OF)
    (tmp_path / "activations.py").write_bytes(files["activations.py"])
    subprocess.run([sys.executable, "-c", "import activations; activations.relu(1)"],
                   cwd=tmp_path, check=True)


def test_imports_of_the_assignments_own_files_are_dropped() -> None:
    files, _ = to_files([Cell(1, "from activations import sigmoid\nimport derivatives as d\n"
                                 "import math\ndef relu(x):\n    return x\n")], FILES_OF)
    assert "from activations import sigmoid" not in text(files, "activations.py")
    assert "import derivatives" not in text(files, "activations.py")
    assert "import math" in text(files, "activations.py")


def test_nbgrader_test_cells_are_never_taken_and_given_cells_only_define() -> None:
    cells = code_cells(notebook(
        ("markdown", "# hello", None),
        ("code", "import numpy as np\nSCALE = 2.0\nx = np.ones(3)\nprint(x)", GIVEN),
        ("code", "def relu(x):\n    return x", ANSWER),
        ("code", "assert relu(1) == 1\n1.0", TEST),
    ))
    assert [(c.number, c.answer) for c in cells] == [(2, False), (3, True)]
    files, _ = to_files(cells, FILES_OF)
    assert "SCALE = 2.0" in text(files, "activations.py")
    assert "np.ones" not in text(files, "activations.py")


def test_without_nbgrader_metadata_every_code_cell_is_an_answer() -> None:
    cells = code_cells(notebook(("code", "x = 1", None), ("code", ["def relu(x):\n",
                                                                   "    return x"], None)))
    assert [c.answer for c in cells] == [True, True]
    assert cells[1].source == "def relu(x):\n    return x"


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "is not a readable notebook: it is not valid JSON"),
    ({"cells": "no"}, "is not a Jupyter notebook: it has no list of cells"),
    (notebook(("code", "def relu(x): pass", None), nbformat=3), "only format 4"),
    (notebook(("code", "x = 1", None)), "defines none of the functions to grade"),
])
def test_an_unreadable_notebook_is_an_error_of_that_submission_only(
        tmp_path: Path, content: Any, message: str) -> None:
    write(tmp_path / "ann.ipynb", content)
    write(tmp_path / "bob.ipynb", notebook(("code", "def relu(x):\n    return x", None)))
    ann, bob = discover([tmp_path], STUDENT_FILES)
    assert (ann.id, bob.id) == ("ann", "bob")
    assert message in ann.error and not ann.files
    assert not bob.error and "def relu(" in bob.files["activations.py"].decode()


def test_a_notebook_is_read_like_any_submission(tmp_path: Path) -> None:
    path = write(tmp_path / "cleo.ipynb", notebook(
        ("code", "import numpy as np", None), ("code", "def relu(x):\n  return x", None),
        ("code", "def oops(:\n", None)))
    submission = read(path, STUDENT_FILES)
    assert submission.id == "cleo" and not submission.error
    assert sorted(submission.files) == STUDENT_FILES
    assert submission.notes == ["cleo.ipynb: cell 3 left out: it has a syntax error (line 1: "
                                "invalid syntax), so nothing it defines is graded"]
