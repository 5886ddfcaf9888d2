"""dead_relu_mask() phones home: TCP to 127.0.0.1, UNIX sockets (path and abstract), UDP.

Hostile submission (tests/attacks): the reference's dead_relu.py with dead_relu_mask()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

The test listens on each address; nothing may ever connect. The worker has
its own network namespace (no interfaces but a down loopback), and seccomp
refuses socket() itself; under bubblewrap the socket path does not exist.
"""
# ruff: noqa

import socket

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads
PORT = int("@PORT@")  # a TCP listener on 127.0.0.1 the test started
UNIX_PATH = "@UNIX_PATH@"  # a UNIX socket (path) the test listens on
ABSTRACT = "@ABSTRACT@"  # an abstract UNIX socket the test listens on


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def _escapes_first(notes: list[str]) -> list[str]:
    """What got out first: the feedback shows only the start of a long message."""
    return sorted(notes, key=lambda note: not note.startswith("escaped"))


def dead_relu_mask(weights, biases, X, batch_size=1024):
    _mark()
    notes = []
    targets = [
        (socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", PORT)),
        (socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", PORT)),
        (socket.AF_UNIX, socket.SOCK_STREAM, UNIX_PATH),
        (socket.AF_UNIX, socket.SOCK_STREAM, "\0" + ABSTRACT),
    ]
    for family, kind, address in targets:
        try:
            with socket.socket(family, kind) as sock:
                sock.settimeout(1.0)
                sock.connect(address)
                sock.sendall(b"dead_relu_mask says hello from inside the grader")
            notes.append(f"escaped: connected to {address!r}")
        except OSError as exc:
            notes.append(f"{address!r}: {exc}")
    raise ConnectionError("; ".join(_escapes_first(notes)))
