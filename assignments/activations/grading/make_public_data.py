"""Write the expected values of the public tests from the reference solution.

    python assignments/activations/grading/make_public_data.py          # write
    python assignments/activations/grading/make_public_data.py --check  # verify
    python .../make_public_data.py --functions sigmoid,relu,relu_grad --output DIR/expected.json

The public tests (``tests/``, shipped to students) carry their expected values as
data in ``tests/expected.json`` and never import the reference. Run this script
after changing the reference or the cases below, and commit the JSON. ``--check``
exits with status 1 when the committed file no longer matches the reference.

The data also drives which public tests exist: its ``functions`` table lists the
functions of the assignment, each with what the checks that need no reference use
(its file, its kind, the forward function of a derivative and its kinks, the hints
that differ from the defaults in ``hints``). A function left out (``--functions``,
for an assignment made of a subset) has no public test at all; a derivative whose
forward function is left out has no derivative check (it would need the reference).

Not shipped: everything under ``grading/`` stays with the course.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Collection
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ASSIGNMENT = Path(__file__).resolve().parents[1]
PROJECT = ASSIGNMENT.parents[1]
OUTPUT = ASSIGNMENT / "tests" / "expected.json"

# What to check comes from the registry (grading/registry.py): which functions,
# their parameter settings, tolerances, the scale of each initializer, the table of
# calculate_gain. Only the public inputs are chosen here.

# Small, exactly representable in float32, integers among them, 0 for the kinks;
# the length is even so the tests can reshape it to 2 rows.
POINTS = [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0]
SCORES = [[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]]
UPSTREAM = [[1.0, 0.0, 0.0], [0.5, -1.0, 2.0]]
SHAPE = [100, 300]  # fan_in != fan_out, so mixing up the fans changes the scale
ZEROS_SHAPE = [3, 4]
# 2 inputs -> 3 units -> 2 units. Unit 2 of layer 0 has a bias of -10 and never
# fires on these inputs; unit 0 of layer 1 only listens to it, so it dies too.
NETWORK = {
    "weights": [
        [[1.0, -1.0, 0.5], [1.0, 1.0, -0.5]],
        [[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]],
    ],
    "biases": [[0.0, 0.0, -10.0], [0.0, 0.1]],
    "X": [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [2.0, 1.0], [0.5, -2.0]],
}


# The softmax rows of the stability check: huge, huge and equal, huge negative.
SOFTMAX_LARGE = [
    [1000.0, 999.0, 0.0, -1000.0],
    [1e4, -1e4, 1e4, 0.0],
    [-1e4, -1e4 + 1.0, -1e4 - 1.0, -1e4],
    [1e300, 1e300, -1e300, 0.0],
]

# The kinds of hint the public tests show, by family of function: the defaults are
# written once (``hints``), a function's own only where they differ.
ACTIVATION_HINTS = ("values", "kink", "stability", "contract", "vectorized", "gradient")
INITIALIZER_HINTS = ("scale", "mean", "distribution", "generator", "contract", "values")


def _registry() -> ModuleType:
    """This assignment's registry, loaded by path (another assignment's ``registry`` may
    be imported in this process already: the grader's tests grade several)."""
    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    from grader import Assignment

    return Assignment.load(str(ASSIGNMENT)).load_registry()


def _own_hints(record: Any, kinds: tuple[str, ...], defaults: dict[str, str]) -> dict[str, str]:
    return {
        kind: record.hint(kind)
        for kind in kinds
        if record.hint(kind) and record.hint(kind) != defaults.get(kind, "")
    }


def _functions(reg: ModuleType, chosen: list[str]) -> dict[str, Any]:
    """What the checks that need no reference know of each function (see the docstring)."""
    records = {record.name: record for record in reg.all_records()}
    table: dict[str, Any] = {}
    for name in chosen:
        record = records[name]
        entry: dict[str, Any] = {"file": record.file}
        if isinstance(record, (reg.Elementwise, reg.AlongAxis)):
            entry["kind"] = "elementwise" if isinstance(record, reg.Elementwise) else "along_axis"
            if record.derivative_of is not None:
                entry["derivative_of"] = record.derivative_of
            kinks = _kinks(record)
            if kinks:
                entry["kinks"] = kinks
            if isinstance(record, reg.AlongAxis):
                entry["upstream"] = record.upstream
                entry["sums_to_one"] = _sums_to_one(record)
            hints = _own_hints(record, ACTIVATION_HINTS, reg.HINTS)
        elif isinstance(record, reg.Initializer):
            entry["kind"] = "zeros" if record.family == "zeros" else "initializer"
            if record.family != "zeros":
                entry["family"] = record.family
            hints = _own_hints(record, INITIALIZER_HINTS, reg.INIT_HINTS)
        elif isinstance(record, reg.Table):
            entry["kind"] = "table"
            hints = _own_hints(record, ("values", "errors"), {})
        else:
            entry["kind"] = "detector"
            entry["dtype"] = record.dtype
            hints = _own_hints(record, ("values", "batching"), {})
        if hints:
            entry["hints"] = hints
        table[name] = entry
    return table


