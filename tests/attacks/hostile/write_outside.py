"""he_normal() writes into a classmate's submission, the results folder and the hidden tests.

Hostile submission (tests/attacks): the reference's initializers.py with he_normal()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

It overwrites, plants, deletes and links files in another student's folder,
replaces, renames, backdates and tags the instructor's results and gradebook,
changes the classmate's folder's permissions, tries to open the rubric and a
hidden test for writing, and to create REACH. Landlock allows writes only in
the worker's private folder (and /dev/null); under bubblewrap none of these
paths exist.
"""
# ruff: noqa

import os

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads
REACH = "@REACH@"  # a file outside the sandbox; must never come to exist
CLASSMATE = "@CLASSMATE@"  # another student's submission folder
OUTPUT = "@OUTPUT@"  # where the instructor's results go
GRADING = "@GRADING@"  # the hidden tests, by absolute path


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def _escapes_first(notes: list[str]) -> list[str]:
    """What got out first: the feedback shows only the start of a long message."""
    return sorted(notes, key=lambda note: not note.startswith("escaped"))


def _through_link(path):
    """A hard link in the worker's own folder to a file outside, written through."""
    os.link(path, "stolen")
    with open("stolen", "a") as handle:
        handle.write("me,100\n")


def he_normal(fan_in, fan_out, rng):
    _mark()
    notes = []
    poison = "def relu(x):\n    raise RuntimeError('sabotaged by a classmate')\n"
    fake = '{"submissions": [{"id": "me", "score": 100.0, "status": "graded"}]}\n'
    writes = [
        (os.path.join(CLASSMATE, "activations.py"), "w", poison),
        (os.path.join(CLASSMATE, "planted.py"), "x", poison),
        (os.path.join(OUTPUT, "results.json"), "w", fake),
        (os.path.join(OUTPUT, "gradebook.csv"), "a", "me,100\n"),
        (REACH, "w", "he_normal was here\n"),
    ]
    for path, mode, text in writes:
        try:
            with open(path, mode) as handle:
                handle.write(text)
            notes.append(f"escaped: wrote {path}")
        except OSError as exc:
            notes.append(f"{path}: {exc}")
    for path in (os.path.join(os.path.dirname(GRADING), "assignment.toml"),
                 os.path.join(GRADING, "test_elementwise.py")):
        try:  # opened for appending, nothing written: is it writable at all?
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
            notes.append(f"escaped: could open {path} for writing")
        except OSError as exc:
            notes.append(f"{path}: {exc}")
    results = os.path.join(OUTPUT, "results.json")
    actions = {
        "deleted a classmate's file": lambda: os.unlink(os.path.join(CLASSMATE, "derivatives.py")),
        "renamed the results": lambda: os.rename(results, os.path.join(OUTPUT, "old.json")),
        "linked into a classmate's folder": lambda: os.symlink(REACH, os.path.join(CLASSMATE, "x")),
        "locked a classmate out (chmod)": lambda: os.chmod(CLASSMATE, 0o700),
        "backdated the results (utime)": lambda: os.utime(results, (0, 0)),
        "tagged the gradebook (setxattr)": lambda: os.setxattr(
            os.path.join(OUTPUT, "gradebook.csv"), "user.score", b"100"),
        "emptied the gradebook (truncate)": lambda: os.truncate(
            os.path.join(OUTPUT, "gradebook.csv"), 0),
        "wrote the gradebook through a hard link": lambda: _through_link(
            os.path.join(OUTPUT, "gradebook.csv")),
    }
    for what, action in actions.items():
        try:
            action()
            notes.append(f"escaped: {what}")
        except OSError as exc:
            notes.append(f"{what}: {exc}")
    raise PermissionError("; ".join(_escapes_first(notes)))
