"""The teaching notebook of the activations assignment: explanations and pictures.

Content only. The answer cells' code comes from the stubs and ``reference/``, the
test cells' points from ``assignment.toml`` (see :mod:`grader.nbgrader.course`). Plots
are never graded, define no functions (so the grader can tell them from answers)
and use the student's own functions, skipping those not written yet.

The template teaches the whole catalogue; a notebook shows what its manifest grades
(``grader new`` copies this file into the assignments it composes). Answers for
functions that are not graded are left out, and so are plots that use one.
"""

from __future__ import annotations

from grader.nbgrader.templates import Answer, Markdown, Plot, Setup

TITLE = "activations"

_NO_PLOT = 'print("(picture skipped: matplotlib is not installed; pip install matplotlib)")'

INTRO = """\
# Activation functions, their derivatives, and where training starts

A neural network alternates two things: linear maps (`h @ W + b`) and a
non-linear function applied to every number, the **activation**. In this notebook you
write the common activations, their derivatives (what backpropagation multiplies
by), the standard ways to initialize weights, and a detector for ReLU units that
have stopped learning. Along the way you will see *why* each of them exists: every
activation on the list was invented to fix a problem of the one before.

**How this notebook works.** Write your code in the cells that say
`# YOUR CODE HERE` (delete the `raise NotImplementedError()` line). Under each one is
a locked test cell. The course's grader checks your function in a separate process
against a reference: values, numerical stability, the array contract, the
derivative against the slope of your own function, and so on. Each kind of check
earns part of the function's points, and the test cell prints what went wrong,
with the input and a hint. The picture cells are not graded; they use your own
functions, so they also show your mistakes.

**Rules for every function** (the grader checks each one):

* Libraries: `numpy` and `math`, and from `scipy.special` only `erf`, `erfc` and
  `ndtr`. Ready-made versions of what you are writing (`scipy.special.expit`,
  `scipy.special.softmax`, `torch`, ...) cost that function its points.
* Vectorized: whole-array NumPy operations, no Python loop over the elements
  (`np.vectorize` is such a loop).
* dtype: float32 in, float32 out; anything else (float64, integers, lists, Python
  numbers) gives float64. The result is a NumPy array of the shape of `x`.
* Never modify the input array.
* Numerically stable: finite input of any size gives a finite result **with no
  floating-point warning**. `np.exp(1000.0)` is `inf` with a warning, so
  `sigmoid(-1000.0)` must be `0.0` without one.

You may add helper functions of your own in any answer cell.
"""

NONLINEAR = """\
## 1. Why a non-linearity at all?

Stack two linear layers without anything in between:
`(h @ W1 + b1) @ W2 + b2 = h @ (W1 @ W2) + (b1 @ W2 + b2)`. That is again *one*
linear layer. However deep, a network of linear maps can only draw straight
decision boundaries and fit straight lines. Putting a non-linear function between
the layers breaks the collapse, and that is what makes depth useful.

Which function? It must be cheap, defined everywhere, and -- because networks are
trained by gradient descent -- it must pass gradients back well. That last demand
is where most of the story is.
"""

SIGMOID = """\
### Sigmoid

The logistic sigmoid `1 / (1 + exp(-x))` squashes every number into (0, 1), which
made it the classic choice: it looks like a neuron that is off or firing. Write it
so that `exp` never sees a large positive number: for negative `x` use the
equivalent form `exp(x) / (1 + exp(x))`.
"""

TANH = """\
### Tanh

`tanh` squashes into (-1, 1) and is `2 * sigmoid(2x) - 1`: the same S-shape, but
centred on zero. `np.tanh` is allowed (and already stable).
"""

SATURATION_TEXT = """\
### Saturation and vanishing gradients

Look at the slopes. Beyond |x| of about 4 both curves are flat: the neuron is
**saturated**, and its derivative is nearly 0. Backpropagation multiplies the
gradient by this derivative at every layer, so a saturated unit passes almost
nothing back. Even at its best (x = 0) the sigmoid's slope is only 1/4, so through
ten sigmoid layers the gradient shrinks by at least `0.25**10`, about one
millionth: the first layers stop learning. This is the **vanishing gradient**
problem.
"""

