"""``grader nbgrader autograde``: nbgrader's autograde, with our engine instead of a kernel.

nbgrader's own pipeline does everything around the grading -- the student and the
submission in the gradebook, timestamps and late penalties, restoring locked cells
from the source (so an edited test cell changes nothing), the autograded copy under
``autograded/`` -- and we swap two of its steps:

* :class:`GradeWithEngine` replaces ``Execute``: no kernel is started. The notebook's
  code cells become the student files (:mod:`grader.notebook`), the engine grades
  them (:func:`grader.runner.grade`: student code in its sandboxed worker), and each
  test cell's output becomes our teaching message for its function.
* :class:`SaveEngineGrades` replaces ``SaveAutoGrades``: each test cell's
  ``auto_score`` is set, through :class:`nbgrader.api.Gradebook`, to the engine's
  score of the function it tests -- never read back from cell output, so nothing a
  student prints can count, and a test cell the student deleted is still scored.
  Each answer cell's automatic comment lists the messages of the functions it
  defines (nbgrader's "No response." when it was left untouched).

So formgrader, ``nbgrader export`` and ``nbgrader generate_feedback`` work as after
nbgrader's own autograde. Which function a test cell grades is read from its source
in the gradebook: the ``grade_function("relu", ...)`` call written by
``grader nbgrader init``. A test cell without one (an instructor's own) gets no
automatic score and is left for manual grading.
"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import sysconfig
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbgrader_utils
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    NbGraderPreprocessor,
)
from sqlalchemy.exc import SAWarning
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from grader.errors import UsageError
from grader.nbgrader.messages import FunctionResult, summarize
from grader.notebook import code_cells, parse, to_files
from grader.runner import Settings, grade, grade_all
from grader.sandbox import choose
from grader.submission import Submission, SubmissionReadError


@dataclass
class _Run:
    """One ``autograde_course`` call: how to grade, and what was graded."""

    settings: Settings
    jobs: int = 1
    cache: dict[str, dict[str, Any]] = field(default_factory=dict)  # files digest -> entry
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)  # student -> entry

    def grade(self, submission: Submission) -> dict[str, Any]:
        key = _digest(submission)
        entry = self.cache.get(key)
        if entry is None:
            entry = self.cache[key] = grade(submission, self.settings)
        entry = dict(entry, id=submission.id)
        self.entries[submission.id] = entry
        return entry


_current: _Run | None = None


@contextmanager
def _running(run: _Run) -> Iterator[_Run]:
    global _current
    before, _current = _current, run
    try:
        yield run
    finally:
        _current = before


def _active() -> _Run:
    if _current is None:
        raise RuntimeError("GradeWithEngine runs inside grader.nbgrader.autograde.autograde_course")
    return _current


# --- the two steps we swap in -------------------------------------------------------------


class GradeWithEngine(NbGraderPreprocessor):
    """Instead of executing the notebook: grade its code with the engine."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict
                   ) -> tuple[NotebookNode, ResourcesDict]:
        run = _active()
        ids = resources["nbgrader"]
        rubric = run.settings.rubric()
        submission = Submission(ids["student"], Path(f"{ids['notebook']}.ipynb"))
        try:
            files, notes = to_files(code_cells(nb), rubric.files, f"{ids['notebook']}.ipynb")
            submission.files.update(files)
            submission.notes.extend(notes)
        except SubmissionReadError as exc:
            submission.error = str(exc)
        entry = run.grade(submission)
        tests, notes = entry["tests"], entry.get("notes", [])
        results: dict[str, FunctionResult] = {}
        defines: dict[str, list[str]] = {}
        with Gradebook(ids["db_url"]) as gb:
            notebook = gb.find_notebook(ids["notebook"], ids["assignment"])
            for cell in notebook.grade_cells:
                source = gb.find_source_cell(cell.name, notebook.name, ids["assignment"]).source
                function = graded_function(source)
                if function in rubric.files:
                    results[cell.name] = summarize(function, tests, notes)
            for cell in notebook.solution_cells:
                source = gb.find_source_cell(cell.name, notebook.name, ids["assignment"]).source
                defines[cell.name] = [f for f in defined_functions(source) if f in rubric.files]
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.cell_type == "code" and grade_id in results:
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                       text=results[grade_id].text + "\n")]
        by_function = {r.function: r for r in results.values()}
        resources["grader"] = {
            "results": results,
            "comments": {name: "\n\n".join(by_function[f].text for f in functions
                                           if f in by_function and not by_function[f].full)
                         for name, functions in defines.items()},
        }
        return nb, resources


