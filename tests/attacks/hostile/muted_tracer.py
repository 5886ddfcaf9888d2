"""relu_grad, leaky_relu_grad and elu_grad loop over the elements with the tracer muted.

Hostile submission (tests/attacks): the reference's derivatives.py with those functions
replaced by the code below (tests/compose.py). A student could hand that file in as it
is.

The vectorization check counts the Python steps a call runs. relu_grad switches off
line events for its own frame (frame.f_trace_lines) around its loop and back on before
it returns; leaky_relu_grad switches off every sys.monitoring tool (Python 3.12 and
later: the counter is one) around its loop; elu_grad runs its loop from code compiled
under the file name of a module of the standard library, in a copy of that module's
namespace. The counter notices the first two (on 3.10/3.11 a frame whose line events
are off is seen when it calls Python code, as this loop does; on 3.12+ frames have no
such switch for monitoring), and counts the third like any code: the values are right,
the vectorization points are lost.
"""
# ruff: noqa

import functools
import sys


def _same(v):
    return v


def relu_grad(x):
    x64, out = _as_float64(x)
    flat, y = x64.ravel(), np.empty(x64.size)
    frame = sys._getframe()
    frame.f_trace_lines = False
    for i in range(flat.size):
        y[i] = _same(1.0 if flat[i] > 0 else 0.0)
    frame.f_trace_lines = True
    return _result(y.reshape(x64.shape), out)


def _monitoring(events):
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None:
        return
    for tool in range(6):
        try:
            monitoring.set_events(tool, events)
        except ValueError:
            pass


def leaky_relu_grad(x, alpha=0.01):
    x64, out = _as_float64(x)
    flat, y = x64.ravel(), np.empty(x64.size)
    _monitoring(0)
    for i in range(flat.size):
        y[i] = 1.0 if flat[i] > 0 else alpha
    return _result(y.reshape(x64.shape), out)


_LOOP = compile("for i in range(flat.size):\n"
                "    y[i] = 1.0 if flat[i] > 0 else alpha * exp(min(flat[i], 0.0))\n",
                functools.__file__, "exec")


def elu_grad(x, alpha=1.0):
    x64, out = _as_float64(x)
    flat, y = x64.ravel(), np.empty(x64.size)
    namespace = dict(vars(functools), flat=flat, y=y, alpha=alpha, exp=np.exp)
    exec(_LOOP, namespace)
    return _result(y.reshape(x64.shape), out)