SATURATION_PLOT = f"""\
if plt is None:
    {_NO_PLOT}
else:
    x = np.linspace(-8.0, 8.0, 801)
    fig, (values, slopes) = plt.subplots(1, 2, figsize=(11, 3.6))
    for f in (sigmoid, tanh):
        try:
            y = f(x)
        except NotImplementedError:
            continue
        values.plot(x, y, label=f.__name__)
        slopes.plot(x, np.gradient(y, x), label=f"slope of {{f.__name__}}")
    slopes.axhline(0.25, color="grey", linestyle="--", linewidth=0.8)
    values.set_title("the functions")
    slopes.set_title("their slopes: flat (saturated) beyond |x| = 4")
    for ax in (values, slopes):
        ax.grid(alpha=0.3)
        ax.legend()
    plt.show()
"""

ZIGZAG_TEXT = """\
### Zero-centred outputs, and the zig-zag of sigmoid

Sigmoid has a second flaw. Its outputs are all positive, and they are the inputs
`h` of the next layer. The gradient of a weight `w_i` of the next neuron is
`delta * h_i`, where `delta` is one number for the whole neuron. With every `h_i > 0`,
all its weights get gradients of **the same sign**: in one step they can all grow
or all shrink, never some up and some down. To reach weights like (1, -1), gradient
descent has to zig-zag. Tanh's outputs are centred on zero, and the path is direct.
The picture below simulates exactly this, with plain NumPy.
"""

ZIGZAG_PLOT = f"""\
if plt is None:
    {_NO_PLOT}
else:
    rng = np.random.default_rng(0)
    best = np.array([1.0, -1.0])
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for label, inputs in (("inputs all positive (after sigmoid)", rng.uniform(0.0, 1.0, (40, 2))),
                          ("inputs centred on 0 (after tanh)", rng.uniform(-1.0, 1.0, (40, 2)))):
        w = np.zeros(2)
        path = [w]
        for h in inputs:
            delta = (w - best) @ h      # one number for the whole neuron
            w = w - 0.8 * delta * h     # so every w_i moves with the sign of delta
            path.append(w)
        path = np.array(path)
        ax.plot(path[:, 0], path[:, 1], marker=".", label=label)
    ax.plot(best[0], best[1], "k*", markersize=14, label="the best weights")
    ax.set_xlabel("w_1")
    ax.set_ylabel("w_2")
    ax.set_title("gradient descent on one neuron's two weights")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    plt.show()
"""

RELU = """\
### ReLU

`max(0, x)` does not saturate for positive input: its slope there is exactly 1, so
gradients pass through any number of layers unchanged. It is also the cheapest
function on the list, and it made deep networks trainable. Make sure the result is a
float array even for integer input.
"""

DYING = """\
### Dying ReLU, and the remedies

ReLU's weakness is the other half: for `x <= 0` the output *and the slope* are 0. If
a unit's pre-activation is negative for every input -- typically after one
too-large update pushed its bias far below zero -- it outputs 0, receives no
gradient, and can never recover. The unit is **dead** (section 4 finds them).
Every function below keeps ReLU's good half and gives the negative half a slope or
a smooth curve:

* **Leaky ReLU**: a small slope `alpha` for negative input; never exactly flat.
* **ELU**: `alpha * (exp(x) - 1)` for negative input, a smooth curve that levels
  off at `-alpha`, so the mean output moves towards zero.
* **SELU**: ELU scaled by two constants chosen so that, with LeCun-initialized
  weights, the activations keep mean 0 and variance 1 layer after layer.
* **GELU**: `x * Phi(x)`, the input weighted by how likely a standard normal is to
  be below it; the default in transformers. Use `scipy.special.ndtr` for `Phi`.
* **Swish** (SiLU): `x * sigmoid(beta * x)`, smooth and slightly negative for
  negative input.
* **Mish**: `x * tanh(softplus(x))`, a smoother cousin of swish.

Remember that `np.where` evaluates *both* branches for every element: a branch you
do not select can still overflow. `np.expm1(np.minimum(x, 0))` is the safe ELU branch.
"""

SOFTPLUS = """\
### Softplus

`log(1 + exp(x))` is a smooth ReLU, and its derivative is the sigmoid. Written as
is, it overflows for `x > 709` and loses all accuracy for very negative `x`. The
stable form is `max(x, 0) + log1p(exp(-|x|))` (or `np.logaddexp(0, x)`).
"""

GALLERY_TEXT = """\
### All of them side by side

Your functions, as soon as they are written. Look at the negative side: flat for
ReLU, a small slope for Leaky ReLU, a curve that levels off for ELU and SELU, a dip
below zero for GELU, swish and mish.
"""

