"""The journal: results keyed by what was graded, kept once, written atomically."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from grader.cluster.journal import Journal, content_key, meta, run_digest, with_id
from grader.errors import UsageError
from grader.sandbox import Limits
from grader.settings import Settings
from grader.submission import Submission

SETTINGS = Settings(assignment="activations", sandbox="landlock", limits=Limits())


def submission(sid: str = "ada", text: bytes = b"def relu(x):\n    return x\n") -> Submission:
    return Submission(sid, Path(sid), files={"activations.py": text})


def test_the_key_is_the_content_not_the_student() -> None:
    run = run_digest(SETTINGS)
    assert content_key(submission("ada"), run) == content_key(submission("bea"), run)
    assert content_key(submission(text=b"x = 1\n"), run) != content_key(submission(), run)
    noted = submission()
    noted.notes.append("big.csv left out: over 1048576 bytes")
    assert content_key(noted, run) != content_key(submission(), run)


def test_the_key_changes_with_the_layer_and_the_limits() -> None:
    key = content_key(submission(), run_digest(SETTINGS))
    other_layer = replace(SETTINGS, sandbox="bubblewrap")
    other_limits = replace(SETTINGS, limits=Limits(call_seconds=9.0))
    assert content_key(submission(), run_digest(other_layer)) != key
    assert content_key(submission(), run_digest(other_limits)) != key


def test_the_first_result_of_a_key_stays(tmp_path) -> None:
    journal = Journal(tmp_path)
    first = {"id": "ada", "score": 1.0, "status": "graded"}
    assert journal.put("ab" * 32, first)
    assert not journal.put("ab" * 32, {**first, "score": 2.0})
    assert journal.get("ab" * 32) == {"score": 1.0, "status": "graded"}  # no id: by content
    assert journal.put("ab" * 32, {**first, "score": 3.0}, replace=True)
    assert journal.get("ab" * 32)["score"] == 3.0
    assert journal.keys() == {"ab" * 32}
    assert not list(tmp_path.rglob("*.tmp"))


def test_an_entry_gets_its_id_back_first() -> None:
    entry = with_id("bea", {"score": 1.0, "max_score": 100.0, "status": "graded", "tests": []})
    assert list(entry) == ["id", "score", "max_score", "status", "tests"]
    assert entry["id"] == "bea"


def test_a_half_written_file_is_not_an_entry(tmp_path) -> None:
    journal = Journal(tmp_path)
    (tmp_path / "entries" / "cd").mkdir(parents=True)
    (tmp_path / "entries" / "cd" / ("cd" * 32 + ".json")).write_text('{"score": ')
    assert journal.get("cd" * 32) is None


def test_a_shared_journal_refuses_another_class(tmp_path) -> None:
    journal = Journal(tmp_path)
    run = run_digest(SETTINGS)
    journal.write_manifest("activations", run, meta(SETTINGS), [("ada", "k1")])
    journal.write_manifest("activations", run, meta(SETTINGS), [("ada", "k1")])  # same: fine
    with pytest.raises(UsageError, match="another class"):
        journal.write_manifest("activations", run, meta(SETTINGS), [("bea", "k2")])
    other = run_digest(replace(SETTINGS, sandbox="bubblewrap"))
    with pytest.raises(UsageError, match="other settings"):
        journal.write_manifest("activations", other, meta(SETTINGS), [("ada", "k1")])
    journal.write_manifest("activations", other, meta(SETTINGS), [("bea", "k2")], shared=False)
    assert json.loads((tmp_path / "manifest.json").read_text())["submissions"] == [["bea", "k2"]]
