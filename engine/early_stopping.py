"""Early stopping: stop training once the validation loss stops improving.

Usable from a notebook::

    stopper = EarlyStopping(patience=5, min_delta=0.001)
    for epoch in range(100):
        ...train one epoch, measure val_loss...
        if stopper(val_loss):
            break
    # stopper.best_epoch is the epoch whose weights are worth keeping

Rules (the tutorial's, made precise):

* the first *finite* validation loss sets ``best_loss``;
* a later loss is an improvement only if ``val_loss < best_loss - min_delta``; an
  improvement resets ``counter`` to 0 and records ``best_epoch``;
* anything else, including NaN and +/-inf, adds 1 to ``counter``: a diverging run is
  never "improving";
* when ``counter`` reaches ``patience`` the stopper returns True and ``should_stop``
  stays True until :meth:`reset`. Calls after that return True and change nothing, so
  ``best_epoch`` always lies at or before the stop.

``best_epoch`` and the epoch numbers used here are the 0-based index of the call, the
same index ``enumerate`` gives in the tutorial's loop.

:func:`simulated_early_stopping` streams the tutorial's simulated curves through a stopper as
:class:`StoppingEpoch` events (the stopper's state after each epoch) and returns a
:class:`StoppingSummary`; engine.overfitting streams a real network the same way.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generator, Iterable, NamedTuple

import numpy as np

from engine.params import Param, ParamSet

# One declaration for the engine and the lab's sliders: patience up to 200 (the pipeline's
# n_iter_no_change reaches 200), min delta up to 0.1 (the tutorial's losses are cross-entropies
# of order 0.1 to 1: a larger min delta would count no epoch as an improvement)
PATIENCE = Param("patience", "patience", 5, kind="int", minimum=0, maximum=200,
                 help="How many epochs in a row without improvement are tolerated before stopping.")
MIN_DELTA = Param("min_delta", "min delta", 0.001, minimum=0.0, maximum=0.1, decimals=4,
                  help="A validation loss must beat the best by more than this to count as an improvement.")
SIMULATED_EPOCHS = 100   # the length of the tutorial's simulated curves
RESTORE_BEST = Param("restore_best", "restore best", True, kind="bool",
                     help="After stopping, go back to the weights of the best epoch.")


class EarlyStopping:
    """Decide, one validation loss at a time, whether training should stop."""

    PARAMS = ParamSet((PATIENCE, MIN_DELTA, RESTORE_BEST))

    def __init__(self, patience=5, min_delta=0.001, restore_best=True):
        values = self.PARAMS.validate(
            {"patience": patience, "min_delta": min_delta, "restore_best": restore_best})
        self.patience: int = values["patience"]
        self.min_delta: float = values["min_delta"]
        self.restore_best: bool = values["restore_best"]
        self.reset()

    def reset(self) -> None:
        """Forget everything seen so far (the settings stay)."""
        self.best_loss: float | None = None
        self.best_epoch: int | None = None
        self.counter: int = 0
        self.should_stop: bool = False
        self.stop_epoch: int | None = None
        self.epoch: int = -1  # index of the last call

    def __repr__(self):
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
                f"restore_best={self.restore_best})")

    def is_improvement(self, val_loss: float) -> bool:
        """Would ``val_loss`` count as an improvement on the best so far?"""
        if not math.isfinite(val_loss):
            return False
        if self.best_loss is None:
            return True
        return val_loss < self.best_loss - self.min_delta

    def __call__(self, val_loss) -> bool:
        """Record one epoch's validation loss; return True when training should stop."""
        if self.should_stop:
            return True
        val_loss = float(val_loss)
        self.epoch += 1
        if self.is_improvement(val_loss):
            self.best_loss = val_loss
            self.best_epoch = self.epoch
            self.counter = 0
        else:
            self.counter += 1
            if self.counter >= self.patience:
                self.should_stop = True
                self.stop_epoch = self.epoch
        return self.should_stop

    @property
    def patience_window(self) -> tuple[int, int] | None:
        """The epochs (first, last) since the best one: the window patience is counting.

        None before any finite loss was seen or while the last epoch was the best.
        """
        if self.best_epoch is None or self.counter == 0:
            return None
        return self.best_epoch + 1, self.epoch


class StopResult(NamedTuple):
    """Where :func:`run_early_stopping` stopped. ``stop_epoch`` is None if it never did."""
    stop_epoch: int | None
    best_epoch: int | None


def run_early_stopping(val_losses: Iterable[float], patience=5, min_delta=0.001) -> StopResult:
    """Feed ``val_losses`` to a fresh :class:`EarlyStopping` until it says stop.

    ``stop_epoch`` is the index of the loss at which the stopper returned True (the
    tutorial's ``stop_epoch``), or None if it never did; ``best_epoch`` is the index of the
    best loss seen up to then (None if no loss was finite).
    """
    stopper = EarlyStopping(patience=patience, min_delta=min_delta)
    for epoch, loss in enumerate(val_losses):
        if stopper(loss):
            return StopResult(epoch, stopper.best_epoch)
    return StopResult(None, stopper.best_epoch)


