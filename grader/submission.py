"""Finding submissions and reading their files: folders, zips, class folders.

A submission is read into memory (name -> bytes) on the trusted side, with caps
on sizes and counts, and handed to the worker over its channel; student code
never sees where the submission came from. Anything unreadable becomes a
:class:`Submission` with an ``error``, so the rest of the class is still graded.

What reading promises, whatever the files (docs/threat-model.md):

* **Links.** An entry of a class folder that is a symbolic link is refused (an
  error entry): it may point at a classmate's folder or at the reference. Links
  inside a submission, in a folder or a zip, are left out with a note. Only a
  path a person names (on the command line) is followed, and only that path.
* **Types.** Only regular files are read. Types are checked with ``lstat`` before
  anything is opened, and again with ``fstat`` on a descriptor opened with
  ``O_NONBLOCK`` (and ``O_NOFOLLOW`` inside a class folder), so a FIFO, a device or a
  socket never blocks the run.
* **Sizes.** Sizes are checked before reading, and no read takes more than its cap
  + 1 bytes, so a sparse file costs nothing and a file whose size is only known
  once read (or that grows meanwhile) is still caught. A folder is walked only
  ``DEPTH_CAP`` folders deep and at most ``ENTRY_CAP`` entries of a folder are looked
  at; a zip's list of members is read only when it is at most ``DIRECTORY_CAP`` bytes
  (some 350,000 members), and a member is inflated only to ``FILE_CAP`` + 1 bytes.
* **Names.** Ids are text: bytes of a name that are not UTF-8 are shown escaped
  (``\\xff``), and no two submissions share an id. Files whose names are not UTF-8
  are left out. Entries left out are noted one by one while they are few, in one
  summarised note when they are many.
* **Failures.** Whatever else goes wrong while reading one submission (a corrupt
  deflate stream, a parser's ``RecursionError`` or ``MemoryError``) becomes that
  submission's one-line ``error``: :func:`discover` and :func:`read` never raise.
"""

from __future__ import annotations

import errno
import os
import stat
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

FILE_CAP = 1 << 20  # bytes of one file
TOTAL_CAP = 8 << 20  # bytes of one submission
COUNT_CAP = 200  # files in one submission
DEPTH_CAP = 3  # folder levels inside a submission
ENTRY_CAP = 200_000  # entries of a class folder or a submission folder looked at
DIRECTORY_CAP = 16 << 20  # bytes of a zip's central directory (its list of members)
NOTE_CAP = 10  # notes of one kind listed one by one; more are summarised
SKIPPED_DIRS = frozenset({"__pycache__", ".ipynb_checkpoints", ".git", "__MACOSX"})
KINDS = (".zip", ".ipynb")  # the files in a class folder that are submissions


@dataclass
class Submission:
    id: str
    source: Path
    files: dict[str, bytes] = field(default_factory=dict)
    error: str = ""  # why nothing could be graded
    notes: list[str] = field(default_factory=list)  # files left out, and why


class SubmissionReadError(Exception):
    pass


