"""Finding submissions and reading their files: folders, zips, class folders.

A submission is read into memory (name -> bytes) on the trusted side, with caps
on sizes and counts, and handed to the worker over its channel; student code
never sees where the submission came from. Anything unreadable becomes a
:class:`Submission` with an ``error``, so the rest of the class is still graded.
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

FILE_CAP = 1 << 20  # bytes of one file
TOTAL_CAP = 8 << 20  # bytes of one submission
COUNT_CAP = 200  # files in one submission
DEPTH_CAP = 3  # folder levels inside a submission
SKIPPED_DIRS = frozenset({"__pycache__", ".ipynb_checkpoints", ".git", "__MACOSX"})


@dataclass
class Submission:
    id: str
    source: Path
    files: dict[str, bytes] = field(default_factory=dict)
    error: str = ""  # why nothing could be graded
    notes: list[str] = field(default_factory=list)  # files left out, and why


def discover(paths: Iterable[Path], student_files: Iterable[str]) -> list[Submission]:
    """One Submission per submission found under ``paths`` (SPEC section 3)."""
    student_files = tuple(student_files)
    found: list[Submission] = []
    for path in paths:
        if not path.exists():
            found.append(Submission(path.name or str(path), path,
                                    error=f"{path} does not exist"))
        elif path.is_dir() and not _is_submission_dir(path, student_files):
            children = sorted(p for p in path.iterdir()
                              if not p.name.startswith(".") and p.name not in SKIPPED_DIRS
                              and (p.is_dir() or p.suffix in (".zip", ".ipynb")))
            if not children:
                found.append(Submission(path.name, path, error=(
                    f"{path} holds none of {', '.join(student_files)} and no sub-folders, "
                    "zips or notebooks to grade")))
            found.extend(read(child, student_files) for child in children)
        else:
            found.append(read(path, student_files))
    _deduplicate_ids(found)
    return found


def _is_submission_dir(path: Path, student_files: tuple[str, ...]) -> bool:
    return any((path / name).is_file() for name in student_files)


def _deduplicate_ids(found: list[Submission]) -> None:
    seen: dict[str, int] = {}
    for submission in found:
        if submission.id in seen:
            seen[submission.id] += 1
            submission.id = f"{submission.id}-{seen[submission.id]}"
        else:
            seen[submission.id] = 1


def read(path: Path, student_files: Iterable[str]) -> Submission:
    """Read one submission: a folder, a .zip of one, or (later) a notebook."""
    sid = path.stem if path.is_file() else path.name
    submission = Submission(sid, path)
    try:
        if path.is_dir():
            _read_dir(path, submission)
        elif path.suffix == ".zip":
            _read_zip(path, submission)
        elif path.suffix == ".ipynb":
            from grader.notebook import read_notebook

            read_notebook(path, submission)
        else:
            submission.error = (f"{path.name} is not a submission: expected a folder, a .zip "
                                "or a .ipynb notebook")
    except SubmissionReadError as exc:
        submission.error = str(exc)
        submission.files.clear()
    if not submission.error and not any(n in submission.files for n in student_files):
        submission.error = (f"{path.name} holds none of the files to grade "
                            f"({', '.join(student_files)})")
    return submission


class SubmissionReadError(Exception):
    pass


def _add(submission: Submission, name: str, data: bytes) -> None:
    if len(data) > FILE_CAP:
        if name.endswith(".py"):
            raise SubmissionReadError(
                f"{name} is {len(data)} bytes; a file may be at most {FILE_CAP} bytes")
        submission.notes.append(f"{name} left out: over {FILE_CAP} bytes")
        return
    if len(submission.files) >= COUNT_CAP:
        raise SubmissionReadError(f"more than {COUNT_CAP} files")
    if sum(map(len, submission.files.values())) + len(data) > TOTAL_CAP:
        raise SubmissionReadError(f"more than {TOTAL_CAP} bytes of files in all")
    submission.files[name] = data


def _safe_name(parts: tuple[str, ...]) -> bool:
    return (0 < len(parts) <= DEPTH_CAP + 1
            and not any(p in ("", ".", "..") or p.startswith(".") or p in SKIPPED_DIRS
                        for p in parts))


def _read_dir(root: Path, submission: Submission) -> None:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).parts
        if not _safe_name(relative):
            continue
        if path.is_symlink():
            submission.notes.append(f"{'/'.join(relative)} left out: a symbolic link")
            continue
        if path.is_file():
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise SubmissionReadError(f"cannot read {'/'.join(relative)}: {exc}") from None
            _add(submission, "/".join(relative), data)


def _read_zip(path: Path, submission: Submission) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionReadError(f"{path.name} is not a readable zip file ({exc})") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()
                   and not m.filename.startswith("__MACOSX/")]
        names = [PurePosixPath(m.filename.replace("\\", "/")) for m in members]
        prefix = _common_folder(names)
        for member, name in zip(members, names, strict=True):
            parts = name.parts[len(prefix):]
            if name.is_absolute() or ".." in name.parts:
                submission.notes.append(f"{member.filename} left out: path leaves the zip")
                continue
            if stat.S_ISLNK(member.external_attr >> 16):
                submission.notes.append(f"{member.filename} left out: a symbolic link")
                continue
            if not _safe_name(parts):
                continue
            if member.file_size > FILE_CAP:
                _add(submission, "/".join(parts), b"\0" * (FILE_CAP + 1))
                continue
            try:
                with archive.open(member) as handle:
                    data = handle.read(FILE_CAP + 1)  # never trust the declared size
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                raise SubmissionReadError(
                    f"{path.name}: cannot extract {member.filename} ({exc})") from None
            _add(submission, "/".join(parts), data)


def _common_folder(names: list[PurePosixPath]) -> tuple[str, ...]:
    """The one folder every member sits in (zips made by 'compress folder'), if any."""
    if not names or any(len(n.parts) < 2 for n in names):
        return ()
    first = names[0].parts[0]
    if all(n.parts[0] == first for n in names) and first not in ("..", "/"):
        return (first,)
    return ()
