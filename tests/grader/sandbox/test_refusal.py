"""No grading without a sandbox unless a person asked for it: every entry point refuses.

Each command runs under ``without_layers.py``, a seccomp filter that makes the kernel
refuse what a container without user namespaces refuses (every namespace) and, unless
told otherwise, Landlock too: bubblewrap and the landlock layer cannot work there, for
real. Nothing is mocked; the commands are the ones an instructor types.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from grader.worker import _landlock
from tests.grader.sandbox import without_layers
from tests.grader.test_plots import student_files
from tests.needs import missing

PYTHON = [sys.executable, "-m"]


def confined(command: list[str], *, keep_landlock: bool = False,
             cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``command`` where no namespace can be made (and, by default, no Landlock)."""
    return subprocess.run(without_layers.argv(command, keep_landlock=keep_landlock), cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture()
def upload(tmp_path: Path) -> Path:
    """A correct submission, as Gradescope's /autograder/submission holds it."""
    folder = tmp_path / "autograder" / "submission"
    folder.mkdir(parents=True)
    for name, data in student_files().items():
        (folder / name).write_bytes(data)
    return folder


def assert_refused(done: subprocess.CompletedProcess[str], *, nons_works: bool) -> None:
    """Exit code 3, and a message that says what failed, what to enable, and the opt-out."""
    __tracebackhide__ = True
    assert done.returncode == 3, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    message = done.stderr
    for said in ("grader: failed: no sandbox layer works here (", "bubblewrap: ",
                 "landlock: sandboxed code was not confined", "unshare: Operation not permitted",
                 "allow unprivileged user namespaces", "Or pass --no-sandbox to grade without "
                 "isolation: only for code you trust, never for a class."):
        assert said in message, f"{said!r} missing from:\n{message}"
    if nons_works:
        assert "--sandbox landlock-nons confines student code" in message, message
    else:
        assert "without namespaces, do not work either" in message, message
        assert "use Linux >= 5.13 with landlock" in message, message
    assert len(message.strip().splitlines()) == 1, "one line"


def graded_points(path: Path) -> bool:
    return path.exists() and json.loads(path.read_text(encoding="utf-8")).get("score", 0) > 0


@pytest.mark.parametrize("keep_landlock", [False, True], ids=["no-layer", "landlock-only"])
@pytest.mark.parametrize("command", ["python -m grader.gradescope run", "grader gradescope run"])
def test_gradescope_run_refuses_and_writes_no_results(upload: Path, command: str,
                                                      keep_landlock: bool) -> None:
    root = upload.parent
    argv = [*PYTHON, "grader.gradescope", "run"] if command.startswith("python") \
        else [*PYTHON, "grader", "gradescope", "run"]
    done = confined([*argv, "--root", str(root)], keep_landlock=keep_landlock)
    assert_refused(done, nons_works=keep_landlock)
    assert not (root / "results").exists(), "results.json written without a sandbox"


def test_grader_grade_refuses_and_writes_no_outputs(upload: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = confined([*PYTHON, "grader", "grade", str(upload), "--json", str(out / "r.json"),
                     "--csv", str(out / "r.csv"), "--gradescope", str(out / "gs.json")])
    assert_refused(done, nons_works=False)
    assert not out.exists()


def test_grader_nbgrader_autograde_refuses(tmp_path: Path) -> None:
    done = confined([*PYTHON, "grader", "nbgrader", "autograde", str(tmp_path), "--json",
                     str(tmp_path / "r.json")])
    assert_refused(done, nons_works=False)
    assert not (tmp_path / "r.json").exists()


def test_autograde_course_called_without_settings_refuses_too(tmp_path: Path) -> None:
    code = ("import sys\nfrom grader.errors import GraderError\n"
            "from grader.nbgrader.autograde import autograde_course\n"
            "try:\n    autograde_course(sys.argv[1])\n"
            "except GraderError as exc:\n    print(exc)\n    sys.exit(3)\n")
    done = confined([sys.executable, "-c", code, str(tmp_path)])
    assert done.returncode == 3 and "no sandbox layer works here" in done.stdout, done


def test_a_layer_asked_for_by_name_that_does_not_work_is_refused(upload: Path,
                                                                 tmp_path: Path) -> None:
    done = confined([*PYTHON, "grader", "grade", str(upload), "--sandbox", "landlock", "--json",
                     str(tmp_path / "r.json")], keep_landlock=True)
    assert done.returncode == 3, done.stderr
    assert "the landlock sandbox layer does not work here (landlock: " in done.stderr
    assert not (tmp_path / "r.json").exists()


def test_where_only_landlock_works_landlock_nons_grades_when_asked(upload: Path) -> None:
    if _landlock.abi_version() < 1:
        missing("this kernel has no Landlock, so landlock-nons cannot be tested")
    root = upload.parent
    done = confined([*PYTHON, "grader.gradescope", "run", "--root", str(root), "--sandbox",
                     "landlock-nons"], keep_landlock=True)
    assert done.returncode == 0, done.stderr[-3000:]
    doc = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert doc["score"] == 100.0 and doc["extra_data"]["grader"]["sandbox"] == "landlock-nons"


def test_no_sandbox_is_the_opt_out_and_is_recorded(upload: Path) -> None:
    root = upload.parent
    done = confined([*PYTHON, "grader.gradescope", "run", "--root", str(root), "--no-sandbox"])
    assert done.returncode == 0, done.stderr[-3000:]
    assert "grader: warning: --no-sandbox" in done.stdout
    doc = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert doc["score"] == 100.0 and doc["extra_data"]["grader"]["sandbox"] == "none"


def test_no_sandbox_and_a_named_layer_contradict(upload: Path) -> None:
    root = upload.parent
    done = subprocess.run([*PYTHON, "grader.gradescope", "run", "--root", str(root),
                           "--no-sandbox", "--sandbox", "landlock"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "contradict" in done.stderr, done.stderr
    assert not graded_points(root / "results" / "results.json")


@pytest.mark.parametrize("command", [["grader.gradescope", "run"], ["grader", "grade"],
                                     ["grader", "nbgrader", "autograde"]])
def test_help_documents_the_opt_out(command: list[str]) -> None:
    done = subprocess.run([*PYTHON, *command, "--help"], capture_output=True, text=True,
                          timeout=60, check=True)
    text = " ".join(done.stdout.split())
    assert "--no-sandbox" in text and "never for" in text
    assert "landlock-nons" in text and "nothing is graded" in text
