"""The ``grader`` command: a thin front end over the packages that do the work.

Exit codes of ``grader grade``:
  0  every submission was graded (whatever the scores)
  1  at least one submission could not be graded at all (status "error")
  2  bad arguments: nothing to grade, an unknown assignment, an unusable output path
  3  the grader itself failed (a broken hidden suite or manifest, no worker process, an
     unexpected exception: one line on stderr, the traceback with GRADER_TRACEBACK=1)

What each output holds and promises: docs/results.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import traceback
from collections.abc import Generator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

from grader import __version__
from grader.cluster import cli as cluster_cli
from grader.errors import GraderError, UsageError
from grader.report import encodable, printable

if TYPE_CHECKING:
    from grader.report import ResultsFile
    from grader.settings import Settings
    from grader.submission import Submission

EXIT_OK, EXIT_UNGRADED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
TRACEBACK_VARIABLE = "GRADER_TRACEBACK"  # set to 1: an unexpected failure prints its traceback

# Before numpy is imported: one BLAS thread per process. The grader runs --jobs grading
# processes, each beside a worker; BLAS threads of their own would only fight over the
# cores (the hidden suites' matrices are small). An explicit setting is kept.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1 but got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds > 0 but got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grader",
        description="Grade the activation-functions assignment: student code runs in a "
                    "separate worker process, hidden pytest suites check it against a "
                    "reference, and every graded function gets partial credit with feedback.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    grade = commands.add_parser(
        "grade", help="grade submissions (folders, zips, notebooks, class folders)",
        description="Grade submissions and write the results. A PATH is a submission folder "
                    "(holding any of the student files), a .zip of one, a Jupyter notebook "
                    "(.ipynb), or a class folder whose sub-folders, zips or notebooks are the "
                    "submissions, one per student.",
        epilog="exit codes: 0 all graded, 1 some submission could not be graded, "
               "2 bad arguments, 3 grader failure. The results JSON, the CSV and what "
               "every output promises: docs/results.md",
    )
    grade.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    grade.add_argument("--json", metavar="FILE", help="write the results JSON (see "
                       "docs/results.md) to FILE, rewritten after every submission; '-' for "
                       "standard output")
    grade.add_argument("--csv", metavar="FILE", type=Path,
                       help="also write a gradebook CSV (one row per student)")
    grade.add_argument("--html", metavar="DIR", type=Path,
                       help="also write a feedback page per submission into DIR "
                            "(self-contained HTML with plots)")
    grade.add_argument("--report", metavar="FILE", type=Path,
                       help="also write the class report (score distribution, pass rates "
                            "per function and check, hints that fired, configuration)")
    grade.add_argument("--gradescope", metavar="FILE", type=Path,
                       help="also write Gradescope's results.json (one submission only)")
    grade.add_argument("--jobs", "-j", type=_positive_int, default=1, metavar="N",
                       help="grade N submissions at a time (default: 1)")
    grade.add_argument("--assignment", default="activations", metavar="NAME_OR_PATH",
                       help="a packaged assignment's name or the folder of an assignment "
                            "(one `grader new` wrote, say) (default: activations)")
    grade.add_argument("--resume", action="store_true",
                       help="keep the results already in the --json file and grade only "
                            "the submissions it does not have")
    grade.add_argument("--call-timeout", type=_positive_float, default=5.0, metavar="SECONDS",
                       help="wall-clock limit of one call of a student function (default: 5)")
    grade.add_argument("--submission-timeout", type=_positive_float, default=120.0,
                       metavar="SECONDS",
                       help="wall-clock budget of one submission (default: 120)")
    grade.add_argument("--memory", type=_positive_int, default=1024, metavar="MIB",
                       help="address-space limit of the worker running student code "
                            "(default: 1024)")
    grade.add_argument("--sandbox", choices=("auto", "bubblewrap", "landlock", "landlock-nons"),
                       default="auto",
                       help="how student code is confined (default: auto, the best this "
                            "machine offers: bubblewrap, else Landlock + seccomp in "
                            "namespaces; landlock-nons, without namespaces, only when named). "
                            "When it does not work here, nothing is graded (exit code 3, "
                            "with what to enable)")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="run student code without a sandbox (separate processes only); "
                            "for a student checking their own code, never for a class")
    grade.add_argument("--quiet", "-q", action="store_true",
                       help="no progress and no summary; only errors")

    release = commands.add_parser(
        "release", help="write the student bundle (stubs, README, public tests)",
        description="Write what students receive: the stub files, the student README and "
                    "the public tests. Never the reference or the hidden tests.")
    release.add_argument("assignment", nargs="?", default="activations",
                         metavar="ASSIGNMENT",
                         help="a packaged assignment's name or the folder of an assignment "
                              "(one `grader new` wrote, say) (default: activations)")
    release.add_argument("out", type=Path, metavar="DIR", help="a new or empty folder")

    from grader.new import add_parser as add_new

    add_new(commands)

    gradescope = commands.add_parser(
        "gradescope", help="build a Gradescope autograder bundle",
        description="Gradescope's autograder: `build OUT.zip` writes the zip to upload in "
                    "a programming assignment's settings (it holds the hidden tests: keep it "
                    "private); `run` is what that zip's run_autograder calls.")
    from grader.gradescope import register as register_gradescope

    register_gradescope(gradescope.add_subparsers(dest="gradescope_command", metavar="COMMAND",
                                                  required=True))

    cluster_cli.add_arguments(grade)
    cluster_cli.register(commands)
    from grader.nbgrader.cli import register as register_nbgrader

    register_nbgrader(commands)
    return parser


def run() -> NoReturn:
    """The ``grader`` command: :func:`main`, then exit. Everything still alive is frozen
    first (``gc.freeze``), so the interpreter's exit does not sweep the many objects of
    numpy, pytest and the suites through the garbage collector one last time (about
    0.06 s, a twentieth of grading one submission)."""
    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # an id the terminal cannot encode is no failure
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        if args.command == "release":
            return _release(args)
        if args.command == "new":
            from grader.new import run as run_new

            return run_new(args)
        if args.command == "gradescope":
            from grader.gradescope import command as gradescope_command

            return gradescope_command(args)
        if args.command == "nbgrader":
            from grader.nbgrader.cli import run as run_nbgrader

            return int(run_nbgrader(args))
        if args.command in cluster_cli.COMMANDS:
            return cluster_cli.command(args)
        return _grade(args)
    except UsageError as exc:
        print(f"grader: error: {printable(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except GraderError as exc:
        print(f"grader: failed: {printable(exc)}", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("grader: interrupted; finished results are in the --json file", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug of the grader: one line, exit code 3
        if os.environ.get(TRACEBACK_VARIABLE, "") not in ("", "0"):
            traceback.print_exc(file=sys.stderr)
        print(f"grader: failed: {type(exc).__name__}: {printable(exc)}\n"
              "grader: finished results are in the --json file; "
              + ("the traceback is above" if os.environ.get(TRACEBACK_VARIABLE, "") not in
                 ("", "0") else f"run again with {TRACEBACK_VARIABLE}=1 for the traceback"),
              file=sys.stderr)
        return EXIT_INTERNAL


def _release(args: argparse.Namespace) -> int:
    from grader.release import release

    written = release(args.assignment, args.out)
    print(f"wrote {len(written)} files to {args.out}")
    return EXIT_OK


class _Progress:
    """A one-line progress display on a terminal; silent otherwise."""

    def __init__(self, total: int, stream: TextIO, enabled: bool, what: str = "") -> None:
        self.total, self.done, self.stream, self.what = total, 0, stream, what
        self.enabled = enabled and stream.isatty()
        self.started = time.monotonic()

    def update(self, entry: Mapping[str, Any]) -> None:
        self.done += 1
        if self.enabled:
            elapsed = time.monotonic() - self.started
            bar = "#" * int(24 * self.done / self.total)
            self.stream.write(f"\r{self.what}[{bar:<24}] {self.done}/{self.total} {elapsed:5.1f}s "
                              f"{printable(entry['id'])[:30]:<30}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def _grade(args: argparse.Namespace) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from grader import report
    from grader.cluster.output import plan, write_outputs
    from grader.sandbox import choose, likely
    from grader.settings import Settings
    from grader.zygote import close_zygotes, nothing_left_running, shared_zygote

    if cluster_cli.wants(args):  # --cluster or --shard: grader.cluster takes over
        return cluster_cli.grade(args)
    if args.no_sandbox:
        print("grader: warning: --no-sandbox: student code runs without isolation and can "
              "read and change your files; use it only for code you trust", file=sys.stderr)
    checked = plan(args)  # bad arguments fail here, before anything starts
    limits, rubric, submissions = checked.limits, checked.rubric, checked.submissions
    json_path = Path(args.json) if args.json and args.json != "-" else None
    if args.resume and json_path is None:
        raise UsageError("--resume needs --json FILE (the results to resume from)")
    previous = report.load_previous(json_path, rubric.assignment) if args.resume and json_path \
        else {}
    ids = {encodable(s.id) for s in submissions}  # as the JSON holds them
    entries = [e for i, e in previous.items() if i in ids]
    todo = [s for s in submissions if encodable(s.id) not in previous]

    # Three starts overlap. For a single grading process, the worker zygote (numpy,
    # scipy.special) starts first, under the layer the sandbox probe will most likely
    # choose; student code runs in it only once the probe has chosen that layer. A helper
    # thread imports the grading machinery and the hidden suites (pytest, numpy, the
    # reference), while this thread probes the sandbox (a confined interpreter that must
    # fail to escape). The zygote is started by this thread, not the helper: bubblewrap's
    # --die-with-parent ends it with the thread that started it, and this one lives as long
    # as the run.
    requested = checked.requested
    guess = likely(requested)
    one_process = min(args.jobs, len(todo)) == 1
    if one_process:
        try:
            shared_zygote(guess, limits)
        except OSError:  # bwrap missing, say: the probe below explains
            pass
    with ThreadPoolExecutor(max_workers=1) as pool:
        warming = pool.submit(_warm_up, Settings(assignment=args.assignment))
        layer = choose(requested)
        if one_process and layer != guess:
            close_zygotes()
            shared_zygote(layer, limits)
        warming.result()
    settings = Settings(assignment=args.assignment, sandbox=layer, limits=limits)
    meta = report.grader_meta(settings)

    results = report.ResultsFile(json_path, rubric.assignment, meta, [s.id for s in submissions])
    for entry in entries:  # kept from the earlier run (--resume)
        results.add(entry)
    progress = _Progress(len(todo), sys.stderr, not args.quiet and len(todo) > 1)
    # Nothing student code started may outlive the grading: under the sandbox layers it
    # cannot start anything, and under --no-sandbox whatever it left is ended here, before
    # the outputs are written (the --json file is written once more after that).
    with nothing_left_running():
        _grade_and_draw(args, todo, submissions, settings, entries, results, progress)
    # the outputs, in the order (and the bytes) a cluster run and grader merge write them
    return write_outputs(args, rubric.assignment, rubric, entries, checked.ids, meta,
                         results=results)


def _grade_and_draw(args: argparse.Namespace, todo: list[Submission],
                    submissions: list[Submission], settings: Settings,
                    entries: list[dict[str, Any]], results: ResultsFile,
                    progress: _Progress) -> None:
    """The part of ``grader grade`` that runs student code: grade what is left to grade
    (each entry saved as it arrives), then draw the feedback pages' plots."""
    from contextlib import closing

    from grader import report
    from grader.cluster.output import in_order
    from grader.runner import grade_all

    try:
        # closed on the way out, so its grading processes end even when this run fails
        with closing(cast("Generator[dict[str, Any], None, None]",
                          grade_all(todo, settings, jobs=args.jobs))) as graded:
            for entry in map(report.clean, graded):  # every string encodable, for every output
                entries.append(entry)
                results.add(entry)
                results.save()  # first: whatever fails next, this submission is in the file
                progress.update(entry)
    finally:
        progress.close()
    doc = report.document(results.assignment, in_order(entries, [s.id for s in submissions]),
                          results.meta)
    if args.html:
        from grader import pages

        progress = _Progress(len(doc["submissions"]), sys.stderr,
                             not args.quiet and len(doc["submissions"]) > 1, "pages ")
        try:
            pages.write_pages(doc, submissions, settings, args.html, jobs=args.jobs,
                              on_page=progress.update)
        finally:
            progress.close()


def _warm_up(settings: Settings) -> None:
    from grader.runner import warm_up

    warm_up(settings)


if __name__ == "__main__":
    run()
