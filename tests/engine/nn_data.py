"""The small data sets the engine.nn tests train on."""
import numpy as np


def make_data(n=23, d=4, k=3, output="softmax", seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    if output == "softmax":
        y = rng.integers(0, k, n)
    elif output == "sigmoid":
        y = rng.integers(0, 2, (n, k)) if k > 1 else rng.integers(0, 2, n)
    else:
        y = rng.normal(size=(n, k)) if k > 1 else rng.normal(size=n)
    return X, y

