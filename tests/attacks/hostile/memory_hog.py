"""relu_grad() tries to allocate 10 GB.

Hostile submission (tests/attacks): the reference's derivatives.py with relu_grad()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

First in one piece, then a megabyte at a time. RLIMIT_AS (1 GiB for the
worker) turns both into MemoryError long before the machine notices.
"""
# ruff: noqa

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


_HOARDED = []  # MiB the first call managed to hold; later calls only report it


def relu_grad(x):
    _mark()
    if not _HOARDED:
        _HOARDED.append(_hoard())
    raise MemoryError(f"relu_grad hoarded only {_HOARDED[0]} MiB of the 10 GB it wanted")


def _hoard():
    hoard = []
    try:
        hoard.append(np.ones(10 * 2**30 // 8))
    except MemoryError:
        pass
    try:
        while len(hoard) < 10 * 1024:
            hoard.append(np.ones(2**20 // 8))
    except MemoryError:
        pass
    count = len(hoard)
    hoard.clear()
    return count
