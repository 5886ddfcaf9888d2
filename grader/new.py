"""``grader new``: compose an assignment of chosen functions from an assignment's catalogue.

    grader new COURSE_DIR --from activations --functions sigmoid,relu,prelu [--points FILE]

writes into ``COURSE_DIR`` (a new or empty folder) a complete assignment package that
:meth:`grader.assignment.Assignment.load` accepts, for just the chosen functions:

* ``assignment.toml``: the base's release lists, seed, import policy and check titles,
  ``composed_from``, and the chosen functions with their points per check -- the base's
  points where the base grades the function, defaults per kind of record otherwise
  (:data:`DEFAULT_POINTS`), ``--points`` overrides, the whole rebalanced to 100;
* the stubs: each student file that holds a chosen function is the base stub's header
  (docstring, imports, constants) followed by the chosen functions' ``def`` blocks,
  taken from the base stub or from the base's ``catalogue/`` stubs;
* ``README.md`` for students (generated), the base's public tests, ``conftest.py`` and
  ``pytest.ini``, and the public data regenerated for the chosen functions by the
  base's ``grading/make_public_data.py``;
* ``grading/`` (a copy of the base's hidden suites and registry), ``notebook.py`` (the
  base's template; ``grader nbgrader init`` filters it by the manifest), and
  ``examples/correct`` (the reference's modules) and ``examples/incomplete`` (the stubs).

The catalogue is the base's registry (``grading/registry.py``, loaded by path): every
record there can be graded. Nothing is written unless everything checks out: the
package is built in a temporary folder beside ``COURSE_DIR`` and moved into place last.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import math
import re
import shutil
import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from grader.assignment import MANIFEST, TOTAL, Assignment
from grader.errors import GraderError, UsageError
from grader.notebook import python_lines
from grader.release import CACHES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CATALOGUE = "catalogue"  # the base's folder of stubs its own stubs do not hold
DECIMALS = 3
HEADER_MARK = "# grader new:"  # a catalogue stub's header replaces the base's (compose_stub)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")

# Points per kind of check for a catalogue function the base does not grade, by the class
# of its registry record (and, for some, whether it is a derivative): the kinds the hidden
# suites run for such a record, weighted as the base weighs its own functions of that
# kind. A record may say itself which checks it supports (``record.checks``).
DEFAULT_POINTS: dict[str, dict[str, float]] = {
    "Elementwise": {"values": 1.5, "stability": 0.6, "contract": 0.45, "vectorized": 0.45},
    "Elementwise'": {"values": 1.0, "gradient": 0.5, "kink": 0.5, "stability": 0.375,
                     "contract": 0.3, "vectorized": 0.3},
    "AlongAxis": {"values": 2.0, "stability": 0.8, "contract": 0.6, "vectorized": 0.6},
    "AlongAxis'": {"values": 1.5, "gradient": 0.7, "stability": 0.5, "contract": 0.4,
                   "vectorized": 0.4, "jacobian": 0.5},
    "Channelwise": {"values": 1.5, "contract": 0.45, "vectorized": 0.45},
    "Channelwise'": {"values": 1.2, "gradient": 0.6, "kink": 0.5, "contract": 0.45,
                     "vectorized": 0.45},
    "Initializer": {"scale": 1.05, "mean": 0.3, "distribution": 0.6, "generator": 0.6,
                    "contract": 0.45},
    "Initializer0": {"values": 0.6, "contract": 0.4},
    "Table": {"values": 1.5, "errors": 0.5},
    "Detector": {"values": 3.5, "batching": 2.1, "contract": 1.4},
    "Saturation": {"values": 3.5, "batching": 2.1, "contract": 1.4, "errors": 0.5},
    "DepthExperiment": {"values": 3.0, "generator": 1.0, "contract": 0.5, "errors": 0.5},
}
# titles of kinds of check a base may not have (the base's own titles win)
DEFAULT_TITLES = {
    "values": "values match the reference",
    "stability": "finite and warning-free for large inputs",
    "contract": "returns a new ndarray of the right shape and dtype, input untouched",
    "vectorized": "vectorized (no Python loop over elements)",
    "gradient": "agrees with the slope of the forward function",
    "kink": "follows the convention at the kink",
    "errors": "rejects invalid arguments with ValueError",
    "batching": "processes X in batches, memory independent of the sample count",
    "generator": "draws only from the given Generator",
}


@dataclass
class Composition:
    """What ``grader new`` will write, computed and checked before anything is written."""

    base: Assignment
    name: str
    functions: list[str]  # in catalogue order
    files: dict[str, str]  # function -> student file
    points: dict[str, dict[str, float]]  # function -> check -> points (total 100)
    titles: dict[str, str]
    stubs: dict[str, str] = field(default_factory=dict)  # student file -> source
    without_public_tests: list[str] = field(default_factory=list)  # no public data for these


@dataclass(frozen=True)
class Composed:
    """What ``grader new`` wrote."""

    folder: Path
    files: list[Path]  # sorted
    without_public_tests: list[str]  # graded, but the public tests cannot check them


# --- the command line ------------------------------------------------------------------


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``new`` to ``grader``'s sub-commands."""
    parser = subparsers.add_parser(
        "new", help="compose an assignment of chosen functions from a catalogue",
        description="Write into COURSE_DIR (a new or empty folder) a complete assignment "
                    "of just the chosen functions: manifest (assignment.toml, 100 points), "
                    "stubs, student README, public tests with their data, hidden suites, "
                    "notebook template and examples. Then `grader release COURSE_DIR OUT`, "
                    "`grader grade --assignment COURSE_DIR ...` and `grader nbgrader init "
                    "COURSE --assignment COURSE_DIR` work on it.",
        epilog="points FILE (TOML): `[points]` then `sigmoid = 12.5` (a function's total, "
               "shared among its checks as by default) or a table `[points.relu_grad]` then "
               "`kink = 2` (one check; 0 drops it). Functions the file names keep its "
               "points; the others are scaled to make up 100 (all are, when it names every "
               "function). Exit codes: 0 written, 2 bad arguments (nothing written).")
    parser.add_argument("course_dir", type=Path, metavar="COURSE_DIR",
                        help="the new assignment's folder (new, or an empty folder)")
    parser.add_argument("--from", dest="base", default="activations", metavar="ASSIGNMENT",
                        help="the assignment whose catalogue to take functions from: a "
                             "packaged assignment's name or a folder (default: activations)")
    parser.add_argument("--functions", required=True, metavar="NAMES",
                        help="comma-separated functions to grade, e.g. sigmoid,relu,relu_grad")
    parser.add_argument("--points", type=Path, metavar="FILE",
                        help="a TOML file of points that override the defaults (see below)")
    parser.add_argument("--name", help="the assignment's name (default: COURSE_DIR's name); "
                                       "nbgrader knows the assignment by it")
    return parser


