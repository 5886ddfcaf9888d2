"""Hostile submissions, graded by the real grader under both isolation layers.

Each file in ``hostile/`` is either a snippet, the attack's code and the functions
it replaces in one of the reference's files (:func:`hostile_text` puts it there), or
an extra file a student could hand in whole (``conftest.py``, ``numpy.py``). Its
submission is the four reference files with the hostile one substituted, in a class
folder next to a classmate's submission, with the instructor's output folder nearby.

Every submission is graded once per layer, in parallel, by ``grader.runner.grade``
(real zygotes, real workers, the real hidden suites); the tests below read the
results. For each attack and layer they check that:

* the attacked functions earn no more than the same functions earn when simply
  broken (raising, or returning NaN when the attack returns a value);
* the functions it does not touch keep full marks;
* grading ends within a generous time bound;
* no process or thread of the attack survives its grading;
* nothing outside the sandbox changes (classmate, output folder, the attack's
  ``reach`` path), and no listener on the host is contacted;
* the feedback holds no secret, no line of the hidden tests and no report of an
  escape.

As a control, a few attacks are also graded without a sandbox (layer "none"),
where they must get out: that proves the attacks are real and the checks above
would notice.
"""

from __future__ import annotations

import ast
import re
import time
import traceback
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest

from grader.report import function_scores
from grader.runner import Settings, grade
from grader.submission import Submission, read
from tests.attacks.conftest import (
    FILES,
    HOSTILE,
    LAYERS,
    PLACEHOLDER,
    REFERENCE,
    STUBS,
    UNSANDBOXED,
    Arena,
    kill_tasks,
    require,
    survivors,
    unavailable,
)
from tests.compose import compose

TIME_BOUND = 60.0  # seconds to grade one hostile submission: a correctness bound
SENTINELS = ("escaped:", "fake-score")  # what hostile code reports when it gets out


@dataclass(frozen=True)
class Attack:
    name: str  # hostile/<name>.py
    file: str  # the name it is handed in as (one of FILES: the hostile file is a snippet)
    targets: tuple[str, ...]  # the graded functions it attacks
    deserves: str  # their due: "nothing" (as if they raised) or "garbage" (as if they returned NaN)
    stopped_by: str  # what stops it (a layer, a mechanism)
    collateral: tuple[str, ...] = ()  # functions whose checks call a target: they may lose too
    status: str | None = None  # the status every test of a target must have
    stub: str | None = None  # a student file left as the assignment's unfinished stub
    slow: bool = False  # waits for a deadline: graded first


def _a(name: str, file: str, targets: str, deserves: str, stopped_by: str, *,
       collateral: str = "", status: str | None = None, stub: str | None = None,
       slow: bool = False) -> Attack:
    """Shorthand: ``targets`` and ``collateral`` are space-separated names."""
    return Attack(name, file, tuple(targets.split()), deserves, stopped_by,
                  tuple(collateral.split()), status, stub, slow)


