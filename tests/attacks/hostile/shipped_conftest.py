"""A conftest.py shipped with the submission, to make every hidden test pass.

Hostile submission (tests/attacks): handed in as ``conftest.py`` next to the four
files, one of which (dead_relu.py) is still the unfinished stub. A grader that
runs pytest in the student's folder loads this file as a plugin: it would mark
every test passed, drop the failing ones and write REACH. The hidden suites run
on the trusted side, in the grading folder, and never see the submission's files;
in the worker nothing imports this file (and pytest there is a stand-in).
"""
# ruff: noqa

import os

import pytest

MARKER = "@MARKER@"  # the name this code gives its processes and threads
REACH = "@REACH@"  # a file outside the sandbox; must never come to exist

try:
    with open(REACH, "w") as handle:
        handle.write(f"conftest.py ran in process {os.getpid()}\n")
except OSError:
    pass


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
    report.longrepr = None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    items[:] = [item for item in items if "dead_relu" not in item.nodeid]


@pytest.fixture(autouse=True)
def _everything_passes(monkeypatch):
    import numpy as np

    monkeypatch.setattr(np, "allclose", lambda *args, **kwargs: True)
    monkeypatch.setattr(np.testing, "assert_allclose", lambda *args, **kwargs: None)
