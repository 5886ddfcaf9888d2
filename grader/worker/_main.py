"""The worker: the only place student code runs.

Started by the trusted side as ``python -I -S _main.py ALLOWED_DIR FD`` with the
control socket on file descriptor FD. It never imports ``grader``: its ``sys.path`` is this
folder (for its own modules, dropped again before student code runs), the
allowed-packages folder (numpy, scipy) and the standard library.

As a *zygote* it imports numpy and scipy.special once, installs the import
policy, and forks one worker per submission on request (``spawn``, with the
worker's channel passed as a file descriptor). Each worker gets the
submission's files over its channel, writes them into a fresh private folder
that becomes its import root, and then answers ``import`` and ``call`` requests
until the channel closes. Replies describe what happened (value, exception,
floating-point errors, modified arguments); the verdict is the trusted side's.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import hashlib
import os
import signal
import socket
import sys
import tempfile
import traceback
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, sys.argv[1] if len(sys.argv) > 1 else HERE]
sys.dont_write_bytecode = True

import numpy as np  # noqa: E402

try:
    import scipy.special  # noqa: E402,F401  (preloaded: an assignment may allow names of it)
except ImportError:
    pass

import _fperrors  # noqa: E402
import _isolate  # noqa: E402
import _lines  # noqa: E402
import _policy  # noqa: E402
import _wire  # noqa: E402

sys.path.remove(HERE)
FINDER = _policy.install()
ARRAY_CAP = 64 << 20  # bytes of one argument array the worker accepts


def _start_threads_with(*setups: Any) -> None:
    """Make every thread started from now on run ``setups`` before its target (the line
    counter and the floating-point recorder follow graded code into its threads)."""
    import _thread
    import threading

    def wrapped(real: Any) -> Any:
        def start(function: Any, *args: Any, **kwargs: Any) -> Any:
            return real(functools.partial(_in_new_thread, function), *args, **kwargs)

        return start

    def _in_new_thread(function: Any, *args: Any, **kwargs: Any) -> Any:
        for setup in setups:
            setup()
        return function(*args, **kwargs)

    for module, names in ((_thread, ("start_new_thread", "start_new", "start_joinable_thread")),
                          (threading, ("_start_new_thread", "_start_joinable_thread"))):
        for name in names:
            if hasattr(module, name):
                setattr(module, name, wrapped(getattr(module, name)))


_lines.install()
_fperrors.install()
_start_threads_with(_lines.enter_thread, _fperrors.enter_thread)


# ------------------------------------------------------------------ memory
# The most memory a call holds is read from outside the worker: the zygote reads the
# worker's /proc/<pid>/status (VmHWM, the peak resident set, which graded code cannot
# lower or reset) before and after, for a worker forked for that one call (see
# grader.proxy). A forked worker does not inherit the zygote's mappings of the runtime's
# files (numpy's and the interpreter's code) page by page: it faults each page in as it
# first runs it, a megabyte or more that depends on which code runs. So a worker that
# will be measured first maps every page of those files that the zygote has mapped,
# after a warm-up of the usual numpy operations (_prefault); what grows then is what the
# call allocates, and the few pages of code that nothing had run before.

_libc = ctypes.CDLL(None, use_errno=True)
_libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
MADV_POPULATE_READ = 22  # Linux 5.14
PAGE = os.sysconf("SC_PAGE_SIZE")


def _warm_up() -> None:
    """Run the numpy operations graded code uses most, so that their code is mapped."""
    x = np.linspace(-3.0, 3.0, 4096).reshape(64, 64)
    with np.errstate(all="ignore"):
        for y in (x @ x, np.exp(-np.abs(x)), np.tanh(x), np.log1p(x * x), np.expm1(x),
                  np.where(x > 0, x, 0.0), np.maximum(x, 0.0), np.clip(x, -1.0, 1.0),
                  np.sqrt(np.abs(x)), np.sign(x), np.logaddexp(0.0, x), x.astype(np.float32)):
            y.sum(axis=0, keepdims=True).max(axis=-1)
            (y > 0).mean(axis=0)
        np.concatenate([x, x]).reshape(-1)


def _mapped_file_pages() -> list[tuple[int, int]]:
    """(address, length) of the runs of pages of files (readable mappings) that this
    process has mapped (present in its page table, /proc/self/pagemap); every page of
    those mappings if that cannot be read."""
    found: list[tuple[int, int]] = []
    try:
        with open("/proc/self/maps") as maps:
            lines = maps.read().splitlines()
        pagemap = open("/proc/self/pagemap", "rb")  # noqa: SIM115 - closed below
    except OSError:
        return found
    with pagemap:
        for line in lines:
            fields = line.split(None, 5)
            if len(fields) < 6 or not fields[5].startswith("/") or \
                    not fields[1].startswith("r"):
                continue
            start, end = (int(v, 16) for v in fields[0].split("-"))
            try:
                pagemap.seek(start // PAGE * 8)
                entries = np.frombuffer(pagemap.read((end - start) // PAGE * 8), "<u8")
            except (OSError, ValueError):
                continue
            present = np.concatenate([[0], (entries >> np.uint64(63)).astype(np.int8), [0]])
            edges = np.flatnonzero(np.diff(present))
            found += [(start + int(a) * PAGE, int(b - a) * PAGE)
                      for a, b in zip(edges[::2], edges[1::2], strict=True)]
    return found


_warm_up()
FILE_PAGES = _mapped_file_pages()


def _prefault() -> None:
    """Map the pages of the runtime's files that the zygote had mapped (FILE_PAGES)."""
    touch = False
    for start, length in FILE_PAGES:
        if not touch:
            if _libc.madvise(start, length, MADV_POPULATE_READ) == 0:
                continue
            if ctypes.get_errno() != errno.EINVAL:
                continue  # this run only
        touch = True  # a kernel before 5.14: read one byte of every page
        for address in range(start, start + length, PAGE):
            ctypes.string_at(address, 1)