ACT, DER, INIT, DEAD = FILES
ATTACKS: list[Attack] = [
    # ------------------------------------------------------------------- dead_relu.py
    _a("exit_at_import", DEAD, "relu_activity dead_relu_mask", "nothing",
       "process separation: the worker dies, the trusted side sees EOF", status="error"),
    _a("fork_flood", DEAD, "relu_activity", "nothing",
       "seccomp (fork/clone refused); pid namespace would end any child", status="error"),
    _a("network", DEAD, "dead_relu_mask", "nothing",
       "seccomp (socket refused); network namespace; bwrap: no socket path", status="error"),
    # ------------------------------------------------------------------- initializers.py
    _a("sys_exit", INIT, "zeros", "nothing",
       "process separation: SystemExit is reported as raised", status="error"),
    _a("pickle_bytes", INIT, "random_normal", "garbage",
       "wire format: no pickle, bytes are not data"),
    _a("eternal_threads", INIT, "xavier_uniform", "nothing",
       "RLIMIT_NPROC; SIGKILL to pid 1 of the pid namespace; Landlock in every thread",
       status="error"),
    _a("daemons", INIT, "xavier_normal", "nothing",
       "seccomp (fork, clone, execve refused); pid namespace", status="error"),
    _a("atexit_fake_score", INIT, "he_uniform", "nothing",
       "output never read; os._exit/SIGKILL skip atexit; Landlock", status="error"),
    _a("write_outside", INIT, "he_normal", "nothing",
       "Landlock (writes only in the worker's folder); seccomp (no chmod, chown, utime, "
       "xattr); bwrap mount namespace", status="error"),
    _a("proc_snooping", INIT, "lecun_normal", "nothing",
       "Landlock (/proc refused, in both layers); non-dumpable zygote; bwrap: private /proc",
       status="error"),
    _a("reduce_object", INIT, "calculate_gain", "garbage",
       "wire format: only type name and repr of an object cross"),
    # ------------------------------------------------------------------- activations.py
    _a("infinite_loop", ACT, "relu", "nothing",
       "trusted-side deadline, SIGKILL", collateral="relu_grad", status="timeout", slow=True),
    _a("ignore_signals", ACT, "tanh", "nothing",
       "trusted-side deadline, SIGKILL (cannot be ignored)", collateral="tanh_grad",
       status="timeout", slow=True),
    _a("lying_subclass", ACT, "leaky_relu", "garbage",
       "wire format: rebuilt as an exact ndarray; comparison on the trusted side",
       collateral="leaky_relu_grad"),
    _a("monkeypatch_numpy", ACT, "elu", "garbage",
       "process separation: the comparison runs on the trusted side", collateral="elu_grad"),
    _a("object_dtype", ACT, "selu", "garbage",
       "wire format: dtype whitelist (object never crosses)", collateral="selu_grad"),
    _a("frame_snooping", ACT, "gelu", "garbage",
       "process separation: no expected value exists in the worker", collateral="gelu_grad"),
    _a("import_grader", ACT, "swish", "nothing",
       "import policy (stand-ins); Landlock; bwrap mount namespace", collateral="swish_grad"),
    _a("read_hidden_tests", ACT, "mish", "nothing",
       "Landlock (read and list only the runtime); bwrap mount namespace",
       collateral="mish_grad", status="error", slow=True),
    # ------------------------------------------------------------------- derivatives.py
    _a("scipy_expit", DER, "sigmoid_grad", "nothing",
       "import policy: expit is a stand-in that raises NotAllowed", status="not_allowed"),
    _a("memory_hog", DER, "relu_grad", "nothing",
       "RLIMIT_AS (1 GiB): MemoryError", status="error", slow=True),
    _a("fake_score_flood", DER, "leaky_relu_grad", "nothing",
       "output never read (/dev/null, 8 KiB buffer)", status="error", slow=True),
    _a("segfault", DER, "elu_grad", "nothing",
       "process separation: the crash is reported, a new worker follows", status="error"),
    _a("forge_garbage_frames", DER, "selu_grad", "nothing",
       "wire format: sizes checked against caps before reading", status="error"),
    _a("forge_success_frames", DER, "softplus_grad", "garbage",
       "values judged on the trusted side; the forger does not know them"),
    # ------------------------------------------------------------------- extra files
    _a("shipped_conftest", "conftest.py", "relu_activity dead_relu_mask", "nothing",
       "hidden suites run on the trusted side; the submission is never on its path",
       stub=DEAD),
    _a("shipped_numpy", "numpy.py", "relu_activity dead_relu_mask", "nothing",
       "numpy is imported in the zygote before any student file exists", stub=DEAD),
]
BY_NAME = {a.name: a for a in ATTACKS}
# attacks that get out without a sandbox, and how the control sees that they did
CONTROL = {
    "write_outside": "the classmate's folder, the output folder and the reach path change",
    "read_hidden_tests": "lines of the hidden tests appear in the feedback",
    "proc_snooping": "the secret, from the grading process's memory, appears in the feedback",
    "import_grader": "swish earns points with the reference's swish",
    "network": "the listeners on the host are contacted",
    "daemons": "the daemons start (and, as under every layer, none outlives the grading)",
}
# attacks that a test of their own judges (what they wrote, not what they scored)
MEASURED = {a.name: a for a in [
    _a("hidden_loop", ACT, "relu tanh leaky_relu", "nothing",
       "the line counter: sys.settrace is a guard in the worker (off and on = tampering), "
       "threads the call starts are traced, exec'd code counts as the student's"),
    _a("fill_disk", DEAD, "relu_activity", "nothing",
       "the worker's folder is a tmpfs of Limits.disk_bytes (its own mount namespace); "
       "bubblewrap's /tmp is one of that size too; RLIMIT_FSIZE caps each file"),
    _a("disguised_loops", ACT, "elu selu gelu swish mish", "nothing",
       "the line counter counts every Python frame whatever its file name (numpy's own code "
       "too), in every thread, including threads started at import; sys.gettrace() and "
       "f_trace show nothing of it"),
    _a("muted_tracer", DER, "relu_grad leaky_relu_grad elu_grad", "nothing",
       "a frame with its line events off is seen when it calls Python code or returns "
       "(3.10/3.11); the grader's sys.monitoring tool is off limits (3.12+); code under a "
       "standard-library file name counts like any other"),
    _a("silenced_overflow", ACT, "tanh elu selu swish mish", "nothing",
       "numpy's error-state functions are emulated in the worker: errors are recorded "
       "whatever np.errstate/seterr/seterrcall say, in every thread, and reported as silenced"),
    _a("reset_peak", DEAD, "relu_activity dead_relu_mask", "nothing",
       "a call's memory is the peak resident set of a worker forked for it, read by the "
       "zygote from /proc: nothing inside the worker lowers it"),
]}
LOOPS = ("hidden_loop", "disguised_loops", "muted_tracer")  # attacks on the line counter
DISK_QUOTA_MIB = 64  # what a worker should be able to write in all (its files are <= 8 MiB)
CASES = [pytest.param(a, layer, id=f"{a.name}-{layer}") for a in ATTACKS for layer in LAYERS]


