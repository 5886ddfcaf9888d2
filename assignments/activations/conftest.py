"""Setup for the public tests. Run ``pytest`` in this folder.

You don't need to read or change this file. It makes your four files importable
by the tests, reports a function that still raises NotImplementedError as one
short line instead of a long traceback, and holds the helpers that compare what
your functions return with what is expected.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pytest

FOLDER = Path(__file__).resolve().parent
if str(FOLDER) not in sys.path:
    sys.path.insert(0, str(FOLDER))


def _fail(message: str) -> NoReturn:
    __tracebackhide__ = True
    pytest.fail(message, pytrace=False)


def _show(value: Any) -> str:
    """A number as a student would write it: 0.5, not np.float64(0.5)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


class StudentFile:
    """One of your files (``activations.py`` ...), imported when first needed."""

    def __init__(self, module: str) -> None:
        self.module = module

    def function(self, name: str) -> Callable[..., Any]:
        __tracebackhide__ = True
        try:
            module = importlib.import_module(self.module)
        except Exception as error:  # a syntax error, a missing library ...
            problem = f"{type(error).__name__}: {error}"
        else:
            problem = ""
        if problem:
            _fail(f"{self.module}.py could not be imported: {problem}")
        function = getattr(module, name, None)
        if not callable(function):
            _fail(f"{name} is not defined in {self.module}.py")
        return function

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call your function; NotImplementedError becomes a one-line failure."""
        __tracebackhide__ = True
        function = self.function(name)
        try:
            return function(*args, **kwargs)
        except NotImplementedError as error:
            message = str(error)
        # failing outside the except block keeps "During handling of the above
        # exception ..." out of the report
        if message == f"{name} is not implemented yet":
            _fail(message)
        _fail(f"{name} raised NotImplementedError: {message}")


def label(name: str, *args: str, **kwargs: Any) -> str:
    """How a call is shown in messages: ``leaky_relu(x, alpha=0.2)``."""
    parts = list(args) + [f"{key}={value!r}" for key, value in kwargs.items()]
    return f"{name}({', '.join(parts)})"


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
) -> None:
    """Values match within tolerance; a failure shows the first few wrong entries.

    With ``x`` (an elementwise function) each wrong entry is shown with its input,
    otherwise with its index.
    """
    __tracebackhide__ = True
    desired = np.asarray(desired, dtype=np.float64)
    try:
        actual = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(f"{what} returned {actual!r}, which is not an array of numbers")
    if actual.shape != desired.shape:
        _fail(f"{what} returned shape {actual.shape}, expected {desired.shape}")
    wrong = ~np.isclose(actual, desired, rtol=rtol, atol=atol)
    if not wrong.any():
        return
    lines = [
        f"{what}: wrong value at {wrong.sum()} of {wrong.size} inputs (rtol={rtol}, atol={atol})"
    ]
    for index in list(zip(*np.nonzero(wrong), strict=True))[:3]:
        where = f"x = {_show(np.asarray(x)[index])}" if x is not None else f"index {index}"
        lines.append(
            f"  at {where} you returned {_show(actual[index])}, "
            f"expected {_show(desired[index])}"
        )
    _fail("\n".join(lines))


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


def check_elementwise(
    student: StudentFile,
    name: str,
    kwargs: dict[str, Any],
    x: list[float],
    expected: list[float],
    tolerance: dict[str, dict[str, float]],
) -> None:
    """Values, shapes and dtypes of an elementwise function for one set of parameters."""
    __tracebackhide__ = True
    what = label(name, "x", **kwargs)
    want = np.asarray(expected)
    close = tolerance["float64"]
    close32 = tolerance["float32"]

    array = np.array(x, dtype=np.float64)
    before = array.copy()
    got = student.call(name, array, **kwargs)
    assert_array(what, got, shape=array.shape, dtype=np.float64, given="float64")
    assert_close(what, got, want, x=array, **close)
    assert_unchanged(what, [before], [array])

    got = student.call(name, list(x), **kwargs)
    assert_array(what, got, shape=array.shape, dtype=np.float64, given="list")
    assert_close(what, got, want, x=array, **close)

    got = student.call(name, array.astype(np.float32), **kwargs)
    assert_array(what, got, shape=array.shape, dtype=np.float32, given="float32")
    assert_close(what + " in float32", got, want, x=array, **close32)

    grid = array.reshape(2, -1)
    got = student.call(name, grid, **kwargs)
    assert_array(what, got, shape=grid.shape, dtype=np.float64, given="2-d")
    assert_close(what, got, want.reshape(grid.shape), x=grid, **close)

    middle = len(x) // 2
    got = student.call(name, x[middle], **kwargs)
    assert_array(what, got, shape=(), dtype=np.float64, given="Python float")
    assert_close(what, got, want[middle], x=array[middle], **close)

    whole = [i for i, value in enumerate(x) if value == int(value)]
    integers = np.array([int(x[i]) for i in whole])
    got = student.call(name, integers, **kwargs)
    assert_array(what, got, shape=integers.shape, dtype=np.float64, given="integer")
    assert_close(what, got, want[whole], x=integers, **close)


class Checks:
    """The helpers above, handed to the tests by the ``check`` fixture."""

    array = staticmethod(assert_array)
    close = staticmethod(assert_close)
    unchanged = staticmethod(assert_unchanged)
    elementwise = staticmethod(check_elementwise)
    label = staticmethod(label)
    fail = staticmethod(_fail)


@pytest.fixture
def check() -> type[Checks]:
    return Checks


@pytest.fixture
def activations() -> StudentFile:
    return StudentFile("activations")


@pytest.fixture
def derivatives() -> StudentFile:
    return StudentFile("derivatives")


@pytest.fixture
def initializers() -> StudentFile:
    return StudentFile("initializers")


@pytest.fixture
def dead_relu() -> StudentFile:
    return StudentFile("dead_relu")
