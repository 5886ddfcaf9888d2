"""Grading without a scheduler: shards into one journal, then `grader merge`."""

from __future__ import annotations

import json

from tests.grader.cluster.conftest import grader, journal_files


def test_shards_and_a_merge_give_the_bytes_of_a_single_run(single, tmp_path) -> None:
    journal = tmp_path / "journal"
    for index in (1, 2):
        done = grader("grade", single.klass, "--shard", f"{index}/2", "--journal", journal)
        assert done.returncode == 0, done.stderr
    merged = grader("merge", journal, "--json", tmp_path / "r.json", "--csv", tmp_path / "r.csv",
                    "--quiet")
    assert merged.returncode == single.code, merged.stderr
    assert (tmp_path / "r.json").read_bytes() == single.json
    assert (tmp_path / "r.csv").read_bytes() == single.csv
    assert len(journal_files(journal)) == 8  # 9 submissions, the twins are one content
    shards = sorted(p.name for p in (journal / "shards").iterdir())
    assert shards == ["1-of-2.json", "2-of-2.json"]
    graded = [json.loads((journal / "shards" / s).read_text())["graded"] for s in shards]
    assert sum(graded) == 8  # disjoint slices: each content graded by one shard

    again = grader("grade", single.klass, "--shard", "2/2", "--journal", journal)
    assert again.returncode == 0 and "0 graded" in again.stderr  # a rerun grades nothing


def test_a_merge_with_a_shard_missing_names_what_is_missing(single, tmp_path) -> None:
    journal = tmp_path / "journal"
    done = grader("grade", single.klass, "--shard", "1/3", "--journal", journal, "--quiet")
    assert done.returncode == 0, done.stderr
    merged = grader("merge", journal, "--json", tmp_path / "r.json")
    assert merged.returncode == 3
    assert "have no result" in merged.stderr and "shards done: 1 of 3" in merged.stderr
    assert not (tmp_path / "r.json").exists()


def test_a_shard_writes_only_the_journal(single, tmp_path) -> None:
    done = grader("grade", single.klass, "--shard", "1/2", "--journal", tmp_path / "j",
                  "--json", tmp_path / "r.json")
    assert done.returncode == 2 and "grader merge" in done.stderr
    done = grader("grade", single.klass, "--shard", "3/2", "--journal", tmp_path / "j")
    assert done.returncode == 2 and "1 <= I <= N" in done.stderr
    done = grader("grade", single.klass, "--shard", "1/2")
    assert done.returncode == 2 and "--journal" in done.stderr


def test_a_merge_shows_a_hostile_id_escaped_and_writes_its_entry(tmp_path) -> None:
    klass = tmp_path / "class"
    hostile = klass / "\x1b]0;pwned\x07\x1b[2J"  # window title, clear screen
    hostile.mkdir(parents=True)
    (hostile / "notes.txt").write_text("none of the files to grade: an error entry")
    journal = tmp_path / "journal"
    done = grader("grade", klass, "--shard", "1/1", "--journal", journal, "--quiet")
    assert done.returncode == 0, done.stderr  # a shard writes the journal, entries and errors
    merged = grader("merge", journal, "--json", tmp_path / "r.json", "--csv", tmp_path / "r.csv")
    assert merged.returncode == 1  # a submission not graded
    assert "\x1b" not in merged.stdout + merged.stderr and "\x07" not in merged.stderr
    escaped = "\\x1b]0;pwned\\x07\\x1b[2J"
    assert f"grader: {escaped} could not be graded" in merged.stderr, merged.stderr
    [entry] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["submissions"]
    assert entry["id"] == hostile.name and entry["status"] == "error"


def test_a_lone_surrogate_in_student_text_does_not_stop_a_shard(tmp_path) -> None:
    from tests.grader.test_outputs import MAL, RAW, copy_reference

    klass = tmp_path / "class"
    klass.mkdir()
    copy_reference(klass / "mal", MAL)
    copy_reference(klass / "honest")
    journal = tmp_path / "journal"
    done = grader("grade", klass, "--shard", "1/1", "--journal", journal, "--quiet")
    assert done.returncode == 0, done.stderr
    merged = grader("merge", journal, "--json", tmp_path / "r.json", "--quiet")
    assert merged.returncode == 0, merged.stderr
    text = (tmp_path / "r.json").read_text(encoding="utf-8")
    by_id = {e["id"]: e for e in json.loads(text)["submissions"]}
    assert by_id["honest"]["score"] == 100.0
    relu = [t for t in by_id["mal"]["tests"] if t["function"] == "relu"]
    assert relu and all(t["score"] == 0.0 for t in relu)
    assert "\\ud800" in relu[0]["feedback"]  # the lone surrogate, written as text
    assert not RAW.search(text)  # and the file holds nothing raw
