"""Dead ReLUs: a unit is dead exactly when its activity is 0."""

import numpy as np


def relu_activity(weights, biases, X, batch_size=1024):
    X = np.asarray(X)
    active = [np.zeros(len(b)) for b in biases]
    for batch in np.array_split(X, range(batch_size, len(X), batch_size)):
        h = batch
        for layer, (W, b) in enumerate(zip(weights, biases)):
            z = h @ W + b
            active[layer] += np.count_nonzero(z > 0, axis=0)
            h = np.maximum(z, 0)
    return [a / len(X) for a in active]


def dead_relu_mask(weights, biases, X, batch_size=1024):
    return [activity == 0 for activity in relu_activity(weights, biases, X, batch_size)]
