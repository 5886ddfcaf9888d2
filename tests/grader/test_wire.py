"""The wire format: values cross as data, and bad frames are refused before allocation."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest

from grader.worker import _wire


def roundtrip(value, cap: int = 1 << 20):
    buffers: list[bytes] = []
    tree = _wire.encode(value, buffers)
    return _wire.decode(json.loads(json.dumps(tree)), buffers, cap)


@pytest.mark.parametrize("value", [None, True, 3, -2.5, float("inf"), "relu", [1, 2.0, None],
                                   (1, "a")])
def test_plain_values_cross_unchanged(value) -> None:
    assert roundtrip(value) == value
    assert type(roundtrip(value)) is type(value)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "bool", "uint8", "complex128"])
def test_arrays_come_back_as_exact_writable_ndarrays(dtype) -> None:
    array = (np.arange(12).reshape(3, 4) % 3).astype(dtype)[:, ::-1]  # non-contiguous
    back = roundtrip(array)
    assert type(back) is np.ndarray
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array)
    assert back.flags.writeable


def test_a_subclass_or_numpy_scalar_crosses_as_a_plain_array() -> None:
    class Lying(np.ndarray):
        def __eq__(self, other):  # noqa: D105 - the attack
            return True

    back = roundtrip(np.arange(3.0).view(Lying))
    assert type(back) is np.ndarray
    assert not np.array_equal(back, np.zeros(3))
    assert type(roundtrip(np.float64(2.5))) is np.ndarray


def test_object_arrays_and_arbitrary_objects_cross_only_as_a_description() -> None:
    back = roundtrip(np.array([1, "a"], dtype=object))
    assert isinstance(back, _wire.Other) and back.dtype == "object"
    other = roundtrip(object())
    assert isinstance(other, _wire.Other) and other.type_name == "builtins.object"


@pytest.mark.parametrize("tree, message", [
    ({"k": "array", "dtype": "|O", "shape": [1], "buf": 0}, "not allowed"),
    ({"k": "array", "dtype": "<f8", "shape": [10**9], "buf": 0}, "exceeds the cap"),
    ({"k": "array", "dtype": "<f8", "shape": [2], "buf": 0}, "does not match"),
    ({"k": "array", "dtype": "<f8", "shape": [-1], "buf": 0}, "bad shape"),
    ({"k": "array", "dtype": "<f8", "shape": [1], "buf": 5}, "bad buffer index"),
    ({"k": "pickle", "v": "..."}, "unknown value kind"),
    ({"k": "int", "v": 3}, "expected str"),
])
def test_malformed_values_are_refused(tree, message) -> None:
    with pytest.raises(_wire.WireError, match=message):
        _wire.decode(tree, [b"12345678"], 1 << 20)


def test_a_frame_declaring_more_bytes_than_the_cap_is_refused_before_reading_them() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        header = json.dumps({"buffers": [1 << 40]}).encode()
        theirs.sendall(struct.pack(">I", len(header)) + header)
        with pytest.raises(_wire.WireError, match="over the cap"):
            _wire.recv(_wire.Reader(ours), 1 << 20)


def test_an_oversized_or_garbled_header_is_refused() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(struct.pack(">I", _wire.HEADER_CAP + 1))
        with pytest.raises(_wire.WireError, match="exceeds the cap"):
            _wire.recv(_wire.Reader(ours), 1 << 20)
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(struct.pack(">I", 4) + b"\xff\xfe{]")
        with pytest.raises(_wire.WireError, match="not JSON"):
            _wire.recv(_wire.Reader(ours), 1 << 20)



def frame(header: dict, *buffers: bytes) -> bytes:
    data = json.dumps(dict(header, buffers=[len(b) for b in buffers])).encode()
    return struct.pack(">I", len(data)) + data + b"".join(buffers)


@contextmanager
def peer_sending(*chunks: bytes, pause: float = 0.0) -> Iterator[_wire.Reader]:
    """A reader of a channel whose peer (a thread) sends ``chunks``, ``pause`` s apart,
    as long as the channel is open."""
    ours, theirs = socket.socketpair()

    def send() -> None:
        try:
            for chunk in chunks:
                theirs.sendall(chunk)
                time.sleep(pause)
        except OSError:  # the reader hung up
            pass

    sender = threading.Thread(target=send)
    sender.start()
    try:
        yield _wire.Reader(ours)
    finally:
        ours.close()
        sender.join()
        theirs.close()


def test_a_large_frame_is_read_once_straight_into_the_arrays_it_becomes() -> None:
    array = np.arange(1 << 19, dtype=np.float64)  # 4 MiB: more than a socket buffer holds
    buffers: list[bytes] = []
    tree = _wire.encode(array, buffers)
    data = frame({"value": tree}, *buffers)
    tracemalloc.start()
    try:
        with peer_sending(data) as reader:
            header, received = _wire.recv(reader, 8 << 20)
            back = _wire.decode(header["value"], received, 8 << 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert np.array_equal(back, array)
    assert peak < array.nbytes + (1 << 20)  # the bytes once, not three or four times
    received[0][:8] = bytes(8)  # the array is built on the bytes it was read into
    assert back[0] == 0.0 and back.flags.writeable


def test_a_frame_whose_arrays_total_over_the_cap_is_refused_with_its_body_unread() -> None:
    pieces = [b"x" * (1 << 20)] * 3  # 1 MiB arrays, each under the cap: 3 MiB in all
    with peer_sending(frame({"ok": True}, *pieces)) as reader:
        tracemalloc.start()
        try:
            with pytest.raises(_wire.TooLarge) as info:
                _wire.recv(reader, 2 << 20)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert (info.value.declared, info.value.cap) == (3 << 20, 2 << 20)
    assert "over the cap" in str(info.value)
    assert len(reader.buffer) <= 1 << 16  # what the read of the header brought along
    assert peak < 1 << 18


def test_a_header_nested_too_deeply_for_the_json_parser_is_refused() -> None:
    deep = b"[" * 500_000  # within the header cap, but RecursionError in json.loads
    with peer_sending(struct.pack(">I", len(deep)) + deep) as reader:
        with pytest.raises(_wire.WireError, match="not JSON"):
            _wire.recv(reader, 0)


def test_a_value_nested_too_deeply_is_refused() -> None:
    tree = {"k": "none"}
    for _ in range(_wire.DEPTH_CAP + 1):
        tree = {"k": "list", "items": [tree]}
    with pytest.raises(_wire.WireError, match="nested too deeply"):
        _wire.decode(tree, [], 1 << 20)
    assert _wire.decode(tree["items"][0], [], 1 << 20) is not None


def test_one_buffer_cannot_back_two_arrays() -> None:
    array = {"k": "array", "dtype": "<f8", "shape": [1], "buf": 0}
    with pytest.raises(_wire.WireError, match="used by two arrays"):
        _wire.decode({"k": "tuple", "items": [array, array]}, [bytearray(8)], 1 << 20)


def test_a_peer_trickling_its_frame_runs_into_the_deadline_of_the_whole_read() -> None:
    data = frame({"ok": True, "padding": "p" * 40})
    with peer_sending(*(data[i:i + 1] for i in range(len(data))), pause=0.02) as reader:
        reader.deadline = time.monotonic() + 0.3  # each byte comes well within it
        with pytest.raises(TimeoutError):
            _wire.recv(reader, 0)
