"""relu_activity and dead_relu_mask push all of X through at once, then reset the peak.

Hostile submission (tests/attacks): the reference's dead_relu.py with those functions
replaced by the code below (tests/compose.py). A student could hand that file in as it
is.

The batching check wants memory that does not grow with the number of samples. Both
functions ignore batch_size and hold every sample's activations (megabytes), then erase
the record of it: relu_activity with tracemalloc.reset_peak(), dead_relu_mask with
tracemalloc.clear_traces() and a garbage collection. The memory is measured from outside
the worker (its peak resident set, read by the zygote in /proc), which nothing inside
can lower: the values pass, the memory case of the batching check fails.
"""
# ruff: noqa

import gc
import tracemalloc


def _all_at_once(weights, biases, X):
    h = np.asarray(X, dtype=np.float64)
    pre = []
    for W, b in zip(weights, biases):
        a = h @ np.asarray(W, dtype=np.float64) + np.asarray(b, dtype=np.float64)
        pre.append(a)
        h = np.maximum(a, 0.0)
    return pre


def relu_activity(weights, biases, X, batch_size=1024):
    pre = _all_at_once(weights, biases, X)
    fractions = [np.mean(a > 0, axis=0) for a in pre]
    del pre
    if tracemalloc.is_tracing():
        tracemalloc.reset_peak()
    return fractions


def dead_relu_mask(weights, biases, X, batch_size=1024):
    pre = _all_at_once(weights, biases, X)
    dead = [np.all(a <= 0, axis=0) for a in pre]
    del pre
    gc.collect()
    if tracemalloc.is_tracing():
        tracemalloc.clear_traces()
    return dead
