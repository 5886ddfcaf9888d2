"""Teaching notebooks: the parts an assignment's template is made of, and loading one.

A template is content only: a module with a ``TITLE`` and a sequence ``PARTS`` of the
parts below. It belongs to its assignment (``notebook.py`` in the assignment's folder,
:attr:`grader.assignment.Assignment.notebook_template`) and imports only this module.
``grader nbgrader init`` (:mod:`grader.nbgrader.course`) turns it into an nbgrader
source notebook, taking the code of every answer cell from the assignment's stubs and
the reference solution and the points of every test cell from the manifest, so a
template holds no code that could drift from them.

A template may teach more than one assignment grades: it is filtered by the manifest
when the notebook is built (:func:`select`). An :class:`Answer` for a function the
manifest does not grade is left out, and so is a :class:`Plot` whose code uses a
function of the catalogue that is not graded; a graded function the template has no
:class:`Answer` for gets a plain one (a heading, then its stub).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from grader.errors import GraderError, UsageError


@dataclass(frozen=True)
class Markdown:
    """Explanation between the exercises."""

    text: str


@dataclass(frozen=True)
class Setup:
    """The read-only set-up cell: the stubs' imports and constants, after ``text``."""

    text: str


@dataclass(frozen=True)
class Answer:
    """One graded function: ``text``, its answer cell, then its locked test cell."""

    function: str
    text: str = ""


@dataclass(frozen=True)
class Plot:
    """A read-only, never graded code cell that draws a picture, after ``text``.

    Plots import nothing themselves: the set-up cell's ``plt`` is None when
    matplotlib is missing, and every plot then prints how to install it."""

    text: str
    code: str


Part = Markdown | Setup | Answer | Plot


def load(path: Path) -> ModuleType:
    """The template module at ``path`` (with ``TITLE`` and ``PARTS``), loaded by path.

    The module is registered under a name made from its path, so two assignments'
    templates (both ``notebook.py``) never shadow each other."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"Expected a notebook template but got path={str(path)!r} "
                         "(no such file)")
    digest = hashlib.sha1(str(path.resolve()).encode(), usedforsecurity=False).hexdigest()[:12]
    name = f"_grader_notebook_template_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has one
        raise GraderError(f"cannot load the notebook template {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up by name
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise GraderError(f"the notebook template {path} does not load: "
                          f"{type(exc).__name__}: {exc}") from exc
    parts = getattr(module, "PARTS", None)
    if not isinstance(parts, Sequence) or not all(isinstance(p, Part) for p in parts):
        raise GraderError(f"the notebook template {path} must define PARTS, a sequence of "
                          "Markdown, Setup, Answer and Plot parts")
    return module


def select(parts: Sequence[Part], graded: Sequence[str], files: dict[str, str],
           catalogue: Iterable[str]) -> list[Part]:
    """The parts of a template that an assignment grading ``graded`` shows.

    ``files`` maps each graded function to its student file; ``catalogue`` is every
    function the template may teach (graded or not). Answers for functions that are not
    graded are dropped, and so are plots whose code names such a function; a graded
    function without an answer gets a plain one after the last answer of its file (at
    the end when its file has none). Raises :class:`GraderError` when a function has
    two answers."""
    answered = [p.function for p in parts if isinstance(p, Answer)]
    twice = sorted({f for f in answered if answered.count(f) > 1})
    if twice:
        raise GraderError(f"the notebook template has answer cells given twice: {twice}")
    wanted = set(graded)
    ungraded = (set(catalogue) | set(answered)) - wanted
    kept: list[Part] = []
    for part in parts:
        if isinstance(part, Answer) and part.function not in wanted:
            continue
        if isinstance(part, Plot) and _names(part.code) & ungraded:
            continue
        kept.append(part)
    for function in graded:
        if function in answered:
            continue
        same_file = [i for i, p in enumerate(kept) if isinstance(p, Answer)
                     and files.get(p.function) == files.get(function)]
        at = same_file[-1] + 1 if same_file else len(kept)
        kept.insert(at, Answer(function, f"### `{function}`"))
    return kept


def _names(code: str) -> set[str]:
    """The names a plot's code reads (``sigmoid``, ``np`` ...)."""
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise GraderError(f"a plot of the notebook template does not parse: {exc}") from None
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
