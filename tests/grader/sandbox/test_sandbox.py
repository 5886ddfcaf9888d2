"""grader.sandbox: limits, policies, the bubblewrap command, and what this machine offers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader import sandbox
from grader.errors import UsageError
from grader.worker import _isolate, _seccomp
from tests.needs import missing


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    """An allowed-packages folder holding links to numpy, as the trusted side makes it."""
    folder = tmp_path / "site"
    folder.mkdir()
    numpy_dir = Path(np.__file__).parent
    for path in (numpy_dir, numpy_dir.with_name("numpy.libs")):
        if path.exists():
            (folder / path.name).symlink_to(path)
    return folder


@pytest.fixture()
def bwrap() -> str:
    path = shutil.which("bwrap")
    if path is None:
        missing("bwrap is not installed: apt-get install -y bubblewrap")
    return path


def test_limits_default_to_one_gibibyte_and_reject_nonsense() -> None:
    assert sandbox.Limits().memory_bytes == 1 << 30
    assert set(sandbox.Limits().rlimits()) == {"memory_bytes", "cpu_seconds", "file_size_bytes",
                                                "open_files", "processes", "disk_bytes"}
    expected = r"Expected a positive number but got cpu_seconds=0 \(type=int\)"
    with pytest.raises(ValueError, match=expected):
        sandbox.Limits(cpu_seconds=0)
    with pytest.raises(ValueError, match="memory_bytes='1G'"):
        sandbox.Limits(memory_bytes="1G")  # type: ignore[arg-type]


@pytest.mark.parametrize("layer", sandbox.LAYERS)
def test_a_policy_is_json_and_names_exactly_what_the_worker_may_touch(
        layer: str, site: Path) -> None:
    policy = json.loads(json.dumps(sandbox.policy_for(layer, sandbox.Limits(), [site], [])))
    assert set(policy) <= set(_isolate.DEFAULT_POLICY), "a key _isolate does not know"
    numpy_dir = str(Path(np.__file__).parent)
    assert {str(site), numpy_dir, str(sandbox.WORKER_DIR)} <= set(policy["read"])
    assert policy["write"] == ["/dev/null"]
    rt = sandbox.runtime()
    assert policy["list"] == rt.stdlib
    # the interpreter's site-packages stay shut, but for numpy
    opened = [p for p in policy["read"] if any(p.startswith(c + "/") for c in rt.closed)]
    assert sorted(opened) == sorted(os.path.realpath(p) for p in site.iterdir())
    assert policy["limits"]["memory_bytes"] == 1 << 30


def test_an_unknown_layer_is_rejected_with_the_known_ones() -> None:
    expected = (r"Expected one of \('bubblewrap', 'landlock', 'landlock-nons', 'none'\) "
                r"but got layer='docker'")
    with pytest.raises(ValueError, match=expected):
        sandbox.policy_for("docker", sandbox.Limits(), [], [])
    with pytest.raises(UsageError, match="Expected one of auto, bubblewrap, landlock, "
                                         "landlock-nons, none but got sandbox='docker'"):
        sandbox.choose("docker")


def mount_points(argv: list[str]) -> list[str]:
    """Where each of bwrap's mounts goes, in the order bwrap makes them."""
    points, i = [], 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] in ("--ro-bind", "--bind", "--dev-bind", "--symlink"):  # SOURCE DEST
            points.append(argv[i + 2])
            i += 3
        elif argv[i] in ("--tmpfs", "--proc", "--dev", "--dir", "--mqueue"):  # DEST
            points.append(argv[i + 1])
            i += 2
        else:
            i += 1
    return points


