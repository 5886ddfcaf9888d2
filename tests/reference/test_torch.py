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
# Every kink of the catalogue is on the grid (step 1/8), and just beside it.
KINKS = [0.0, -1.0, 1.0, -2.5, 0.7, 6.0, -3.0, 3.0]
GRID = np.unique(np.concatenate([np.linspace(-10.0, 10.0, 161), [0.0, -0.0, 1e-8, -1e-8],
                                 np.add.outer(KINKS, [-1e-8, 0.0, 1e-8]).ravel()]))


def _swish_1_7(t: Tensor) -> Tensor:
    return t * torch.sigmoid(1.7 * t)


def _torch_prelu(weight: float) -> Callable[[Tensor], Tensor]:
    return lambda t: F.prelu(t, torch.tensor([weight], dtype=t.dtype))


def _prelu(weight: float) -> tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]:
    """prelu and its x gradient (upstream 1) with a fixed scalar weight."""
    return (lambda x: ref.prelu(x, weight)), (lambda x: ref.prelu_grad(x, weight, 1.0)[0])


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
    ("prelu(weight=0.25)", *_prelu(0.25), _torch_prelu(0.25)),
    ("prelu(weight=-1.5)", *_prelu(-1.5), _torch_prelu(-1.5)),
    ("hardtanh", ref.hardtanh, ref.hardtanh_grad, F.hardtanh),
    ("hardtanh(-2.5, 0.7)", lambda x: ref.hardtanh(x, -2.5, 0.7),
     lambda x: ref.hardtanh_grad(x, -2.5, 0.7), lambda t: F.hardtanh(t, -2.5, 0.7)),
    ("relu6", ref.relu6, ref.relu6_grad, F.relu6),
    ("hardsigmoid", ref.hardsigmoid, ref.hardsigmoid_grad, F.hardsigmoid),
    ("hardswish", ref.hardswish, ref.hardswish_grad, F.hardswish),
    ("softsign", ref.softsign, ref.softsign_grad, F.softsign),
    ("celu", ref.celu, ref.celu_grad, F.celu),
    ("celu(alpha=0.5)", lambda x: ref.celu(x, alpha=0.5), lambda x: ref.celu_grad(x, alpha=0.5),
     lambda t: F.celu(t, alpha=0.5)),
    ("logsigmoid", ref.logsigmoid, ref.logsigmoid_grad, F.logsigmoid),
    ("softshrink", ref.softshrink, ref.softshrink_grad, F.softshrink),
    ("softshrink(lambd=1.5)", lambda x: ref.softshrink(x, lambd=1.5),
     lambda x: ref.softshrink_grad(x, lambd=1.5), lambda t: F.softshrink(t, lambd=1.5)),
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


# torch 2.13's float64 hardsigmoid backward multiplies by 1/6 rounded to float32
# (0.1666666716337204); the reference keeps the float64 1/6.
GRAD_RTOL = {"hardsigmoid": 1e-7}


@pytest.mark.parametrize(
    ("name", "forward", "derivative", "torch_forward"),
    [pytest.param(name, f, d, t, id=name) for name, f, d, t in PAIRS],
)
def test_values_and_derivatives_match_torch_autograd(
    name: str,
    forward: Callable[..., np.ndarray],
    derivative: Callable[..., np.ndarray],
    torch_forward: Callable[..., Any],
) -> None:
    value, grad = _autograd(torch_forward, GRID)
    np.testing.assert_allclose(forward(GRID), value, rtol=1e-12, atol=1e-15)
    rtol = GRAD_RTOL.get(name, 1e-10)
    np.testing.assert_allclose(derivative(GRID), grad, rtol=rtol, atol=1e-14)


def test_torchs_float64_hardsigmoid_slope_is_one_sixth_in_float32() -> None:
    """Why GRAD_RTOL relaxes hardsigmoid: if torch fixes it, tighten the bound."""
    _, grad = _autograd(F.hardsigmoid, np.array([0.0]))
    assert grad[0] == float(np.float32(1 / 6)) != 1 / 6
    assert ref.hardsigmoid_grad(0.0) == 1 / 6


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
    ("derivative", "torch_forward", "kinks"),
    [
        pytest.param(ref.relu_grad, F.relu, [0.0, -0.0], id="relu"),
        pytest.param(ref.leaky_relu_grad, F.leaky_relu, [0.0, -0.0], id="leaky_relu"),
        pytest.param(lambda x: ref.leaky_relu_grad(x, alpha=0.2),
                     lambda t: F.leaky_relu(t, negative_slope=0.2), [0.0, -0.0],
                     id="leaky_relu(alpha=0.2)"),
        pytest.param(ref.elu_grad, F.elu, [0.0, -0.0], id="elu"),
        pytest.param(lambda x: ref.elu_grad(x, alpha=0.5), lambda t: F.elu(t, alpha=0.5),
                     [0.0, -0.0], id="elu(alpha=0.5)"),
        pytest.param(ref.selu_grad, F.selu, [0.0, -0.0], id="selu"),
        pytest.param(_prelu(0.25)[1], _torch_prelu(0.25), [0.0, -0.0], id="prelu"),
        pytest.param(_prelu(-1.5)[1], _torch_prelu(-1.5), [0.0, -0.0], id="prelu(weight=-1.5)"),
        pytest.param(ref.hardtanh_grad, F.hardtanh, [-1.0, 1.0], id="hardtanh"),
        pytest.param(lambda x: ref.hardtanh_grad(x, -2.5, 0.7), lambda t: F.hardtanh(t, -2.5, 0.7),
                     [-2.5, 0.7], id="hardtanh(-2.5, 0.7)"),
        pytest.param(lambda x: ref.hardtanh_grad(x, 0.0, 0.0), lambda t: F.hardtanh(t, 0.0, 0.0),
                     [0.0, -0.0], id="hardtanh(0, 0)"),
        pytest.param(ref.relu6_grad, F.relu6, [0.0, -0.0, 6.0], id="relu6"),
        pytest.param(ref.hardsigmoid_grad, F.hardsigmoid, [-3.0, 3.0], id="hardsigmoid"),
        pytest.param(ref.hardswish_grad, F.hardswish, [-3.0, 3.0], id="hardswish"),
        pytest.param(ref.celu_grad, F.celu, [0.0, -0.0], id="celu"),
        pytest.param(lambda x: ref.celu_grad(x, alpha=0.5), lambda t: F.celu(t, alpha=0.5),
                     [0.0, -0.0], id="celu(alpha=0.5)"),
    ],
)
def test_the_derivative_at_the_kink_is_exactly_torchs(
    derivative: Callable[..., np.ndarray], torch_forward: Callable[..., Any], kinks: list[float]
) -> None:
    x = np.array(kinks)
    _, grad = _autograd(torch_forward, x)
    np.testing.assert_array_equal(derivative(x), grad)
    for dtype, torch_dtype in [(np.float32, torch.float32)]:
        t = torch.tensor(x.astype(dtype), dtype=torch_dtype, requires_grad=True)
        torch_forward(t).sum().backward()
        np.testing.assert_array_equal(derivative(x.astype(dtype)), t.grad.numpy())


