"""A small on-disk cache for data the hidden suites derive deterministically.

Hypothesis-generated test inputs, for example, are the same on every run for the
same code and library versions (a fixed seed, no example database), but cost a
quarter of a second to generate: a single-submission ``grader grade`` should not pay
that each time. Entries are JSON (never pickle), written atomically, named by a hash
of everything they depend on, so a changed suite or library makes a new entry. The
folder is ``$GRADER_CACHE_DIR``, else ``$XDG_CACHE_HOME/activation-grader``, else
``~/.cache/activation-grader``; where it cannot be written, nothing is cached.
Student code never runs on this side, and its sandbox cannot reach the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


def folder() -> Path:
    explicit = os.environ.get("GRADER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "activation-grader"


def cached_json(name: str, key: Iterable[str | bytes], compute: Callable[[], Any]) -> Any:
    """``compute()``'s JSON-able result, from the cache when ``key`` was seen before."""
    digest = hashlib.sha256()
    for part in key:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    path = folder() / f"{name}-{digest.hexdigest()[:24]}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        pass
    value = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=f".{name}-",
                                         suffix=".tmp", delete=False) as handle:
            json.dump(value, handle)
        os.replace(handle.name, path)
    except OSError:
        pass
    return value
