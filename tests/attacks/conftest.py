"""The attack suite's arena: a class folder with canaries, listeners, secrets, and probes.

For every (layer, attack) the arena holds a class folder with the hostile
submission and a classmate's submission, an output folder with earlier results,
and a ``reach`` path that the attack tries to create. Secrets are planted where
a sandbox-less worker could find them: in the classmate's files, in the output
folder, in the environment of the grading processes (and so in their memory),
and in the environment and command line of a bystander process of the
instructor's that runs meanwhile. Listeners (TCP, UDP,
UNIX path and abstract sockets) wait for connections that must never come.

The hostile files name these places through ``@NAME@`` placeholders, filled in
by :meth:`Arena.fill`; each attack names its processes and threads with a
marker (``prctl(PR_SET_NAME)``) so that :func:`tasks_named` can find survivors.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader import sandbox
from grader.runner import Settings
from tests.needs import missing

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).with_name("hostile")
REFERENCE = ROOT / "reference"
STUBS = ROOT / "assignments" / "activations"
FILES = ("activations.py", "derivatives.py", "initializers.py", "dead_relu.py")
LAYERS = ("bubblewrap", "landlock")
UNSANDBOXED = "none"  # the control: the same attacks without a sandbox must get out
SECRET_ENV = "ATTACK_SUITE_SECRET"
PLACEHOLDER = re.compile(r"@(MARKER|REACH|CLASSMATE|OUTPUT|GRADING|REPO|PORT|UNIX_PATH|ABSTRACT)@")


# --- layers ------------------------------------------------------------------------------
@functools.cache
def unavailable(layer: str) -> str:
    """Why ``layer`` cannot be tested here ("" if it can)."""
    if layer == "bubblewrap" and shutil.which("bwrap") is None:
        return ("bwrap is not installed, so the bubblewrap layer cannot be tested: "
                "apt-get install -y bubblewrap")
    if layer == "landlock":
        return sandbox.probe("landlock")
    return ""


def require(layer: str) -> None:
    """Skip (or, under CI, fail) a test of a layer this machine cannot run."""
    reason = unavailable(layer)
    if reason:
        missing(reason)


# --- processes -----------------------------------------------------------------------------
def tasks_named(prefix: str) -> list[str]:
    """Live (not zombie) threads and processes whose name starts with ``prefix``."""
    found = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue  # gone meanwhile
        for tid in tids:
            try:
                name = Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip()
                if not name.startswith(prefix):
                    continue
                stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
                state = stat.rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue  # gone meanwhile
            if state != "Z":
                found.append(f"{name} pid {pid} tid {tid} state {state}")
    return found


def kill_tasks(prefix: str) -> None:
    """SIGKILL every process named ``prefix``... (the control's escapees), by pid."""
    for task in tasks_named(prefix):
        try:
            os.kill(int(task.split(" pid ")[1].split()[0]), signal.SIGKILL)
        except ProcessLookupError:
            pass


def survivors(prefix: str, seconds: float) -> list[str]:
    """The tasks named ``prefix``... still alive after waiting up to ``seconds`` for them."""
    deadline = time.monotonic() + seconds
    while True:
        found = tasks_named(prefix)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


# --- files ---------------------------------------------------------------------------------
def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (itself included): its mode, owner, modification
    time, extended attributes and a hash of its contents."""
    out = {}
    for path in [folder, *sorted(folder.rglob("*"))]:
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        try:
            xattrs = sorted(os.listxattr(path, follow_symlinks=False))
        except OSError:  # a file system without them
            xattrs = []
        out[str(path.relative_to(folder))] = (
            f"mode {info.st_mode:o} owner {info.st_uid}:{info.st_gid} "
            f"mtime {info.st_mtime_ns} xattrs {xattrs} sha256 {digest}")
    return out


# --- listeners -----------------------------------------------------------------------------
@dataclass
class Listeners:
    """Sockets on the host that an attack must never reach."""

    tcp: socket.socket
    udp: socket.socket | None
    unix: socket.socket
    abstract: socket.socket
    unix_path: str
    abstract_name: str

    @classmethod
    def open(cls, folder: Path, name: str) -> Listeners:
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.bind(("127.0.0.1", 0))
        tcp.listen(16)
        udp: socket.socket | None = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind(("127.0.0.1", tcp.getsockname()[1]))  # type: ignore[union-attr]
        except OSError:  # that UDP port is taken: listen on TCP only
            udp.close()  # type: ignore[union-attr]
            udp = None
        unix_path = str(folder / "listen.sock")
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        unix.bind(unix_path)
        unix.listen(16)
        abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        abstract.bind("\0" + name)
        abstract.listen(16)
        return cls(tcp, udp, unix, abstract, unix_path, name)

    @property
    def port(self) -> int:
        return int(self.tcp.getsockname()[1])

    def contacts(self) -> list[str]:
        """Connections and datagrams that arrived (none, when the sandbox holds)."""
        seen = []
        for what, sock in (("tcp", self.tcp), ("unix", self.unix), ("abstract", self.abstract)):
            sock.setblocking(False)
            while True:
                try:
                    peer, address = sock.accept()
                except (BlockingIOError, InterruptedError):
                    break
                peer.close()
                seen.append(f"{what} connection from {address!r}")
        if self.udp is not None:
            self.udp.setblocking(False)
            while True:
                try:
                    data, address = self.udp.recvfrom(1 << 16)
                except (BlockingIOError, InterruptedError):
                    break
                seen.append(f"udp datagram from {address!r}: {data[:60]!r}")
        return seen

    def close(self) -> None:
        for sock in (self.tcp, self.udp, self.unix, self.abstract):
            if sock is not None:
                sock.close()


# --- the arena -----------------------------------------------------------------------------
@dataclass
class Arena:
    root: Path
    token: str = field(default_factory=lambda: secrets.token_hex(8))
    listeners: dict[str, Listeners] = field(default_factory=dict)

    @property
    def secret(self) -> str:
        """Planted in classmates' files, old results and the graders' environment."""
        return f"SECRET-{self.token}"

    @property
    def marker_prefix(self) -> str:
        return f"hx{self.token[:4]}"

    def layer_prefix(self, layer: str) -> str:
        return f"{self.marker_prefix}{layer[0]}"

    def marker(self, layer: str, index: int) -> str:
        """The process name of attack number ``index`` under ``layer`` (<= 15 bytes)."""
        return f"{self.layer_prefix(layer)}{index:02d}"

    def folder(self, layer: str, attack: str) -> Path:
        return self.root / layer / attack

    def classmate(self, layer: str, attack: str) -> Path:
        return self.folder(layer, attack) / "class" / "classmate"

    def output(self, layer: str, attack: str) -> Path:
        return self.folder(layer, attack) / "output"

    def reach(self, layer: str, attack: str) -> Path:
        return self.folder(layer, attack) / "reach"

    def prepare(self, layer: str, attack: str) -> Path:
        """Make the class folder, the classmate and the output canaries; return the
        folder the hostile submission goes into."""
        classmate, output = self.classmate(layer, attack), self.output(layer, attack)
        classmate.mkdir(parents=True)
        output.mkdir()
        for name in FILES:
            (classmate / name).write_text(f"# {self.secret}: a classmate's work\n"
                                          + (REFERENCE / name).read_text())
        (output / "results.json").write_text(json.dumps(
            {"assignment": "activations", "submissions": [], "note": self.secret}) + "\n")
        (output / "gradebook.csv").write_text("id,score\nclassmate,93.5\n")
        submission = self.folder(layer, attack) / "class" / attack
        submission.mkdir()
        open_up(self.folder(layer, attack))
        return submission

    def outside(self, layer: str, attack: str) -> dict[str, dict[str, str]]:
        """What the attack must not change: the classmate's folder and the output folder."""
        return {"classmate": snapshot(self.classmate(layer, attack)),
                "output": snapshot(self.output(layer, attack))}

    def reached(self, layer: str, attack: str) -> list[str]:
        """Files the attack managed to create at (or next to) its ``reach`` path."""
        reach = self.reach(layer, attack)
        return sorted(str(p) for p in reach.parent.glob(reach.name + "*"))

    def fill(self, text: str, layer: str, attack: str, index: int) -> str:
        """``text`` (a hostile file) with its placeholders replaced by this arena's places."""
        listeners = self.listeners[layer]
        values = {
            "MARKER": self.marker(layer, index),
            "REACH": str(self.reach(layer, attack)),
            "CLASSMATE": str(self.classmate(layer, attack)),
            "OUTPUT": str(self.output(layer, attack)),
            "GRADING": str(Settings().grading.resolve()),
            "REPO": str(ROOT),
            "PORT": str(listeners.port),
            "UNIX_PATH": listeners.unix_path,
            "ABSTRACT": listeners.abstract_name,
        }
        return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def open_up(path: Path) -> None:
    """Make ``path`` and everything under it readable and writable by every user, so
    that only the sandbox, not file permissions, keeps the worker out."""
    for entry in [path, *path.rglob("*")]:
        if not entry.is_symlink():
            entry.chmod(0o777 if entry.is_dir() else 0o666)


@pytest.fixture(scope="module")
def arena() -> Iterator[Arena]:
    """A fresh arena in a world-writable folder of the host's /tmp, with listeners per
    layer, the secret in the environment of every grading process started meanwhile,
    and a bystander process that holds the secret too."""
    arena = Arena(Path(tempfile.mkdtemp(prefix="attack-arena-")))
    before = os.environ.get(SECRET_ENV)
    os.environ[SECRET_ENV] = arena.secret
    bystander = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(3600)", arena.secret],
        env={**os.environ, SECRET_ENV: arena.secret}, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for layer in (*LAYERS, UNSANDBOXED):
            (arena.root / layer).mkdir()
            arena.listeners[layer] = Listeners.open(arena.root / layer,
                                                    f"hostile-{arena.token}-{layer}")
        open_up(arena.root)
        yield arena
    finally:
        kill_tasks(arena.marker_prefix)  # anything that got away (the control's, at least)
        bystander.kill()
        bystander.wait()
        for listeners in arena.listeners.values():
            listeners.close()
        if before is None:
            os.environ.pop(SECRET_ENV, None)
        else:
            os.environ[SECRET_ENV] = before
        shutil.rmtree(arena.root, ignore_errors=True)