def test_hardswish_takes_the_outer_value_at_both_kinks_as_torch_does() -> None:
    """torch 2.x: hardswish'(-3) = 0 and hardswish'(3) = 1 (PyTorch 1.x had the inner
    values -0.5 and 1.5); just inside, x/3 + 1/2."""
    x = np.array([-3.0, np.nextafter(-3.0, 0.0), np.nextafter(3.0, 0.0), 3.0])
    _, grad = _autograd(F.hardswish, x)
    assert grad[0] == 0.0 and grad[3] == 1.0
    np.testing.assert_array_equal(ref.hardswish_grad(x), grad)


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


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_log_softmax_and_its_vjp_match_torch_autograd(dim: int) -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 4.0, (3, 5))
    x[0, :2] = [1e300, -1e300]
    g = rng.normal(0.0, 1.0, (3, 5))
    t = torch.tensor(x, requires_grad=True)
    y = torch.log_softmax(t, dim=dim)
    (y * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(
        ref.log_softmax(x, axis=dim), y.detach().numpy(), rtol=1e-13, atol=1e-15
    )
    np.testing.assert_allclose(
        ref.log_softmax_vjp(x, g, axis=dim), t.grad.numpy(), rtol=1e-10, atol=1e-14
    )


PRELU_CASES = [
    pytest.param((7,), 0.25, id="1-D x, scalar weight"),
    pytest.param((7,), [0.25], id="1-D x, one weight"),
    pytest.param((4, 3), [0.1, -0.2, 0.3], id="(N, C)"),
    pytest.param((2, 3, 5), [0.1, 0.2, 0.3], id="(N, C, L)"),
    pytest.param((2, 3, 4, 2), [0.5, -1.0, 2.0], id="(N, C, H, W)"),
    pytest.param((2, 3, 4), 0.2, id="(N, C, L), scalar weight"),
    pytest.param((2, 3, 4), [0.2], id="(N, C, L), one weight"),
    pytest.param((), 0.3, id="0-d x"),
]


@pytest.mark.parametrize(("shape", "weight"), PRELU_CASES)
def test_prelu_and_both_its_gradients_match_torch_autograd(
    shape: tuple[int, ...], weight: float | list[float]
) -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(0.0, 2.0, shape)
    if x.size:
        x.flat[0] = 0.0  # the kink: torch takes the weight there
    g = rng.normal(0.0, 1.0, shape)
    w = np.asarray(weight, dtype=np.float64)
    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(w, requires_grad=True)
    y = F.prelu(tx, tw)
    (y * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ref.prelu(x, weight), y.detach().numpy(), rtol=1e-15, atol=0)
    grad_x, grad_w = ref.prelu_grad(x, weight, g)
    np.testing.assert_allclose(grad_x, tx.grad.numpy(), rtol=1e-15, atol=0)
    assert grad_w.shape == tw.grad.shape == w.shape
    assert grad_w.dtype == np.float64
    np.testing.assert_allclose(grad_w, tw.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("shape", "weight"),
    [((5,), [0.1] * 5), ((2, 3), [0.1, 0.2]), ((2, 3, 4), [0.1] * 4), ((3,), [[0.1]])],
    ids=["1-D x has one channel", "channels 3, weights 2", "channel axis is 1, not -1",
         "2-D weight"],
)
def test_prelu_rejects_the_weights_torch_rejects(
    shape: tuple[int, ...], weight: list[Any]
) -> None:
    x = np.ones(shape)
    with pytest.raises(RuntimeError):
        F.prelu(torch.tensor(x), torch.tensor(weight, dtype=torch.float64))
    with pytest.raises(ValueError, match="weight"):
        ref.prelu(x, weight)
    with pytest.raises(ValueError, match="weight"):
        ref.prelu_grad(x, weight, 1.0)


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
