"""The result journal: one file per graded content, written atomically as results arrive.

A result is a function of what was graded, not of who handed it in or where it ran: the
submission's bytes (files, notes, the reason it cannot be graded), the assignment (its
hidden suites, rubric, stubs), the grader's code, and the settings that change a score
(the sandbox layer, the limits). :func:`content_key` hashes all of these; the journal keeps
the entry under that key, without its ``id``, which the client puts back. So:

- killing the client loses nothing that arrived: ``--resume`` grades only the keys the
  journal lacks;
- a result that arrives twice (a Dask worker lost after finishing, a shard run again) is
  kept once: the first file written for a key stays (:meth:`Journal.put` links the new
  file into place, which fails if one is there);
- changing a hidden test, the grader, a limit or the layer changes every key: nothing stale
  is reused.

Layout of a journal folder::

    manifest.json             the class: ids in order with their keys, the grader meta
    entries/ab/abcd....json   one entry (JSON, no "id") per key
    shards/2-of-8.json        written by a shard when its slice is done
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import grader
from grader import __version__
from grader.errors import UsageError
from grader.report import grader_meta
from grader.settings import Settings
from grader.submission import Submission

FORMAT = "activation-grader journal 1"
SKIPPED = frozenset({"__pycache__", "examples", ".pytest_cache"})


def _hasher(*parts: str | bytes) -> Any:
    digest = hashlib.sha256()
    for part in parts:
        _feed(digest, part)
    return digest


def _feed(digest: Any, part: str | bytes) -> None:
    data = part.encode() if isinstance(part, str) else part
    digest.update(len(data).to_bytes(8, "big") + data)  # length-prefixed: no ambiguity


def _tree_digest(root: Path, digest: Any, skip: frozenset[str] = SKIPPED) -> None:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(p in skip or p.startswith(".") for p in relative.parts) or not path.is_file():
            continue
        if path.suffix in (".pyc", ".pyo"):
            continue
        _feed(digest, relative.as_posix())
        _feed(digest, path.read_bytes())


# What does not decide a score: front ends and what is made of the results.
PRESENTATION = frozenset({"cli.py", "report.py", "release.py", "gradescope.py", "pages", "plots",
                          "nbgrader", "cluster", "__main__.py"})


@functools.cache
def grader_digest() -> str:
    """The grader's version and a hash of its grading code (the engine, not its front ends)
    and of the reference solution (which the hidden suites compare against): two machines
    with the same digest grade alike."""
    digest = _hasher(FORMAT, __version__)
    package = Path(grader.__file__).resolve().parent
    _tree_digest(package, digest, SKIPPED | PRESENTATION)
    import reference

    _tree_digest(Path(reference.__file__).resolve().parent, digest)
    return f"{__version__}+{digest.hexdigest()[:16]}"


@functools.cache
def assignment_digest(assignment: str, root: Path | None = None) -> str:
    """A hash of the assignment as graded: its hidden suites, rubric, stubs and public
    tests (not the example submissions)."""
    folder = Settings(assignment=assignment, root=root).folder
    digest = _hasher(FORMAT, assignment)
    _tree_digest(folder, digest)
    return digest.hexdigest()[:16]


def run_digest(settings: Settings) -> str:
    """Everything besides the submission that a result depends on."""
    limits = json.dumps(asdict(settings.limits), sort_keys=True)
    return _hasher(FORMAT, grader_digest(), settings.assignment,
                   assignment_digest(settings.assignment, settings.root),
                   settings.sandbox, limits).hexdigest()


def content_key(submission: Submission, run: str) -> str:
    """The journal key of ``submission`` graded in the run ``run`` (:func:`run_digest`)."""
    digest = _hasher(run, submission.error, json.dumps(submission.notes))
    for name in sorted(submission.files):
        _feed(digest, name)
        _feed(digest, submission.files[name])
    return digest.hexdigest()


def meta(settings: Settings) -> dict[str, Any]:
    """The ``grader`` object of the results JSON, as ``grader grade`` writes it."""
    return grader_meta(settings)


def without_id(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "id"}


def with_id(sid: str, stored: Mapping[str, Any]) -> dict[str, Any]:
    """The entry of submission ``sid`` from a journal entry (``id`` first, as graded)."""
    return {"id": sid, **without_id(stored)}


def _write_new(path: Path, text: str, *, replace: bool) -> bool:
    """Write ``text`` to ``path`` atomically; unless ``replace``, only if ``path`` does not
    exist yet (True if this call wrote it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if replace:
            os.replace(temporary, path)
            return True
        try:
            os.link(temporary, path)  # fails if the key is already there: the first one stays
        except FileExistsError:
            return False
        return True
    finally:
        Path(temporary).unlink(missing_ok=True)


class Journal:
    """A journal folder (see the module's docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / "entries" / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The entry under ``key`` (without its id), or None."""
        try:
            text = self._path(key).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            value = json.loads(text)
        except ValueError:  # not written by us (writes are atomic): as if absent
            return None
        return value if isinstance(value, dict) else None

    def put(self, key: str, entry: Mapping[str, Any], *, replace: bool = False) -> bool:
        """Keep ``entry`` under ``key``; an entry already there stays unless ``replace``.
        True if this call wrote it."""
        text = json.dumps(without_id(entry), ensure_ascii=False, allow_nan=True)
        return _write_new(self._path(key), text + "\n", replace=replace)

    def keys(self) -> set[str]:
        folder = self.folder / "entries"
        if not folder.is_dir():
            return set()
        return {p.stem for p in folder.glob("*/*.json")}

    def count(self, keys: Iterable[str]) -> int:
        have = self.keys()
        return sum(1 for k in set(keys) if k in have)

    # --- the class this journal is for --------------------------------------------------
    def write_manifest(self, assignment: str, run: str, grader_meta: Mapping[str, Any],
                       submissions: Sequence[tuple[str, str]], *, shared: bool = True) -> None:
        """Record the class (ids in order, with keys) and its run. ``shared`` (shards): the
        journal holds one class and run, and an existing manifest of another class or other
        settings is an error; else the manifest is replaced (the entries, keyed by content,
        serve any class)."""
        manifest = {"format": FORMAT, "assignment": assignment, "run": run,
                    "grader": dict(grader_meta), "submissions": [list(s) for s in submissions]}
        text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
        existing = self.manifest() if shared else None
        if existing is not None and existing != json.loads(text):
            what = ("other settings (grader, assignment, sandbox layer or limits: "
                    f"{existing.get('grader')})" if existing.get("run") != run
                    else "another class")
            raise UsageError(f"the journal {self.folder} holds results of {what}; use another "
                             "--journal folder (or delete this one)")
        if existing is None:
            _write_new(self.folder / "manifest.json", text, replace=True)

    def manifest(self) -> dict[str, Any] | None:
        try:
            return dict(json.loads((self.folder / "manifest.json").read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except ValueError as exc:
            raise UsageError(f"{self.folder}/manifest.json is not a journal manifest "
                             f"({exc})") from None

    def mark_shard(self, index: int, count: int, info: Mapping[str, Any]) -> None:
        text = json.dumps(dict(info), indent=1, ensure_ascii=False) + "\n"
        _write_new(self.folder / "shards" / f"{index}-of-{count}.json", text, replace=True)

    def shards(self) -> Iterator[tuple[int, int]]:
        for path in sorted((self.folder / "shards").glob("*-of-*.json")):
            index, _, count = path.stem.partition("-of-")
            if index.isdigit() and count.isdigit():
                yield int(index), int(count)
