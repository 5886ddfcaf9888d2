"""Answer cells from the sources of truth: the stubs' signatures, the reference's bodies.

The notebook's answer cell for a graded function is the stub's ``def`` line and
docstring (what students read), followed by the reference solution's body between
nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers (what
``nbgrader generate_assignment`` removes). Nothing is copied by hand, so the
notebook cannot drift from ``reference/`` or from the stubs.

The reference's module-level helpers (``_as_float64``, ``_sigmoid``, constants ...)
are nested inside the solution region of each function that uses them, with the
imports they need, so that every answer cell stands alone: a helper at the top level
of a cell would leave the student a top-level ``raise NotImplementedError()``.
Names the notebook's set-up cell defines (from the stubs' module level: ``np``,
``ArrayLike``, ``SELU_LAMBDA`` ...) and the graded functions themselves stay global.
"""

from __future__ import annotations

import ast
import builtins
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from grader.notebook import python_lines

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


@dataclass
class _Module:
    """The top-level names of one source file."""

    name: str
    source: str
    tree: ast.Module
    definitions: dict[str, ast.stmt] = field(default_factory=dict)  # def / assignment
    imports: dict[str, str] = field(default_factory=dict)  # name -> import line
    siblings: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (module, name)

    @classmethod
    def read(cls, path: Path, family: Iterable[str]) -> _Module:
        source = path.read_text(encoding="utf-8")
        module = cls(path.stem, source, ast.parse(source))
        family = set(family)
        for node in module.tree.body:
            module._add(node, family)
        return module

    def _add(self, node: ast.stmt, family: set[str]) -> None:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            self.definitions[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    self.definitions[target.id] = node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                line = f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
                self.imports[alias.asname or alias.name.partition(".")[0]] = line
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            module = node.module or ""
            sibling = module.rpartition(".")[2] if node.level else module
            for alias in node.names:
                local = alias.asname or alias.name
                if sibling in family:  # from .activations import x / from activations import x
                    self.siblings[local] = (sibling, alias.name)
                else:
                    self.imports[local] = (f"from {node.module} import {alias.name}"
                                           + (f" as {alias.asname}" if alias.asname else ""))
        elif isinstance(node, ast.If):  # `if __package__: from .x import ... else: ...`
            for child in node.body:
                self._add(child, family)


class References:
    """The reference solution's files, for building answer cells."""

    def __init__(self, paths: Iterable[Path], given: Iterable[str], graded: Iterable[str]) -> None:
        paths = list(paths)
        family = [p.stem for p in paths]
        self.modules = {p.stem: _Module.read(p, family) for p in paths}
        self.order = {name: i for i, name in enumerate(family)}
        self.given = set(given)
        self.graded = set(graded)

    def solution(self, function: str, module: str) -> str:
        """The body of ``function`` with the helpers it needs nested in front, unindented."""
        node = self.modules[module].definitions.get(function)
        if not isinstance(node, ast.FunctionDef):
            raise LookupError(f"the reference {module}.py does not define {function}")
        imports: dict[str, None] = {}
        helpers: dict[tuple[str, str], ast.stmt] = {}
        pending = [(module, n) for n in sorted(_names(node.body))]
        while pending:
            where, name = pending.pop()
            found = self._resolve(where, name)
            if found is None:
                continue
            if isinstance(found, str):
                imports.setdefault(found)
                continue
            key, helper = found
            if key not in helpers:
                helpers[key] = helper
                pending.extend((key[0], n) for n in sorted(_names([helper])))
        ordered = sorted(helpers.items(),
                         key=lambda item: (self.order[item[0][0]], item[1].lineno))
        parts = [*sorted(imports)]
        for (where, _), helper in ordered:
            parts.append(_source(self.modules[where].source, helper))
        parts.append(_body(self.modules[module].source, node))
        return "\n".join(parts)

    def _resolve(self, module: str, name: str) -> str | tuple[tuple[str, str], ast.stmt] | None:
        """An import line, a helper to nest, or None (global, builtin or local name)."""
        if name in self.graded or name in self.given or hasattr(builtins, name):
            return None
        found = self.modules[module]
        if name in found.definitions:
            return (module, name), found.definitions[name]
        if name in found.imports:
            return found.imports[name]
        if name in found.siblings:
            other, original = found.siblings[name]
            if original in self.graded or original in self.given:
                return None
            return self._resolve(other, original)
        return None


def _names(nodes: Iterable[ast.AST]) -> set[str]:
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def _source(source: str, node: ast.stmt) -> str:
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    lines = python_lines(source)[start - 1:node.end_lineno]
    # keep the comment block right above a helper: it says why the helper exists
    above = start - 2
    all_lines = python_lines(source)
    while above >= 0 and all_lines[above].lstrip().startswith("#"):
        lines.insert(0, all_lines[above])
        above -= 1
    return "\n".join(lines) + ("\n" if isinstance(node, ast.FunctionDef) else "")


def _body(source: str, node: ast.FunctionDef) -> str:
    """The function's statements after its docstring, dedented."""
    body = node.body
    first = body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
        and isinstance(first.value.value, str)
    start = (first.end_lineno or first.lineno) + 1 if has_doc and len(body) > 1 \
        else first.lineno
    lines = python_lines(source)[start - 1:node.end_lineno]
    return textwrap.dedent("\n".join(lines)).strip("\n")


def stub_header(source: str, function: str) -> str:
    """The stub's ``def`` line(s) and docstring of ``function`` (everything but its body)."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            first = node.body[0]
            if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)):
                raise LookupError(f"the stub of {function} has no docstring")
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return "\n".join(python_lines(source)[start - 1:first.end_lineno])
    raise LookupError(f"the stub does not define {function}")


def stub_module_code(source: str, graded: Iterable[str]) -> tuple[list[str], set[str]]:
    """The stub's module-level code that is not a graded function (imports, constants),
    one statement each with the comment above it, and the names it binds."""
    graded = set(graded)
    tree = ast.parse(source)
    statements: list[str] = []
    names: set[str] = set()
    for index, node in enumerate(tree.body):
        if index == 0 and isinstance(node, ast.Expr):
            continue  # the module docstring
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.FunctionDef) and node.name in graded:
            continue
        statements.append(_source(source, node).rstrip("\n"))
        names |= _bound(node)
    return statements, names


def _bound(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {a.asname or a.name.partition(".")[0] for a in node.names}
    if isinstance(node, ast.FunctionDef | ast.ClassDef):
        return {node.name}
    targets = node.targets if isinstance(node, ast.Assign) else \
        [node.target] if isinstance(node, ast.AnnAssign) else []
    return {t.id for t in targets if isinstance(t, ast.Name)}


def answer_source(header: str, body: str) -> str:
    """An answer cell: the stub's header, then the solution between the markers."""
    indent = " " * 4
    solution = textwrap.indent(body, indent, lambda line: bool(line.strip()))
    return f"{header}\n{indent}{BEGIN}\n{solution}\n{indent}{END}\n".rstrip("\n")