# --- submissions ---------------------------------------------------------------------------
def hostile_text(attack: Attack) -> str:
    """The file the attack hands in: a snippet put into the reference's file (its code
    first, where it runs as the module is imported), or the hostile file as it is."""
    text = (HOSTILE / f"{attack.name}.py").read_text()
    if attack.file not in FILES:
        return text
    return compose((REFERENCE / attack.file).read_text(), text, code_at="top")


def hostile_submission(arena: Arena, attack: Attack, layer: str, index: int) -> Submission:
    """The reference's four files with the hostile one in, as a folder of the class."""
    folder = arena.prepare(layer, attack.name)
    for name in FILES:
        (folder / name).write_bytes((REFERENCE / name).read_bytes())
    if attack.stub:
        (folder / attack.stub).write_bytes((STUBS / attack.stub).read_bytes())
    text = arena.fill(hostile_text(attack), layer, attack.name, index)
    (folder / attack.file).write_text(text)
    submission = read(folder, FILES)
    assert not submission.error, submission.error
    return submission


GARBAGE = {  # a body per kind of graded function: returns NaN of the right shape
    "initializers.py": "return np.full((fan_in, fan_out), np.nan)",
    "dead_relu.py": "return [np.full(np.shape(w)[1], np.nan) for w in weights]",
}


def garbage_submission() -> Submission:
    """The reference with every graded function returning NaN of the right shape."""
    rubric = Settings().rubric()
    files = {}
    for name in FILES:
        source = (REFERENCE / name).read_text()
        garbage = []
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and rubric.files.get(node.name) == name:
                body = GARBAGE.get(name, "return np.full(np.shape(x), np.nan)")
                if node.name == "calculate_gain":
                    body = "return float('nan')"
                garbage.append(f"def {node.name}({ast.unparse(node.args)}):\n    {body}\n")
        files[name] = compose(source, "\n\n".join(garbage)).encode()
    return Submission("garbage", REFERENCE, files)


