"""The command line of cluster grading: options of ``grader grade`` (``--cluster``,
``--shard``, ``--journal``, ``--slurm-*``, ``--tls-*``), ``grader merge`` and ``grader
cluster check|slurm-script``. :mod:`grader.cli` calls :func:`add_arguments`,
:func:`register`, and hands ``grader grade`` over to :func:`grade` when :func:`wants`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from grader.cluster.options import DEFAULT_RETRIES, check_address, parse_shard
from grader.cluster.options import count as _count
from grader.cluster.options import retries as _retries

COMMANDS = ("merge", "cluster")
SANDBOXES = ("auto", "bubblewrap", "landlock", "landlock-nons")


def add_arguments(grade: argparse.ArgumentParser) -> None:
    group = grade.add_argument_group(
        "grading past one machine (pip install 'activation-grader[cluster]'; docs/cluster.md)")
    group.add_argument("--cluster", type=check_address, metavar="ADDRESS",
                       help="grade on a Dask cluster: local:N (N worker processes here, "
                            "bound to 127.0.0.1), tcp://HOST:8786 or tls://HOST:8786 (a "
                            "running scheduler), slurm (workers as Slurm jobs, --slurm-*)")
    group.add_argument("--journal", type=Path, metavar="DIR",
                       help="where results are kept as they arrive, by content (default for "
                            "--cluster: a folder in the grader's cache); --resume reads it")
    group.add_argument("--shard", type=parse_shard, metavar="I/N",
                       help="grade only slice I of N into --journal DIR, with no scheduler "
                            "(Slurm job arrays, Kubernetes Indexed Jobs); then `grader merge DIR`")
    group.add_argument("--cluster-retries", type=_retries, default=DEFAULT_RETRIES, metavar="N",
                       help="a submission whose Dask worker dies N+1 times is an error "
                            f"(local:N and slurm; default: {DEFAULT_RETRIES})")
    group.add_argument("--slurm-jobs", type=_count, default=1, metavar="K",
                       help="Slurm jobs of workers to start (default: 1)")
    group.add_argument("--slurm-cores", type=_count, default=4, metavar="C",
                       help="cores per job, one worker each (default: 4)")
    group.add_argument("--slurm-memory", default="8GB", metavar="SIZE",
                       help="memory per job (default: 8GB)")
    group.add_argument("--slurm-walltime", default="01:00:00", metavar="HH:MM:SS")
    group.add_argument("--slurm-partition", metavar="NAME")
    group.add_argument("--slurm-account", metavar="NAME")
    for name, what in (("ca-file", "the certificate authority"), ("cert", "this client's "
                       "certificate"), ("key", "this client's private key")):
        group.add_argument(f"--tls-{name}", type=Path, metavar="FILE",
                           help=f"for tls:// schedulers: {what} (PEM)")


def wants(args: argparse.Namespace) -> bool:
    """Whether ``grader grade`` is for this package (--cluster or --shard)."""
    return bool(getattr(args, "cluster", None) or getattr(args, "shard", None))


def register(commands: Any) -> None:
    merge = commands.add_parser(
        "merge", help="write the outputs of a journal (after --shard or --cluster runs)",
        description="Write the results of the class graded into journal DIR, byte for byte "
                    "as one `grader grade` run writes them.",
        epilog="exit codes: 0 all graded, 1 some submission could not be graded, "
               "2 bad arguments, 3 results missing or grader failure")
    merge.add_argument("journal", type=Path, metavar="DIR")
    merge.add_argument("--json", metavar="FILE", help="the results (SPEC JSON); '-' for "
                       "standard output")
    merge.add_argument("--csv", metavar="FILE", type=Path, help="a gradebook CSV")
    merge.add_argument("--report", metavar="FILE", type=Path, help="the class report (HTML)")
    merge.add_argument("--quiet", "-q", action="store_true")

    cluster = commands.add_parser(
        "cluster", help="check a Dask cluster; write Slurm scripts",
        description="`check ADDRESS` probes every worker's sandbox and prints a table; "
                    "`slurm-script` writes a Slurm job array that grades a class in shards.")
    sub = cluster.add_subparsers(dest="cluster_command", metavar="COMMAND", required=True)
    check = sub.add_parser("check", help="which workers can sandbox student code",
                           description="Probe each worker of the cluster: which sandbox layers "
                                       "confine code there, which grader and assignment it "
                                       "has. Exit 0 if at least one worker can grade.")
    check.add_argument("address", type=check_address, metavar="ADDRESS")
    check.add_argument("--assignment", default="activations")
    check.add_argument("--sandbox", choices=SANDBOXES, default="auto")
    check.add_argument("--cluster-retries", type=_retries, default=DEFAULT_RETRIES,
                       help=argparse.SUPPRESS)
    for name in ("ca-file", "cert", "key"):
        check.add_argument(f"--tls-{name}", type=Path, metavar="FILE")

    script = sub.add_parser("slurm-script", help="a Slurm job array grading a class in shards",
                            description="Print a Slurm batch script whose array task I runs "
                                        "`grader grade PATH... --shard I/N --journal DIR`; "
                                        "its comments give the `grader merge` to chain.")
    script.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    script.add_argument("--shards", type=_count, required=True, metavar="N")
    script.add_argument("--journal", type=Path, required=True, metavar="DIR",
                        help="on a file system every node shares")
    script.add_argument("--cpus-per-task", type=_count, default=1, metavar="C")
    script.add_argument("--mem", default="4G", metavar="SIZE")
    script.add_argument("--time", default="01:00:00", metavar="HH:MM:SS")
    script.add_argument("--partition", metavar="NAME")
    script.add_argument("--account", metavar="NAME")
    script.add_argument("--assignment", default="activations")
    script.add_argument("--sandbox", choices=SANDBOXES, default="auto")
    script.add_argument("--output", "-o", type=Path, metavar="FILE",
                        help="write the script to FILE (default: standard output)")


def command(args: argparse.Namespace) -> int:
    """``grader merge`` and ``grader cluster ...``."""
    if args.command == "merge":
        from grader.cluster.shard import merge

        return merge(args)
    if args.cluster_command == "check":
        from grader.cluster.dask import check

        return check(args)
    from grader.cluster.slurm import array_script

    text = array_script(args.paths, args.shards, args.journal, cpus=args.cpus_per_task,
                        memory=args.mem, walltime=args.time, partition=args.partition,
                        account=args.account, assignment=args.assignment, sandbox=args.sandbox)
    (args.journal / "logs").mkdir(parents=True, exist_ok=True)  # Slurm opens --output there
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text)
        args.output.chmod(0o755)
    return 0


def grade(args: argparse.Namespace) -> int:
    """``grader grade ... --cluster ADDRESS`` or ``--shard I/N``."""
    from grader.cluster.output import plan
    from grader.errors import UsageError

    if args.cluster and args.shard:
        raise UsageError("--shard grades here without a scheduler; drop --cluster (or --shard)")
    checked = plan(args)
    if args.shard:
        from grader.cluster.shard import grade_shard

        return grade_shard(args, checked)
    return _grade_on_cluster(args, checked)


def _grade_on_cluster(args: argparse.Namespace, checked: Any) -> int:
    from grader.cluster.dask import ClusterRun, Progress, open_cluster
    from grader.cluster.journal import Journal, meta
    from grader.cluster.output import html_pages, write_outputs
    from grader.cluster.shard import journal_folder
    from grader.report import ResultsFile

    journal = Journal(journal_folder(args))
    json_path = Path(args.json) if args.json and args.json != "-" else None
    progress = Progress(0, sys.stderr, quiet=args.quiet)
    with open_cluster(args) as connection:
        run = ClusterRun(connection, checked.submissions, assignment=checked.assignment,
                         requested=checked.requested, limits=checked.limits, journal=journal,
                         resume=args.resume, progress=progress, retries=args.cluster_retries)
        settings = run.prepare()
        grader_meta = meta(settings)
        # The --json file follows the journal during the run: rewritten every 2 s at most,
        # and never more than a tenth of the time (a class of 10,000 is some 500 MB of JSON).
        partial = ResultsFile(json_path, checked.assignment, grader_meta, checked.ids)
        due = [0.0]

        def arrived(entry: dict[str, Any]) -> None:
            import time

            partial.add(entry)
            if json_path is not None and time.monotonic() >= due[0]:
                started = time.monotonic()
                partial.save()
                took = time.monotonic() - started
                due[0] = time.monotonic() + max(2.0, 10 * took)

        entries = run.grade(arrived)
    pages = None
    if args.html:
        from grader.sandbox import choose
        from grader.settings import Settings

        here = Settings(assignment=checked.assignment, sandbox=choose(checked.requested),
                        limits=checked.limits)
        pages = html_pages(args, checked.submissions, here)
    return write_outputs(args, checked.assignment, checked.rubric, entries, checked.ids,
                         grader_meta, pages=pages)
