"""The trusted side of the worker: start it, feed it a submission, call functions.

A :class:`~grader.zygote.Zygote` is one pre-warmed worker process that forks a fresh
worker per submission in a few milliseconds. A :class:`Student`
is the hidden tests' handle on one submission: ``student.call("relu", x)`` sends
the call to that submission's worker and returns a :class:`Call` built only from
validated data, or raises a :class:`~grader.errors.StudentCodeError`.

A worker that hangs is killed at the call's deadline, one that dies is noted;
either way the next call starts a new one, so a broken function costs only its
own tests. A function that timed out once is not called again (each further
call reports the same timeout at once), and the submission as a whole has a
wall-clock budget.
"""

from __future__ import annotations

import dataclasses
import gc
import select
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader import errors
from grader.assignment import Policy
from grader.worker import _wire
from grader.zygote import Zygote

# What a reply may hold, in bytes of arrays: what the call's answer can need and no more.
# A reply over it is refused from its header, before any of it is read or allocated, and
# its worker is stopped. The largest answer in the shipped suites is under 1 MiB (the
# initializers' draws; an elementwise answer is the size of its input, or twice that in
# float64 for a float32 input, 16 times for a complex128 one from booleans).
RESULT_FLOOR = 16 << 20  # always accepted
RESULT_FACTOR = 16  # times the bytes of the call's array arguments
RESULT_CAP = 256 << 20  # never more than this, whatever the input
#
# The bound this gives (docs/threat-model.md): a reply is read once, straight into the
# arrays it becomes, and replies held by the checks or left in reference cycles come to
# at most max(SWEEP.most, the reply's cap) bytes (see _Sweeper). So a submission adds to
# what grading an honest one takes at most that, plus the checks' temporaries on a result
# whose size they checked first: for the shipped suites, 64 MiB plus a few MiB (tested in
# tests/attacks/test_oversized_results.py), whatever the worker's --memory. Measured with
# a worker answering every call with 200 MiB: 109 MiB peak against 64 MiB for an honest
# submission; 2.3 GiB before replies were capped by their input.


def result_cap(input_bytes: int) -> int:
    """The most bytes of arrays accepted in the reply to a call whose array arguments
    hold ``input_bytes``."""
    return min(RESULT_CAP, max(RESULT_FLOOR, RESULT_FACTOR * input_bytes))


class _Sweeper:
    """Keeps the replies this process took in since its last sweep of reference cycles
    under ``most`` bytes, the reply being read included.

    A check that keeps an exception in a local (``failure = exc``) makes a cycle: the
    exception's traceback holds the frame, which holds the reply. Only the cycle
    collector frees it, and its full sweeps are rare: replies of 15 MiB piled up to
    135 MiB in one elementwise check. So before a call whose reply could take the
    total over ``most``, sweep (``gc.collect``). Honest replies of the shipped suites
    come to about 20 MiB a submission: a sweep every few submissions."""

    def __init__(self, most: int) -> None:
        self.most, self.unswept = most, 0

    def before(self, cap: int) -> None:
        """A reply of up to ``cap`` bytes is coming."""
        if self.unswept and self.unswept + cap > self.most:
            self.unswept = 0
            gc.collect()

    def took(self, nbytes: int) -> None:
        self.unswept += nbytes


SWEEP = _Sweeper(4 * RESULT_FLOOR)

# A measured call (``Student.call(..., memory=True)``) is charged what its worker held at
# its peak beyond what it held once loaded, less what importing the student's files took,
# up to an allowance: compiling and running an honest file's definitions costs memory in
# proportion to its source (its code objects: about 100 bytes a byte of source on Python
# 3.13, 55 on 3.11: the reference's 24 KB activations.py takes 2.3 MiB there), so the
# allowance is IMPORT_PER_BYTE a byte of the submission's source, at least IMPORT_FREE and
# at most IMPORT_FREE_CAP; a file that fills buffers as it is imported (to reuse them in
# the call) is charged for what they take beyond it.
IMPORT_FREE = 1 << 20
IMPORT_PER_BYTE = 128
IMPORT_FREE_CAP = 4 << 20


@dataclass(frozen=True)
class Call:
    """What one call of a student function did, as data the worker cannot fake
    into anything but data."""

    value: Any  # exact ndarray, Python scalar, list/tuple of those, None or _wire.Other
    type_name: str  # the result's type as the worker saw it, e.g. "numpy.ndarray"
    fp_errors: tuple[str, ...]  # floating-point errors numpy signalled
    modified: tuple[int, ...]  # indices of array arguments the call changed
    events: int | None  # Python calls and lines run meanwhile, -1 if it tampered (if traced)
    peak_bytes: int | None = None  # most memory it held at once (if measured: Student.call)
    fp_silenced: bool = False  # a floating-point error happened while it had silenced numpy


