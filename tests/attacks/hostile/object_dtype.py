"""selu() returns an object-dtype array of objects equal to everything.

Hostile submission (tests/attacks): the reference's activations.py with selu() replaced
by the code below (tests/compose.py). A student could hand that file in as it is; the
attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

Such an array compares equal to any expected values under ==, and its repr
runs student code. object is not among the dtypes that may cross the
channel: the trusted side receives only a type name and a short repr.
"""
# ruff: noqa

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


class _Equal:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__

    def __float__(self):
        return 0.0

    def __repr__(self):
        return "1.0507009873554805"


def selu(x):
    _mark()
    out = np.empty(np.shape(x), dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = _Equal()
    return out
