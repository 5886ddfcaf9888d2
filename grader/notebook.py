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
  anything either, so this is what the student saw. So is a cell nested too deeply
  for Python's parser (``y = ----...1``), one nested more than ``NESTING_CAP`` levels,
  and one holding text that is not valid Unicode (a lone surrogate).
* **Which file.** Each graded function goes into the file the rubric says defines
  it. Everything else -- imports, helpers, constants, other statements -- goes
  into every file, in notebook order. Statements other than imports, ``def`` and
  ``class`` are guarded (an exception there is ignored), so exploration such as
  ``y = relu(x)`` cannot stop a file from importing. At the end of each file,
  each graded function of another file that the file uses is imported from that
  file (at the end, so files may use each other's functions, as in a notebook).
  Every file is compiled here before the worker gets it; a statement that keeps
  its file from compiling (``return`` outside a function) is left out with a note.

An unreadable notebook (not a regular file, not JSON, not nbformat 4, over the size
cap, JSON nested too deeply, too many JSON values, more than ``CODE_CAP`` characters
of code) raises :class:`~grader.submission.SubmissionReadError`; a notebook that
defines none of the graded functions too. Reading is linear in the notebook's size:
no regular expression runs over student text, and the code parsed is capped.
"""

from __future__ import annotations

import ast
import json
import os
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.settings import Settings
from grader.submission import (
    FILE_CAP,
    Submission,
    SubmissionReadError,
    capped,
    one_line,
    open_regular,
    read_at_most,
    shown,
)

NOTEBOOK_CAP = 32 << 20  # bytes of one .ipynb (plots make notebooks large)
VALUE_CAP = 4_000_000  # JSON values of one .ipynb (commas and brackets), to bound its memory
CODE_CAP = 256 << 10  # characters of code in all cells, not counting whitespace
NESTING_CAP = 500  # levels of the syntax tree of one cell (Python's compiler manages ~2900)
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
_TARGET = frozenset(".,[]()*_")  # with letters, digits and spaces: what `x = !ls` assigns to
_WHITESPACE = " \t\n\r\f\v"


@dataclass(frozen=True)
class Cell:
    """One code cell: ``answer`` cells are the student's, the others the instructor's."""

    number: int  # 1-based position among the notebook's cells, for messages
    source: str
    answer: bool = True


# --- reading the notebook --------------------------------------------------------


def read_notebook(path: Path, submission: Submission,
                  functions: Mapping[str, str] | None = None, *,
                  follow_links: bool = True) -> None:
    """Fill ``submission.files`` from the notebook at ``path`` (see the module text):
    each graded function's cells go to its file (``functions``: function -> file; default:
    the default assignment's).

    ``follow_links``: whether ``path`` may be a symbolic link. The file must be a
    regular file (a FIFO or a device is refused without blocking); at most
    NOTEBOOK_CAP + 1 bytes are read, whatever its size appears to be."""
    name = shown(path.name)
    fd = open_regular(path, follow_links)
    try:
        size = os.fstat(fd).st_size
        if size > NOTEBOOK_CAP:
            raise SubmissionReadError(
                f"{name} is {size} bytes; a notebook may be at most {NOTEBOOK_CAP} bytes "
                "(clear the outputs of large plots before handing it in)")
        data = read_at_most(fd, NOTEBOOK_CAP)
    finally:
        os.close(fd)
    if len(data) > NOTEBOOK_CAP:
        raise SubmissionReadError(
            f"{name} is more than {NOTEBOOK_CAP} bytes; a notebook may be at most "
            f"{NOTEBOOK_CAP} bytes (clear the outputs of large plots before handing it in)")
    notebook = parse(data, name)
    files, notes = to_files(code_cells(notebook), functions or Settings().rubric().files, name)
    for file, text in files.items():
        if len(text) > FILE_CAP:
            raise SubmissionReadError(
                f"the code of {name} for {file} is {len(text)} bytes; at most {FILE_CAP}")
        submission.files[file] = text
    submission.notes.extend(notes)


def parse(data: bytes, name: str) -> dict[str, Any]:
    """The notebook's JSON, checked to be nbformat 4 with a list of cells."""
    values = data.count(b",") + data.count(b"[") + data.count(b"{")
    if values > VALUE_CAP:
        raise SubmissionReadError(
            f"{name} holds too many values ({values} commas and brackets; at most "
            f"{VALUE_CAP}): clear its outputs and hand it in again")
    try:
        notebook = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise SubmissionReadError(
            f"{name} is not a readable notebook: its JSON is nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise SubmissionReadError(
            f"{name} is not a readable notebook: it is not valid JSON ({one_line(str(exc))}). "
            "Was it saved from Jupyter, and not renamed from another kind of file?") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise SubmissionReadError(f"{name} is not a Jupyter notebook: it has no list of cells")
    version = notebook.get("nbformat")
    if version != 4:
        raise SubmissionReadError(
            f"{name} is a notebook in format {shown(reprlib.repr(version))}; only format 4 "
            "(Jupyter 4 and later) is read. Open it in a current Jupyter and save it again.")
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
    """A cell's source: a string, or a list of strings (anything else is no code)."""
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


# --- from cells to files ------------------------------------------------------------


@dataclass
class _Statement:
    source: str
    defines: str | None = None  # the graded function a def defines, if any
    cell: int = 0
    names: frozenset[str] = frozenset()  # every name it mentions
    line: int = 0  # its first line in the cell, for notes


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
    code = 0
    for cell in cells:
        code += len(cell.source) - sum(map(cell.source.count, _WHITESPACE))
        if code > CODE_CAP:
            raise SubmissionReadError(
                f"{name} holds more than {CODE_CAP} characters of code (not counting "
                "whitespace); hand in the code the assignment asks for")
        tree, source, problem = _cell_tree(cell)
        if tree is None:
            notes.append(f"{name}: cell {cell.number} left out: {problem}")
            continue
        lines = python_lines(source)
        for node in tree.body:
            try:
                statement = _keep(node, lines, cell.answer, files_of, own_modules, futures)
            except (RecursionError, MemoryError):
                notes.append(f"{name}: cell {cell.number}: the statement at line {node.lineno} "
                             "left out: it is nested too deeply to be copied into a file")
                continue
            if statement is not None:
                statement.cell, statement.line = cell.number, node.lineno
                statements.append(statement)
    unknown = [f for f in futures if _compile_error(f"from __future__ import {f}")]
    if unknown:
        notes.append(f"{name}: 'from __future__ import {', '.join(unknown)}' left out: "
                     "no such feature")
        futures = [f for f in futures if f not in unknown]
    defined = {s.defines for s in statements if s.defines}
    if not defined:
        raise SubmissionReadError(
            f"{name} defines none of the functions to grade ({', '.join(files_of)}); "
            "write each one in its answer cell")
    files = _compiled_files(statements, futures, files_of, name, notes)
    return files, capped(notes)


def _cell_tree(cell: Cell) -> tuple[ast.Module | None, str, str]:
    """The cell's syntax tree and its source without IPython syntax; or None and why
    the cell is left out."""
    try:
        cell.source.encode("utf-8")
    except UnicodeEncodeError:
        return None, "", ("it holds text that is not valid Unicode (a lone surrogate such as "
                          "\\ud800), which Python cannot run")
    source, skipped = strip_ipython(cell.source)
    if skipped:
        return None, source, skipped
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return None, source, (f"it has a syntax error (line {exc.lineno}: {exc.msg}), so "
                              "nothing it defines is graded")
    except (RecursionError, MemoryError):
        return None, source, ("it is nested too deeply for Python's parser, so nothing it "
                              "defines is graded")
    except ValueError as exc:  # a null byte (a SyntaxError from Python 3.12 on)
        return None, source, f"it cannot be parsed ({one_line(str(exc))})"
    if _too_deep(tree):
        return None, source, (f"it is nested more than {NESTING_CAP} levels deep, so nothing "
                              "it defines is graded")
    return tree, source, ""


def _too_deep(tree: ast.AST) -> bool:
    """Whether ``tree`` is more than NESTING_CAP levels deep (without recursion)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > NESTING_CAP:
            return True
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False


def python_lines(text: str) -> list[str]:
    """The lines of ``text`` as Python counts them (only ``\\n``, ``\\r\\n`` and ``\\r``
    end a line; ``str.splitlines`` also splits at form feeds and U+2028)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def strip_ipython(source: str) -> tuple[str, str]:
    """``source`` without IPython syntax, and why the whole cell is skipped ("" if not).

    Linear in the length of ``source``: plain string operations, no regular expression
    that could backtrack over a long line of spaces."""
    lines = python_lines(source)
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%"):
        magic = first[2:].split(None, 1)[0] if first[2:].strip() else ""
        if magic not in PYTHON_CELL_MAGICS:
            return "", f"a %%{magic} cell magic is not Python code"
        start = next(i for i, line in enumerate(lines) if line.strip())
        lines = lines[start + 1:]
    out = []
    for line in lines:
        indent = _ipython_indent(line)
        out.append(line if indent is None else f"{indent}pass")
    return "\n".join(out) + "\n", ""


def _ipython_indent(line: str) -> str | None:
    """The indentation of ``line`` if it is IPython syntax (``%magic``, ``!shell``,
    ``x = !shell``, ``x = %time f()``, ``obj?``, ``obj??``), None if it is Python."""
    code = line.lstrip()
    indent = line[:len(line) - len(code)]
    if code[:1] in ("%", "!", "?"):
        return indent
    target, equals, value = code.partition("=")
    if equals and target and value.lstrip()[:1] in ("%", "!") \
            and all(c.isalnum() or c.isspace() or c in _TARGET for c in target):
        return indent
    code = code.rstrip()
    name = code.rstrip("?")
    if name and len(code) - len(name) in (1, 2) and all(c.isalnum() or c in "._" for c in name):
        return indent
    return None


def _keep(node: ast.stmt, lines: Sequence[str], answer: bool, files_of: Mapping[str, str],
          own_modules: set[str], futures: list[str]) -> _Statement | None:
    """What of one top-level statement goes into the files (None: nothing)."""
    if isinstance(node, ast.ImportFrom) and node.module == "__future__":
        futures.extend(a.name for a in node.names if a.name not in futures)
        return None
    if isinstance(node, ast.Import | ast.ImportFrom):
        if _imports_own_file(node, own_modules):
            return None
        return _statement(_segment(node, lines), node)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        graded = node.name if node.name in files_of and not isinstance(node, ast.ClassDef) \
            else None
        return _statement(_segment(node, lines), node, graded)
    if isinstance(node, ast.Expr | ast.Assert | ast.Pass):
        return None  # exploration and self-checks: they define nothing
    if not answer:
        return _statement(_segment(node, lines), node) if _is_constant(node) else None
    graded = _assigns_graded(node, files_of)
    if _is_constant(node):
        return _statement(_segment(node, lines), node, graded)
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


def _segment(node: ast.stmt, lines: Sequence[str]) -> str:
    """The statement's own lines (comments kept), or its unparsed form when it shares
    a line with another statement (``a = 1; b = 2``)."""
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    end = node.end_lineno or node.lineno
    own = lines[start - 1:end]
    first_col = min([node.col_offset, *(d.col_offset - 1 for d in decorators)])
    after = own[-1].encode("utf-8")[node.end_col_offset or 0:]  # offsets count UTF-8 bytes
    if first_col != 0 or b";" in after.split(b"#")[0]:
        return ast.unparse(node)
    return "\n".join(own)


def _compiled_files(statements: list[_Statement], futures: list[str],
                    files_of: Mapping[str, str], name: str, notes: list[str]
                    ) -> dict[str, bytes]:
    """The files' text, each compiled here as the worker will compile it. A statement
    that does not compile on its own is left out with a note (tried only when a file
    fails: compiling each statement alone costs more than compiling the files)."""
    for attempt in range(2):
        texts = {file: _file_text(file, statements, futures, files_of)
                 for file in dict.fromkeys(files_of.values())}
        failed = next((f for f, text in texts.items() if _compile_error(text) is not None), None)
        if failed is None:
            return {file: text.encode("utf-8") for file, text in texts.items()}
        if attempt:
            break
        kept = []
        for statement in statements:
            problem = _compile_error(statement.source)
            if problem is None:
                kept.append(statement)
            else:
                notes.append(f"{name}: cell {statement.cell}: the statement at line "
                             f"{statement.line} left out: {problem}")
        statements[:] = kept
    raise SubmissionReadError(f"the code of {name} for {failed} does not compile: "
                              f"{_compile_error(texts[str(failed)])}")


def _compile_error(text: str) -> str | None:
    """Why ``text`` does not compile (None: it does)."""
    try:
        compile(text, "<notebook>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"it does not compile ({exc.msg})"
    except (RecursionError, MemoryError):
        return "it is nested too deeply to compile"
    except ValueError as exc:
        return f"it does not compile ({one_line(str(exc))})"
    return None


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