class _Worker:
    """One forked worker holding one submission."""

    def __init__(self, zygote: Zygote) -> None:
        self.zygote = zygote
        self.channel, self.pid = zygote.spawn()
        self.reader = _wire.Reader(self.channel)
        self.alive = True

    def request(
        self, header: dict[str, Any], buffers: list[bytes], seconds: float, cap: int
    ) -> tuple[dict[str, Any], list[bytearray]]:
        """Send one request; raise TimeoutError or EOFError (worker gone) or WireError
        (TooLarge, its body unread, if the reply's arrays exceed ``cap`` bytes)."""
        deadline = time.monotonic() + seconds
        self.channel.settimeout(max(seconds, 0.001))
        try:
            _wire.send(self.channel, header, buffers)
            if not self.reader.buffer:
                ready, _, _ = select.select([self.channel], [], [],
                                            max(0.0, deadline - time.monotonic()))
                if not ready:
                    raise TimeoutError
            self.reader.deadline = max(deadline, time.monotonic() + 0.05)  # the whole reply
            return _wire.recv(self.reader, cap)
        except (BrokenPipeError, ConnectionResetError):
            raise EOFError from None
        except TimeoutError:
            raise TimeoutError from None

    def kill(self) -> str:
        """Kill the worker (and everything it started); say how it ended."""
        if self.alive:
            self.alive = False
            self.channel.close()
            self.zygote.kill(self.pid)
        for _ in range(50):
            status = self.zygote.status(self.pid)
            if status not in ("running", "unknown"):
                return status
            time.sleep(0.002)
        return "did not stop"


def _encode_arg(value: Any, buffers: list[bytes]) -> dict[str, Any]:
    if isinstance(value, _wire.Rng):
        return _wire.encode_rng(value)
    if isinstance(value, _wire.View):
        return _wire.encode_view(value, buffers)
    if isinstance(value, list) and any(isinstance(v, _wire.Rng) for v in value):
        return {"k": "list", "items": [_encode_arg(v, buffers) for v in value]}
    return _wire.encode(value, buffers)