# --- grading --------------------------------------------------------------------------------
@dataclass
class Graded:
    entry: dict[str, Any] | None
    seconds: float
    survivors: list[str]  # tasks of the attack alive after its grading returned
    error: str = ""  # the grader's own traceback, if grade() raised


def grade_timed(submission: Submission, layer: str, marker: str | None) -> Graded:
    """Grade one submission (in a pool process); then look for what it left running."""
    start = time.monotonic()
    try:
        entry, error = grade(submission, Settings(sandbox=layer)), ""
    except Exception:  # noqa: BLE001 - reported by the tests
        entry, error = None, traceback.format_exc()
    seconds = time.monotonic() - start
    return Graded(entry, seconds, survivors(marker, 5.0) if marker else [], error)


@dataclass
class Run:
    """Everything the tests read: results, baselines, and what was seen afterwards."""

    arena: Arena
    results: dict[tuple[str, str], Graded] = field(default_factory=dict)
    baselines: dict[str, dict[str, float]] = field(default_factory=dict)
    before: dict[tuple[str, str], dict[str, dict[str, str]]] = field(default_factory=dict)
    late_survivors: list[str] = field(default_factory=list)
    contacts: dict[str, list[str]] = field(default_factory=dict)
    hidden_lines: set[str] = field(default_factory=set)
    seconds: float = 0.0


def hidden_lines(grading: Path, legitimate: Iterable[str]) -> set[str]:
    """Distinctive lines of the hidden suites: none of them may appear in feedback
    (minus any that the baselines' honest feedback shows anyway)."""
    lines = {line.strip() for path in grading.glob("test_*.py")
             for line in path.read_text().splitlines() if len(line.strip()) >= 30}
    shown = "\n".join(legitimate)
    return {line for line in lines if line not in shown}


def texts(entry: dict[str, Any]) -> list[str]:
    """Everything a student reads in an entry."""
    return [str(entry.get("feedback", ""))] + [
        f"{t['name']}\n{t['feedback']}" for t in entry.get("tests", [])]


@pytest.fixture(scope="module")
def run(arena: Arena) -> Run:
    started = time.monotonic()
    out = Run(arena)
    layers = [layer for layer in LAYERS if not unavailable(layer)]
    if not layers:
        return out
    jobs: list[tuple[tuple[str, str], Submission, str, str | None]] = []
    for index, attack in sorted(enumerate(ATTACKS), key=lambda pair: not pair[1].slow):
        for layer in layers:
            submission = hostile_submission(arena, attack, layer, index)
            out.before[(layer, attack.name)] = arena.outside(layer, attack.name)
            jobs.append(((layer, attack.name), submission, layer, arena.marker(layer, index)))
    for offset, gap in enumerate(MEASURED.values()):
        for layer in layers:
            submission = hostile_submission(arena, gap, layer, len(ATTACKS) + offset)
            jobs.append(((layer, gap.name), submission, layer, None))
    for name in CONTROL:
        index = ATTACKS.index(BY_NAME[name])
        submission = hostile_submission(arena, BY_NAME[name], UNSANDBOXED, index)
        out.before[(UNSANDBOXED, name)] = arena.outside(UNSANDBOXED, name)
        jobs.append(((UNSANDBOXED, name), submission, UNSANDBOXED,
                     arena.marker(UNSANDBOXED, index)))
    stubs = read(STUBS, FILES)
    jobs.append((("baseline", "nothing"), stubs, layers[-1], None))
    jobs.append((("baseline", "garbage"), garbage_submission(), layers[-1], None))
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork")) as pool:
        futures = {pool.submit(grade_timed, sub, layer, marker): key
                   for key, sub, layer, marker in jobs}
        for future in as_completed(futures):
            try:
                out.results[futures[future]] = future.result()
            except Exception:  # noqa: BLE001 - a grading process died: reported by the tests
                out.results[futures[future]] = Graded(None, 0.0, [], traceback.format_exc())
    out.late_survivors = [task for layer in layers
                          for task in survivors(arena.layer_prefix(layer), 10.0)]
    kill_tasks(arena.layer_prefix(UNSANDBOXED))  # the control's escapees
    out.contacts = {layer: arena.listeners[layer].contacts()
                    for layer in (*layers, UNSANDBOXED)}
    for kind in ("nothing", "garbage"):
        graded = out.results[("baseline", kind)]
        assert graded.entry is not None, graded.error
        out.baselines[kind] = function_scores(graded.entry)
    legitimate = [t for kind in ("nothing", "garbage")
                  for t in texts(out.results[("baseline", kind)].entry or {})]
    out.hidden_lines = hidden_lines(Settings().grading, legitimate)
    out.seconds = time.monotonic() - started
    return out


