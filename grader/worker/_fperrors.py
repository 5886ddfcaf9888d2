"""The floating-point errors of a graded call, whatever the call does to numpy's error
handling.

numpy reports an overflow, a division by zero or an invalid operation as its error
state says (``np.errstate``, ``np.seterr``, ``np.seterrcall``). The worker records them
by setting every kind to ``"call"`` with a recorder as the callback, so a function that
silences numpy (``with np.errstate(all="ignore")``, ``@np.errstate(...)``,
``np.seterr``, a callback of its own, at import or inside the call) would switch the
recording off. In the worker those public functions are therefore replaced
(:func:`install`) by ones that keep the recorder in place and *emulate* what was asked:
an error is recorded first, then ignored, warned about (``RuntimeWarning``), raised
(``FloatingPointError``), printed, logged or passed to the code's own callback, as its
setting says. ``np.geterr`` and ``np.geterrcall`` answer what the code asked for. An
error recorded while the code had asked for something other than numpy's default
(``"warn"``) is also reported as *silenced*. The ``warnings`` module plays no part
(filters, ``catch_warnings``): numpy calls the recorder directly.

numpy's own code keeps the real functions (a call from a frame whose globals are those
of a numpy module passes through): ``np.ma`` and friends silence errors they expect and
handle, and those are not the student's.

Threads: every thread the worker starts records from its first line (see
``_main._start_threads_with``); numpy's error state is per thread (per context in
numpy 2), and a new one would otherwise start with numpy's default, unrecorded.

Left open (docs/threat-model.md): code that reaches numpy's internals
(``numpy._core._ufunc_config``'s original functions, the error-state context variable,
an empty ``contextvars.Context``) or the worker's own objects can still hide its errors.
"""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

KINDS = ("divide", "over", "under", "invalid")
MODES = frozenset({"ignore", "warn", "raise", "call", "print", "log"})
DEFAULT = {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}
# numpy's names for the kinds, as its callback receives them
NAMES = {"divide by zero": "divide", "overflow": "over", "underflow": "under",
         "invalid value": "invalid"}
REPORTED = ("divide by zero", "overflow", "invalid value")  # underflow is harmless

_real: dict[str, Any] = {}  # numpy's own errstate, seterr, geterr, seterrcall, geterrcall
_numpy_globals: frozenset[int] = frozenset()  # ids of numpy modules' namespaces
_UNSET = object()


class Record:
    """The errors of one call: numpy's names of those that happened, and whether any
    happened while the code had silenced numpy."""

    def __init__(self) -> None:
        self.errors: set[str] = set()
        self.silenced = False


_record: Record | None = None  # of the call in progress (all threads)


class _Recorder:
    """The callback numpy really calls: records, then does what the code asked for."""

    __slots__ = ("modes", "call")

    def __init__(self, modes: dict[str, str], call: Any) -> None:
        self.modes, self.call = modes, call

    def __call__(self, name: str, flag: int) -> None:
        kind = NAMES.get(name, "invalid")
        mode = self.modes[kind]
        record = _record
        if record is not None and name in REPORTED:
            record.errors.add(name)
            record.silenced |= mode != "warn"
        if mode == "warn":
            warnings.warn(f"{name} encountered", RuntimeWarning, stacklevel=2)
        elif mode == "raise":
            raise FloatingPointError(f"{name} encountered")
        elif mode == "print":
            print(f"Warning: {name} encountered")
        elif mode == "log":
            self.call.write(f"Warning: {name} encountered\n")
        elif mode == "call":
            if self.call is None:
                raise ValueError(f"python callback specified for {name} but no function "
                                 "found.")
            self.call(name, flag)


def _recorder() -> _Recorder | None:
    """The recorder in place in this thread, if any."""
    call = _real["geterrcall"]()
    return call if type(call) is _Recorder else None


def _from_numpy() -> bool:
    """Whether the caller of our caller is numpy's own code."""
    try:
        frame = sys._getframe(2)
    except ValueError:  # called from the bottom of a thread's stack
        return False
    return id(frame.f_globals) in _numpy_globals


def _real_modes(modes: dict[str, str]) -> dict[str, str]:
    """What numpy really does: call the recorder for every kind (for underflow only
    when the code does not ignore it)."""
    return {k: "ignore" if k == "under" and modes[k] == "ignore" else "call" for k in KINDS}


def _apply(modes: dict[str, str], call: Any) -> None:
    """Record with a recorder that emulates ``modes`` and ``call``."""
    _real["seterrcall"](_Recorder(modes, call))
    _real["seterr"](**_real_modes(modes))


