"""Benchmark: grading a class with `grader grade`, side by side with the usual alternative.

    python bench/bench_grade.py [--students 100] [--runs 3] [--jobs 2]

Builds a class of N submissions (the shipped examples and the correct styles in
rotation, so the class mixes full marks, typical mistakes and unfinished work) and
times whole commands, as an instructor runs them, in alternating order:

* ``grader grade CLASS --jobs J``: hidden suites on the trusted side, student code in
  sandboxed workers (the best layer this machine offers);
* the baseline, what Gradescope-style autograders (gradescope-utils, otter's
  script mode) do: one fresh ``pytest`` process per submission, the tests in the
  same process as the student's code, J at a time. It runs the assignment's *public*
  tests (values, shapes, dtypes), far fewer checks than the hidden suites, without a
  sandbox: it is the floor of what the in-process model costs, not a like-for-like
  grading;
* ``grader grade`` of one submission (the latency a student or a TA sees), ``--singles``
  times a run, beside one ``pytest`` process on that submission's public tests.

Prints the median of ``--runs`` runs of each, per submission, and the ratio; for one
submission, the median of all ``--runs`` x ``--singles`` timings.
bench/bench_nbgrader.py compares with nbgrader's autograde, bench/bench_reports.py
measures the feedback pages.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = ROOT / "assignments" / "activations"
SOURCES = sorted(p for p in (ASSIGNMENT / "examples").iterdir() if p.is_dir()) + sorted(
    p for p in (ROOT / "tests" / "submissions" / "correct").iterdir() if p.is_dir())
PUBLIC = ("conftest.py", "pytest.ini", "tests")


def make_class(folder: Path, students: int) -> Path:
    for i in range(students):
        shutil.copytree(SOURCES[i % len(SOURCES)], folder / f"student{i:03d}")
    return folder


def make_baseline_class(folder: Path, students: int) -> list[Path]:
    """Each submission beside a copy of the public tests, as an in-process autograder runs."""
    folders = sorted(make_class(folder, students).iterdir())
    for target in folders:
        for name in PUBLIC:
            source = ASSIGNMENT / name
            if source.is_dir():
                shutil.copytree(source, target / name)
            else:
                shutil.copy2(source, target / name)
    return folders


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def timed_baseline(folders: list[Path], jobs: int) -> float:
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]

    def one(folder: Path) -> None:
        subprocess.run(argv, cwd=folder, check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, folders))
    return time.perf_counter() - started


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--singles", type=int, default=5,
                        help="one-submission timings per run (default: 5)")
    args = parser.parse_args()
    grader = [sys.executable, "-m", "grader", "grade", "--quiet"]
    batch: list[float] = []
    baseline: list[float] = []
    one: list[float] = []
    one_baseline: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        klass = make_class(Path(tmp) / "class", args.students)
        folders = make_baseline_class(Path(tmp) / "baseline", args.students)
        out = Path(tmp) / "out.json"
        for _ in range(args.runs):  # alternate, so that a noisy minute hits both
            batch.append(timed([*grader, str(klass), "--jobs", str(args.jobs),
                                "--json", str(out)]))
            baseline.append(timed_baseline(folders, args.jobs))
            for _ in range(args.singles):
                one.append(timed([*grader, str(klass / "student000"), "--json", str(out)]))
                one_baseline.append(timed_baseline(folders[:1], 1))
    n = args.students
    ours, theirs = statistics.median(batch) / n, statistics.median(baseline) / n
    print(f"class of {n}, {args.jobs} at a time, median of {args.runs} runs, per submission:")
    print(f"  grader grade (hidden suites, sandboxed)  {ours:.3f} s   runs: {_runs(batch)}")
    print(f"  pytest per submission (public tests)     {theirs:.3f} s   runs: {_runs(baseline)}")
    print(f"  ratio grader / baseline                  {ours / theirs:.2f}")
    single, single_baseline = statistics.median(one), statistics.median(one_baseline)
    print(f"one submission, median of {len(one)} runs:")
    print(f"  grader grade command                     {single:.2f} s   "
          f"range {min(one):.2f}-{max(one):.2f}")
    print(f"  pytest on its public tests               {single_baseline:.2f} s   "
          f"range {min(one_baseline):.2f}-{max(one_baseline):.2f}")
    print(f"  ratio grader / baseline                  {single / single_baseline:.2f}")


if __name__ == "__main__":
    main()