def simulated_curves(seed=42, epochs=SIMULATED_EPOCHS, overfit_after=30) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's simulated training and validation loss curves.

    Training loss ``1/(1 + 0.1 e)`` and validation loss ``1/(1 + 0.08 e)``, each plus
    Gaussian noise of standard deviation 0.02; after epoch ``overfit_after`` the validation
    loss also climbs by 0.01 per epoch (over-fitting). The noise comes from numpy's legacy
    ``RandomState(seed)`` drawn in the tutorial's order (training noise, then validation
    noise, each epoch), so seed 42 reproduces the tutorial's numbers exactly, without
    touching numpy's global random state.
    """
    seed = Param("seed", "seed", 42, kind="int", minimum=0, maximum=2**32 - 1).validate(seed)
    epochs = Param("epochs", "epochs", SIMULATED_EPOCHS, kind="int", minimum=1, maximum=100_000).validate(epochs)
    overfit_after = Param("overfit_after", "over-fitting starts after", 30, kind="int",
                          minimum=0, maximum=100_000).validate(overfit_after)
    rng = np.random.RandomState(seed)
    noise = rng.randn(epochs, 2) * 0.02  # row e = (train noise, val noise) of epoch e
    e = np.arange(epochs, dtype=float)
    train = 1.0 / (1.0 + 0.1 * e) + noise[:, 0]
    val = 1.0 / (1.0 + 0.08 * e) + noise[:, 1]
    val = val + 0.01 * np.maximum(e - overfit_after, 0.0)
    return train, val


# ------------------------------------------------------------------ streamed runs
@dataclass(frozen=True)
class StoppingEpoch:
    """One epoch as early stopping saw it (the stopper's state after this epoch)."""
    epoch: int
    train_loss: float
    val_loss: float
    val_acc: float | None        # None for the simulated curves
    best_epoch: int | None
    best_loss: float | None
    counter: int
    patience: int
    should_stop: bool
    window: tuple | None         # (first, last) epochs since the best one, or None


@dataclass(frozen=True)
class StoppingSummary:
    """How an early-stopping run ended."""
    simulated: bool
    best_epoch: int | None
    stop_epoch: int | None       # epoch at which the stopper fired, None if it never did
    last_epoch: int | None       # last epoch that ran
    restored: bool               # were the best weights put back?
    best_val_loss: float | None
    last_val_loss: float | None
    final_val_loss: float | None     # of the weights the run ends with (restored or last)
    final_val_acc: float | None
    final_test_acc: float | None
    last_val_acc: float | None
    reason: str

    @property
    def as_in_the_tutorial(self) -> bool:
        """The simulated curve stopped where the tutorial's does (epoch 36)."""
        return self.simulated and self.stop_epoch == 36

    @property
    def accuracy_crept_up(self) -> bool:
        """Was the last epoch more accurate than the weights kept (while its loss was worse)?"""
        return self.last_val_acc is not None and self.final_val_acc is not None and \
            self.last_val_acc > self.final_val_acc


def snapshot(stopper, epoch, train_loss, val_loss, val_acc) -> StoppingEpoch:
    """The stopper's state after ``epoch`` as a :class:`StoppingEpoch` event."""
    return StoppingEpoch(epoch=epoch, train_loss=float(train_loss), val_loss=float(val_loss),
                         val_acc=val_acc, best_epoch=stopper.best_epoch, best_loss=stopper.best_loss,
                         counter=stopper.counter, patience=stopper.patience,
                         should_stop=stopper.should_stop, window=stopper.patience_window)


def simulated_early_stopping(patience=5, min_delta=0.001, seed=42, epochs=SIMULATED_EPOCHS
                             ) -> Generator[StoppingEpoch, None, StoppingSummary]:
    """The tutorial's simulated curves fed to early stopping, one event per epoch.

    At the tutorial's settings (patience 5, min_delta 0.001, seed 42) the stopper fires
    at epoch 36. There are no weights, so nothing is restored.
    """
    stopper = EarlyStopping(patience=patience, min_delta=min_delta, restore_best=False)
    train_curve, val_curve = simulated_curves(seed=seed, epochs=epochs)
    return _simulated(stopper, train_curve, val_curve)


def _simulated(stopper, train_curve, val_curve):
    last = None
    for epoch, (t, v) in enumerate(zip(train_curve, val_curve)):
        stop = stopper(v)
        last = epoch
        yield snapshot(stopper, epoch, t, v, None)
        if stop:
            break
    if stopper.stop_epoch is not None:
        reason = (f"early stopping: the validation loss did not improve by more than "
                  f"{stopper.min_delta:g} for {stopper.patience} epochs after epoch {stopper.best_epoch}")
    else:
        reason = f"completed {len(val_curve)} epochs without stopping"
    return StoppingSummary(
        simulated=True, best_epoch=stopper.best_epoch, stop_epoch=stopper.stop_epoch, last_epoch=last,
        restored=False, best_val_loss=stopper.best_loss,
        last_val_loss=float(val_curve[last]) if last is not None else None,
        final_val_loss=None, final_val_acc=None, final_test_acc=None, last_val_acc=None, reason=reason)
