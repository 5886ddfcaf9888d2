"""Activations written through identities, each one leaning on another.

sigmoid(x) = (1 + tanh(x / 2)) / 2        (tanh never overflows)
softplus(x) = log(exp(0) + exp(x))        (np.logaddexp does it stably)
elu(x) = max(x, 0) + alpha * expm1(min(x, 0))
selu(x) = lambda * elu(x, alpha_selu)
gelu(x) = x * Phi(x)                      (Phi = scipy.special.ndtr)
"""

import math

import numpy as np
from scipy.special import ndtr

SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717


def as_float(x):
    a = np.asarray(x)
    return a if a.dtype == np.float32 else a.astype(float)


def sigmoid(x):
    x = as_float(x)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def tanh(x):
    return np.tanh(as_float(x))


def relu(x):
    return np.maximum(as_float(x), 0)


def leaky_relu(x, alpha=0.01):
    # with 0 <= alpha < 1: max(x, alpha*x) is x for x > 0 and alpha*x otherwise
    x = as_float(x)
    return np.maximum(x, alpha * x)


def elu(x, alpha=1.0):
    x = as_float(x)
    return np.maximum(x, 0) + alpha * np.expm1(np.minimum(x, 0))


def selu(x):
    return SELU_LAMBDA * elu(x, SELU_ALPHA)


def gelu(x, approximate=False):
    x = as_float(x)
    if not approximate:
        return x * ndtr(x)
    # |x| > 1000 saturates the tanh completely; clipping only keeps x**3 finite
    c = np.clip(x, -1000, 1000)
    inner = math.sqrt(2 / math.pi) * (c + 0.044715 * c**3)
    return 0.5 * x * (1 + np.tanh(inner))


def softplus(x):
    return np.logaddexp(0, as_float(x))


def swish(x, beta=1.0):
    x = as_float(x)
    return x * sigmoid(beta * x)


def mish(x):
    x = as_float(x)
    return x * np.tanh(softplus(x))


def softmax(x, axis=-1):
    # softmax = exp(x - logsumexp(x)), with logsumexp written out by hand
    x = as_float(x)
    if x.ndim == 0:
        return np.ones_like(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return np.exp(shifted - log_norm)
