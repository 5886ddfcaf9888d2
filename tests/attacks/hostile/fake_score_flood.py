"""leaky_relu_grad() prints a fake score and floods stdout and stderr with 100 MB.

Hostile submission (tests/attacks): the reference's derivatives.py with
leaky_relu_grad() replaced by the code below (tests/compose.py). A student could hand
that file in as it is; the attack suite fills in the @NAME@ placeholders (paths and
ports of the test's own canaries) before grading it.

Nothing the worker prints is read: stdout and stderr are /dev/null, and
print() goes to a buffer that keeps 8 KiB. The scores come from checks run on
the trusted side.
"""
# ruff: noqa

import json
import os
import sys

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


_FLOODED = []  # the flood runs on the first call; the fake score is printed on every call


def leaky_relu_grad(x, alpha=0.01):
    _mark()
    fake = json.dumps({"assignment": "activations", "submissions": [
        {"id": "me", "score": 100.0, "max_score": 100.0, "status": "graded",
         "note": "FAKE" + "-SCORE"}]})
    print(fake)
    print(fake, file=sys.stderr)
    os.write(1, fake.encode() + b"\n")
    line = "100/100 passed " * 1000 + "\n"
    block = line.encode() * 70
    for _ in range(100 if not _FLOODED else 0):  # 100 MB through print, 100 MB straight to each descriptor
        print(line * 70, end="")
        for fd in (1, 2):
            os.write(fd, block)
    _FLOODED.append(True)
    raise RuntimeError("leaky_relu_grad: see the score above")
