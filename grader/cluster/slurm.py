"""Slurm, two ways.

With a scheduler: ``--cluster slurm --slurm-jobs K`` starts a
``dask_jobqueue.SLURMCluster`` on this machine (the login node, say) that submits K
worker jobs; the scheduler and workers talk TLS with temporary certificates.

Without one: :func:`array_script` writes a job array whose task ``I`` runs ``grader
grade CLASS --shard I/N --journal DIR``; ``grader merge DIR`` writes the outputs once
they are all done (the script says how to chain it with ``--dependency``). The journal
folder must be on a file system the nodes share; the class is read by every task.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

ONE_BLAS_THREAD = ["export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1"]


def cluster_options(args: argparse.Namespace) -> dict[str, Any]:
    """``SLURMCluster``'s arguments for ``--slurm-*``: one single-threaded Dask worker
    per core of a job (each keeps one grading process), TLS between all of them."""
    from distributed.security import Security

    from grader.cluster.dask import security

    cores = args.slurm_cores
    options: dict[str, Any] = {
        "cores": cores, "processes": cores, "memory": args.slurm_memory,
        "walltime": args.slurm_walltime, "job_name": "grader-worker",
        "python": sys.executable, "job_script_prologue": ONE_BLAS_THREAD,
        "security": security(args) or Security.temporary(), "protocol": "tls://",
        "worker_extra_args": [], "job_extra_directives": [], "job_directives_skip": [],
    }
    if args.slurm_partition:
        options["queue"] = args.slurm_partition
    if args.slurm_account:
        options["account"] = args.slurm_account
    return options


def start_cluster(args: argparse.Namespace) -> Any:
    try:
        from dask_jobqueue import SLURMCluster
    except ImportError:
        from grader.errors import UsageError

        raise UsageError("--cluster slurm needs dask-jobqueue: pip install "
                         "'activation-grader[cluster]'") from None
    cluster = SLURMCluster(**cluster_options(args))
    cluster.scale(jobs=args.slurm_jobs)
    return cluster


def worker_script(args: argparse.Namespace, scheduler: str = "tls://SCHEDULER:8786") -> str:
    """The job script ``--cluster slurm`` submits for each worker job (for reading; no
    Slurm and no scheduler needed to write it)."""
    from dask_jobqueue.slurm import SLURMJob

    return str(SLURMJob(scheduler=scheduler, name="grader-worker",
                        **cluster_options(args)).job_script())


def array_script(paths: list[Path], shards: int, journal: Path, *, cpus: int = 1,
                 memory: str = "4G", walltime: str = "01:00:00", partition: str | None = None,
                 account: str | None = None, assignment: str = "activations",
                 sandbox: str = "auto", python: str = sys.executable) -> str:
    """A Slurm job array grading ``paths`` in ``shards`` slices into ``journal``."""
    journal = journal.absolute()
    directives = ["--job-name=grader-shard", f"--array=1-{shards}",
                  f"--cpus-per-task={cpus}", f"--mem={memory}", f"--time={walltime}",
                  f"--output={journal}/logs/shard-%a.out"]
    if partition:
        directives.append(f"--partition={partition}")
    if account:
        directives.append(f"--account={account}")
    grade = [python, "-m", "grader", "grade", *(str(p.absolute()) for p in paths),
             "--shard", f"${{SLURM_ARRAY_TASK_ID}}/{shards}", "--journal", str(journal),
             "--jobs", str(cpus), "--assignment", assignment, "--sandbox", sandbox, "--quiet"]
    merge = shlex.join([python, "-m", "grader", "merge", str(journal), "--json",
                        "results.json", "--csv", "grades.csv"])
    command = " ".join(f'"{part}"' if "${" in part else shlex.quote(part) for part in grade)
    lines = ["#!/bin/bash", *(f"#SBATCH {d}" for d in directives),
             f"# Grades slice $SLURM_ARRAY_TASK_ID of {shards} of the class into the journal",
             f"# {journal} (on a file system every node shares). Submit it, then the merge:",
             "#   jobid=$(sbatch --parsable THIS_SCRIPT)",
             f"#   sbatch --dependency=afterok:$jobid --wrap {shlex.quote(merge)}",
             "# A task that is run again grades only what the journal lacks.",
             "set -euo pipefail",
             f"mkdir -p {shlex.quote(str(journal))}/logs",
             *ONE_BLAS_THREAD,
             f"exec {command}", ""]
    return "\n".join(lines)
