"""Isolation of one worker process: namespaces, limits, privileges, Landlock, seccomp.

Stdlib only, never imports ``grader``; load it by path or as a top-level module
(its siblings ``_landlock`` and ``_seccomp`` are found next to this file).

The zygote calls :func:`spawn_isolated` once per submission::

    zygote ─ fork ─> supervisor ─ unshare(PID, NET, IPC, UTS [, USER]) ─ fork ─> worker
                     (outside the new namespaces)          (pid 1 of the new ones, runs serve())

The worker is pid 1 of a fresh pid namespace, so SIGKILL to the pid that
:func:`spawn_isolated` returns ends it *and every process it ever created*
(double-forked daemons included). The supervisor waits for the worker without
reaping it and then exits, so the worker's zombie is reparented to the zygote
(a child subreaper) and :func:`reap_children` collects its real exit status.
Each process dies with its parent (``PR_SET_PDEATHSIG``): when the zygote dies,
its supervisors die, and with them their workers. Being pid 1, the worker
ignores every signal it has no handler for unless it comes from outside its
namespace: SIGXCPU, SIGTERM, SIGINT sent by itself do nothing; SIGKILL works.

Without a pid namespace (policy ``namespaces`` false, or ``fallback`` after the
kernel refused them) the same holds by other means: the supervisor stays outside
the worker as a *child subreaper*, so every process the worker starts stays below
it however it detaches (orphans and double-forked ``setsid`` daemons are
reparented to the supervisor, not to init). Once the worker has ended, the
supervisor kills and reaps everything left below it (:func:`end_descendants`)
before it exits, and only then is the worker's zombie handed to the zygote: a
worker the zygote has reaped has left nothing running. A process that the
zygote did not start (an orphan whose supervisor was killed) is ended by
:func:`reap_children`.

Before ``serve()`` runs, the worker applies :func:`isolate_self`, in this order:
resource limits, its own session, ``no_new_privs`` and non-dumpable, all
capabilities dropped (and, as real root, the uid/gid the policy names), its
private directory (cwd and ``tempfile.tempdir``), Landlock, seccomp. Any layer
the policy asks for that cannot be applied raises :class:`IsolationError`; the
worker then exits without running ``serve`` and ``spawn_isolated`` re-raises
the error in the zygote. Nothing runs unprotected silently.

The policy is a JSON-able dict (built by ``grader.sandbox.policy_for``)::

    {"namespaces": True, "fallback": False, "landlock": True, "seccomp": True,
     "read": [paths], "list": [paths], "write": [paths], "workdir_root": None,
     "uid": None, "gid": None,
     "limits": {"memory_bytes": ..., "cpu_seconds": ..., "file_size_bytes": ...,
                "open_files": ..., "processes": ...}}

``namespaces`` false runs the worker without namespaces (no pid, network, ipc,
uts or mount namespace; no tmpfs for its folder); ``fallback`` does so when the
kernel refuses them. ``confine`` false applies nothing but the worker's own
session and folder (``--no-sandbox``: no limits, capabilities or privileges
touched); what the worker starts is still ended with it.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Collection
from types import ModuleType
from typing import Any


class IsolationError(RuntimeError):
    """A layer the policy asks for could not be applied; no student code ran."""


def _sibling(name: str) -> ModuleType:
    """Import ``name`` from this file's folder, however this module was loaded."""
    if __package__:
        return importlib.import_module(f"{__package__}.{name}")
    if name not in sys.modules:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py")
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


_landlock = _sibling("_landlock")
_seccomp = _sibling("_seccomp")

# --- kernel constants (linux/prctl.h, linux/sched.h, linux/capability.h) -------
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER = 0x04000000, 0x08000000, 0x10000000
CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWNS = 0x20000000, 0x40000000, 0x00020000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x4000, 0x40000
LINUX_CAPABILITY_VERSION_3 = 0x20080522
CAP_SYS_ADMIN = 21
NAMESPACES = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS

