"""Slurm without Slurm: the job-array script is run here task by task, as sbatch would;
the worker job script of --cluster slurm is written and read."""

from __future__ import annotations

import argparse
import os
import re
import subprocess

from grader.cluster.slurm import worker_script
from tests.grader.cluster.conftest import ROOT, grader


def test_the_job_array_script_grades_the_class_in_shards_that_merge_to_a_single_run(
        single, tmp_path) -> None:
    journal, script = tmp_path / "journal", tmp_path / "grade.sbatch"
    made = grader("cluster", "slurm-script", single.klass, "--shards", "3", "--journal", journal,
                  "--cpus-per-task", "2", "--mem", "6G", "--time", "00:30:00",
                  "--partition", "teaching", "--output", script)
    assert made.returncode == 0, made.stderr
    text = script.read_text()
    directives = re.findall(r"^#SBATCH (\S+)$", text, re.MULTILINE)
    assert directives == ["--job-name=grader-shard", "--array=1-3", "--cpus-per-task=2",
                          "--mem=6G", "--time=00:30:00", f"--output={journal}/logs/shard-%a.out",
                          "--partition=teaching"]
    assert "OPENBLAS_NUM_THREADS=1" in text and "--dependency=afterok:$jobid" in text
    assert subprocess.run(["bash", "-n", script]).returncode == 0
    assert (journal / "logs").is_dir()  # Slurm opens the --output files there

    for task in ("1", "2", "3"):  # what sbatch --array=1-3 runs, one task after another
        env = dict(os.environ, SLURM_ARRAY_TASK_ID=task, PYTHONWARNINGS="ignore")
        done = subprocess.run(["bash", script], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=600)
        assert done.returncode == 0, done.stderr
    merged = grader("merge", journal, "--json", tmp_path / "r.json", "--csv", tmp_path / "r.csv",
                    "--quiet")
    assert merged.returncode == single.code, merged.stderr
    assert (tmp_path / "r.json").read_bytes() == single.json
    assert (tmp_path / "r.csv").read_bytes() == single.csv


def test_the_worker_jobs_of_cluster_slurm_run_single_threaded_workers_over_tls() -> None:
    args = argparse.Namespace(slurm_cores=8, slurm_memory="16GB", slurm_walltime="02:00:00",
                              slurm_partition="teaching", slurm_account="cs101",
                              tls_ca_file=None, tls_cert=None, tls_key=None)
    text = worker_script(args, "tls://login1.cluster.example:8786")
    assert "#SBATCH -p teaching" in text and "#SBATCH -A cs101" in text
    assert "#SBATCH -t 02:00:00" in text and "#SBATCH --cpus-per-task=8" in text
    assert "--nthreads 1" in text and "--nworkers 8" in text  # one grading process per core
    assert "tls://login1.cluster.example:8786" in text
    assert "--tls-ca-file" in text  # the temporary certificates of Security.temporary()
    assert "export OPENBLAS_NUM_THREADS=1" in text
