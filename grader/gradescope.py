"""Gradescope: its results.json for one submission, and an autograder bundle.

Gradescope runs an autograder as a zip holding ``setup.sh`` (run once, as root, when
the image is built) and ``run_autograder`` (run per submission, in ``/autograder``,
which must write ``/autograder/results/results.json``). See
https://gradescope-autograders.readthedocs.io/en/latest/specs/.

* :func:`results` turns one SPEC section 3 entry into Gradescope's format: one
  Gradescope test per (function, check) with its score, max_score, pass/fail status
  and the grader's feedback as output; the top-level score; and
  ``stdout_visibility: hidden``, so what the autograder prints (never the student's
  output, which the worker does not read anyway) stays with the instructors.
* :func:`build_bundle` writes the autograder zip: the two scripts and this project's
  source (``pyproject.toml``, ``README.md`` and the packages), hidden suites included
  (the bundle is for Gradescope's autograder settings, never for students).
  ``setup.sh`` pip-installs that source with its dependencies into
  ``/autograder/venv``, where Gradescope has PyPI; building the bundle needs only the
  standard library: no wheel is built here, so neither the network nor this venv's
  setuptools (none at all on Python >= 3.12; 65 or 68, without ``bdist_wheel``, in a
  fresh 3.10 or 3.11 venv) matters.
* :func:`run` is what ``run_autograder`` calls: grade ``ROOT/submission`` and write
  ``ROOT/results/results.json``. ``ROOT`` is ``/autograder`` unless
  ``GRADER_AUTOGRADER_ROOT`` (or ``--root``) says otherwise, which is how the tests
  run the bundle against a fake tree. It grades only under a sandbox that works in
  Gradescope's container: when none does, it writes no results.json, exits with 3
  and says what to enable (``--no-sandbox`` opts out; ``run_autograder`` never
  passes it). results.json is written only once every process the student's code
  started has ended.

``python -m grader.gradescope run [--root DIR]`` and ``python -m grader.gradescope
build OUT.zip`` work without the ``grader`` command.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import stat
import sys
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from grader import __version__
from grader.errors import GraderError, UsageError
from grader.report import grader_meta, printable

ROOT_VARIABLE = "GRADER_AUTOGRADER_ROOT"
DEFAULT_ROOT = Path("/autograder")
SOURCE_PARTS = ("pyproject.toml", "README.md", "grader", "reference", "assignments")
_SKIPPED = ("__pycache__", "*.pyc", ".*", "build", "*.egg-info")  # never in the bundle
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same source gives the same zip

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It installs Python, bubblewrap (the sandbox for student code) and activation-grader
# {version} from the source in {source} with its dependencies (numpy, scipy, pytest,
# hypothesis, matplotlib) from PyPI, then checks that the hidden suites came along.
set -euo pipefail
ROOT="${{GRADER_AUTOGRADER_ROOT:-/autograder}}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip bubblewrap
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/pip" install --upgrade --quiet pip
"$ROOT/venv/bin/pip" install --quiet "$ROOT/source/{source}"
"$ROOT/venv/bin/python" - <<'PY'
import sys
import grader
from grader.release import assignments_root
suites = assignments_root() / {assignment!r} / "grading"
if not (suites.parent / "assignment.toml").is_file() or not list(suites.glob("test_*.py")):
    sys.exit(f"activation-grader was installed without the manifest or the hidden suites "
             f"of {{suites.parent}}: check [tool.setuptools.package-data] in pyproject.toml")
print("activation-grader", grader.__version__, "with the hidden suites in", suites)
PY
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade $ROOT/submission with the hidden
# suites of {assignment!r} and write $ROOT/results/results.json.
# GRADER_AUTOGRADER_ROOT relocates /autograder, GRADER_PYTHON picks the interpreter.
set -euo pipefail
ROOT="${{GRADER_AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{GRADER_PYTHON:-$ROOT/venv/bin/python}}"
cd "$ROOT"
exec "$PYTHON" -m grader.gradescope run --root "$ROOT" --assignment {assignment}
"""


# ------------------------------------------------------------------ results.json