GALLERY_PLOT = f"""\
if plt is None:
    {_NO_PLOT}
else:
    x = np.linspace(-4.0, 3.0, 701)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for f in (relu, leaky_relu, elu, selu, gelu, softplus, swish, mish):
        try:
            ax.plot(x, f(x), label=f.__name__)
        except NotImplementedError:
            pass
    ax.axhline(0.0, color="grey", linewidth=0.6)
    ax.set_ylim(-2.0, 3.2)
    ax.set_title("activations: what happens to negative input")
    ax.legend(ncol=2)
    ax.grid(alpha=0.3)
    plt.show()
"""

SOFTMAX = """\
### Softmax

Softmax turns a vector of scores into probabilities: `exp(x_i) / sum_j exp(x_j)`
along `axis`. Adding the same number to every score does not change the result, so
subtract the maximum first: the largest exponent is then `exp(0) = 1` and nothing
can overflow.
"""

DERIVATIVES = """\
## 2. Derivatives: what backpropagation multiplies by

Backpropagation sends the gradient of the loss backwards through every layer, and
at each activation it multiplies by `f'(x)`. Each `*_grad` below returns that
derivative, element by element, with the same parameters as its activation. You may
(and should) call your activations: `sigmoid'(x) = s * (1 - s)` with `s = sigmoid(x)`.

Two things to watch:

* **Kinks.** ReLU, Leaky ReLU, ELU and SELU have a corner at 0 where the derivative
  jumps. There it is defined as the left-hand value, as in PyTorch:
  `relu_grad(0) = 0`, `leaky_relu_grad(0) = alpha`, `elu_grad(0) = alpha`,
  `selu_grad(0) = SELU_LAMBDA * SELU_ALPHA`. In code: `x > 0`, not `x >= 0`.
* **Saturation in floating point.** For large `x`, `sigmoid(x)` rounds to 1 and
  `s * (1 - s)` becomes 0 where the true value is tiny but not 0;
  `sigmoid(x) * sigmoid(-x)` keeps it.

Check yourself with a central difference `(f(x + h) - f(x - h)) / (2 * h)` with
`h = 1e-6`: it agrees with the true derivative to about 1e-8 away from kinks. The
grader compares your derivative with the slope of *your own* forward function, so
its message tells you which of the two is wrong.
"""

SOFTMAX_VJP = """\
### The softmax's vector-Jacobian product

Softmax is not elementwise: every output depends on every input along the axis.
Its Jacobian is `diag(s) - s s^T` (with `s = softmax(x)`), and backpropagation never
needs it whole, only its product with the incoming gradient `g`:
`s * (g - sum(g * s))`, the sum taken along `axis` with `keepdims=True`.
"""

SLOPES_TEXT = """\
### Your derivatives, and where they vanish

Flat stretches at 0 are where gradients die: both tails of sigmoid and tanh, the
negative half of ReLU. The jumps are the kinks.
"""

SLOPES_PLOT = f"""\
if plt is None:
    {_NO_PLOT}
else:
    x = np.linspace(-5.0, 5.0, 1001)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for f in (sigmoid_grad, tanh_grad, relu_grad, leaky_relu_grad, elu_grad, gelu_grad,
              swish_grad, mish_grad):
        try:
            ax.plot(x, f(x), label=f.__name__)
        except NotImplementedError:
            pass
    ax.set_title("derivatives: flat at 0 is where the gradient vanishes")
    ax.legend(ncol=2, fontsize=8)
    ax.grid(alpha=0.3)
    plt.show()
"""

INITIALIZATION = """\
## 3. Initialization: where training starts

A layer computes `h @ W + b` with `W` of shape `(fan_in, fan_out)`. Each
pre-activation is a sum of `fan_in` terms `h_i * w_ij`, so its variance is about
`fan_in * Var(w) * E[h^2]`. That one line explains all of the following.

* **Symmetry.** If all weights are equal (all zeros, say), every unit of a layer
  computes the same output and receives the same gradient, so the units stay
  identical forever: the layer behaves like a single unit. Random weights
  **break the symmetry**.
* **Scale.** With `Var(w)` too small, the signal shrinks by the same factor at
  every layer and vanishes; too large, and it grows until sigmoid and tanh units
  saturate, where -- as you saw -- their gradients vanish instead.
* **Xavier (Glorot).** `Var(w) = 2 / (fan_in + fan_out)` keeps the variance steady
  going forward (which needs `1 / fan_in`) and backward (`1 / fan_out`), a
  compromise between the two. It suits tanh and sigmoid.
* **He.** ReLU sets about half of its inputs to 0, which halves `E[h^2]`. He
  initialization doubles the variance to make up for it: `Var(w) = 2 / fan_in`.
* **LeCun.** `Var(w) = 1 / fan_in`, the choice that goes with SELU.

A uniform distribution `U(-a, a)` has variance `a^2 / 3`, which is where the
`sqrt(6 / ...)` limits come from. Draw every random number from the `rng` you are
given, so that results are reproducible.
"""

