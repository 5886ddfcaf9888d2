"""How the worker is confined: limits, the usable layers, bubblewrap and worker policies.

Two layers can confine the worker completely (files, network, processes), and
``--sandbox auto`` picks the first that works here:

``"bubblewrap"``
    the zygote runs under ``bwrap`` (see :func:`bwrap_argv`): its own mount,
    pid, network, ipc and uts namespaces, a root file system holding only the
    interpreter, the allowed packages and the worker's code, no capabilities.
    Inside, each worker still gets the in-process layers of ``_isolate``
    (nested namespaces when the kernel allows them, Landlock, seccomp, limits).
``"landlock"``
    no wrapper: each worker isolates itself (``grader/worker/_isolate.py``):
    pid/net/ipc/uts namespaces, Landlock, seccomp, resource limits.

One more is used only when asked for by name (``--sandbox landlock-nons``), for
machines without namespaces (a container without user namespaces, say):

``"landlock-nons"``
    the landlock layer without any namespace: Landlock, seccomp (no processes,
    programs, sockets, signals to others), resource limits, no capabilities,
    uid 65534 when run as root. Weaker: no tmpfs caps the worker's folder (only
    ``RLIMIT_FSIZE`` each file), and a worker that keeps the grader's uid (not
    root) may lower the priority or resource limits of that user's processes.

``"none"`` (``--no-sandbox``) confines nothing; like every layer, it still ends
everything the worker started when the worker ends. :func:`detect` says which
layers work here, best first, by running a real sandboxed interpreter;
:func:`choose` refuses to go on when none does (:func:`refusal` says what to
enable); :func:`policy_for` builds the JSON policy that the zygote hands to
``_isolate.spawn_isolated``.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from grader.errors import GraderError, UsageError

WORKER_DIR = Path(__file__).resolve().parent / "worker"
LAYERS = ("bubblewrap", "landlock")  # what --sandbox auto may pick, best first
NAMED_ONLY = ("landlock-nons",)  # weaker: used only when asked for by name
NONS = "landlock-nons"
NO_SANDBOX = "none"  # --no-sandbox
NOBODY = 65534  # uid and gid of the unprivileged user the worker becomes when run as root
ENV = {
    "PATH": "/usr/bin:/bin",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "LANG": "C.UTF-8",
}
PACKAGE_FOLDERS = ("site-packages", "dist-packages")  # closed inside the stdlib folder


@dataclass(frozen=True)
class Limits:
    """What one worker may use. Sizes in bytes, times in seconds."""

    memory_bytes: int = 1 << 30  # address space (RLIMIT_AS)
    cpu_seconds: int = 60  # CPU time of the whole submission; SIGKILL when reached
    call_seconds: float = 5.0  # wall clock per call (enforced by the trusted side)
    submission_seconds: float = 120.0  # wall clock per submission (trusted side)
    file_size_bytes: int = 16 << 20  # largest file the worker may write
    open_files: int = 64
    processes: int = 64  # RLIMIT_NPROC: tasks (threads) per uid; root ignores it
    output_bytes: int = 64 << 10  # captured stdout/stderr (trusted side)
    disk_bytes: int = 64 << 20  # all the files a worker writes: a size-capped tmpfs

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"Expected a positive number but got {name}={value!r} "
                                 f"(type={type(value).__name__})")

    def rlimits(self) -> dict[str, int]:
        """The limits the worker sets on itself (``policy["limits"]``)."""
        return {"memory_bytes": self.memory_bytes, "cpu_seconds": int(self.cpu_seconds),
                "file_size_bytes": self.file_size_bytes, "open_files": self.open_files,
                "processes": self.processes, "disk_bytes": self.disk_bytes}


# --- what the interpreter needs -----------------------------------------------------
@dataclass(frozen=True)
class Runtime:
    """Paths an interpreter needs at run time, beyond the packages it is given."""

    files: list[str]  # executable, libpython, ld.so.cache, pyvenv.cfg
    stdlib: list[str]  # standard-library folders (their package folders closed)
    closed: list[str]  # site-packages / dist-packages folders inside them
    libraries: list[str]  # system shared-library folders
    symlinks: dict[str, str] = field(default_factory=dict)  # /lib -> usr/lib (merged /usr)

    def readable(self) -> list[str]:
        """For Landlock: everything but the closed folders (the stdlib folders are listable)."""
        entries = [os.path.join(d, name) for d in self.stdlib for name in sorted(os.listdir(d))]
        return self.files + self.libraries + [e for e in entries if e not in self.closed]


_QUERY = """
import sys, sysconfig
v = sysconfig.get_config_var
info = {"executable": sys.executable, "prefix": sys.prefix,
        "stdlib": [sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib")],
        "libpython": v("LIBDIR") + "/" + v("INSTSONAME") if v("Py_ENABLE_SHARED") else None,
        "multiarch": v("MULTIARCH") or ""}
"""


@functools.cache
def runtime(python: str = sys.executable) -> Runtime:
    """The :class:`Runtime` of ``python`` (asked in-process when it is this interpreter)."""
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        namespace: dict[str, Any] = {}
        exec(_QUERY, namespace)  # our own constant code
        info = namespace["info"]
    else:
        query = _QUERY + "import json; print(json.dumps(info))"
        info = json.loads(subprocess.run([python, "-I", "-S", "-c", query], check=True,
                                         capture_output=True, text=True).stdout)
    files = [python, os.path.realpath(python), info["libpython"], "/etc/ld.so.cache",
             os.path.join(info["prefix"], "pyvenv.cfg")]
    stdlib = _unique(os.path.realpath(p) for p in info["stdlib"])
    closed = [os.path.join(d, n) for d in stdlib for n in PACKAGE_FOLDERS
              if os.path.isdir(os.path.join(d, n))]
    arch = info["multiarch"]
    libraries = [f"/usr/lib/{arch}", f"/lib/{arch}"] if arch else ["/usr/lib", "/lib"]
    libraries += ["/usr/lib64", "/lib64"]
    return Runtime(
        files=_unique(f for f in files if f and os.path.exists(f)),
        stdlib=stdlib,
        closed=closed,
        libraries=_unique(os.path.realpath(p) for p in libraries if os.path.isdir(p)),
        symlinks={top: os.readlink(top) for top in ("/lib", "/lib64") if os.path.islink(top)},
    )


def _unique(paths: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(paths))


def _with_targets(paths: Iterable[Path | str]) -> list[str]:
    """``paths`` plus the targets of the symlinks directly inside them (allowed-packages dir)."""
    out = []
    for path in map(str, paths):
        out.append(path)
        if os.path.isdir(path):
            for entry in os.scandir(path):
                if entry.is_symlink():
                    out.append(os.path.realpath(entry.path))
    return _unique(out)


# --- bubblewrap --------------------------------------------------------------------------
def _bwrap() -> str:
    """The bwrap found on PATH, by its full path: the one the probe checks is the one
    grading runs (each is started with its own environment's PATH otherwise)."""
    return shutil.which("bwrap") or "bwrap"


def bwrap_argv(python: str, read_only: list[Path], *, tmp: bool = True,
               unprivileged: bool, tmp_bytes: int = Limits.disk_bytes) -> list[str]:
    """A ``bwrap`` command line ending in ``-- python``; append the interpreter's arguments.

    The sandbox sees only the interpreter (stdlib with its site-packages
    hidden), shared libraries, ``read_only`` (with the targets of symlinks
    directly inside them) and the worker's code, all read-only; a private
    /proc, /dev and (``tmp``) /tmp, a tmpfs of at most ``tmp_bytes``; no network, no
    capabilities, a minimal environment. ``unprivileged`` runs it as uid/gid 65534 inside; note that
    bwrap started by real root maps that uid to root outside (files stay
    reachable as root's; the mount namespace is what confines them).
    """
    rt = runtime(python)
    argv = [_bwrap(), "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--clearenv"]
    for name, value in ENV.items():
        argv += ["--setenv", name, value]
    if unprivileged:
        argv += ["--uid", str(NOBODY), "--gid", str(NOBODY)]
    for link, target in rt.symlinks.items():
        argv += ["--symlink", target, link]
    argv += ["--proc", "/proc", "--dev", "/dev", "--chdir", "/tmp" if tmp else "/"]
    binds = _unique([*rt.files, *rt.libraries, *rt.stdlib, str(WORKER_DIR),
                     *_with_targets(read_only)])
    masks = set(rt.closed) | ({"/tmp"} if tmp else set())
    for path in sorted([*binds, *masks], key=lambda p: (p.count("/"), p)):  # parents first
        if path in masks:
            argv += (["--size", str(tmp_bytes)] if path == "/tmp" else []) + ["--tmpfs", path]
        elif os.path.exists(path):
            argv += ["--ro-bind", path, path]
    return argv + ["--", python]


# --- policies --------------------------------------------------------------------------------
def policy_for(layer: str, limits: Limits, read_paths: Iterable[Path | str],
               write_paths: Iterable[Path | str], *, python: str = sys.executable,
               unprivileged: bool | None = None) -> dict[str, Any]:
    """The JSON-able policy ``_isolate.spawn_isolated`` applies to each worker.

    ``read_paths`` are the packages and code the worker may read (the
    interpreter's own files are added here); ``write_paths`` what it may write
    besides its private folder. ``unprivileged`` (when real root, landlock
    layer): become uid 65534; None means "if 65534 can reach every read path".
    """
    if layer not in (*LAYERS, *NAMED_ONLY, NO_SANDBOX):
        raise ValueError(f"Expected one of {(*LAYERS, *NAMED_ONLY, NO_SANDBOX)} but got "
                         f"layer={layer!r} (type={type(layer).__name__})")
    if layer == NO_SANDBOX:  # a session and a folder of its own; its processes still end
        return {"namespaces": False, "confine": False, "landlock": False, "seccomp": False,
                "limits": {key: None for key in limits.rlimits()}}
    rt = runtime(python)
    read = _unique([*rt.readable(), str(WORKER_DIR), *_with_targets(read_paths)])
    policy: dict[str, Any] = {
        "namespaces": True, "landlock": True, "seccomp": True,
        "read": read, "list": rt.stdlib, "write": _unique(["/dev/null", *map(str, write_paths)]),
        "limits": limits.rlimits(),
    }
    if layer == "bubblewrap":
        # Nested namespaces if the kernel allows them, else bwrap's own (seccomp forbids forking).
        policy["fallback"] = True
        policy["landlock"] = _landlock_abi() > 0
        return policy
    if layer == NONS:
        policy["namespaces"] = False
    if os.geteuid() == 0:
        if unprivileged is None:
            unprivileged = all(_reachable_by(NOBODY, NOBODY, p) for p in read)
        if unprivileged:
            policy["uid"] = policy["gid"] = NOBODY
    return policy


def _landlock_abi() -> int:
    from grader.worker import _landlock

    return int(_landlock.abi_version())


def _reachable_by(uid: int, gid: int, path: str) -> bool:
    """Whether ``uid``/``gid`` (no supplementary groups) can search every folder above ``path``."""
    parts = Path(path).resolve().parts
    for depth in range(1, len(parts)):
        st = os.stat(os.path.join(*parts[:depth]))
        bits = 0o100 if st.st_uid == uid else 0o010 if st.st_gid == gid else 0o001
        if not st.st_mode & bits:
            return False
    return True


# --- detection --------------------------------------------------------------------------------
_PROBE = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
import _isolate
read, write = os.pipe()
def serve():
    import socket
    def fork():
        if os.fork() == 0:
            os._exit(0)
    verdicts = []
    for attempt in (fork, socket.socket, lambda: open(sys.argv[3]).read()):
        try:
            attempt()
            verdicts.append("escaped")
        except OSError:
            verdicts.append("blocked")
    os.write(write, " ".join(verdicts).encode())
pid = _isolate.spawn_isolated(serve, json.loads(sys.argv[2]))
os.close(write)
print(os.read(read, 100).decode())
"""


def requested(no_sandbox: bool, sandbox: str) -> str:
    """The layer a command line asks for: ``--no-sandbox`` is "none"; naming a layer as
    well is a contradiction (a bad argument), not a silent choice of one of them."""
    if no_sandbox and sandbox != "auto":
        raise UsageError(f"--no-sandbox and --sandbox {sandbox} contradict each other")
    return "none" if no_sandbox else sandbox


def probe(layer: str, python: str = sys.executable, timeout: float = 60.0) -> str:
    """Run a sandboxed interpreter under ``layer``; return "" if it is confined, else why not."""
    reason = _not_installed(layer)
    if reason:
        return reason
    with tempfile.NamedTemporaryFile("w", prefix="grader-probe-") as secret:
        secret.write("secret")
        secret.flush()
        policy = policy_for(layer, Limits(), [], [], python=python)
        args = ["-I", "-S", "-c", _PROBE, str(WORKER_DIR), json.dumps(policy), secret.name]
        argv = [python, *args]
        if layer == "bubblewrap":
            argv = bwrap_argv(python, [], unprivileged=os.geteuid() == 0) + args
        try:
            done = subprocess.run(argv, capture_output=True, text=True, env=ENV, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{layer}: {exc}"
    if done.stdout.strip() != "blocked blocked blocked":
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return f"{layer}: sandboxed code was not confined ({done.stdout.strip() or detail})"
    return ""


def _not_installed(layer: str) -> str:
    """Why ``layer`` cannot even be tried here, found without running anything ("" if
    it can be)."""
    if layer == "bubblewrap" and shutil.which("bwrap") is None:
        return "bwrap is not installed (apt-get install bubblewrap)"
    return ""


def _known(requested: str) -> None:
    if requested not in ("auto", *LAYERS, *NAMED_ONLY, NO_SANDBOX):
        raise UsageError(f"Expected one of auto, {', '.join((*LAYERS, *NAMED_ONLY))}, none "
                         f"but got sandbox={requested!r}")


def likely(requested: str = "auto") -> str:
    """The layer :func:`choose` will most likely return, guessed without running
    anything, to start work under it early (nothing untrusted may run in it until
    :func:`choose` agrees): the best layer that is installed."""
    if requested != "auto":
        return requested
    return next((layer for layer in LAYERS if not _not_installed(layer)), LAYERS[-1])


@functools.cache
def detect(python: str = sys.executable) -> list[str]:
    """Usable layers here, best first (cached; ``detect.cache_clear()`` to probe again)."""
    return [layer for layer in LAYERS if not probe(layer, python)]


def choose(requested: str = "auto", python: str = sys.executable) -> str:
    """The layer to grade with: the best usable one of :data:`LAYERS` for "auto", else
    ``requested`` after checking that it works; "none" only when asked for
    (``--no-sandbox``). Raises :class:`GraderError` (:func:`refusal`) when the layer
    asked for, or every layer for "auto", cannot confine student code here."""
    _known(requested)
    if requested == NO_SANDBOX:
        return NO_SANDBOX
    reasons = []
    for layer in LAYERS if requested == "auto" else (requested,):
        reason = probe(layer, python)
        if not reason:
            return layer
        reasons.append(reason)
    raise GraderError(refusal(requested, reasons, python))


USERNS_HINT = ("allow unprivileged user namespaces (sysctl -w user.max_user_namespaces=10000; "
               "on Debian also kernel.unprivileged_userns_clone=1; on Ubuntu >= 23.10 "
               "kernel.apparmor_restrict_unprivileged_userns=0), or grade as root with "
               "CAP_SYS_ADMIN (a container run with --cap-add SYS_ADMIN and a seccomp "
               "profile that allows unshare)")
LANDLOCK_HINT = "use Linux >= 5.13 with landlock among its security modules (the lsm= boot " \
                "parameter; `cat /sys/kernel/security/lsm` lists them)"


def refusal(requested: str, reasons: list[str], python: str = sys.executable) -> str:
    """Why no sandbox can be used here (each layer tried, and why it failed), what would
    make one work, and how to grade without one: one paragraph, printed on one line."""
    tried = LAYERS if requested == "auto" else (requested,)
    text = ("no sandbox layer works here (" if requested == "auto"
            else f"the {requested} sandbox layer does not work here (")
    text += "; ".join(r if r.startswith(f"{layer}:") else f"{layer}: {r}"
                      for layer, r in zip(tried, reasons, strict=True)) + ")."
    nons = probe(NONS, python) if requested == "auto" else ""
    why = " ".join([*reasons, nons]).lower()
    hints = []
    if "bwrap is not installed" in why:
        hints.append("install bubblewrap (apt-get install bubblewrap)")
    if "namespace" in why:
        hints.append(USERNS_HINT)
    if "landlock is not supported" in why:
        hints.append(LANDLOCK_HINT)
    if hints:
        text += " To confine student code here: " + "; or ".join(hints) + "."
    if requested == "auto":
        if nons:
            text += f" Landlock and seccomp alone, without namespaces, do not work either ({nons})."
        else:
            text += (f" Landlock and seccomp work here without namespaces: --sandbox {NONS} "
                     "confines student code with them alone (weaker: no pid, network or "
                     "mount namespace, no disk cap; see docs/threat-model.md); run it as "
                     "root, so that the worker becomes uid 65534.")
    return text + (" Or pass --no-sandbox to grade without isolation: only for code you "
                   "trust, never for a class.")