def results(entry: Mapping[str, Any], *, visibility: str = "visible",
            meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Gradescope's results.json for one SPEC section 3 entry."""
    tests = []
    for number, test in enumerate(entry.get("tests", []), start=1):
        status = str(test.get("status", "failed"))
        output = str(test.get("feedback", ""))
        if status not in ("passed", "failed"):
            output = f"[{status.replace('_', ' ')}] {output}".rstrip()
        tests.append({
            "name": str(test.get("name", test.get("function", "?"))),
            "number": str(number),
            "score": float(test.get("score", 0.0)),
            "max_score": float(test.get("max_score", 0.0)),
            "status": "passed" if status == "passed" else "failed",
            "output": output,
            "output_format": "text",
            "tags": [t for t in (test.get("function"), test.get("check")) if t],
            "visibility": visibility,
        })
    out: dict[str, Any] = {
        "score": float(entry.get("score", 0.0)),
        "output": _summary(entry),
        "output_format": "text",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    if meta:
        out["extra_data"] = {"grader": dict(meta)}
    return out


def _summary(entry: Mapping[str, Any]) -> str:
    score = f"{float(entry.get('score', 0)):g} / {float(entry.get('max_score', 0)):g}"
    if entry.get("status") == "error":
        return f"Your submission could not be graded ({score}): {entry.get('feedback', '')}"
    failing = sorted({t["function"] for t in entry.get("tests", []) if t["status"] != "passed"})
    text = f"Score {score}."
    if failing:
        text += " Functions that lost points: " + ", ".join(failing) + "."
    notes = entry.get("notes") or []
    return text + "".join(f"\nNote: {n}" for n in notes)


def write_results(path: Path, entry: Mapping[str, Any], *,
                  meta: Mapping[str, Any] | None = None) -> Path:
    from grader.report import to_json, write_atomic

    write_atomic(Path(path), to_json(results(entry, meta=meta)))  # clean: always encodable
    return Path(path)


# ------------------------------------------------------------------ the bundle


def source_root() -> Path:
    """The source checkout this grader runs from (the bundle ships its source)."""
    root = Path(__file__).resolve().parents[1]
    if not (root / "pyproject.toml").is_file():
        raise UsageError(f"the Gradescope bundle is built from a source checkout of "
                         f"activation-grader, but {root} has no pyproject.toml; run it from "
                         "a checkout installed with pip install -e .")
    return root


def source_files(source: Path) -> list[Path]:
    """The files of ``source`` that make the project (:data:`SOURCE_PARTS`, without
    caches, dot-files or build output), in a fixed order."""
    files = []
    for part in SOURCE_PARTS:
        path = source / part
        if path.is_file():
            files.append(path)
        for folder, dirs, names in os.walk(path):  # nothing for a file
            dirs[:] = sorted(d for d in dirs if not _skipped(d))
            files += [Path(folder, n) for n in sorted(names) if not _skipped(n)]
    return files


def _skipped(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _SKIPPED)


def build_bundle(out: Path, *, assignment: str = "activations",
                 source: Path | None = None) -> Path:
    """Write Gradescope's autograder zip to ``out``; return it.

    The zip holds the project's source under ``vendor/``, which ``setup.sh`` installs
    with pip on Gradescope: nothing is built here, so this works offline, on any
    supported Python, with any setuptools or none. The source checkout is only read.
    """
    out = Path(out)
    if out.suffix != ".zip":
        raise UsageError(f"Expected a .zip file name but got out={str(out)!r}")
    source = source or source_root()
    needed = Path("assignments", assignment, "assignment.toml")
    if not (source / needed).is_file() or not list((source / needed.parent).glob(
            "grading/test_*.py")):
        raise UsageError(f"Expected an assignment with hidden suites but got "
                         f"assignment={assignment!r} (no {needed.as_posix()} in {source})")
    folder = f"vendor/activation-grader-{__version__}"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.tmp")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
            _add(bundle, "setup.sh", SETUP_SH.format(version=__version__, source=folder,
                                                     assignment=assignment),
                 executable=True)
            _add(bundle, "run_autograder", RUN_AUTOGRADER.format(assignment=assignment),
                 executable=True)
            for path in source_files(source):
                _add(bundle, f"{folder}/{path.relative_to(source).as_posix()}",
                     path.read_bytes())
            _add(bundle, "bundle.json", json.dumps({
                "grader": __version__, "assignment": assignment, "source": folder},
                indent=2) + "\n")
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def _add(bundle: zipfile.ZipFile, name: str, data: str | bytes, *,
         executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    bundle.writestr(info, data.encode() if isinstance(data, str) else data)


# ------------------------------------------------------------- run_autograder


def find_submission(folder: Path, student_files: Sequence[str]) -> Path:
    """Where the student's files are: the submission folder itself, the first folder
    below it that holds one (students upload folders too), or a lone zip."""
    if any((folder / name).is_file() for name in student_files):
        return folder
    for path in sorted(folder.rglob("*")):
        if path.is_dir() and any((path / name).is_file() for name in student_files) \
                and "__MACOSX" not in path.parts:
            return path
    zips = sorted(folder.glob("*.zip"))
    return zips[0] if len(zips) == 1 else folder


def run(root: Path, *, assignment: str = "activations", sandbox: str = "auto") -> int:
    """Grade ``root/submission``; write ``root/results/results.json``. The exit code
    is 0 whenever results were written (also for a submission that scored 0).

    ``sandbox`` is a layer of :mod:`grader.sandbox`, "auto" for the best that works, or
    "none" (``--no-sandbox``) to grade without one. When the layer asked for does not
    work here, nothing is graded and nothing is written: :class:`GraderError` says what
    to enable. results.json is written only once every process the student's code
    started has ended (:func:`grader.zygote.nothing_left_running`)."""
    from grader.runner import Settings, grade
    from grader.sandbox import NO_SANDBOX, Limits, choose
    from grader.submission import read
    from grader.zygote import nothing_left_running

    layer = choose(sandbox)
    if layer == NO_SANDBOX:
        print("grader: warning: --no-sandbox: student code runs without isolation, as "
              "this user, and can change the grader and its results", flush=True)
    limits = Limits()
    settings = Settings(assignment=assignment, sandbox=layer, limits=limits)
    rubric = settings.rubric()
    import grader

    print(f"activation-grader {__version__} from {Path(grader.__file__).parent}, "
          f"assignment {assignment}, sandbox {layer}", flush=True)
    folder = find_submission(root / "submission", sorted(set(rubric.files.values())))
    submission = read(folder, rubric.files)
    submission.id = "submission"
    with nothing_left_running() as ended:
        entry = grade(submission, settings)
    if ended:
        print(f"grader: ended {len(ended)} process(es) the submission left running",
              flush=True)
    path = write_results(root / "results" / "results.json", entry,
                         meta=grader_meta(settings))
    print(f"{entry['score']:g} / {entry['max_score']:g} ({entry['status']}); wrote {path}")
    return 0


def register(commands: Any) -> None:
    """Add ``run`` and ``build`` to ``commands`` (argparse sub-parsers): used by
    ``python -m grader.gradescope`` and by ``grader gradescope``."""
    runner = commands.add_parser("run", help="grade ROOT/submission into "
                                 "ROOT/results/results.json")
    runner.add_argument("--root", type=Path, default=None,
                        help=f"(default: ${ROOT_VARIABLE} or {DEFAULT_ROOT})")
    runner.add_argument("--assignment", default="activations", help="(default: activations)")
    _sandbox_options(runner)
    builder = commands.add_parser("build", help="write the autograder zip")
    builder.add_argument("out", type=Path, metavar="OUT.zip")
    builder.add_argument("--assignment", default="activations", help="(default: activations)")


def _sandbox_options(runner: argparse.ArgumentParser) -> None:
    from grader.sandbox import LAYERS, NAMED_ONLY

    runner.add_argument("--sandbox", choices=("auto", *LAYERS, *NAMED_ONLY), default="auto",
                        help="how student code is confined (default: auto, the best that "
                             "works: bubblewrap, else landlock; landlock-nons, Landlock and "
                             "seccomp without namespaces, only when named). When it does "
                             "not work here, nothing is graded: exit code 3 and a message "
                             "saying what to enable")
    runner.add_argument("--no-sandbox", action="store_true",
                        help="grade without a sandbox (separate processes only; student "
                             "code runs as this user and can change the grader and its "
                             "results): for testing the autograder with your own code, "
                             "never for students. run_autograder never passes it")


def command(args: argparse.Namespace) -> int:
    """Carry out a parsed ``run`` or ``build`` (``args.gradescope_command``)."""
    if args.gradescope_command == "run":
        from grader.sandbox import requested

        root = args.root or Path(os.environ.get(ROOT_VARIABLE, DEFAULT_ROOT))
        return run(root, assignment=args.assignment,
                   sandbox=requested(args.no_sandbox, args.sandbox))
    path = build_bundle(args.out, assignment=args.assignment)
    print(f"wrote {path}: upload it as the autograder of a Gradescope programming "
          "assignment (it holds the hidden tests: keep it private)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.gradescope",
                                     description="Gradescope autograder: run or build.")
    register(parser.add_subparsers(dest="gradescope_command", required=True))
    args = parser.parse_args(argv)
    try:
        return command(args)
    except UsageError as exc:
        print(f"grader: error: {printable(exc)}", file=sys.stderr)
        return 2
    except GraderError as exc:
        print(f"grader: failed: {printable(exc)}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
