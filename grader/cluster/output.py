"""What a cluster run, a shard and ``grader merge`` share with ``grader grade``: the
checks of the command line before anything starts, and the outputs, written by the
client alone, in ``grader grade``'s order and byte for byte as it writes them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import report
from grader.assignment import assignments_root
from grader.errors import UsageError
from grader.rubric import Rubric
from grader.sandbox import Limits, requested
from grader.settings import Settings
from grader.submission import Submission, discover

EXIT_OK, EXIT_UNGRADED = 0, 1


@dataclass
class Plan:
    """A grading run's inputs, checked."""

    assignment: str
    limits: Limits
    rubric: Rubric
    submissions: list[Submission]
    requested: str  # the sandbox asked for: auto, bubblewrap, landlock, none

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.submissions]


def plan(args: argparse.Namespace) -> Plan:
    """``grader grade``'s arguments checked and its submissions found (bad input fails
    here, before a cluster starts)."""
    limits = Limits(call_seconds=args.call_timeout, submission_seconds=args.submission_timeout,
                    memory_bytes=args.memory << 20)
    assignment = Settings(assignment=args.assignment).load()  # a clear error if inconsistent
    if assignment.folder != assignments_root() / args.assignment:  # a folder of its own:
        args.assignment = str(assignment.folder)  # absolute, for every process and worker
    rubric = assignment.rubric
    submissions = discover(args.paths, rubric.files)
    if not submissions:
        raise UsageError("found no submissions to grade")
    if args.gradescope and len(submissions) != 1:
        raise UsageError(f"--gradescope writes the results of one submission, but "
                         f"{len(submissions)} were found")
    if args.html and args.html.exists() and not args.html.is_dir():
        raise UsageError(f"--html expects a folder but {args.html} is a file")
    json_path = Path(args.json) if args.json and args.json != "-" else None
    for option, path in (("--json", json_path), ("--csv", args.csv), ("--report", args.report),
                         ("--gradescope", args.gradescope)):
        if path is not None and path.is_dir():
            raise UsageError(f"{option} expects a file but {path} is a folder")
    return Plan(args.assignment, limits, rubric, submissions,
                requested(args.no_sandbox, args.sandbox))


def in_order(entries: Sequence[Mapping[str, Any]], ids: Sequence[str]) -> list[dict[str, Any]]:
    rank = {sid: i for i, sid in enumerate(ids)}
    return [dict(e) for e in sorted(entries, key=lambda e: rank.get(e["id"], len(rank)))]


def write_outputs(args: argparse.Namespace, assignment: str, rubric: Rubric,
                  entries: Sequence[Mapping[str, Any]], ids: Sequence[str],
                  grader_meta: Mapping[str, Any], *,
                  pages: Callable[[dict[str, Any]], None] | None = None,
                  results: report.ResultsFile | None = None) -> int:
    """Write --json, --csv, --gradescope, --html (through ``pages``), --report and the
    terminal summary, in ``grader grade``'s order; its exit code. ``results``: the run's
    --json file, which already holds every entry (each encoded once, as it arrived)."""
    json_arg = getattr(args, "json", None)
    json_path = Path(json_arg) if json_arg and json_arg != "-" else None
    entries = [report.clean(e) for e in entries]  # every string encodable, for every output
    if results is None:
        results = report.ResultsFile(json_path, assignment, grader_meta, list(ids))
        for entry in entries:
            results.add(entry)
    results.save()
    doc = report.document(assignment, in_order(entries, ids), grader_meta)
    if json_arg == "-":
        sys.stdout.write(results.text())
    if getattr(args, "csv", None):
        report.write_atomic(args.csv, report.to_csv(doc, rubric.functions))
    if getattr(args, "gradescope", None):
        from grader import gradescope

        gradescope.write_results(args.gradescope, doc["submissions"][0], meta=grader_meta)
    if getattr(args, "html", None) and pages is not None:
        pages(doc)
    if getattr(args, "report", None):
        from grader import pages as html

        html.write_class_report(doc, args.report, pages_folder=getattr(args, "html", None))
    if not getattr(args, "quiet", False) and json_arg != "-":
        if len(doc["submissions"]) == 1:
            sys.stdout.write(report.submission_report(doc["submissions"][0]))
        else:
            sys.stdout.write(report.summary_table(doc["submissions"]))
    for entry in doc["submissions"]:
        if entry["status"] == "error":
            print(f"grader: {report.printable(entry['id'])} could not be graded: "
                  f"{report.printable(entry.get('feedback', ''))}", file=sys.stderr)
    return EXIT_UNGRADED if any(e["status"] == "error" for e in doc["submissions"]) else EXIT_OK


def html_pages(args: argparse.Namespace, submissions: Sequence[Submission],
               settings: Settings) -> Callable[[dict[str, Any]], None]:
    """--html: the feedback pages, written here (their plots call the student's functions
    again, in this machine's sandbox)."""

    def write(doc: dict[str, Any]) -> None:
        from grader import pages

        pages.write_pages(doc, submissions, settings, args.html, jobs=args.jobs)

    return write
