"""elu, selu, gelu, swish and mish loop over the elements in Python, disguised.

Hostile submission (tests/attacks): the reference's activations.py with those functions
replaced by the code below (tests/compose.py). A student could hand that file in as it
is.

The vectorization check counts the Python steps a call runs, for a small and a large
input. Each function computes its result with numpy and then copies it element by
element, hiding the loop its own way: elu runs it from code compiled under the name of a
frozen module of the standard library ("<frozen importlib._bootstrap>"), selu under
numpy's own file name; gelu looks for the counter through sys.gettrace() and its own
frame's f_trace and sets it back to 0 after its loop; swish hands the copying to a
thread started when the file is imported; mish leaves the loop to numpy's own Python
code (np.apply_along_axis with a ufunc, one element at a time). Every Python frame
counts, whatever its file name and in every thread, and the counter is not reachable
that way: the values are right, the vectorization points are lost.
"""
# ruff: noqa

import queue
import sys
import threading

_COPY = "for i in range(src.size):\n    dst[i] = src[i]\n"
_FROZEN = compile(_COPY, "<frozen importlib._bootstrap>", "exec")
_NUMPY_NAMED = compile(_COPY, np.__file__, "exec")


def _copied(code, y):
    src = np.ascontiguousarray(y).ravel()
    dst = np.empty_like(src)
    exec(code, {"src": src, "dst": dst})
    return dst.reshape(np.shape(y))


def elu(x, alpha=1.0):
    x64, out = _as_float64(x)
    y = np.where(x64 > 0, x64, alpha * np.expm1(np.minimum(x64, 0.0)))
    return _result(_copied(_FROZEN, y), out)


def selu(x):
    x64, out = _as_float64(x)
    largest = float(np.finfo(out).max)
    cap = float(np.nextafter(largest / SELU_LAMBDA, 0.0))
    positive = np.where(x64 > cap, largest, SELU_LAMBDA * np.clip(x64, -cap, cap))
    negative = (SELU_LAMBDA * SELU_ALPHA) * np.expm1(np.minimum(x64, 0.0))
    return _result(_copied(_NUMPY_NAMED, np.where(x64 > 0, positive, negative)), out)


def _counters():
    """Whatever the tracing interface shows of the line counter."""
    found = []
    for tracer in (sys.gettrace(), sys._getframe(1).f_trace, threading.gettrace()):
        owner = getattr(tracer, "__self__", None)
        if owner is not None and hasattr(owner, "events"):
            found.append(owner)
    return found


def gelu(x, approximate=False):
    x64, out = _as_float64(x)
    if approximate:
        y = x64 * _gelu_tanh_gates(x64)[0]
    else:
        y = x64 * ndtr(x64)
    flat = np.ascontiguousarray(y).ravel()
    copy = np.empty_like(flat)
    for i in range(flat.size):
        copy[i] = flat[i]
    for counter in _counters():
        counter.events = 0
    return _result(copy.reshape(y.shape), out)


_JOBS, _DONE = queue.Queue(), queue.Queue()


def _copier():
    while True:
        src = _JOBS.get()
        dst = np.empty_like(src)
        for i in range(src.size):
            dst[i] = src[i]
        _DONE.put(dst)


threading.Thread(target=_copier, daemon=True).start()


def swish(x, beta=1.0):
    x64, out = _as_float64(x)
    y = x64 * _sigmoid(_scaled(x64, beta))
    _JOBS.put(np.ascontiguousarray(y).ravel())
    return _result(_DONE.get().reshape(y.shape), out)


def mish(x):
    x64, out = _as_float64(x)
    y = x64 * np.tanh(_softplus(x64))
    one_by_one = np.apply_along_axis(np.positive, 1, y.reshape(-1, 1))
    return _result(one_by_one.reshape(y.shape), out)
