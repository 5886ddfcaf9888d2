"""A worker that answers every call with hundreds of MiB: its replies are refused unread,
its functions lose their points with a message that says why, and the grading process's
memory stays within its stated bound (docs/threat-model.md; ``grader.proxy.result_cap``).

Graded by the real runner (real zygote, real workers, the hidden suites) in a process of
its own, whose peak resident memory (``VmHWM``) is read as it ends; the same submission
without the hostile functions, graded the same way, is the yardstick.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from grader.proxy import RESULT_FLOOR, SWEEP
from grader.report import function_scores
from grader.sandbox import Limits
from tests.attacks.conftest import FILES, LAYERS, REFERENCE, ROOT, unavailable
from tests.compose import compose
from tests.needs import missing

# The hostile code, per file of the reference it goes into (tests/compose.py).
SNIPPETS = {
    "activations.py": '''
import numpy as np

def relu(x):
    return np.ones(200 << 17)  # 200 MiB of float64, whatever x is

def tanh(x):
    return np.ones(200 << 17)

def leaky_relu(x, alpha=0.01):
    return np.full(15 << 17, np.nan)  # 15 MiB: under the cap, so read and judged
''',
    "initializers.py": '''
def zeros(fan_in, fan_out):
    return np.ones((fan_in, (200 << 17) // fan_in))  # 200 MiB from two integers
''',
    "dead_relu.py": '''
def dead_relu_mask(*args, **kwargs):
    return [np.ones(1 << 20) for _ in range(25)]  # 25 arrays of 8 MiB: 200 MiB in all
''',
}
REFUSED = ("relu", "tanh", "zeros", "dead_relu_mask")  # they return 200 MiB on every call
UNDER_THE_CAP = "leaky_relu"
GREEDY = (*REFUSED, UNDER_THE_CAP)
# What the grading process may hold beyond what grading an honest submission takes:
# replies not yet swept (grader.proxy.SWEEP), and the checks' temporaries on one.
HEADROOM = SWEEP.most + RESULT_FLOOR

GRADE = """
import json, sys
from pathlib import Path
from grader.runner import Settings, grade
from grader.submission import read
folder, layer, *files = sys.argv[1:]
entry = grade(read(Path(folder), tuple(files)), Settings(sandbox=layer))
status = Path("/proc/self/status").read_text()
peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
print(json.dumps({"entry": entry, "peak": peak << 10}))
"""


@dataclass(frozen=True)
class Graded:
    entry: dict[str, Any]
    peak: int  # the grading process's peak resident memory, in bytes

    def tests_of(self, function: str) -> list[dict[str, Any]]:
        return [t for t in self.entry["tests"] if t["function"] == function]


def graded_in_a_process_of_its_own(folder: Path, layer: str) -> Graded:
    done = subprocess.run([sys.executable, "-c", GRADE, str(folder), layer, *FILES],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return Graded(out["entry"], out["peak"])


@dataclass(frozen=True)
class Run:
    honest: Graded
    hostile: Graded


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    layer = next((layer for layer in LAYERS if not unavailable(layer)), None)
    if layer is None:
        missing("no sandbox layer to grade with: " + "; ".join(map(unavailable, LAYERS)))
    honest, hostile = tmp_path_factory.mktemp("honest"), tmp_path_factory.mktemp("hostile")
    for name in FILES:
        source = (REFERENCE / name).read_text()
        (honest / name).write_text(source)
        (hostile / name).write_text(compose(source, SNIPPETS[name]) if name in SNIPPETS
                                    else source)
    return Run(graded_in_a_process_of_its_own(honest, layer),
               graded_in_a_process_of_its_own(hostile, layer))


def test_a_result_over_the_cap_is_refused_unread_and_costs_its_function_with_a_reason(
        run: Run) -> None:
    for function in REFUSED:
        tests = run.hostile.tests_of(function)
        assert tests, function
        for test in tests:
            assert test["score"] == 0.0, test
            assert test["status"] == "error", test
            assert (f"{function}(...) returned 200 MiB of arrays; at most 16 MiB is accepted "
                    "for this input, so the result was refused unread") in test["feedback"], test


def test_a_result_under_the_cap_is_read_and_judged_like_any_other(run: Run) -> None:
    tests = {t["check"]: t for t in run.hostile.tests_of(UNDER_THE_CAP)}
    for check in ("values", "stability", "contract"):
        assert tests[check]["score"] == 0.0 and tests[check]["status"] == "failed", tests
    assert "returned 1966080 value(s)" in tests["values"]["feedback"], tests
    assert not any("refused" in t["feedback"] for t in tests.values()), tests


def test_the_functions_a_greedy_worker_does_not_touch_keep_their_points(run: Run) -> None:
    honest, hostile = function_scores(run.honest.entry), function_scores(run.hostile.entry)
    assert run.honest.entry["score"] == 100.0
    kept = {f: hostile[f] for f in honest if f not in GREEDY}
    assert kept == {f: honest[f] for f in kept}


def test_the_grading_process_stays_within_its_memory_bound(run: Run) -> None:
    mib = 1 << 20
    print(f"peak resident memory of the grading process: honest {run.honest.peak / mib:.0f} "
          f"MiB, greedy {run.hostile.peak / mib:.0f} MiB")
    assert run.hostile.peak <= run.honest.peak + HEADROOM
    assert run.hostile.peak <= 3 * Limits().memory_bytes
