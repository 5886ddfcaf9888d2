"""A grading process behind a pipe: ``python -m grader.cluster.serve``.

A Dask worker (or anything else on the trusted side) starts one per thread and keeps it
for many submissions. It is the grading process ``grader grade --jobs 1`` runs: the
hidden suites in one pytest session, a zygote, each submission's code in a sandboxed
worker of its own (:func:`grader.runner.grade_each`). Student code never runs in this
process, let alone in the Dask worker that started it.

Frames on stdin and stdout are a 4-byte big-endian length and JSON (never pickle). The
first frame in is the run (``{"assignment", "root", "sandbox", "limits"}``), then one
frame per submission (``{"id", "files": {name: base64}, "notes"}``); one frame comes out
per submission (``{"entry": ...}``), or ``{"fatal": message}`` if the hidden suites
cannot run. End of input ends the process (also when whoever started it dies).
"""

from __future__ import annotations

import base64
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

HEADER = 4
FRAME_CAP = 64 << 20  # a submission is at most 8 MiB of files (16 MiB once in base64)


class ChannelClosed(EOFError):
    """The other end closed the pipe (or wrote a frame that cannot be read)."""


def write_frame(out: IO[bytes], message: Mapping[str, Any]) -> None:
    data = json.dumps(message, ensure_ascii=False).encode()
    out.write(len(data).to_bytes(HEADER, "big") + data)
    out.flush()


def read_frame(source: IO[bytes]) -> dict[str, Any]:
    head = _read_exactly(source, HEADER)
    size = int.from_bytes(head, "big")
    if size > FRAME_CAP:
        raise ChannelClosed(f"a frame of {size} bytes is over the cap")
    try:
        message = json.loads(_read_exactly(source, size))
    except ValueError as exc:
        raise ChannelClosed(f"an unreadable frame ({exc})") from None
    if not isinstance(message, dict):
        raise ChannelClosed("a frame that is not a JSON object")
    return message


def _read_exactly(source: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = source.read(size - len(data))
        if not chunk:
            raise ChannelClosed("end of input")
        data += chunk
    return data


def encode_submission(sid: str, files: Mapping[str, bytes], notes: list[str]) -> dict[str, Any]:
    return {"id": sid, "notes": list(notes),
            "files": {name: base64.b64encode(data).decode() for name, data in files.items()}}


def settings_from(run: Mapping[str, Any]) -> Any:
    from grader.sandbox import Limits
    from grader.settings import Settings

    root = run.get("root")
    return Settings(assignment=str(run["assignment"]), root=Path(root) if root else None,
                    sandbox=str(run["sandbox"]), limits=Limits(**run["limits"]))


def main() -> int:
    # The frames travel on private copies of stdin and stdout: pytest points fds 0 and 1
    # elsewhere while it runs, and anything printed (a warning) goes to stderr instead of
    # into the frames.
    out = os.fdopen(os.dup(1), "wb")
    source = os.fdopen(os.dup(0), "rb")
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    from grader.errors import GraderError
    from grader.runner import grade_each, warm_up
    from grader.submission import Submission
    from grader.zygote import close_zygotes

    orphaned = _end_with_parent()
    try:
        settings = settings_from(read_frame(source))
    except ChannelClosed:
        return 0

    def submissions() -> Iterator[Submission]:
        while True:
            try:
                message = read_frame(source)
            except ChannelClosed:
                return
            files = {str(n): base64.b64decode(v) for n, v in message["files"].items()}
            sid = str(message["id"])
            yield Submission(sid, Path(sid), files=files,
                             notes=[str(n) for n in message.get("notes", [])])

    def deliver(entry: dict[str, Any]) -> None:
        try:
            write_frame(out, {"entry": entry})
        except BrokenPipeError:  # whoever asked is gone (a Dask worker killed): stop here
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # nothing may cut the tidying short
            close_zygotes()
            os._exit(0)

    try:
        warm_up(settings)
        grade_each(submissions(), settings, deliver)
    except GraderError as exc:
        if orphaned.is_set():
            return 0
        write_frame(out, {"fatal": str(exc)})
        return 3
    except (BrokenPipeError, KeyboardInterrupt):
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # nothing may cut the tidying short
        close_zygotes()
    return 0


def _interrupted(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # pytest ends the session on it; the zygotes are closed after


def _end_with_parent() -> threading.Event:
    """Stop (SIGTERM, then a tidy end) soon after whoever started this process dies: a
    Dask worker that was killed leaves no grading process behind, busy or not."""
    parent, orphaned = os.getppid(), threading.Event()
    signal.signal(signal.SIGTERM, _interrupted)

    def watch() -> None:
        while not orphaned.wait(0.2):
            if os.getppid() != parent:
                orphaned.set()
                os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="grader-serve-parent", daemon=True).start()
    return orphaned


if __name__ == "__main__":
    sys.exit(main())
