"""Issue 10, done when: a class holding one of each hostile file plus one honest student
is graded by the real command, the honest student scores 100, every hostile entry is
in every output with its reason, and every output is written."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from grader.pages import page_names
from tests.grader import hostile_files as hostile

DEEP_PY = "\n\ny = " + "-" * 20_000 + "1\n"  # the student's own file: compiled by the worker

REFUSED = {  # id: words of the reason
    "bad-deflate": ["corrupt"],
    "bad-name": ["not valid UTF-8"],
    "nested-json": ["nested too deeply"],
    "dev-zero": ["symbolic link"],
    "fifo": ["named pipe (FIFO)"],
    "mallory": ["symbolic link", "never followed"],
    "copycat": ["symbolic link", "never followed"],
}
NOTED = {  # id: words of its note
    "surrogate": "not valid Unicode",
    "deep-expression": "nested too deeply for Python's parser",
    "sparse": "weights.npy left out",
    "deep-folders": "nested more than 3 folders deep",
    "links": "100000 entries left out: 100000 symbolic links",
}
GRADED = {"ada", "\\xff\\xfe", "carol", "carol-2", "carol-3", "deep-py", *NOTED}


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("class")
    ada = hostile.honest(root / "ada")
    hostile.corrupt_zip(root / "bad-deflate.zip")
    hostile.bad_utf8_zip(root / "bad-name.zip")
    hostile.nested_json_notebook(root / "nested-json.ipynb")
    hostile.surrogate_notebook(root / "surrogate.ipynb")
    hostile.deep_expression_notebook(root / "deep-expression.ipynb")
    hostile.zero_link(root / "dev-zero.ipynb")
    hostile.fifo(root / "fifo.ipynb")
    hostile.sparse_file_folder(root / "sparse")
    hostile.deep_folder(root / "deep-folders")
    hostile.non_utf8_folder(root)
    hostile.link_to(root / "mallory", hostile.REFERENCE)
    hostile.link_to(root / "copycat", ada)
    (root / "carol").mkdir()
    (root / "carol" / "activations.py").write_text(hostile.RELU)
    hostile.small_zip(root / "carol.zip", **{"activations.py": hostile.RELU})
    hostile.small_zip(root / "carol-2.zip", **{"activations.py": hostile.RELU})
    hostile.many_links_zip(root / "links.zip")
    deep_py = hostile.honest(root / "deep-py")
    with open(deep_py / "activations.py", "a") as handle:
        handle.write(DEEP_PY)
    yield root
    hostile.remove_tree(root / "deep-folders")


@pytest.fixture(scope="module")
def graded(klass, tmp_path_factory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("out")
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(klass), "--json", str(out / "r.json"),
         "--csv", str(out / "r.csv"), "--html", str(out / "pages"),
         "--report", str(out / "class.html"), "--quiet"],
        capture_output=True, timeout=900)
    return {"done": done, "out": out}


def test_the_class_is_graded_with_exit_code_1_and_no_traceback(graded) -> None:
    done = graded["done"]
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 1, stderr
    assert "Traceback" not in stderr, stderr
    for sid in REFUSED:
        assert f"grader: {sid} could not be graded: " in stderr


def test_the_honest_student_scores_100_and_every_hostile_entry_has_its_reason(graded) -> None:
    doc = json.loads((graded["out"] / "r.json").read_bytes().decode("utf-8"))  # strict
    by_id = {e["id"]: e for e in doc["submissions"]}
    assert len(by_id) == len(doc["submissions"]) == len(REFUSED) + len(GRADED)
    assert set(by_id) == set(REFUSED) | GRADED
    assert (by_id["ada"]["status"], by_id["ada"]["score"]) == ("graded", 100.0)
    for sid, words in REFUSED.items():
        entry = by_id[sid]
        assert entry["status"] == "error" and entry["score"] == 0
        assert "\n" not in entry["feedback"]
        for word in words:
            assert word in entry["feedback"], (sid, entry["feedback"])
    for sid, words in NOTED.items():
        entry = by_id[sid]
        assert entry["status"] == "graded", (sid, entry.get("feedback"))
        assert any(words in note for note in entry["notes"]), (sid, entry["notes"])
    assert len(by_id["links"]["notes"]) == 1
    # the parser's limits cost the deep notebook only its deep cells: the rest is the
    # reference, imported by the worker from the files made of the cells
    assert by_id["deep-expression"]["score"] == 100.0
    for sid in ("carol", "carol-2", "carol-3", "sparse", "deep-folders", "\\xff\\xfe"):
        [values] = [t for t in by_id[sid]["tests"] if (t["function"], t["check"]) == (
            "relu", "values")]
        assert values["status"] == "passed", sid  # its files were read
    # a file too deep for Python's compiler is the student's own import error
    sigmoid = [t for t in by_id["deep-py"]["tests"] if t["function"] == "sigmoid"]
    assert sigmoid and all(t["status"] != "passed" for t in sigmoid)
    assert sigmoid[0]["feedback"].startswith("activations.py could not be imported")
    assert "nested thousands of levels deep" in sigmoid[0]["feedback"]  # says why


def test_the_csv_has_a_row_per_entry(graded) -> None:
    rows = list(csv.DictReader(io.StringIO((graded["out"] / "r.csv").read_bytes()
                                           .decode("utf-8"))))
    assert {r["id"] for r in rows} == set(REFUSED) | GRADED
    assert len(rows) == len(REFUSED) + len(GRADED)


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(path: Path) -> str:
    parser = _Parsed()
    parser.feed(path.read_bytes().decode("utf-8"))
    parser.close()
    return "".join(parser.text)


def test_every_page_and_the_class_report_are_written(graded) -> None:
    out = graded["out"]
    doc = json.loads((out / "r.json").read_text(encoding="utf-8"))
    names = page_names(e["id"] for e in doc["submissions"])
    assert sorted(os.listdir(out / "pages")) == sorted(names.values())
    for entry in doc["submissions"]:
        text = parsed(out / "pages" / names[entry["id"]])
        if entry["status"] == "error":
            assert entry["feedback"][:40] in " ".join(text.split())
    report = parsed(out / "class.html")
    assert "ada" in report and "copycat" in report
