"""Cross-check against PyTorch, when it is installed: forward values, derivatives by
autograd (the kink values at exactly 0 included) and calculate_gain.

PyTorch is the convention SPEC section 2 follows, not a more accurate oracle (that is
mpmath, in test_accuracy.py): its derivatives use forms such as 1 - tanh(x)**2 that
lose digits in the tails, so values are compared on |x| <= 10 with rtol 1e-10.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import reference as ref

torch = pytest.importorskip("torch", reason="PyTorch is not installed; the cross-check is optional")
F = torch.nn.functional

Tensor = Any
GRID = np.unique(np.concatenate([np.linspace(-10.0, 10.0, 161), [0.0, -0.0, 1e-8, -1e-8]]))


def _swish_1_7(t: Tensor) -> Tensor:
    return t * torch.sigmoid(1.7 * t)


# (id, reference activation, reference derivative, torch activation)
Pair = tuple[str, Callable[..., np.ndarray], Callable[..., np.ndarray], Callable[..., Any]]
PAIRS: list[Pair] = [
    ("sigmoid", ref.sigmoid, ref.sigmoid_grad, torch.sigmoid),
    ("tanh", ref.tanh, ref.tanh_grad, torch.tanh),
    ("relu", ref.relu, ref.relu_grad, F.relu),
    ("leaky_relu", ref.leaky_relu, ref.leaky_relu_grad, F.leaky_relu),
    ("leaky_relu(alpha=0.2)", lambda x: ref.leaky_relu(x, alpha=0.2),
     lambda x: ref.leaky_relu_grad(x, alpha=0.2), lambda t: F.leaky_relu(t, negative_slope=0.2)),
    ("elu", ref.elu, ref.elu_grad, F.elu),
    ("elu(alpha=0.5)", lambda x: ref.elu(x, alpha=0.5), lambda x: ref.elu_grad(x, alpha=0.5),
     lambda t: F.elu(t, alpha=0.5)),
    ("selu", ref.selu, ref.selu_grad, F.selu),
    ("gelu", ref.gelu, ref.gelu_grad, F.gelu),
    ("gelu(approximate)", lambda x: ref.gelu(x, approximate=True),
     lambda x: ref.gelu_grad(x, approximate=True), lambda t: F.gelu(t, approximate="tanh")),
    # torch's softplus is x itself above `threshold` (20 by default); 50 keeps it exact here.
    ("softplus", ref.softplus, ref.softplus_grad, lambda t: F.softplus(t, threshold=50.0)),
    ("swish", ref.swish, ref.swish_grad, F.silu),
    ("swish(beta=1.7)", lambda x: ref.swish(x, beta=1.7), lambda x: ref.swish_grad(x, beta=1.7),
     _swish_1_7),
    ("mish", ref.mish, ref.mish_grad, F.mish),
]
each_pair = pytest.mark.parametrize(
    ("forward", "derivative", "torch_forward"),
    [pytest.param(f, d, t, id=name) for name, f, d, t in PAIRS],
)


def _autograd(torch_forward: Callable[..., Any], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = torch_forward(t)
    y.sum().backward()
    return y.detach().numpy(), t.grad.numpy()


@each_pair
def test_values_and_derivatives_match_torch_autograd(
    forward: Callable[..., np.ndarray],
    derivative: Callable[..., np.ndarray],
    torch_forward: Callable[..., Any],
) -> None:
    value, grad = _autograd(torch_forward, GRID)
    np.testing.assert_allclose(forward(GRID), value, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(derivative(GRID), grad, rtol=1e-10, atol=1e-14)


@each_pair
def test_float32_values_match_torch_float32(
    forward: Callable[..., np.ndarray],
    derivative: Callable[..., np.ndarray],
    torch_forward: Callable[..., Any],
) -> None:
    x = GRID.astype(np.float32)
    expected = torch_forward(torch.tensor(x)).numpy()
    assert expected.dtype == np.float32
    np.testing.assert_allclose(forward(x), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("derivative", "torch_forward"),
    [
        pytest.param(ref.relu_grad, F.relu, id="relu"),
        pytest.param(ref.leaky_relu_grad, F.leaky_relu, id="leaky_relu"),
        pytest.param(lambda x: ref.leaky_relu_grad(x, alpha=0.2),
                     lambda t: F.leaky_relu(t, negative_slope=0.2), id="leaky_relu(alpha=0.2)"),
        pytest.param(ref.elu_grad, F.elu, id="elu"),
        pytest.param(lambda x: ref.elu_grad(x, alpha=0.5), lambda t: F.elu(t, alpha=0.5),
                     id="elu(alpha=0.5)"),
        pytest.param(ref.selu_grad, F.selu, id="selu"),
    ],
)
def test_the_derivative_at_the_kink_is_exactly_torchs(
    derivative: Callable[..., np.ndarray], torch_forward: Callable[..., Any]
) -> None:
    x = np.array([0.0, -0.0])
    _, grad = _autograd(torch_forward, x)
    np.testing.assert_array_equal(derivative(x), grad)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_and_its_vjp_match_torch_autograd(dim: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 4.0, (3, 5))
    x[0, :2] = [1e300, -1e300]
    g = rng.normal(0.0, 1.0, (3, 5))
    t = torch.tensor(x, requires_grad=True)
    y = torch.softmax(t, dim=dim)
    (y * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(
        ref.softmax(x, axis=dim), y.detach().numpy(), rtol=1e-13, atol=1e-300
    )
    np.testing.assert_allclose(
        ref.softmax_vjp(x, g, axis=dim), t.grad.numpy(), rtol=1e-10, atol=1e-15
    )


@pytest.mark.parametrize(
    ("nonlinearity", "param"),
    [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("selu", None),
     ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 0), ("leaky_relu", 3.0)],
)
def test_calculate_gain_matches_torch(nonlinearity: str, param: float | None) -> None:
    expected = torch.nn.init.calculate_gain(nonlinearity, param)
    assert ref.calculate_gain(nonlinearity, param) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("nonlinearity", ["softmax", "gelu", "Tanh"])
def test_calculate_gain_rejects_what_torch_rejects(nonlinearity: str) -> None:
    with pytest.raises(ValueError):
        torch.nn.init.calculate_gain(nonlinearity)
    with pytest.raises(ValueError):
        ref.calculate_gain(nonlinearity)
