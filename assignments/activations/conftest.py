"""Setup for the public tests. Run ``pytest`` in this folder.

You don't need to read or change this file. It makes your four files importable
by the tests, reports a function that still raises NotImplementedError as one
short line instead of a long traceback, and holds the checks the tests share:
comparing what your functions return with what is expected, and the checks that
need no expected values at all (huge inputs, the rules on shapes and dtypes, no
Python loops), run on your own code with the grader's hints.

Which functions are tested comes from ``tests/expected.json`` (its ``functions``
table): a function that is not part of your assignment has no test at all. The
tests reach these helpers through the ``check`` fixture.

One file on purpose (over the usual length of a module): it is all the support the
tests need, and students receive it as it is.
"""

from __future__ import annotations

import importlib
import json
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pytest

FOLDER = Path(__file__).resolve().parent
if str(FOLDER) not in sys.path:
    sys.path.insert(0, str(FOLDER))

DATA: dict[str, Any] = json.loads((FOLDER / "tests" / "expected.json").read_text("utf-8"))
FUNCTIONS: dict[str, dict[str, Any]] = DATA["functions"]


# ------------------------------------------------------------------ which tests exist


def names(file: str, *kinds: str) -> list[str]:
    """The functions of ``file`` in this assignment (of these kinds, if given)."""
    return [
        name
        for name, about in FUNCTIONS.items()
        if about["file"] == file and (not kinds or about["kind"] in kinds)
    ]


# A test file whose student file has no function in this assignment is not collected
# (tests/test_activations.py belongs to activations.py, and so on).
collect_ignore = [
    f"tests/{path.name}"
    for path in sorted((FOLDER / "tests").glob("test_*.py"))
    if not names(path.stem.removeprefix("test_") + ".py")
]


def hint(name: str, kind: str) -> str:
    """The grader's hint for ``name`` failing a check of this kind."""
    about = FUNCTIONS[name]
    family = "initializers" if about["kind"] in ("initializer", "zeros") else "activations"
    return about.get("hints", {}).get(kind) or DATA["hints"][family].get(kind, "")


def params(name: str) -> list[dict[str, Any]]:
    """The parameter settings the public data tries for ``name`` (each once)."""
    about = FUNCTIONS[name]
    if about["kind"] == "along_axis":
        cases = DATA[name]
    else:
        cases = DATA["activations" if about["file"] == "activations.py" else "derivatives"][name]
    settings: list[dict[str, Any]] = []
    for case in cases:
        if case["kwargs"] not in settings:
            settings.append(case["kwargs"])
    return settings


def pytest_report_header() -> str | None:
    """Names the graded functions the public tests cannot check (skipping nothing
    silently): the grading checks them, these tests do not."""
    others = DATA.get("without_public_tests", [])
    if not others:
        return None
    return f"graded, but without public tests: {', '.join(others)}"


# ------------------------------------------------------------------ failing with a message


def _fail(message: str, hint: str = "") -> NoReturn:
    __tracebackhide__ = True
    pytest.fail(f"{message}\n  hint: {hint}" if hint else message, pytrace=False)


def _show(value: Any) -> str:
    """A number as a student would write it: 0.5, not np.float64(0.5)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def label(name: str, *args: str, **kwargs: Any) -> str:
    """How a call is shown in messages: ``leaky_relu(x, alpha=0.2)``."""
    parts = list(args) + [f"{key}={value!r}" for key, value in kwargs.items()]
    return f"{name}({', '.join(parts)})"


# ------------------------------------------------------------------ your code


class StudentFile:
    """One of your files (``activations.py`` ...), imported when first needed.

    ``unimplemented``: what a function that is missing or raises NotImplementedError
    (or whose file cannot be imported) does to the test. ``"fail"`` in a function's
    first test (one short line), ``"skip"`` in its other tests: they wait until it is
    written.
    """

    def __init__(self, module: str, unimplemented: str = "fail") -> None:
        self.module = module
        self.unimplemented = unimplemented

    def _stop(self, message: str) -> NoReturn:
        __tracebackhide__ = True
        if self.unimplemented == "skip":
            pytest.skip(message)
        _fail(message)

    def function(self, name: str) -> Callable[..., Any]:
        __tracebackhide__ = True
        try:
            module = importlib.import_module(self.module)
        except Exception as error:  # a syntax error, a missing library ...
            problem = f"{type(error).__name__}: {error}"
        else:
            problem = ""
        if problem:
            self._stop(f"{self.module}.py could not be imported: {problem}")
        function = getattr(module, name, None)
        if not callable(function):
            self._stop(f"{name} is not defined in {self.module}.py")
        return function

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call your function; NotImplementedError becomes a one-line failure (or skip)."""
        __tracebackhide__ = True
        function = self.function(name)
        try:
            return function(*args, **kwargs)
        except NotImplementedError as error:
            message = str(error)
        # failing outside the except block keeps "During handling of the above
        # exception ..." out of the report
        if message != f"{name} is not implemented yet":
            message = f"{name} raised NotImplementedError: {message}"
        self._stop(message)


