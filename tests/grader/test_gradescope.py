"""Gradescope: results.json in its format, and the autograder bundle run for real.

The bundle test builds the zip, unpacks it, puts its vendored source on PYTHONPATH
(setup.sh pip-installs it into /autograder/venv, which needs PyPI; the tests stay
offline) and executes its run_autograder against a fake /autograder tree whose root
is relocated with GRADER_AUTOGRADER_ROOT; nothing is written to the real /autograder.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader import gradescope
from grader.runner import Settings, grade
from grader.sandbox import Limits
from grader.submission import Submission
from tests.grader.test_plots import KINK, student_files

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def assert_gradescope_format(doc: dict) -> None:
    """The results.json contract of Gradescope's autograder specification."""
    assert isinstance(doc["score"], float)
    assert doc["stdout_visibility"] in VISIBILITY and doc["output_format"] in FORMATS
    assert isinstance(doc["output"], str) and isinstance(doc["tests"], list) and doc["tests"]
    for test in doc["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], float) and isinstance(test["max_score"], float)
        assert 0.0 <= test["score"] <= test["max_score"] + 1e-9
        assert test["status"] in {"passed", "failed"}
        assert test["visibility"] in VISIBILITY and test["output_format"] in FORMATS
        assert isinstance(test["output"], str) and isinstance(test["number"], str)
    assert doc["score"] == pytest.approx(sum(t["score"] for t in doc["tests"]), abs=1e-3)
    json.dumps(doc, allow_nan=False)  # strict JSON: no NaN or Infinity


@pytest.fixture(scope="module")
def entries() -> dict[str, dict]:
    settings = Settings(sandbox="none", limits=Limits(call_seconds=1.0))
    hang = "def tanh(x):\n    while True:\n        pass\n"
    return {
        "kink": grade(Submission("kink", Path("kink"), files=student_files(derivatives=KINK)),
                      settings),
        "hang": grade(Submission("hang", Path("hang"), files=student_files(activations=hang)),
                      settings),
        "bad": grade(Submission("bad", Path("bad.zip"), error="bad.zip is not a zip"),
                     settings),
    }


def test_results_follow_gradescopes_format(entries) -> None:
    for entry in entries.values():
        assert_gradescope_format(gradescope.results(entry))


def test_one_gradescope_test_per_check_with_the_feedback_as_output(entries) -> None:
    entry = entries["kink"]
    doc = gradescope.results(entry, meta={"version": "0.1.0"})
    assert [t["name"] for t in doc["tests"]] == [t["name"] for t in entry["tests"]]
    assert doc["score"] == entry["score"] == 99.5
    assert doc["stdout_visibility"] == "hidden"  # what the autograder prints stays with staff
    kink = next(t for t in doc["tests"] if t["name"].startswith("relu_grad: follows"))
    assert (kink["status"], kink["score"], kink["max_score"]) == ("failed", 0.0, 0.5)
    assert "relu_grad(0) is 0 here" in kink["output"] and kink["tags"] == ["relu_grad", "kink"]
    assert "relu_grad" in doc["output"] and doc["extra_data"]["grader"]["version"] == "0.1.0"


def test_statuses_gradescope_lacks_are_named_in_the_output(entries) -> None:
    doc = gradescope.results(entries["hang"])
    tanh = next(t for t in doc["tests"] if t["name"] == "tanh: values match the reference")
    assert tanh["status"] == "failed" and tanh["output"].startswith("[timeout] ")


def test_an_ungraded_submission_scores_zero_and_says_why(entries) -> None:
    doc = gradescope.results(entries["bad"])
    assert doc["score"] == 0.0 and "bad.zip is not a zip" in doc["output"]
    assert all(t["status"] == "failed" for t in doc["tests"])


def test_results_are_written_as_strict_json(entries, tmp_path) -> None:
    path = gradescope.write_results(tmp_path / "results" / "results.json", entries["kink"])
    assert_gradescope_format(json.loads(path.read_text(encoding="utf-8")))


def test_the_submission_is_found_where_students_put_it(tmp_path) -> None:
    files = ["activations.py", "derivatives.py"]
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "activations.py").write_text("")
    assert gradescope.find_submission(flat, files) == flat
    nested = tmp_path / "nested"
    (nested / "__MACOSX" / "hw").mkdir(parents=True)
    (nested / "__MACOSX" / "hw" / "activations.py").write_text("")
    (nested / "hw" / "src").mkdir(parents=True)
    (nested / "hw" / "src" / "derivatives.py").write_text("")
    assert gradescope.find_submission(nested, files) == nested / "hw" / "src"
    zipped = tmp_path / "zipped"
    zipped.mkdir()
    (zipped / "hw.zip").write_bytes(b"PK")
    assert gradescope.find_submission(zipped, files) == zipped / "hw.zip"