def run(args: argparse.Namespace) -> int:
    """Carry out ``grader new``."""
    functions = [f.strip() for f in args.functions.split(",") if f.strip()]
    composed = compose(args.course_dir, args.base, functions, points_file=args.points,
                       name=args.name)
    folder = args.course_dir
    print(f"wrote {len(composed.files)} files to {folder}:")
    for path in composed.files:
        print(f"  {path.relative_to(folder).as_posix()}")
    if composed.without_public_tests:
        print(f"note: the public tests cannot check {', '.join(composed.without_public_tests)} "
              "without the reference; only the grader does")
    name = Assignment.load(folder).name
    print("next:\n"
          f"  grader release {folder} OUT                     # the student bundle\n"
          f"  grader grade --assignment {folder} {folder / 'examples' / 'correct'}"
          "   # scores 100\n"
          f"  grader nbgrader init COURSE --assignment {folder}   # source/{name}/{name}.ipynb")
    return 0


# --- composing -------------------------------------------------------------------------


def compose(course_dir: Path, base: str | Path, functions: Sequence[str], *,
            points_file: Path | None = None, name: str | None = None,
            root: Path | None = None) -> Composed:
    """Write the assignment of ``functions`` taken from ``base`` into ``course_dir``.

    Returns what it wrote. Raises :class:`UsageError` (and writes nothing)
    for an unknown function, a ``course_dir`` that is not new or empty, or a bad points
    file."""
    course_dir = Path(course_dir)
    if course_dir.exists() and (not course_dir.is_dir() or any(course_dir.iterdir())):
        raise UsageError(f"Expected a new or empty folder but got COURSE_DIR={str(course_dir)!r} "
                         "(it exists and is not an empty folder)")
    composition = plan(Assignment.load(base, root), functions, name or course_dir.resolve().name,
                       points_file)
    import tempfile  # here: `grader` builds this command's parser at every start

    parent = course_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{composition.name}-", dir=parent))
    try:
        _write(composition, staging)
        Assignment.load(staging)  # the package must be consistent before it is moved in
        if course_dir.exists():
            course_dir.rmdir()  # empty: checked above
        staging.rename(course_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    Assignment.load(course_dir)
    return Composed(course_dir, sorted(p for p in course_dir.rglob("*") if p.is_file()),
                    composition.without_public_tests)


def plan(base: Assignment, functions: Sequence[str], name: str,
         points_file: Path | None = None) -> Composition:
    """Everything ``grader new`` writes but the files themselves: checked, nothing written."""
    if not _NAME.match(name):
        raise UsageError(f"Expected an assignment name of letters, digits, '_', '.' and '-' "
                         f"but got name={name!r} (give one with --name)")
    registry = load_registry(base)
    records = catalogue(registry)
    chosen = list(dict.fromkeys(functions))
    if not chosen:
        raise UsageError("Expected at least one function but got --functions=''")
    unknown = [f for f in chosen if f not in records]
    if unknown:
        raise UsageError(f"Expected functions of the catalogue of {base.name} but got "
                         f"{', '.join(unknown)}. The catalogue: {describe(records)}")
    stubs = _stub_sources(base)
    order = {f: i for i, f in enumerate(_stub_order(stubs, records))}
    missing = [f for f in chosen if f not in order]
    if missing:
        raise GraderError(f"no stub for {', '.join(missing)} in {base.folder} or its "
                          f"{CATALOGUE}/ folder")
    files = {f: str(records[f].file) for f in chosen}
    chosen.sort(key=lambda f: (base.student_files.index(files[f]), order[f]))
    points = {f: dict(_default_points(base, f, records[f])) for f in chosen}
    fixed = _overrides(points_file, points, records) if points_file else set()
    titles = dict(base.rubric.titles)
    for checks in points.values():
        for kind in checks:
            titles.setdefault(kind, DEFAULT_TITLES.get(kind, kind))
    composition = Composition(base, name, chosen, files, rebalance(points, fixed), titles)
    composition.stubs = {file: compose_stub(stubs, file, [f for f in chosen if files[f] == file])
                         for file in base.student_files if file in files.values()}
    return composition


def load_registry(base: Assignment) -> ModuleType:
    """The base's registry module (its catalogue), loaded by path."""
    if not base.registry.is_file():
        raise UsageError(f"{base.name} has no registry ({base.registry}) to take a catalogue "
                         "from")
    return base.load_registry()


def catalogue(registry: ModuleType) -> dict[str, Any]:
    """Function name -> registry record, for every record of the registry."""
    records = getattr(registry, "RECORDS", None)
    if not isinstance(records, Mapping):
        raise GraderError(f"the registry {registry.__file__} has no RECORDS table")
    return dict(records)


def describe(records: Mapping[str, Any]) -> str:
    """The catalogue by student file, on one line (messages are shown on one line)."""
    by_file: dict[str, list[str]] = {}
    for name, record in records.items():
        by_file.setdefault(str(record.file), []).append(name)
    return "; ".join(f"{file}: {', '.join(names)}" for file, names in by_file.items())


def kinds(record: Any) -> dict[str, float]:
    """The kinds of check the hidden suites run for a catalogue ``record``, with their
    default points (before the rebalance)."""
    declared = getattr(record, "checks", None)
    key = type(record).__name__
    if key == "Initializer" and getattr(record, "family", "") == "zeros":
        key = "Initializer0"
    elif getattr(record, "derivative_of", None) or getattr(record, "upstream", False):
        key += "'"
    table = DEFAULT_POINTS.get(key)
    if table is None and not declared:
        raise GraderError(f"grader new does not know which checks grade {record.name} (a "
                          f"{type(record).__name__} record); add it to DEFAULT_POINTS")
    table = dict(table or {})
    if key == "Elementwise'" and not getattr(record, "kinks", ()):
        table.pop("kink")
    if declared:
        table = {kind: table.get(kind, 0.5) for kind in declared}
    return table


def _default_points(base: Assignment, function: str, record: Any) -> dict[str, float]:
    graded = {check: p for (f, check), p in base.rubric.points.items() if f == function}
    return graded or kinds(record)


def _overrides(path: Path, points: dict[str, dict[str, float]],
               records: Mapping[str, Any]) -> set[str]:
    """Apply the points file to ``points``; return the functions it names."""
    where = f"in the points file {path}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"Cannot read the points file {path}: {exc}") from None
    table = data.get("points")
    if not isinstance(table, dict) or set(data) != {"points"}:
        raise UsageError(f"Expected one table [points] {where} but got tables "
                         f"{sorted(data) or 'none'}")
    for function, value in table.items():
        if function not in points:
            raise UsageError(f"Expected points for the chosen functions "
                             f"({', '.join(points)}) but got points.{function} {where}")
        if isinstance(value, dict):
            supported = kinds(records[function]) | points[function]
            for check, number in value.items():
                if check not in supported:
                    raise UsageError(f"Expected a check of {function} ({', '.join(supported)})"
                                     f" but got points.{function}.{check} {where}")
                points[function][check] = _number(number, f"points.{function}.{check}",
                                                  where, zero=True)
                if points[function][check] == 0:
                    del points[function][check]
            if not points[function]:
                raise UsageError(f"points.{function} {where} leaves {function} no points")
        else:
            total = _number(value, f"points.{function}", where)
            old = sum(points[function].values())
            points[function] = {c: p * total / old for c, p in points[function].items()}
    return set(table)


def _number(value: Any, key: str, where: str, *, zero: bool = False) -> float:
    if (not isinstance(value, (int, float)) or isinstance(value, bool)
            or not math.isfinite(value) or value < 0 or (value == 0 and not zero)):
        wanted = "a number >= 0" if zero else "a number > 0"
        raise UsageError(f"Expected {wanted} but got {key}={value!r} {where}")
    return float(value)


def rebalance(points: dict[str, dict[str, float]], fixed: Collection[str] = (),
              total: float = TOTAL) -> dict[str, dict[str, float]]:
    """Scale the points so they add up to exactly ``total``, rounded to 3 decimals.

    The functions in ``fixed`` keep their points and the others are scaled to make up the
    rest; when every function is fixed, all are scaled. What rounding leaves over goes to
    the largest check (of a function that is not fixed, if any)."""
    kept = sum(p for f in fixed for p in points[f].values())
    free = [f for f in points if f not in fixed] or list(points)
    target = total - kept if len(free) < len(points) else total
    if target <= 0:
        raise UsageError(f"the points file gives its functions {kept:g} points, which leaves "
                         f"nothing of the {total:g} for {', '.join(free)}")
    scale = target / sum(p for f in free for p in points[f].values())
    result = {f: {c: round(p * scale if f in free else p, DECIMALS) for c, p in checks.items()}
              for f, checks in points.items()}
    largest = max(((f, c) for f in free for c in result[f]), key=lambda k: result[k[0]][k[1]])
    rest = round(total - sum(p for checks in result.values() for p in checks.values()), DECIMALS)
    result[largest[0]][largest[1]] = round(result[largest[0]][largest[1]] + rest, DECIMALS)
    zero = [f"{f}.{c}" for f, checks in result.items() for c, p in checks.items() if p <= 0]
    if zero:
        raise UsageError(f"after rebalancing to {total:g}, {', '.join(zero)} would get no "
                         "points: give fewer points to the functions in the points file")
    return result


# --- stubs -----------------------------------------------------------------------------


def _stub_sources(base: Assignment) -> dict[str, list[str]]:
    """Student file -> its stub sources: the base's, then the catalogue's (if any)."""
    sources: dict[str, list[str]] = {}
    for file in base.student_files:
        found = [base.folder / file, base.folder / CATALOGUE / file]
        sources[file] = [p.read_text(encoding="utf-8") for p in found if p.is_file()]
    return sources


def _stub_order(stubs: Mapping[str, list[str]], records: Mapping[str, Any]) -> list[str]:
    """Every function some stub defines, in the order of the stubs."""
    names: list[str] = []
    for file in stubs:
        for source in stubs[file]:
            names.extend(n for n in _defs(source) if n in records
                         and str(records[n].file) == file and n not in names)
    return names


def _defs(source: str) -> dict[str, tuple[int, int]]:
    """Top-level function -> (first, last) line, 1-based, with its decorators and the
    comment lines right above it."""
    lines = python_lines(source)
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            while start > 1 and lines[start - 2].lstrip().startswith("#"):
                start -= 1
            found[node.name] = (start, node.end_lineno or node.lineno)
    return found


def compose_stub(stubs: Mapping[str, list[str]], file: str, functions: Sequence[str]) -> str:
    """The base stub's header (everything before its first function) and the ``def``
    blocks of ``functions``, from the base stub or the catalogue's, in that order. When
    none of ``functions`` is the base stub's and the catalogue stub says its header
    replaces the base's (a ``# grader new:`` line: the base's would describe functions
    the student does not write, dead ReLUs for a file of saturated units), that header
    is used, without the marker line."""
    base = stubs[file][0]
    if (len(stubs[file]) > 1 and not set(functions) & set(_defs(base))
            and HEADER_MARK in stubs[file][1]):
        base = stubs[file][1]
    defs = _defs(base)
    header_end = min((start for start, _ in defs.values()), default=len(python_lines(base)) + 1)
    header = "\n".join(line for line in python_lines(base)[:header_end - 1]
                       if not line.startswith(HEADER_MARK)).rstrip("\n")
    blocks = []
    for function in functions:
        for source in stubs[file]:
            span = _defs(source).get(function)
            if span:
                blocks.append("\n".join(python_lines(source)[span[0] - 1:span[1]]))
                break
    return header + "\n\n\n" + "\n\n\n".join(blocks) + "\n"


# --- writing ---------------------------------------------------------------------------


def _write(composition: Composition, folder: Path) -> None:
    from grader.new_readme import student_readme

    base = composition.base
    for file, source in composition.stubs.items():
        (folder / file).write_text(source, encoding="utf-8")
    (folder / MANIFEST).write_text(manifest(composition), encoding="utf-8")
    shutil.copytree(base.suites, folder / "grading",
                    ignore=shutil.ignore_patterns(*CACHES, "*.pyc", ".hypothesis"))
    if base.notebook_template.is_file():
        shutil.copyfile(base.notebook_template, folder / "notebook.py")
    from grader.release import manifest_files

    skipped = {*base.student_files, "README.md"}
    for relative in manifest_files(base.folder):
        if relative.as_posix() not in skipped:
            target = folder.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(base.folder.joinpath(*relative.parts), target)
    composition.without_public_tests = public_data(folder, composition.functions)
    (folder / "README.md").write_text(student_readme(composition, base.folder / "README.md"),
                                      encoding="utf-8")
    _examples(composition, folder)


def manifest(composition: Composition) -> str:
    """The composed ``assignment.toml``."""
    base = composition.base
    files = [f for f in base.student_files if f in composition.files.values()]
    public = [p for p in base.public if p not in base.student_files]
    allowed = {library: list(names) for library, names in base.policy.allowed.items()}
    used = {k for checks in composition.points.values() for k in checks}
    lines = [
        f"# The manifest of {composition.name}, written by `grader new` from the catalogue "
        f"of {base.name}.",
        "# Points per function and per kind of check: 100 in all (see grader/assignment.py).",
        "",
        f"name = {_str(composition.name)}",
        f"title = {_str(base.title)}",
        f"composed_from = {_str(base.name)}",
        f"student_files = {_list(files)}",
        f"public = {_list(public)}",
        f"seed = {base.seed}",
        "",
        "[policy]",
        "allowed = { " + ", ".join(f"{_str(k)} = {_list(v)}" for k, v in allowed.items()) + " }",
        "",
        "[checks]",
        *(f"{kind} = {{ title = {_str(title)} }}" for kind, title in composition.titles.items()
          if kind in used or kind in base.rubric.titles),
    ]
    for function in composition.functions:
        checks = composition.points[function]
        lines += ["", f"[functions.{function}]", f"file = {_str(composition.files[function])}",
                  "points = { " + ", ".join(f"{c} = {_num(p)}" for c, p in checks.items())
                  + " }"]
    return "\n".join(lines) + "\n"


def _str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_str(i) for i in items) + "]"