DEFAULT_LIMITS: dict[str, int | None] = {
    "memory_bytes": 1 << 30,  # address space; numpy + scipy.special map ~200 MiB of it
    "cpu_seconds": 60,  # SIGKILL when reached
    "file_size_bytes": 16 << 20,
    "open_files": 64,
    "processes": 64,  # per uid (per user namespace); does not bind real root
    "disk_bytes": 64 << 20,  # the worker's folder is a tmpfs of this size (mount namespace)
}
DEFAULT_POLICY: dict[str, Any] = {
    "namespaces": True, "fallback": False, "confine": True, "landlock": True, "seccomp": True,
    "read": [], "list": [], "write": [], "workdir": None, "workdir_root": None,
    "uid": None, "gid": None, "limits": {},
}
SETUP_SECONDS = 30.0  # how long spawn_isolated waits for the worker to report

_libc = ctypes.CDLL(None, use_errno=True)
_workers: dict[int, dict[str, Any]] = {}  # pid -> {"workdir": ..., "applied": ...}
_supervisors: set[int] = set()  # supervisors spawn_isolated started and nobody reaped yet


def _check(result: int, what: str) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def _prctl(option: int, arg: int = 0, what: str = "prctl") -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), what)


def _checked(policy: dict[str, Any]) -> dict[str, Any]:
    unknown = set(policy) - set(DEFAULT_POLICY)
    if unknown:
        raise IsolationError(
            f"unknown policy keys {sorted(unknown)}; known: {sorted(DEFAULT_POLICY)}")
    merged = {**DEFAULT_POLICY, **policy}
    merged["limits"] = {**DEFAULT_LIMITS, **(policy.get("limits") or {})}
    return merged


# --- capabilities -------------------------------------------------------------
class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _capabilities() -> tuple[int, int]:
    """(effective, permitted) capability masks of this thread."""
    header, data = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0), (_CapData * 2)()
    _check(_libc.capget(ctypes.byref(header), data), "capget")
    return (data[0].effective | data[1].effective << 32,
            data[0].permitted | data[1].permitted << 32)


