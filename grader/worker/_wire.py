"""Frames and values exchanged between the trusted side and a worker.

Used on both sides of the trust boundary, so it imports only the standard library
and numpy. A frame is a 4-byte big-endian header length, a UTF-8 JSON header, then
the raw buffers the header declares (``"buffers": [n0, n1, ...]`` byte counts).

Values are tagged JSON trees; arrays travel as raw C-ordered bytes whose dtype and
shape are declared in the tree. Nothing is ever pickled. The reading side checks
every declared size against its caps *before* reading or allocating (a frame over
the cap raises :class:`TooLarge` with its body still unread), reads each large buffer
straight from the socket into a bytearray of its own, and rebuilds arrays on those
bytes with ``numpy.frombuffer``, without copying them: what it gets back is always
an exact, writable ``numpy.ndarray`` of a whitelisted dtype, and a frame costs the
reader its own size once, not a multiple of it.
"""

from __future__ import annotations

import json
import math
import socket
import struct
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

HEADER_CAP = 1 << 20  # bytes of JSON in one frame
ITEMS_CAP = 10_000  # list items / tree nodes in one value
TEXT_CAP = 4_000  # characters of one string (reprs, messages)
DEPTH_CAP = 32  # lists in lists (and views) in one value
# dtypes that may cross: numbers and booleans, native little-endian layout only
DTYPES = frozenset(
    ["|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8",
     "<f2", "<f4", "<f8", "<c8", "<c16"]
)
_LEN = struct.Struct(">I")
_DIRECT = 1 << 20  # reads this large go from the socket straight into their own buffer


class WireError(Exception):
    """The peer sent something that is not a valid frame or value."""


class TooLarge(WireError):
    """A frame declares more buffer bytes than the reader accepts. None of them was
    read: the channel is out of step, and the peer must be stopped."""

    def __init__(self, declared: int, cap: int) -> None:
        super().__init__(f"frame declares {declared} bytes, over the cap of {cap}")
        self.declared, self.cap = declared, cap


# ---------------------------------------------------------------- frames


def send(sock: socket.socket, header: dict[str, Any], buffers: list[bytes] | None = None) -> None:
    """Send one frame in as few system calls as the kernel allows (one, usually)."""
    buffers = buffers or []
    data = json.dumps(dict(header, buffers=[len(b) for b in buffers]), allow_nan=True).encode()
    parts = [_LEN.pack(len(data)), data, *buffers]
    sent = sock.sendmsg(parts)
    for part in parts:  # a large frame: the rest goes out as the socket drains, uncopied
        if sent >= len(part):
            sent -= len(part)
            continue
        sock.sendall(memoryview(part)[sent:])
        sent = 0


