"""grader.zygote: a process's zygotes, and their private folders, end with the process."""

from __future__ import annotations

from multiprocessing import get_context
from pathlib import Path
from typing import Any

from grader.sandbox import Limits
from grader.zygote import shared_zygote

LIMITS = Limits()


def _start_and_report(paths: Any, limits: Limits = LIMITS) -> None:
    paths.put(str(shared_zygote("none", limits).site))
    paths.close()
    paths.join_thread()


def test_a_pool_process_that_grades_removes_its_zygotes_folder_when_it_ends() -> None:
    # multiprocessing children end without running atexit: a finalizer closes the zygote
    context = get_context("fork")
    paths = context.Queue()
    child = context.Process(target=_start_and_report, args=(paths,))
    child.start()
    site = Path(paths.get(timeout=60))
    child.join(60)
    assert child.exitcode == 0
    assert not site.exists(), f"{site} outlived the process that made it"


def _use_the_parents_and_start_another(paths: Any) -> None:
    paths.put(str(shared_zygote("none", LIMITS).site))  # the parent's, inherited
    _start_and_report(paths, Limits(cpu_seconds=LIMITS.cpu_seconds + 1))  # its own


def test_a_child_closes_its_own_zygote_and_leaves_the_inherited_one_to_its_parent() -> None:
    parents = shared_zygote("none", LIMITS)
    context = get_context("fork")
    paths = context.Queue()
    child = context.Process(target=_use_the_parents_and_start_another, args=(paths,))
    child.start()
    inherited, own = Path(paths.get(timeout=60)), Path(paths.get(timeout=60))
    child.join(60)
    assert child.exitcode == 0 and inherited == parents.site != own
    assert not own.exists()
    assert parents.site.is_dir() and parents.alive  # still the parent's to use and close