def _drop_privileges(uid: int | None, gid: int | None) -> None:
    """Empty every capability set; as real root, switch to ``uid``/``gid`` if given."""
    _, permitted = _capabilities()
    if permitted:
        cap = 0
        while _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:  # EINVAL past the last one
            cap += 1
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, "clear ambient capabilities")
    if os.getuid() == 0 and uid is not None:
        gid = uid if gid is None else gid
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
    header, data = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0), (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")
    if _capabilities() != (0, 0):
        raise IsolationError("capabilities are still present after dropping them")


# --- resource limits --------------------------------------------------------------
_RLIMITS = {"memory_bytes": resource.RLIMIT_AS, "file_size_bytes": resource.RLIMIT_FSIZE,
            "open_files": resource.RLIMIT_NOFILE, "processes": resource.RLIMIT_NPROC}


def _setrlimit(which: int, soft: int, hard: int) -> None:
    _, current_hard = resource.getrlimit(which)
    if current_hard != resource.RLIM_INFINITY:  # never try to raise a hard limit
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(which, (soft, hard))


def _apply_limits(limits: dict[str, int | None]) -> None:
    for key, which in _RLIMITS.items():
        if limits.get(key) is not None:
            _setrlimit(which, int(limits[key]), int(limits[key]))  # type: ignore[arg-type]
    if limits.get("cpu_seconds") is not None:
        cpu = int(limits["cpu_seconds"])  # type: ignore[arg-type]
        # soft == hard: the kernel sends SIGKILL. (SIGXCPU at a lower soft limit
        # would be ignored anyway by a worker that is pid 1 of its namespace.)
        _setrlimit(resource.RLIMIT_CPU, cpu, cpu)
    _setrlimit(resource.RLIMIT_CORE, 0, 0)


# --- namespaces -------------------------------------------------------------------------
def _unshare_namespaces() -> None:
    """New pid/net/ipc/uts namespaces for this process's future children.

    Without CAP_SYS_ADMIN (not root, or root inside bubblewrap) a user namespace
    comes first, mapping our own uid and gid only.
    """
    uid, gid = os.geteuid(), os.getegid()
    privileged = _capabilities()[0] >> CAP_SYS_ADMIN & 1
    flags = NAMESPACES if privileged else NAMESPACES | CLONE_NEWUSER
    _check(_libc.unshare(flags), "unshare")
    if not privileged:
        _prctl(PR_SET_DUMPABLE, 1, "dumpable")  # else /proc/self/*_map belong to root
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                           ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as handle:
                handle.write(text)
        _prctl(PR_SET_DUMPABLE, 0, "dumpable")


def _capped_workdir(workdir: str, size: int) -> None:
    """A mount namespace of our own, in which ``workdir`` is a tmpfs of ``size`` bytes:
    a worker that writes without end fills that, not the machine's disk (RLIMIT_FSIZE
    caps one file only). Call after :func:`_unshare_namespaces`."""
    _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    _check(_libc.mount(b"tmpfs", workdir.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                       f"size={int(size)},mode=0700".encode()), f"mount tmpfs on {workdir}")


# --- the in-process part ----------------------------------------------------------------
def _single_threaded() -> bool:
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc: trust the interpreter's own count
        import threading
        return threading.active_count() == 1


def _own_workdir(workdir: str, uid: int | None, gid: int | None) -> None:
    if os.getuid() == 0 and uid is not None:  # before dropping to uid
        os.chown(workdir, uid, uid if gid is None else gid)


def _enter_workdir(workdir: str) -> None:
    os.chdir(workdir)
    os.environ["TMPDIR"] = workdir
    tempfile.tempdir = workdir


def isolate_self(policy: dict[str, Any]) -> dict[str, Any]:
    """Apply ``policy`` to the calling process, irreversibly; return what was applied.

    Everything but the namespaces (which only :func:`spawn_isolated` makes).
    Call it while the process has a single thread (right after fork): Landlock
    applies to the calling thread only.
    """
    policy = _checked(policy)
    done: dict[str, Any] = {}
    if not policy["confine"]:  # --no-sandbox: only a session and a folder of its own
        if os.getsid(0) != os.getpid():
            os.setsid()
        if policy["workdir"]:
            _enter_workdir(policy["workdir"])
            done["workdir"] = policy["workdir"]
        return done
    try:
        if policy["landlock"] and not _single_threaded():
            raise IsolationError(
                "isolate_self needs a single-threaded process (Landlock is per thread)")
        _apply_limits(policy["limits"])
        done["limits"] = {k: v for k, v in policy["limits"].items() if v is not None}
        if os.getsid(0) != os.getpid():
            os.setsid()  # no controlling terminal, own process group
        _prctl(PR_SET_NO_NEW_PRIVS, 1, "no_new_privs")
        _prctl(PR_SET_DUMPABLE, 0, "dumpable")
        write = list(policy["write"])
        if policy["workdir"]:
            _own_workdir(policy["workdir"], policy["uid"], policy["gid"])
        _drop_privileges(policy["uid"], policy["gid"])
        done["uid"], done["gid"] = os.getuid(), os.getgid()
        if policy["workdir"]:
            _enter_workdir(policy["workdir"])
            write.append(policy["workdir"])
            done["workdir"] = policy["workdir"]
        if policy["landlock"]:
            done["landlock_abi"] = _landlock.restrict(list(policy["read"]), write, policy["list"])
        if policy["seccomp"]:
            done["seccomp_instructions"] = _seccomp.install(os.getpid())
    except IsolationError:
        raise
    except OSError as exc:
        hint = ""
        if policy["uid"] is not None and os.getuid() == policy["uid"]:
            hint = f" (uid {policy['uid']} must be able to reach every read path)"
        raise IsolationError(f"{exc}{hint}") from exc
    return done


# --- the zygote's part -------------------------------------------------------------------
def _send(fd: int, message: dict[str, Any]) -> None:
    os.write(fd, json.dumps(message).encode() + b"\n")  # < PIPE_BUF: one atomic write


def _run_worker(serve: Callable[[], None], policy: dict[str, Any], report: int) -> None:
    """In the worker: isolate, tell the zygote, serve, exit. Never returns."""
    try:
        _send(report, {"ok": isolate_self(policy)})
    except BaseException as exc:  # noqa: BLE001 - reported to the zygote, then exit
        text = str(exc) if isinstance(exc, IsolationError) else f"{type(exc).__name__}: {exc}"
        _send(report, {"error": text[:2000]})
        os._exit(1)
    os.close(report)
    try:
        serve()
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def _supervise(serve: Callable[[], None], policy: dict[str, Any], report: int, zygote: int) -> None:
    """In the supervisor (child of the zygote): make the namespaces, fork the worker."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "pdeathsig")
    if os.getppid() != zygote:  # the zygote died before the line above
        os._exit(1)
    if not policy["namespaces"]:
        _supervise_without_namespaces(serve, policy, report, "not asked for")
    try:
        _unshare_namespaces()
    except OSError as exc:
        if not policy["fallback"]:
            _send(report, {"error": f"namespaces unavailable ({exc}); policy allows no fallback"})
            os._exit(1)
        _supervise_without_namespaces(serve, policy, report, str(exc))
    disk = policy["limits"].get("disk_bytes")
    if disk and policy["workdir"]:
        try:
            _capped_workdir(policy["workdir"], disk)
            _send(report, {"disk_bytes": disk})
        except OSError as exc:  # e.g. mounts forbidden here; bubblewrap's /tmp is capped
            _send(report, {"disk_bytes": None, "disk_error": str(exc)})
    lifeline, keep = os.pipe()  # EOF on `lifeline` = the supervisor is gone
    pid = os.fork()
    if pid == 0:
        os.close(keep)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "pdeathsig")
        if select.select([lifeline], [], [], 0)[0]:
            os._exit(1)
        os.close(lifeline)
        _run_worker(serve, policy, report)
    _send(report, {"pid": pid})
    os.closerange(3, keep)  # hold nothing of the zygote's but the lifeline
    os.closerange(keep + 1, 1 << 16)
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # leave the zombie to the zygote
    os._exit(0)


def _supervise_without_namespaces(serve: Callable[[], None], policy: dict[str, Any],
                                  report: int, why: str) -> None:
    """In the supervisor, when there is no pid namespace to end the worker's processes
    with: be their child subreaper, fork the worker, wait for it to end, end everything
    left below, exit (leaving the worker's zombie to the zygote). Never returns."""
    try:
        _prctl(PR_SET_CHILD_SUBREAPER, 1, "child subreaper")
        children()  # the sweep below reads /proc: fail now, before any student code runs
    except OSError as exc:
        _send(report, {"error": f"cannot end what the worker would start ({exc}); "
                                "a mounted /proc is needed"})
        os._exit(1)
    supervisor = os.getpid()
    pid = os.fork()
    if pid == 0:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "pdeathsig")
        if os.getppid() != supervisor:  # the supervisor died before the line above
            os._exit(1)
        _run_worker(serve, policy, report)
    _send(report, {"pid": pid, "without_namespaces": why})
    os.closerange(3, 1 << 16)  # hold nothing of the zygote's
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # leave the zombie to the zygote
    end_descendants(keep={pid})
    os._exit(0)


def child_subreaper(on: bool | None = None) -> bool:
    """Whether this process is a child subreaper (orphans below it come to it, not to
    init); with ``on``, make it one or not first."""
    if on is not None:
        _prctl(PR_SET_CHILD_SUBREAPER, int(on), "child subreaper")
    flag = ctypes.c_int(0)
    _check(_libc.prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(flag), 0, 0, 0), "prctl")
    return bool(flag.value)