def _checked_call(call: Any) -> Any:
    if call is not None and not callable(call) and not callable(getattr(call, "write", None)):
        raise ValueError("Only callable can be used as callback")
    return call


def _set(recorder: _Recorder, kinds: dict[str, str | None], call: Any = _UNSET) -> None:
    modes = dict(recorder.modes)
    for kind in KINDS:
        mode = kinds.get(kind) or kinds.get("all")
        if mode is not None:
            if mode not in MODES:
                raise ValueError(f"invalid error mode {mode!r} for {kind}; use one of "
                                 f"{sorted(MODES)}")
            modes[kind] = mode
    _apply(modes, recorder.call if call is _UNSET else _checked_call(call))


# ---------------------------------------------------------------- numpy's functions


def seterr(all: str | None = None, divide: str | None = None, over: str | None = None,
           under: str | None = None, invalid: str | None = None) -> dict[str, str]:
    recorder = _recorder()
    if recorder is None or _from_numpy():
        return _real["seterr"](all=all, divide=divide, over=over, under=under,  # type: ignore[no-any-return]
                               invalid=invalid)
    old = dict(recorder.modes)
    _set(recorder, {"all": all, "divide": divide, "over": over, "under": under,
                    "invalid": invalid})
    return old


def geterr() -> dict[str, str]:
    recorder = _recorder()
    if recorder is None or _from_numpy():
        return _real["geterr"]()  # type: ignore[no-any-return]
    return dict(recorder.modes)


def seterrcall(func: Any) -> Any:
    recorder = _recorder()
    if recorder is None or _from_numpy():
        return _real["seterrcall"](func)
    old = recorder.call
    _set(recorder, {}, func)
    return old


def geterrcall() -> Any:
    recorder = _recorder()
    if recorder is None or _from_numpy():
        return _real["geterrcall"]()
    return recorder.call


class errstate:  # noqa: N801 - numpy's name
    """``numpy.errstate`` in the worker (a context manager and a decorator)."""

    def __init__(self, *, call: Any = _UNSET, all: str | None = None,
                 divide: str | None = None, over: str | None = None,
                 under: str | None = None, invalid: str | None = None) -> None:
        self._call = call
        self._kinds = {"all": all, "divide": divide, "over": over, "under": under,
                       "invalid": invalid}
        self._saved: list[Any] = []

    def __enter__(self) -> None:
        recorder = _recorder()
        if recorder is None or _from_numpy():
            kwargs = dict(self._kinds) if self._call is _UNSET else \
                dict(self._kinds, call=self._call)
            real = _real["errstate"](**kwargs)
            real.__enter__()
            self._saved.append(real)
            return
        self._saved.append((_real["geterr"](), _real["geterrcall"]()))
        _set(recorder, self._kinds, self._call)

    def __exit__(self, *exc: object) -> None:
        saved = self._saved.pop()
        if isinstance(saved, tuple):
            _real["seterrcall"](saved[1])
            _real["seterr"](**saved[0])
        else:
            saved.__exit__(*exc)

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return inner


# ---------------------------------------------------------------- the worker's side


def install() -> None:
    """Replace numpy's error-state functions wherever numpy's modules hold them (call
    once, in the zygote, after numpy and everything built on it is imported)."""
    global _numpy_globals
    originals = {"errstate": np.errstate, "seterr": np.seterr, "geterr": np.geterr,
                 "seterrcall": np.seterrcall, "geterrcall": np.geterrcall}
    _real.update(originals)
    ours = {"errstate": errstate, "seterr": seterr, "geterr": geterr,
            "seterrcall": seterrcall, "geterrcall": geterrcall}
    errstate.__module__ = "numpy"
    modules = [m for n, m in list(sys.modules.items())
               if (n == "numpy" or n.startswith("numpy.")) and m is not None]
    _numpy_globals = frozenset(id(vars(m)) for m in modules)
    by_id = {id(v): k for k, v in originals.items()}
    for module in modules:
        for attr, value in list(vars(module).items()):
            name = by_id.get(id(value))
            if name is not None and value is originals[name]:
                setattr(module, attr, ours[name])


def enter_thread() -> None:
    """In a new thread, before its target runs: record, with numpy's default handling."""
    _apply(dict(DEFAULT), None)


@contextmanager
def recording() -> Iterator[Record]:
    """Record the floating-point errors of what runs inside (in every thread), with the
    handling the code has asked for so far in this thread kept (emulated)."""
    global _record
    recorder = _recorder()
    modes, call = (recorder.modes, recorder.call) if recorder else (dict(DEFAULT), None)
    with _real["errstate"](call=_Recorder(dict(modes), call), **_real_modes(modes)):
        _record = Record()
        try:
            yield _record
        finally:
            _record = None
