"""The --json file: written as entries arrive, the same bytes as the whole document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.report import ResultsFile, document, to_json

META = {"version": "0.1.0", "sandbox": "landlock", "limits": {"memory_bytes": 1 << 30}}


def entry(name: str, score: float, feedback: str = "") -> dict:
    return {"id": name, "score": score, "max_score": 100.0, "status": "graded",
            "tests": [{"name": "relu: values", "function": "relu", "check": "values",
                       "score": score / 2, "max_score": 50.0, "status": "failed",
                       "feedback": feedback},
                      {"name": "relu: kink", "function": "relu", "check": "kink",
                       "score": 0.0, "max_score": 0.5, "status": "passed", "feedback": ""}],
            "notes": ["one", "two"], "empty": {}, "none": [], "flag": None}


@pytest.mark.parametrize("meta", [META, None, {}])
@pytest.mark.parametrize("arrived", [[], ["bo"], ["cy", "al", "bo"]])
def test_the_text_is_the_whole_documents_json_byte_for_byte(meta, arrived) -> None:
    order = ["al", "bo", "cy"]
    made = {"al": entry("al", 100.0),
            "bo": entry("bo", 12.5, "x = -0.0: got 1e-300, ok: ∞ \"q\"\n2"),
            "cy": entry("cy", 0.0, "tab\there")}
    results = ResultsFile(None, "activations", meta, order)
    for name in arrived:
        results.add(made[name])
    expected = document("activations", [made[n] for n in order if n in arrived], meta)
    assert results.text() == to_json(expected)
    assert json.loads(results.text()) == expected


def test_an_entry_outside_the_order_comes_last_and_a_regrade_replaces(tmp_path: Path) -> None:
    results = ResultsFile(tmp_path / "r.json", "activations", META, ["al", "bo"])
    results.add(entry("zed", 1.0))
    results.add(entry("bo", 2.0))
    results.add(entry("bo", 3.0))
    results.save()
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [(e["id"], e["score"]) for e in doc["submissions"]] == [("bo", 3.0), ("zed", 1.0)]
    assert not list(tmp_path.glob(".r.json.*"))  # the atomic write left no temporary file
