"""Reports people would rather look at: a feedback page per submission, a class report.

``grader grade ... --html DIR`` writes ``DIR/<id>.html`` for every submission with
:func:`write_pages`; ``--report FILE.html`` writes the class report with
:func:`write_class_report`. Both are single self-contained HTML files (inline CSS,
PNG plots as ``data:`` URIs, no script, nothing fetched from the network) that any
browser opens from disk or from a learning platform's file area.

Modules: :mod:`~grader.pages.student` (one page), :mod:`~grader.pages.class_report`,
:mod:`~grader.pages.figures` (matplotlib, Agg) and :mod:`~grader.pages.markup`.
The data behind the plots comes from :mod:`grader.plots`, which calls the student's
functions again in a worker of their own.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from grader.pages.class_report import class_report
from grader.pages.student import student_page
from grader.report import encodable, printable, write_atomic
from grader.zygote import close_zygotes, forget_zygotes, shared_zygote

__all__ = ["class_report", "page_names", "student_page", "write_class_report", "write_pages"]

def page_names(ids: Iterable[str]) -> dict[str, str]:
    """A distinct, portable file name per submission id: ``alice.html``."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for sid in ids:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", str(sid)).strip("._") or "submission"
        stem = stem[:80]
        name, n = f"{stem}.html", 1
        while name.lower() in taken:
            n += 1
            name = f"{stem}-{n}.html"
        taken.add(name.lower())
        names[str(sid)] = name
    return names


def write_pages(doc: Mapping[str, Any], submissions: Sequence[Any], settings: Any,
                folder: Path, *, jobs: int = 1,
                on_page: Callable[[Mapping[str, Any]], None] | None = None) -> list[Path]:
    """Write one feedback page per entry of ``doc`` into ``folder``; return their paths.

    ``submissions`` are the :class:`grader.submission.Submission` objects that were
    graded (their files are needed to draw plots; an entry without one gets a page
    without plots); ``settings`` the :class:`grader.runner.Settings` they were graded
    with. ``jobs`` pages are made at a time, each process with its own worker zygote.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    entries = list(doc.get("submissions", []))
    names = page_names(e["id"] for e in entries)
    by_id = {encodable(s.id): s for s in submissions}  # ids as the results hold them
    tasks = [(entry, by_id.get(entry["id"]), folder / names[str(entry["id"])])
             for entry in entries]
    context = {"assignment": doc.get("assignment", ""), "meta": doc.get("grader") or {},
               "files": settings.rubric().files}
    written: list[Path] = []
    if jobs <= 1 or len(tasks) <= 1:
        try:
            for entry, submission, path in tasks:
                written.append(_write_page(entry, submission, path, settings, context))
                if on_page:
                    on_page(entry)
        finally:
            close_zygotes()
        return written
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"),
                             initializer=_pool_process) as pool:
        futures = {pool.submit(_write_page, entry, submission, path, settings, context): entry
                   for entry, submission, path in tasks}
        for future in as_completed(futures):
            written.append(future.result())
            if on_page:
                on_page(futures[future])
    order = {path: i for i, (_, _, path) in enumerate(tasks)}
    return sorted(written, key=lambda p: order.get(p, len(order)))


def write_class_report(doc: Mapping[str, Any], path: Path, *,
                       pages_folder: Path | None = None) -> Path:
    """Write the class report to ``path``; link the pages in ``pages_folder`` if given."""
    path = Path(path)
    links: dict[str, str] = {}
    if pages_folder is not None:
        names = page_names(e["id"] for e in doc.get("submissions", []))
        base = path.resolve().parent
        links = {sid: Path(os.path.relpath(Path(pages_folder).resolve() / name, base)).as_posix()
                 for sid, name in names.items()}
    write_atomic(path, class_report(doc, pages=links))
    return path


def _write_page(entry: Mapping[str, Any], submission: Any, path: Path, settings: Any,
                context: Mapping[str, Any]) -> Path:
    plots: dict[str, Any] = {}
    if submission is not None and _wants_plots(entry, settings):
        from grader.plots import collect_plot_data

        try:
            zygote = shared_zygote(settings.sandbox, settings.limits)
            plots = collect_plot_data(submission, settings, entry, zygote=zygote)
        except Exception as exc:  # the page is still worth writing without its plots
            print(f"grader: no plots for {printable(entry.get('id'))}: "
                  f"{type(exc).__name__}: {printable(exc)}", file=sys.stderr)
    try:
        text = student_page(entry, files=context["files"], plots=plots, meta=context["meta"],
                            assignment=context["assignment"])
    except Exception as exc:
        print(f"grader: the plots of {printable(entry.get('id'))} could not be drawn: "
              f"{type(exc).__name__}: {printable(exc)}", file=sys.stderr)
        text = student_page(entry, files=context["files"], meta=context["meta"],
                            assignment=context["assignment"])
    write_atomic(path, text)
    return path


def _wants_plots(entry: Mapping[str, Any], settings: Any) -> bool:
    from grader.plots import functions_to_plot, load_registry

    if entry.get("status") != "graded":
        return False
    registry = settings.grading / "registry.py"
    if not registry.exists():
        return False
    return bool(functions_to_plot(entry, getattr(load_registry(registry), "RECORDS", {})))


def _pool_process() -> None:
    """A forked page-making process starts zygotes of its own and closes them at exit."""
    from multiprocessing.util import Finalize

    forget_zygotes()
    Finalize(None, close_zygotes, exitpriority=10)