DEPTH_TEXT = """\
### Thirty layers deep

The spread (standard deviation) of the activations layer by layer, for your
initializers, in a network of 30 layers of 256 units. Small random weights make
the signal vanish; Xavier holds it steady for tanh; with ReLU only He does.
"""

DEPTH_PLOT = f"""\
if plt is None:
    {_NO_PLOT}
else:
    rng = np.random.default_rng(1)
    width, depth = 256, 30
    inputs = rng.standard_normal((500, width))
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
    for ax, activation in zip(axes, ("tanh", "relu")):
        for label, init, params in (("random_normal(std=0.01)", random_normal, {{"std": 0.01}}),
                                    ("xavier_normal", xavier_normal, {{}}),
                                    ("he_normal", he_normal, {{}})):
            h, spread = inputs, []
            try:
                for layer in range(depth):
                    a = h @ init(width, width, rng, **params)
                    h = np.tanh(a) if activation == "tanh" else np.maximum(a, 0.0)
                    spread.append(h.std())
            except NotImplementedError:
                continue
            ax.semilogy(range(1, depth + 1), np.maximum(spread, 1e-300), label=label)
        ax.set_title(f"{{activation}} network")
        ax.set_xlabel("layer")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_ylabel("std of the activations")
    plt.show()
"""

GAIN = """\
### The gain

Xavier's formula assumes an activation that keeps the variance of its input. The
**gain** corrects for the activation actually used (as in
`torch.nn.init.calculate_gain`): 1 for linear and sigmoid, 5/3 for tanh, `sqrt(2)`
for ReLU (He's factor 2, as a standard deviation), `sqrt(2 / (1 + slope^2))` for
Leaky ReLU, 3/4 for SELU. Anything else is a mistake: raise `ValueError`.
"""

DEAD = """\
## 4. Finding dead ReLU units

A unit is **dead** when its pre-activation is `<= 0` for every sample: it outputs 0
everywhere and no gradient ever reaches its weights (a pre-activation of exactly 0
gives no gradient either, since `relu_grad(0) = 0`). A unit can also die because
every unit feeding it is dead.

The network: `weights[l]` has shape `(n_l, n_{l+1})`, `biases[l]` shape
`(n_{l+1},)`, `X` shape `(n_samples, n_0)`, and every layer is followed by ReLU:
`a_l = h_l @ weights[l] + biases[l]`, `h_{l+1} = max(a_l, 0)`, `h_0 = X`. Go through
`X` in slices of `batch_size` rows so that memory does not grow with the data set;
a loop over layers and batches is fine, a loop over samples or units is not.

The remedies, once you have found them: a smaller learning rate, He
initialization, a small positive initial bias, or an activation whose negative side
is not flat (section 1).
"""

DEAD_TEXT = """\
### A network after one bad update

The first layer's biases of ten units were pushed far below zero (as one
too-large gradient step would). Your detector should find them -- and the units of
the next layer that only they fed.
"""

DEAD_PLOT = """\
rng = np.random.default_rng(2)
sizes = [20, 64, 32]
weights = [rng.normal(0.0, np.sqrt(2.0 / n), (n, m)) for n, m in zip(sizes, sizes[1:])]
biases = [np.zeros(m) for m in sizes[1:]]
biases[0][:10] -= 50.0              # the bad update
weights[1][10:, :4] = 0.0           # four units of layer 2 listen only to those ten
biases[1][:4] = -0.1
samples = rng.standard_normal((2000, sizes[0]))
try:
    dead = dead_relu_mask(weights, biases, samples, batch_size=256)
    activity = relu_activity(weights, biases, samples, batch_size=256)
except NotImplementedError:
    print("write relu_activity and dead_relu_mask first")
else:
    for layer, mask in enumerate(dead):
        print(f"layer {layer}: {int(np.sum(mask))} of {mask.size} units dead:",
              np.flatnonzero(mask))
    if plt is not None:
        fig, axes = plt.subplots(1, len(activity), figsize=(11, 2.8))
        for layer, (ax, share) in enumerate(zip(axes, activity)):
            ax.bar(range(share.size), share, color=np.where(dead[layer], "crimson", "steelblue"))
            ax.set_title(f"layer {layer}: share of samples where each unit is active")
            ax.set_ylim(0.0, 1.0)
        plt.show()
"""

