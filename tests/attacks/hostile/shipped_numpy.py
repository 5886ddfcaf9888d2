"""A numpy.py shipped with the submission, to shadow the real numpy.

Hostile submission (tests/attacks): handed in as ``numpy.py`` next to the four
files, one of which (dead_relu.py) is still the unfinished stub. Wherever it is
imported as numpy, every function is a stand-in whose comparisons say "equal",
and importing it writes REACH. The worker imported the real numpy before any
student file existed, so ``import numpy`` never reaches this file; the trusted
side never imports student files at all.
"""
# ruff: noqa

import os

MARKER = "@MARKER@"  # the name this code gives its processes and threads
REACH = "@REACH@"  # a file outside the sandbox; must never come to exist

try:
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)
except Exception:
    pass
try:
    with open(REACH, "w") as handle:
        handle.write(f"the fake numpy was imported in process {os.getpid()}\n")
except OSError:
    pass


class _Agreeable:
    """Stands for any numpy object: calls return another, comparisons agree."""

    def __call__(self, *args, **kwargs):
        return self

    def __getattr__(self, name):
        return self

    def __eq__(self, other):
        return True

    def __bool__(self):
        return True

    __hash__ = object.__hash__


def __getattr__(name):
    return _Agreeable()


allclose = lambda *args, **kwargs: True
array_equal = lambda *args, **kwargs: True
