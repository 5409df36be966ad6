"""Over-fitting on purpose, and two cures: dropout and early stopping (tutorial 2.2-2.3).

* :func:`dropout_demo` - one inverted-dropout mask applied to a matrix of activations,
  with the row means before and after, and the row means averaged over many masks: a
  single mask changes every mean, but on average (in expectation) the ``1 / (1 - p)``
  scaling keeps them where they were. Without the scaling they shrink by ``1 - p``.
* :func:`overfitting_split` - a set-up that over-fits: a small training set (default
  100 samples) taken from the tutorial's classification data (section 2.2:
  ``make_classification(n_samples=500, n_features=20, n_informative=10,
  random_state=42)``, 80/20 split, standardised); the rest of the training part
  (300 samples) is the validation set, the tutorial's 100 test samples stay the test set.
* :func:`dropout_comparison` - the same network (same initial weights, same batches)
  trained on that set-up with and without dropout, epoch by epoch, interleaved, so both
  curves can be watched growing side by side.
* :func:`early_stopping_run` - one training run with an
  :class:`engine.early_stopping.EarlyStopping` watching it; every event carries the
  stopper's state (best epoch, counter, patience window) as it was after that epoch.
* :func:`plain_run` - that run without the stopper (what early stopping saved).
* :func:`engine.early_stopping.simulated_early_stopping` gives the same events for the
  tutorial's simulated curves (no network); at the defaults the stopper fires at epoch 36.
* :func:`dropout_job` and :func:`stopping_job` - those runs as the lab shows them: paced at
  ``speed`` epochs per second (:data:`SPEED`), the stopped run followed by :class:`WhatIf`
  events (the same run continued without early stopping).

All training goes through :func:`engine.nn.train`; everything is seeded. The generators
check their arguments when called and start working at the first ``next()``.

Why a network of 2 x 128 units on 100 samples: it learns the training set perfectly in a
few dozen epochs (training loss towards 0) while the validation loss, after reaching its
minimum around epoch 17, climbs steadily: the textbook picture of over-fitting. With
dropout 0.5 the validation loss stays far lower. On this data the validation *accuracy*
changes much less than the loss (the over-fitted network is mostly over-confident rather
than wrong more often): the lab says so rather than hiding it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Generator

import numpy as np

from engine.arrays import readonly
from engine.early_stopping import (MIN_DELTA, PATIENCE, RESTORE_BEST, SIMULATED_EPOCHS, EarlyStopping, StoppingEpoch,
                                   StoppingSummary, simulated_curves, simulated_early_stopping, snapshot)
from engine.params import Param, ParamSet
from engine.stream import interleave, paced

RATE = Param("rate", "dropout rate", 0.5, minimum=0.0, maximum=0.95, decimals=2,
             help="Probability p that a unit is switched off; survivors are multiplied by 1/(1-p).")
N_MASKS = Param("n_masks", "masks averaged", 10_000, kind="int", minimum=1, maximum=1_000_000,
                help="How many independent masks the 'on average' row means are averaged over.")

N_TRAIN = Param("n_train", "training samples", 100, kind="int", minimum=10, maximum=390,
                help="How many of the 400 training samples the network may learn from; the rest "
                     "validate. Fewer samples over-fit sooner.")
HIDDEN = Param("hidden", "hidden units", 128, kind="int", minimum=4, maximum=1024,
               help="Width of each of the two hidden (ReLU) layers: a wider network can memorise more.")
EPOCHS = Param("epochs", "epochs", 150, kind="int", minimum=1, maximum=1000,
               help="Passes over the training set (early stopping may end the run sooner).")
LR = Param("lr", "learning rate", 1e-3, minimum=1e-5, maximum=1.0, log=True, decimals=5,
           help="Step size of the Adam optimizer.")
BATCH = Param("batch_size", "batch size", 16, kind="int", minimum=1, maximum=400,
              help="Samples per gradient step.")
SEED = Param("seed", "seed", 0, kind="int", minimum=0, maximum=2**31 - 1,
             help="Seed of the initial weights, the batches and the dropout masks.")

SETUP = ParamSet((N_TRAIN, HIDDEN, EPOCHS, LR, BATCH, SEED))
RUN_LABELS = ("no dropout", "dropout")

# how the lab runs them
SPEED = Param("speed", "epochs/s", 30, kind="int", minimum=1, maximum=1000, log=True,
              help="How many epochs per second are shown; 1000 is as fast as the computer can train.")
DATA_REAL, DATA_SIMULATED = "real network", "tutorial's curve"
DATA = Param("data", "data", DATA_REAL, kind="choice", choices=(DATA_REAL, DATA_SIMULATED),
             help="A real network trained epoch by epoch, or the tutorial's simulated loss curves "
                  "(which stop at epoch 36).")
WHAT_IF = Param("what_if", "show the rest", True, kind="bool",
                help="After the stop, train on to the last epoch without stopping and draw that in grey: "
                     "what early stopping saved you from.")
MAX_EPOCHS = Param("epochs", "max epochs", 150, kind="int", minimum=5, maximum=500,
                   help="Epochs to run if early stopping never fires.")
ACCURACY_CLOSE = 0.03    # final validation accuracies closer than this "differ much less than the losses"


# ------------------------------------------------------------------ dropout mask
@dataclass(frozen=True)
class DropoutDemo:
    """Result of :func:`dropout_demo`. Arrays are read-only; rows are samples."""
    rate: float
    activations: np.ndarray          # the input, (rows, units)
    keep: np.ndarray                 # bool mask: True where the unit survives
    dropped: np.ndarray              # activations * keep / (1 - rate): inverted dropout
    unscaled: np.ndarray             # activations * keep: dropout without the rescaling
    row_means_before: np.ndarray     # (rows,)
    row_means_after: np.ndarray      # this one mask, with the rescaling
    row_means_unscaled: np.ndarray   # this one mask, without it
    row_means_average: np.ndarray    # with the rescaling, averaged over n_masks masks
    row_means_average_unscaled: np.ndarray
    n_masks: int

    @property
    def kept_fraction(self) -> float:
        return float(self.keep.mean())


def example_activations(shape=(5, 10), seed=42) -> np.ndarray:
    """Standard-normal activations, as the tutorial's ``np.random.randn(5, 10)`` (seeded)."""
    rows, cols = (Param("rows", "rows", 5, kind="int", minimum=1, maximum=1000).validate(shape[0]),
                  Param("units", "units", 10, kind="int", minimum=1, maximum=1000).validate(shape[1]))
    seed = SEED.validate(seed)
    return np.random.default_rng(seed).standard_normal((rows, cols))


