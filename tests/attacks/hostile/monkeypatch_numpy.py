"""Patches numpy.allclose, numpy.testing and builtins at import; elu() returns NaN.

Hostile submission (tests/attacks): the reference's activations.py with elu() and the
module's top level replaced by the code below (tests/compose.py). A student could hand
that file in as it is; the attack suite fills in the @NAME@ placeholders (paths and
ports of the test's own canaries) before grading it.

In a grader that compares in the student's process every check would pass.
Here the patches change only the worker's numpy and builtins: the comparison
runs on the trusted side, in a process the student never touches.
"""
# ruff: noqa

import builtins

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


np.allclose = lambda *args, **kwargs: True
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
np.testing.assert_array_equal = lambda *args, **kwargs: None
np.testing.assert_array_almost_equal = lambda *args, **kwargs: None
builtins.all = lambda iterable: True
builtins.any = lambda iterable: False


def elu(x, alpha=1.0):
    _mark()
    np.seterr(all="ignore")
    return np.full(np.shape(x), np.nan)
