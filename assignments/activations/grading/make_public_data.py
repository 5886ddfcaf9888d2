"""Write the expected values of the public tests from the reference solution.

    python assignments/activations/grading/make_public_data.py          # write
    python assignments/activations/grading/make_public_data.py --check  # verify

The public tests (``tests/``, shipped to students) carry their expected values as
data in ``tests/expected.json`` and never import the reference. Run this script
after changing the reference or the cases below, and commit the JSON. ``--check``
exits with status 1 when the committed file no longer matches the reference.

Not shipped: everything under ``grading/`` stays with the course.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
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


def _registry() -> ModuleType:
    for folder in (PROJECT, ASSIGNMENT / "grading"):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    import registry

    return registry


def _elementwise(records: Any) -> dict[str, Any]:
    x = np.array(POINTS)
    return {
        record.name: [
            {"kwargs": dict(kwargs), "expected": record.reference(x, **kwargs).tolist()}
            for kwargs in record.params
        ]
        for record in records
    }


def _initializers(reg: ModuleType) -> dict[str, Any]:
    random: dict[str, list[dict[str, Any]]] = {}
    for record in reg.INITIALIZERS:
        if record.family == "zeros":
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
    return {
        "zeros": {"shape": ZEROS_SHAPE},
        "random": random,
        "calculate_gain": [
            {"args": list(args), "expected": float(gain.reference(*args))}
            for args, _ in gain.values
        ],
        "calculate_gain_rejects": [
            list(args) for args, error in gain.errors if error == "ValueError"
        ],
    }


def _dead_relu(reg: ModuleType) -> dict[str, Any]:
    weights = [np.array(w) for w in NETWORK["weights"]]
    biases = [np.array(b) for b in NETWORK["biases"]]
    X = np.array(NETWORK["X"])
    return {
        **NETWORK,
        **{
            record.name: [units.tolist() for units in record.reference(weights, biases, X)]
            for record in reg.DETECTORS
        },
    }


def build() -> dict[str, Any]:
    """The whole data set: inputs chosen here, everything else from the registry."""
    reg = _registry()
    scores, upstream = np.array(SCORES), np.array(UPSTREAM)
    softmax = [
        {
            "x": SCORES,
            "kwargs": dict(kwargs),
            "expected": reg.SOFTMAX.reference(scores, **kwargs).tolist(),
        }
        for kwargs in reg.SOFTMAX.params
    ]
    softmax.append(
        {"x": POINTS, "kwargs": {}, "expected": reg.SOFTMAX.reference(np.array(POINTS)).tolist()}
    )
    softmax_vjp = [
        {
            "x": SCORES,
            "upstream": UPSTREAM,
            "kwargs": dict(kwargs),
            "expected": reg.SOFTMAX_VJP.reference(scores, upstream, **kwargs).tolist(),
        }
        for kwargs in reg.SOFTMAX_VJP.params
    ]
    return _rounded(
        {
            "about": (
                "Expected values of the public tests, computed from the instructors' "
                "solution by grading/make_public_data.py. Do not edit by hand."
            ),
            "tolerance": {
                "float64": {"rtol": reg.RTOL64, "atol": reg.ATOL64},
                "float32": {"rtol": reg.RTOL32, "atol": reg.ATOL32},
            },
            "x": POINTS,
            "activations": _elementwise(reg.ACTIVATIONS),
            "softmax": softmax,
            "derivatives": _elementwise(reg.DERIVATIVES),
            "softmax_vjp": softmax_vjp,
            "initializers": _initializers(reg),
            "dead_relu": _dead_relu(reg),
        }
    )


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
    text = json.dumps(data, indent=1, allow_nan=False)
    innermost = re.compile(r"\[[^\[\]{}]*\]|\{[^\[\]{}]*\}")
    return innermost.sub(lambda m: json.dumps(json.loads(m.group())), text) + "\n"


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
    args = parser.parse_args(argv)
    data = build()
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
