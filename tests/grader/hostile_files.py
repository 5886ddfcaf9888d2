"""Hostile submissions, each as small as it can be while doing its harm.

Each builder writes one entry of a class folder (a zip, a notebook, a folder, a
link, a FIFO) under the name it is given and returns its path. The reading tests
(tests/grader/test_hostile_inputs.py) take them one at a time; the class test
(tests/grader/test_hostile_class.py) puts one of each beside an honest student.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "reference"
FILES = ("activations.py", "derivatives.py", "initializers.py", "dead_relu.py")
RELU = "def relu(x):\n    return x * (x > 0)\n"
DEEP = 1100  # folders nested in one another


def notebook(*sources: str) -> dict[str, Any]:
    """A notebook (nbformat 4) of code cells without nbgrader metadata."""
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "source": source, "metadata": {}, "outputs": [],
         "execution_count": None} for source in sources]}


def reference_cells() -> list[str]:
    """The reference solution as a student would paste it: one cell per file."""
    return [(REFERENCE / file).read_text() for file in FILES]


def honest(path: Path) -> Path:
    """A correct submission folder: the reference is a drop-in solution."""
    path.mkdir()
    for file in FILES:
        shutil.copy(REFERENCE / file, path / file)
    return path


def corrupt_zip(path: Path) -> Path:
    """A zip whose one member's deflate stream starts with a reserved block type:
    inflating it raises zlib.error, not zipfile's own exceptions."""
    source = RELU.encode() * 40
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activations.py", source)
    data = bytearray(path.read_bytes())
    name_length, extra_length = int.from_bytes(data[26:28], "little"), \
        int.from_bytes(data[28:30], "little")
    data[30 + name_length + extra_length] = 0xFF  # BFINAL 1, BTYPE 11: "invalid block type"
    path.write_bytes(bytes(data))
    return path


def bad_utf8_zip(path: Path) -> Path:
    """A zip with a member whose name is flagged UTF-8 (bit 0x800) but is not UTF-8."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("activations.py", RELU)
        archive.writestr("\u00e9\u00e9.py", "x = 1\n")  # zipfile flags it: 0x800
    data = path.read_bytes()
    assert data.count("\u00e9\u00e9".encode()) == 2  # the local header and the directory
    path.write_bytes(data.replace("\u00e9\u00e9".encode(), b"\xff\xfe\xff\xfe"))
    return path


def many_links_zip(path: Path, count: int = 100_000) -> Path:
    """A zip of one honest file and ``count`` symbolic links, each left out."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("activations.py", RELU)
        for n in range(count):
            link = zipfile.ZipInfo(f"l{n}")
            link.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(link, "/etc/passwd")
    return path


def macosx_zip(path: Path, count: int = 100_000) -> Path:
    """A zip of one honest file and ``count`` members of macOS metadata."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("activations.py", RELU)
        for n in range(count):
            archive.writestr(f"__MACOSX/._{n}", b"")
    return path


def nested_json_notebook(path: Path, depth: int = 100_000) -> Path:
    """A notebook whose JSON nests lists ``depth`` deep: json.loads recurses."""
    path.write_text('{"nbformat": 4, "cells": [' + "[" * depth + "]" * depth + "]}")
    return path


def surrogate_notebook(path: Path) -> Path:
    """A notebook with a lone surrogate in one cell (valid JSON: "\\ud800")."""
    path.write_text(json.dumps(notebook(RELU, "note = '\ud800'\n")))
    assert "\\ud800" in path.read_text()
    return path


def deep_expression_notebook(path: Path) -> Path:
    """The reference as cells, with expressions too deep for Python's parser (unary
    minus: MemoryError; a long sum: RecursionError) and one just deep enough to parse
    whose copy (ast.unparse) and compilation go deep too."""
    path.write_text(json.dumps(notebook(
        *reference_cells(),
        "y = " + "-" * 20_000 + "1\n",
        "z = " + "+".join(["1"] * 10_000) + "\n",
        "w = " + "-" * 1_000 + "1\n",
        "v = " + "+".join(["1"] * 400) + "\n",
    )))
    return path


def zero_link(path: Path) -> Path:
    """A notebook that is a symbolic link to /dev/zero (an endless file of size 0)."""
    path.symlink_to("/dev/zero")
    return path


def fifo(path: Path) -> Path:
    """A named pipe with a notebook's name: opening it for reading blocks."""
    os.mkfifo(path)
    return path


def sparse_file_folder(path: Path) -> Path:
    """A submission folder with a 1 TiB sparse file beside its .py file."""
    path.mkdir()
    (path / "activations.py").write_text(RELU)
    with open(path / "weights.npy", "wb") as handle:
        handle.truncate(1 << 40)
    return path


def deep_folder(path: Path, depth: int = DEEP) -> Path:
    """A submission folder with ``depth`` folders nested in one another beside it."""
    path.mkdir()
    (path / "activations.py").write_text(RELU)
    inner = path
    for _ in range(depth):
        inner = inner / "d"
        inner.mkdir()
    (inner / "activations.py").write_text("raise SystemExit\n")
    return path


def remove_tree(top: Path) -> None:
    """Remove ``top`` and all under it without recursion: shutil.rmtree (and so pytest's
    clean-up of old temporary folders) fails with RecursionError on DEEP folders."""
    stack = [(os.fspath(top), False)]
    while stack:
        path, emptied = stack.pop()
        if emptied:
            os.rmdir(path)
            continue
        stack.append((path, True))
        with os.scandir(path) as listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, False))
                else:
                    os.unlink(entry.path)


def non_utf8_folder(parent: Path) -> Path:
    """A submission folder whose name is the bytes ff fe: not UTF-8."""
    path = Path(os.fsdecode(os.path.join(os.fsencode(parent), b"\xff\xfe")))
    path.mkdir()
    (path / "activations.py").write_text(RELU)
    return path


def link_to(path: Path, target: Path) -> Path:
    path.symlink_to(target, target_is_directory=target.is_dir())
    return path


def small_zip(path: Path, **files: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path
