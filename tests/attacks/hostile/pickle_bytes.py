"""random_normal() returns a pickle whose loading would run code on the grader's side.

Hostile submission (tests/attacks): the reference's initializers.py with random_normal()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

Unpickling these bytes would write REACH. Values cross the channel as typed
JSON and raw array buffers; bytes are not data the grader reads, so nothing is
ever unpickled.
"""
# ruff: noqa

import pickle

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads
REACH = "@REACH@"  # a file outside the sandbox; must never come to exist


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


class _Payload:
    def __reduce__(self):
        code = f"open({REACH!r}, 'w').write('unpickled on the trusted side')"
        return (exec, (code,))


def random_normal(fan_in, fan_out, rng, std=0.01):
    _mark()
    return pickle.dumps(_Payload())
