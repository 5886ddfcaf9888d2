"""relu, tanh and leaky_relu loop over the elements in Python, hidden from the line counter.

Hostile submission (tests/attacks): the reference's activations.py with relu(), tanh()
and leaky_relu() replaced by the code below (tests/compose.py). A student could hand
that file in as it is.

The vectorization check counts the Python lines the student's code runs, with a
trace function in the worker. relu switches tracing off and back on around its loop
(sys.settrace: in the worker a guard, which marks the count as tampered with), tanh
runs its loop in a thread (traced too: threading.settrace), leaky_relu runs it from
exec'd code (counted as the student's). The values are right; the vectorization
points are lost.
"""
# ruff: noqa

import sys
import threading


def tanh(x):
    x64, out = _as_float64(x)
    flat, y = x64.ravel(), np.empty(x64.size)

    def loop():
        for i in range(flat.size):
            y[i] = np.tanh(flat[i])

    worker = threading.Thread(target=loop)
    worker.start()
    worker.join()
    return _result(y.reshape(x64.shape), out)


def relu(x):
    tracer = sys.gettrace()
    sys.settrace(None)
    try:
        x64, out = _as_float64(x)
        flat, y = x64.ravel(), np.empty(x64.size)
        for i in range(flat.size):
            y[i] = flat[i] if flat[i] > 0 else 0.0
        return _result(y.reshape(x64.shape), out)
    finally:
        sys.settrace(tracer)


_LOOP = compile(
    "for i in range(flat.size):\n"
    "    y[i] = flat[i] if flat[i] > 0 else alpha * flat[i]\n",
    "<loop>", "exec")


def leaky_relu(x, alpha=0.01):
    x64, out = _as_float64(x)
    flat, y = x64.ravel(), np.empty(x64.size)
    exec(_LOOP, {"flat": flat, "y": y, "alpha": alpha})
    return _result(y.reshape(x64.shape), out)