class SaveEngineGrades(NbGraderPreprocessor):
    """Instead of reading scores from cell outputs: write the engine's into the gradebook."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict
                   ) -> tuple[NotebookNode, ResourcesDict]:
        ids = resources["nbgrader"]
        graded = resources.get("grader", {})
        results: dict[str, FunctionResult] = graded.get("results", {})
        comments: dict[str, str] = graded.get("comments", {})
        cells = {c.metadata.nbgrader["grade_id"]: c for c in nb.cells
                 if "nbgrader" in c.metadata and "grade_id" in c.metadata.nbgrader}
        with Gradebook(ids["db_url"]) as gb:
            notebook = gb.find_notebook(ids["notebook"], ids["assignment"])
            for cell in notebook.grade_cells:
                grade = gb.find_grade(cell.name, notebook.name, ids["assignment"], ids["student"])
                result = results.get(cell.name)
                grade.auto_score = result.score if result else None
                grade.needs_manual_grade = grade.manual_score is not None or result is None
            for cell in notebook.solution_cells:
                comment = gb.find_comment(cell.name, notebook.name, ids["assignment"],
                                          ids["student"])
                submitted = cells.get(cell.name)
                untouched = submitted is not None and submitted.metadata.nbgrader.get(
                    "checksum") == nbgrader_utils.compute_checksum(submitted)
                comment.auto_comment = "No response." if untouched \
                    else comments.get(cell.name) or None
            gb.db.commit()
        return nb, resources


# What ast.parse raises on a cell it cannot read: a syntax error, a null byte or lone
# surrogate (ValueError), an expression nested too deeply for the parser.
_UNPARSABLE = (SyntaxError, ValueError, RecursionError, MemoryError)


def graded_function(source: str) -> str | None:
    """The function a test cell grades: the first argument of its grade_function call."""
    try:
        tree = ast.parse(source)
    except _UNPARSABLE:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str) \
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "grade_function":
            return node.args[0].value
    return None


def defined_functions(source: str) -> list[str]:
    """Names of the functions a cell's source defines at its top level."""
    try:
        tree = ast.parse(source)
    except _UNPARSABLE:
        return []
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


AUTOGRADE_STEPS = [GradeWithEngine, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                   SaveEngineGrades, AssignLatePenalties, CheckCellMetadata]


# --- the whole course ------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    student: str
    ok: bool
    score: float = 0.0
    max_score: float = 0.0
    log: str = ""  # nbgrader's log, or its traceback when it failed
    entry: dict[str, Any] | None = None  # the engine's SPEC entry of the submission


def _alembic_on_path() -> None:
    """nbgrader's Gradebook runs the ``alembic`` command by name; when the grader runs
    from a virtual environment that is not activated (``.venv/bin/grader``), put that
    environment's scripts folder on PATH so that the command is found."""
    scripts = sysconfig.get_path("scripts")
    if shutil.which("alembic") is None and shutil.which("alembic", path=scripts):
        os.environ["PATH"] = os.pathsep.join(filter(None, [scripts, os.environ.get("PATH")]))


