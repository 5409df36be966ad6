"""Batch size, measured: gradient noise, updates, time and accuracy of one run per batch size.

:func:`batch_size_study` measures the gradient noise of every batch size at the shared start
weights (:mod:`engine.strategies.noise`), then trains one network per batch size side by side
(8, 32, 128, 512 and full batch; the same number of epochs, so every run sees the same
samples): updates per epoch, time per epoch, final accuracies. The tutorial's batch-size
table is typed-in text (:func:`tutorial_claims`); :func:`batch_table` is what it should have
measured, and :func:`batch_summary` what the measurements say.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generator

import numpy as np

from engine.blas import limit_blas
from engine.params import Param
from engine.strategies.noise import BATCH_SIZES, DRAWS, FULL, NoiseRow, batch_sizes_of, gradient_noise
from engine.strategies.runs import (HIDDEN, SECTION4_TRAIN_SIZE, SEED, Comparison, section4_data, section4_layers,
                                    train_side_by_side)

BATCH_LR = Param("lr", "learning rate", 0.1, minimum=1e-4, maximum=10.0, log=True, decimals=5,
                 help="The (constant) SGD learning rate every batch size trains with.")
BATCH_EPOCHS = Param("epochs", "epochs", 10, kind="int", minimum=1, maximum=200,
                     help="Passes over the training set; every batch size sees the same samples.")


@dataclass(frozen=True)
class BatchRow:
    """One row of the measured batch-size table."""
    label: str                   # "8", ..., "full (4000)"
    batch_size: int
    updates_per_epoch: int
    noise: float                 # measured RMS ||g_B - g|| at the start weights
    predicted_noise: float
    relative_noise: float        # noise / ||g||
    seconds_per_epoch: float     # median over the run's epochs (training + one validation pass)
    train_acc: float | None
    val_acc: float | None
    val_loss: float | None
    activation_kb: float         # memory of one batch's activations and deltas (computed, not measured)
    diverged: bool


@dataclass(frozen=True)
class BatchStudy:
    noise: tuple                 # NoiseRow per batch size
    comparison: Comparison
    rows: tuple                  # BatchRow per batch size


def batch_memory_kb(layer_sizes, batch_size: int) -> float:
    """Memory of one batch's layer outputs and their gradients (float64), in KB: it grows
    in proportion to the batch size. (The weights, the same for every batch size, are not counted.)"""
    return batch_size * 2 * sum(layer_sizes[1:]) * 8 / 1024


def batch_label(batch_size: int, full: bool) -> str:
    return f"full ({batch_size})" if full else str(batch_size)


def batch_size_study(batch_sizes=BATCH_SIZES, epochs=10, lr=0.1, hidden=64, seed=0, draws=100) -> Generator:
    """Measure what the batch size does, on the section-4 data.

    1. At the shared initial weights, the gradient noise of every batch size
       (:func:`gradient_noise`, ``draws`` batches each): yields one :class:`NoiseRow` each.
    2. One SGD run (constant ``lr``) per batch size, side by side, the same number of
       ``epochs`` (so every run sees the same samples, grouped differently), from the same
       weights: yields :class:`RunStart` and :class:`RunEpoch` events.

    Returns a :class:`BatchStudy` whose ``rows`` make the table.
    """
    data = section4_data()
    n = data.X_train.shape[0]
    sizes = batch_sizes_of(batch_sizes, n)
    labels = [batch_label(b, full) for b, full in sizes]
    if len(set(labels)) != len(labels):
        raise ValueError(f"batch_sizes lists a batch size twice: {labels}")
    epochs = BATCH_EPOCHS.validate(epochs)
    lr = BATCH_LR.validate(lr)
    hidden = HIDDEN.validate(hidden)
    seed = SEED.validate(seed)
    draws = DRAWS.validate(draws)
    return _batch_study(data, sizes, labels, epochs, lr, hidden, seed, draws)


def _batch_study(data, sizes, labels, epochs, lr, hidden, seed, draws):
    from engine.nn import MLP
    from engine.optimizers import SGD
    X, y, Xv, yv = data.X_train, data.y_train, data.X_test, data.y_test
    base = MLP([X.shape[1], hidden, 2], seed=seed)
    rng = np.random.default_rng(seed)
    noise = []
    for (b, full) in sizes:
        with limit_blas(1):
            row = gradient_noise(base, X, y, [None if full else b], draws=draws, seed=rng)[0]
        noise.append(row)
        yield row
    configs = {label: dict(optimizer=SGD(lr=lr), epochs=epochs, batch_size=b, seed=seed, score_train=True)
               for label, (b, _full) in zip(labels, sizes)}
    settings = {"epochs": epochs, "lr": lr, "hidden": hidden, "seed": seed, "draws": draws}
    comparison = yield from train_side_by_side(base, (X, y, Xv, yv), configs, settings)
    rows = []
    for label, (b, _full), nrow in zip(labels, sizes, noise):
        res = comparison.runs[label]
        last = res.history[-1] if res.history else None
        rows.append(BatchRow(
            label=label, batch_size=b, updates_per_epoch=last.n_batches if last else -(-X.shape[0] // b),
            noise=nrow.measured, predicted_noise=nrow.predicted, relative_noise=nrow.relative,
            seconds_per_epoch=float(np.median([e.seconds for e in res.history])) if res.history else math.nan,
            train_acc=last.train_acc if last else None, val_acc=last.val_acc if last else None,
            val_loss=last.val_loss if last else None,
            activation_kb=batch_memory_kb(base.layer_sizes, b), diverged=res.diverged))
    return BatchStudy(noise=tuple(noise), comparison=comparison, rows=tuple(rows))


# ------------------------------------------------------------------ the lab's table and verdict
def tutorial_claims(batch_size: int | None) -> str:
    """What the tutorial's table prints for a batch size (its if-statements); '—' for the full batch."""
    if batch_size is None:
        return "— (no row)"
    noise = "High" if batch_size < 32 else "Medium" if batch_size < 128 else "Low"
    memory = "Low" if batch_size < 64 else "Medium" if batch_size < 256 else "High"
    speed = "Slow" if batch_size < 32 else "Medium" if batch_size < 128 else "Fast"
    return f"{noise}/{memory}/{speed}"


