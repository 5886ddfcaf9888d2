"""calculate_gain() returns an object that claims to equal anything and pickles to code.

Hostile submission (tests/attacks): the reference's initializers.py with
calculate_gain() replaced by the code below (tests/compose.py). A student could hand
that file in as it is; the attack suite fills in the @NAME@ placeholders (paths and
ports of the test's own canaries) before grading it.

__eq__ says True, __float__ gives the right gain for "relu", __reduce__ would
run code (write REACH) when unpickled, and __repr__ shows a plausible number.
The worker sends only its type name and repr; the grader scores it as
something that is not a number.
"""
# ruff: noqa

import math

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads
REACH = "@REACH@"  # a file outside the sandbox; must never come to exist


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


class _Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__

    def __float__(self):
        return math.sqrt(2.0)

    def __bool__(self):
        return True

    def __reduce__(self):
        return (exec, (f"open({REACH!r}, 'w').write('unpickled on the trusted side')",))

    def __repr__(self):
        return "1.4142135623730951"


def calculate_gain(nonlinearity, param=None):
    _mark()
    return _Anything()