def dropout_demo(activations, rate=0.5, rng=None, n_masks=10_000) -> DropoutDemo:
    """Apply one inverted-dropout mask to ``activations`` (a 2-D array) and summarise it.

    ``rng`` is a seed or a ``numpy.random.Generator`` (the mask and the ``n_masks``
    further masks for the averages are drawn from it). Each unit survives with
    probability ``1 - rate``; survivors are multiplied by ``1 / (1 - rate)``, so
    ``E[dropped] = activations`` and the averaged row means approach the original ones
    (their standard error shrinks as ``1 / sqrt(n_masks)``).
    """
    X = np.asarray(activations, dtype=float)
    if X.ndim != 2 or X.size == 0:
        raise ValueError(f"activations must be a non-empty 2-D array (rows x units), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("activations must be finite numbers")
    rate = RATE.validate(rate)
    n_masks = N_MASKS.validate(n_masks)
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    scale = 1.0 / (1.0 - rate)

    keep = rng.random(X.shape) >= rate
    unscaled = X * keep
    dropped = unscaled * scale
    # Row sums over many masks without building an (n_masks, rows, units) array:
    # the number of times each unit survives is Binomial(n_masks, 1 - rate).
    survivals = rng.binomial(n_masks, 1.0 - rate, size=X.shape)
    average_unscaled = (X * survivals).mean(axis=1) / n_masks
    return DropoutDemo(
        rate=rate, activations=readonly(X), keep=readonly(keep), dropped=readonly(dropped),
        unscaled=readonly(unscaled),
        row_means_before=readonly(X.mean(axis=1)),
        row_means_after=readonly(dropped.mean(axis=1)),
        row_means_unscaled=readonly(unscaled.mean(axis=1)),
        row_means_average=readonly(average_unscaled * scale),
        row_means_average_unscaled=readonly(average_unscaled),
        n_masks=n_masks,
    )


# ------------------------------------------------------------------ the data
@lru_cache(maxsize=16)
def overfitting_split(n_train=100, random_state=42):
    """The tutorial's classification data with only ``n_train`` samples to learn from.

    Returns an :class:`engine.datasets.Split`: ``X_train`` = the first ``n_train`` samples
    of the tutorial's (already shuffled) 400 training samples, ``X_val`` = the other
    ``400 - n_train``, ``X_test`` = the tutorial's 100 test samples. The features are
    standardised with the tutorial's scaler (fitted on all 400).
    """
    n_train = N_TRAIN.validate(n_train)
    from engine.datasets import Split, classification_split

    base = classification_split(random_state=random_state)
    return Split(
        name=f"classification, {n_train} training samples",
        X_train=base.X_train[:n_train], y_train=base.y_train[:n_train],
        X_val=base.X_train[n_train:], y_val=base.y_train[n_train:],
        X_test=base.X_test, y_test=base.y_test,
        feature_names=base.feature_names,
        scaler_mean=base.scaler_mean, scaler_scale=base.scaler_scale,
    )


def _setup(values: dict) -> dict:
    return SETUP.validate(values)


def _network(data, hidden, dropout, seed):
    from engine.nn import MLP

    return MLP([data.n_features, hidden, hidden, len(data.classes)], activation="relu",
               output="softmax", dropout=dropout, seed=seed)


# ------------------------------------------------------------------ dropout comparison
@dataclass(frozen=True)
class DropoutEpoch:
    """One epoch of one of the two runs of :func:`dropout_comparison` (not to be confused
    with engine.strategies.RunEpoch, an epoch of a strategy comparison)."""
    run: str              # "no dropout" or "dropout"
    result: object        # engine.nn.EpochResult


@dataclass(frozen=True)
class DropoutResult:
    """What :func:`dropout_comparison` returns: one TrainResult per run, plus test scores."""
    rate: float
    runs: dict            # label -> engine.nn.TrainResult
    test_accuracy: dict   # label -> accuracy of the final weights on the test set
    settings: dict

    def last_epochs(self) -> tuple:
        """The last epoch (engine.nn.EpochResult) of each run, in RUN_LABELS order."""
        return tuple(self.runs[label].history[-1] for label in RUN_LABELS)

    def accuracies_close(self) -> bool:
        """Do the two runs' last validation accuracies differ by less than ACCURACY_CLOSE?"""
        plain, drop = self.last_epochs()
        return abs(plain.val_acc - drop.val_acc) < ACCURACY_CLOSE


def dropout_comparison(rate=0.5, n_train=100, hidden=128, epochs=150, lr=1e-3, batch_size=16,
                       seed=0) -> Generator[DropoutEpoch, None, DropoutResult]:
    """Train the over-fitting network without and with dropout ``rate``, interleaved.

    Both networks start from the same weights (same ``seed``) and see the same batches;
    the only difference is dropout. Yields ``DropoutEpoch("no dropout", ...)`` then
    ``DropoutEpoch("dropout", ...)`` for every epoch.
    """
    rate = RATE.validate(rate)
    s = _setup({"n_train": n_train, "hidden": hidden, "epochs": epochs, "lr": lr,
                "batch_size": batch_size, "seed": seed})
    return _comparison(rate, s)


def _comparison(rate, s):
    from engine.nn import train
    from engine.optimizers import Adam

    data = overfitting_split(s["n_train"])
    nets = {RUN_LABELS[0]: _network(data, s["hidden"], 0.0, s["seed"]),
            RUN_LABELS[1]: _network(data, s["hidden"], rate, s["seed"])}
    gens = {label: train(net, data.X_train, data.y_train, Adam(lr=s["lr"]), epochs=s["epochs"],
                         batch_size=s["batch_size"], X_val=data.X_val, y_val=data.y_val,
                         seed=s["seed"] + 1)
            for label, net in nets.items()}
    results = yield from interleave(gens, wrap=DropoutEpoch)
    return DropoutResult(
        rate=rate, runs=results,
        test_accuracy={label: float(net.score(data.X_test, data.y_test)) for label, net in nets.items()},
        settings=dict(s))


# ------------------------------------------------------------------ early stopping
def early_stopping_run(patience=5, min_delta=0.001, restore_best=True, n_train=100, hidden=128,
                       epochs=150, lr=1e-3, batch_size=16, seed=0
                       ) -> Generator[StoppingEpoch, None, StoppingSummary]:
    """Train the over-fitting network (no dropout) with early stopping; one event per epoch."""
    stopper = EarlyStopping(patience=patience, min_delta=min_delta, restore_best=restore_best)
    s = _setup({"n_train": n_train, "hidden": hidden, "epochs": epochs, "lr": lr,
                "batch_size": batch_size, "seed": seed})
    return _stopping_run(stopper, s)


def _stopping_run(stopper, s):
    from engine.nn import train
    from engine.optimizers import Adam

    data = overfitting_split(s["n_train"])
    net = _network(data, s["hidden"], 0.0, s["seed"])
    gen = train(net, data.X_train, data.y_train, Adam(lr=s["lr"]), epochs=s["epochs"],
                batch_size=s["batch_size"], X_val=data.X_val, y_val=data.y_val,
                early_stopping=stopper, seed=s["seed"] + 1)
    while True:
        try:
            e = next(gen)
        except StopIteration as done:
            result = done.value
            break
        yield snapshot(stopper, e.epoch, e.train_loss, e.val_loss, e.val_acc)
    last = result.history[-1] if result.history else None
    final_val_loss = float(net.loss(data.X_val, data.y_val, penalty=False)) if last else None
    return StoppingSummary(
        simulated=False, best_epoch=stopper.best_epoch, stop_epoch=stopper.stop_epoch,
        last_epoch=result.stop_epoch, restored=result.restored_best,
        best_val_loss=stopper.best_loss, last_val_loss=last.val_loss if last else None,
        final_val_loss=final_val_loss,
        final_val_acc=float(net.score(data.X_val, data.y_val)) if last else None,
        final_test_acc=float(net.score(data.X_test, data.y_test)) if last else None,
        last_val_acc=last.val_acc if last else None, reason=result.reason)


def plain_run(n_train=100, hidden=128, epochs=150, lr=1e-3, batch_size=16, seed=0):
    """The network of :func:`early_stopping_run` trained without a stopper: same initial
    weights, same batches, so its first epochs are exactly the early-stopped run's and the
    rest shows what stopping avoided. A generator of ``engine.nn.EpochResult`` returning
    the ``TrainResult``.
    """
    s = _setup({"n_train": n_train, "hidden": hidden, "epochs": epochs, "lr": lr,
                "batch_size": batch_size, "seed": seed})
    return _plain(s)


def _plain(s):
    from engine.nn import train
    from engine.optimizers import Adam

    data = overfitting_split(s["n_train"])
    net = _network(data, s["hidden"], 0.0, s["seed"])
    result = yield from train(net, data.X_train, data.y_train, Adam(lr=s["lr"]), epochs=s["epochs"],
                              batch_size=s["batch_size"], X_val=data.X_val, y_val=data.y_val,
                              seed=s["seed"] + 1)
    return result


# ------------------------------------------------------------------ the lab's jobs
def pace(speed) -> float | None:
    """Epochs per second for :func:`engine.stream.paced`: None (as fast as it can) at SPEED's maximum."""
    speed = SPEED.validate(speed)
    return None if speed >= SPEED.maximum else float(speed)


def dropout_job(rate=0.5, speed=SPEED.default, **setup):
    """:func:`dropout_comparison` paced at ``speed`` epochs per second (two events an epoch)."""
    epochs_per_second = pace(speed)
    gen = dropout_comparison(rate=rate, **setup)
    return paced(gen, None if epochs_per_second is None else 2.0 * epochs_per_second)


@dataclass(frozen=True)
class WhatIf:
    """An epoch after the stop, from the same run continued without early stopping."""
    epoch: int
    train_loss: float
    val_loss: float
    val_acc: float | None


STOPPING = ParamSet((DATA, PATIENCE, MIN_DELTA, RESTORE_BEST, WHAT_IF, MAX_EPOCHS, SPEED))


def stopping_job(data=DATA_REAL, patience=5, min_delta=0.001, restore_best=True, what_if=True, epochs=150,
                 speed=SPEED.default):
    """:class:`StoppingEpoch` events (paced at ``speed``), then the :class:`StoppingSummary` as an
    event the moment the run ends, then (with ``what_if``) :class:`WhatIf` events for the epochs
    early stopping skipped (unpaced). Returns the summary.

    ``data``: DATA_REAL (the over-fitting network, at most ``epochs`` epochs) or DATA_SIMULATED
    (the tutorial's curves, SIMULATED_EPOCHS long; ``restore_best`` and ``epochs`` do not apply).
    """
    s = STOPPING.validate({"data": data, "patience": patience, "min_delta": min_delta,
                           "restore_best": restore_best, "what_if": what_if, "epochs": epochs, "speed": speed})
    if s["data"] == DATA_SIMULATED:
        gen = simulated_early_stopping(patience=s["patience"], min_delta=s["min_delta"])
    else:
        gen = early_stopping_run(patience=s["patience"], min_delta=s["min_delta"], restore_best=s["restore_best"],
                                 epochs=s["epochs"])
    return _stopping_stream(gen, s)


def _stopping_stream(gen, s):
    summary = yield from paced(gen, pace(s["speed"]))
    yield summary
    if s["what_if"] and summary.stop_epoch is not None:
        if s["data"] == DATA_SIMULATED:
            train, val = simulated_curves()
            for e in range(summary.stop_epoch, len(val)):
                yield WhatIf(e, float(train[e]), float(val[e]), None)
        else:
            for r in plain_run(epochs=s["epochs"]):
                if r.epoch >= summary.stop_epoch:
                    yield WhatIf(r.epoch, r.train_loss, r.val_loss, r.val_acc)
    return summary


def last_epoch(data, epochs) -> int:
    """The last epoch a :func:`stopping_job` run can reach (the plots' x range from the start)."""
    return (SIMULATED_EPOCHS if data == DATA_SIMULATED else MAX_EPOCHS.validate(epochs)) - 1