class Reader:
    """Reads frames from a socket through a buffer, so a small frame costs one or two
    ``recv`` calls instead of one per part; a large part is read straight into its own
    bytearray, never copied.

    ``deadline`` (a ``time.monotonic()`` time), if set, bounds the whole read, not each
    ``recv``: a peer trickling its frame a byte at a time gets TimeoutError at it."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.deadline: float | None = None

    def _wait(self) -> None:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the peer did not send its frame in time")
            self.sock.settimeout(left)

    def take(self, n: int) -> bytearray:
        """The next ``n`` bytes, in a bytearray of their own."""
        if n >= _DIRECT and len(self.buffer) < n:
            return self._take_direct(n)
        while len(self.buffer) < n:
            self._wait()
            chunk = self.sock.recv(max(1 << 16, n - len(self.buffer)))
            if not chunk:
                raise EOFError("peer closed the channel")
            self.buffer += chunk
        data = self.buffer[:n]
        del self.buffer[:n]
        return data

    def _take_direct(self, n: int) -> bytearray:
        data = bytearray(n)
        view = memoryview(data)
        have = len(self.buffer)
        view[:have] = self.buffer
        self.buffer.clear()
        while have < n:
            self._wait()
            got = self.sock.recv_into(view[have:], min(n - have, 1 << 24))
            if not got:
                raise EOFError("peer closed the channel")
            have += got
        view.release()
        return data


def recv(reader: Reader, buffer_cap: int) -> tuple[dict[str, Any], list[bytearray]]:
    """Read one frame; raise WireError on anything malformed or over the caps, and
    TooLarge, before reading any of them, when its buffers total over ``buffer_cap``."""
    (size,) = _LEN.unpack(reader.take(4))
    if size > HEADER_CAP:
        raise WireError(f"header of {size} bytes exceeds the cap of {HEADER_CAP}")
    try:
        header = json.loads(reader.take(size))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON; nested too deeply
        raise WireError(f"header is not JSON: {str(exc)[:200]}") from None
    if not isinstance(header, dict):
        raise WireError("header is not a JSON object")
    sizes = header.get("buffers", [])
    if (
        not isinstance(sizes, list)
        or len(sizes) > ITEMS_CAP
        or not all(type(n) is int and n >= 0 for n in sizes)
    ):
        raise WireError("invalid buffer list")
    if sum(sizes) > buffer_cap:
        raise TooLarge(sum(sizes), buffer_cap)
    return header, [reader.take(n) for n in sizes]


# ---------------------------------------------------------------- values


def encode(value: Any, buffers: list[bytes], budget: list[int] | None = None) -> dict[str, Any]:
    """Turn a value into a tagged tree, appending array bytes to ``buffers``.

    Objects that are not plain data become ``{"k": "other"}`` with their type
    name and a short repr: the receiver sees what was returned, never the object.
    """
    budget = budget if budget is not None else [ITEMS_CAP]
    budget[0] -= 1
    if budget[0] < 0:
        raise WireError("value has too many parts")
    kind = type(value)
    if value is None:
        return {"k": "none"}
    if kind is bool:
        return {"k": "bool", "v": value}
    if kind is int:
        return {"k": "int", "v": str(value)[:TEXT_CAP]}
    if kind is float:
        return {"k": "float", "v": repr(value)}
    if kind is str:
        return {"k": "str", "v": value[:TEXT_CAP]}
    if kind in (list, tuple):
        return {"k": kind.__name__, "items": [encode(v, buffers, budget) for v in value]}
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        cls = f"{kind.__module__}.{kind.__qualname__}"
        if array.dtype.str not in DTYPES:
            return {"k": "other", "type": cls, "dtype": str(array.dtype)[:80],
                    "repr": _short_repr(value)}
        buffers.append(np.ascontiguousarray(array).tobytes())
        return {"k": "array", "dtype": array.dtype.str, "shape": list(array.shape),
                "buf": len(buffers) - 1, "cls": cls}
    return {"k": "other", "type": f"{kind.__module__}.{kind.__qualname__}"[:200],
            "repr": _short_repr(value)}


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except BaseException:  # a hostile __repr__ gets no say
        text = "<unrepresentable>"
    return text[:200]


class Other:
    """A value the worker could not send as data: only its type name and repr."""

    def __init__(self, type_name: str, text: str, dtype: str | None = None) -> None:
        self.type_name, self.text, self.dtype = type_name, text, dtype

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


class Rng:
    """Stands for ``numpy.random.default_rng(seed)``, built on the worker's side."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __repr__(self) -> str:
        return f"np.random.default_rng({self.seed})"


def encode_rng(rng: Rng) -> dict[str, Any]:
    return {"k": "rng", "seed": int(rng.seed)}


class View:
    """Stands for ``base[::s0, ::s1, ...]``, sliced on the worker's side (arrays cross
    the wire contiguous, so a non-contiguous argument must be made over there)."""

    def __init__(self, base: np.ndarray, steps: tuple[int, ...]) -> None:
        self.base, self.steps = base, steps

    @property
    def array(self) -> np.ndarray:
        return self.base[tuple(slice(None, None, s) for s in self.steps)]


def encode_view(view: View, buffers: list[bytes]) -> dict[str, Any]:
    return {"k": "view", "base": encode(view.base, buffers), "steps": list(view.steps)}