def test_bwrap_argv_unshares_everything_and_binds_only_what_the_worker_needs(site: Path) -> None:
    argv = sandbox.bwrap_argv(sys.executable, [site], unprivileged=True)
    for flag in ("--unshare-all", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in argv
    assert argv[argv.index("--cap-drop") + 1] == "ALL"
    assert argv[argv.index("--uid") + 1] == argv[argv.index("--gid") + 1] == "65534"
    assert argv[-2:] == ["--", sys.executable]
    binds = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--ro-bind"]
    assert str(sandbox.WORKER_DIR) in binds and str(site) in binds
    assert not any(b in ("/", "/usr", "/etc", "/root", "/home") for b in binds), binds
    root = Path(sandbox.__file__).resolve().parent.parent  # a venv may live inside it
    secrets = [root / "grader", root / "reference", root / "assignments"]
    exposed = [b for b in binds if not Path(b).is_relative_to(sandbox.WORKER_DIR) and any(
        Path(b).is_relative_to(s) or s.is_relative_to(b) for s in secrets)]
    assert not exposed, "the grader's own code, the reference or the hidden tests are visible"
    # bwrap mounts in argv order, and a mount hides all earlier ones at or below its path:
    # so none may come after one it contains (a hidden site-packages after the numpy put
    # back inside it), wherever the interpreter, its stdlib and numpy live
    mounts = mount_points(argv)
    for later, path in enumerate(mounts):
        hidden = [m for m in mounts[:later] if Path(m).is_relative_to(path)]
        assert not hidden, f"{path} is mounted after, and so hides, {hidden}"
    tmpfs = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--tmpfs"]
    assert set(sandbox.runtime().closed) <= set(tmpfs)  # the interpreter's packages: hidden
    assert os.path.realpath(Path(np.__file__).parent) in binds  # numpy: bound all the same
    assert "--uid" not in sandbox.bwrap_argv(sys.executable, [site], unprivileged=False)


def test_python_under_bwrap_imports_numpy_and_sees_nothing_else(bwrap: str, site: Path) -> None:
    code = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
import numpy
site_packages = os.path.dirname(os.path.dirname(numpy.__file__))
print(json.dumps({"uid": os.getuid(), "exp": float(numpy.exp(0.0)), "tmp": os.listdir("/tmp"),
                  "packages": sorted(os.listdir(site_packages)), "env": sorted(os.environ),
                  "passwd": os.path.exists("/etc/passwd"), "grader": os.path.exists(sys.argv[2])}))
"""
    argv = sandbox.bwrap_argv(sys.executable, [site], unprivileged=True)
    done = subprocess.run([*argv, "-I", "-S", "-c", code, str(site), sandbox.__file__],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert set(seen.pop("env")) <= {*sandbox.ENV, "PWD"}
    bound = [Path(argv[i + 1]) for i, arg in enumerate(argv) if arg == "--ro-bind"]
    on_the_way = {p.parts[2] for p in bound if p.parts[1:2] == ("tmp",) and len(p.parts) > 2}
    assert set(seen.pop("tmp")) <= on_the_way, "the host's /tmp shows through"
    assert seen == {"uid": 65534, "exp": 1.0, "passwd": False, "grader": False,
                    "packages": sorted(p.name for p in site.iterdir())}


def test_nested_namespaces_work_inside_bwrap(bwrap: str) -> None:
    code = "import json, sys; sys.path.insert(0, sys.argv[1]); import _isolate; " \
           "print(json.dumps(_isolate.available_layers()))"
    argv = sandbox.bwrap_argv(sys.executable, [], unprivileged=True)
    done = subprocess.run([*argv, "-I", "-S", "-c", code, str(sandbox.WORKER_DIR)],
                          capture_output=True, text=True, timeout=60)
    layers = json.loads(done.stdout)
    assert layers["namespaces"] and layers["seccomp"] and layers["landlock_abi"] >= 1, layers


def test_this_machine_offers_every_in_process_layer() -> None:
    code = "import json, sys; sys.path.insert(0, sys.argv[1]); import _isolate; " \
           "print(json.dumps(_isolate.available_layers()))"
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(sandbox.WORKER_DIR)],
                          capture_output=True, text=True, timeout=60, env=sandbox.ENV)
    layers = json.loads(done.stdout)
    assert layers["namespaces"] and layers["seccomp"], layers
    assert layers["landlock_abi"] >= 1, "this kernel has no Landlock"


def test_detect_finds_the_in_process_layer_and_caches_its_answer() -> None:
    layers = sandbox.detect()
    assert "landlock" in layers, sandbox.probe("landlock")
    assert list(layers) == [layer for layer in sandbox.LAYERS if layer in layers]
    assert sandbox.detect() is layers


@pytest.mark.parametrize("machine", sorted(_seccomp.ARCHES))
def test_every_seccomp_jump_lands_inside_the_filter(machine: str) -> None:
    program = _seccomp.build_filter(machine, pid=1)
    assert program[-1] == (_seccomp.BPF_RET_K, 0, 0, _seccomp.SECCOMP_RET_ALLOW)
    for index, (code, jt, jf, _k) in enumerate(program):
        if code & 0x07 == 0x05:  # BPF_JMP
            assert index + 1 + max(jt, jf) < len(program), (index, code, jt, jf)
    assert len(_seccomp.encode(program)) == 8 * len(program)


def test_an_unknown_architecture_gets_no_filter_rather_than_a_wrong_one() -> None:
    with pytest.raises(_seccomp.SeccompError, match="no seccomp syscall table for riscv64"):
        _seccomp.build_filter("riscv64")


def test_root_becomes_nobody_only_where_nobody_can_read_the_interpreter(site: Path) -> None:
    policy = sandbox.policy_for("landlock", sandbox.Limits(), [site], [])
    if os.geteuid() != 0:
        assert "uid" not in policy
        return
    nobody = sandbox.NOBODY
    reachable = all(sandbox._reachable_by(nobody, nobody, p) for p in policy["read"])
    assert (policy.get("uid") == sandbox.NOBODY) == reachable
    forced = sandbox.policy_for("landlock", sandbox.Limits(), [site], [], unprivileged=True)
    assert forced["uid"] == forced["gid"] == sandbox.NOBODY


def test_landlock_nons_is_the_landlock_policy_without_namespaces(site: Path) -> None:
    full = sandbox.policy_for("landlock", sandbox.Limits(), [site], [])
    nons = sandbox.policy_for("landlock-nons", sandbox.Limits(), [site], [])
    assert nons == {**full, "namespaces": False}
    assert "landlock-nons" not in sandbox.LAYERS, "auto must never pick the weaker layer"


def test_no_sandbox_still_gets_a_policy_that_confines_nothing() -> None:
    policy = sandbox.policy_for("none", sandbox.Limits(), [], [])
    assert set(policy) <= set(_isolate.DEFAULT_POLICY)
    assert policy["namespaces"] is policy["confine"] is policy["landlock"] is False
    assert set(policy["limits"].values()) == {None}
    assert sandbox.choose("none") == "none"
