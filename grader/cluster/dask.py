"""The client side of grading on a dask.distributed cluster.

``open_cluster`` connects to one (``local:N``, ``tcp://``, ``tls://``, ``slurm``);
:func:`survey` probes every worker's sandbox (:func:`grader.cluster.remote.probe`);
:class:`ClusterRun` picks one layer for the run, takes the workers that can use it,
grades what the journal lacks and returns every entry. Workers that cannot sandbox, or
that run another grader or assignment, get no submissions (they lack the run's Dask
resource) and the client says so; workers that join later (a Slurm job that started,
a worker a nanny restarted) are probed in turn.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import itertools
import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

from grader.cluster import remote
from grader.cluster.journal import (
    Journal,
    assignment_digest,
    content_key,
    grader_digest,
    meta,
    run_digest,
    with_id,
)
from grader.cluster.options import DEFAULT_RETRIES, parse_local
from grader.errors import GraderError, UsageError
from grader.report import printable
from grader.sandbox import LAYERS, Limits
from grader.settings import Settings
from grader.submission import Submission


def _needs_dask() -> None:
    if importlib.util.find_spec("distributed") is None:
        raise UsageError("--cluster needs dask.distributed: pip install "
                         "'activation-grader[cluster]'")


# --- connecting ------------------------------------------------------------------------
@dataclass
class Connection:
    client: Any
    label: str  # what --cluster said
    cluster: Any = None  # a LocalCluster or SLURMCluster this process started
    wait_seconds: float | None = 60.0  # how long to wait for a first worker (None: forever)
    has_dashboard: bool = True  # False: a local cluster without bokeh (no dashboard to see)

    @property
    def dashboard(self) -> str:
        if not self.has_dashboard:
            return ""
        try:
            if "dashboard" not in self.client.scheduler_info().get("services", {}):
                return ""
            return str(self.client.dashboard_link)
        except Exception:  # noqa: BLE001 - a link is a courtesy
            return ""


def security(args: argparse.Namespace) -> Any:
    """A ``distributed.Security`` from --tls-ca-file/--tls-cert/--tls-key (None: Dask's
    configuration, e.g. ``DASK_DISTRIBUTED__COMM__TLS__CA_FILE``)."""
    files = (getattr(args, "tls_ca_file", None), getattr(args, "tls_cert", None),
             getattr(args, "tls_key", None))
    if not any(files):
        return None
    if not all(files):
        raise UsageError("TLS needs all of --tls-ca-file, --tls-cert and --tls-key")
    from distributed.security import Security

    return Security(tls_ca_file=str(files[0]), tls_client_cert=str(files[1]),
                    tls_client_key=str(files[2]), require_encryption=True)


@contextlib.contextmanager
def open_cluster(args: argparse.Namespace, address: str | None = None) -> Iterator[Connection]:
    """Connect to the cluster ``--cluster`` names (starting it for local:N and slurm)."""
    _needs_dask()
    import dask
    from distributed import Client

    address = address or args.cluster
    retries = getattr(args, "cluster_retries", DEFAULT_RETRIES)
    try:
        workers = parse_local(address)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if workers is not None:
        from distributed import LocalCluster

        # The scheduler's HTTP server (the dashboard with bokeh; /metrics and /health
        # without) listens on the loopback too, on a free port: left to itself it takes
        # 8787 on every interface, or warns and moves when that port is taken.
        with dask.config.set({"distributed.scheduler.allowed-failures": retries}):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", scheduler_port=0,
                                   dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
        try:
            with Client(cluster) as client:
                yield Connection(client, address, cluster,
                                 has_dashboard=importlib.util.find_spec("bokeh") is not None)
        finally:
            cluster.close()
    elif address == "slurm":
        from grader.cluster import slurm

        with dask.config.set({"distributed.scheduler.allowed-failures": retries}):
            cluster = slurm.start_cluster(args)
        try:
            with Client(cluster) as client:
                yield Connection(client, address, cluster, wait_seconds=None)
        finally:
            cluster.close()
    else:
        try:
            client = Client(address, security=security(args), timeout="30s")
        except OSError as exc:
            raise GraderError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        with client:
            yield Connection(client, address)


# --- probing ----------------------------------------------------------------------------
def survey(client: Any, assignment: str, workers: Sequence[str] | None = None,
           requested: str = "auto") -> dict[str, dict[str, Any]]:
    """Each worker's :func:`grader.cluster.remote.probe` report, by address (with the
    layer ``requested`` by name among those probed)."""
    also = "" if requested in ("auto", "none") else requested
    reports = client.run(remote.probe, assignment, None, also,
                         workers=list(workers or []) or None, on_error="return")
    out: dict[str, dict[str, Any]] = {}
    for address, report in reports.items():
        if isinstance(report, BaseException):
            report = {"problem": f"the probe failed: {type(report).__name__}: {report}",
                      "layers": {}}
        out[address] = dict(report)
    return out


def choose_layer(reports: Mapping[str, Mapping[str, Any]], requested: str) -> str:
    """The one layer the run grades with (so that every result, and the ``grader`` meta,
    is the same wherever it ran): the one asked for, or for "auto" the layer the most
    workers can use, the better one on a tie."""
    if requested == "none":
        raise UsageError("--no-sandbox is for checking your own code on your own machine, "
                         "never on a cluster")
    if requested != "auto":
        return requested
    usable = {layer: sum(1 for r in reports.values() if r.get("layers", {}).get(layer) == "")
              for layer in LAYERS}
    best = max(LAYERS, key=lambda layer: (usable[layer], -LAYERS.index(layer)))
    if not usable[best]:
        raise GraderError("no worker of the cluster can sandbox student code:\n"
                          + table(reports))
    return best


def refusal(report: Mapping[str, Any], layer: str, assignment: str) -> str:
    """Why a worker cannot grade this run ("" if it can)."""
    if report.get("problem"):
        return str(report["problem"])
    reason = report.get("layers", {}).get(layer, f"{layer} was not probed")
    if reason:
        usable = [name for name, why in report.get("layers", {}).items() if not why]
        also = f" (it can use {', '.join(usable)}: pass --sandbox {usable[0]})" if usable else \
            " (no sandbox layer confines code there)"
        return f"{reason}{also}"
    mine, theirs = grader_digest(), report.get("grader")
    if theirs != mine:
        return f"it runs grader {theirs}, this client {mine}: install the same version"
    if report.get("assignment") != assignment_digest(assignment):
        return (f"its copy of the assignment {assignment} differs from this client's "
                f"({report.get('assignment')} vs {assignment_digest(assignment)})")
    return ""


def table(reports: Mapping[str, Mapping[str, Any]]) -> str:
    """``grader cluster check``: one row per worker, one column per sandbox layer."""
    probed = list(dict.fromkeys([*LAYERS, *(n for r in reports.values()
                                             for n in r.get("layers", {}))]))
    rows = [["worker", "host", "grader", *probed]]
    for address in sorted(reports):
        report = reports[address]
        layers = report.get("layers", {})
        rows.append([address, str(report.get("host", "?")), str(report.get("grader", "?")),
                     *("ok" if layers.get(layer) == "" else "no" for layer in probed)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    for address in sorted(reports):
        report = reports[address]
        if report.get("problem"):
            lines.append(f"{address}: {report['problem']}")
        for layer in probed:
            reason = report.get("layers", {}).get(layer)
            if reason:
                lines.append(f"{address}: {reason}")
    return "\n".join(lines) + "\n"


# --- progress ----------------------------------------------------------------------------
@dataclass
class Progress:
    """The client's view of a run: a live line on a terminal (count, throughput, the
    slowest submissions), and one closing line."""

    total: int
    stream: TextIO
    quiet: bool = False
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    busy: float = 0.0  # seconds the workers spent on the submissions, in all
    workers: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def live(self) -> bool:
        return not self.quiet and self.stream.isatty()

    def say(self, text: str, *, always: bool = False) -> None:
        if always or not self.quiet:
            with self.lock:
                if self.live:
                    self.stream.write("\r\033[K")
                self.stream.write(f"grader: {text}\n")
                self.stream.flush()

    def update(self, sid: str, seconds: float) -> None:
        with self.lock:
            self.done += 1
            self.busy += seconds
            self.slowest = sorted([*self.slowest, (seconds, sid)], reverse=True)[:3]
        self.draw()

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def slow_text(self) -> str:
        return ", ".join(f"{printable(sid)} {seconds:.1f} s" for seconds, sid in self.slowest)

    def draw(self) -> None:
        if not self.live or not self.total:
            return
        with self.lock:
            rate = self.rate()
            left = (self.total - self.done) / rate if rate else 0.0
            bar = "#" * int(20 * self.done / self.total)
            self.stream.write(f"\r\033[K[{bar:<20}] {self.done}/{self.total} {rate:.2f}/s "
                              f"ETA {left:4.0f}s {self.workers} workers"
                              + (f"; slowest: {self.slow_text()}" if self.slowest else ""))
            self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\r\033[K")
        if self.total:
            elapsed = time.monotonic() - self.started
            mean = self.busy / self.done if self.done else 0.0
            self.say(f"graded {self.done} submission(s) in {elapsed:.1f} s "
                     f"({self.rate():.2f}/s, {mean:.2f} s each on a worker) on "
                     f"{self.workers} worker(s)"
                     + (f"; slowest: {self.slow_text()}" if self.slowest else ""))


# --- a run --------------------------------------------------------------------------------
@dataclass
class Stats:
    graded: int = 0  # results that came back from workers
    reused: int = 0  # submissions whose key was in the journal already (--resume)
    duplicates: int = 0  # results that came back for a key already kept (ignored)
    lost: int = 0  # submissions that ended their workers past the retry limit


class ClusterRun:
    """Grade ``submissions`` on ``connection``'s workers into ``journal``."""

    def __init__(self, connection: Connection, submissions: Sequence[Submission], *,
                 assignment: str, requested: str, limits: Limits, journal: Journal,
                 resume: bool, progress: Progress, retries: int = DEFAULT_RETRIES) -> None:
        self.connection, self.client = connection, connection.client
        self.submissions = list(submissions)
        self.assignment, self.requested, self.limits = assignment, requested, limits
        self.journal, self.resume, self.progress = journal, resume, progress
        self.retries = retries
        self.stats = Stats()
        self.accepted: set[str] = set()
        self.refused: dict[str, str] = {}
        self.graded_on: dict[str, str] = {}  # key -> the worker (host:pid) that graded it
        self.settings: Settings | None = None
        self.run: dict[str, Any] = {}
        self.stop = threading.Event()
        self.lock = threading.Lock()

    # The layer and the workers.
    def prepare(self) -> Settings:
        wait = self.connection.wait_seconds
        if not self.client.scheduler_info().get("workers"):
            self.progress.say(f"waiting for a worker of {self.connection.label} to connect")
        try:
            self.client.wait_for_workers(1, timeout=wait)
        except TimeoutError:
            raise GraderError(f"no Dask worker connected to {self.connection.label} within "
                              f"{wait:g} s") from None
        reports = survey(self.client, self.assignment, requested=self.requested)
        layer = choose_layer(reports, self.requested)
        self.settings = Settings(assignment=self.assignment, sandbox=layer, limits=self.limits)
        self.run = {"assignment": self.assignment, "root": None, "sandbox": layer,
                    "limits": asdict(self.limits), "digest": run_digest(self.settings)}
        self._take(reports)
        if not self.accepted:
            raise GraderError(f"no worker of {self.connection.label} can grade with {layer}:\n"
                              + table(reports))
        dashboard = self.connection.dashboard
        self.progress.say(f"cluster {self.connection.label}: {len(self.accepted)} worker(s) "
                          f"grade with {layer}" + (f"; dashboard: {dashboard}" if dashboard
                                                    else ""))
        return self.settings

    def _take(self, reports: Mapping[str, Mapping[str, Any]]) -> None:
        """Accept the workers of ``reports`` that can grade this run; say why not."""
        assert self.settings is not None
        good = []
        for address, report in sorted(reports.items()):
            reason = refusal(report, self.settings.sandbox, self.assignment)
            if reason:
                with self.lock:
                    self.refused[address] = reason
                self.progress.say(f"worker {address} ({report.get('host', '?')}) gets no "
                                  f"submissions: {reason}", always=True)
            else:
                good.append(address)
        if good:
            answers = self.client.run(remote.accept, self.run, workers=good, on_error="return")
            for address, answer in answers.items():
                if isinstance(answer, BaseException):
                    self.progress.say(f"worker {address} could not start grading: {answer}",
                                      always=True)
                else:
                    with self.lock:
                        self.accepted.add(address)
        self.progress.workers = len(self._present() & self.accepted)

    def _present(self) -> set[str]:
        return set(self.client.scheduler_info().get("workers", {}))

    def _watch(self) -> None:
        """Probe and take workers that join during the run; keep the live line moving."""
        while not self.stop.wait(1.0):
            try:
                present = self._present()
                with self.lock:
                    new = present - self.accepted - set(self.refused)
                if new:
                    self._take(survey(self.client, self.assignment, sorted(new),
                                      self.requested))
                self.progress.workers = len(present & self.accepted)
                self.progress.draw()
            except Exception as exc:  # noqa: BLE001 - a closing client, a worker gone
                if self.stop.is_set():
                    return
                self.progress.say(f"while watching for new workers: {exc}")

    # Grading.
    def grade(self, on_entry: Callable[[dict[str, Any]], None] | None = None
              ) -> list[dict[str, Any]]:
        """Every submission's entry (from the journal, or graded now), in class order."""
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        from grader.runner import _failed_entry

        settings = self.settings or self.prepare()
        rubric = settings.rubric()
        run = self.run["digest"]
        keys = [content_key(s, run) for s in self.submissions]
        self.journal.write_manifest(self.assignment, run, meta(settings),
                                    list(zip([s.id for s in self.submissions], keys,
                                             strict=True)), shared=False)
        by_key: dict[str, list[Submission]] = {}
        for submission, key in zip(self.submissions, keys, strict=True):
            by_key.setdefault(key, []).append(submission)
        kept: dict[str, dict[str, Any]] = {}  # key -> journal entry (without id)

        def keep(key: str, stored: Mapping[str, Any]) -> None:
            kept[key] = dict(stored)
            if on_entry is not None:
                for submission in by_key[key]:
                    on_entry(with_id(submission.id, stored))

        todo: list[str] = []
        for key, group in by_key.items():
            stored = self.journal.get(key) if self.resume else None
            if stored is not None:
                self.stats.reused += len(group)
                keep(key, stored)
            elif group[0].error:  # nothing to send: the client knows the entry
                entry = _failed_entry(group[0], rubric, group[0].error)
                self.journal.put(key, entry, replace=True)
                keep(key, entry)
            else:
                todo.append(key)
        if self.stats.reused:
            self.progress.say(f"{self.stats.reused} of {len(self.submissions)} submissions are "
                              f"in the journal {self.journal.folder} already; grading "
                              f"{len(self.submissions) - self.stats.reused}")
        self.progress.total = len(todo)
        self.progress.started = time.monotonic()
        resource = {remote.resource_name(run): 1}
        window = max(64, 4 * max(1, len(self.accepted)))
        queued = iter(todo)

        def submit(key: str) -> Any:
            first = by_key[key][0]
            return self.client.submit(remote.grade, self.run, key, first.files, first.notes,
                                      key=f"grade-{key}", resources=resource, pure=False)

        watcher = threading.Thread(target=self._watch, name="grader-cluster-watch", daemon=True)
        watcher.start()
        futures = as_completed([submit(k) for k in itertools.islice(queued, window)])
        try:
            for future in futures:
                result = future.exception() if future.status == "error" else future.result()
                key = future.key.removeprefix("grade-")
                future.release()
                nxt = next(queued, None)
                if nxt is not None:
                    futures.add(submit(nxt))
                if key in kept:
                    self.stats.duplicates += 1
                    continue
                if isinstance(result, KilledWorker):
                    self.stats.lost += 1
                    entry = _failed_entry(by_key[key][0], rubric, (
                        "the grader failed while grading this submission (the Dask workers "
                        f"grading it ended {self.retries + 1} times); grade it again alone"))
                    seconds, stored = 0.0, entry
                elif isinstance(result, GraderError):
                    raise result
                elif isinstance(result, BaseException):
                    raise GraderError(f"grading {by_key[key][0].id} failed on a worker: "
                                      f"{type(result).__name__}: {result}") from result
                else:
                    stored, seconds = json.loads(result["entry"]), float(result["seconds"])
                    self.graded_on[key] = str(result["worker"])
                    self.stats.graded += 1
                if not self.journal.put(key, stored, replace=not self.resume):
                    stored = self.journal.get(key) or stored  # the first one written stays
                keep(key, stored)
                self.progress.update(by_key[key][0].id, seconds)
        finally:
            self.stop.set()
            watcher.join(timeout=10)
            self.progress.close()
        return [with_id(s.id, kept[k]) for s, k in zip(self.submissions, keys, strict=True)]


def check(args: argparse.Namespace) -> int:
    """``grader cluster check ADDRESS``: the sandbox table of every worker; 0 if at least
    one worker can grade."""
    if args.address == "slurm":
        raise UsageError("grader cluster check probes a running scheduler (tcp://, tls://) "
                         "or local:N; for Slurm, check the scheduler --cluster slurm started")
    with open_cluster(args, args.address) as connection:
        client = connection.client
        try:
            client.wait_for_workers(1, timeout=connection.wait_seconds)
        except TimeoutError:
            raise GraderError(f"no Dask worker connected to {args.address}") from None
        reports = survey(client, args.assignment, requested=args.sandbox)
        sys.stdout.write(table(reports))
        try:
            layer = choose_layer(reports, args.sandbox)
        except GraderError:
            return 1
        good = [a for a, r in reports.items() if not refusal(r, layer, args.assignment)]
        print(f"{len(good)} of {len(reports)} worker(s) can grade with {layer}")
        return 0 if good else 1