def decode(tree: Any, buffers: Sequence[bytes | bytearray], array_cap: int) -> Any:
    """Rebuild a value from a tagged tree; reject anything unexpected.

    An array is built on its buffer, without a copy when the buffer is a bytearray (as
    :func:`recv` gives): each buffer may therefore serve one array only."""
    return _Decoder(buffers, array_cap).decode(tree, 0)


class _Decoder:
    def __init__(self, buffers: Sequence[bytes | bytearray], array_cap: int) -> None:
        self.buffers, self.array_cap = buffers, array_cap
        self.used: set[int] = set()

    def decode(self, tree: Any, depth: int) -> Any:
        if depth > DEPTH_CAP:
            raise WireError("value is nested too deeply")
        if not isinstance(tree, dict):
            raise WireError("value node is not an object")
        kind = tree.get("k")
        if kind in ("list", "tuple"):
            items = _typed(tree.get("items"), list)
            if len(items) > ITEMS_CAP:
                raise WireError("too many items")
            out = [self.decode(item, depth + 1) for item in items]
            return out if kind == "list" else tuple(out)
        if kind == "array":
            return self.array(tree)
        if kind == "view":
            base = self.decode(tree.get("base"), depth + 1)
            steps = tree.get("steps")
            if (not isinstance(base, np.ndarray) or not isinstance(steps, list)
                    or len(steps) != base.ndim
                    or not all(type(s) is int and s != 0 for s in steps)):
                raise WireError("bad view")
            return View(base, tuple(steps))
        return _decode_leaf(tree)

    def array(self, tree: dict[str, Any]) -> np.ndarray:
        dtype = tree.get("dtype")
        shape = tree.get("shape")
        index = tree.get("buf")
        if dtype not in DTYPES:
            raise WireError(f"dtype {dtype!r} is not allowed")
        if (
            not isinstance(shape, list)
            or len(shape) > 32
            or not all(type(n) is int and n >= 0 for n in shape)
        ):
            raise WireError("bad shape")
        if type(index) is not int or not 0 <= index < len(self.buffers):
            raise WireError("bad buffer index")
        if index in self.used:
            raise WireError("a buffer is used by two arrays")
        self.used.add(index)
        itemsize = np.dtype(dtype).itemsize
        nbytes = math.prod(shape) * itemsize
        if nbytes > self.array_cap:
            raise WireError(f"array of {nbytes} bytes exceeds the cap of {self.array_cap}")
        data = self.buffers[index]
        if len(data) != nbytes:
            raise WireError("buffer size does not match dtype and shape")
        if not isinstance(data, bytearray):  # read-only bytes: the array gets its own copy
            data = bytearray(data)
        return np.frombuffer(data, dtype=np.dtype(dtype)).reshape(shape)


def _decode_leaf(tree: dict[str, Any]) -> Any:
    """A value that is not made of other values (nor of a buffer)."""
    kind = tree.get("k")
    if kind == "none":
        return None
    if kind == "bool":
        return _typed(tree.get("v"), bool)
    if kind == "int":
        text = _typed(tree.get("v"), str)
        try:
            return int(text[:TEXT_CAP])
        except ValueError:
            raise WireError("bad int") from None
    if kind == "float":
        text = _typed(tree.get("v"), str)
        try:
            return float(text[:64])
        except ValueError:
            raise WireError("bad float") from None
    if kind == "str":
        return _typed(tree.get("v"), str)[:TEXT_CAP]
    if kind == "rng":
        seed = tree.get("seed")
        if type(seed) is not int or seed < 0:
            raise WireError("bad seed")
        return Rng(seed)
    if kind == "other":
        dtype = tree.get("dtype")
        return Other(str(tree.get("type", "?"))[:200], str(tree.get("repr", ""))[:200],
                     str(dtype)[:80] if dtype is not None else None)
    raise WireError(f"unknown value kind {kind!r}")


def _typed(value: Any, kind: type) -> Any:
    if type(value) is not kind:
        raise WireError(f"expected {kind.__name__}")
    return value
