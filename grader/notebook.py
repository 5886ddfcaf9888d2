"""Notebooks as submissions: the code of a notebook's cells, mapped to the student files.

A student who works in a Jupyter notebook hands in one ``.ipynb``; the hidden suites
expect the assignment's files (``activations.py``, ``derivatives.py``, ...). This
module turns the one into the other, on the trusted side, without running anything:

* **Which cells.** In a notebook with nbgrader metadata, the student's *answer*
  cells (``nbgrader.solution`` true) are taken whole, and from the instructor's
  other code cells (set-up, plots) only imports, ``def``/``class`` blocks and
  constants (``NAME = <literal>``) are taken -- the answers rely on them. The
  autograder test cells are never taken. Without nbgrader metadata every code cell
  is an answer cell.
* **What of a cell.** IPython syntax is removed first: a ``%%`` cell magic drops
  the cell (``%%time``, ``%%timeit``, ``%%capture`` and ``%%prun`` keep their body),
  and ``%magic``, ``!shell``, ``x = !shell`` and ``obj?`` lines become ``pass``. Then
  top-level expression statements and ``assert``s are dropped: they are
  exploration and self-checks (``relu(np.arange(3))``, ``plt.plot(...)``) and
  define nothing. Imports of the assignment's own files are dropped too (in a
  notebook everything shares one namespace).
* **A cell that does not parse** is left out and the submission's notes say so;
  the rest is graded. In the notebook's kernel that cell would not have defined
  anything either, so this is what the student saw.
* **Which file.** Each graded function goes into the file the rubric says defines
  it. Everything else -- imports, helpers, constants, other statements -- goes
  into every file, in notebook order. Statements other than imports, ``def`` and
  ``class`` are guarded (an exception there is ignored), so exploration such as
  ``y = relu(x)`` cannot stop a file from importing. At the end of each file,
  each graded function of another file that the file uses is imported from that
  file (at the end, so files may use each other's functions, as in a notebook).

An unreadable notebook (not JSON, not nbformat 4, over the size cap) raises
:class:`~grader.submission.SubmissionReadError`; a notebook that defines none of
the graded functions too.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.settings import Settings
from grader.submission import FILE_CAP, Submission, SubmissionReadError

NOTEBOOK_CAP = 32 << 20  # bytes of one .ipynb (plots make notebooks large)
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
_MAGIC_LINE = re.compile(r"^(\s*)(?:[%!?]|[\w.,\s\[\]()*]+=\s*[%!])")
_HELP_LINE = re.compile(r"^(\s*)[\w.]+\?{1,2}\s*$")


@dataclass(frozen=True)
class Cell:
    """One code cell: ``answer`` cells are the student's, the others the instructor's."""

    number: int  # 1-based position among the notebook's cells, for messages
    source: str
    answer: bool = True


# --- reading the notebook --------------------------------------------------------


def read_notebook(path: Path, submission: Submission) -> None:
    """Fill ``submission.files`` from the notebook at ``path`` (see the module text)."""
    try:
        size = path.stat().st_size
        if size > NOTEBOOK_CAP:
            raise SubmissionReadError(
                f"{path.name} is {size} bytes; a notebook may be at most {NOTEBOOK_CAP} bytes "
                "(clear the outputs of large plots before handing it in)")
        data = path.read_bytes()
    except OSError as exc:
        raise SubmissionReadError(f"cannot read {path.name}: {exc}") from None
    notebook = parse(data, path.name)
    files, notes = to_files(code_cells(notebook), Settings().rubric().files, path.name)
    for name, text in files.items():
        if len(text) > FILE_CAP:
            raise SubmissionReadError(
                f"the code of {path.name} for {name} is {len(text)} bytes; at most {FILE_CAP}")
        submission.files[name] = text
    submission.notes.extend(notes)


def parse(data: bytes, name: str) -> dict[str, Any]:
    """The notebook's JSON, checked to be nbformat 4 with a list of cells."""
    try:
        notebook = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SubmissionReadError(
            f"{name} is not a readable notebook: it is not valid JSON ({exc}). Was it saved "
            "from Jupyter, and not renamed from another kind of file?") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise SubmissionReadError(f"{name} is not a Jupyter notebook: it has no list of cells")
    version = notebook.get("nbformat")
    if version != 4:
        raise SubmissionReadError(
            f"{name} is a notebook in format {version!r}; only format 4 (Jupyter 4 and later) "
            "is read. Open it in a current Jupyter and save it again.")
    return notebook


def code_cells(notebook: Mapping[str, Any]) -> list[Cell]:
    """The code cells to grade, in order (see the module text for which)."""
    cells = [c for c in notebook["cells"] if isinstance(c, dict)]
    graded_notebook = any(isinstance(_nbgrader(c), dict) for c in cells)
    taken = []
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        meta = _nbgrader(cell) if graded_notebook else {}
        if not isinstance(meta, dict):
            meta = {}
        if meta.get("grade") and not meta.get("solution"):
            continue  # an autograder test cell: the instructor's, never graded code
        answer = bool(meta.get("solution")) or not graded_notebook
        taken.append(Cell(number, _text(cell.get("source", "")), answer))
    return taken


def _nbgrader(cell: Mapping[str, Any]) -> Any:
    meta = cell.get("metadata")
    return meta.get("nbgrader") if isinstance(meta, dict) else None


def _text(source: Any) -> str:
    if isinstance(source, list):
        return "".join(str(part) for part in source)
    return str(source)


# --- from cells to files ------------------------------------------------------------


@dataclass
class _Statement:
    source: str
    defines: str | None = None  # the graded function a def defines, if any
    cell: int = 0
    names: frozenset[str] = frozenset()  # every name it mentions


def _statement(source: str, node: ast.AST, defines: str | None = None) -> _Statement:
    names = frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
    return _Statement(source, defines, names=names)


