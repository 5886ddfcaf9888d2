"""The course ``grader nbgrader init`` writes: a teaching notebook whose answers are the
reference and whose test cells are worth the rubric's points."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from grader.errors import GraderError, UsageError  # noqa: E402
from grader.nbgrader import templates  # noqa: E402
from grader.nbgrader.autograde import graded_function  # noqa: E402
from grader.nbgrader.course import _check_covers, build_notebook, init_course  # noqa: E402
from grader.runner import Settings, grade  # noqa: E402
from grader.submission import read  # noqa: E402

RUBRIC = Settings().rubric()


@pytest.fixture(scope="module")
def notebook():
    return build_notebook("activations")


def cells_of(notebook, kind: str) -> list:
    return [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get(kind)]


def test_every_graded_function_has_one_answer_and_one_locked_test_cell(notebook) -> None:
    answers = cells_of(notebook, "solution")
    tests = cells_of(notebook, "grade")
    assert [c.metadata.nbgrader.grade_id for c in answers] == \
        [f"answer_{f}" for f in RUBRIC.functions]
    assert [graded_function(c.source) for c in tests] == RUBRIC.functions
    for cell in tests:
        assert cell.metadata.nbgrader.locked and cell.metadata.editable is False


def test_test_cells_are_worth_the_rubrics_points_per_function(notebook) -> None:
    for cell in cells_of(notebook, "grade"):
        function = graded_function(cell.source)
        assert cell.metadata.nbgrader.points == RUBRIC.function_points(function)
    assert sum(c.metadata.nbgrader.points for c in cells_of(notebook, "grade")) == \
        pytest.approx(RUBRIC.total)


def test_test_cells_hold_no_hidden_test(notebook) -> None:
    for cell in cells_of(notebook, "grade"):
        tree = ast.parse(cell.source)
        calls = [ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]
        assert sorted(calls) == ["globals", "grade_function"]
        assert "BEGIN HIDDEN TESTS" not in cell.source


def test_answers_are_the_stub_signature_and_the_reference_between_the_markers(notebook) -> None:
    for cell in cells_of(notebook, "solution"):
        head, _, rest = cell.source.partition("    ### BEGIN SOLUTION\n")
        assert rest.rstrip().endswith("### END SOLUTION")
        function = cell.metadata.nbgrader.grade_id.removeprefix("answer_")
        stub = (Settings().folder / RUBRIC.files[function]).read_text()
        assert head.rstrip() in stub  # signature and docstring, word for word


def test_pictures_define_no_functions_so_the_kernel_can_tell_them_from_answers(notebook) -> None:
    pictures = [c for c in notebook.cells if c.cell_type == "code"
                and c.metadata.nbgrader.grade_id.startswith("picture_")]
    assert len(pictures) >= 5
    for cell in pictures:
        tree = ast.parse(cell.source)
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.Lambda)]


def test_the_solution_notebook_earns_full_marks_and_the_stubs_none(tmp_path: Path,
                                                                   notebook) -> None:
    import nbformat

    solution = tmp_path / "solution.ipynb"
    nbformat.write(notebook, str(solution))
    released = json.loads(solution.read_text())
    for cell in released["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            head = "".join(cell["source"]).partition("    ### BEGIN SOLUTION")[0]
            cell["source"] = head + "    # YOUR CODE HERE\n    raise NotImplementedError()"
    stubs = tmp_path / "stubs.ipynb"
    stubs.write_text(json.dumps(released))
    files = sorted(set(RUBRIC.files.values()))
    assert grade(read(solution, files), Settings())["score"] == 100.0
    entry = grade(read(stubs, files), Settings())
    assert entry["score"] == 0.0
    assert "sigmoid is not implemented yet" in entry["tests"][0]["feedback"]


def test_the_notebook_is_the_same_every_time(notebook) -> None:
    import nbformat

    assert nbformat.writes(build_notebook("activations")) == nbformat.writes(notebook)


def test_init_writes_the_config_and_refuses_to_overwrite_it(tmp_path: Path) -> None:
    written = init_course(tmp_path / "course")
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "course/nbgrader_config.py", "course/source/activations/activations.ipynb"]
    config = (tmp_path / "course" / "nbgrader_config.py").read_text()
    assert "c.CourseDirectory.course_id = 'course'" in config
    with pytest.raises(UsageError, match="exists already"):
        init_course(tmp_path / "course")
    init_course(tmp_path / "course", force=True)


def template_parts() -> list:
    return list(templates.load(Settings().load().notebook_template).PARTS)


def test_the_template_lives_with_its_assignment_and_is_loaded_by_path() -> None:
    template = Settings().load().notebook_template
    assert template == Settings().folder / "notebook.py"
    assert not list((Path(templates.__file__).parent).glob("activations*.py"))
    with pytest.raises(UsageError, match="no such file"):
        templates.load(template.with_name("nope.py"))


def test_the_default_notebook_is_its_template_but_the_answers_of_the_rest_of_the_catalogue(
        notebook) -> None:
    parts = template_parts()
    kept = templates.select(parts, RUBRIC.functions, RUBRIC.files, RUBRIC.functions)
    assert kept == [p for p in parts
                    if not (isinstance(p, templates.Answer) and p.function not in RUBRIC.files)]
    assert len(kept) < len(parts)  # the template teaches the whole catalogue
    assert [c.metadata.nbgrader.grade_id for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("picture_")] == \
        [f"picture_{i:02d}" for i, p in enumerate(kept) if isinstance(p, templates.Plot)]


def test_the_build_accepts_the_assignments_folder_as_well_as_its_name(notebook) -> None:
    import nbformat

    assert nbformat.writes(build_notebook(str(Settings().folder))) == nbformat.writes(notebook)


def test_a_template_is_filtered_by_what_the_manifest_grades() -> None:
    parts = template_parts()
    graded = ["sigmoid", "relu", "relu_grad", "softsign"]
    files = {"sigmoid": "activations.py", "relu": "activations.py",
             "relu_grad": "derivatives.py", "softsign": "activations.py"}
    kept = templates.select(parts, graded, files, RUBRIC.functions)
    answers = [p.function for p in kept if isinstance(p, templates.Answer)]
    assert answers == ["sigmoid", "relu", "softsign", "relu_grad"]  # the template's order
    # plots that use tanh, leaky_relu, ... are left out; those that use none stay
    template = templates.load(Settings().load().notebook_template)
    assert [p.code for p in kept if isinstance(p, templates.Plot)] == \
        [template.PLOT_SETUP, template.ZIGZAG_PLOT]
    assert [p for p in kept if isinstance(p, templates.Markdown)] == \
        [p for p in parts if isinstance(p, templates.Markdown)]


def test_a_graded_function_the_template_does_not_teach_gets_a_plain_answer() -> None:
    parts = [templates.Markdown("# intro"), templates.Answer("sigmoid", "### Sigmoid"),
             templates.Answer("relu_grad", "### ReLU'"), templates.Markdown("the end")]
    files = {"sigmoid": "activations.py", "relu_grad": "derivatives.py",
             "brand_new": "activations.py", "other_file": "extra.py"}
    kept = templates.select(parts, list(files), files, [])
    assert kept == [parts[0], parts[1], templates.Answer("brand_new", "### `brand_new`"),
                    parts[2], parts[3], templates.Answer("other_file", "### `other_file`")]


def test_a_template_that_answers_a_function_twice_is_refused() -> None:
    parts = [*template_parts(), templates.Answer("relu", "again")]
    with pytest.raises(GraderError, match=r"given twice: \['relu'\]"):
        templates.select(parts, RUBRIC.functions, RUBRIC.files, RUBRIC.functions)
    parts = [p for p in template_parts()
             if not (isinstance(p, templates.Answer) and p.function == "relu")]
    with pytest.raises(GraderError, match=r"no answer cell for \['relu'\]"):
        _check_covers(parts, RUBRIC)
