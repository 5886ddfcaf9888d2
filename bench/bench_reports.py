"""Benchmark: feedback pages and the class report for a class of 100 (target: < 30 s on 2 cores).

    python bench/bench_reports.py [--students 100] [--runs 3] [--jobs 2] [--class mistakes]
    taskset -c 0,1 python bench/bench_reports.py      # to hold it to 2 cores on a bigger machine

Builds a class of N submissions and grades it once (timed, for context), then times
what ``grader grade ... --html DIR --report FILE.html`` adds on top of grading:
collecting the plot data (the student's functions called again, in their own
workers), drawing the figures and writing one page per submission with --jobs
processes, then the class report. Reports the median of --runs runs.

``--class mistakes`` (default): the base correct style with one catalogued mistake
each (tests/submissions/mistakes.py), in rotation -- nearly every page has plots,
the demanding case. ``--class examples``: the shipped examples and the correct
styles in rotation, as bench/bench_grade.py grades them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader import pages  # noqa: E402
from grader.runner import Settings, grade_all  # noqa: E402
from grader.sandbox import choose  # noqa: E402
from grader.submission import discover  # noqa: E402

EXAMPLES = ROOT / "assignments" / "activations" / "examples"
CORRECT = ROOT / "tests" / "submissions" / "correct"


def make_examples_class(folder: Path, students: int) -> None:
    sources = sorted(p for p in EXAMPLES.iterdir() if p.is_dir()) + sorted(
        p for p in CORRECT.iterdir() if p.is_dir())
    for i in range(students):
        shutil.copytree(sources[i % len(sources)], folder / f"student{i:03d}")


def make_mistakes_class(folder: Path, students: int) -> None:
    from tests.assignments.test_validity import apply
    from tests.submissions.mistakes import BASE_STYLE, MISTAKES

    base = {p.name: p.read_bytes() for p in (CORRECT / BASE_STYLE).iterdir() if p.is_file()}
    for i in range(students):
        student = folder / f"student{i:03d}"
        student.mkdir(parents=True)
        for name, data in apply(base, MISTAKES[i % len(MISTAKES)]).items():
            (student / name).write_bytes(data)


def _cpu_seconds() -> float:
    """User + system time of this process and of every process it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--class", dest="kind", choices=("mistakes", "examples"),
                        default="mistakes")
    args = parser.parse_args()
    settings = Settings(sandbox=choose("auto"))
    with tempfile.TemporaryDirectory() as tmp:
        klass = Path(tmp) / "class"
        klass.mkdir()
        (make_mistakes_class if args.kind == "mistakes" else make_examples_class)(
            klass, args.students)
        files = sorted(set(settings.rubric().files.values()))
        submissions = discover([klass], files)
        started = time.perf_counter()
        entries = sorted(grade_all(submissions, settings, jobs=args.jobs),
                         key=lambda e: e["id"])
        graded = time.perf_counter() - started
        doc = {"assignment": "activations", "submissions": entries,
               "grader": {"version": "bench", "sandbox": settings.sandbox}}
        times, report_times, cpu = [], [], []
        for run in range(args.runs):
            out = Path(tmp) / f"out{run}"
            used = _cpu_seconds()
            started = time.perf_counter()
            written = pages.write_pages(doc, submissions, settings, out / "pages",
                                        jobs=args.jobs)
            middle = time.perf_counter()
            pages.write_class_report(doc, out / "class.html", pages_folder=out / "pages")
            done = time.perf_counter()
            times.append(done - started)
            report_times.append(done - middle)
            cpu.append(_cpu_seconds() - used)
        figures = sum(p.read_text(encoding="utf-8").count("<img ") for p in written)
        size = sum(p.stat().st_size for p in written) / 1e6
    median = statistics.median(times)
    print(f"class of {args.students} ({args.kind}), sandbox {settings.sandbox}, "
          f"--jobs {args.jobs}: grading took {graded:.1f} s (not part of the target)")
    print(f"pages + class report: median {median:.2f} s of {args.runs} runs "
          f"({', '.join(f'{t:.2f}' for t in times)}) = {median / args.students:.3f} s per "
          f"submission; the report alone {statistics.median(report_times):.2f} s; "
          f"{figures} plots, {size:.1f} MB of pages (target < 30 s)")
    print(f"CPU time of all processes: median {statistics.median(cpu):.1f} s, so about "
          f"{statistics.median(cpu) / args.jobs:.1f} s on {args.jobs} idle cores "
          f"(load average now {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