def _memory(pid: int) -> dict[str, Any]:
    """The resident memory of process ``pid`` now and at its peak, in bytes."""
    found = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found["rss" if key == "VmRSS" else "hwm"] = int(value.split()[0]) * 1024
    except (OSError, ValueError) as exc:
        return {"error": f"the memory of worker {pid} could not be read: {exc}"}
    return found if len(found) == 2 else {"error": f"no memory figures for worker {pid}"}


# ------------------------------------------------------------------ zygote


def zygote(control: socket.socket) -> None:
    """Fork workers on request until the control channel closes."""
    children: dict[int, int | None] = {}  # pid -> wait status once reaped
    while True:
        try:
            message, fds = _recv_with_fds(control)
        except (EOFError, OSError):
            break
        _reap(children)
        op = message.get("op")
        if op == "spawn" and len(fds) == 1:
            channel = socket.socket(fileno=fds[0])
            try:
                pid = _spawn(lambda ch=channel: _serve_child(ch, control), message.get("policy"))
            except _isolate.IsolationError as exc:
                _wire.send(control, {"error": f"the sandbox could not be set up: {exc}"})
            else:
                children[pid] = None
                _wire.send(control, {"pid": pid})
            finally:
                channel.close()
        elif op == "kill":
            pid = int(message.get("pid") or 0)
            if pid in children and children[pid] is None:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            _wire.send(control, {"ok": True})
        elif op == "status":
            _reap(children)
            _wire.send(control, {"status": _describe(children.get(int(message.get("pid") or 0)))})
        elif op == "memory":
            pid = int(message.get("pid") or 0)
            running = pid in children and children[pid] is None
            _wire.send(control, _memory(pid) if running else {"error": f"no worker {pid}"})
        else:
            for fd in fds:
                os.close(fd)
            _wire.send(control, {"error": f"unknown request {op!r}"})
    for pid, status in children.items():
        if status is None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _spawn(serve: Any, policy: dict[str, Any] | None) -> int:
    """A worker confined by ``policy``; without one (--no-sandbox) a plain child."""
    if policy:
        return _isolate.spawn_isolated(serve, policy)
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            serve()
        finally:
            os._exit(0)
    return pid


