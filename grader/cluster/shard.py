"""Grading without a scheduler: ``grader grade CLASS --shard I/N --journal DIR`` grades
one slice of the class into a journal; ``grader merge DIR`` writes the outputs.

Every shard finds the whole class (the same way, so the same ids and keys in the same
order) and takes every N-th distinct submission content, starting at the I-th: slices
are disjoint, their union is the class, and two students who handed in the same bytes
are graded once. A shard grades only what the journal lacks, so a task run again (a
requeued Slurm job, a Kubernetes pod retried) picks up where the last one stopped.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from grader.cluster.journal import Journal, content_key, meta, run_digest, with_id
from grader.cluster.output import Plan, write_outputs
from grader.errors import GraderError, UsageError
from grader.settings import Settings
from grader.submission import Submission


def slice_of(keys: list[str], index: int, count: int) -> list[str]:
    """The distinct keys shard ``index`` of ``count`` grades."""
    distinct = list(dict.fromkeys(keys))
    return distinct[index - 1::count]


def grade_shard(args: argparse.Namespace, plan: Plan) -> int:
    from grader.runner import _failed_entry, grade_all
    from grader.sandbox import choose

    index, count = args.shard
    if args.journal is None:
        raise UsageError("--shard needs --journal DIR (a folder the shards share)")
    for option in ("json", "csv", "html", "report", "gradescope"):
        if getattr(args, option, None):
            raise UsageError(f"a shard writes only its journal; `grader merge "
                             f"{args.journal}` writes --{option} once every shard is done")
    if plan.requested == "none":
        print("grader: warning: --no-sandbox: student code runs without isolation and can "
              "read and change your files; use it only for code you trust", file=sys.stderr)
    journal = Journal(args.journal)
    requested = plan.requested
    existing = journal.manifest()
    if requested == "auto" and existing is not None:  # grade as the other shards did
        requested = str(existing.get("grader", {}).get("sandbox", "auto"))
    layer = choose(requested)
    settings = Settings(assignment=plan.assignment, sandbox=layer, limits=plan.limits)
    run = run_digest(settings)
    keys = [content_key(s, run) for s in plan.submissions]
    journal.write_manifest(plan.assignment, run, meta(settings), list(zip(plan.ids, keys,
                                                                          strict=True)))
    mine = slice_of(keys, index, count)
    first: dict[str, Submission] = {}
    for submission, key in zip(plan.submissions, keys, strict=True):
        first.setdefault(key, submission)
    have = journal.keys()
    todo = [first[k] for k in mine if k not in have]
    key_of = {first[k].id: k for k in mine}
    started = time.monotonic()
    rubric = settings.rubric()
    graded = [s for s in todo if not s.error]
    for submission in todo:
        if submission.error:
            journal.put(key_of[submission.id], _failed_entry(submission, rubric,
                                                            submission.error))
    for entry in grade_all(graded, settings, jobs=args.jobs):
        journal.put(key_of[entry["id"]], entry)
    journal.mark_shard(index, count, {
        "host": socket.gethostname(), "pid": os.getpid(), "keys": len(mine),
        "graded": len(todo), "seconds": round(time.monotonic() - started, 3)})
    if not args.quiet:
        print(f"grader: shard {index}/{count}: {len(todo)} graded, "
              f"{len(mine) - len(todo)} already in {journal.folder}", file=sys.stderr)
    return 0


def merge(args: argparse.Namespace) -> int:
    """``grader merge DIR``: the outputs of the class in journal DIR."""
    journal = Journal(args.journal)
    manifest = journal.manifest()
    if manifest is None:
        raise UsageError(f"{args.journal} is not a journal (no manifest.json): grade into it "
                         "with --shard I/N --journal DIR or --cluster ... --journal DIR")
    assignment = str(manifest["assignment"])
    entries: list[dict[str, Any]] = []
    missing: list[str] = []
    for sid, key in manifest["submissions"]:
        stored = journal.get(key)
        if stored is None:
            missing.append(sid)
        else:
            entries.append(with_id(sid, stored))
    if missing:
        shards = sorted({c for _, c in journal.shards()})
        done = sorted(i for i, c in journal.shards() if shards and c == shards[-1])
        hint = (f"; shards done: {', '.join(map(str, done))} of {shards[-1]}" if shards else "")
        raise GraderError(f"{len(missing)} of {len(manifest['submissions'])} submissions have no "
                          f"result in {args.journal} yet (first: {', '.join(missing[:5])})"
                          f"{hint}; run the missing shards, then merge again")
    ids = [sid for sid, _ in manifest["submissions"]]
    rubric = Settings(assignment=assignment).rubric()
    return write_outputs(args, assignment, rubric, entries, ids, manifest["grader"])


def journal_folder(args: argparse.Namespace) -> Path:
    """The journal of a cluster run: --journal, else one in the grader's cache folder."""
    if args.journal is not None:
        return Path(args.journal)
    from grader import cache

    return cache.folder() / "journal"
