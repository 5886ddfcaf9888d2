"""The student README of an assignment ``grader new`` composes.

It says which functions to write in which file (their signatures, read from the
stubs), keeps the rules of the base README that apply to the chosen functions (a rule
about randomness only when an initializer is graded, and so on), and how to run the
public tests.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.new import Composition

# A rule of the base README (a bullet "- **Title.** ...") is kept only when some chosen
# function is graded on this kind of check; rules not listed here are always kept.
RULE_NEEDS = {
    "Randomness": ("generator",),
    "Derivatives at kinks": ("kink",),
    "Numerically stable": ("stability",),
    "Vectorized": ("vectorized", "batching"),
    "Shapes": ("contract",),
    "dtypes": ("contract",),
}
_BULLET = re.compile(r"^- \*\*(?P<title>[^*]+?)\.?\*\*")


def student_readme(composition: Composition, base_readme: Path) -> str:
    """The README.md of ``composition``."""
    base_text = base_readme.read_text(encoding="utf-8") if base_readme.is_file() else ""
    title = next((line for line in base_text.splitlines() if line.startswith("# ")),
                 f"# {composition.base.title}")
    used = {kind for checks in composition.points.values() for kind in checks}
    files = list(composition.stubs)
    rows = []
    for file in files:
        signatures = _signatures(composition.stubs[file])
        names = [f for f in composition.functions if composition.files[f] == file]
        rows.append(f"| `{file}` | " + ", ".join(f"`{signatures[n]}`" for n in names) + " |")
    rules = _rules(base_text, used)
    hand_in = _join([f"`{f}`" for f in files])
    parts = [
        title,
        "",
        f"In this assignment you write {len(composition.functions)} functions with plain "
        f"NumPy. This selection was made by your course from the catalogue of "
        f"`{composition.base.name}`.",
        "",
        "## What to implement",
        "",
        "Each function already exists in its file with its exact signature and a docstring "
        "that explains the formula, the parameters and the traps. Replace the line "
        "`raise NotImplementedError(...)` with your code. Don't rename the files, the "
        "functions or their parameters, and don't change the default values.",
        "",
        "| file | functions |",
        "|---|---|",
        *rows,
        "",
        "You may add helper functions, and one file may import another "
        "(`from activations import sigmoid`, say) when both are part of the assignment.",
        "",
    ]
    if rules:
        parts += ["## The rules", "", "The grading checks all of these, so read them before "
                  "you start.", "", *rules, ""]
    parts += [
        "## Checking your work",
        "",
        "You need Python 3.10 or newer with NumPy, SciPy and pytest:",
        "",
        "```",
        "pip install numpy scipy pytest",
        "```",
        "",
        "Then, inside this folder:",
        "",
        "```",
        "pytest",
        "```",
        "",
        "At the start every test fails with one line such as "
        f"`{composition.functions[0]} is not implemented yet`; as you implement a function "
        "its tests should pass. To run the tests of one function:",
        "",
        "```",
        f"pytest -k {composition.functions[0]}",
        "```",
        "",
        "The public tests are a first check, not the grade: the grading checks much more "
        "(very large inputs, warnings, derivatives against your own functions, "
        "vectorization, ...). Test your own code beyond them.",
        "",
        "## Handing in",
        "",
        f"Hand in {hand_in} as your course tells you. The tests folder, `conftest.py` and "
        "`pytest.ini` are not needed.",
        "",
    ]
    return "\n".join(_wrapped(line) for line in parts)


def _wrapped(line: str) -> str:
    """A paragraph of prose wrapped at 84 columns; headings, tables, code and bullets
    (already wrapped in the base README) as they are."""
    if len(line) <= 84 or line.startswith(("#", "|", "-", " ", "`")):
        return line
    return textwrap.fill(line, 84, break_on_hyphens=False, break_long_words=False)


def _signatures(source: str) -> dict[str, str]:
    """Function -> ``name(params with defaults)`` as students call it."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            args = node.args
            plain = args.posonlyargs + args.args
            defaults = [None] * (len(plain) - len(args.defaults)) + list(args.defaults)
            params = [a.arg if d is None else f"{a.arg}={ast.unparse(d)}"
                      for a, d in zip(plain, defaults, strict=True)]
            params += [a.arg if d is None else f"{a.arg}={ast.unparse(d)}"
                       for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
            found[node.name] = f"{node.name}({', '.join(params)})"
    return found


def _rules(readme: str, used: set[str]) -> list[str]:
    """The bullets of the base README's "The rules" section that apply."""
    lines = readme.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "## The rules")
    except StopIteration:
        return []
    bullets: list[list[str]] = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("- "):
            bullets.append([line])
        elif bullets and line.startswith("  "):
            bullets[-1].append(line)
    kept = []
    for bullet in bullets:
        match = _BULLET.match(bullet[0])
        needs = RULE_NEEDS.get(match.group("title").strip() if match else "", ())
        if not needs or used & set(needs):
            kept.extend(bullet)
    return kept


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return f"the file {items[0]}"
    return f"the {len(items)} files " + ", ".join(items[:-1]) + f" and {items[-1]}"
