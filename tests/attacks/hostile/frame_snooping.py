"""gelu() walks the call stack (sys._getframe) and the heap (gc) for expected values.

Hostile submission (tests/attacks): the reference's activations.py with gelu() replaced
by the code below (tests/compose.py). A student could hand that file in as it is; the
attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

In a grader that calls student code from its tests, the caller's frame holds
the expected array. In the worker no expected value exists: the frames above
gelu are the worker's request loop, and the heap holds the arguments only.
"""
# ruff: noqa

import gc
import sys

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


_WANTED = ("expected", "desired", "want", "reference", "answer", "target", "ref")


def gelu(x, approximate=False):
    _mark()
    shape = np.shape(x)
    found, frames = [], []
    frame = sys._getframe(1)
    while frame is not None:
        frames.append(frame.f_code.co_name)
        for name, value in frame.f_locals.items():
            if isinstance(value, np.ndarray) and value is not x and value.shape == shape \
                    and any(word in name.lower() for word in _WANTED):
                found.append(value)
        frame = frame.f_back
    for obj in gc.get_objects():
        if isinstance(obj, dict):
            for key, value in list(obj.items()):
                if isinstance(key, str) and isinstance(value, np.ndarray) \
                        and value.shape == shape and value is not x \
                        and any(word in key.lower() for word in _WANTED):
                    found.append(value)
    if found:
        return np.array(found[0], dtype=np.float64)
    raise LookupError(f"no expected values anywhere; frames above: {frames[:12]}")
