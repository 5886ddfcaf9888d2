"""Nothing a worker started outlives it, under every layer, --no-sandbox included.

With a pid namespace, SIGKILL to the worker (its pid 1) ends everything in it. Without
one (``none``, ``landlock-nons``, bubblewrap's fallback) the worker's supervisor is a
child subreaper that ends whatever is left below it once the worker has ended, and
the zygote ends any orphan that reaches it. Real processes, real double-forked
daemons; seccomp is switched off where a layer would refuse the fork.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader import sandbox
from tests.grader.sandbox.forger import alive, forger_files, kill, pids_started
from tests.grader.sandbox.test_isolation import DAEMON, run
from tests.needs import missing


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An allowed-packages folder like the trusted side's: a link to numpy."""
    folder = tmp_path_factory.mktemp("site")
    path = Path(str(np.__file__)).parent
    for sibling in (path, path.with_name("numpy.libs")):
        if sibling.exists():
            (folder / sibling.name).symlink_to(sibling)
    return folder


# every layer that runs workers without a pid namespace, and what lets their code fork
WITHOUT_NAMESPACES = {"none": {}, "landlock-nons": {"seccomp": False}}


def usable(layer: str) -> str:
    if layer != "none":
        reason = sandbox.probe(layer)
        if reason:
            missing(f"layer {layer} does not work on this machine: {reason}")
    return layer


@pytest.mark.parametrize("layer", WITHOUT_NAMESPACES)
@pytest.mark.parametrize("linger", [True, False], ids=["killed", "ending-by-itself"])
def test_a_worker_without_a_pid_namespace_leaves_no_daemon_behind(
        layer: str, linger: bool, site: Path) -> None:
    report = run(usable(layer), site, DAEMON, linger=linger, **WITHOUT_NAMESPACES[layer])
    assert report["result"] == {"daemon started": True}
    assert report["applied"]["namespaces"] is False, report["applied"]
    # EOF on the pipe the daemon held: it is gone, before the zygote reaped anything
    assert report["everything_ended"], "a daemon outlived its worker"


def test_bubblewraps_fallback_supervisor_ends_what_the_worker_started(
        site: Path) -> None:
    # the policy bubblewrap's zygote uses when nested namespaces are refused
    report = run(usable("landlock"), site, DAEMON, linger=True, seccomp=False,
                 fallback=True, namespaces=False)
    assert report["result"] == {"daemon started": True}
    assert report["applied"]["namespaces"] is False
    assert report["everything_ended"]


ORPHANED = r"""
import json, os, select, sys, time
job = json.loads(sys.argv[1])
sys.path.insert(0, job["worker_dir"])
import _isolate
hold, held = os.pipe()  # EOF on `hold` once the daemon (which inherits `held`) is gone
ready, tell = os.pipe()


def serve():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.write(tell, b"x")
            while True:
                time.sleep(1)
        os._exit(0)
    os.wait()
    os.kill(os.getppid(), 9)  # its supervisor: the worker dies with it, the daemon is orphaned
    time.sleep(30)


pid = _isolate.spawn_isolated(serve, job["policy"])
os.close(held)
os.close(tell)
out = {"daemon started": bool(select.select([ready], [], [], 10)[0]) and os.read(ready, 1) == b"x"}
reaped, deadline = {}, time.monotonic() + 10
while pid not in reaped and time.monotonic() < deadline:
    reaped.update(_isolate.reap_children())  # what the zygote does before every request
    time.sleep(0.01)
out["worker reaped"] = pid in reaped
out["daemon ended"] = bool(select.select([hold], [], [], 5)[0]) and os.read(hold, 1) == b""
print(json.dumps(out))
"""


def test_an_orphan_whose_supervisor_was_killed_is_ended_by_the_zygote() -> None:
    policy = sandbox.policy_for("none", sandbox.Limits(), [], [])
    job = {"worker_dir": str(sandbox.WORKER_DIR), "policy": policy}
    done = subprocess.run([sys.executable, "-I", "-S", "-c", ORPHANED, json.dumps(job)],
                          capture_output=True, text=True, env=sandbox.ENV, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"daemon started": True, "worker reaped": True,
                                       "daemon ended": True}


@pytest.mark.parametrize("kill_above", [False, True], ids=["", "killing-its-zygote"])
def test_grader_grade_without_a_sandbox_leaves_no_forger_of_its_json(
        tmp_path: Path, kill_above: bool) -> None:
    upload, out = tmp_path / "submission", tmp_path / "results.json"
    upload.mkdir()
    marker = f"forger{os.getpid() % 10000}g{int(kill_above)}"
    for name, data in forger_files(tmp_path, out, marker, kill_above=kill_above).items():
        (upload / name).write_bytes(data)
    try:
        done = subprocess.run([sys.executable, "-m", "grader", "grade", str(upload), "--json",
                               str(out), "--no-sandbox", "--quiet"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300, check=False)
        assert pids_started(tmp_path), "the daemon should start without a sandbox"
        assert alive(marker) == [], "a process the submission started outlived the grading"
        doc = json.loads(out.read_text(encoding="utf-8"))
        assert "forged" not in json.dumps(doc) and doc["grader"]["sandbox"] == "none"
        if not kill_above:  # its supervisor ended it with the worker; grading went on unharmed
            assert done.returncode == 0, done.stderr[-3000:]
            assert doc["submissions"][0]["score"] == 100.0
        else:  # it killed the zygote: the last sweep ended it, and the results are ours
            assert done.returncode in (0, 1), done.stderr[-3000:]
            assert [e["id"] for e in doc["submissions"]] == ["submission"]
    finally:
        kill(alive(marker))