PRELU = """\
### PReLU

Leaky ReLU whose slope for negative input is a **learned** parameter `weight`: one
number, or one per channel (the channel axis is axis 1, as in PyTorch). Reshape a
per-channel weight so that it lines up with axis 1 before multiplying.
"""

PRELU_GRAD = """\
### PReLU': the gradient of the input and of the slope

The slope is a parameter, so backpropagation needs its gradient too: `grad_x` is the
upstream gradient times 1 or `weight`, and `grad_weight` collects `upstream * x` over
every negative entry the slope multiplies -- summed over the batch and every axis but
the channel axis. At `x = 0` PyTorch takes the left-hand slope, `weight`.
"""

ACTIVATION_STATS = """\
### The depth experiment, as a function

The picture above as a function you can test: push `rng.standard_normal((samples,
width))` through `depth` layers `h = f(h @ W)` with `W = init(width, width, rng)` and
record the spread of each layer's activations.
"""

SATURATED = """\
### Saturated units

A sigmoid or tanh unit whose pre-activation sits far out on a flat tail passes almost
no gradient: the other way a network stops learning. Count, per unit, the share of
samples where the derivative is below `threshold`, in batches as for dead ReLUs.
"""

PLOT_SETUP = """\
# Pictures are optional: they need matplotlib (pip install matplotlib).
try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
"""