def graded(run: Run, attack: Attack, layer: str) -> dict[str, Any]:
    """The entry of ``attack`` under ``layer`` (skips or fails if the layer is missing)."""
    require(layer)
    result = run.results[(layer, attack.name)]
    assert result.entry is not None, f"grading {attack.name} under {layer} failed:\n{result.error}"
    return result.entry


def report(entry: dict[str, Any], functions: Iterable[str]) -> str:
    functions = set(functions)
    return "\n".join(f"  {t['function']}: {t['name']} [{t['status']}] "
                     f"{t['score']}/{t['max_score']}\n    {t['feedback'][:300]}"
                     for t in entry["tests"] if t["function"] in functions)


def full_marks(entry: dict[str, Any]) -> dict[str, float]:
    full: dict[str, float] = {}
    for test in entry["tests"]:
        full[test["function"]] = full.get(test["function"], 0.0) + test["max_score"]
    return full


# --- the tests --------------------------------------------------------------------------------
@pytest.mark.parametrize(("attack", "layer"), CASES)
def test_an_attack_earns_no_more_than_a_broken_function(run: Run, attack: Attack,
                                                        layer: str) -> None:
    entry = graded(run, attack, layer)
    scores = function_scores(entry)
    due = run.baselines[attack.deserves]
    for function in attack.targets:
        assert scores[function] <= due[function] + 1e-9, (
            f"{attack.name} ({attack.stopped_by}) earned {scores[function]} for {function} "
            f"under {layer}; broken that way ({attack.deserves}) it earns {due[function]}\n"
            + report(entry, [function]))
    if attack.status:
        statuses = {t["status"] for t in entry["tests"] if t["function"] in attack.targets}
        assert statuses == {attack.status}, report(entry, attack.targets)


@pytest.mark.parametrize(("attack", "layer"), CASES)
def test_functions_an_attack_does_not_touch_keep_full_marks(run: Run, attack: Attack,
                                                            layer: str) -> None:
    entry = graded(run, attack, layer)
    scores, full = function_scores(entry), full_marks(entry)
    spared = set(full) - set(attack.targets) - set(attack.collateral)
    lost = sorted(f for f in spared if scores[f] < full[f] - 1e-9)
    assert not lost, f"{attack.name} under {layer} cost untouched functions points:\n" \
        + report(entry, lost)


@pytest.mark.parametrize(("attack", "layer"), CASES)
def test_grading_an_attack_ends_in_bounded_time(run: Run, attack: Attack, layer: str) -> None:
    entry = graded(run, attack, layer)
    assert entry["status"] == "graded", entry.get("feedback")
    seconds = run.results[(layer, attack.name)].seconds
    assert seconds < TIME_BOUND, f"grading {attack.name} under {layer} took {seconds:.1f} s"


@pytest.mark.parametrize(("attack", "layer"), CASES)
def test_no_process_or_thread_of_an_attack_survives(run: Run, attack: Attack,
                                                    layer: str) -> None:
    graded(run, attack, layer)
    marker = run.arena.marker(layer, ATTACKS.index(attack))
    assert run.results[(layer, attack.name)].survivors == [], \
        f"still running after {attack.name} was graded under {layer}"
    assert [t for t in run.late_survivors if t.startswith(marker)] == []


