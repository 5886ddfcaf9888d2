"""The wire format: values cross as data, and bad frames are refused before allocation."""

from __future__ import annotations

import json
import socket
import struct

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
