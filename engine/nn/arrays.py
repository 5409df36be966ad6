"""The arrays an :class:`~engine.nn.model.MLP` computes with: its checked inputs and targets,
the per-batch :class:`Workspace` allocated once per run, and two overflow-free numeric helpers."""
from __future__ import annotations

import numpy as np


def check_inputs(X, n_inputs: int, name: str = "X") -> np.ndarray:
    """Check X (n samples x ``n_inputs``) and return it with a column of ones appended: the bias
    rides along as the last row of each layer's ``[W; b]`` (see ``MLP.forward_batch``)."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != n_inputs:
        raise ValueError(f"{name} must be a 2-D array with {n_inputs} columns "
                         f"(one row per sample), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one sample")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    X1 = np.ones((X.shape[0], X.shape[1] + 1))
    X1[:, :-1] = X
    return X1

def check_targets(y, n: int, output: str, k: int, name: str = "y") -> np.ndarray:
    """The float target matrix T (n, k) a network with ``output`` and ``k`` outputs compares its
    output with (one-hot class indices for softmax)."""
    y = np.asarray(y)
    if y.shape[0:1] != (n,):
        raise ValueError(f"{name} must have one entry per sample ({n}), got shape {y.shape}")
    if output == "softmax":
        if y.ndim != 1:
            raise ValueError(f"{name} must be a 1-D array of class indices, got shape {y.shape}")
        labels = y.astype(float) if y.dtype.kind in "fiub" else None
        if labels is None or not np.isfinite(labels).all() or (labels != np.round(labels)).any() \
                or labels.min() < 0 or labels.max() > k - 1:
            raise ValueError(f"{name} must hold class indices 0 .. {k - 1} (the network has "
                             f"{k} outputs)")
        T = np.zeros((n, k))
        T[np.arange(n), labels.astype(int)] = 1.0
        return T
    if y.dtype.kind not in "fiub":
        raise ValueError(f"{name} must be numeric, got dtype {y.dtype}")
    T = y.astype(float).reshape(n, -1)
    if T.shape[1] != k:
        raise ValueError(f"{name} must have {k} value(s) per sample, got shape {y.shape}")
    if not np.isfinite(T).all():
        raise ValueError(f"{name} must contain only finite numbers")
    if output == "sigmoid" and not np.isin(T, (0.0, 1.0)).all():
        raise ValueError(f"{name} must hold only 0 and 1 for a sigmoid output")
    return T


def sigmoid(z, out):
    """1 / (1 + e^-z) written as (1 + tanh(z/2)) / 2: same value, never overflows."""
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def r2_score(T, P) -> float:
    """Coefficient of determination averaged over outputs (scikit-learn's r2_score).

    A constant target scores 1.0 when predicted exactly and 0.0 otherwise, as in
    scikit-learn (``force_finite``).
    """
    ss_res = ((T - P) ** 2).sum(axis=0)
    ss_tot = ((T - T.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0),
                      np.where(ss_res == 0, 1.0, 0.0))
    return float(np.mean(r2))


def check_layer_sizes(layer_sizes, output):
    try:
        sizes = tuple(layer_sizes)
    except TypeError:
        raise ValueError(f"layer_sizes must be a list of layer widths such as [64, 100, 10], "
                         f"got {layer_sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError("layer_sizes needs at least 2 entries (inputs and outputs), "
                         f"got {list(sizes)}")
    out = []
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or not 1 <= s <= 100_000:
            raise ValueError(f"every layer width must be a whole number in [1, 100000], got {s!r}")
        out.append(int(s))
    if output == "softmax" and out[-1] < 2:
        raise ValueError("a softmax output needs at least 2 units (one per class); "
                         "for two classes use 2 units, or output='sigmoid' with 1 unit")
    return tuple(out)


class Workspace:
    """Arrays for batches of ``n`` samples, allocated once and reused for every batch.

    Hidden layer l: ``H[l]`` its output with a last column of ones (``Hv[l]`` the view
    without it), ``D[l]`` the loss gradient with respect to its pre-activation (plus an
    unused last column), and with dropout ``U[l]``, ``M[l]``, ``A[l]``: the uniform draws,
    the scaled mask and the output after dropout. Output layer: logits ``Z``,
    probabilities ``P`` and gradient ``D[-1]``.
    """

    def __init__(self, net, n: int, dropout: bool):
        hidden = net.layer_sizes[1:-1]
        k = net.layer_sizes[-1]
        self.n = n
        self.dropout = dropout
        self.H = [np.ones((n, h + 1)) for h in hidden]
        self.Hv = [H[:, :-1] for H in self.H]
        self.D = [np.zeros((n, h + 1)) for h in hidden] + [np.empty((n, k))]
        self.Dv = [D[:, :-1] for D in self.D[:-1]] + [self.D[-1]]
        self.tmp = [np.empty((n, h + 1)) for h in hidden]
        self.flag = [np.empty((n, h + 1), dtype=bool) for h in hidden]
        self.Z = np.empty((n, k))
        self.P = np.empty((n, k))
        self.row = np.empty(n)
        if dropout:
            self.U = [np.empty((n, h + 1)) for h in hidden]
            self.M = [np.empty((n, h + 1)) for h in hidden]
            self.A = [np.empty((n, h + 1)) for h in hidden]
        self._weight_mask = net.weight_mask
        self._l2 = None
        self._l2_mask = None
        self.wtmp = np.empty(net.n_params)

    def l2_mask(self, l2):
        """``l2 / n`` where params holds a weight, 0 at biases (recomputed if l2 changes)."""
        if l2 != self._l2:
            self._l2, self._l2_mask = l2, self._weight_mask * (l2 / self.n)
        return self._l2_mask