@pytest.mark.parametrize(("attack", "layer"), CASES)
def test_nothing_outside_the_sandbox_changes(run: Run, attack: Attack, layer: str) -> None:
    graded(run, attack, layer)
    assert run.arena.reached(layer, attack.name) == [], f"{attack.name} wrote outside"
    after = run.arena.outside(layer, attack.name)
    changed = [f"{where}/{path}: {old.get(path, 'absent')} -> {after[where].get(path, 'absent')}"
               for where, old in run.before[(layer, attack.name)].items()
               for path in sorted(set(old) | set(after[where]))
               if old.get(path) != after[where].get(path)]
    assert not changed, f"{attack.name} under {layer} changed files outside:\n" + "\n".join(changed)


@pytest.mark.parametrize(("attack", "layer"), CASES)
def test_the_feedback_holds_no_secret_and_no_escape(run: Run, attack: Attack,
                                                    layer: str) -> None:
    entry = graded(run, attack, layer)
    text = "\n".join(texts(entry))
    assert run.arena.secret not in text, f"{attack.name} under {layer} leaked a secret"
    shown = sorted(line for line in run.hidden_lines if line in text)
    assert not shown, f"{attack.name} under {layer} leaked hidden test lines: {shown[:3]}"
    reports = {line for line in text.splitlines() if any(s in line.lower() for s in SENTINELS)}
    assert not reports, f"{attack.name} under {layer} reports an escape:\n" + "\n".join(reports)


@pytest.mark.parametrize("layer", LAYERS)
def test_no_attack_reaches_a_listener_on_the_host(run: Run, layer: str) -> None:
    require(layer)
    assert run.contacts[layer] == []


@pytest.mark.parametrize("name", CONTROL)
def test_without_a_sandbox_the_control_attacks_do_get_out(run: Run, name: str) -> None:
    """Not a wish: the proof that the attacks are real and the checks above would see them."""
    if not run.results:
        pytest.skip("no layer to grade with")
    attack, arena = BY_NAME[name], run.arena
    entry = run.results[(UNSANDBOXED, name)].entry
    assert entry is not None, run.results[(UNSANDBOXED, name)].error
    text = "\n".join(texts(entry))
    seen = {
        "write_outside": bool(arena.reached(UNSANDBOXED, name))
        and arena.outside(UNSANDBOXED, name) != run.before[(UNSANDBOXED, name)],
        "read_hidden_tests": any(line in text for line in run.hidden_lines),
        "proc_snooping": arena.secret in text,
        "import_grader": function_scores(entry)["swish"] > run.baselines[attack.deserves]["swish"],
        "network": bool(run.contacts[UNSANDBOXED]),
        "daemons": "escaped: daemon started" in text
        and not run.results[(UNSANDBOXED, name)].survivors,
    }
    assert seen[name], \
        f"without a sandbox, expected: {CONTROL[name]}\n{report(entry, attack.targets)}"


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("name", LOOPS)
def test_a_loop_hidden_from_the_line_counter_earns_no_vectorization_points(
        run: Run, name: str, layer: str) -> None:
    attack = MEASURED[name]
    entry = graded(run, attack, layer)
    vectorized = {t["function"]: t for t in entry["tests"] if t["check"] == "vectorized"}
    values = {t["function"]: t["status"] for t in entry["tests"] if t["check"] == "values"}
    assert {values[f] for f in attack.targets} == {"passed"}, "the loops should compute right"
    for name, test in vectorized.items():
        if name in attack.targets:
            assert test["score"] == 0.0, test
        else:
            assert test["score"] == test["max_score"], test


