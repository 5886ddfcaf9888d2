"""Benchmark: grading a class with `grader grade`, and one submission from the command line.

    python bench/bench_grade.py [--students 100] [--runs 3] [--jobs 2]

Builds a class of N submissions (the shipped examples and the correct styles in
rotation, so the class mixes full marks, typical mistakes and unfinished work),
then times, as an instructor would run them, whole `grader grade` commands:
the class with --jobs, and a single submission. Reports the median of --runs
runs and the per-submission cost. Where nbgrader is installed, bench/bench_nbgrader.py
measures nbgrader's own autograde on equivalent notebooks for comparison.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for p in (ROOT / "assignments" / "activations" / "examples").iterdir()
                 if p.is_dir()) + sorted(p for p in (ROOT / "tests" / "submissions" /
                                                     "correct").iterdir() if p.is_dir())


def make_class(folder: Path, students: int) -> Path:
    for i in range(students):
        shutil.copytree(SOURCES[i % len(SOURCES)], folder / f"student{i:03d}")
    return folder


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    grader = [sys.executable, "-m", "grader", "grade", "--quiet"]
    with tempfile.TemporaryDirectory() as tmp:
        klass = make_class(Path(tmp) / "class", args.students)
        out = Path(tmp) / "out.json"
        batch = [timed([*grader, str(klass), "--jobs", str(args.jobs), "--json", str(out)])
                 for _ in range(args.runs)]
        one = [timed([*grader, str(klass / "student000"), "--json", str(out)])
               for _ in range(args.runs)]
    per = statistics.median(batch) / args.students
    print(f"grader grade, {args.students} submissions, --jobs {args.jobs}: "
          f"median {statistics.median(batch):.2f} s of {args.runs} runs "
          f"({', '.join(f'{t:.2f}' for t in batch)}) = {per:.3f} s per submission "
          f"(target <= 0.3)")
    print(f"grader grade, one submission: median {statistics.median(one):.2f} s "
          f"({', '.join(f'{t:.2f}' for t in one)}) (target <= 1.5)")


if __name__ == "__main__":
    main()