def _num(value: float) -> str:
    return f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")


def public_data(folder: Path, functions: Sequence[str]) -> list[str]:
    """Regenerate the public tests' data for ``functions`` with the composed package's own
    copy of the base's ``grading/make_public_data.py`` (it writes into its own folder).
    Returns the functions it could write no public test data for."""
    script = folder / "grading" / "make_public_data.py"
    if not script.is_file():
        return list(functions)
    spec = importlib.util.spec_from_file_location(f"_grader_new_public_{folder.name}", script)
    if spec is None or spec.loader is None:  # pragma: no cover
        raise GraderError(f"cannot load {script}")
    import inspect

    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    build = module.build
    if "functions" not in inspect.signature(build).parameters:
        raise GraderError(f"{script} cannot write the data of chosen functions only (its "
                          "build() takes no functions)")
    data = build(functions=list(functions))
    output = Path(module.OUTPUT)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(module.dumps(data), encoding="utf-8")
    return [str(f) for f in data.get("without_public_tests", [])]


def _examples(composition: Composition, folder: Path) -> None:
    """``examples/incomplete`` (the stubs) and ``examples/correct`` (the reference's modules
    of the chosen files, with the sibling modules they import)."""
    incomplete, correct = folder / "examples" / "incomplete", folder / "examples" / "correct"
    incomplete.mkdir(parents=True)
    correct.mkdir(parents=True)
    for file, source in composition.stubs.items():
        (incomplete / file).write_text(source, encoding="utf-8")
    spec = importlib.util.find_spec("reference")
    if spec is None or not spec.submodule_search_locations:
        raise GraderError("the reference solution (package `reference`) is not installed")
    reference = Path(next(iter(spec.submodule_search_locations)))
    family = {Path(f).stem for f in composition.base.student_files}
    pending = list(composition.stubs)
    while pending:
        file = pending.pop()
        if (correct / file).exists():
            continue
        source = (reference / file).read_text(encoding="utf-8")
        (correct / file).write_text(source, encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module in family:
                pending.append(f"{node.module}.py")
