"""Gradient noise: how far a mini-batch gradient lies from the full-batch gradient.

:func:`gradient_noise` *measures* it by drawing many batches at fixed weights, next to the
exact prediction for sampling without replacement from the N training samples.

The closed form
---------------
With per-sample gradients ``g_i`` (i = 1..N) of the mean loss, the full-batch gradient is
``g = mean(g_i)`` and their spread is ``sigma2 = mean(||g_i - g||^2)``. A batch of B samples
drawn *without* replacement (as one shuffled epoch does) has the gradient ``g_B`` with::

    E ||g_B - g||^2 = sigma2 / B * (N - B) / (N - 1)

(the finite-population correction; with replacement it would be ``sigma2 / B``). So the
noise, the root of that, falls like ``1 / sqrt(B)`` and is exactly 0 for the full batch.
The per-sample gradient norms come from one forward/backward pass: for a dense layer the
gradient of one sample is the outer product ``a_i delta_i^T``, whose squared norm is
``||a_i||^2 ||delta_i||^2``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.params import Param
from engine.strategies.runs import SEED

DRAWS = Param("draws", "batches drawn", 100, kind="int", minimum=2, maximum=100_000,
              help="How many random batches per batch size the gradient noise is averaged over.")
BATCH_SIZES = (8, 32, 128, 512, None)            # None: the whole training set in one batch
FULL = "full"


def per_sample_gradient_sq_norms(model, X, y) -> np.ndarray:
    """``||g_i||^2`` of every sample's gradient (of its own loss, no L2 penalty), shape (n,).

    One forward/backward pass over all samples: for each layer the per-sample gradient is the
    outer product of the layer's input (with its constant 1) and the sample's delta, whose
    squared norm is ``||a_i||^2 * ||delta_i||^2``; the layers add up.
    """
    _check_plain(model)
    from engine.nn import Workspace
    X1 = model.inputs(X)
    T = model.targets(y, X1.shape[0])
    n = X1.shape[0]
    ws = Workspace(model, n, dropout=False)
    grad = np.zeros_like(model.params)
    with np.errstate(all="ignore"):
        model.loss_grad(X1, T, ws, grad, model.views(grad), False, None, 0)
        total = np.zeros(n)
        for l in range(model.n_layers):
            A = X1 if l == 0 else ws.H[l - 1]          # the layer's input, with its column of ones
            D = ws.Dv[l] * n                            # loss_grad scaled the deltas by 1/n
            total += np.einsum("ij,ij->i", A, A) * np.einsum("ij,ij->i", D, D)
    return total


def _check_plain(model) -> None:
    from engine.nn import MLP
    if not isinstance(model, MLP):
        raise ValueError(f"model must be an engine.nn.MLP, got {type(model).__name__}")
    if model.l2 != 0.0 or model.dropout != 0.0:
        raise ValueError("gradient noise is measured on the data loss alone: use a model with l2=0 and "
                         f"dropout=0 (got l2={model.l2:g}, dropout={model.dropout:g})")
    if model.frozen:
        raise ValueError("gradient noise needs every layer trainable; unfreeze the model first")


@dataclass(frozen=True)
class NoiseRow:
    """Gradient noise of one batch size at fixed weights."""
    batch_size: int              # samples per batch (n for the full batch)
    full_batch: bool
    draws: int                   # batches drawn
    measured_sq: float           # mean over the draws of ||g_B - g||^2
    measured: float              # its square root: the RMS distance from the full-batch gradient
    predicted: float             # sqrt(sigma2 / B * (N - B) / (N - 1))
    predicted_with_replacement: float   # sqrt(sigma2 / B)
    full_norm: float             # ||g||, the full-batch gradient's norm
    cosine: float                # mean cosine between g_B and g (1 = same direction)

    @property
    def relative(self) -> float:
        """Noise relative to the signal: measured / ||g||."""
        return self.measured / self.full_norm if self.full_norm > 0 else math.inf


def batch_sizes_of(batch_sizes, n) -> list[tuple[int, bool]]:
    """``batch_sizes`` checked against a training set of ``n``: (size, is the full batch) each."""
    out = []
    try:
        items = list(batch_sizes)
    except TypeError:
        raise ValueError(f"batch_sizes must be a list such as [8, 32, 128, 512, None], got {batch_sizes!r}") from None
    if not items:
        raise ValueError("batch_sizes must list at least one batch size")
    for b in items:
        if b is None or b == FULL:
            out.append((n, True))
            continue
        if isinstance(b, bool) or not isinstance(b, (int, np.integer)) or not 1 <= b <= n:
            raise ValueError(f"every batch size must be a whole number in [1, {n}] (the training set), "
                             f"or None / 'full' for the full batch; got {b!r}")
        out.append((int(b), int(b) == n))
    return out


def gradient_noise(model, X, y, batch_sizes=BATCH_SIZES, draws=100, seed=0, replace=False) -> list[NoiseRow]:
    """Measure ``||g_B - g||`` for each batch size at the model's current weights.

    ``draws`` batches of each size are drawn at random (without replacement within a batch,
    as in a shuffled epoch; ``replace=True`` draws with replacement); each batch gradient is
    compared with the full-batch gradient ``g``. ``predicted`` is the exact expectation for
    sampling without replacement (see the module docstring). The full batch (None) always
    measures 0: there is only one such batch.
    """
    _check_plain(model)
    X1 = model.inputs(X)                       # checks X
    n = X1.shape[0]
    model.targets(y, n)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    sizes = batch_sizes_of(batch_sizes, n)
    draws = DRAWS.validate(draws)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(SEED.validate(seed))
    replace = bool(replace)
    g = model.gradient(X, y)
    g_sq = float(g @ g)
    sigma2 = max(float(np.mean(per_sample_gradient_sq_norms(model, X, y))) - g_sq, 0.0)
    rows = []
    for b, full in sizes:
        if full and not replace:
            diffs, cosines, count = [0.0], [1.0], 1
        else:
            diffs, cosines = [], []
            for _ in range(draws):
                idx = rng.choice(n, size=b, replace=replace)
                gb = model.gradient(X[idx], y[idx])
                d = gb - g
                diffs.append(float(d @ d))
                nb = math.sqrt(float(gb @ gb))
                cosines.append(float(gb @ g) / (nb * math.sqrt(g_sq)) if nb > 0 and g_sq > 0 else math.nan)
            count = draws
        msq = float(np.mean(diffs))
        fpc = (n - b) / (n - 1) if n > 1 else 0.0
        rows.append(NoiseRow(batch_size=b, full_batch=full, draws=count, measured_sq=msq, measured=math.sqrt(msq),
                             predicted=math.sqrt(sigma2 / b * fpc),
                             predicted_with_replacement=math.sqrt(sigma2 / b),
                             full_norm=math.sqrt(g_sq), cosine=float(np.mean(cosines))))
    return rows