def student(name: str, *, first: bool = False) -> Callable[..., Any]:
    """``name`` from its file, ready to call. Only a function's first test (``first``)
    fails when it is not written yet; the others are skipped until it is."""
    file = StudentFile(FUNCTIONS[name]["file"].removesuffix(".py"), "fail" if first else "skip")

    def call(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        return file.call(name, *args, **kwargs)

    return call


# ------------------------------------------------------------------ comparing results


def assert_array(
    what: str, value: Any, *, shape: tuple[int, ...], dtype: type[np.generic], given: str = ""
) -> None:
    """``value`` is a NumPy array (or NumPy scalar for shape ()) of this shape and dtype."""
    __tracebackhide__ = True
    given = f" for {given} input" if given else ""
    allowed = (np.ndarray, np.generic) if shape == () else np.ndarray
    if not isinstance(value, allowed):
        _fail(f"{what} returned a {type(value).__name__}{given}, expected a numpy.ndarray")
    if value.shape != shape:
        _fail(f"{what} returned shape {value.shape}{given}, expected {shape}")
    if value.dtype != dtype:
        _fail(
            f"{what} returned dtype {value.dtype}{given}, expected {np.dtype(dtype)} "
            "(float32 in gives float32 out, anything else gives float64)"
        )


def assert_close(
    what: str,
    actual: Any,
    desired: Any,
    *,
    rtol: float,
    atol: float,
    x: Any = None,
    problem: str = "wrong value",
    expected: str = "expected",
    hint: str = "",
) -> None:
    """Values match within tolerance; a failure shows the first few wrong entries.

    With ``x`` (an elementwise function) each wrong entry is shown with its input,
    otherwise with its index. ``problem`` and ``expected`` word the message.
    """
    __tracebackhide__ = True
    desired = np.asarray(desired, dtype=np.float64)
    try:
        actual = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(f"{what} returned {actual!r}, which is not an array of numbers")
    if actual.shape != desired.shape:
        _fail(f"{what} returned shape {actual.shape}, expected {desired.shape}")
    with np.errstate(all="ignore"):
        wrong = ~np.isclose(actual, desired, rtol=rtol, atol=atol)
    if not wrong.any():
        return
    lines = [
        f"{what}: {problem} at {wrong.sum()} of {wrong.size} inputs (rtol={rtol}, atol={atol})"
    ]
    for index in _indices(wrong)[:3]:
        where = f"x = {_show(np.asarray(x)[index])}" if x is not None else f"index {index}"
        lines.append(
            f"  at {where} you returned {_show(actual[index])}, "
            f"{expected} {_show(desired[index])}"
        )
    _fail("\n".join(lines), hint)


def _indices(mask: np.ndarray) -> list[tuple[int, ...]]:
    """Where ``mask`` is true, as plain tuples: (0, 1), not (np.int64(0), np.int64(1))."""
    return [tuple(int(i) for i in index) for index in np.argwhere(mask)]


def _arrays(values: Any) -> list[Any]:
    """The arrays in a list that may hold arrays and lists of arrays."""
    if isinstance(values, (list, tuple)):
        return [array for value in values for array in _arrays(value)]
    return [values]


def assert_unchanged(what: str, before: Sequence[Any], after: Sequence[Any]) -> None:
    """The arguments after the call are equal to copies taken before it."""
    __tracebackhide__ = True
    for old, new in zip(_arrays(before), _arrays(after), strict=True):
        if not np.array_equal(old, new):
            _fail(f"{what} modified its input; build a new array instead")


def _value_hint(name: str, x: np.ndarray, wrong_at: Callable[[], np.ndarray]) -> str:
    """The kink hint when every wrong value is at a kink, else the values hint."""
    kinks = FUNCTIONS[name].get("kinks")
    if kinks:
        wrong = wrong_at()
        if wrong.any() and np.isin(x[wrong], kinks).all():
            return hint(name, "kink")
    return hint(name, "values")


def check_elementwise(
    name: str,
    kwargs: dict[str, Any],
    x: list[float],
    expected: list[float],
    tolerance: dict[str, dict[str, float]],
) -> None:
    """Values, shapes and dtypes of an elementwise function for one set of parameters."""
    __tracebackhide__ = True
    call = student(name, first=True)
    what = label(name, "x", **kwargs)
    want = np.asarray(expected)
    close = tolerance["float64"]
    close32 = tolerance["float32"]

    def compare(got: Any, desired: Any, at: Any, tolerance: dict[str, float], text: str) -> None:
        __tracebackhide__ = True
        at = np.asarray(at, dtype=np.float64)
        with np.errstate(all="ignore"):
            tip = _value_hint(
                name,
                at,
                lambda: ~np.isclose(np.asarray(got, np.float64), desired, **tolerance),
            )
        assert_close(text, got, desired, x=at, hint=tip, **tolerance)

    array = np.array(x, dtype=np.float64)
    before = array.copy()
    got = call(array, **kwargs)
    assert_array(what, got, shape=array.shape, dtype=np.float64, given="float64")
    compare(got, want, array, close, what)
    assert_unchanged(what, [before], [array])

    got = call(list(x), **kwargs)
    assert_array(what, got, shape=array.shape, dtype=np.float64, given="list")
    compare(got, want, array, close, what)

    got = call(array.astype(np.float32), **kwargs)
    assert_array(what, got, shape=array.shape, dtype=np.float32, given="float32")
    compare(got, want, array, close32, what + " in float32")

    grid = array.reshape(2, -1)
    got = call(grid, **kwargs)
    assert_array(what, got, shape=grid.shape, dtype=np.float64, given="2-d")
    compare(got, want.reshape(grid.shape), grid, close, what)

    middle = len(x) // 2
    got = call(x[middle], **kwargs)
    assert_array(what, got, shape=(), dtype=np.float64, given="Python float")
    compare(got, want[middle], array[middle], close, what)

    whole = [i for i, value in enumerate(x) if value == int(value)]
    integers = np.array([int(x[i]) for i in whole])
    got = call(integers, **kwargs)
    assert_array(what, got, shape=integers.shape, dtype=np.float64, given="integer")
    compare(got, want[whole], integers, close, what)


def check_along_axis(name: str) -> None:
    """Values, shape and dtype of softmax (or its vector-Jacobian product) on matrices."""
    __tracebackhide__ = True
    call = student(name, first=True)
    upstream = FUNCTIONS[name]["upstream"]
    tip = hint(name, "values")
    for case in DATA[name]:
        x = np.array(case["x"])
        args = [x, np.array(case["upstream"])] if upstream else [x]
        what = label(name, *(["x", "upstream"] if upstream else ["x"]), **case["kwargs"])
        before = [a.copy() for a in args]
        got = call(*args, **case["kwargs"])
        assert_array(what, got, shape=x.shape, dtype=np.float64, given="float64")
        assert_close(what, got, case["expected"], hint=tip, **DATA["tolerance"]["float64"])
        assert_unchanged(what, before, args)

        got = call(*(a.astype(np.float32) for a in args), **case["kwargs"])
        assert_array(what, got, shape=x.shape, dtype=np.float32, given="float32")
        assert_close(what, got, case["expected"], hint=tip, **DATA["tolerance"]["float32"])


def check_values(name: str) -> None:
    """The values at the points of tests/expected.json, with shapes and dtypes."""
    __tracebackhide__ = True
    if FUNCTIONS[name]["kind"] == "along_axis":
        return check_along_axis(name)
    table = DATA["activations" if FUNCTIONS[name]["file"] == "activations.py" else "derivatives"]
    for case in table[name]:
        check_elementwise(name, case["kwargs"], DATA["x"], case["expected"], DATA["tolerance"])
    return None


# ------------------------------------------------------------------ huge inputs


@contextmanager
def _watching() -> Iterator[list[str]]:
    """Collect numpy's floating-point warnings instead of raising them.

    numpy is told to warn of overflow, division by zero and invalid values whatever
    your module set with ``np.seterr`` (underflow to 0 is fine). (Silencing it
    inside your function with ``np.errstate`` hides the warning here, but not in the
    grading: there the floating-point error still counts.)
    """
    seen: list[str] = []
    with warnings.catch_warnings(record=True) as caught, np.errstate(
        over="warn", divide="warn", invalid="warn", under="ignore"
    ):
        warnings.simplefilter("always")
        yield seen
    seen.extend(str(w.message) for w in caught if issubclass(w.category, RuntimeWarning))


def _first_warning(call: Callable[..., Any], x: np.ndarray, kwargs: dict[str, Any]) -> Any:
    """The input of smallest magnitude that warns on its own, if one does."""
    __tracebackhide__ = True
    for value in sorted(x.ravel(), key=abs):
        with _watching() as seen:
            call(np.array([value], dtype=x.dtype), **kwargs)
        if seen:
            return value
    return None


def _stable(name: str, call: Callable[..., Any], x: np.ndarray, kwargs: dict[str, Any],
            described: str) -> None:
    __tracebackhide__ = True
    what = label(name, "x", **kwargs)
    tip = hint(name, "stability")
    with _watching() as seen:
        got = call(x, **kwargs)
    if seen:
        first = _first_warning(call, x, kwargs)
        where = f", first at x = {_show(first)}" if first is not None else ""
        _fail(
            f"{what}: numpy signalled a floating-point warning ({'; '.join(dict.fromkeys(seen))}) "
            f"for {described} (up to |x| = {_show(np.abs(x).max())}){where}",
            tip,
        )
    try:
        values = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(f"{what} returned {got!r} for {described}, which is not an array of numbers")
    if values.shape != x.shape:
        _fail(f"{what} returned shape {values.shape} for {described}, expected {x.shape}")
    bad = ~np.isfinite(values)
    if bad.any():
        lines = [f"{what}: inf or nan at {bad.sum()} of {bad.size} inputs ({described})"]
        for index in np.flatnonzero(bad)[:3]:
            lines.append(f"  at x = {_show(x[index])} you returned {_show(values[index])}")
        _fail("\n".join(lines), tip)


def check_stability(name: str) -> None:
    """Finite and warning-free for huge inputs: up to 1e300, and large float32."""
    __tracebackhide__ = True
    call = student(name)
    if FUNCTIONS[name]["kind"] == "along_axis":
        return _stable_along_axis(name, call)
    for kwargs in params(name):
        for described, values in DATA["large"]["float64"].items():
            _stable(name, call, np.array(values), kwargs, described)
    x32 = np.array(DATA["large"]["float32"], dtype=np.float32)
    _stable(name, call, x32, {}, "large float32 inputs (float32 exp overflows above 88)")
    return None


def _stable_along_axis(name: str, call: Callable[..., Any]) -> None:
    __tracebackhide__ = True
    x = np.array(DATA["large"]["softmax"])
    upstream = FUNCTIONS[name]["upstream"]
    args = (x, np.linspace(-1.0, 1.0, x.size).reshape(x.shape)) if upstream else (x,)
    tip = hint(name, "stability")
    for kwargs in ({}, {"axis": 0}):
        what = label(name, "x", *(["upstream"] if upstream else []), **kwargs)
        with _watching() as seen:
            got = call(*args, **kwargs)
        if seen:
            _fail(
                f"{what}: numpy signalled a floating-point warning "
                f"({'; '.join(dict.fromkeys(seen))}) for entries up to 1e300",
                tip,
            )
        values = np.asarray(got, dtype=np.float64)
        if values.shape != x.shape:
            _fail(f"{what} returned shape {values.shape} for large entries, expected {x.shape}")
        bad = ~np.isfinite(values)
        if bad.any():
            lines = [f"{what}: inf or nan at {bad.sum()} of {bad.size} entries"]
            for index in _indices(bad)[:3]:
                lines.append(
                    f"  at index {index} (x = {_show(x[index])}) you returned "
                    f"{_show(values[index])}"
                )
            _fail("\n".join(lines), tip)
        if FUNCTIONS[name]["sums_to_one"]:
            axis = kwargs.get("axis", -1)
            sums = values.sum(axis=axis)
            if not np.allclose(sums, 1.0, rtol=0, atol=1e-12):
                _fail(
                    f"{what}: for large entries the results along axis {axis} sum to "
                    f"{np.round(sums, 12).tolist()}, expected 1 each",
                    tip,
                )


# ------------------------------------------------------------------ the rules on arrays


def _expect(name: str, got: Any, *, inputs: Sequence[Any], before: Sequence[Any],
            shape: tuple[int, ...], dtype: str, described: str) -> np.ndarray:
    """One call's result: the type, shape and dtype of the contract, a new array, and
    inputs left as they were."""
    __tracebackhide__ = True
    tip = hint(name, "contract")
    scalar = shape == ()
    allowed = (np.ndarray, np.generic) if scalar else np.ndarray
    if not isinstance(got, allowed):
        expected = "a numpy array (or numpy scalar)" if scalar else "a numpy.ndarray"
        _fail(f"{name}: for {described} you returned a {type(got).__name__}, expected {expected}",
              tip)
    if got.shape != shape:
        _fail(f"{name}: for {described} you returned shape {got.shape}, expected {shape} "
              "(the input's shape)", tip)
    if str(got.dtype) != dtype:
        _fail(f"{name}: for {described} you returned dtype {got.dtype}, expected {dtype} "
              "(float32 in -> float32 out, anything else -> float64)", tip)
    for old, new in zip(before, inputs, strict=True):
        if not np.array_equal(np.asarray(old), np.asarray(new)):
            _fail(f"{name}: for {described} your function changed its input; it must leave "
                  "the caller's array as it was", tip)
    for given in inputs:
        if isinstance(given, np.ndarray) and isinstance(got, np.ndarray) and np.shares_memory(
            got, given
        ):
            _fail(f"{name}: for {described} you returned the input array itself (or a view "
                  "of it); return a new array, so that changing the result never changes "
                  "the caller's x", tip)
    return np.asarray(got)


def _own_result(name: str, what: str, got: np.ndarray, own: Any) -> None:
    """Same numbers in another form give the same values as your own result."""
    __tracebackhide__ = True
    tolerance = DATA["tolerance"]["float64"]
    assert_close(
        f"{name}: values for {what} (compared with your own result for the same numbers "
        "as a contiguous float64 array)",
        got,
        own,
        hint=hint(name, "contract"),
        **tolerance,
    )


def check_contract(name: str) -> None:
    """A new ndarray of the input's shape; float32 stays float32, anything else becomes
    float64; the input untouched; 0-d input gives a 0-d result."""
    __tracebackhide__ = True
    call = student(name)
    if FUNCTIONS[name]["kind"] == "along_axis":
        return _contract_along_axis(name, call)
    grid = np.linspace(-4.0, 4.0, 24)
    cases: list[tuple[Any, str, str]] = [
        (0.75, "float64", "a Python float"),
        (np.array(-1.25), "float64", "a 0-d array"),
        (np.array(0.5, dtype=np.float32), "float32", "a 0-d float32 array"),
        (grid[:6].reshape(2, 3).tolist(), "float64", "a nested list of floats"),
        (grid.reshape(2, 3, 4), "float64", "a float64 array of shape (2, 3, 4)"),
        (grid.astype(np.float32).reshape(4, 6), "float32", "a float32 array"),
    ]
    for x, dtype, described in cases:
        before = np.array(x, copy=True)
        _expect(name, call(x), inputs=[x], before=[before], shape=np.shape(x), dtype=dtype,
                described=described)
    ints = np.arange(-3, 4)
    got = _expect(name, call(ints), inputs=[ints], before=[ints.copy()], shape=(7,),
                  dtype="float64", described="an int64 array")
    _own_result(name, "integer input", got, call(ints.astype(np.float64)))
    view = grid.reshape(4, 6)[::2, ::-2]
    got = _expect(name, call(view), inputs=[view], before=[view.copy()], shape=view.shape,
                  dtype="float64", described="a non-contiguous view x[::2, ::-2]")
    _own_result(name, "a non-contiguous view", got, call(np.ascontiguousarray(view)))
    return None


def _contract_along_axis(name: str, call: Callable[..., Any]) -> None:
    __tracebackhide__ = True
    upstream = FUNCTIONS[name]["upstream"]
    grid = np.linspace(-3.0, 3.0, 24)

    def run(x: Any, dtype: str, described: str) -> np.ndarray:
        __tracebackhide__ = True
        args = [x]
        if upstream:  # the upstream gradient in the same form as x
            g: Any = np.cos(np.asarray(x, dtype=np.float64))
            if isinstance(x, list):
                g = g.tolist()
            elif dtype == "float32":
                g = g.astype(np.float32)
            args.append(g)
        before = [np.array(a, copy=True) for a in args]
        return _expect(name, call(*args), inputs=args, before=before, shape=np.shape(x),
                       dtype=dtype, described=described)

    def own(x: np.ndarray) -> Any:
        __tracebackhide__ = True
        floats = np.ascontiguousarray(x, dtype=np.float64)
        return call(floats, np.cos(floats)) if upstream else call(floats)

    run(grid[:6].reshape(2, 3).tolist(), "float64", "a nested list")
    run(grid.astype(np.float32).reshape(4, 6), "float32", "a float32 array")
    run(grid.reshape(2, 3, 4), "float64", "a float64 array of shape (2, 3, 4)")
    ints = np.arange(12).reshape(3, 4) - 5
    _own_result(name, "integer input", run(ints, "float64", "an int64 array"), own(ints))
    view = grid.reshape(2, 3, 4)[:, ::-1, ::2]
    got = run(view, "float64", "a non-contiguous view x[:, ::-1, ::2]")
    _own_result(name, "a non-contiguous view", got, own(view))


# ------------------------------------------------------------------ no Python loops

# A loop over the elements runs thousands of Python lines more for the large input;
# a vectorized function the same few (numpy's own Python code included).
VECTOR_MARGIN = 200


def python_steps(call: Callable[..., Any], *args: Any, **kwargs: Any) -> int:
    """How many Python calls and lines ``call(*args, **kwargs)`` runs."""
    steps = 0

    def count(frame: Any, event: str, arg: Any) -> Any:
        nonlocal steps
        steps += 1
        return count

    previous = sys.gettrace()
    sys.settrace(count)
    try:
        call(*args, **kwargs)
    finally:
        sys.settrace(previous)
    return steps


def check_vectorized(name: str) -> None:
    """The Python work of a call does not grow with the size of the input."""
    __tracebackhide__ = True
    call = student(name)
    function = StudentFile(FUNCTIONS[name]["file"].removesuffix(".py"), "skip").function(name)
    if FUNCTIONS[name]["kind"] == "along_axis":
        upstream = FUNCTIONS[name]["upstream"]
        lengths = (16, 512)
        inputs = [np.linspace(-3.0, 3.0, 4 * n).reshape(4, n) for n in lengths]
        arguments = [(x, np.cos(x)) if upstream else (x,) for x in inputs]
        sizes = [f"4 rows of {n}" for n in lengths]
    else:
        arguments = [(np.linspace(-3.0, 3.0, n),) for n in (16, 4096)]
        sizes = ["16 elements", "4096 elements"]
    call(*arguments[0])  # a first call may import or set things up
    small, large = (python_steps(function, *args) for args in arguments)
    if large - small > VECTOR_MARGIN:
        _fail(
            f"{name}: your code ran {small} Python steps for {sizes[0]} but {large} for "
            f"{sizes[1]} -- a Python loop over the elements (for, a comprehension, "
            "np.vectorize)?",
            hint(name, "vectorized"),
        )


# ------------------------------------------------------------------ the fixtures


class Checks:
    """The helpers above, handed to the tests by the ``check`` fixture."""

    array = staticmethod(assert_array)
    close = staticmethod(assert_close)
    unchanged = staticmethod(assert_unchanged)
    values = staticmethod(check_values)
    stability = staticmethod(check_stability)
    contract = staticmethod(check_contract)
    vectorized = staticmethod(check_vectorized)
    label = staticmethod(label)
    fail = staticmethod(_fail)
    hint = staticmethod(hint)
    params = staticmethod(params)
    student = staticmethod(student)


@pytest.fixture
def check() -> type[Checks]:
    return Checks
