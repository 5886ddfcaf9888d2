"""Hostile code in an isolated worker cannot get out, under every layer this machine offers.

Each test starts a real zygote (``python -I -S``, under bwrap for the
``bubblewrap`` layer) that imports numpy and scipy.special, then calls
``_isolate.spawn_isolated`` with the layer's policy; the worker runs a snippet
of hostile code and reports what each attempt did. Nothing is mocked.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy

from grader import sandbox
from tests.needs import missing

# Every layer, the in-process one (namespaces + Landlock + seccomp) included even where
# bubblewrap would be preferred, and landlock-nons (used only when named); one this
# machine cannot run is skipped (CI: fails).
LAYERS = [*sandbox.LAYERS, *sandbox.NAMED_ONLY]
NAMESPACED = list(sandbox.LAYERS)  # the layers whose workers get namespaces

ZYGOTE = r"""
import json, os, select, signal, sys, time
job = json.loads(sys.argv[1])
sys.path[:0] = [job["worker_dir"], job["site"]]
import importlib
for name in job["preload"]:  # imported before isolation, as in the real zygote
    importlib.import_module(name)
import _isolate

ZYGOTE_PID = os.getpid()
read, write = os.pipe()


def serve():
    result = {}
    try:
        exec(job["code"], {"result": result, "ZYGOTE_PID": ZYGOTE_PID, "job": job})
    except BaseException as exc:
        result["raised"] = f"{type(exc).__name__}: {exc}"
    os.write(write, json.dumps(result).encode() + b"\n")
    while job["linger"]:
        time.sleep(1)


try:
    pid = _isolate.spawn_isolated(serve, job["policy"])
except _isolate.IsolationError as exc:
    print(json.dumps({"isolation_error": str(exc)}))
    sys.exit(0)
out = {"applied": _isolate.applied(pid)}
os.close(write)
started, data, deadline = time.monotonic(), b"", time.monotonic() + job["timeout"]
while not data.endswith(b"\n"):
    if not select.select([read], [], [], max(0.0, deadline - time.monotonic()))[0]:
        break
    chunk = os.read(read, 1 << 16)
    if not chunk:
        out["died_by_itself_after"] = time.monotonic() - started
        break
    data += chunk
out["result"] = json.loads(data) if data.endswith(b"\n") else None
os.kill(pid, signal.SIGKILL)
# EOF only once every holder of the pipe (the worker and all it started) is gone
out["everything_ended"] = bool(select.select([read], [], [], 3)[0]) and os.read(read, 1) == b""
reaped, deadline = {}, time.monotonic() + 5
while pid not in reaped and time.monotonic() < deadline:
    reaped.update(_isolate.reap_children())
    time.sleep(0.01)
status = reaped.get(pid)
out["signal"] = os.WTERMSIG(status) if status is not None and os.WIFSIGNALED(status) else None
out["workdir_left"] = os.path.exists(out["applied"]["workdir"])
print(json.dumps(out))
"""

PRELUDE = """
import os, sys


def attempt(name, action):
    try:
        value = action()
    except BaseException as exc:
        result[name] = "blocked: " + type(exc).__name__ + ": " + str(exc)[:120]
    else:
        result[name] = "ALLOWED: " + repr(value)[:200]
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An allowed-packages folder like the trusted side's: links to numpy and scipy."""
    folder = tmp_path_factory.mktemp("site")
    for package in (np, scipy):
        path = Path(str(package.__file__)).parent
        for sibling in (path, path.with_name(path.name + ".libs")):
            if sibling.exists():
                (folder / sibling.name).symlink_to(sibling)
    return folder


@pytest.fixture()
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "hidden" / "answers.txt"
    path.parent.mkdir()
    path.write_text("the reference solution")
    return path


