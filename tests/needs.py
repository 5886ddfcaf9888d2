"""What to do when a test needs something this machine lacks (a Debian package)."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(reason: str) -> NoReturn:
    """Skip, saying what to install, on a developer's machine; fail under CI (``CI`` set,
    as ``.ci/run`` does after installing bubblewrap and chromium), where nothing the
    tests need may be missing."""
    __tracebackhide__ = True
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)