def _recv_with_fds(control: socket.socket) -> tuple[dict[str, Any], list[int]]:
    data, fds, _flags, _addr = socket.recv_fds(control, 1 << 16, 4)
    if not data:
        raise EOFError
    import json

    return json.loads(data), list(fds)


def _reap(children: dict[int, int | None]) -> None:
    for pid, status in _isolate.reap_children():
        if pid in children:
            children[pid] = status


def _describe(status: int | None) -> str:
    if status is None:
        return "running"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        return f"was killed by signal {sig} ({name})"
    return f"exited with code {os.WEXITSTATUS(status)}"


# ------------------------------------------------------------------ worker


class _CappedText:
    """Where the student's print() goes: keeps the first few KiB, drops the rest."""

    def __init__(self, cap: int = 8192) -> None:
        self.cap, self.size = cap, 0
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        if self.size < self.cap:
            self.parts.append(str(text)[: self.cap - self.size])
            self.size += len(self.parts[-1])
        return len(text)

    def flush(self) -> None:
        return None


def _serve_child(channel: socket.socket, control: socket.socket) -> None:
    control.close()
    keep = channel.fileno()  # every other descriptor the zygote had is closed
    os.closerange(3, keep)
    os.closerange(keep + 1, 1 << 16)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    sys.stdout = sys.stderr = _CappedText()  # type: ignore[assignment]
    _fperrors.enter_thread()  # numpy's error handling, as graded code sees it from import on
    try:
        Worker(channel).serve()
    finally:
        os._exit(0)