class Student:
    """The hidden tests' handle on one submission."""

    def __init__(
        self,
        files: Mapping[str, bytes],
        modules: Mapping[str, str],
        zygote: Zygote,
        *,
        call_seconds: float = 5.0,
        import_seconds: float = 10.0,
        submission_seconds: float = 120.0,
        policy: Policy | None = None,
    ) -> None:
        """``files``: name -> bytes of the submission; ``modules``: graded function ->
        the file that must define it (``"relu": "activations.py"``); ``policy``: the
        assignment's import policy (default: numpy, math and the standard library)."""
        self.policy = policy or Policy({})
        self.files = dict(files)
        self.modules = dict(modules)
        self.zygote = zygote
        self.call_seconds = call_seconds
        self.import_seconds = import_seconds
        self.deadline = time.monotonic() + submission_seconds
        self.worker: _Worker | None = None
        self.imported: dict[str, errors.StudentCodeError | None] = {}
        self.hung: dict[str, errors.StudentTimeout] = {}
        self.restarts = 0

    # -- worker lifecycle -------------------------------------------------

    def _ensure_worker(self, *, prefault: bool = False) -> _Worker:
        if self.worker is not None and self.worker.alive:
            return self.worker
        if self.worker is not None:
            self.restarts += 1
            # a fresh worker imports again; failures stay failures
            self.imported = {m: f for m, f in self.imported.items() if f is not None}
        self.worker = _Worker(self.zygote)
        buffers = list(self.files.values())
        header = {"op": "load", "files": {name: i for i, name in enumerate(self.files)},
                  "prefault": prefault, "allowed": self.policy.wire()}
        reply, _ = self._request(header, buffers, self.import_seconds, what="loading your files")
        if not reply.get("ok"):
            raise errors.WorkerCrashed(f"your files could not be loaded: {reply.get('error')}")
        return self.worker

    def _request(
        self, header: dict[str, Any], buffers: list[bytes], seconds: float, *, what: str,
        cap: int = 0,
    ) -> tuple[dict[str, Any], list[bytearray]]:
        """Send a request to the worker and read its reply, whose arrays may hold at most
        ``cap`` bytes; turn what went wrong into a StudentCodeError (the worker killed)."""
        worker = self.worker
        assert worker is not None
        seconds = min(seconds, self.deadline - time.monotonic())
        if seconds <= 0:
            worker.kill()
            raise errors.StudentTimeout(
                f"{what}: the submission used up its total time budget, so this was not run"
            )
        try:
            return worker.request(header, buffers, seconds, cap)
        except _wire.TooLarge as exc:
            worker.kill()  # the reply's body is still in the channel: this worker is done
            raise errors.WorkerCrashed(_refused(what, exc)) from None
        except TimeoutError:
            worker.kill()
            raise errors.StudentTimeout(
                f"{what} did not finish within {seconds:.3g} s (an endless loop? "
                "a Python loop over a large array?)"
            ) from None
        except (EOFError, OSError, _wire.WireError) as exc:
            how = worker.kill()
            detail = f" ({exc})" if isinstance(exc, _wire.WireError) else ""
            raise errors.WorkerCrashed(
                f"the process running your code died during {what}: it {how}{detail}. "
                "Does your code call sys.exit/os._exit, crash, or use too much memory?"
            ) from None

    def _ensure_module(self, module: str) -> None:
        """Import ``module`` in the current worker once; remember failures for good."""
        if module not in self.imported:
            self.imported[module] = self._import(module)
        failure = self.imported[module]
        if failure is not None:
            raise failure

    def _import(self, module: str) -> errors.StudentCodeError | None:
        filename = module + ".py"
        if filename not in self.files:
            return errors.MissingFunction(f"{filename} is missing from the submission")
        try:
            reply, _ = self._request({"op": "import", "module": module,
                                      "graded": sorted(self.modules)}, [],
                                     self.import_seconds, what=f"importing {filename}")
        except errors.StudentTimeout as exc:
            return errors.ImportFailed(str(exc), status="timeout")
        except errors.WorkerCrashed as exc:
            return errors.ImportFailed(str(exc))
        return _import_failure(filename, reply, self.policy)

    def close(self) -> None:
        if self.worker is not None and self.worker.alive:
            self.worker.kill()

    # -- calls --------------------------------------------------------------

    def call(
        self,
        function: str,
        *args: Any,
        trace: bool = False,
        memory: bool = False,
        global_seed: int | None = None,
        **kwargs: Any,
    ) -> Call:
        """Call a student function; raise StudentCodeError if it does not return.

        ``trace``: count the Python calls and lines it runs (``Call.events``); ``memory``:
        measure the most memory it holds at once (``Call.peak_bytes``: see
        :meth:`_call_alone`)."""
        module = self.modules[function].removesuffix(".py")
        if function in self.hung:
            raise self.hung[function]
        if module + ".py" in self.files:
            self._ensure_worker()
        self._ensure_module(module)
        buffers: list[bytes] = []
        header = {
            "op": "call",
            "module": module,
            "function": function,
            "args": [_encode_arg(a, buffers) for a in args],
            "kwargs": {k: _encode_arg(v, buffers) for k, v in kwargs.items()},
            "trace": trace,
            "global_seed": global_seed,
        }
        cap = result_cap(sum(map(len, buffers)))
        SWEEP.before(cap)
        peak = None
        try:
            if memory:
                reply, reply_buffers, peak = self._call_alone(module, header, buffers, cap,
                                                              what=f"{function}(...)")
            else:
                reply, reply_buffers = self._request(header, buffers, self.call_seconds,
                                                     what=f"{function}(...)", cap=cap)
        except errors.StudentTimeout as exc:
            self.hung[function] = errors.StudentTimeout(
                f"{exc} (not run again after this timeout)")
            raise
        SWEEP.took(sum(map(len, reply_buffers)))
        call = _call_result(function, self.modules[function], reply, reply_buffers,
                            self.policy)
        return dataclasses.replace(call, peak_bytes=peak) if memory else call

    def _call_alone(self, module: str, header: dict[str, Any], buffers: list[bytes], cap: int,
                    *, what: str) -> tuple[dict[str, Any], list[bytearray], int | None]:
        """Make the call in a worker forked for it alone; return the reply and the most
        memory that worker held beyond what it held once loaded (see IMPORT_FREE).

        Measured from outside: the zygote reads the worker's resident set before and
        after the import and its peak (VmHWM) after the call, and the call cannot lower
        or reset a peak (``tracemalloc.reset_peak()`` could). The worker is fresh, so no
        earlier call's peak is in it, and it has mapped the runtime's files before the
        first reading (``prefault``), so what grows is what the student's code allocates:
        its import, the call's arguments as received, and the call."""
        shared, imported = self.worker, self.imported
        self.worker, self.imported = None, {}
        try:
            worker = self._ensure_worker(prefault=True)
            before = self.zygote.memory(worker.pid)
            self._ensure_module(module)
            imported_rss = self.zygote.memory(worker.pid)
            reply, reply_buffers = self._request(header, buffers, self.call_seconds, what=what,
                                                 cap=cap)
            after = self.zygote.memory(worker.pid)
        finally:
            if self.worker is not None:
                self.worker.kill()
            self.worker, self.imported = shared, imported
        if "rss" not in before or "rss" not in imported_rss or "hwm" not in after:
            return reply, reply_buffers, None
        source = sum(len(data) for name, data in self.files.items() if name.endswith(".py"))
        allowance = min(max(IMPORT_PER_BYTE * source, IMPORT_FREE), IMPORT_FREE_CAP)
        free = min(max(imported_rss["rss"] - before["rss"], 0), allowance)
        return reply, reply_buffers, after["hwm"] - before["rss"] - free

    def __enter__(self) -> Student:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _refused(what: str, exc: _wire.TooLarge) -> str:
    if exc.cap:
        return (f"{what} returned {_size(exc.declared)} of arrays; at most {_size(exc.cap)} "
                "is accepted for this input, so the result was refused unread (and the "
                "process running your code was stopped)")
    return (f"the process running your code sent {_size(exc.declared)} of arrays during "
            f"{what}, where none are expected: refused unread, and the process was stopped")


