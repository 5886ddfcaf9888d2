"""leaky_relu() returns an ndarray subclass whose comparisons always agree.

Hostile submission (tests/attacks): the reference's activations.py with leaky_relu()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

The array holds NaN; __eq__, __ne__, __array_ufunc__ and __array_function__
answer "equal" to any comparison a grader in the same process would make.
The result crosses as raw bytes and is rebuilt as an exact numpy.ndarray on
the trusted side, with the subclass's name noted for the contract check.
"""
# ruff: noqa

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


class _Agreeable(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __ne__(self, other):
        return np.zeros(self.shape, dtype=bool)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return True

    def __array_function__(self, func, types, args, kwargs):
        return True

    def __bool__(self):
        return True


def leaky_relu(x, alpha=0.01):
    _mark()
    return np.full(np.shape(x), np.nan).view(_Agreeable)
