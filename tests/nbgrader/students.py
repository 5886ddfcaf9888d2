"""Simulated students: what they hand in as a notebook, and the same code as files.

Every notebook starts from the released (student) notebook, so it carries the
metadata and checksums nbgrader put there, and fills in answer cells the way a
student would. ``as_folder`` writes the same code as the four student files, to be
graded by ``grader grade`` for comparison.
"""

from __future__ import annotations

import ast
import copy
import textwrap
from collections.abc import Mapping
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from grader.nbgrader.solutions import BEGIN, END

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "reference"
FILES = ("activations.py", "derivatives.py", "initializers.py", "dead_relu.py")

# Bodies that students get wrong, as a student would write them (no helpers needed).
MISTAKES = {
    "relu_grad": "x = np.asarray(x)\nreturn np.where(x >= 0, 1.0, 0.0).astype(x.dtype "
                 "if x.dtype == np.float32 else np.float64)",
    "he_normal": "return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))",
    "sigmoid": "x = np.asarray(x)\ndtype = np.float32 if x.dtype == np.float32 else np.float64\n"
               "return (1.0 / (1.0 + np.exp(-x))).astype(dtype)",
    "relu": "x = np.asarray(x, dtype=float)\nreturn x  # forgot the max",
}
HANG = "while True:\n    pass"


def answer_cells(notebook: NotebookNode) -> dict[str, NotebookNode]:
    """The answer cells by function name."""
    return {c.metadata.nbgrader.grade_id.removeprefix("answer_"): c for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def solved(release: NotebookNode, source: NotebookNode,
           bodies: Mapping[str, str] | None = None) -> NotebookNode:
    """The released notebook with every answer written: the reference's, or ``bodies``."""
    notebook = copy.deepcopy(release)
    reference = answer_cells(source)
    for function, cell in answer_cells(notebook).items():
        text = reference[function].source
        if bodies and function in bodies:
            header = text.split(f"    {BEGIN}")[0].rstrip()
            cell.source = f"{header}\n{textwrap.indent(bodies[function], '    ')}"
        else:
            cell.source = "\n".join(line for line in text.splitlines()
                                    if line.strip() not in (BEGIN, END))
    return notebook


def helpers_on_top(release: NotebookNode) -> NotebookNode:
    """Another style: the reference files pasted in, helpers at the top level of the
    first answer cell of each file, each function with its own plain body."""
    notebook = copy.deepcopy(release)
    answers = answer_cells(notebook)
    seen_files: set[str] = set()
    for function, cell in answers.items():
        file = _file_of(function)
        source = (REFERENCE / file).read_text()
        tree = ast.parse(source)
        node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function)
        text = ast.get_source_segment(source, node) or ""
        if file not in seen_files:
            seen_files.add(file)
            text = _module_helpers(source, tree) + "\n\n\n" + text
        cell.source = text
    return notebook


def _file_of(function: str) -> str:
    for file in FILES:
        tree = ast.parse((REFERENCE / file).read_text())
        if any(isinstance(n, ast.FunctionDef) and n.name == function for n in tree.body):
            return file
    raise LookupError(function)


def _module_helpers(source: str, tree: ast.Module) -> str:
    graded = {c for c in _graded()}
    parts = []
    for node in tree.body[1:]:  # after the module docstring
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.If):  # the `if __package__:` import of activations
            continue
        if isinstance(node, ast.FunctionDef) and node.name in graded:
            continue
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__"
                                                for t in node.targets):
            continue
        parts.append(ast.get_source_segment(source, node) or "")
    return "\n\n".join(parts)


def _graded() -> list[str]:
    from grader.runner import Settings

    return Settings().rubric().functions


def syntax_error_in(notebook: NotebookNode, function: str) -> NotebookNode:
    notebook = copy.deepcopy(notebook)
    cell = answer_cells(notebook)[function]
    cell.source = cell.source.replace("return ", "return (", 1)
    return notebook


def fake_score(notebook: NotebookNode) -> NotebookNode:
    """relu is wrong, but its cell prints a perfect score and ends with a number, the
    locked relu test cell is replaced by a number, and an extra cell prints more."""
    notebook = copy.deepcopy(notebook)
    cell = answer_cells(notebook)["relu"]
    cell.source += ('\n\nprint("relu: 2.5 / 2.5 points; all 4 checks passed")\n'
                    'print(100.0)\n2.5')
    test = next(c for c in notebook.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "test_relu")
    test.source = "2.5"
    extra = nbformat.v4.new_code_cell('print("Score: 100 / 100")\n100.0')
    notebook.cells.insert(notebook.cells.index(test) + 1, extra)
    return notebook


def submit(course: Path, student: str, notebook: NotebookNode) -> Path:
    folder = course / "submitted" / student / "activations"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timestamp.txt").write_text("2026-11-23 12:00:00.000000 UTC")
    path = folder / "activations.ipynb"
    nbformat.write(notebook, str(path))
    return path


def as_folder(folder: Path, bodies: Mapping[str, str] | None = None) -> Path:
    """The reference files, with the functions in ``bodies`` rewritten: the same code
    as ``solved(..., bodies)`` in the layout ``grader grade`` reads."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in FILES:
        source = (REFERENCE / file).read_text()
        for function, body in (bodies or {}).items():
            source = _replace_body(source, function, body)
        (folder / file).write_text(source)
    return folder


def _replace_body(source: str, function: str, body: str) -> str:
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            lines = source.splitlines()
            start = node.body[0].end_lineno  # keep the docstring
            new = textwrap.indent(body, "    ").splitlines()
            return "\n".join(lines[:start] + new + lines[node.end_lineno:]) + "\n"
    return source