@pytest.mark.parametrize("layer", LAYERS)
def test_silencing_numpy_earns_no_stability_points(run: Run, layer: str) -> None:
    attack = MEASURED["silenced_overflow"]
    entry = graded(run, attack, layer)
    tests = {(t["function"], t["check"]): t for t in entry["tests"]}
    for name in attack.targets:
        assert tests[(name, "values")]["status"] == "passed", tests[(name, "values")]
        assert tests[(name, "stability")]["score"] == 0.0, tests[(name, "stability")]
    for name in ("tanh", "elu", "selu", "swish"):  # mish's thread kept numpy's default
        said = tests[(name, "stability")]["feedback"]
        assert "silencing numpy" in said and "overflow" in said, said
    for (name, check), test in tests.items():
        if check == "stability" and name not in attack.targets:
            assert test["score"] == test["max_score"], test


@pytest.mark.parametrize("layer", LAYERS)
def test_a_peak_erased_inside_the_worker_still_counts(run: Run, layer: str) -> None:
    attack = MEASURED["reset_peak"]
    entry = graded(run, attack, layer)
    tests = {(t["function"], t["check"]): t for t in entry["tests"]}
    for name in attack.targets:
        assert tests[(name, "values")]["status"] == "passed", tests[(name, "values")]
        said = tests[(name, "batching")]["feedback"]
        assert tests[(name, "batching")]["status"] == "failed", said
        found = re.search(r"held ([\d.]+) MiB at once", said)
        assert found and float(found.group(1)) > 10, said  # 3 layers of 20,000 x 64 floats


@pytest.mark.parametrize("layer", LAYERS)
def test_a_worker_cannot_fill_the_disk(run: Run, layer: str) -> None:
    attack = MEASURED["fill_disk"]
    entry = graded(run, attack, layer)
    said = next(t["feedback"] for t in entry["tests"] if t["function"] == "relu_activity")
    found = re.search(r"wrote (\d+) MiB", said)
    assert found, said
    assert int(found.group(1)) <= DISK_QUOTA_MIB, said


def test_the_baselines_are_broken_in_every_attacked_function(run: Run) -> None:
    if not run.baselines:
        pytest.skip("no layer to grade with")
    entry = run.results[("baseline", "garbage")].entry
    assert entry is not None
    full = full_marks(entry)
    for attack in ATTACKS:
        for function in attack.targets:
            assert run.baselines[attack.deserves][function] < full[function] / 2, function
    assert set(run.baselines["nothing"].values()) == {0.0}


def test_every_hostile_file_is_an_attack_of_the_suite() -> None:
    assert len(ATTACKS) >= 20
    assert sorted(p.stem for p in HOSTILE.glob("*.py")) == sorted([*BY_NAME, *MEASURED])
    for attack in [*ATTACKS, *MEASURED.values()]:
        text = (HOSTILE / f"{attack.name}.py").read_text()
        compile(hostile_text(attack), attack.name, "exec")
        assert text.startswith('"""'), f"{attack.name} should say what it attempts"
        if attack.file in FILES:  # a snippet: only what it changes in the reference's file
            reference = ast.parse((REFERENCE / attack.file).read_text()).body
            same = [getattr(n, "name", ast.unparse(n)[:40]) for n in ast.parse(text).body
                    if not isinstance(n, (ast.Import, ast.ImportFrom))
                    and any(ast.dump(n) == ast.dump(r) for r in reference)]
            assert not same, f"{attack.name} repeats the reference's {same}"
        unknown = set(re.findall(r"@([A-Z_]+)@", text)) - set(PLACEHOLDER.findall(text))
        assert unknown <= {"NAME"}, f"{attack.name}: placeholders the arena cannot fill"


def test_the_whole_suite_grades_in_reasonable_time(run: Run) -> None:
    if not run.results:
        pytest.skip("no layer to grade with")
    slowest = sorted(run.results.items(), key=lambda item: -item[1].seconds)[:5]
    print(f"graded {len(run.results)} submissions in {run.seconds:.1f} s; slowest: "
          + ", ".join(f"{name} ({layer}) {r.seconds:.1f} s" for (layer, name), r in slowest))
    assert run.seconds < 600