class Worker:
    def __init__(self, channel: socket.socket) -> None:
        self.channel = channel
        self.reader = _wire.Reader(channel)
        self.root = ""
        self.modules: dict[str, Any] = {}

    def serve(self) -> None:
        while True:
            try:
                header, buffers = _wire.recv(self.reader, 1 << 30)
            except (EOFError, OSError):
                return
            reply_buffers: list[bytes] = []
            try:
                reply = getattr(self, "op_" + str(header.get("op")))(header, buffers, reply_buffers)
            except _wire.WireError as exc:
                reply, reply_buffers = {"error": str(exc)}, []
            _wire.send(self.channel, reply, reply_buffers)

    def op_ping(self, header: dict, buffers: list, out: list) -> dict:
        return {"ok": True}

    def op_load(self, header: dict, buffers: list, out: list) -> dict:
        if header.get("prefault"):
            _prefault()
        _policy.allow(header.get("allowed"))
        self.root = tempfile.mkdtemp(prefix="submission-")
        for name, index in header["files"].items():
            parts = name.split("/")
            if any(p in ("", ".", "..") or p.startswith(".") for p in parts):
                continue
            path = os.path.join(self.root, *parts)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(buffers[index])
        sys.path.insert(0, self.root)
        os.chdir(self.root)
        FINDER.root = self.root
        import importlib

        importlib.invalidate_caches()
        return {"ok": True}

    def op_import(self, header: dict, buffers: list, out: list) -> dict:
        import importlib

        name = str(header["module"])
        _policy.CONTEXT.modules = self.modules  # for the stand-ins: see _policy
        _policy.CONTEXT.names = {str(n) for n in header.get("graded", ())} or \
            _policy.CONTEXT.names
        _policy.CONTEXT.importing = True
        try:
            module = importlib.import_module(name)
        except _policy.NotAllowedError as exc:
            return {"not_allowed": exc.what}
        except BaseException as exc:  # noqa: BLE001 - anything the student raised
            return {"raised": self._describe(exc)}
        finally:
            _policy.CONTEXT.importing = False
        self.modules[name] = module
        names = [k for k, v in vars(module).items() if callable(v) and not k.startswith("_")]
        return {"ok": True, "names": names[:500]}

    def op_call(self, header: dict, buffers: list, out: list) -> dict:
        module = self.modules.get(str(header["module"]))
        function = getattr(module, str(header["function"]), None) if module else None
        if function is None or not callable(function):
            return {"missing": True}
        args = [_wire.decode(a, buffers, ARRAY_CAP) for a in header.get("args", [])]
        kwargs = {str(k): _wire.decode(v, buffers, ARRAY_CAP)
                  for k, v in header.get("kwargs", {}).items()}
        args = [_materialize(a) for a in args]
        kwargs = {k: _materialize(v) for k, v in kwargs.items()}
        before = [(a, _digest(a)) for a in _arrays(args, kwargs)]
        if header.get("global_seed") is not None:
            np.random.seed(int(header["global_seed"]))  # noqa: NPY002 - on purpose
        _policy.CONTEXT.graded = getattr(function, "__code__", None)
        events = None
        try:
            with _fperrors.recording() as record:
                mark = _lines.start() if header.get("trace") else None
                try:
                    value = function(*args, **kwargs)
                finally:
                    if mark is not None:
                        events = _lines.stop(mark)
        except _policy.NotAllowedError as exc:
            return {"not_allowed": exc.what}
        except BaseException as exc:  # noqa: BLE001 - anything the student raised
            return {"raised": self._describe(exc)}
        modified = [i for i, (a, digest) in enumerate(before) if _digest(a) != digest]
        try:
            tree = _wire.encode(value, out)
        except BaseException as exc:  # noqa: BLE001 - a hostile result object
            out.clear()
            return {"raised": {"type": type(exc).__name__,
                               "message": f"the result could not be read: {exc}"[:500],
                               "where": []}}
        return {
            "ok": True,
            "value": tree,
            "type": _type_name(value),
            "fp": sorted(record.errors),
            "fp_silenced": record.silenced,
            "modified": modified,
            "events": events,
        }

    def _describe(self, exc: BaseException) -> dict:
        where = []
        for frame in traceback.extract_tb(exc.__traceback__):
            if self.root and frame.filename.startswith(self.root):
                where.append([os.path.relpath(frame.filename, self.root), frame.lineno,
                              frame.name, (frame.line or "")[:200]])
        if isinstance(exc, SyntaxError) and exc.filename and self.root in str(exc.filename):
            where.append([os.path.relpath(exc.filename, self.root), exc.lineno, "<module>",
                          (exc.text or "").strip()[:200]])
        try:
            message = str(exc)
        except BaseException:  # noqa: BLE001
            message = "<unprintable message>"
        bases = [c.__name__[:100] for c in type(exc).__mro__[1:] if c not in (object,)][:10]
        return {"type": type(exc).__name__[:100], "message": message[:1000], "where": where[-5:],
                "bases": bases}


def _materialize(value: Any) -> Any:
    if isinstance(value, _wire.Rng):
        return np.random.default_rng(value.seed)
    if isinstance(value, _wire.View):
        return value.array
    if isinstance(value, list):
        return [_materialize(v) for v in value]
    return value


def _digest(array: Any) -> bytes:
    """What an argument holds, to tell whether the call changed it (a digest rather than a
    copy: the memory a call is measured to hold includes the worker's)."""
    data = array if array.flags.c_contiguous else np.ascontiguousarray(array)
    raw: Any = data.reshape(-1).view(np.uint8)  # a view: nothing is copied
    return hashlib.blake2b(raw, digest_size=16).digest()


def _arrays(args: list, kwargs: dict) -> list:
    found = []
    for value in [*args, *kwargs.values()]:
        if isinstance(value, np.ndarray):
            found.append(value)
        elif isinstance(value, list):
            found.extend(v for v in value if isinstance(v, np.ndarray))
    return found


def _type_name(value: Any) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"[:200]


if __name__ == "__main__":
    zygote(socket.socket(fileno=int(sys.argv[2])))
    os._exit(0)  # nothing to flush or finalize: the trusted side waits for this exit