def children(pid: int = 0) -> list[int]:
    """The child processes of ``pid`` (this process by default), read from /proc."""
    pid = pid or os.getpid()
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):  # an orphan joins any live thread
            with open(f"/proc/{pid}/task/{task}/children", "rb") as listing:
                found += map(int, listing.read().split())
        return found
    except FileNotFoundError:  # a thread just ended, or a kernel without that file
        pass
    found = []
    for entry in os.listdir("/proc"):  # raises OSError without /proc
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    fields = stat.read().rpartition(b")")[2].split()
            except OSError:
                continue
            if len(fields) > 1 and int(fields[1]) == pid:
                found.append(int(entry))
    return found


def end_descendants(keep: Collection[int] = ()) -> list[int]:
    """SIGKILL and reap every child of this process but ``keep``, round after round until
    none is left; return the pids of those that were still running (not mere zombies).
    In a child subreaper (``PR_SET_CHILD_SUBREAPER``) that is every descendant: what a
    killed child had started comes back to this process and is ended in the next round.
    A process being killed can fork no more, so the rounds end. ``keep`` stay, their
    descendants too."""
    ended: list[int] = []
    while True:
        victims = [pid for pid in children() if pid not in keep]
        if not victims:
            return ended
        for pid in victims:
            running = not _zombie(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                running = False
            if running:
                ended.append(pid)
        for pid in victims:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rpartition(b")")[2].split()[0] in (b"Z", b"X")
    except (OSError, IndexError):
        return True  # gone already


def _read_reports(fd: int) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    buffer = b""
    while select.select([fd], [], [], SETUP_SECONDS)[0]:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buffer += chunk
    else:
        merged["error"] = f"the worker did not report within {SETUP_SECONDS:.0f} s"
    for line in buffer.splitlines():
        merged.update(json.loads(line))
    return merged


def spawn_isolated(serve: Callable[[], None], policy: dict[str, Any]) -> int:
    """Fork a worker that runs ``serve()`` isolated by ``policy``; return the pid to SIGKILL.

    Returns once the worker is isolated; raises :class:`IsolationError` (after
    killing what it started) if any requested layer failed. The zygote must
    call :func:`reap_children` from time to time (e.g. on SIGCHLD).
    """
    policy = _checked(policy)
    _prctl(PR_SET_CHILD_SUBREAPER, 1, "child subreaper")
    _prctl(PR_SET_DUMPABLE, 0, "dumpable")  # workers may not read the zygote's memory
    owned = not policy["workdir"]  # a folder we make is removed when the worker is reaped
    workdir = policy["workdir"] or tempfile.mkdtemp(
        prefix="worker-", dir=policy["workdir_root"] or tempfile.gettempdir())
    policy["workdir"] = workdir
    report, theirs = os.pipe()
    zygote = os.getpid()
    supervisor = os.fork()
    if supervisor == 0:
        try:
            os.close(report)
            _supervise(serve, policy, theirs, zygote)
        finally:
            os._exit(1)
    _supervisors.add(supervisor)
    os.close(theirs)
    try:
        result = _read_reports(report)
    finally:
        os.close(report)
    pid = result.get("pid")
    if "error" in result or "ok" not in result or pid is None:
        for victim in (pid, supervisor):
            if victim:
                try:
                    os.kill(victim, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if owned:
            shutil.rmtree(workdir, ignore_errors=True)
        raise IsolationError(result.get("error", "the worker died while isolating itself"))
    _workers[pid] = {"workdir": workdir if owned else None, "applied": result["ok"],
                     "disk_bytes": result.get("disk_bytes"),
                     "namespaces": "without_namespaces" not in result,
                     "fallback": result.get("without_namespaces")}
    return int(pid)


def applied(pid: int) -> dict[str, Any]:
    """What :func:`spawn_isolated` applied to worker ``pid`` (until it is reaped)."""
    return dict(_workers.get(pid, {}))


def reap_children() -> list[tuple[int, int]]:
    """Reap every finished child without blocking; return ``(pid, wait status)`` pairs.

    Includes workers (their private directory is removed here) and supervisors. Any
    other child is ended first: this process is a child subreaper, so a child it did
    not start is what a worker started and whose supervisor was killed (without a pid
    namespace). Call it only in a process whose children are all spawn_isolated's.
    """
    if _supervisors or _workers:
        try:
            end_descendants(keep=_supervisors | set(_workers))
        except OSError:  # no /proc: workers without namespaces were refused anyway
            pass
    reaped = []
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        reaped.append((pid, status))
        _supervisors.discard(pid)
        info = _workers.pop(pid, None)
        if info and info["workdir"]:
            shutil.rmtree(info["workdir"], ignore_errors=True)
    return reaped


# --- probing ----------------------------------------------------------------------------
def _probe(action: Callable[[], None]) -> bool:
    pid = os.fork()
    if pid == 0:
        try:
            action()
            os._exit(0)
        finally:
            os._exit(1)
    return os.waitpid(pid, 0)[1] == 0


def _probe_namespaces() -> None:
    _unshare_namespaces()
    pid = os.fork()  # becomes pid 1 of the new namespace
    if pid == 0:
        os._exit(0 if os.getpid() == 1 else 1)
    if os.waitpid(pid, 0)[1] != 0:
        raise OSError("the first child is not pid 1")


def _probe_seccomp() -> None:
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _seccomp.install()
    try:
        os.fork()  # must be refused
    except PermissionError:
        return
    os._exit(1)


def available_layers() -> dict[str, Any]:
    """What works here, probed in throw-away child processes."""
    return {
        "root": os.geteuid() == 0,
        "namespaces": _probe(_probe_namespaces),
        "landlock_abi": _landlock.abi_version(),
        "seccomp": _probe(_probe_seccomp),
    }
