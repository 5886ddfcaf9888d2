"""Write the student bundle of an assignment: stubs, README and public tests.

What is shipped is data, not code: each assignment folder holds an
``assignment.toml`` manifest with two lists of paths relative to the folder,

    student_files = ["activations.py", ...]   # the stubs students complete
    public = ["README.md", "tests/test_*.py", ...]   # everything else they receive

``public`` entries may be glob patterns. Whatever the manifest says, nothing under
``grading/`` (hidden tests, rubric) or ``examples/`` (example submissions) is ever
shipped, and neither are caches (``__pycache__``, ``*.pyc``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path, PurePosixPath

from grader.assignment import (  # noqa: F401 - assignment_dir and friends: re-exported
    MANIFEST,
    Assignment,
    assignment_dir,
    assignments_root,
    available_assignments,
)
from grader.errors import GraderError, UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

NEVER_SHIPPED = frozenset({"grading", "examples"})
CACHES = frozenset({"__pycache__", ".pytest_cache", ".ipynb_checkpoints"})


def manifest_files(folder: Path) -> list[PurePosixPath]:
    """The files the manifest of ``folder`` ships, relative to it, sorted.

    Raises :class:`GraderError` when the manifest is missing or malformed, names a
    file that does not exist, or points outside the folder or into a folder that is
    never shipped.
    """
    path = folder / MANIFEST
    try:
        manifest = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise GraderError(f"Cannot read the release manifest {path}: {error}") from error

    files: set[PurePosixPath] = set()
    for key in ("student_files", "public"):
        entries = manifest.get(key)
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise GraderError(
                f"Expected a list of paths but got {key}={entries!r} "
                f"(type={type(entries).__name__}) in {path}"
            )
        for entry in entries:
            files.update(_expand(folder, entry, key, path))
    return sorted(files)


def _expand(folder: Path, entry: str, key: str, manifest: Path) -> list[PurePosixPath]:
    """The files one manifest entry names (a path or a glob pattern)."""
    pattern = PurePosixPath(entry)
    where = f"{key} entry {entry!r} in {manifest}"
    if pattern.is_absolute() or ".." in pattern.parts or "\\" in entry or not entry:
        raise GraderError(f"The {where} must be a relative path inside {folder}")
    if pattern.parts[0] in NEVER_SHIPPED:
        raise GraderError(f"The {where} points into {pattern.parts[0]}/, which is never shipped")

    matches = sorted(folder.glob(entry)) if _is_glob(entry) else [folder / entry]
    found = []
    for match in matches:
        relative = PurePosixPath(match.relative_to(folder).as_posix())
        if not match.is_file() or CACHES & set(relative.parts) or relative.suffix == ".pyc":
            continue
        if NEVER_SHIPPED & set(relative.parts[:-1]):
            raise GraderError(f"The {where} matches {relative}, which is never shipped")
        found.append(relative)
    if not found:
        raise GraderError(f"The {where} names no file")
    return found


def _is_glob(entry: str) -> bool:
    return any(char in entry for char in "*?[")


def release(assignment: str, out_dir: Path, *, root: Path | None = None) -> list[Path]:
    """Write the student bundle of ``assignment`` into ``out_dir``.

    ``out_dir`` is created if needed and must otherwise be empty. Returns the written
    files (inside ``out_dir``), sorted. ``root`` is the folder holding the
    assignments (default: :func:`assignments_root`).
    """
    folder = Assignment.load(assignment, root).folder  # a clear error if inconsistent
    files = manifest_files(folder)  # validate everything before writing anything
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise UsageError(
            f"Expected a new or empty folder for the bundle but got out_dir={str(out_dir)!r} "
            "(it exists and is not an empty folder; choose another folder or empty it first)"
        )
    written = []
    for relative in files:
        target = out_dir.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder.joinpath(*relative.parts), target)
        written.append(target)
    return written