def test_an_empty_submission_still_gets_results(tmp_path) -> None:
    (tmp_path / "submission").mkdir()
    assert gradescope.run(tmp_path, sandbox="none") == 0
    doc = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    assert_gradescope_format(doc)
    assert doc["score"] == 0.0 and "could not be graded" in doc["output"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    source = gradescope.source_root()
    before = sorted(p.name for p in source.iterdir())
    out = gradescope.build_bundle(tmp_path_factory.mktemp("bundle") / "autograder.zip")
    assert sorted(p.name for p in source.iterdir()) == before  # no build/ or egg-info
    return out


def test_the_bundle_has_the_scripts_at_its_root_and_the_source_with_the_suites(
        bundle) -> None:
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        assert {"setup.sh", "run_autograder", "bundle.json"} <= set(names)
        for script in ("setup.sh", "run_autograder"):
            mode = archive.getinfo(script).external_attr >> 16
            assert stat.S_ISREG(mode) and mode & 0o111, script
        source = json.loads(archive.read("bundle.json"))["source"]
        assert source == f"vendor/activation-grader-{gradescope.__version__}"
        setup = archive.read("setup.sh").decode()
        assert f'pip" install --quiet "$ROOT/source/{source}"' in setup
    shipped = {n.removeprefix(f"{source}/") for n in names if n.startswith(f"{source}/")}
    for needed in ("pyproject.toml", "README.md", "grader/gradescope.py",
                   "reference/activations.py", "assignments/activations/assignment.toml",
                   "assignments/activations/grading/registry.py",
                   "assignments/activations/grading/test_elementwise.py"):
        assert needed in shipped
    assert not [n for n in shipped if "__pycache__" in n or n.endswith(".pyc")]


def test_the_scripts_are_valid_bash(bundle, tmp_path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path)
    for script in ("setup.sh", "run_autograder"):
        subprocess.run(["bash", "-n", str(tmp_path / script)], check=True)


def test_run_autograder_grades_a_fake_autograder_tree(bundle, tmp_path) -> None:
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    # setup.sh pip-installs the vendored source into a venv; offline, the source will do
    [site] = (root / "source" / "vendor").glob("activation-grader-*")
    upload = root / "submission" / "my-homework"
    upload.mkdir(parents=True)
    for name, data in student_files(derivatives=KINK).items():
        (upload / name).write_bytes(data)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GRADER_"))}
    env.update(PYTHONPATH=str(site), GRADER_AUTOGRADER_ROOT=str(root),
               GRADER_PYTHON=sys.executable)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"from {site / 'grader'}" in done.stdout  # graded by the bundle's own code
    doc = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert_gradescope_format(doc)
    assert doc["score"] == 99.5


# --- no grading without a sandbox, and nothing left running --------------------------------
RUN = [sys.executable, "-m", "grader.gradescope", "run"]


def layer_option(layer: str) -> list[str]:
    """The command-line option that asks for ``layer``; a layer that does not work here
    is skipped, saying why (under CI: a failure)."""
    from grader import sandbox
    from tests.needs import missing

    if layer == "none":
        return ["--no-sandbox"]
    reason = sandbox.probe(layer)
    if reason:
        missing(f"layer {layer} does not work on this machine: {reason}")
    return ["--sandbox", layer]


@pytest.mark.parametrize(("layer", "kill_above"), [
    ("none", False), ("none", True),  # only unconfined code can kill the processes above it
    ("landlock-nons", False), ("landlock", False), ("bubblewrap", False)],
    ids=["none", "none-killing-its-zygote", "landlock-nons", "landlock", "bubblewrap"])
def test_a_daemon_the_submission_leaves_cannot_forge_results_json(
        tmp_path: Path, layer: str, kill_above: bool) -> None:
    from tests.grader.sandbox.forger import alive, forger_files, kill, pids_started

    root = tmp_path / "autograder"
    upload = root / "submission"
    upload.mkdir(parents=True)
    results = root / "results" / "results.json"
    marker = f"forger{os.getpid() % 10000}{layer[:2]}{int(kill_above)}"
    for name, data in forger_files(tmp_path, results, marker, kill_above=kill_above).items():
        (upload / name).write_bytes(data)
    try:
        done = subprocess.run([*RUN, "--root", str(root), *layer_option(layer)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        assert alive(marker) == [], "a process the submission started outlived the grading"
        doc = json.loads(results.read_text(encoding="utf-8"))
        assert "forged" not in doc["output"], "the daemon rewrote results.json"
        assert doc["extra_data"]["grader"]["sandbox"] == layer
        started = pids_started(tmp_path)
        if layer == "none":  # the attack is real: without a sandbox the daemon did start
            assert started, done.stdout
            assert "grader: warning: --no-sandbox" in done.stdout
        else:  # fork is refused, and the pids file is out of reach
            assert started == []
        if kill_above:  # its supervisor was killed: the last sweep is what ended it
            assert "grader: ended" in done.stdout
        else:  # its supervisor ended it with the worker; the grading went on unharmed
            assert doc["score"] == 100.0 and "grader: ended" not in done.stdout
    finally:
        kill(alive(marker))


def test_run_autograder_never_grades_without_a_sandbox() -> None:
    assert "--no-sandbox" not in gradescope.RUN_AUTOGRADER
