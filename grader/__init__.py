"""activation-grader: grade the activation-functions assignment with hidden pytest
suites, student code kept apart in a worker process.

The public face for an assignment's hidden suites is this package itself::

    from grader import Student, Call, Grade, Rng, View, by_name, cached_json
    from grader import checks, errors

Everything else (``grader.worker._wire``, ``grader.proxy`` internals ...) is private and
may change. The names are imported on first use: ``import grader`` stays light, so the
command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_PUBLIC = {
    "Assignment": "grader.assignment",
    "Student": "grader.proxy",
    "Call": "grader.proxy",
    "as_array": "grader.proxy",
    "Grade": "grader.plugin",
    "by_name": "grader.plugin",
    "Rng": "grader.worker._wire",
    "View": "grader.worker._wire",
    "cached_json": "grader.cache",
    "CheckFailed": "grader.errors",
    "StudentCodeError": "grader.errors",
    "StudentRaised": "grader.errors",
}
_MODULES = ("checks", "errors")

__all__ = sorted([*_PUBLIC, *_MODULES])


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    if name in _MODULES:
        return importlib.import_module(f"grader.{name}")
    raise AttributeError(f"module 'grader' has no attribute {name!r}")


def __dir__() -> list[str]:
    return [*__all__, "__version__"]
