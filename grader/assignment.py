"""An assignment: one folder, one manifest, loaded once and handed to every layer.

An assignment is a self-contained folder (``assignments/<name>/`` in the package, or any
folder a course keeps, such as one ``grader new`` wrote) whose ``assignment.toml`` is the
single source of truth for it:

* what is shipped to students (``student_files``, ``public``);
* which functions are graded, in which file, with how many points per kind of check
  (``[functions.NAME]``), and the title of each kind of check (``[checks]``);
* the seed of its random inputs and the libraries graded code may use (``[policy]``).

Everything else is derived from it or checked against it when it loads: the stubs must
define every graded function of their file, every graded file must be a student file, the
points must add up to the total, every kind of check must have a title, and the hidden
suites (``grading/test_*.py``) must exist. An inconsistency is one clear
:class:`~grader.errors.RubricError` at load, never a silent zero later.

The engine never imports an assignment's modules by name: it reads the manifest, hands
the hidden suites' folder to pytest and loads a notebook template or a registry by path.
This module is light (no numpy, no pytest): the command line reads the manifest before
the heavy imports.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any

from grader.errors import RubricError, UsageError
from grader.rubric import Rubric

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MANIFEST = "assignment.toml"
TOTAL = 100.0
# the only library besides numpy and the standard library that the worker preloads, and
# so the only one whose names a manifest may allow
POLICY_LIBRARIES = ("scipy.special",)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# besides the standard library: what graded code imports, which a student file must not hide
SHADOWED = frozenset({"numpy", "scipy"})


def assignments_root() -> Path:
    """The folder that holds one sub-folder per packaged assignment.

    It sits next to the ``grader`` package: in the source tree for an editable install,
    in site-packages when the assignments are installed as package data.
    """
    return Path(__file__).resolve().parents[1] / "assignments"


def available_assignments(root: Path | None = None) -> list[str]:
    """Names of the assignments under ``root`` (those with a manifest), sorted."""
    root = assignments_root() if root is None else root
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / MANIFEST).is_file())


def assignment_dir(name: str, root: Path | None = None) -> Path:
    """The folder of assignment ``name``; a clear error if there is none.

    ``name`` is the name of a packaged assignment (or one under ``root``), or the path of
    a folder holding an ``assignment.toml`` (a course's own, e.g. written by
    ``grader new``)."""
    root = assignments_root() if root is None else root
    if name in available_assignments(root):
        return root / name
    path = Path(name).expanduser()
    if (_looks_like_path(name) or path.is_dir()) and (path / MANIFEST).is_file():
        return path.resolve()
    known = ", ".join(available_assignments(root)) or "none"
    if _looks_like_path(name) or path.exists():
        raise UsageError(f"Expected a folder holding an {MANIFEST} but got assignment={name!r} "
                         f"(no {MANIFEST} in {path}; packaged assignments: {known})")
    raise UsageError(
        f"Expected the name of an assignment but got assignment={name!r} "
        f"(available in {root}: {known}; or give the path of an assignment folder)"
    )


def _looks_like_path(name: str) -> bool:
    return "/" in name or name.startswith((".", "~"))


@dataclass(frozen=True)
class Policy:
    """Which names graded code may use besides numpy, math and the standard library."""

    allowed: dict[str, tuple[str, ...]]  # library -> names, e.g. scipy.special -> (erf,)

    def describe(self) -> str:
        """The rule as students are told it when they break it."""
        extra = [f"{library}.{'/'.join(names)}" for library, names in self.allowed.items()
                 if names]
        allowed = ", ".join(["numpy", "math", *extra][:-1]) + " and " + (extra or ["math"])[-1]
        return (f"graded code may use {allowed} only; library implementations of the "
                "functions you are asked to write are not allowed")

    def wire(self) -> dict[str, list[str]]:
        """What the worker is told (see grader/worker/_policy.py ``allow``)."""
        return {library: list(names) for library, names in self.allowed.items()}


@dataclass(frozen=True)
class Assignment:
    """A loaded, validated assignment. Picklable; cheap to load (a TOML file and the
    stubs' syntax trees)."""

    name: str
    folder: Path
    title: str
    student_files: tuple[str, ...]
    public: tuple[str, ...]
    seed: int
    policy: Policy
    rubric: Rubric
    composed_from: str = ""  # the catalogue a composed assignment was made from

    @property
    def suites(self) -> Path:
        """The hidden suites (and whatever else is never shipped)."""
        return self.folder / "grading"

    @property
    def notebook_template(self) -> Path:
        """The teaching notebook's template (``grader nbgrader init``); it may be absent."""
        return self.folder / "notebook.py"

    @property
    def registry(self) -> Path:
        """The hidden suites' registry of graded functions (plots and pages read it)."""
        return self.suites / "registry.py"

    @property
    def functions(self) -> list[str]:
        return self.rubric.functions

    def load_registry(self) -> ModuleType:
        """The hidden suites' registry (the catalogue), loaded by path under a private
        name, once per process (see :func:`load_module`)."""
        return load_module(self.registry)

    @property
    def files(self) -> dict[str, str]:
        """function -> the student file that must define it."""
        return self.rubric.files

    @classmethod
    def load(cls, name: str | Path = "activations", root: Path | None = None) -> Assignment:
        """Load and validate the assignment ``name`` (a name or a folder's path)."""
        folder = assignment_dir(str(name), root)
        path = folder / MANIFEST
        try:
            stamp = path.stat().st_mtime_ns
        except OSError as exc:
            raise RubricError(f"cannot read the manifest {path}: {exc}") from None
        key = (folder, stamp)
        if key not in _loaded:
            _loaded[key] = cls._read(folder)
        return _loaded[key]

    @classmethod
    def _read(cls, folder: Path) -> Assignment:
        path = folder / MANIFEST
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise RubricError(f"cannot read the manifest {path}: {exc}") from None
        where = f"in {path}"
        name = _text(data.get("name", folder.name), "name", where)
        student_files = _paths(data.get("student_files"), "student_files", where)
        public = _paths(data.get("public", []), "public", where)
        seed = data.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise RubricError(f"Expected a non-negative integer but got seed={seed!r} {where}")
        rubric = Rubric.from_data(data, name, where)
        policy = _policy(data.get("policy", {}), where)
        assignment = cls(name=name, folder=folder, title=_text(data.get("title", name),
                                                               "title", where),
                         student_files=student_files, public=public, seed=seed,
                         policy=policy, rubric=rubric,
                         composed_from=_text(data.get("composed_from", ""), "composed_from",
                                             where))
        assignment._validate(data, where)
        return assignment

    def _validate(self, data: dict[str, Any], where: str) -> None:
        total = data.get("total", TOTAL)
        if not isinstance(total, (int, float)) or isinstance(total, bool):
            raise RubricError(f"Expected a number but got total={total!r} {where}")
        if not self.rubric.points:
            raise RubricError(f"{where}: no graded function ([functions.NAME] with points)")
        if abs(self.rubric.total - total) > 1e-6:
            raise RubricError(f"the points {where} add up to {self.rubric.total:g}, not "
                              f"{total:g}: rebalance them (or set total = {self.rubric.total:g})")
        for file in self.student_files:
            stem = file.removesuffix(".py")
            if not file.endswith(".py") or not _IDENTIFIER.match(stem):
                raise RubricError(f"{where}: the student file {file!r} must be NAME.py in the "
                                  "assignment's folder, NAME a Python name (it is imported "
                                  "as module NAME)")
            if stem in SHADOWED or stem in sys.stdlib_module_names:
                raise RubricError(f"{where}: the student file {file!r} would hide the module "
                                  f"{stem} that graded code imports; choose another name")
        for function, file in self.rubric.files.items():
            if not _IDENTIFIER.match(function):
                raise RubricError(f"{where}: [functions.{function}] is not a Python name")
            if file not in self.student_files:
                raise RubricError(f"{where}: {function} is graded in {file}, which is not one "
                                  f"of the student_files {list(self.student_files)}")
            if function not in {f for f, _ in self.rubric.points}:
                raise RubricError(f"{where}: {function} has no points")
        for file in self.student_files:
            defined = _defined_functions(self.folder / file, where)
            missing = [f for f, in_file in self.rubric.files.items()
                       if in_file == file and f not in defined]
            if missing:
                raise RubricError(f"the stub {file} of {self.name} does not define "
                                  f"{', '.join(missing)}, graded {where}")
        if not sorted(self.suites.glob("test_*.py")):
            raise RubricError(f"{self.name} has no hidden suites ({self.suites}/test_*.py)")


_loaded: dict[tuple[Path, int], Assignment] = {}
_modules: dict[Path, ModuleType] = {}


def load_module(path: Path) -> ModuleType:
    """An assignment's Python file (its registry), loaded by path under a private name,
    with its folder on ``sys.path`` while it runs (for a sibling it imports); once per
    process and file. Raises :class:`RubricError` if it does not load."""
    path = Path(path).resolve()
    if path in _modules:
        return _modules[path]
    name = "_grader_assignment_" + hashlib.sha1(str(path).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise RubricError(f"there is no {path.name} at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise RubricError(f"{path} does not load: {type(exc).__name__}: {exc}") from exc
    finally:
        sys.path.remove(str(path.parent))
    _modules[path] = module
    return module


def _text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str):
        raise RubricError(f"Expected text but got {key}={value!r} {where}")
    return value


def _paths(value: Any, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RubricError(f"Expected a list of paths but got {key}={value!r} {where}")
    for entry in value:
        parts = PurePosixPath(entry).parts
        if entry.startswith("/") or ".." in parts or "\\" in entry:
            raise RubricError(f"Expected a relative path inside the assignment but got "
                              f"{key} entry {entry!r} {where}")
    return tuple(value)


def _policy(value: Any, where: str) -> Policy:
    if not isinstance(value, dict):
        raise RubricError(f"Expected a table but got policy={value!r} {where}")
    allowed = value.get("allowed", {})
    if not isinstance(allowed, dict):
        raise RubricError(f"Expected a table but got policy.allowed={allowed!r} {where}")
    result: dict[str, tuple[str, ...]] = {}
    for library, names in allowed.items():
        if library not in POLICY_LIBRARIES:
            raise RubricError(f"{where}: policy.allowed names {library!r}; graded code may "
                              f"be allowed names of {', '.join(POLICY_LIBRARIES)} only (numpy, "
                              "math and the standard library are always allowed)")
        if not isinstance(names, list) or not all(isinstance(n, str) and _IDENTIFIER.match(n)
                                                  for n in names):
            raise RubricError(f"Expected a list of names but got policy.allowed.{library}="
                              f"{names!r} {where}")
        result[library] = tuple(names)
    return Policy(result)


def _defined_functions(path: Path, where: str) -> set[str]:
    """The top-level functions a stub defines (parsed, never imported)."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except OSError as exc:
        raise RubricError(f"the student file {path.name} named {where} cannot be read: "
                          f"{exc}") from None
    except (SyntaxError, ValueError) as exc:
        raise RubricError(f"the stub {path} does not parse: {exc}") from None
    return {node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
