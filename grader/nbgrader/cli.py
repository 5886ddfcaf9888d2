"""``grader nbgrader init`` and ``grader nbgrader autograde``: the thin front end.

``register`` adds the ``nbgrader`` command to the ``grader`` parser; ``run`` carries
out a parsed ``grader nbgrader ...``. Neither imports nbgrader until it is needed,
so ``grader`` works without the ``nbgrader`` extra.

Exit codes of ``grader nbgrader autograde``: 0 every submission was autograded,
1 nbgrader could not autograde some submission; 2 and 3 as for ``grader grade``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from grader.cli import _positive_float, _positive_int
from grader.errors import UsageError
from grader.sandbox import LAYERS, NAMED_ONLY

EXIT_OK, EXIT_UNGRADED = 0, 1
INSTALL = "pip install 'activation-grader[nbgrader]'"


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``nbgrader`` (with ``init`` and ``autograde``) to ``grader``'s sub-commands."""
    parser = subparsers.add_parser(
        "nbgrader", help="run the assignment as an nbgrader course",
        description="Make an nbgrader course of the assignment, and autograde its "
                    f"submissions with the grader instead of a kernel. Needs: {INSTALL}")
    commands = parser.add_subparsers(dest="nbgrader_command", metavar="COMMAND", required=True)

    init = commands.add_parser(
        "init", help="write nbgrader_config.py and the source notebook",
        description="Write COURSE_DIR/nbgrader_config.py and the teaching notebook "
                    "COURSE_DIR/source/ASSIGNMENT/ASSIGNMENT.ipynb (solutions and locked "
                    "test cells included); then run `nbgrader generate_assignment "
                    "ASSIGNMENT` in COURSE_DIR.")
    init.add_argument("course_dir", type=Path, metavar="COURSE_DIR")
    init.add_argument("--assignment", default="activations", metavar="NAME_OR_PATH",
                      help="a packaged assignment's name or the folder of an assignment "
                           "(one `grader new` wrote, say); ASSIGNMENT above is the name in its "
                           "assignment.toml (default: activations)")
    init.add_argument("--force", action="store_true",
                      help="overwrite nbgrader_config.py and the source notebook")

    autograde = commands.add_parser(
        "autograde", help="grade submitted notebooks into nbgrader's gradebook",
        description="Grade every COURSE_DIR/submitted/STUDENT/ASSIGNMENT/*.ipynb with the "
                    "grader (no Jupyter kernel; student code runs in the sandboxed worker) "
                    "and write the scores and messages through nbgrader's gradebook, so "
                    "formgrader, `nbgrader export` and `nbgrader generate_feedback` work.",
        epilog="exit codes: 0 all autograded, 1 some submission could not be autograded, "
               "2 bad arguments, 3 grader failure")
    autograde.add_argument("course_dir", type=Path, metavar="COURSE_DIR")
    autograde.add_argument("--assignment", default="activations", metavar="NAME_OR_PATH",
                           help="a packaged assignment's name or an assignment's folder, as "
                                "given to `grader nbgrader init` (default: activations)")
    autograde.add_argument("--student", action="append", default=[], metavar="ID",
                           help="grade only this student (repeatable)")
    autograde.add_argument("--jobs", "-j", type=_positive_int, default=1, metavar="N",
                           help="grade N submissions at a time (default: 1)")
    autograde.add_argument("--json", type=Path, metavar="FILE",
                           help="also write the results JSON (see docs/results.md) to FILE")
    autograde.add_argument("--call-timeout", type=_positive_float, default=5.0,
                           metavar="SECONDS", help="wall-clock limit of one call (default: 5)")
    autograde.add_argument("--sandbox", choices=("auto", *LAYERS, *NAMED_ONLY),
                           default="auto",
                           help="how student code is confined (default: auto, the best this "
                                "machine offers: bubblewrap, else landlock; landlock-nons, "
                                "without namespaces, only when named). When it does not work "
                                "here, nothing is graded (exit code 3, with what to enable)")
    autograde.add_argument("--no-sandbox", action="store_true",
                           help="grade without a sandbox (separate processes only; student "
                                "code runs as you); for your own code, never for a class")
    autograde.add_argument("--quiet", "-q", action="store_true", help="print only errors")
    return parser


def run(args: argparse.Namespace) -> int:
    """Carry out ``grader nbgrader init`` or ``grader nbgrader autograde``."""
    try:
        if args.nbgrader_command == "init":
            from grader.nbgrader.course import init_course
        else:
            from grader.nbgrader.autograde import autograde_course
    except ModuleNotFoundError as exc:
        raise UsageError(f"grader nbgrader needs {exc.name}: {INSTALL}") from None
    if args.nbgrader_command == "init":
        written = init_course(args.course_dir, args.assignment, force=args.force)
        name = written[-1].parent.name  # source/<name>/<name>.ipynb
        print(f"wrote {', '.join(str(p) for p in written)}\nnext: cd {args.course_dir} && "
              f"nbgrader generate_assignment {name}")
        return EXIT_OK
    return _autograde(args, autograde_course)


def _autograde(args: argparse.Namespace, autograde_course: Any) -> int:
    from grader import report
    from grader.runner import Settings
    from grader.sandbox import Limits, choose, requested
    from grader.zygote import nothing_left_running

    wanted = requested(args.no_sandbox, args.sandbox)
    if args.no_sandbox:
        print("grader: warning: --no-sandbox: student code runs without isolation",
              file=sys.stderr)
    layer = choose(wanted)
    settings = Settings(assignment=args.assignment, sandbox=layer,
                        limits=Limits(call_seconds=args.call_timeout))
    name = settings.load().name  # nbgrader knows the assignment by its manifest's name
    with nothing_left_running():
        outcomes = autograde_course(args.course_dir, name, students=args.student,
                                    settings=settings, jobs=args.jobs)
    if args.json:
        entries = [o.entry for o in outcomes if o.entry is not None]
        report.write_atomic(args.json, report.to_json(report.document(name, entries)))
    if not args.quiet:
        width = max(8, *(len(report.printable(o.student)) for o in outcomes))
        print(f"{'student':<{width}}  {'score':>15}")
        for o in outcomes:
            shown = f"{o.score:6.2f} / {o.max_score:g}" if o.ok else "not autograded"
            print(f"{report.printable(o.student):<{width}}  {shown:>15}")
    failed = [o for o in outcomes if not o.ok]
    for o in failed:
        print(f"grader: nbgrader could not autograde {report.printable(o.student)}:\n"
              f"{report.printable(o.log, newlines=True)}", file=sys.stderr)
    return EXIT_UNGRADED if failed else EXIT_OK
