"""`grader grade` and `grader release` as an instructor runs them."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.cli import main
from tests.needs import missing

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "reference"
STUBS = ROOT / "assignments" / "activations"
FILES = ("activations.py", "derivatives.py", "initializers.py", "dead_relu.py")


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    """A class of three: a correct solution, the untouched stubs, a broken zip."""
    root = tmp_path_factory.mktemp("class")
    for name, source in (("ada", REFERENCE), ("bea", STUBS)):
        (root / name).mkdir()
        for file in FILES:
            shutil.copy(source / file, root / name / file)
    (root / "cy.zip").write_bytes(b"not a zip")
    return root


@pytest.fixture(scope="module")
def graded(klass, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    code = main(["grade", str(klass), "--json", str(out / "r.json"), "--csv", str(out / "r.csv"),
                 "--jobs", "2", "--quiet"])
    return code, json.loads((out / "r.json").read_text()), (out / "r.csv").read_text()


def test_a_class_is_graded_into_the_spec_json(graded) -> None:
    code, doc, _ = graded
    assert code == 1  # cy.zip could not be graded
    assert doc["assignment"] == "activations"
    by_id = {s["id"]: s for s in doc["submissions"]}
    assert list(by_id) == ["ada", "bea", "cy"]
    assert (by_id["ada"]["score"], by_id["ada"]["status"]) == (100.0, "graded")
    assert (by_id["bea"]["score"], by_id["bea"]["status"]) == (0.0, "graded")
    assert by_id["cy"]["status"] == "error" and "zip" in by_id["cy"]["feedback"]
    for entry in doc["submissions"]:
        assert entry["max_score"] == 100.0
        assert abs(sum(t["score"] for t in entry["tests"]) - entry["score"]) < 1e-6
        for test in entry["tests"]:
            assert set(test) >= {"name", "function", "score", "max_score", "status", "feedback"}
            assert test["status"] in {"passed", "failed", "error", "timeout", "not_allowed"}
            assert test["name"].startswith(test["function"] + ": ")
    functions = {t["function"] for t in by_id["ada"]["tests"]}
    assert len(functions) == 32  # SPEC section 2: 11 + 11 + 8 + 2


def test_the_csv_has_one_row_per_student_and_a_column_per_function(graded) -> None:
    _, doc, text = graded
    rows = list(csv.DictReader(text.splitlines()))
    assert [r["id"] for r in rows] == ["ada", "bea", "cy"]
    assert float(rows[0]["score"]) == 100 and float(rows[0]["relu"]) == 2.5
    assert sum(float(rows[0][f]) for f in list(rows[0])[4:]) == pytest.approx(100)


def test_grading_twice_gives_the_same_json(graded, klass, tmp_path) -> None:
    main(["grade", str(klass), "--json", str(tmp_path / "again.json"), "--quiet"])
    assert json.loads((tmp_path / "again.json").read_text())["submissions"] == graded[1][
        "submissions"]


def test_resume_keeps_finished_results_and_grades_the_rest(klass, tmp_path) -> None:
    results = tmp_path / "r.json"
    previous = {"assignment": "activations", "submissions": [
        {"id": "ada", "score": 42.0, "max_score": 100.0, "status": "graded", "tests": []}]}
    results.write_text(json.dumps(previous))
    main(["grade", str(klass), "--json", str(results), "--resume", "--quiet"])
    by_id = {s["id"]: s for s in json.loads(results.read_text())["submissions"]}
    assert by_id["ada"]["score"] == 42.0  # kept, not regraded
    assert by_id["bea"]["status"] == "graded" and list(by_id) == ["ada", "bea", "cy"]


def test_one_submission_prints_a_readable_report(capsys) -> None:
    assert main(["grade", str(STUBS)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("activations: 0 / 100 (graded)")
    assert "-- relu" in out and "relu is not implemented yet" in out


@pytest.mark.parametrize("argv, message", [
    (["grade", "x", "--assignment", "nope"], "assignment='nope'"),
    (["grade", "x", "--resume"], "--resume needs --json"),
])
def test_bad_arguments_exit_2_with_a_clear_message(argv, message, capsys) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_bad_option_values_are_rejected_while_parsing(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["grade", "x", "--jobs", "0"])
    assert info.value.code == 2
    assert "expected a whole number >= 1 but got '0'" in capsys.readouterr().err


def test_the_console_script_has_help() -> None:
    result = subprocess.run([sys.executable, "-m", "grader", "grade", "--help"],
                            capture_output=True, text=True, check=True)
    assert "--json FILE" in result.stdout and "exit codes" in result.stdout


@pytest.mark.parametrize("command", [["grade"], ["nbgrader", "autograde"]])
def test_help_points_to_the_results_document_in_the_project(command, capsys) -> None:
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "SPEC" not in text
    assert "results JSON (see docs/results.md)" in text
    assert (ROOT / "docs" / "results.md").is_file()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_run_leaves_no_temporary_folder_and_no_process_behind(klass, tmp_path: Path,
                                                                jobs: str) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(klass / "ada"), str(klass / "bea"),
         "--json", str(tmp_path / "r.json"), "--jobs", jobs, "--quiet"],
        env={**os.environ, "TMPDIR": str(tmp)}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    scores = [s["score"] for s in json.loads((tmp_path / "r.json").read_text())["submissions"]]
    assert scores == [100.0, 0.0]
    assert sorted(p.name for p in tmp.iterdir()) == []  # zygote sites, worker folders: gone
    leftovers = [pid for pid in os.listdir("/proc") if pid.isdigit()
                 and str(tmp) in _cmdline(pid)]
    assert leftovers == []


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_a_zygote_started_under_a_layer_the_probe_rejects_is_replaced(
        klass, tmp_path: Path) -> None:
    """One submission: the worker zygote starts first, under the layer the probe will
    most likely choose (bubblewrap when a ``bwrap`` is on PATH). Here that ``bwrap`` is
    broken, so the probe chooses Landlock; the zygote is replaced, the submission is
    graded in full under Landlock, and nothing is left behind."""
    from grader import sandbox

    reason = sandbox.probe("landlock")
    if reason:
        missing(reason)
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bwrap").write_text("#!/bin/sh\nexit 1\n")
    (fake / "bwrap").chmod(0o755)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "PATH": f"{fake}:{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(klass / "ada"),
         "--json", str(tmp_path / "r.json"), "--quiet"],
        env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["grader"]["sandbox"] == "landlock"
    assert [s["score"] for s in doc["submissions"]] == [100.0]
    assert sorted(p.name for p in tmp.iterdir()) == []


def test_no_sandbox_beside_a_named_layer_is_a_contradiction_not_a_choice(tmp_path, capsys) -> None:
    out = tmp_path / "r.json"
    code = main(["grade", str(STUBS), "--no-sandbox", "--sandbox", "landlock", "--json", str(out)])
    assert code == 2 and not out.exists()
    assert "--no-sandbox and --sandbox landlock contradict each other" in capsys.readouterr().err