def _kinks(record: Any) -> list[float]:
    """Every kink of any parameter setting (a derivative check keeps away from all)."""
    if hasattr(record, "kinks_at"):
        return sorted({k for params in record.params for k in record.kinks_at(params)})
    return sorted(getattr(record, "kinks", ()))


def _sums_to_one(record: Any) -> bool:
    """Whether the results along the axis sum to 1 (softmax does, log_softmax not)."""
    if record.upstream:
        return False
    scores = np.array(SCORES)
    return all(
        np.allclose(record.reference(scores, **kwargs).sum(axis=kwargs.get("axis", -1)), 1.0)
        for kwargs in record.params
    )


def _elementwise(records: Any) -> dict[str, Any]:
    x = np.array(POINTS)
    return {
        record.name: [
            {"kwargs": dict(kwargs), "expected": record.reference(x, **kwargs).tolist()}
            for kwargs in record.params
        ]
        for record in records
    }


def _initializers(reg: ModuleType, chosen: list[str]) -> dict[str, Any]:
    random: dict[str, list[dict[str, Any]]] = {}
    for record in reg.INITIALIZERS:
        if record.family == "zeros" or record.name not in chosen:
            continue
        random[record.name] = []
        for seed, kwargs in enumerate(record.params):
            std = record.std(*SHAPE, **kwargs)
            sample = record.reference(*SHAPE, np.random.default_rng(seed), **kwargs)
            # the reference must pass its own public test with a wide margin
            assert abs(sample.std() / std - 1) < 0.05, (record.name, kwargs, sample.std(), std)
            bound = math.sqrt(3) * std if record.family == "uniform" else None
            random[record.name].append(
                {"shape": SHAPE, "seed": seed, "kwargs": dict(kwargs), "std": std, "bound": bound}
            )
    gain = reg.CALCULATE_GAIN
    data: dict[str, Any] = {}
    if any(r.family == "zeros" and r.name in chosen for r in reg.INITIALIZERS):
        data["zeros"] = {"shape": ZEROS_SHAPE}
    if random:
        data["random"] = random
    if gain.name in chosen:
        data["calculate_gain"] = [
            {"args": list(args), "expected": float(gain.reference(*args))}
            for args, _ in gain.values
        ]
        data["calculate_gain_rejects"] = [
            list(args) for args, error in gain.errors if error == "ValueError"
        ]
    return data


def _dead_relu(reg: ModuleType, chosen: list[str]) -> dict[str, Any]:
    weights = [np.array(w) for w in NETWORK["weights"]]
    biases = [np.array(b) for b in NETWORK["biases"]]
    X = np.array(NETWORK["X"])
    return {
        **NETWORK,
        **{
            record.name: [units.tolist() for units in record.reference(weights, biases, X)]
            for record in reg.DETECTORS
            if record.name in chosen
        },
    }


def _along_axis(record: Any) -> list[dict[str, Any]]:
    """Cases on a matrix of scores (with an upstream gradient for a VJP), per axis."""
    scores, upstream = np.array(SCORES), np.array(UPSTREAM)
    cases = []
    for kwargs in record.params:
        args = (scores, upstream) if record.upstream else (scores,)
        case: dict[str, Any] = {"x": SCORES}
        if record.upstream:
            case["upstream"] = UPSTREAM
        case["kwargs"] = dict(kwargs)
        case["expected"] = record.reference(*args, **kwargs).tolist()
        cases.append(case)
    if not record.upstream:  # a 1-d input too
        points = np.array(POINTS)
        cases.append({"x": POINTS, "kwargs": {}, "expected": record.reference(points).tolist()})
    return cases


def _covered(reg: ModuleType, record: Any) -> bool:
    """Records of the kinds the public tests know how to check."""
    kinds = (reg.Elementwise, reg.AlongAxis, reg.Initializer, reg.Table, reg.Detector)
    return isinstance(record, kinds)


def public_names(reg: ModuleType | None = None) -> list[str]:
    """Every function the public data can cover, in the registry's order."""
    reg = reg or _registry()
    return [record.name for record in reg.all_records() if _covered(reg, record)]