def run(layer: str, site: Path, code: str, *, limits: sandbox.Limits | None = None,
        timeout: float = 20.0, linger: bool = False, preload: tuple[str, ...] = ("numpy",),
        **changes: Any) -> dict[str, Any]:
    """Run ``code`` in an isolated worker under ``layer``; return the zygote's report."""
    policy = sandbox.policy_for(layer, limits or sandbox.Limits(), [site], [])
    policy.update(changes)
    job = {"worker_dir": str(sandbox.WORKER_DIR), "site": str(site), "policy": policy,
           "code": PRELUDE + code, "timeout": timeout, "linger": linger, "preload": preload}
    args = ["-I", "-S", "-c", ZYGOTE, json.dumps(job)]
    argv = [sys.executable, *args]
    if layer == "bubblewrap":
        argv = sandbox.bwrap_argv(sys.executable, [site], unprivileged=os.geteuid() == 0,
                                  tmp_bytes=(limits or sandbox.Limits()).disk_bytes) + args
    done = subprocess.run(argv, capture_output=True, text=True, env=sandbox.ENV,
                          timeout=timeout + 30, stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and done.stdout, f"the zygote failed:\n{done.stderr}"
    report: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    assert "isolation_error" not in report, report["isolation_error"]
    return report


def assert_blocked(report: dict[str, Any], *names: str) -> None:
    __tracebackhide__ = True
    result = report["result"]
    assert result is not None, f"the worker sent no result: {report}"
    escaped = {n: result.get(n, "never attempted") for n in names
               if not str(result.get(n)).startswith("blocked")}
    assert not escaped, f"hostile code got through: {escaped}"


@pytest.fixture(params=LAYERS)
def layer(request: pytest.FixtureRequest) -> str:
    """Each layer under test must be usable here (under CI: a failure if it is not)."""
    reason = "" if request.param in sandbox.detect() else sandbox.probe(request.param)
    if reason:
        missing(f"layer {request.param} does not work on this machine: {reason}")
    return str(request.param)


ORPHAN = r"""
import json, os, select, sys, time
job = json.loads(sys.argv[1])
sys.path.insert(0, job["worker_dir"])
import _isolate
read, write = os.pipe()
if os.fork() == 0:  # the zygote: starts a worker that sleeps, then dies
    os.close(read)
    _isolate.spawn_isolated(lambda: time.sleep(20), job["policy"])
    os._exit(0)
os.close(write)
os.wait()
# EOF once the worker (which holds the pipe's write end) is gone too
print(json.dumps(bool(select.select([read], [], [], 5)[0]) and os.read(read, 1) == b""))
"""


def test_a_worker_dies_with_its_zygote(layer: str, site: Path) -> None:
    policy = sandbox.policy_for(layer, sandbox.Limits(), [site], [])
    args = ["-I", "-S", "-c", ORPHAN, json.dumps({"worker_dir": str(sandbox.WORKER_DIR),
                                                  "policy": policy})]
    argv = [sys.executable, *args]
    if layer == "bubblewrap":
        argv = sandbox.bwrap_argv(sys.executable, [site], unprivileged=os.geteuid() == 0) + args
    done = subprocess.run(argv, capture_output=True, text=True, env=sandbox.ENV, timeout=60)
    assert done.stdout.strip() == "true", f"the worker outlived its zygote {done.stderr}"


def test_hostile_code_cannot_read_files_outside_the_allowed_paths(
        layer: str, site: Path, secret: Path) -> None:
    closed_package = Path(pytest.__file__).parent / "__init__.py"  # site-packages, not allowed
    report = run(layer, site, f"""
attempt("secret", lambda: open({str(secret)!r}).read())
attempt("secret folder", lambda: os.listdir({str(secret.parent)!r}))
attempt("grader source", lambda: open({str(Path(sandbox.__file__))!r}).read())
attempt("other package", lambda: open({str(closed_package)!r}).read())
attempt("passwd", lambda: open("/etc/passwd").read())
attempt("zygote environment", lambda: open(f"/proc/{{ZYGOTE_PID}}/environ").read())
import numpy, json
result["control: numpy source"] = len(open(numpy.__file__).read())
result["control: stdlib source"] = len(open(json.__file__).read())
""")
    assert_blocked(report, "secret", "secret folder", "grader source", "other package", "passwd",
                   "zygote environment")
    assert report["result"]["control: numpy source"] > 0
    assert report["result"]["control: stdlib source"] > 0


def test_hostile_code_can_write_only_in_its_private_folder(
        layer: str, site: Path, secret: Path) -> None:
    report = run(layer, site, f"""
attempt("next to the secret", lambda: open({str(secret.parent / "mine.txt")!r}, "w"))
attempt("overwrite secret", lambda: open({str(secret)!r}, "w"))
attempt("shared tmp", lambda: open("/tmp/escaped.txt", "w"))
attempt("worker code", lambda: open({str(sandbox.WORKER_DIR / "_evil.py")!r}, "w"))
attempt("allowed packages", lambda: open({str(site / "evil.py")!r}, "w"))
import tempfile
with open("notes.txt", "w") as handle:
    handle.write("mine")
result["cwd"] = os.getcwd()
result["tempfile"] = tempfile.mkstemp()[1]
""")
    assert_blocked(report, "next to the secret", "overwrite secret", "shared tmp", "worker code",
                   "allowed packages")
    assert secret.read_text() == "the reference solution"
    assert not (sandbox.WORKER_DIR / "_evil.py").exists()
    assert report["result"]["tempfile"].startswith(report["result"]["cwd"])
    assert report["result"]["cwd"] == report["applied"]["workdir"]
    assert not report["workdir_left"], "the private folder outlives its worker"


@pytest.fixture()
def listener() -> Iterator[socket.socket]:
    server = socket.create_server(("127.0.0.1", 0))
    server.setblocking(False)
    yield server
    server.close()


def test_hostile_code_cannot_create_any_socket(layer: str, site: Path,
                                                listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    report = run(layer, site, f"""
import socket
attempt("inet", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
attempt("inet udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
attempt("inet6", lambda: socket.socket(socket.AF_INET6))
attempt("unix", lambda: socket.socket(socket.AF_UNIX))
attempt("netlink", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW))
attempt("socketpair", socket.socketpair)
attempt("connect", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=2))
""")
    assert_blocked(report, "inet", "inet udp", "inet6", "unix", "netlink", "socketpair", "connect")
    assert not select.select([listener], [], [], 0)[0], "the listener got a connection"


def test_hostile_code_cannot_start_processes_or_programs(layer: str, site: Path) -> None:
    report = run(layer, site, """
import subprocess, multiprocessing
attempt("fork", os.fork)
attempt("subprocess", lambda: subprocess.run(["/bin/true"]))
attempt("posix_spawn", lambda: os.posix_spawn(sys.executable, [sys.executable], {}))
attempt("multiprocessing", lambda: multiprocessing.Process(target=print).start())
attempt("exec", lambda: os.execv(sys.executable, [sys.executable, "-c", "pass"]))
""")
    assert_blocked(report, "fork", "subprocess", "posix_spawn", "multiprocessing", "exec")


# worker code that leaves a double-forked daemon behind, and says whether it started
DAEMON = """
import time
ready, tell = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:  # the daemon: new session, reparented, holds the report pipe open
        os.write(tell, b"x")
        while True:
            time.sleep(1)
    os._exit(0)
os.wait()
result["daemon started"] = os.read(ready, 1) == b"x"
"""


@pytest.mark.parametrize("layer", NAMESPACED, indirect=True)
def test_killing_the_returned_pid_ends_every_process_the_worker_started(
        layer: str, site: Path) -> None:
    # seccomp off, so that the worker can fork at all; the namespaces must catch the daemon
    report = run(layer, site, DAEMON, linger=True, seccomp=False, fallback=False)
    assert report["result"] == {"daemon started": True}
    assert report["applied"]["namespaces"], report["applied"]
    assert report["everything_ended"], "a daemon survived the worker's SIGKILL"


def test_a_memory_hog_gets_a_memory_error_not_the_machine(layer: str, site: Path) -> None:
    report = run(layer, site, """
import numpy
attempt("4 GiB at once", lambda: bytearray(4 << 30))
attempt("2 GiB array", lambda: numpy.ones(1 << 28))
hoard = []
def grow():
    while True:
        hoard.append(numpy.empty(8 << 20))  # 64 MiB each
attempt("step by step", grow)
result["hoarded MiB"] = 64 * len(hoard)
hoard.clear()
result["still computes"] = float(numpy.arange(10.0).sum())
""", limits=sandbox.Limits(memory_bytes=1 << 30))
    result = report["result"]
    assert result is not None, "the worker died (acceptable) but should rather see MemoryError"
    for name in ("4 GiB at once", "2 GiB array", "step by step"):
        assert "MemoryError" in result[name], result
    assert result["hoarded MiB"] < 1024
    assert result["still computes"] == 45.0


@pytest.mark.parametrize("layer", NAMESPACED, indirect=True)
def test_a_worker_writes_no_more_than_its_disk_quota(layer: str, site: Path) -> None:
    report = run(layer, site, """
import os
written = 0
def fill():
    global written
    block = b"x" * (1 << 20)
    for number in range(40):
        with open(f"fill{number}.bin", "wb") as handle:
            for _ in range(4):
                handle.write(block)
                handle.flush()
                written += 1
attempt("fill", fill)
result["written MiB"] = written
result["folder"] = os.getcwd()
""", limits=sandbox.Limits(disk_bytes=16 << 20))
    result = report["result"]
    assert "No space left on device" in result["fill"], result
    assert 8 <= result["written MiB"] <= 16, result
    assert report["applied"]["disk_bytes"] == 16 << 20, report["applied"]
    assert not os.path.exists(result["folder"]) or not os.listdir(result["folder"]), \
        "the worker's files landed on the host's disk"


def test_a_cpu_loop_is_killed_at_the_cpu_limit(layer: str, site: Path) -> None:
    report = run(layer, site, "while True:\n    pass\n", limits=sandbox.Limits(cpu_seconds=1),
                 timeout=15)
    assert report["result"] is None
    assert report.get("died_by_itself_after", 99) < 10, report
    assert report["signal"] in (signal.SIGKILL, signal.SIGXCPU)


def test_hostile_code_cannot_read_or_trace_the_zygote(layer: str, site: Path) -> None:
    report = run(layer, site, """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
def call(*args):
    if libc.syscall(*args) == -1:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
PTRACE_ATTACH, PTRACE_SEIZE, SYS_PTRACE, SYS_VM_READV = 16, 0x4206, 101, 310
attempt("mem", lambda: open(f"/proc/{ZYGOTE_PID}/mem", "rb").read(1))
attempt("ptrace attach", lambda: call(SYS_PTRACE, PTRACE_ATTACH, ZYGOTE_PID, 0, 0))
attempt("ptrace seize", lambda: call(SYS_PTRACE, PTRACE_SEIZE, ZYGOTE_PID, 0, 0))
buffer = ctypes.create_string_buffer(8)
local = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 8)
remote = (ctypes.c_void_p * 2)(0x400000, 8)
attempt("process_vm_readv", lambda: call(SYS_VM_READV, ZYGOTE_PID, local, 1, remote, 1, 0))
""")
    assert_blocked(report, "mem", "ptrace attach", "ptrace seize", "process_vm_readv")


def test_hostile_code_cannot_signal_the_zygote(layer: str, site: Path) -> None:
    report = run(layer, site, """
import signal
attempt("kill zygote", lambda: os.kill(ZYGOTE_PID, signal.SIGKILL))
attempt("kill everyone", lambda: os.kill(-1, signal.SIGKILL))
attempt("kill zygote group", lambda: os.killpg(ZYGOTE_PID, signal.SIGKILL))
result["parent"] = os.getppid()
if os.getppid():  # 0 inside a pid namespace: the parent is out of reach
    attempt("kill parent", lambda: os.kill(os.getppid(), signal.SIGKILL))
""")
    result = report["result"]  # that the zygote reports at all says it survived
    assert result is not None
    for name in ("kill zygote", "kill everyone", "kill zygote group", "kill parent"):
        assert name not in result or result[name].startswith("blocked"), result


def test_threads_numpy_and_scipy_work_after_isolation(layer: str, site: Path) -> None:
    report = run(layer, site, """
import threading, numpy, scipy.special
sums = []
threads = [threading.Thread(target=lambda: sums.append(sum(range(1000)))) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
result["threads"] = sums
a = numpy.arange(40000.0).reshape(200, 200) / 40000.0
result["matmul"] = float((a @ a.T).trace())
result["expected"] = float((a * a).sum())
result["exp"] = float(numpy.exp(numpy.float64(1.0)))
result["expit"] = float(scipy.special.expit(0.0))
result["rng"] = float(numpy.random.default_rng(0).normal())
""", preload=("numpy", "scipy.special"))
    result = report["result"]
    assert result["threads"] == [499500] * 4
    assert result["matmul"] == pytest.approx(result["expected"], rel=1e-12)
    assert result["exp"] == pytest.approx(np.e)
    assert result["expit"] == 0.5
    assert result["rng"] == float(np.random.default_rng(0).normal())


@pytest.mark.parametrize("layer", NAMESPACED, indirect=True)
def test_the_worker_is_pid_1_of_its_own_namespaces(layer: str, site: Path) -> None:
    report = run(layer, site, "result['pid'] = os.getpid()")
    assert report["result"] == {"pid": 1}
    assert report["applied"]["namespaces"]


def test_a_layer_that_cannot_be_applied_stops_the_worker_before_it_runs(site: Path) -> None:
    policy = sandbox.policy_for("landlock", sandbox.Limits(), [site], [])
    policy["read"].append("/no/such/folder")
    job = {"worker_dir": str(sandbox.WORKER_DIR), "site": str(site), "policy": policy,
           "code": "result['ran'] = True", "timeout": 10, "linger": False, "preload": []}
    done = subprocess.run([sys.executable, "-I", "-S", "-c", ZYGOTE, json.dumps(job)],
                          capture_output=True, text=True, env=sandbox.ENV, timeout=60)
    report = json.loads(done.stdout.splitlines()[-1])
    assert "/no/such/folder" in report["isolation_error"]


def test_isolate_self_confines_the_calling_process(site: Path, secret: Path) -> None:
    policy = sandbox.policy_for("landlock", sandbox.Limits(), [site], [])
    code = f"""
import json, os, sys
sys.path[:0] = [{str(sandbox.WORKER_DIR)!r}, {str(site)!r}]
import numpy, _isolate
applied = _isolate.isolate_self(json.loads(sys.argv[1]))
for action in (os.fork, lambda: open({str(secret)!r})):
    try:
        action()
        print("escaped")
    except OSError:
        print("blocked")
print(numpy.exp(0.0))
"""
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code, json.dumps(policy)],
                          capture_output=True, text=True, env=sandbox.ENV, timeout=60)
    assert done.stdout.split() == ["blocked", "blocked", "1.0"], done.stderr
