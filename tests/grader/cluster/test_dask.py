"""Grading on a real dask.distributed LocalCluster (2 worker processes, 1 thread each):
the same bytes as one grading process, whatever happens to a worker or to the client."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.cluster.dask import ClusterRun, Connection, Progress, open_cluster
from grader.cluster.journal import Journal, meta
from grader.cluster.output import write_outputs
from grader.sandbox import Limits
from grader.settings import Settings
from grader.submission import discover
from tests.grader.cluster.conftest import FILES, ROOT, grader, journal_files
from tests.needs import missing

LIMITS = Limits(call_seconds=5.0, submission_seconds=120.0, memory_bytes=1024 << 20)
CONTENTS = 8  # distinct submission contents in the class (the twins are one)


@pytest.fixture(scope="module")
def connection() -> Iterator[Connection]:
    """``--cluster local:2`` as the command line opens it."""
    args = argparse.Namespace(cluster="local:2", cluster_retries=2)
    with open_cluster(args) as connection:
        yield connection
    # The grading processes of killed workers end on their own, their zygotes' folders
    # removed: give them the time to.
    deadline = time.monotonic() + 60
    while list(Path(tempfile.gettempdir()).glob("grader-site-*")):
        assert time.monotonic() < deadline, "grading processes outlived their Dask workers"
        time.sleep(0.2)


def run_on(connection: Connection, klass: Path, journal: Path) -> ClusterRun:
    return ClusterRun(connection, discover([klass], FILES), assignment="activations",
                      requested="auto", limits=LIMITS, journal=Journal(journal), resume=False,
                      progress=Progress(0, io.StringIO()))


def outputs(run: ClusterRun, entries: list[dict], folder: Path) -> tuple[bytes, bytes]:
    assert run.settings is not None
    args = argparse.Namespace(json=str(folder / "r.json"), csv=folder / "r.csv", quiet=True,
                              gradescope=None, html=None, report=None)
    rubric = Settings(assignment="activations").rubric()
    write_outputs(args, "activations", rubric, entries, [s.id for s in run.submissions],
                  meta(run.settings))
    return (folder / "r.json").read_bytes(), (folder / "r.csv").read_bytes()


def test_a_local_cluster_writes_the_bytes_of_a_single_grading_process(single, tmp_path) -> None:
    done = grader("grade", single.klass, "--cluster", "local:2", "--journal", tmp_path / "j",
                  "--json", tmp_path / "r.json", "--csv", tmp_path / "r.csv")
    assert done.returncode == single.code, done.stderr
    assert "cluster local:2: 2 worker(s) grade with" in done.stderr
    assert (tmp_path / "r.json").read_bytes() == single.json
    assert (tmp_path / "r.csv").read_bytes() == single.csv
    assert len(journal_files(tmp_path / "j")) == CONTENTS
    assert "unreadable could not be graded" in done.stderr


def test_local_n_listens_on_the_loopback_only(connection) -> None:
    info = connection.client.scheduler_info()
    assert info["address"].startswith("tcp://127.0.0.1:")
    assert info["workers"] and all(a.startswith("tcp://127.0.0.1:") for a in info["workers"])
    # the scheduler's HTTP server (dashboard, /metrics) too: not 8787 on every interface
    http = connection.cluster.scheduler.http_server
    bound = [sock.getsockname() for sock in http._sockets.values()]
    assert bound and all(host == "127.0.0.1" for host, *_ in bound), bound


def _kill_a_busy_worker(client) -> tuple[str, int, list[str]]:
    """SIGKILL a worker process that holds grading tasks; its address, pid and tasks."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        busy = [(a, keys) for a, keys in client.processing().items() if keys]
        if busy:
            address, keys = busy[0]
            pid = client.run(os.getpid, workers=[address])[address]
            os.kill(pid, signal.SIGKILL)
            return address, pid, [str(k).removeprefix("grade-") for k in keys]
        time.sleep(0.05)
    raise AssertionError("no worker was grading anything")


def test_a_worker_killed_mid_run_loses_nothing_and_grades_nothing_twice(
        single, connection, tmp_path) -> None:
    run = run_on(connection, single.klass, tmp_path / "j")
    killed: list[tuple[str, int, list[str]]] = []

    def arrived(entry: dict) -> None:
        if entry["status"] == "graded" and not killed:
            killed.append(_kill_a_busy_worker(connection.client))

    entries = run.grade(arrived)
    assert killed, "no worker was killed: the test proved nothing"
    assert killed[0][0] not in connection.client.scheduler_info()["workers"]  # it is gone
    assert outputs(run, entries, tmp_path) == (single.json, single.csv)
    assert len(journal_files(tmp_path / "j")) == CONTENTS  # one result per content
    assert run.stats.graded == CONTENTS - 1  # the zip that is not one needs no worker
    assert (run.stats.duplicates, run.stats.lost) == (0, 0)
    address, pid, lost = killed[0]
    assert lost and all(key in run.graded_on for key in lost)  # regraded elsewhere:
    assert all(not run.graded_on[key].endswith(f":{pid}") for key in lost)