def to_files(cells: Iterable[Cell], files_of: Mapping[str, str], name: str = "the notebook"
             ) -> tuple[dict[str, bytes], list[str]]:
    """The student files the cells amount to, and notes on cells left out.

    ``files_of`` maps each graded function to the file that defines it.
    """
    own_modules = {f.removesuffix(".py") for f in files_of.values()}
    statements: list[_Statement] = []
    futures: list[str] = []
    notes: list[str] = []
    for cell in cells:
        source, skipped = strip_ipython(cell.source)
        if skipped:
            notes.append(f"{name}: cell {cell.number} left out: {skipped}")
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            notes.append(f"{name}: cell {cell.number} left out: it has a syntax error "
                         f"(line {exc.lineno}: {exc.msg}), so nothing it defines is graded")
            continue
        kept = [_keep(node, source, cell.answer, files_of, own_modules, futures)
                for node in tree.body]
        for statement in kept:
            if statement is not None:
                statement.cell = cell.number
                statements.append(statement)
    defined = {s.defines for s in statements if s.defines}
    if not defined:
        raise SubmissionReadError(
            f"{name} defines none of the functions to grade ({', '.join(files_of)}); "
            "write each one in its answer cell")
    files = {}
    for file in dict.fromkeys(files_of.values()):
        files[file] = _file_text(file, statements, futures, files_of).encode("utf-8")
    return files, notes


def strip_ipython(source: str) -> tuple[str, str]:
    """``source`` without IPython syntax, and why the whole cell is skipped ("" if not)."""
    lines = source.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%"):
        magic = first[2:].split(None, 1)[0] if first[2:].strip() else ""
        if magic not in PYTHON_CELL_MAGICS:
            return "", f"a %%{magic} cell magic is not Python code"
        start = next(i for i, line in enumerate(lines) if line.strip())
        lines = lines[start + 1:]
    out = []
    for line in lines:
        match = _MAGIC_LINE.match(line) or _HELP_LINE.match(line)
        out.append(f"{match.group(1)}pass" if match else line)
    return "\n".join(out) + "\n", ""


def _keep(node: ast.stmt, source: str, answer: bool, files_of: Mapping[str, str],
          own_modules: set[str], futures: list[str]) -> _Statement | None:
    """What of one top-level statement goes into the files (None: nothing)."""
    if isinstance(node, ast.ImportFrom) and node.module == "__future__":
        futures.extend(a.name for a in node.names if a.name not in futures)
        return None
    if isinstance(node, ast.Import | ast.ImportFrom):
        if _imports_own_file(node, own_modules):
            return None
        return _statement(_segment(node, source), node)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        graded = node.name if node.name in files_of and not isinstance(node, ast.ClassDef) \
            else None
        return _statement(_segment(node, source), node, graded)
    if isinstance(node, ast.Expr | ast.Assert | ast.Pass):
        return None  # exploration and self-checks: they define nothing
    if not answer:
        return _statement(_segment(node, source), node) if _is_constant(node) else None
    graded = _assigns_graded(node, files_of)
    if _is_constant(node):
        return _statement(_segment(node, source), node, graded)
    guarded = ast.Try(body=[node], handlers=[ast.ExceptHandler(
        type=ast.Name("BaseException", ast.Load()), name=None, body=[ast.Pass()])],
        orelse=[], finalbody=[])
    return _statement(ast.unparse(ast.fix_missing_locations(guarded)), node, graded)


def _assigns_graded(node: ast.stmt, files_of: Mapping[str, str]) -> str | None:
    """The graded function ``relu = lambda x: ...`` defines, if it is one."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1 \
            and isinstance(node.targets[0], ast.Name) and node.targets[0].id in files_of:
        return node.targets[0].id
    return None


def _imports_own_file(node: ast.Import | ast.ImportFrom, own_modules: set[str]) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and (node.module or "").partition(".")[0] in own_modules
    return any(a.name.partition(".")[0] in own_modules for a in node.names)


def _is_constant(node: ast.stmt) -> bool:
    """``NAME = <literal>`` (also annotated): safe to run, and answers may rely on it."""
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets, value = [node.target], node.value
    else:
        return False
    if not all(isinstance(t, ast.Name) for t in targets):
        return False
    try:
        ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _segment(node: ast.stmt, source: str) -> str:
    """The statement's own lines (comments kept), or its unparsed form when it shares
    a line with another statement (``a = 1; b = 2``)."""
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    end = node.end_lineno or node.lineno
    lines = source.splitlines()[start - 1:end]
    first_col = min([node.col_offset, *(d.col_offset - 1 for d in decorators)])
    if first_col != 0 or ";" in lines[-1][node.end_col_offset or 0:].split("#")[0]:
        return ast.unparse(node)
    return "\n".join(lines)


def _file_text(file: str, statements: Sequence[_Statement], futures: Sequence[str],
               files_of: Mapping[str, str]) -> str:
    own = [s for s in statements if s.defines is None or files_of[s.defines] == file]
    parts = [f"# {file}: generated by the grader from the notebook's code cells"]
    if futures:
        parts.insert(0, f"from __future__ import {', '.join(futures)}")
    cell = 0
    for statement in own:
        if statement.cell != cell:
            cell = statement.cell
            parts.append(f"# --- notebook cell {cell} ---")
        parts.append(statement.source)
    defined = {s.defines for s in own if s.defines}
    used = set().union(*(s.names for s in own))
    for function, other in files_of.items():
        if other != file and function in used and function not in defined:
            module = other.removesuffix(".py")
            parts.append(f"try:  # {function} is written in {other}\n"
                         f"    from {module} import {function}\n"
                         "except ImportError:\n    pass")
    return "\n\n".join(parts) + "\n"
