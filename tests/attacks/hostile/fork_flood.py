"""relu_activity() forks in a loop.

Hostile submission (tests/attacks): the reference's dead_relu.py with relu_activity()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

Each child sleeps under the marker name and would later write REACH. The
flood is bounded (200 children) so that a grader without a sandbox survives
it; seccomp refuses the first fork already.
"""
# ruff: noqa

import os
import time

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads
REACH = "@REACH@"  # a file outside the sandbox; must never come to exist


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def relu_activity(weights, biases, X, batch_size=1024):
    _mark()
    children, refused = 0, []
    for _ in range(200):
        try:
            pid = os.fork()
        except OSError as exc:
            refused.append(type(exc).__name__)
            if len(refused) > 20:
                break
            continue
        if pid == 0:  # a child: linger, then try to leave a trace outside
            _mark()
            time.sleep(2)
            try:
                with open(REACH, "a") as handle:
                    handle.write(f"forked child {os.getpid()} was here\n")
            except OSError:
                pass
            time.sleep(600)
            os._exit(0)
        children += 1
    raise RuntimeError(f"relu_activity forked {children} children ({len(refused)} refusals)")
