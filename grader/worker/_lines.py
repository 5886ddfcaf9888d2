"""The Python work a graded call does: every call and line of every Python frame, in
every thread, while the call runs (the vectorization check compares a small and a
large input: a loop over the elements adds thousands).

All code counts, whatever its file name or who compiled it: the student's files,
``exec``'d and ``compile``'d code (``"<frozen importlib._bootstrap>"``, numpy's own
path), and the runtime's own Python code (``np.apply_along_axis`` with a ufunc loops
in numpy's code). So no file name hides a loop.

What graded code sees of the counter: nothing through the tracing interface.
``sys.gettrace()`` is None and no frame's ``f_trace`` is set: the counting is done by a
trace function registered at the C level (``PyEval_SetTrace`` through ctypes, Python
3.10 and 3.11) or by a ``sys.monitoring`` tool (3.12 and later), and the counts are
``itertools.count`` objects, which only ever go up. ``sys.settrace`` is a no-op for
graded code; during a counted call, using it, or the grader's monitoring tool id through
``sys.monitoring``, marks the count as tampered with (:func:`stop` returns -1).

Threads: on 3.12+ monitoring covers every thread; on 3.10/3.11 every thread started in
the worker runs :func:`enter_thread` first (see ``_main._start_threads_with``), so a
thread started at import and fed work later is counted too.

Left open (docs/threat-model.md): on 3.10/3.11 a frame can switch off line events for
itself (``frame.f_trace_lines = False``); that is seen when such a frame calls anything
or returns, not when it switches them back on around a loop that calls nothing. Code
that reaches into the worker's own objects (its modules, ``gc``, ctypes) can do anything.
"""

from __future__ import annotations

import ctypes
import itertools
import sys
import types
from typing import Any

_TICKS = itertools.count()  # calls and lines counted, ever
_TAMPERED = itertools.count()  # uses of the tracing interface during counted calls, ever
_tick, _tamper = _TICKS.__next__, _TAMPERED.__next__
_counting = False  # a counted call is running


def _value(counter: itertools.count) -> int:
    return int(repr(counter)[6:-1])  # "count(17)"


def start() -> tuple[int, int]:
    """Start counting; pass what this returns to :func:`stop`."""
    global _counting
    mark = (_value(_TICKS), _value(_TAMPERED))
    _counting = True
    _enable()
    return mark


def stop(mark: tuple[int, int]) -> int:
    """Stop counting; the calls and lines run since :func:`start`, or -1 if the call
    used the tracing interface meanwhile."""
    global _counting
    _disable()
    _counting = False
    if _value(_TAMPERED) != mark[1]:
        return -1
    return _value(_TICKS) - mark[0]


def _settrace_for_graded_code(function: Any) -> None:
    """What ``sys.settrace`` is in the worker: nothing, and noticed during a count."""
    if _counting:
        _tamper()


if hasattr(sys, "monitoring"):  # Python 3.12 and later
    _MONITORING = sys.monitoring
    _EVENTS = (_MONITORING.events.PY_START | _MONITORING.events.LINE
               | _MONITORING.events.JUMP)
    TOOL = next(i for i in (4, 3, 5, 2, 1, 0) if _MONITORING.get_tool(i) is None)
    _MONITORING.use_tool_id(TOOL, "grader line counter")

    def _on_event(*args: Any) -> None:
        _tick()

    for _event in (_MONITORING.events.PY_START, _MONITORING.events.LINE,
                   _MONITORING.events.JUMP):
        _MONITORING.register_callback(TOOL, _event, _on_event)

    def _enable() -> None:
        _MONITORING.set_events(TOOL, _EVENTS)

    def _disable() -> None:
        _MONITORING.set_events(TOOL, 0)

    def enter_thread() -> None:
        """Monitoring is global: nothing to do in a new thread."""

    _MUTATORS = frozenset({"use_tool_id", "free_tool_id", "clear_tool_id", "set_events",
                           "set_local_events", "register_callback"})

    def _guarded(name: str, real: Any) -> Any:
        def guarded(tool_id: int, *args: Any, **kwargs: Any) -> Any:
            if tool_id == TOOL:
                if _counting:
                    _tamper()
                raise ValueError(f"tool {tool_id} is in use by the grader")
            return real(tool_id, *args, **kwargs)

        guarded.__name__ = guarded.__qualname__ = name
        return guarded

    def _facade() -> types.ModuleType:
        """``sys.monitoring`` for graded code: the real one, minus the grader's tool id."""
        facade = types.ModuleType("sys.monitoring", _MONITORING.__doc__)
        for name in dir(_MONITORING):
            value = getattr(_MONITORING, name)
            setattr(facade, name, _guarded(name, value) if name in _MUTATORS else value)
        return facade

else:  # Python 3.10 and 3.11: a trace function at the C level
    _TRACEFUNC = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.py_object,
                                  ctypes.c_int, ctypes.c_void_p)
    _CALL, _LINE, _RETURN = 0, 2, 3  # PyTrace_CALL, PyTrace_LINE, PyTrace_RETURN

    def _on_trace(obj: Any, frame: Any, what: int, arg: Any) -> int:
        if _counting:
            if what == _LINE:
                _tick()
            elif what == _CALL:
                _tick()
                caller = frame.f_back
                if caller is not None and not caller.f_trace_lines:
                    _tamper()  # a frame that switched its line events off calls something
            elif what == _RETURN and not frame.f_trace_lines:
                _tamper()
        return 0

    _CALLBACK = _TRACEFUNC(_on_trace)  # made in the zygote, before seccomp
    _SET_TRACE = ctypes.pythonapi.PyEval_SetTrace
    _SET_TRACE.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    _SET_TRACE.restype = None

    def _enable() -> None:
        _SET_TRACE(_CALLBACK, None)

    def _disable() -> None:
        _SET_TRACE(None, None)

    def enter_thread() -> None:
        """In a thread the worker starts, before its target runs: trace it for good (the
        callback counts only while a counted call runs)."""
        _SET_TRACE(_CALLBACK, None)


def install() -> None:
    """Make the tracing interface harmless for graded code (call once, in the zygote)."""
    sys.settrace = _settrace_for_graded_code
    if hasattr(sys, "monitoring"):
        sys.monitoring = _facade()  # type: ignore[misc]
