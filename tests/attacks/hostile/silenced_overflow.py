"""tanh, elu, selu, swish and mish overflow, and tell numpy to keep quiet about it.

Hostile submission (tests/attacks): the reference's activations.py with those functions
replaced by the code below (tests/compose.py). A student could hand that file in as it
is.

The stability check wants finite results and no floating-point warning for huge |x|.
These formulas overflow (exp of a large number, in a branch np.where does not select, or
in a denominator that only needs to be huge) yet give the right values, and each hides
the overflow its own way: tanh inside np.errstate(all="ignore"), elu after a module-level
np.seterr(all="ignore") and warnings.filterwarnings("ignore"), selu under the
@np.errstate(all="ignore") decorator, swish with a do-nothing np.seterrcall callback,
mish in a thread of its own (numpy's error state is per thread). The worker records the
errors whatever numpy was told to do with them: the values pass, the stability points are
lost, and the feedback says that silencing numpy does not help.
"""
# ruff: noqa

import threading
import warnings

np.seterr(all="ignore")
warnings.filterwarnings("ignore")


def tanh(x):
    x64, out = _as_float64(x)
    with np.errstate(all="ignore"):
        up, down = np.exp(x64), np.exp(-x64)
        ratio = (up - down) / (up + down)
    return _result(np.where(np.isnan(ratio), np.sign(x64), ratio), out)


def elu(x, alpha=1.0):
    x64, out = _as_float64(x)
    return _result(np.where(x64 > 0, x64, alpha * (np.exp(x64) - 1.0)), out)


@np.errstate(all="ignore")
def selu(x):
    x64, out = _as_float64(x)
    negative = (SELU_LAMBDA * SELU_ALPHA) * (np.exp(x64) - 1.0)
    return _result(np.where(x64 > 0, SELU_LAMBDA * x64, negative), out)


def swish(x, beta=1.0):
    x64, out = _as_float64(x)
    handler = np.seterrcall(lambda kind, flag: None)
    old = np.seterr(all="call")
    try:
        return _result(x64 / (1.0 + np.exp(-_scaled(x64, beta))), out)
    finally:
        np.seterr(**old)
        np.seterrcall(handler)


def mish(x):
    x64, out = _as_float64(x)
    found = []
    thread = threading.Thread(target=lambda: found.append(x64 * np.tanh(np.log1p(np.exp(x64)))))
    thread.start()
    thread.join()
    return _result(found[0], out)
