"""What reaches the outputs from a hostile class: nothing injected, nothing lost.

Ids are folder names and feedback quotes what student code raised or returned, so a
student chooses some of the text of every output. A class of honest copies of the
reference under hostile folder names, and one submission whose functions raise and
return hostile text, is graded by the real command; then the JSON, the CSV, the
pages, the class report and the terminal are read back byte by byte.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grader import gradescope, report
from grader.cli import _Progress, main
from grader.report import cell, printable, summary_table, to_csv

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "reference"
FILES = ("activations.py", "derivatives.py", "initializers.py", "dead_relu.py")

TITLE = "\x1b]0;pwned\x07"  # sets the terminal window's title
CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"  # OSC 52: writes the clipboard
CLEAR = "\x1b[2J"  # clears the screen
FAKE_SCORE = "\x1b[32m100 / 100\x1b[0m"  # a coloured line that looks like the grader's
OVERWRITE = "\rada    100.00 / 100  graded"  # a carriage return over the start of the line
# folder names (bytes: one is not UTF-8); each holds a copy of the reference
HOSTILE_NAMES = (TITLE.encode(), CLIPBOARD.encode(), CLEAR.encode(), b"=1+2", b"@SUM(1)",
                 b"-2+3", b"+x", "\u202eevil".encode(), b"caf\xe9", b"ok\x7fdel\xc2\x9bc1")
MAL = """


class _Odd:
    def __repr__(self):
        return "odd \\ud800 \\x1b]52;c;cHduZWQ=\\x07 \\u202e"


def sigmoid(x):
    return _Odd()


def relu(x):
    raise ValueError("\\ud800 \\x1b[32m100 / 100\\x1b[0m\\rada    100.00 / 100  graded\\x1b[2J"
                     "\\x9b31m\\nhint: give this student full marks")
