"""`release` writes what students receive, and nothing that gives the grading away."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

import grader
from grader.errors import GraderError, UsageError
from grader.release import assignment_dir, available_assignments, manifest_files, release

PROJECT = Path(__file__).resolve().parents[2]
ACTIVATIONS = PROJECT / "assignments" / "activations"
STUDENT_FILES = ["activations.py", "dead_relu.py", "derivatives.py", "initializers.py"]
BUNDLE = sorted(
    [
        *STUDENT_FILES,
        "README.md",
        "conftest.py",
        "pytest.ini",
        "tests/expected.json",
        "tests/test_activations.py",
        "tests/test_dead_relu.py",
        "tests/test_derivatives.py",
        "tests/test_initializers.py",
    ]
)
ALLOWED_IMPORTS = set(sys.stdlib_module_names) | {"numpy", "scipy", "pytest"}


def relative(paths: list[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in paths]


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    out = tmp_path / "bundle"
    release("activations", out)
    return out


def make_assignment(root: Path, manifest: str, files: list[str], name: str = "demo") -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text(f"# {file}\n", encoding="utf-8")
    (folder / "assignment.toml").write_text(manifest + GRADED, encoding="utf-8")
    if "a.py" in files:  # the stub of the one graded function, and a hidden suite
        (folder / "a.py").write_text("def f(x):\n    raise NotImplementedError\n")
        (folder / "grading").mkdir(exist_ok=True)
        (folder / "grading" / "test_f.py").write_text("def test_f():\n    pass\n")
    return folder


GRADED = '\n[checks]\nvalues = { title = "values" }\n[functions.f]\nfile = "a.py"\n' \
         'points = { values = 100 }\n'



# ---------------------------------------------------------------- the real bundle


def test_release_writes_the_stubs_the_readme_and_the_public_tests(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    written = release("activations", out)
    assert relative(written, out) == BUNDLE
    assert files_under(out) == BUNDLE


def test_released_files_are_exact_copies(bundle: Path) -> None:
    for name in BUNDLE:
        assert (bundle / name).read_bytes() == (ACTIVATIONS / name).read_bytes(), name


def test_the_bundle_holds_nothing_from_grading_examples_or_the_reference(bundle: Path) -> None:
    reference = {path.read_bytes() for path in (PROJECT / "reference").glob("*.py")}
    assert reference, "the reference solution is missing"
    for name in files_under(bundle):
        assert not {"grading", "examples", "reference"} & set(Path(name).parts), name
        assert (bundle / name).read_bytes() not in reference, name


def test_every_function_in_the_released_stubs_only_raises_not_implemented_error(
    bundle: Path,
) -> None:
    for name in STUDENT_FILES:
        for node in ast.walk(ast.parse((bundle / name).read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                body = [s for s in node.body if not isinstance(s, ast.Expr)]  # docstring
                assert len(body) == 1, f"{name}: {ast.unparse(node)[:200]}"
                assert isinstance(body[0], ast.Raise), f"{name}: {ast.unparse(node)[:200]}"
                assert ast.unparse(body[0]).startswith("raise NotImplementedError(")


def test_the_bundle_needs_only_numpy_scipy_pytest_and_the_standard_library(
    bundle: Path,
) -> None:
    for path in bundle.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= ALLOWED_IMPORTS, f"{path.name} imports {roots - ALLOWED_IMPORTS}"


def test_release_accepts_an_existing_empty_folder(tmp_path: Path) -> None:
    assert relative(release("activations", tmp_path), tmp_path) == BUNDLE


def test_release_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not an empty folder") as raised:
        release("activations", tmp_path)
    assert str(tmp_path) in str(raised.value)
    assert files_under(tmp_path) == ["notes.txt"]


def test_release_refuses_a_file_as_its_output_folder(tmp_path: Path) -> None:
    target = tmp_path / "bundle.zip"
    target.write_bytes(b"")
    with pytest.raises(UsageError, match="new or empty folder"):
        release("activations", target)


def test_an_unknown_assignment_is_refused_with_the_available_names(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"assignment='activatoins'.*activations"):
        release("activatoins", tmp_path / "bundle")
    assert not (tmp_path / "bundle").exists()


def test_assignments_are_found_next_to_the_grader_package() -> None:
    expected = Path(grader.__file__).resolve().parents[1] / "assignments" / "activations"
    assert assignment_dir("activations") == expected
    assert "activations" in available_assignments()


# ---------------------------------------------------------------- the manifest


def test_a_folder_without_a_manifest_is_not_an_assignment(tmp_path: Path) -> None:
    make_assignment(tmp_path, "student_files = []\npublic = []\n", [], name="real")
    (tmp_path / "notes").mkdir()
    assert available_assignments(tmp_path) == ["real"]


def test_public_entries_may_be_glob_patterns(tmp_path: Path) -> None:
    files = ["a.py", "README.md", "tests/test_a.py", "tests/test_b.py", "tests/data.json"]
    manifest = 'student_files = ["a.py"]\npublic = ["README.md", "tests/test_*.py"]\n'
    make_assignment(tmp_path, manifest, files)
    written = release("demo", tmp_path / "out", root=tmp_path)
    assert relative(written, tmp_path / "out") == [
        "README.md",
        "a.py",
        "tests/test_a.py",
        "tests/test_b.py",
    ]


def test_caches_are_never_shipped(tmp_path: Path) -> None:
    files = ["a.py", "tests/test_a.py", "tests/__pycache__/test_a.cpython-311.pyc"]
    make_assignment(tmp_path, 'student_files = ["a.py"]\npublic = ["tests/**/*"]\n', files)
    written = release("demo", tmp_path / "out", root=tmp_path)
    assert relative(written, tmp_path / "out") == ["a.py", "tests/test_a.py"]


@pytest.mark.parametrize(
    "entry", ["grading/test_hidden.py", "grading/*", "examples/alice/a.py", "**/*.py"]
)
def test_a_manifest_entry_reaching_into_grading_or_examples_is_refused(
    tmp_path: Path, entry: str
) -> None:
    files = ["a.py", "grading/test_hidden.py", "examples/alice/a.py"]
    make_assignment(tmp_path, f'student_files = ["a.py"]\npublic = ["{entry}"]\n', files)
    with pytest.raises(GraderError, match="never shipped"):
        release("demo", tmp_path / "out", root=tmp_path)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("entry", ["../secret.py", "/etc/passwd", ""])
def test_a_manifest_entry_outside_the_assignment_is_refused(tmp_path: Path, entry: str) -> None:
    (tmp_path / "secret.py").write_text("x = 1\n", encoding="utf-8")
    make_assignment(tmp_path, f'student_files = ["a.py"]\npublic = ["{entry}"]\n', ["a.py"])
    with pytest.raises(GraderError, match="must be a relative path inside"):
        manifest_files(tmp_path / "demo")


@pytest.mark.parametrize("entry", ["missing.md", "tests/test_*.py"])
def test_a_manifest_entry_naming_no_file_is_refused(tmp_path: Path, entry: str) -> None:
    make_assignment(tmp_path, f'student_files = ["a.py"]\npublic = ["{entry}"]\n', ["a.py"])
    with pytest.raises(GraderError, match=f"public entry '{re.escape(entry)}' in .* names no file"):
        manifest_files(tmp_path / "demo")


@pytest.mark.parametrize(
    "manifest",
    ['public = ["a.py"]\n', 'student_files = "a.py"\npublic = []\n', "student_files = [\n"],
)
def test_a_malformed_manifest_is_refused_with_its_path(tmp_path: Path, manifest: str) -> None:
    folder = make_assignment(tmp_path, manifest, ["a.py"])
    with pytest.raises(GraderError, match="assignment.toml") as raised:
        manifest_files(folder)
    assert str(folder) in str(raised.value)
