"""swish() imports the grader's reference solution (by name and by path) and calls it.

Hostile submission (tests/attacks): the reference's activations.py with swish() replaced
by the code below (tests/compose.py). A student could hand that file in as it is; the
attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

It tries `import reference`, `import grader`, the hidden suite's `registry`,
and loading reference/activations.py and the grading folder's files by
absolute path. The import policy turns unknown packages into stand-ins that
raise NotAllowed when used; Landlock refuses the files (bubblewrap: they do
not exist in the sandbox).
"""
# ruff: noqa

import importlib
import importlib.util
import os
import sys

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads
REPO = "@REPO@"  # the grader's own checkout
GRADING = "@GRADING@"  # the hidden tests, by absolute path


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def _escapes_first(notes: list[str]) -> list[str]:
    """What got out first: the feedback shows only the start of a long message."""
    return sorted(notes, key=lambda note: not note.startswith("escaped"))


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def swish(x, beta=1.0):
    _mark()
    notes = []
    for name in ("reference", "reference.activations", "grader", "grader.checks", "registry"):
        try:
            module = importlib.import_module(name)
            if hasattr(module, "swish"):
                return module.swish(x, beta)
            notes.append(f"escaped: imported {name}")
        except BaseException as exc:
            notes.append(f"{name}: {type(exc).__name__}: {exc}"[:90])
    sys.path[:0] = [REPO, GRADING]
    for path, name in ((os.path.join(REPO, "reference", "activations.py"), "stolen_reference"),
                       (os.path.join(GRADING, "registry.py"), "stolen_registry")):
        try:
            module = _load(path, name)
            if hasattr(module, "swish"):
                return module.swish(x, beta)
            notes.append(f"escaped: loaded {path}")
        except BaseException as exc:
            notes.append(f"{path}: {type(exc).__name__}"[:120])
    raise ImportError("nothing to copy from: " + "; ".join(_escapes_first(notes)))