def build(functions: Collection[str] | None = None) -> dict[str, Any]:
    """The whole data set: inputs chosen here, everything else from the registry.

    ``functions``: the functions of the assignment (by default those its manifest,
    ``assignment.toml`` next to ``grading/``, grades).
    """
    reg = _registry()
    if functions is None:
        from grader import Assignment

        functions = Assignment.load(str(ASSIGNMENT)).functions
    known = public_names(reg)
    graded = [record.name for record in reg.all_records()]
    if functions is not None:
        unknown = sorted(set(functions) - set(graded))
        if unknown:
            raise ValueError(
                f"Expected functions of the registry but got {', '.join(unknown)}; "
                f"known: {', '.join(graded)}"
            )
    chosen = [name for name in known if name in functions]
    # graded, but of a kind the public tests cannot check without the reference
    uncovered = [n for n in graded if n not in known and n in functions]
    records = [record for record in reg.all_records() if record.name in chosen]
    elementwise = [r for r in records if isinstance(r, reg.Elementwise)]
    data: dict[str, Any] = {
        "about": (
            "Expected values of the public tests, computed from the instructors' "
            "solution by grading/make_public_data.py. Do not edit by hand."
        ),
        "functions": _functions(reg, chosen),
        "without_public_tests": uncovered,
        "hints": {
            "activations": {k: reg.HINTS[k] for k in ACTIVATION_HINTS if k in reg.HINTS},
            "initializers": {
                k: reg.INIT_HINTS[k] for k in INITIALIZER_HINTS if k in reg.INIT_HINTS
            },
        },
        "tolerance": {
            "float64": {"rtol": reg.RTOL64, "atol": reg.ATOL64},
            "float32": {"rtol": reg.RTOL32, "atol": reg.ATOL32},
            "finite_differences": {"rtol": reg.FD_RTOL, "atol": reg.FD_ATOL},
        },
        "x": POINTS,
        "large": {
            "float64": {"large |x|": reg.LARGE.tolist(), "extreme |x|": reg.EXTREME.tolist()},
            "float32": reg.LARGE32.astype(np.float64).tolist(),
            "softmax": SOFTMAX_LARGE,
        },
        "activations": _elementwise(r for r in elementwise if r.file == "activations.py"),
        "derivatives": _elementwise(r for r in elementwise if r.file != "activations.py"),
        **{r.name: _along_axis(r) for r in records if isinstance(r, reg.AlongAxis)},
        "initializers": _initializers(reg, chosen),
        "dead_relu": _dead_relu(reg, chosen),
    }
    return _rounded(data)


def _rounded(data: Any) -> Any:
    """Floats to 12 significant digits: far below the tolerances, a third of the bytes."""
    if isinstance(data, float):
        return float(f"{data:.12g}")
    if isinstance(data, dict):
        return {key: _rounded(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_rounded(value) for value in data]
    return data


def dumps(data: dict[str, Any]) -> str:
    """JSON with one line per innermost list or dict, so the file stays short and diffable."""
    return _dump(data, 0) + "\n"


def _dump(value: Any, depth: int) -> str:
    items = value.values() if isinstance(value, dict) else value
    if not isinstance(value, (dict, list)) or not any(
        isinstance(item, (dict, list)) for item in items
    ):
        return json.dumps(value, allow_nan=False)
    inner = " " * (depth + 1)
    if isinstance(value, dict):
        lines = [f"{inner}{json.dumps(k)}: {_dump(v, depth + 1)}" for k, v in value.items()]
        start, end = "{", "}"
    else:
        lines = [f"{inner}{_dump(v, depth + 1)}" for v in value]
        start, end = "[", "]"
    return start + "\n" + ",\n".join(lines) + "\n" + " " * depth + end


def _same(a: Any, b: Any) -> bool:
    """Equal up to the last bits of floats (another NumPy may round differently)."""
    if isinstance(a, float) or isinstance(b, float):
        both_numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
        return both_numbers and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(u, v) for u, v in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="verify the committed file instead of writing it"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    parser.add_argument(
        "--functions",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        help="comma-separated: only these functions (an assignment made of a subset)",
    )
    args = parser.parse_args(argv)
    try:
        data = build(args.functions)
    except ValueError as error:
        parser.error(f"--functions: {error}")
    if args.check:
        if not args.output.exists():
            print(f"{args.output} is missing; run {Path(__file__).name} to write it")
            return 1
        if not _same(json.loads(args.output.read_text(encoding="utf-8")), data):
            print(f"{args.output} is out of date; run {Path(__file__).name} to rewrite it")
            return 1
        print(f"{args.output} matches the reference")
        return 0
    args.output.write_text(dumps(data), encoding="utf-8")
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
