"""A small class and its results from one grading process (``--jobs 1``): what every
cluster, shard and resume test must reproduce byte for byte."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REFERENCE = ROOT / "reference"
EXAMPLES = ROOT / "assignments" / "activations" / "examples"
FILES = ("activations.py", "derivatives.py", "initializers.py", "dead_relu.py")


def grader(*args: str | Path, timeout: float = 600, **options) -> subprocess.CompletedProcess:
    """``grader ARGS`` as an instructor runs it (a process of its own)."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT, **options)


def make_class(root: Path) -> Path:
    """The shipped examples, two students who handed in the same correct files, and a
    zip that is not one: 9 submissions, 7 distinct contents to grade."""
    root.mkdir(parents=True, exist_ok=True)
    for example in sorted(EXAMPLES.iterdir()):
        if example.is_dir():
            shutil.copytree(example, root / example.name)
    for name in ("twin_a", "twin_b"):
        (root / name).mkdir()
        for file in FILES:
            shutil.copy(REFERENCE / file, root / name / file)
    (root / "unreadable.zip").write_bytes(b"not a zip")
    return root


@dataclass(frozen=True)
class Single:
    """The class graded by one grading process."""

    klass: Path
    json: bytes
    csv: bytes
    code: int


@pytest.fixture(scope="session")
def single(tmp_path_factory) -> Single:
    root = tmp_path_factory.mktemp("cluster-class")
    klass = make_class(root / "class")
    done = grader("grade", klass, "--jobs", "1", "--json", root / "single.json", "--csv",
                  root / "single.csv", "--quiet")
    assert done.returncode == 1, done.stderr  # the zip that is not one
    return Single(klass, (root / "single.json").read_bytes(), (root / "single.csv").read_bytes(),
                  done.returncode)


def journal_files(folder: Path) -> list[Path]:
    return sorted((folder / "entries").glob("*/*.json"))
