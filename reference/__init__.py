"""The reference solution of the activations assignment, in plain NumPy.

One module per student file (``activations``, ``derivatives``, ``initializers``,
``dead_relu``); each is also the drop-in correct file for a submission folder. This
package re-exports every public name of the four.
"""

from __future__ import annotations

from .activations import (
    SELU_ALPHA,
    SELU_LAMBDA,
    elu,
    gelu,
    leaky_relu,
    mish,
    relu,
    selu,
    sigmoid,
    softmax,
    softplus,
    swish,
    tanh,
)
from .dead_relu import dead_relu_mask, relu_activity
from .derivatives import (
    elu_grad,
    gelu_grad,
    leaky_relu_grad,
    mish_grad,
    relu_grad,
    selu_grad,
    sigmoid_grad,
    softmax_vjp,
    softplus_grad,
    swish_grad,
    tanh_grad,
)
from .initializers import (
    calculate_gain,
    he_normal,
    he_uniform,
    lecun_normal,
    random_normal,
    variance_scaling,
    xavier_normal,
    xavier_uniform,
    zeros,
)

__all__ = [
    "SELU_ALPHA",
    "SELU_LAMBDA",
    "calculate_gain",
    "dead_relu_mask",
    "elu",
    "elu_grad",
    "gelu",
    "gelu_grad",
    "he_normal",
    "he_uniform",
    "leaky_relu",
    "leaky_relu_grad",
    "lecun_normal",
    "mish",
    "mish_grad",
    "random_normal",
    "relu",
    "relu_activity",
    "relu_grad",
    "selu",
    "selu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_vjp",
    "softplus",
    "softplus_grad",
    "swish",
    "swish_grad",
    "tanh",
    "tanh_grad",
    "variance_scaling",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]
