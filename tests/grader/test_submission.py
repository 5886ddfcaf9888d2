"""Reading submissions: folders, zips and class folders, and every way they go wrong."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from grader.submission import FILE_CAP, discover, read

FILES = ("activations.py", "derivatives.py", "initializers.py", "dead_relu.py")


def make(folder: Path, **files: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = folder / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def test_a_folder_is_one_submission_with_its_files_and_helpers(tmp_path) -> None:
    make(tmp_path / "alice", **{"activations.py": b"x = 1", "helpers.py": b"", "data__w.txt": b"1"})
    (tmp_path / "alice" / "__pycache__").mkdir()
    (tmp_path / "alice" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    [sub] = discover([tmp_path / "alice"], FILES)
    assert sub.id == "alice" and not sub.error
    assert sorted(sub.files) == ["activations.py", "data/w.txt", "helpers.py"]


def test_a_class_folder_gives_one_submission_per_student(tmp_path) -> None:
    make(tmp_path / "class" / "bob", **{"relu.py": b"", "activations.py": b""})
    make(tmp_path / "class" / "carol", **{"dead_relu.py": b""})
    with zipfile.ZipFile(tmp_path / "class" / "dave.zip", "w") as archive:
        archive.writestr("dave/activations.py", "x = 1")
    subs = discover([tmp_path / "class"], FILES)
    assert [s.id for s in subs] == ["bob", "carol", "dave"]
    assert all(not s.error for s in subs)
    assert subs[2].files == {"activations.py": b"x = 1"}  # the zip's one folder is dropped


def test_an_empty_or_unrelated_folder_is_an_error_not_a_crash(tmp_path) -> None:
    make(tmp_path / "class" / "erin", **{"notes.txt": b"hello"})
    (tmp_path / "class" / "frank").mkdir()
    subs = discover([tmp_path / "class"], FILES)
    assert [s.id for s in subs] == ["erin", "frank"]
    assert all("holds none of the files to grade" in s.error for s in subs)
    [missing] = discover([tmp_path / "nope"], FILES)
    assert "does not exist" in missing.error


def test_a_broken_zip_is_reported(tmp_path) -> None:
    (tmp_path / "gina.zip").write_bytes(b"PK\x03\x04 not really a zip")
    sub = read(tmp_path / "gina.zip", FILES)
    assert sub.id == "gina" and "not a readable zip file" in sub.error


def test_zip_paths_that_leave_the_folder_and_symlinks_are_left_out(tmp_path) -> None:
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as archive:
        archive.writestr("activations.py", "x = 1")
        archive.writestr("../../escape.py", "x = 2")
        archive.writestr("/etc/cron.d/x", "x = 3")
        link = zipfile.ZipInfo("derivatives.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    sub = read(tmp_path / "evil.zip", FILES)
    assert sub.files == {"activations.py": b"x = 1"}
    assert any("leaves the zip" in note for note in sub.notes)
    assert any("symbolic link" in note for note in sub.notes)
    assert not (tmp_path.parent / "escape.py").exists()


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path) -> None:
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activations.py", b"#" * (200 * FILE_CAP))
    assert (tmp_path / "bomb.zip").stat().st_size < FILE_CAP
    sub = read(tmp_path / "bomb.zip", FILES)
    assert "at most" in sub.error and not sub.files


def test_a_huge_source_file_is_an_error_and_a_huge_data_file_is_left_out(tmp_path) -> None:
    make(tmp_path / "big", **{"activations.py": b"#" * (FILE_CAP + 1)})
    assert "at most" in read(tmp_path / "big", FILES).error
    make(tmp_path / "data", **{"activations.py": b"", "w.npy": b"\0" * (FILE_CAP + 1)})
    sub = read(tmp_path / "data", FILES)
    assert not sub.error and "w.npy" not in sub.files and sub.notes


def test_symlinks_in_a_folder_are_not_followed(tmp_path) -> None:
    secret = make(tmp_path / "secret", **{"answers.py": b"SECRET"})
    sub_dir = make(tmp_path / "hank", **{"activations.py": b""})
    (sub_dir / "derivatives.py").symlink_to(secret / "answers.py")
    sub = read(sub_dir, FILES)
    assert "derivatives.py" not in sub.files


def test_duplicate_ids_are_made_unique(tmp_path) -> None:
    a = make(tmp_path / "a" / "ivan", **{"activations.py": b""})
    b = make(tmp_path / "b" / "ivan", **{"activations.py": b""})
    assert [s.id for s in discover([a, b], FILES)] == ["ivan", "ivan-2"]