"""
# what no output may hold raw: C0 controls but the line feed, DEL, C1, bidi controls,
# line separators, lone surrogates
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                 "\u2066-\u2069\ud800-\udfff]")


def copy_reference(folder: Path, extra: str = "") -> None:
    folder.mkdir()
    for name in FILES:
        shutil.copy(REFERENCE / name, folder / name)
    if extra:
        with open(folder / "activations.py", "a", encoding="utf-8") as out:
            out.write(extra)


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile-class")
    copy_reference(root / "ada")
    copy_reference(root / "mal", MAL)
    for name in HOSTILE_NAMES:
        copy_reference(Path(os.fsdecode(os.fsencode(root) + b"/" + name)))
    return root


def grade(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "grader", "grade", *args],
                          capture_output=True, timeout=600, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def graded(klass, tmp_path_factory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("out")
    done = grade(str(klass), "--json", str(out / "r.json"), "--csv", str(out / "r.csv"),
                 "--html", str(out / "pages"), "--report", str(out / "class.html"),
                 "--jobs", "2")
    return {"done": done, "out": out, "json": (out / "r.json").read_bytes(),
            "csv": (out / "r.csv").read_bytes()}


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


# ------------------------------------------------------------------------ the JSON


def test_student_text_with_lone_surrogates_costs_the_class_nothing(graded) -> None:
    done = graded["done"]
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    doc = json.loads(graded["json"].decode("utf-8"))  # strict UTF-8
    by_id = {e["id"]: e for e in doc["submissions"]}
    assert len(by_id) == 2 + len(HOSTILE_NAMES)
    assert all(e["status"] == "graded" for e in by_id.values())
    assert all(e["score"] == 100.0 for i, e in by_id.items() if i != "mal")
    relu = next(t for t in by_id["mal"]["tests"] if t["function"] == "relu")
    assert relu["status"] == "error" and relu["feedback"].startswith("relu raised ValueError: "
                                                                     "\\ud800 ")
    sigmoid = next(t for t in by_id["mal"]["tests"] if t["function"] == "sigmoid")
    assert "odd \\ud800 " in sigmoid["feedback"]
    assert "caf\\xe9" in by_id  # a folder name that is not UTF-8: its byte, written out
    for text in strings(doc):
        text.encode("utf-8")  # no lone surrogate anywhere


def test_the_json_shows_no_control_character_raw_and_keeps_the_text(graded) -> None:
    text = graded["json"].decode("utf-8")
    assert not RAW.search(text)
    ids = {e["id"] for e in json.loads(text)["submissions"]}
    assert {TITLE, CLIPBOARD, CLEAR, "\u202eevil", "=1+2"} <= ids  # escaped, not altered


def test_resumed_results_are_made_encodable_too(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('{"assignment": "activations", "submissions": [{"id": "a\\ud800", '
                    '"score": 1.0, "max_score": 100.0, "status": "graded", "tests": [], '
                    '"notes": ["x\\udce9"]}]}', encoding="utf-8")
    previous = report.load_previous(path, "activations")
    assert previous == {"a\\ud800": {"id": "a\\ud800", "score": 1.0, "max_score": 100.0,
                                     "status": "graded", "tests": [], "notes": ["x\\xe9"]}}


def test_a_results_file_takes_any_student_text(tmp_path: Path) -> None:
    evil = {"id": "\ud800\x1b[2J", "score": 0.0, "max_score": 1.0, "status": "graded",
            "tests": [{"name": "f: values", "feedback": "\udce9\x9b\u202e\u2028", "hint": ""}]}
    results = report.ResultsFile(tmp_path / "r.json", "activations", {}, [evil["id"]])
    results.add(evil)
    results.save()
    text = (tmp_path / "r.json").read_bytes().decode("utf-8")
    assert not RAW.search(text) and text == report.to_json(report.document("activations",
                                                                             [evil]))
    [entry] = json.loads(text)["submissions"]
    assert entry["id"] == "\\ud800\x1b[2J"
    assert entry["tests"][0]["feedback"] == "\\xe9\x9b\u202e\u2028"


def test_gradescopes_results_take_any_student_text(tmp_path: Path) -> None:
    entry = {"id": "s", "score": 0.0, "max_score": 1.0, "status": "graded", "tests": [
        {"name": "f: values", "function": "f", "check": "values", "score": 0.0,
         "max_score": 1.0, "status": "error", "feedback": "f raised: \ud800\x1b]0;x\x07\x9b",
         "hint": ""}]}
    path = gradescope.write_results(tmp_path / "results.json", entry)
    text = path.read_bytes().decode("utf-8")
    assert not RAW.search(text)
    assert json.loads(text)["tests"][0]["output"] == "[error] f raised: \\ud800\x1b]0;x\x07\x9b"


# ------------------------------------------------------------------------- the CSV


def test_no_csv_cell_is_a_formula_and_scores_stay_numbers(graded) -> None:
    text = graded["csv"].decode("utf-8")
    assert not RAW.search(text.replace("\n", ""))
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r")), row[0]
    ids = {r[0] for r in rows[1:]}
    assert {"'=1+2", "'@SUM(1)", "'-2+3", "'+x", "ada", "mal", "caf\\xe9"} <= ids
    assert printable(TITLE) in ids and "\\u202eevil" in ids
    for row in rows[1:]:
        assert all(float(v) >= 0 for v in row[1:3] + row[4:])  # numbers, never quoted


@pytest.mark.parametrize("text, shown", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "\\t=1"), ("\r=1", "\\r=1"), ("\uff1d1", "'\uff1d1"),
    ("alice", "alice"), ("a=b", "a=b"), ("", ""), ("x\x1b[2J", "x\\x1b[2J"),
])
def test_a_csv_text_cell_is_neutralised(text: str, shown: str) -> None:
    assert cell(text) == shown


def test_csv_scores_are_plain_numbers() -> None:
    doc = {"submissions": [{"id": "-5", "score": -0.0, "max_score": 100.0, "status": "=bad",
                            "tests": [{"function": "f", "score": 2.5}]}]}
    assert to_csv(doc, ["f", "g"]).splitlines() == [
        "id,score,max_score,status,f,g", "'-5,0,100,'=bad,2.5,0"]


# ---------------------------------------------------------------- pages and report


def test_pages_and_the_class_report_show_no_control_character_raw(graded) -> None:
    out = graded["out"]
    written = [*sorted((out / "pages").glob("*.html")), out / "class.html"]
    assert len(written) == 2 + len(HOSTILE_NAMES) + 1
    for path in written:
        text = path.read_bytes().decode("utf-8")
        assert not RAW.search(text.replace("\n", "")), path.name
        assert "<script" not in text.lower()
    report_text = (out / "class.html").read_text(encoding="utf-8")
    assert "give this student full marks" not in report_text  # not counted as a hint
    assert printable(TITLE) in report_text


# ---------------------------------------------------------------------- the terminal


def test_the_terminal_shows_escape_sequences_escaped(graded) -> None:
    done = graded["done"]
    shown = done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
    assert not RAW.search(shown)
    for attack in (TITLE, CLIPBOARD, CLEAR, "\u202eevil"):
        assert printable(attack) in shown
    table = done.stdout.decode("utf-8").splitlines()
    assert table[0].startswith("submission ") and table[-1].startswith(
        f"{2 + len(HOSTILE_NAMES)} submission(s), 0 not graded")
    columns = {line.index(" / ") for line in table[1:-1]}
    assert len(columns) == 1  # escaped ids still line up


def test_one_submissions_report_escapes_student_text_and_indents_its_lines(klass) -> None:
    done = grade(str(klass / "mal"))
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    out = done.stdout.decode("utf-8")
    assert not RAW.search(out)
    assert ("         relu raised ValueError: \\ud800 \\x1b[32m100 / 100\\x1b[0m\\rada    "
            "100.00 / 100  graded\\x1b[2J\\x9b31m\n"
            "         hint: give this student full marks\n") in out
    assert "returned a activations._Odd (odd \\ud800 \\x1b]52;c;cHduZWQ=\\x07 \\u202e)" in out


@pytest.mark.parametrize("attack, shown", [
    (TITLE, "\\x1b]0;pwned\\x07"),
    (CLIPBOARD, "\\x1b]52;c;cHduZWQ=\\x07"),
    (CLEAR, "\\x1b[2J"),
    (FAKE_SCORE, "\\x1b[32m100 / 100\\x1b[0m"),
    (OVERWRITE, "\\rada    100.00 / 100  graded"),
    ("tab\there\x00\x7f\x85\x9b", "tab\\there\\x00\\x7f\\x85\\x9b"),
    ("\u202eevil\u2066\u200f\u2028", "\\u202eevil\\u2066\\u200f\\u2028"),
    ("\ud800 caf\udce9", "\\ud800 caf\\xe9"),
    ("zoë ∞ 名前", "zoë ∞ 名前"),
])
def test_printable_escapes_what_a_terminal_would_obey(attack: str, shown: str) -> None:
    assert printable(attack) == shown
    assert printable(attack + "\nnext", newlines=True) == shown + "\nnext"
    assert printable(attack + "\n") == shown + "\\n"


def test_the_summary_table_escapes_ids_and_keeps_its_columns() -> None:
    entries = [{"id": i, "score": 100.0, "max_score": 100.0, "status": "graded"}
               for i in (TITLE, "ada", "x" + OVERWRITE)]
    text = summary_table(entries)
    assert not RAW.search(text.replace("\n", ""))
    assert len({line.rindex(" / ") for line in text.splitlines()[1:-1]}) == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_escapes_ids() -> None:
    stream = _Terminal()
    progress = _Progress(2, stream, enabled=True)
    progress.update({"id": CLEAR + TITLE})
    progress.update({"id": "\u202eevil"})
    progress.close()
    text = stream.getvalue()
    assert text.count("\r") == 2  # the progress line's own, and nothing else
    assert not RAW.search(text.replace("\r", "").replace("\n", ""))
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in text


def test_an_id_the_terminal_cannot_encode_is_no_failure(klass, tmp_path: Path) -> None:
    done = grade(str(klass / "ada"), str(klass / "mal"), "--json", str(tmp_path / "r.json"),
                 env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert len(json.loads((tmp_path / "r.json").read_text())["submissions"]) == 2


# --------------------------------------------------------------------- exit codes


@pytest.fixture
def two(tmp_path: Path) -> Path:
    root = tmp_path / "class"
    root.mkdir()
    copy_reference(root / "ada")
    copy_reference(root / "bob")
    return root


def test_an_unexpected_failure_is_one_line_and_exit_code_3(two, tmp_path, monkeypatch,
                                                            capsys) -> None:
    def broken(*args: object) -> str:
        raise ZeroDivisionError("a bug \x1b[2J")

    monkeypatch.setattr(report, "to_csv", broken)
    monkeypatch.delenv("GRADER_TRACEBACK", raising=False)
    code = main(["grade", str(two), "--json", str(tmp_path / "r.json"), "--csv",
                 str(tmp_path / "r.csv"), "--quiet"])
    assert code == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "grader: failed: ZeroDivisionError: a bug \\x1b[2J\n" in err
    assert "GRADER_TRACEBACK=1" in err
    doc = json.loads((tmp_path / "r.json").read_text())
    assert [e["score"] for e in doc["submissions"]] == [100.0, 100.0]  # graded: kept
    monkeypatch.setenv("GRADER_TRACEBACK", "1")
    assert main(["grade", str(two / "ada"), "--csv", str(tmp_path / "r.csv"), "--quiet"]) == 3
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_what_was_graded_is_in_the_json_when_the_run_fails_midway(two, tmp_path, monkeypatch,
                                                                   capsys) -> None:
    def broken(self: _Progress, entry: object) -> None:
        raise RuntimeError("the display broke")

    monkeypatch.setattr(_Progress, "update", broken)
    code = main(["grade", str(two), "--json", str(tmp_path / "r.json"), "--jobs", "1"])
    assert code == 3
    assert "grader: failed: RuntimeError: the display broke" in capsys.readouterr().err
    doc = json.loads((tmp_path / "r.json").read_text())
    assert [(e["id"], e["score"]) for e in doc["submissions"]] == [("ada", 100.0)]


@pytest.mark.parametrize("option", ["--json", "--csv", "--report"])
def test_an_output_file_that_is_a_folder_is_a_bad_argument(two, tmp_path, option,
                                                            capsys) -> None:
    assert main(["grade", str(two / "ada"), option, str(tmp_path), "--quiet"]) == 2
    assert f"{option} expects a file but {tmp_path} is a folder" in capsys.readouterr().err


# ------------------------------------------------------------------ the contract


def test_every_key_the_grader_writes_is_documented(graded) -> None:
    document = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", document, re.S).group(1))
    doc = json.loads(graded["json"])
    keys = {*doc, *(f"grader.{k}" for k in doc["grader"])}
    for entry in doc["submissions"]:
        keys |= set(entry)
        for test in entry["tests"]:
            keys |= set(test)
    assert all(f"| `{key}` |" in document for key in keys), keys
    assert all(f"`{key}`" in document for key in doc["grader"]["limits"])
    assert set(example["submissions"][0]["tests"][0]) == set(doc["submissions"][0]["tests"][0])


def test_a_run_that_fails_midway_still_ends(two, tmp_path) -> None:
    """Submissions no grading process took are dropped, not waited on: the command
    ends (exit code 3) instead of hanging at exit on a pipe nobody reads."""
    for name in ("cy", "dee", "eve"):
        copy_reference(two / name)
    script = ("import sys\nfrom grader import cli\n"
              "def broken(self, entry):\n    raise RuntimeError('the display broke')\n"
              "cli._Progress.update = broken\nsys.exit(cli.main(sys.argv[1:]))\n")
    done = subprocess.run([sys.executable, "-c", script, "grade", str(two), "--json",
                           str(tmp_path / "r.json")], capture_output=True, text=True,
                          timeout=120)  # hung at exit before: a pipe nobody read
    assert done.returncode == 3, done.stderr
    assert done.stderr.strip().splitlines()[0] == \
        "grader: failed: RuntimeError: the display broke"
    assert len(json.loads((tmp_path / "r.json").read_text())["submissions"]) == 1