PARTS = (
    Markdown(INTRO),
    Setup("Run this cell first: the imports and constants every answer may use."),
    Plot("", PLOT_SETUP),
    Markdown(NONLINEAR),
    Answer("sigmoid", SIGMOID),
    Answer("tanh", TANH),
    Plot(SATURATION_TEXT, SATURATION_PLOT),
    Plot(ZIGZAG_TEXT, ZIGZAG_PLOT),
    Answer("relu", RELU),
    Markdown(DYING),
    Answer("leaky_relu", "### Leaky ReLU\n\n`x` for `x > 0`, `alpha * x` otherwise."),
    Answer("elu", "### ELU\n\n`x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise."),
    Answer("selu", "### SELU\n\n`SELU_LAMBDA * elu(x, SELU_ALPHA)`, with the full-precision "
                   "constants from the set-up cell."),
    Answer("gelu", "### GELU\n\n`x * Phi(x)`; with `approximate=True` the tanh formula "
                   "`0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))`. For huge "
                   "`|x|`, `x**3` overflows: the tanh is already +-1 there, so clip first."),
    Answer("softplus", SOFTPLUS),
    Answer("swish", "### Swish\n\n`x * sigmoid(beta * x)`; the `beta` goes inside the sigmoid."),
    Answer("mish", "### Mish\n\n`x * tanh(softplus(x))`, with a stable softplus."),
    Answer("prelu", PRELU),
    Answer("hardtanh", "### Hard tanh\n\ntanh's S-shape in three straight lines: `x` clipped to "
                       "`[min_val, max_val]`. Cheap, and flat (so saturated) outside the bounds."),
    Answer("relu6", "### ReLU6\n\nReLU capped at 6, which keeps activations small enough for "
                    "low-precision arithmetic (MobileNet)."),
    Answer("hardsigmoid", "### Hard sigmoid\n\n`relu6(x + 3) / 6`: a sigmoid made of three "
                          "straight lines, no exponential at all."),
    Answer("hardswish", "### Hard swish\n\n`x * relu6(x + 3) / 6`: swish with the hard sigmoid "
                        "in place of the sigmoid (MobileNetV3)."),
    Answer("softsign", "### Softsign\n\n`x / (1 + |x|)` squashes into (-1, 1) like tanh, but "
                       "approaches the bounds like `1/|x|`, not exponentially: it saturates "
                       "more slowly."),
    Answer("celu", "### CELU\n\n`max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`: ELU with "
                   "`x / alpha` in the exponential, so its slope at 0 is 1 for every `alpha`."),
    Answer("logsigmoid", "### Log-sigmoid\n\n`log(sigmoid(x)) = -softplus(-x)`. Never take the "
                         "log of a sigmoid: for `x` below about -745 the sigmoid underflows to 0 "
                         "and the log is `-inf`, where the true value is about `x`."),
    Plot(GALLERY_TEXT, GALLERY_PLOT),
    Answer("softmax", SOFTMAX),
    Answer("log_softmax", "### Log-softmax\n\nLog-probabilities: `x - logsumexp(x)` along "
                          "`axis`. Subtract the maximum first, and never take the log of a "
                          "softmax entry that may have underflowed to 0."),
    Markdown(DERIVATIVES),
    Answer("sigmoid_grad", "### Sigmoid'"),
    Answer("tanh_grad", "### Tanh'\n\n`1 - tanh(x)**2`: the square matters."),
    Answer("relu_grad", "### ReLU'\n\n1 for `x > 0`, 0 otherwise -- including at 0."),
    Answer("leaky_relu_grad", "### Leaky ReLU'"),
    Answer("elu_grad", "### ELU'\n\nFor `x <= 0`: the derivative of `alpha * (exp(x) - 1)` "
                       "is `alpha * exp(x)`."),
    Answer("selu_grad", "### SELU'"),
    Answer("gelu_grad", "### GELU'\n\n`Phi(x) + x * phi(x)`, with `phi` the standard normal "
                        "density; for `approximate=True`, the chain rule through the tanh."),
    Answer("softplus_grad", "### Softplus'\n\nIt is a function you have already written."),
    Answer("swish_grad", "### Swish'\n\nWith `s = sigmoid(beta * x)`: "
                         "`s + beta * x * s * (1 - s)`."),
    Answer("mish_grad", "### Mish'\n\nWith `t = tanh(softplus(x))`: "
                        "`t + x * (1 - t**2) * sigmoid(x)`."),
    Answer("prelu_grad", PRELU_GRAD),
    Answer("hardtanh_grad", "### Hard tanh'\n\n1 strictly between the bounds, 0 elsewhere -- "
                            "also at `min_val` and `max_val` (as in PyTorch)."),
    Answer("relu6_grad", "### ReLU6'\n\n1 for `0 < x < 6`, 0 elsewhere, at both kinks too."),
    Answer("hardsigmoid_grad", "### Hard sigmoid'\n\n1/6 strictly inside (-3, 3), 0 elsewhere."),
    Answer("hardswish_grad", "### Hard swish'\n\n`x / 3 + 1/2` inside (-3, 3), 0 below and 1 "
                             "above; at the kinks PyTorch takes the outer values (0 at -3, 1 "
                             "at 3)."),
    Answer("softsign_grad", "### Softsign'\n\n`1 / (1 + |x|)**2`; square `1 / (1 + |x|)`, "
                            "which cannot overflow, rather than `1 + |x|`."),
    Answer("celu_grad", "### CELU'\n\n1 for `x > 0`, `exp(x / alpha)` otherwise: the `alpha` "
                        "in front cancels with the chain rule's `1 / alpha`."),
    Answer("logsigmoid_grad", "### Log-sigmoid'\n\n`1 - sigmoid(x) = sigmoid(-x)`, computed "
                              "stably."),
    Answer("softmax_vjp", SOFTMAX_VJP),
    Answer("log_softmax_vjp", "### The log-softmax's vector-Jacobian product\n\nIts Jacobian "
                              "is `I - 1 s^T` (with `s = softmax(x)`), so the product with `g` "
                              "is `g - s * sum(g, axis, keepdims=True)`: one sum, no n-by-n "
                              "matrix."),
    Plot(SLOPES_TEXT, SLOPES_PLOT),
    Markdown(INITIALIZATION),
    Answer("zeros", "### Zeros\n\nThe symmetry that never breaks: write it to see why it "
                    "fails (and because the grader asks for it)."),
    Answer("random_normal", "### Small random weights\n\n`N(0, std^2)`: `std` is the "
                            "standard deviation, not the variance."),
    Answer("xavier_uniform", "### Xavier, uniform"),
    Answer("xavier_normal", "### Xavier, normal"),
    Answer("he_uniform", "### He, uniform"),
    Answer("he_normal", "### He, normal"),
    Answer("lecun_normal", "### LeCun, normal"),
    Plot(DEPTH_TEXT, DEPTH_PLOT),
    Answer("activation_stats", ACTIVATION_STATS),
    Answer("calculate_gain", GAIN),
    Markdown(DEAD),
    Answer("relu_activity", "### How often each unit is active"),
    Answer("dead_relu_mask", "### Which units are dead"),
    Plot(DEAD_TEXT, DEAD_PLOT),
    Answer("saturated_fraction", SATURATED),
)
