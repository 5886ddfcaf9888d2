"""Student files composed from a base file and a snippet that changes part of it.

The grading-validity tests put a catalogued mistake (tests/submissions/mistakes.py)
into a correct solution; the attack suite puts a hostile snippet
(tests/attacks/hostile/) into the reference's file.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, Literal

from grader.submission import Submission, read


def functions(source: str) -> set[str]:
    """The names of the top-level functions that ``source`` defines."""
    return {n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}


def compose(base: str, snippet: str, *, code_at: Literal["top", "end"] = "end") -> str:
    """``base`` (a module's source) changed by ``snippet``.

    The snippet's functions replace the base's of the same name, in place; its
    docstring, with the comments under it, replaces the base's; its imports go after
    the base's. The rest of it (other functions, classes, statements), in its own
    order, goes right after the imports (``"top"``: it runs before any of the base's
    code, as at the top of a file) or after the base's code (``"end"``).
    """
    lines = base.splitlines(keepends=True)
    body = ast.parse(base).body
    targets = {n.name: n for n in body if isinstance(n, ast.FunctionDef)}
    docstring: list[str] = []
    imports: list[str] = []
    code: list[str] = []
    replaced = []  # (first, end, new): lines[first:end] becomes new
    for index, (node, text) in enumerate(_blocks(snippet)):
        if index == 0 and _is_docstring(node):
            docstring = _trimmed(text)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            imports += text
        elif isinstance(node, ast.FunctionDef) and node.name in targets:
            target = targets[node.name]
            replaced.append((_first_line(target), target.end_lineno, _trimmed(text)))
        else:
            code += text
    for first, end, new in sorted(replaced, reverse=True):
        lines[first:end] = new
    head = (body[0].end_lineno or 0) if body and _is_docstring(body[0]) else 0  # docstring
    after = _imports_end(body)
    out = (docstring or lines[:head]) + lines[head:after]
    if imports:
        out += ["\n"] + _trimmed(imports)
    if code and code_at == "top":
        out += ["\n"] + _trimmed(code) + ["\n"]
    out += lines[after:]
    if code and code_at == "end":
        out += ["\n", "\n"] + _trimmed(code)
    return "".join(out)


def _blocks(source: str) -> list[tuple[ast.stmt, list[str]]]:
    """Each top-level statement of ``source`` with its lines: from the comments just
    above it (the file's first line, for the first) to the next statement's."""
    lines = source.splitlines(keepends=True)
    body = ast.parse(source).body
    starts, previous_end = [], 0
    for node in body:
        start = _first_line(node)
        while start > previous_end and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        starts.append(start)
        previous_end = node.end_lineno or start
    if starts:
        starts[0] = 0  # what comes before the first statement goes with it
    ends = starts[1:] + [len(lines)]
    return [(node, lines[s:e]) for node, s, e in zip(body, starts, ends, strict=True)]


def _first_line(node: ast.stmt) -> int:
    """The index of ``node``'s first line (its first decorator's, if any)."""
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno] + [d.lineno for d in decorators]) - 1


def _trimmed(lines: list[str]) -> list[str]:
    """``lines`` without the blank lines at their end."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def _is_docstring(node: ast.stmt) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str))


def _is_import(node: ast.stmt) -> bool:
    """An import, or an ``if`` or ``try`` that only imports (one way or another)."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(node, (ast.If, ast.Try)):
        handlers = [s for h in getattr(node, "handlers", []) for s in h.body]
        inner = node.body + node.orelse + handlers + getattr(node, "finalbody", [])
        return all(_is_import(s) for s in inner)
    return False


def _imports_end(body: list[ast.stmt]) -> int:
    """The index of the line after the module's docstring and leading imports."""
    end = 0
    for index, node in enumerate(body):
        if not (_is_import(node) or (index == 0 and _is_docstring(node))):
            break
        end = node.end_lineno or end
    return end


def with_mistake(base: dict[str, bytes], mistake: Any) -> dict[str, bytes]:
    """The files ``base`` with a catalogued mistake's functions replaced (matched by name;
    tests/submissions/mistakes.py)."""
    source = base[mistake.file].decode()
    missing = functions(mistake.source) - functions(source)
    assert not missing, f"{mistake.id}: {missing} not in the base {mistake.file}"
    return {**base, mistake.file: compose(source, mistake.source).encode()}


def read_as(path: Path, sid: str, files: tuple[str, ...]) -> Submission:
    """The submission folder ``path``, read as the grader reads it, under the id ``sid``."""
    submission = read(path, files)
    submission.id = sid
    return submission
