"""``grader nbgrader init``: a ready nbgrader course for an assignment.

The course folder gets an ``nbgrader_config.py`` and the source notebook
``source/<name>/<name>.ipynb`` (``name`` from the assignment's manifest), built with
nbformat from the assignment's template (its ``notebook.py``, made of the parts of
:mod:`grader.nbgrader.templates` and filtered by the manifest):

* each answer cell is the stub's signature and docstring plus the reference body
  between ``### BEGIN SOLUTION`` / ``### END SOLUTION``
  (:mod:`grader.nbgrader.solutions`);
* each graded function gets one locked test cell worth the manifest's points for
  that function, which calls :func:`grader.nbgrader.cell.grade_function` (naming the
  assignment unless it is the packaged ``activations``: a folder by its absolute path);
* the set-up cell holds the stubs' imports and constants; pictures are read-only,
  never graded cells.

``nbgrader generate_assignment`` then removes the solutions; the test cells hold no
hidden test (the hidden suites stay with the grader), so students may see them.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbformat.notebooknode import NotebookNode

from grader.assignment import Assignment, assignments_root
from grader.errors import GraderError, UsageError
from grader.nbgrader import templates
from grader.nbgrader.solutions import References, answer_source, stub_header, stub_module_code
from grader.rubric import Rubric
from grader.runner import Settings

CONFIG = '''\
# nbgrader configuration of this course, written by `grader nbgrader init`.
c = get_config()  # noqa: F821

c.CourseDirectory.course_id = {course_id!r}

# The test cells grade one function each, in a separate process started by the
# first of them (a few seconds), and a function that hangs is stopped after its
# call limit. nbgrader's default of 30 s per cell is too tight for that first cell.
c.Execute.timeout = 120
'''

TEST_CELL = '''\
# Autograded test of {function} ({points:g} points). The course's grader checks your
# function in a separate process and prints what it found. Do not change this cell.
from grader.nbgrader.cell import grade_function
grade_function({function!r}, globals(){assignment})'''
DEFAULT = "activations"  # the assignment test cells grade when they name none

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def init_course(course_dir: Path, assignment: str | Path = DEFAULT, *,
                force: bool = False) -> list[Path]:
    """Write ``nbgrader_config.py`` and the source notebook into ``course_dir``.

    ``assignment`` is a packaged assignment's name or an assignment folder's path; the
    notebook is ``source/<name>/<name>.ipynb`` with the manifest's ``name``. Refuses to
    overwrite either file unless ``force``. Returns the files written.
    """
    course_dir = Path(course_dir)
    name = Assignment.load(assignment).name
    config = course_dir / "nbgrader_config.py"
    notebook_path = course_dir / "source" / name / f"{name}.ipynb"
    existing = [p for p in (config, notebook_path) if p.exists()]
    if existing and not force:
        raise UsageError(f"Expected a new course folder but {existing[0]} exists already "
                         "(use --force to overwrite it)")
    notebook = build_notebook(assignment)
    notebook_path.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG.format(course_id=course_dir.resolve().name), encoding="utf-8")
    nbformat.write(notebook, str(notebook_path))
    return [config, notebook_path]


def build_notebook(assignment: str | Path = DEFAULT, root: Path | None = None) -> NotebookNode:
    """The nbgrader source notebook of ``assignment`` (a name or a folder; with solutions).

    Its template is the assignment's ``notebook.py`` filtered by the manifest
    (:func:`grader.nbgrader.templates.select`); an assignment without one gets a title,
    the set-up cell and one plain answer per graded function."""
    settings = Settings(assignment=str(assignment), root=root)
    loaded = settings.load()
    rubric = loaded.rubric
    stubs = {file: (loaded.folder / file).read_text(encoding="utf-8")
             for file in dict.fromkeys(rubric.files.values())}
    reference_files = _reference_files(rubric)
    parts = templates.select(_template_parts(loaded), rubric.functions, rubric.files,
                             _catalogue(reference_files))
    _check_covers(parts, rubric)
    setup, given = _setup_code(stubs, rubric)
    references = References(reference_files, given, rubric.files)
    test_cell_assignment = _named_in_test_cells(loaded, root)
    cells: list[NotebookNode] = []
    for number, part in enumerate(parts):
        cells.extend(_cells(part, number, rubric, stubs, setup, references,
                            test_cell_assignment))
    for index, cell in enumerate(cells):
        cell["id"] = cell["metadata"].get("nbgrader", {}).get("grade_id") or f"cell-{index:03d}"
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python"},
    })
    nbformat.validate(notebook)
    return notebook


def _template_parts(assignment: Assignment) -> Sequence[templates.Part]:
    if not assignment.notebook_template.is_file():
        return (templates.Markdown(f"# {assignment.title}"),
                templates.Setup("Run this cell first: the imports and constants every answer "
                                "may use."))
    parts: Sequence[templates.Part] = templates.load(assignment.notebook_template).PARTS
    return parts


def _catalogue(reference_files: Sequence[Path]) -> set[str]:
    """Every public function the reference's modules for the student files define."""
    names: set[str] = set()
    for path in reference_files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names |= {n.name for n in tree.body
                  if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
    return names


def _named_in_test_cells(assignment: Assignment, root: Path | None) -> str:
    """What a test cell passes as ``assignment=``: nothing for the default, a packaged
    assignment's name, or else the folder's absolute path (a course's own assignment;
    the kernel that runs the test cell finds it there)."""
    packaged = (assignments_root() if root is None else root) / assignment.name
    if packaged.resolve() == assignment.folder.resolve():
        return "" if assignment.name == DEFAULT and root is None else assignment.name
    return str(assignment.folder.resolve())


def _check_covers(parts: Sequence[templates.Part], rubric: Rubric) -> None:
    """The filtered template answers every graded function once, and nothing else."""
    answered = [p.function for p in parts if isinstance(p, templates.Answer)]
    missing = [f for f in rubric.functions if f not in answered]
    unknown = [f for f in answered if f not in rubric.files]
    twice = sorted({f for f in answered if answered.count(f) > 1})
    if missing or unknown or twice:
        raise GraderError(
            f"the notebook template of {rubric.assignment} does not match its rubric: "
            f"no answer cell for {missing or 'none'}; answer cells for functions without "
            f"points: {unknown or 'none'}; answer cells given twice: {twice or 'none'}")


def _setup_code(stubs: dict[str, str], rubric: Rubric) -> tuple[str, set[str]]:
    statements: list[str] = []
    names: set[str] = set()
    for source in stubs.values():
        found, bound = stub_module_code(source, rubric.files)
        statements.extend(s for s in found if s not in statements)
        names |= bound
    return "\n".join(statements), names


def _reference_files(rubric: Rubric) -> list[Path]:
    spec = importlib.util.find_spec("reference")
    if spec is None or not spec.submodule_search_locations:
        raise GraderError("the reference solution (package `reference`) is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return [folder / file for file in dict.fromkeys(rubric.files.values())]


def _cells(part: templates.Part, number: int, rubric: Rubric, stubs: dict[str, str],
           setup: str, references: References, assignment: str) -> Iterator[NotebookNode]:
    if isinstance(part, templates.Markdown):
        yield nbformat.v4.new_markdown_cell(part.text.strip())
    elif isinstance(part, templates.Setup):
        yield nbformat.v4.new_markdown_cell(part.text.strip())
        yield _code(setup, "setup", locked=True)
    elif isinstance(part, templates.Plot):
        if part.text.strip():
            yield nbformat.v4.new_markdown_cell(part.text.strip())
        yield _code(part.code.rstrip("\n"), f"picture_{number:02d}", locked=True)
    elif isinstance(part, templates.Answer):
        function, file = part.function, rubric.files[part.function]
        if part.text.strip():
            yield nbformat.v4.new_markdown_cell(part.text.strip())
        source = answer_source(stub_header(stubs[file], function),
                               references.solution(function, file.removesuffix(".py")))
        yield _code(source, f"answer_{function}", solution=True)
        points = rubric.function_points(function)
        named = f", assignment={assignment!r}" if assignment else ""
        yield _code(TEST_CELL.format(function=function, points=points, assignment=named),
                    f"test_{function}", grade=True, points=points)


def _code(source: str, grade_id: str, *, locked: bool = False, solution: bool = False,
          grade: bool = False, points: float = 0.0) -> NotebookNode:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked or grade,
                            "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    metadata: dict[str, Any] = {"nbgrader": meta}
    if meta["locked"]:
        metadata.update(editable=False, deletable=False)
    return nbformat.v4.new_code_cell(source, metadata=metadata)
