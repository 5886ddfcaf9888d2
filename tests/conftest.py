"""Fixtures shared by every test module."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# the fixture assignment's hidden suites and public tests are the engine's input, run by
# the grader (and by pytest in the tests that release it), never collected here
collect_ignore = ["fixtures"]

_private: list[Path] = []  # the suite's TMPDIR, while the suite runs
_first_seen: dict[str, str] = {}  # a zygote folder there -> the test after which it was seen


def pytest_runtest_logfinish(nodeid: str) -> None:
    for folder in _private:
        for path in folder.glob("grader-site-*"):
            _first_seen.setdefault(path.name, nodeid)


@pytest.fixture(scope="session", autouse=True)
def nothing_the_grader_makes_outlives_the_suite(
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The suite's temporary files go to a folder of its own (``TMPDIR``, for this
    process and every process it starts); once the suite is done, a zygote's private
    folder (``grader-site-*``) still there is an error: whoever starts a zygote closes it,
    and a grading process removes its zygotes' folders when it ends, however it ends.
    The folder is removed either way (pytest's own tmp_path folders are elsewhere)."""
    tmp_path_factory.getbasetemp()  # where it always is, before TMPDIR changes
    folder = Path(tempfile.mkdtemp(prefix="grader-tests-"))
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # asked again, from TMPDIR
    _private.append(folder)
    try:
        yield
        from grader.zygote import close_zygotes

        close_zygotes()
        left = [f"{p.name} (there since {_first_seen.get(p.name, 'the last test')})"
                for p in sorted(folder.glob("grader-site-*"))]
    finally:
        _private.remove(folder)
        if before is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = before
        tempfile.tempdir = None
        shutil.rmtree(folder, ignore_errors=True)
    assert not left, f"the tests left {len(left)} zygote folders behind: {left}"


@pytest.fixture(scope="module", autouse=True)
def close_grading_zygotes() -> Iterator[None]:
    """grader.zygote keeps a worker zygote per process for the next submission; close it
    when a module is done, so that its private folder does not outlive the module."""
    yield
    from grader.zygote import close_zygotes

    close_zygotes()