def lab_labels(batch_sizes=BATCH_SIZES, n_train=SECTION4_TRAIN_SIZE) -> list[str]:
    """The run labels of :func:`batch_size_study` on the section-4 data ("8", ..., "full (4000)")."""
    return [batch_label(b if b is not None else n_train, b is None) for b in batch_sizes]


def batch_table(noise=(), histories=None, hidden=HIDDEN.default, study: BatchStudy | None = None,
                batch_sizes=BATCH_SIZES):
    """The measured batch-size table so far, one row per batch size (a DataFrame).

    ``noise``: the :class:`NoiseRow` events so far; ``histories``: label -> the EpochResults so
    far. A value not measured yet is NaN. Once the ``study`` is done, memory and time come
    from its rows (the median time per epoch of the whole run)."""
    import pandas as pd
    histories = histories or {}
    rows = []
    for r, (label, b) in enumerate(zip(lab_labels(batch_sizes), batch_sizes)):
        row = {"batch": label if b is not None else FULL, "updates": math.nan, "noise": math.nan,
               "formula": math.nan, "relative": math.nan, "ms_per_epoch": math.nan, "memory_kb": math.nan,
               "train_acc": math.nan, "val_acc": math.nan, "tutorial": tutorial_claims(b)}
        if r < len(noise):
            n = noise[r]
            row.update(noise=n.measured, formula=n.predicted, relative=n.relative,
                       memory_kb=batch_memory_kb(section4_layers(hidden), n.batch_size))
        hist = histories.get(label, [])
        if hist:
            last = hist[-1]
            row.update(updates=last.n_batches, ms_per_epoch=float(np.median([e.seconds for e in hist])) * 1000,
                       train_acc=_number(last.train_acc), val_acc=_number(last.val_acc))
        if study is not None:
            done = study.rows[r]
            row.update(memory_kb=done.activation_kb, ms_per_epoch=done.seconds_per_epoch * 1000)
        rows.append(row)
    return pd.DataFrame(rows)


def _number(value) -> float:
    return math.nan if value is None else float(value)


def noise_formula_curve(first: NoiseRow, n_train: int = SECTION4_TRAIN_SIZE, points: int = 80):
    """(batch sizes, the noise formula without replacement, sigma / sqrt(B)) for the noise plot,
    from the first measured row; up to 3/4 of the data (beyond, the formula plunges to 0 at N)."""
    b = np.unique(np.round(np.logspace(0, math.log10(0.75 * n_train), points)))
    sigma = first.predicted_with_replacement * math.sqrt(first.batch_size)
    return b, sigma / np.sqrt(b) * np.sqrt((n_train - b) / (n_train - 1)), sigma / np.sqrt(b)


@dataclass(frozen=True)
class BatchSummary:
    """What the batch-size study says, from its first (smallest), third and last (full) rows."""
    small: BatchRow
    full: BatchRow
    epochs: int
    worst_formula_error: float   # the largest |measured / formula - 1| over the batch sizes
    noise_ratio: float           # small batch's noise / the third batch size's (8 -> 128: about 4)
    small_fits_better: bool      # the small batches reached a higher training accuracy than the full one


def batch_summary(study: BatchStudy) -> BatchSummary:
    rows = study.rows
    small, mid, full = rows[0], rows[min(2, len(rows) - 1)], rows[-1]
    worst = max((abs(r.noise / r.predicted_noise - 1) for r in rows if r.predicted_noise > 0), default=math.nan)
    ratio = small.noise / mid.noise if mid.noise else math.nan
    better = full.train_acc is not None and small.train_acc is not None and small.train_acc > full.train_acc
    return BatchSummary(small=small, full=full, epochs=study.comparison.settings["epochs"],
                        worst_formula_error=worst, noise_ratio=ratio, small_fits_better=better)