def test_a_worker_that_cannot_sandbox_gets_no_submissions(single, connection, tmp_path) -> None:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        missing("bwrap is not installed: apt-get install -y bubblewrap")
    # A worker in a user namespace, without capabilities, that may not make more user
    # namespaces: it can make no namespace at all, so neither bubblewrap nor the Landlock
    # layer (which needs its own pid and network namespaces) can work.
    scheduler = connection.client.scheduler_info()["address"]
    before = set(connection.client.scheduler_info()["workers"])
    worker = subprocess.Popen(
        [bwrap, "--unshare-user", "--disable-userns", "--cap-drop", "ALL", "--dev-bind", "/", "/",
         "--die-with-parent",
         "--", sys.executable, "-m", "distributed.cli.dask_worker", scheduler, "--nthreads", "1",
         "--no-nanny", "--host", "127.0.0.1", "--no-dashboard"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
        env=dict(os.environ, PYTHONWARNINGS="ignore"))
    try:
        connection.client.wait_for_workers(len(before) + 1, timeout=120)
        (jailed,) = set(connection.client.scheduler_info()["workers"]) - before
        jailed_pid = connection.client.run(os.getpid, workers=[jailed])[jailed]

        run = run_on(connection, single.klass, tmp_path / "j")
        entries = run.grade()
        assert set(run.refused) == {jailed}, run.refused
        assert "no sandbox layer confines code there" in run.refused[jailed]
        assert jailed not in run.accepted and len(run.accepted) == 2
        assert jailed_pid not in {int(w.rsplit(":", 1)[1]) for w in run.graded_on.values()}
        assert outputs(run, entries, tmp_path) == (single.json, single.csv)

        done = grader("grade", single.klass, "--cluster", scheduler, "--journal", tmp_path / "j2",
                      "--json", tmp_path / "tcp.json", "--csv", tmp_path / "tcp.csv")
        assert done.returncode == single.code, done.stderr
        assert f"worker {jailed} (" in done.stderr and "gets no submissions" in done.stderr
        assert (tmp_path / "tcp.json").read_bytes() == single.json
        assert (tmp_path / "tcp.csv").read_bytes() == single.csv

        check = grader("cluster", "check", scheduler)
        assert check.returncode == 0, check.stderr
        rows = {line.split()[0]: line.split() for line in check.stdout.splitlines()
                if line.startswith("tcp://") and len(line.split()) == 5}
        assert rows[jailed][3:] == ["no", "no"]
        assert sum(row[3:] != ["no", "no"] for row in rows.values()) == 2
        assert "2 of 3 worker(s) can grade with" in check.stdout
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def test_a_killed_client_resumes_and_grades_only_what_is_missing(single, tmp_path) -> None:
    journal = tmp_path / "j"
    command = [sys.executable, "-m", "grader", "grade", str(single.klass), "--cluster", "local:2",
               "--journal", str(journal), "--json", str(tmp_path / "r.json")]
    client = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True,
                              env=dict(os.environ, PYTHONWARNINGS="ignore"))
    try:
        deadline = time.monotonic() + 300
        while len(journal_files(journal)) < 3 and client.poll() is None:
            assert time.monotonic() < deadline, "the cluster graded nothing"
            time.sleep(0.05)
        client.send_signal(signal.SIGKILL)
        client.wait()
    finally:
        deadline = time.monotonic() + 30  # its workers end with it; make sure of it
        while time.monotonic() < deadline:
            try:
                os.killpg(client.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            os.killpg(client.pid, signal.SIGKILL)
    kept = len(journal_files(journal))
    assert 3 <= kept < CONTENTS, "the client was not killed mid-run"

    again = grader("grade", single.klass, "--cluster", "local:2", "--journal", journal, "--resume",
                   "--json", tmp_path / "r.json", "--csv", tmp_path / "r.csv")
    assert again.returncode == single.code, again.stderr
    assert f"graded {CONTENTS - kept} submission(s)" in again.stderr
    assert (tmp_path / "r.json").read_bytes() == single.json
    assert (tmp_path / "r.csv").read_bytes() == single.csv
    assert len(journal_files(journal)) == CONTENTS


def test_a_submission_whose_workers_keep_dying_is_an_error_not_a_retry_storm(
        single, connection, tmp_path) -> None:
    """The connection allows 2 retries: the third worker lost with the task ends it."""
    run = run_on(connection, single.klass, tmp_path / "j")
    run.submissions = [s for s in run.submissions if s.id == "correct"]
    client, kills = connection.client, []

    def kill_whoever_grades_it() -> None:
        deadline = time.monotonic() + 300
        while len(kills) < 3 and time.monotonic() < deadline:
            busy = [a for a, keys in client.processing().items() if keys]
            try:
                pid = client.run(os.getpid, workers=busy[:1])[busy[0]] if busy else None
            except Exception:  # noqa: BLE001 - a worker that is going away: look again
                pid = None
            if pid is not None and pid not in kills:
                os.kill(pid, signal.SIGKILL)
                kills.append(pid)
            time.sleep(0.05)

    killer = threading.Thread(target=kill_whoever_grades_it)
    killer.start()
    try:
        (entry,) = run.grade()
    finally:
        killer.join()
    assert len(kills) == 3
    assert entry["id"] == "correct" and entry["status"] == "error"
    assert "the Dask workers grading it ended 3 times" in entry["feedback"]
    assert (run.stats.lost, run.stats.graded) == (1, 0)
    assert Journal(tmp_path / "j").get(next(iter(Journal(tmp_path / "j").keys())))["status"] \
        == "error"