def _size(n: int) -> str:
    """``n`` bytes for a reader: "200 MiB", "1.5 KiB", "12 bytes"."""
    for unit, shift in (("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def _import_failure(filename: str, reply: dict[str, Any],
                    policy: Policy) -> errors.StudentCodeError | None:
    if reply.get("ok"):
        return None
    if "not_allowed" in reply:
        return errors.NotAllowed(
            f"{filename} uses {reply['not_allowed']} while it is imported: "
            f"{policy.describe()}")
    raised = reply.get("raised") or {}
    if not isinstance(raised, dict):
        raised = {}
    text = _describe_raised(raised)
    message = str(raised.get("message") or "")
    # a bare MemoryError from the parser up to Python 3.11; from 3.12 on it says why
    if raised.get("type") in ("MemoryError", "RecursionError") and (
            not message or message.startswith("Parser stack overflowed")):
        text += (" (Python ran out of memory or stack compiling or running it: an expression "
                 "nested thousands of levels deep does this, and so does a file that builds "
                 "huge arrays at import)")
    return errors.ImportFailed(f"{filename} could not be imported: {text}")


def _describe_raised(raised: Mapping[str, Any]) -> str:
    text = f"{str(raised.get('type', 'Exception'))[:100]}: {str(raised.get('message', ''))[:500]}"
    where = raised.get("where") or []
    if isinstance(where, list) and where:
        last = where[-1]
        if isinstance(last, list) and len(last) == 4:
            file, line, name, code = (str(part)[:200] for part in last)
            text += f"\n  at {file} line {line}, in {name}: {code.strip()}"
    return text


def _call_result(function: str, filename: str, reply: dict[str, Any],
                 buffers: list[bytearray], policy: Policy) -> Call:
    if reply.get("missing"):
        raise errors.MissingFunction(f"{function} is not defined in {filename}")
    if "not_allowed" in reply:
        raise errors.NotAllowed(
            f"{function} uses {str(reply['not_allowed'])[:200]}: {policy.describe()}")
    if "raised" in reply:
        raised = reply["raised"] if isinstance(reply["raised"], dict) else {}
        type_name = str(raised.get("type", "Exception"))[:100]
        listed = raised.get("bases")
        bases = tuple(str(b)[:100] for b in listed[:10]) if isinstance(listed, list) else ()
        if type_name == "NotImplementedError":
            raise errors.StudentRaised(f"{function} is not implemented yet (it raises "
                                       "NotImplementedError)", type_name, bases)
        raise errors.StudentRaised(f"{function} raised {_describe_raised(raised)}", type_name,
                                   bases)
    if not reply.get("ok"):
        raise errors.WorkerCrashed(f"the worker gave an invalid reply during {function}(...)")
    try:
        value = _wire.decode(reply.get("value"), buffers, RESULT_CAP)
    except _wire.WireError as exc:
        raise errors.WorkerCrashed(f"{function} returned something unreadable: {exc}") from None
    fp = reply.get("fp") or []
    modified = reply.get("modified") or []
    events = reply.get("events")
    return Call(
        value=value,
        type_name=str(reply.get("type", "?"))[:200],
        fp_errors=tuple(str(e)[:40] for e in fp if isinstance(e, str))[:4],
        modified=tuple(i for i in modified if type(i) is int)[:16],
        events=events if type(events) is int else None,
        fp_silenced=reply.get("fp_silenced") is True,
    )


def as_array(value: Any) -> np.ndarray | None:
    """The numeric array a returned value stands for, or None if it is not numeric data."""
    if isinstance(value, np.ndarray):
        return value
    if type(value) in (bool, int, float):
        return np.asarray(value)
    if isinstance(value, (list, tuple)):
        try:
            array = np.asarray(value)
        except (ValueError, TypeError):
            return None
        return array if array.dtype.kind in "biufc" else None
    return None
