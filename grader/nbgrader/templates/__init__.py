"""Teaching notebooks, one template module per assignment.

A template is content only: a title and a sequence of parts. ``grader nbgrader init``
(:mod:`grader.nbgrader.course`) turns it into an nbgrader source notebook, taking
the code of every answer cell from the assignment's stubs and the reference solution
and the points of every test cell from the rubric, so a template holds no code
that could drift from them. The template of assignment ``NAME`` is the module
``grader.nbgrader.templates.NAME``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from grader.errors import UsageError


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


def load(assignment: str) -> ModuleType:
    """The template module of ``assignment`` (with ``TITLE`` and ``PARTS``)."""
    try:
        module = importlib.import_module(f"{__name__}.{assignment}")
    except ModuleNotFoundError:
        raise UsageError(f"Expected an assignment with a notebook template but got "
                         f"assignment={assignment!r} (there is no module "
                         f"{__name__}.{assignment})") from None
    return module