def autograde_course(course_dir: Path, assignment: str = "activations", *,
                     students: Sequence[str] = (), settings: Settings | None = None,
                     jobs: int = 1) -> list[Outcome]:
    """Autograde every submission of ``assignment`` under ``course_dir/submitted``.

    ``students`` restricts the run; ``jobs`` > 1 grades that many submissions at a time
    first (the gradebook is then written one submission after the other). Without
    ``settings``, student code runs under the best sandbox layer that works here
    (:func:`grader.sandbox.choose`, which refuses when none does).
    """
    course_dir = Path(course_dir).resolve()
    settings = settings or Settings(assignment=assignment, sandbox=choose("auto"))
    found = submitted_students(course_dir, assignment)
    chosen = list(students) or found
    unknown = [s for s in chosen if s not in found]
    if unknown:
        raise UsageError(f"Expected students with a submission of {assignment} under "
                         f"{course_dir / 'submitted'} but got {', '.join(unknown)}")
    if not chosen:
        raise UsageError(f"found no submissions of {assignment} under "
                         f"{course_dir / 'submitted'} (submitted/<student>/{assignment}/)")
    _alembic_on_path()
    api = NbGraderAPI(config=course_config(course_dir))
    run = _Run(settings, jobs)
    outcomes = []
    with _running(run), warnings.catch_warnings():
        # nbgrader's gradebook code warns under SQLAlchemy 2 when it creates a submission
        warnings.simplefilter("ignore", SAWarning)
        if jobs > 1:
            _grade_ahead(run, course_dir, assignment, chosen)
        for student in chosen:
            result = api.autograde(assignment, student, force=True, create=True)
            outcomes.append(_outcome(api, assignment, student, result, run.entries.get(student)))
    return outcomes


def course_config(course_dir: Path) -> Config:
    """The course's ``nbgrader_config.py``, with our two steps swapped in."""
    config = Config()
    if (course_dir / "nbgrader_config.py").is_file():
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config())
    config.CourseDirectory.root = str(course_dir)
    config.Autograde.autograde_preprocessors = AUTOGRADE_STEPS
    return config


def submitted_students(course_dir: Path, assignment: str) -> list[str]:
    submitted = course_dir / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(p.name for p in submitted.iterdir()
                  if (p / assignment).is_dir() and not p.name.startswith("."))


def _grade_ahead(run: _Run, course_dir: Path, assignment: str, students: Sequence[str]) -> None:
    """Grade the submitted notebooks in parallel, so the gradebook pass finds them done.

    The pass grades the notebook after nbgrader restored its locked cells; when that
    changes the code (a student edited a set-up cell) the digest differs and the
    pass grades again."""
    rubric = run.settings.rubric()
    submissions = []
    for student in students:
        for path in sorted((course_dir / "submitted" / student / assignment).glob("*.ipynb")):
            submission = Submission(f"{student}/{path.name}", path)
            try:
                notebook = parse(path.read_bytes(), path.name)
                files, notes = to_files(code_cells(notebook), rubric.files, path.name)
            except (OSError, SubmissionReadError):
                continue
            submission.files.update(files)
            submission.notes.extend(notes)
            submissions.append(submission)
    digests = {s.id: _digest(s) for s in submissions}
    for entry in grade_all(submissions, run.settings, jobs=run.jobs):
        run.cache[digests[entry["id"]]] = entry


def _digest(submission: Submission) -> str:
    h = hashlib.sha256(submission.error.encode())
    for name in sorted(submission.files):
        h.update(name.encode() + b"\0" + submission.files[name] + b"\0")
    for note in submission.notes:
        h.update(note.encode() + b"\0")
    return h.hexdigest()


def _outcome(api: NbGraderAPI, assignment: str, student: str, result: dict[str, Any],
             entry: dict[str, Any] | None) -> Outcome:
    log = str(result.get("error") or result.get("log") or "")
    if not result.get("success"):
        return Outcome(student, False, log=log, entry=entry)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        submission = gb.find_submission(assignment, student)
        return Outcome(student, True, float(submission.score), float(submission.max_score), log,
                       entry)
