"""Fixtures shared by every test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module", autouse=True)
def close_grading_zygotes() -> Iterator[None]:
    """grader.zygote keeps a worker zygote per process for the next submission; close it
    when a module is done, so that its private folder does not outlive the module."""
    yield
    from grader.zygote import close_zygotes

    close_zygotes()
