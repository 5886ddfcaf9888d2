"""sigmoid_grad() uses scipy.special.expit, which the assignment does not allow.

Hostile submission (tests/attacks): the reference's derivatives.py with sigmoid_grad()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is.

Not an attack so much as the import policy at work: the file imports fine,
and only sigmoid_grad, which calls expit, scores not_allowed, with a message
that names expit.
"""
# ruff: noqa

from scipy.special import expit


def sigmoid_grad(x):
    x64, out = _as_float64(x)
    s = expit(x64)
    return _result(s * (1.0 - s), out)
