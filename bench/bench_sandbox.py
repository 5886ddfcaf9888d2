"""Benchmark: what the sandbox adds to starting a worker (target: about 20 ms or less).

    python bench/bench_sandbox.py [--starts 200] [--runs 5]

A worker is forked from a warm zygote (numpy and scipy.special already imported)
for every submission, and again after a crash or a timeout. This times, per layer,
the start of a worker as the grader sees it: the zygote forks it, the worker applies
its isolation (namespaces, rlimits, uid, Landlock, seccomp; under bubblewrap the
zygote itself already runs inside bwrap) and answers a first request. ``none`` --
plain fork, separate processes only -- is the baseline, measured side by side in the
same run; the overhead is the difference of the medians. The zygote's own start,
paid once per grading process, is reported too.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.proxy import _Worker  # noqa: E402
from grader.sandbox import LAYERS, Limits, detect  # noqa: E402
from grader.zygote import Zygote  # noqa: E402


def one_start(zygote: Zygote) -> float:
    started = time.perf_counter()
    worker = _Worker(zygote)
    reply, _ = worker.request({"op": "ping"}, [], 10.0)
    elapsed = time.perf_counter() - started
    assert reply.get("ok"), reply
    worker.kill()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=200, help="worker starts per run")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    layers = ["none", *[layer for layer in LAYERS if layer in detect()]]
    zygotes: dict[str, Zygote] = {}
    zygote_start: dict[str, float] = {}
    for layer in layers:
        started = time.perf_counter()
        zygotes[layer] = Zygote(layer=layer, limits=Limits())
        one_start(zygotes[layer])  # the first worker waits for the zygote to be ready
        zygote_start[layer] = time.perf_counter() - started
    medians: dict[str, list[float]] = {layer: [] for layer in layers}
    for _ in range(args.runs):  # alternate the layers, so that a noisy minute hits all
        for layer in layers:
            times = [one_start(zygotes[layer]) for _ in range(args.starts)]
            medians[layer].append(statistics.median(times))
    for zygote in zygotes.values():
        zygote.close()
    base = statistics.median(medians["none"])
    print(f"worker start (fork + isolation + first reply), median of {args.runs} runs of "
          f"{args.starts} starts:")
    for layer in layers:
        value = statistics.median(medians[layer])
        extra = "" if layer == "none" else \
            f"   sandbox adds {1000 * (value - base):5.1f} ms (target <= ~20)"
        print(f"  {layer:<11} {1000 * value:6.1f} ms   runs: "
              f"{', '.join(f'{1000 * m:.1f}' for m in medians[layer])}{extra}")
    print("zygote start, once per grading process (first worker ready): " + ", ".join(
        f"{layer} {zygote_start[layer]:.2f} s" for layer in layers))


if __name__ == "__main__":
    main()
