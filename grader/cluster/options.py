"""Values of the cluster options, checked while the command line is parsed (stdlib only:
``grader`` builds its parser with these before anything heavy is imported)."""

from __future__ import annotations

import argparse

DEFAULT_RETRIES = 2  # a task whose Dask worker died this many times more is an error


def parse_local(address: str) -> int | None:
    """N of ``local:N`` (None for any other address); ValueError if N is not >= 1."""
    if not address.startswith("local:"):
        return None
    count = address.partition(":")[2]
    if not count.isdigit() or int(count) < 1:
        raise ValueError(f"expected local:N with N >= 1 but got {address!r}")
    return int(count)


def check_address(address: str) -> str:
    """An argparse type for --cluster: ``local:N``, ``tcp://``/``tls://`` HOST:PORT, or
    ``slurm``."""
    if address == "slurm" or address.startswith(("tcp://", "tls://")):
        return address
    try:
        if parse_local(address) is not None:
            return address
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    raise argparse.ArgumentTypeError(
        f"expected local:N, tcp://HOST:PORT, tls://HOST:PORT or slurm but got {address!r}")


def parse_shard(text: str) -> tuple[int, int]:
    """An argparse type for ``--shard I/N`` (1 <= I <= N)."""
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise argparse.ArgumentTypeError(f"expected I/N with 1 <= I <= N (1/4 is the first of "
                                         f"four) but got {text!r}")
    return int(index), int(count)


def count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1 but got {text!r}")
    return int(text)


def retries(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0 but got {text!r}")
    return int(text)