def shown(text: str) -> str:
    """``text`` (a file name, or text a student wrote) as encodable text: the bytes of a
    name that are not UTF-8 (which Python keeps as lone surrogates) shown as ``\\xff``,
    and any other lone surrogate as ``\\ud800``."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line, at most about ``limit`` characters, encodable."""
    text = " ".join(shown(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


# --- finding submissions -------------------------------------------------------------


Layout = tuple[str, ...] | Mapping[str, str]


def _files(layout: Layout) -> tuple[str, ...]:
    """The student files of a layout: a tuple of them, or graded function -> file."""
    return tuple(dict.fromkeys(layout.values())) if isinstance(layout, Mapping) else layout


def discover(paths: Iterable[Path], student_files: Iterable[str] | Mapping[str, str]
             ) -> list[Submission]:
    """One Submission per submission found under ``paths`` (SPEC section 3).

    ``student_files``: the files a submission holds, or (for notebooks, whose cells must
    be shared out to them) the assignment's graded function -> file. A path named here is
    followed if it is a symbolic link (a person chose it); the entries of a class folder
    never are."""
    student_files = student_files if isinstance(student_files, Mapping) \
        else tuple(student_files)
    found: list[Submission] = []
    for path in map(Path, paths):
        try:
            found.extend(_discover(path, student_files))
        except Exception as exc:  # noqa: BLE001 - one unreadable path never stops the class
            found.append(Submission(_id_of(path, False), path, error=_failure(path, exc)))
    _deduplicate_ids(found)
    return found


def _discover(path: Path, student_files: Layout) -> list[Submission]:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return [Submission(_id_of(path, False), path,
                           error=f"{one_line(str(path))} does not exist")]
    if stat.S_ISDIR(mode) and not _is_submission_dir(path, student_files):
        return _class_folder(path, student_files)
    return [read(path, student_files)]


def _is_submission_dir(path: Path, student_files: Layout) -> bool:
    return any(os.path.isfile(path / name) for name in _files(student_files))


def _class_folder(folder: Path, student_files: Layout) -> list[Submission]:
    """The submissions in a class folder: its sub-folders, zips and notebooks.

    An entry that is a symbolic link is an error entry, never followed: it could
    make a classmate's work, or the reference, pass as this student's."""
    entries = []
    with os.scandir(folder) as listing:
        for count, entry in enumerate(listing):
            if count >= ENTRY_CAP:
                raise SubmissionReadError(f"{one_line(str(folder))} holds more than {ENTRY_CAP} "
                                          "entries")
            if not (entry.name.startswith(".") or entry.name in SKIPPED_DIRS):
                entries.append(entry)
    found = []
    for entry in sorted(entries, key=lambda e: e.name):
        path = folder / entry.name
        if entry.is_symlink():
            if entry.name.endswith(KINDS) or os.path.isdir(path):
                found.append(Submission(_id_of(path, os.path.isdir(path)), path, error=(
                    f"{shown(entry.name)} is a symbolic link; the entries of a class folder "
                    "are never followed (a link could pass another folder off as this "
                    "student's work): copy the submission into the class folder")))
        elif entry.is_dir(follow_symlinks=False) or entry.name.endswith(KINDS):
            found.append(read(path, student_files, follow_links=False))
    if not found:
        found.append(Submission(_id_of(folder, True), folder, error=(
            f"{one_line(str(folder))} holds none of {', '.join(_files(student_files))} and no "
            "sub-folders, zips or notebooks to grade")))
    return found


def _id_of(path: Path, directory: bool) -> str:
    """The id of the submission at ``path``: its name (a file's without the suffix),
    always encodable text."""
    name = path.name or os.path.basename(os.path.abspath(path)) or str(path)
    if not directory and "." in name.strip("."):
        name = name.rsplit(".", 1)[0]
    return shown(name) or "submission"


def _deduplicate_ids(found: list[Submission]) -> None:
    """Make ids unique: a later duplicate gets the first free ``-2``, ``-3``, ... that
    no other submission has (``carol/``, ``carol-2.zip``, ``carol.zip``: ``carol``,
    ``carol-2``, ``carol-3``)."""
    taken = {s.id for s in found}
    seen: set[str] = set()
    for submission in found:
        if submission.id in seen:
            n = 2
            while f"{submission.id}-{n}" in taken:
                n += 1
            submission.id = f"{submission.id}-{n}"
            taken.add(submission.id)
        seen.add(submission.id)


def _failure(path: Path, exc: BaseException) -> str:
    """The one-line reason for an error nothing foresaw."""
    return one_line(f"{path.name or path} could not be read: {type(exc).__name__}: {exc}")


# --- reading one submission ----------------------------------------------------------


def read(path: Path, student_files: Iterable[str] | Mapping[str, str], *,
         follow_links: bool = True) -> Submission:
    """Read one submission: a folder, a .zip of one, or a notebook.

    ``follow_links``: whether ``path`` itself may be a symbolic link (a path a person
    named); links inside the submission are never followed. Never raises."""
    functions = student_files if isinstance(student_files, Mapping) else None
    path, student_files = Path(path), _files(functions or tuple(student_files))
    try:
        info = os.stat(path) if follow_links else os.lstat(path)
    except OSError as exc:
        return Submission(_id_of(path, False), path,
                          error=one_line(f"cannot read {path.name}: {exc.strerror or exc}"))
    directory = stat.S_ISDIR(info.st_mode)
    submission = Submission(_id_of(path, directory), path)
    name = shown(path.name)
    try:
        if directory:
            _read_dir(path, submission, follow_links)
        elif not stat.S_ISREG(info.st_mode):
            submission.error = (f"{name} is {_kind(info.st_mode)}, not a file that can be read "
                                "as a submission")
        elif path.name.endswith(".zip"):
            _read_zip(path, submission, follow_links)
        elif path.name.endswith(".ipynb"):
            from grader.notebook import read_notebook

            read_notebook(path, submission, functions, follow_links=follow_links)
        else:
            submission.error = (f"{name} is not a submission: expected a folder, a .zip "
                                "or a .ipynb notebook")
    except SubmissionReadError as exc:
        submission.error = one_line(str(exc), 500)
    except Exception as exc:  # noqa: BLE001 - whatever it was, it costs this submission only
        submission.error = _failure(path, exc)
    if submission.error:
        submission.files.clear()
    elif not any(n in submission.files for n in student_files):
        submission.error = (f"{name} holds none of the files to grade "
                            f"({', '.join(student_files)})")
    return submission


def _kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return kind
    return "not a regular file"


def open_regular(path: Path, follow_links: bool, dir_fd: int | None = None) -> int:
    """A descriptor of the regular file at ``path``, never blocking: opened with
    ``O_NONBLOCK`` (a FIFO opens at once), then checked with ``fstat``."""
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | (0 if follow_links else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_links:
            raise SubmissionReadError(f"{shown(Path(path).name)} is a symbolic link") from None
        raise SubmissionReadError(
            f"cannot read {shown(Path(path).name)}: {exc.strerror or exc}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise SubmissionReadError(f"{shown(Path(path).name)} is {_kind(mode)}, not a file")
    return fd


def read_at_most(fd: int, cap: int) -> bytes:
    """At most ``cap + 1`` bytes from ``fd``: one more than allowed tells that there are
    too many, whatever ``stat`` said (``/proc`` files say 0; files grow)."""
    chunks: list[bytes] = []
    left = cap + 1
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class _Files:
    """What one submission takes in, within the caps; and what it leaves out, and why."""

    REASONS = {  # reason: (as in one note, as counted in a summarised one)
        "link": ("a symbolic link", "symbolic links"),
        "leaves": ("path leaves the zip", "paths that leave the zip"),
        "big": (f"over {FILE_CAP} bytes", f"files over {FILE_CAP} bytes"),
        "deep": (f"nested more than {DEPTH_CAP} folders deep",
                 f"nested more than {DEPTH_CAP} folders deep"),
        "name": ("its name is not valid UTF-8", "names that are not valid UTF-8"),
        "special": ("not a regular file", "not regular files (FIFOs, devices, sockets)"),
        "clash": ("a file and a folder have this name", "names of both a file and a folder"),
        "hidden": ("hidden, a cache or macOS metadata",
                   "hidden files, caches or macOS metadata (__MACOSX)"),
    }
    QUIET = frozenset({"hidden"})  # no note for a few: every Mac zip has them

    def __init__(self, submission: Submission) -> None:
        self.submission = submission
        self.total = 0
        self.counts: dict[str, int] = {}
        self.listed: list[tuple[str, str]] = []  # the first few loud ones, by name
        self.example: dict[str, str] = {}

    def leave_out(self, name: str, reason: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        self.example.setdefault(reason, name)
        if reason not in self.QUIET and len(self.listed) <= NOTE_CAP:
            self.listed.append((name, reason))

    def too_big(self, name: str, size: int, known: bool = True) -> bool:
        """Whether a file of ``size`` bytes is over the cap (a .py file over it is an
        error: its functions cannot be graded without it)."""
        if size <= FILE_CAP:
            return False
        if name.endswith(".py"):
            what = f"{size} bytes" if known else f"more than {FILE_CAP} bytes"
            raise SubmissionReadError(
                f"{shown(name)} is {what}; a file may be at most {FILE_CAP} bytes")
        self.leave_out(name, "big")
        return True

    def add(self, name: str, data: bytes) -> None:
        if self.too_big(name, len(data), known=False):
            return
        if len(self.submission.files) >= COUNT_CAP:
            raise SubmissionReadError(f"more than {COUNT_CAP} files")
        if self.total + len(data) > TOTAL_CAP:
            raise SubmissionReadError(f"more than {TOTAL_CAP} bytes of files in all")
        self.total += len(data)
        self.submission.files[name] = data

    def notes(self) -> list[str]:
        """One note per entry left out while they are few; else one summarised note."""
        loud = sum(n for r, n in self.counts.items() if r not in self.QUIET)
        quiet = sum(self.counts.values()) - loud
        if loud <= NOTE_CAP and quiet <= COUNT_CAP:
            return [f"{shown(name)} left out: {self.REASONS[r][0]}" for name, r in self.listed]
        parts = [f"{n} {self.REASONS[r][1]} (such as {shown(self.example[r])})"
                 for r, n in sorted(self.counts.items(), key=lambda item: -item[1])]
        return [f"{loud + quiet} entries left out: {'; '.join(parts)}"]


def capped(notes: list[str], what: str = "notes") -> list[str]:
    """``notes``, the first NOTE_CAP of them and a count of the rest when there are more."""
    if len(notes) <= NOTE_CAP:
        return notes
    return [*notes[:NOTE_CAP], f"... and {len(notes) - NOTE_CAP} more {what} like these"]


def _read_dir(root: Path, submission: Submission, follow_links: bool) -> None:
    files = _Files(submission)
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC | (0 if follow_links else os.O_NOFOLLOW)
    top = os.open(root, flags)
    try:
        _walk(top, (), files, [0])
    finally:
        os.close(top)
    submission.notes.extend(files.notes())


def _walk(folder: int, prefix: tuple[str, ...], files: _Files, seen: list[int]) -> None:
    """Take the files of the folder open as ``folder`` (``prefix``: its path in the
    submission), descending at most DEPTH_CAP folders, never through a link."""
    entries = []
    with os.scandir(folder) as listing:
        for entry in listing:
            seen[0] += 1
            if seen[0] > ENTRY_CAP:
                raise SubmissionReadError(f"more than {ENTRY_CAP} files and folders")
            entries.append(entry)
    for entry in sorted(entries, key=lambda e: e.name):
        parts = (*prefix, entry.name)
        name = "/".join(parts)
        if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
            files.leave_out(name, "hidden")
        elif name != shown(name):
            files.leave_out(name, "name")
        elif entry.is_symlink():
            files.leave_out(name, "link")
        elif entry.is_dir(follow_symlinks=False):
            if len(parts) > DEPTH_CAP:
                files.leave_out(name, "deep")
                continue
            inner = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
                            | os.O_CLOEXEC, dir_fd=folder)
            try:
                _walk(inner, parts, files, seen)
            finally:
                os.close(inner)
        else:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                files.leave_out(name, "special")
            elif not files.too_big(name, info.st_size):
                fd = open_regular(Path(entry.name), False, dir_fd=folder)
                try:
                    data = read_at_most(fd, FILE_CAP)
                finally:
                    os.close(fd)
                files.add(name, data)


class _BoundedReads:
    """The zip file as :class:`zipfile.ZipFile` sees it: no single read of more than
    ``cap`` bytes. ZipFile reads a zip's central directory in one read of the size the
    zip states, and builds an object per member; a crafted zip states gigabytes."""

    def __init__(self, raw: BinaryIO, cap: int, name: str) -> None:
        self.raw, self.cap, self.label = raw, cap, name

    def read(self, n: int = -1, /) -> bytes:
        if 0 <= n <= self.cap:
            return self.raw.read(n)
        data = self.raw.read(self.cap + 1) if n < 0 else b""
        if n > self.cap or len(data) > self.cap:
            raise SubmissionReadError(
                f"{self.label} lists too many files: its central directory is over "
                f"{self.cap} bytes")
        return data

    def seek(self, offset: int, whence: int = 0, /) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def seekable(self) -> bool:
        return True


def _read_zip(path: Path, submission: Submission, follow_links: bool) -> None:
    name = shown(path.name)
    with os.fdopen(open_regular(path, follow_links), "rb") as raw:
        try:
            archive = zipfile.ZipFile(_BoundedReads(raw, DIRECTORY_CAP, name))  # type: ignore[arg-type]
        except UnicodeDecodeError:
            raise SubmissionReadError(
                f"{name} is not a readable zip file: a file name in it is marked as UTF-8 "
                "but is not valid UTF-8") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise SubmissionReadError(
                f"{name} is not a readable zip file ({one_line(str(exc), 200)})") from None
        with archive:
            _take_members(archive, name, submission)


def _take_members(archive: zipfile.ZipFile, zip_name: str, submission: Submission) -> None:
    import zlib

    files = _Files(submission)
    members = []
    for member in archive.infolist():  # cheap tests first: a zip may hold 100,000 of them
        if member.is_dir():
            continue
        if member.filename.startswith("__MACOSX/"):
            files.leave_out(member.filename, "hidden")
        elif stat.S_ISLNK(member.external_attr >> 16):
            files.leave_out(member.filename, "link")
        else:
            parts = [p for p in member.filename.replace("\\", "/").split("/")
                     if p not in ("", ".")]
            members.append((member, parts))
    prefix = _common_folder([parts for _, parts in members])
    taken: list[tuple[zipfile.ZipInfo, str]] = []
    for member, all_parts in members:
        parts = all_parts[len(prefix):]
        name = "/".join(parts)
        if member.filename.startswith(("/", "\\")) or ".." in all_parts or not parts:
            files.leave_out(member.filename, "leaves")
        elif any(p.startswith(".") or p in SKIPPED_DIRS for p in parts):
            files.leave_out(member.filename, "hidden")
        elif len(parts) > DEPTH_CAP + 1:
            files.leave_out(member.filename, "deep")
        else:
            size = member.file_size  # as the zip states it; the read below checks it
            if member.compress_size > 2 * FILE_CAP:  # inflating it would read all of that
                size = max(size, member.compress_size)
            if not files.too_big(name, size):
                taken.append((member, name))
    folders = {"/".join(name.split("/")[:i]) for _, name in taken
               for i in range(1, name.count("/") + 1)}
    for member, name in taken:
        if name in folders:  # a file and a folder of one name cannot both be written
            files.leave_out(member.filename, "clash")
            continue
        try:
            with archive.open(member) as handle:
                data = handle.read(FILE_CAP + 1)  # never trust the declared size
        except zlib.error as exc:
            raise SubmissionReadError(
                f"{zip_name}: cannot extract {shown(member.filename)}: its compressed data is "
                f"corrupt (zlib: {one_line(str(exc), 200)})") from None
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
                ValueError) as exc:
            raise SubmissionReadError(
                f"{zip_name}: cannot extract {shown(member.filename)} "
                f"({type(exc).__name__}: {one_line(str(exc), 200)})") from None
        files.add(name, data)
    submission.notes.extend(files.notes())


def _common_folder(names: list[list[str]]) -> tuple[str, ...]:
    """The one folder every member sits in (zips made by 'compress folder'), if any."""
    if not names or any(len(n) < 2 for n in names):
        return ()
    first = names[0][0]
    if all(n[0] == first for n in names) and first != "..":
        return (first,)
    return ()
