"""Benchmark: a class graded on a dask.distributed LocalCluster vs ``--jobs`` on one machine.

    python bench/bench_cluster.py [--students 200] [--runs 3] [--workers 2]

Builds a class of N submissions (the shipped examples and the correct styles in rotation,
each copy made distinct by a comment naming its student, so that the journal's content
keys do not fold copies into one grading) and times whole commands, as an instructor
runs them, in alternating order:

* ``grader grade CLASS --jobs W``: W grading processes on this machine;
* ``grader grade CLASS --cluster local:W --journal FRESH``: a LocalCluster of W worker
  processes (one thread each), each feeding its own grading process; the client writes
  the outputs.

Both write --json and --csv; the script checks that they are byte-identical. It prints
the median of ``--runs`` runs of each, per submission, and the cluster's overhead per
submission (the target is under 10%). Then it prints the paper estimate for a large
course: 10,000 submissions on 8 nodes x 32 cores, from the measured cost of one
submission in one grading process and the cluster's measured overhead.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = ROOT / "assignments" / "activations"
SOURCES = sorted(p for p in (ASSIGNMENT / "examples").iterdir() if p.is_dir()) + sorted(
    p for p in (ROOT / "tests" / "submissions" / "correct").iterdir() if p.is_dir())


def make_class(folder: Path, students: int) -> Path:
    for i in range(students):
        target = folder / f"student{i:03d}"
        shutil.copytree(SOURCES[i % len(SOURCES)], target)
        for path in sorted(target.glob("*.py"))[:1]:  # distinct bytes, same behaviour
            path.write_text(path.read_text() + f"\n# student {i}\n")
    return folder


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
    return elapsed, done.stderr


def dask_task_overhead(workers: int, tasks: int = 2000) -> float:
    """Seconds of a worker's time that one Dask task costs beyond its own work: no-op
    tasks through a LocalCluster like --cluster local:N's, ``workers`` x elapsed / tasks."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.gather(client.map(abs, range(100), pure=False))  # warm
        started = time.perf_counter()
        futures = [client.submit(abs, i, pure=False) for i in range(tasks)]
        client.gather(futures)
        return workers * (time.perf_counter() - started) / tasks


def journal_write_cost(entries: int = 200) -> float:
    """Seconds the client spends keeping one result: an entry's JSON (~40 KB) written
    atomically with fsync, as grader.cluster.journal does."""
    from grader.cluster.journal import Journal

    entry = {"id": "x", "score": 50.0, "tests": [{"feedback": "y" * 400}] * 90}
    with tempfile.TemporaryDirectory() as tmp:
        journal = Journal(Path(tmp))
        started = time.perf_counter()
        for i in range(entries):
            journal.put(f"{i:064x}", entry)
        return (time.perf_counter() - started) / entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    grader = [sys.executable, "-m", "grader", "grade"]
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        work = Path(tmp)
        klass = make_class(work / "class", args.students)
        jobs: list[float] = []
        cluster: list[float] = []
        each: list[float] = []  # a submission's seconds on a worker, mean of a cluster run
        for run in range(args.runs):
            for kind in ("jobs", "cluster") if run % 2 == 0 else ("cluster", "jobs"):
                out = work / f"{kind}{run}"
                outputs = ["--json", str(out / "r.json"), "--csv", str(out / "r.csv"), "-q"]
                if kind == "jobs":
                    jobs.append(timed([*grader, str(klass), "--jobs", str(args.workers),
                                       *outputs])[0])
                else:
                    seconds, said = timed([*grader, str(klass), "--cluster",
                                           f"local:{args.workers}", "--journal",
                                           str(out / "journal"), *outputs[:-1]])
                    cluster.append(seconds)
                    each.extend(float(m) for m in re.findall(r"([0-9.]+) s each on a worker",
                                                             said))
                print(f"run {run + 1} {kind:7}: {(jobs if kind == 'jobs' else cluster)[-1]:6.1f} s",
                      flush=True)
        for run in range(args.runs):
            for name in ("r.json", "r.csv"):
                if (work / f"jobs{run}" / name).read_bytes() != \
                        (work / f"cluster{run}" / name).read_bytes():
                    sys.exit(f"run {run + 1}: {name} differs between --jobs and --cluster")
        single = timed([*grader, str(klass / "student000"), "--jobs", "1", "-q"])[0]
    task = dask_task_overhead(args.workers)
    keep = journal_write_cost()
    n, w = args.students, args.workers
    j, c = statistics.median(jobs), statistics.median(cluster)
    ratios = [b / a for a, b in zip(jobs, cluster, strict=True)]
    print(f"\nclass of {n}, {w} workers, median of {args.runs} runs (outputs byte-identical):")
    print(f"  --jobs {w}:            {j:6.1f} s  {j / n:.3f} s per submission "
          f"(runs {min(jobs):.1f}-{max(jobs):.1f})")
    print(f"  --cluster local:{w}:   {c:6.1f} s  {c / n:.3f} s per submission "
          f"(runs {min(cluster):.1f}-{max(cluster):.1f})")
    print(f"  overhead: {(c - j) / n * 1000:+.1f} ms per submission ({(c / j - 1) * 100:+.1f}%); "
          f"run by run: {', '.join(f'{(r - 1) * 100:+.0f}%' for r in ratios)} "
          f"(median {(statistics.median(ratios) - 1) * 100:+.1f}%)")

    # On paper: each of the 8 x 32 single-threaded workers keeps one grading process busy.
    per = statistics.median(each)  # seconds of a worker per submission, measured
    cores, total, start = 8 * 32, 10_000, 5.0  # start: a grading process's warm-up
    wall = start + -(-total // cores) * (per + task)
    print(f"\ncosts measured here: {per:.3f} s of a worker per submission (median of the "
          f"cluster runs), {task * 1000:.1f} ms of a worker per Dask task, {keep * 1000:.1f} ms "
          f"of the client per result kept in the journal")
    print(f"paper estimate: {total} submissions on 8 nodes x 32 cores ({cores} workers):")
    print(f"  {-(-total // cores)} submissions per worker x {per + task:.3f} s + {start:.0f} s "
          f"warm-up = about {wall:.0f} s ({wall / 60:.1f} min) wall time, plus the wait for "
          f"Slurm to start the jobs")
    print(f"  the client keeps {total} results in {total * keep:.0f} s, alongside "
          f"({'not a bottleneck' if total * keep < wall else 'the bottleneck'})")
    print(f"  here with --jobs {w}: {total * j / n / 3600:.1f} h; single submission, whole "
          f"command: {single:.2f} s")


if __name__ == "__main__":
    main()
