"""nbgrader's own autograde against ``grader nbgrader autograde``, side by side.

    python bench/bench_nbgrader.py                   # N=10 notebooks, median of 3 runs
    python bench/bench_nbgrader.py -n 20 --runs 5 --our-cells --jobs 2

Three ways to autograde the same N correct notebooks (the reference solution,
handed in by N students), each timed as the instructor runs it (a fresh process,
startup included), per submission, median of ``--runs`` runs:

* ``nbgrader, assert cells``: ``nbgrader autograde`` of a typical course whose test
  cells are plain ``assert np.allclose(f(x), expected)`` lines (one per function, on
  a few inputs): a kernel per notebook runs every cell.
* ``nbgrader, our cells`` (``--our-cells``, slow): ``nbgrader autograde`` of the course
  ``grader nbgrader init`` writes, whose test cells call the grader from the kernel.
* ``grader nbgrader autograde``: no kernel; the engine grades each notebook's code.

The assert course checks far less (a handful of values per function, no stability,
contract, gradient or statistics checks), so it is the floor of what a kernel costs.
Needs the ``nbgrader`` extra; ``PYTHONPATH`` is set so that kernels import ``grader``.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import reference  # noqa: E402
from grader.nbgrader.course import init_course  # noqa: E402
from grader.runner import Settings  # noqa: E402

ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(
    [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    # as in an activated environment: nbgrader (and its `alembic`) found by name
    PATH=os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")]))


def assert_cell(function: str) -> str:
    """A typical hand-written test cell: a few values compared with np.allclose."""
    x = [-3.0, -0.5, 0.0, 0.5, 3.0]
    if function in ("softmax",):
        want = reference.softmax(x).tolist()
        return f"x = np.array({x})\nassert np.allclose({function}(x), {want})"
    if function == "softmax_vjp":
        g = [1.0, 0.0, 0.0, 0.0, 0.0]
        want = reference.softmax_vjp(x, g).tolist()
        return f"assert np.allclose(softmax_vjp(np.array({x}), np.array({g})), {want})"
    if function == "zeros":
        return "assert np.all(zeros(3, 4) == 0) and zeros(3, 4).shape == (3, 4)"
    if function == "calculate_gain":
        return "assert np.isclose(calculate_gain('tanh'), 5 / 3)\nassert np.isclose(" \
               "calculate_gain('relu'), np.sqrt(2))"
    if function in ("relu_activity", "dead_relu_mask"):
        w, b, data = [[[1.0, -1.0]], [[1.0], [1.0]]], [[0.0, -5.0], [-1.0]], [[-1.0], [1.0],
                                                                             [2.0], [3.0]]
        want = [a.tolist() for a in getattr(reference, function)(
            [np.array(v) for v in w], [np.array(v) for v in b], np.array(data))]
        return (f"got = {function}([np.array(v) for v in {w}], [np.array(v) for v in {b}], "
                f"np.array({data}))\nassert all(np.allclose(g, w) for g, w in zip(got, {want}))")
    if function in ("random_normal", "xavier_uniform", "xavier_normal", "he_uniform",
                    "he_normal", "lecun_normal"):
        std = float(getattr(reference, function)(400, 300, np.random.default_rng(0)).std())
        return (f"W = {function}(400, 300, np.random.default_rng(1))\n"
                f"assert W.shape == (400, 300) and abs(W.std() - {std!r}) < 0.05 * {std!r}")
    want = getattr(reference, function)(np.array(x)).tolist()
    return f"assert np.allclose({function}(np.array({x})), {want})"


def make_course(folder: Path, students: int, test_cell: Callable[[str], str] | None) -> Path:
    """A course with ``students`` submissions of the solved notebook."""
    init_course(folder)
    source_path = folder / "source" / "activations" / "activations.ipynb"
    source = nbformat.read(source_path, 4)
    if test_cell is not None:  # the assert course: the same notebook, hand-written tests
        for cell in source.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                cell.source = test_cell(meta["grade_id"].removeprefix("test_"))
        nbformat.write(source, str(source_path))
    run(["nbgrader", "generate_assignment", "activations"], folder)
    release = nbformat.read(folder / "release" / "activations" / "activations.ipynb", 4)
    answers = {c.metadata.nbgrader.grade_id: c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    solved = copy.deepcopy(release)
    for cell in solved.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = "\n".join(line for line in answers[grade_id].splitlines()
                                    if "### BEGIN SOLUTION" not in line
                                    and "### END SOLUTION" not in line)
    for number in range(students):
        target = folder / "submitted" / f"student{number:03d}" / "activations"
        target.mkdir(parents=True)
        nbformat.write(solved, str(target / "activations.ipynb"))
    return folder


def run(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return time.perf_counter() - started


def total(course: Path) -> float:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return sum(s.score for s in gb.assignment_submissions("activations"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10, help="notebooks (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--jobs", type=int, default=1, help="grader --jobs (default 1)")
    parser.add_argument("--our-cells", action="store_true",
                        help="also time nbgrader autograde of the course with our test cells")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-nbgrader-"))
    print(f"{args.n} notebooks, median of {args.runs} runs; courses in {work}", flush=True)
    plain = make_course(work / "asserts", args.n, assert_cell)
    ours = make_course(work / "ours", args.n, None)
    commands: dict[str, tuple[list[str], Path]] = {
        "nbgrader autograde, assert cells": (
            ["nbgrader", "autograde", "activations", "--force"], plain),
        "grader nbgrader autograde": (
            [sys.executable, "-m", "grader", "nbgrader", "autograde", str(ours), "--quiet",
             "--jobs", str(args.jobs)], ours),
    }
    if args.our_cells:
        commands["nbgrader autograde, our cells"] = (
            ["nbgrader", "autograde", "activations", "--force"], ours)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):  # alternate, so that a noisy minute hits every command
        for name, (argv, cwd) in commands.items():
            times[name].append(run(argv, cwd) / args.n)
    per_submission: dict[str, float] = {}
    for name, (_, cwd) in commands.items():
        per_submission[name] = statistics.median(times[name])
        print(f"{name:<36} {per_submission[name]:7.2f} s per submission "
              f"(runs: {', '.join(f'{t:.2f}' for t in times[name])}; class total "
              f"{total(cwd) / args.n:.1f} / {Settings().rubric().total:g} each)", flush=True)
    ours_time = per_submission["grader nbgrader autograde"]
    for name, seconds in per_submission.items():
        if name != "grader nbgrader autograde":
            print(f"{name} / grader nbgrader autograde = {seconds / ours_time:.2f}")


if __name__ == "__main__":
    main()
