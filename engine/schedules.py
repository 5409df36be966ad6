"""Learning-rate schedules: the learning rate as a function of the epoch.

Each schedule is a plain function ``f(initial_lr, epoch, ...) -> lr`` with the tutorial's
formula (epochs count from 0)::

    step_decay(0.1, 25)                    # 0.1 * 0.5 ** (25 // 10) = 0.025
    cosine_annealing(0.1, 50, 100)         # 0.05

A trainer wants a callable ``epoch -> lr``; :func:`make_schedule` builds one by name::

    schedule = make_schedule("cosine_annealing", initial_lr=0.1, total_epochs=100)
    opt.lr = schedule(epoch)

Differences from the tutorial, on purpose:

* ``cosine_annealing`` takes ``min_lr`` (PyTorch's ``eta_min``, default 0 = the tutorial's
  formula) and holds ``min_lr`` after ``total_epochs`` instead of climbing back up.
* ``warmup_linear`` never goes negative: past ``total_epochs`` the tutorial's formula gives
  a negative learning rate (gradient *ascent*); here it stays at 0. Note that its first
  epoch has learning rate 0 (``epoch / warmup_epochs`` with epoch 0), as in the tutorial.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from engine.params import Param, ParamSet

INITIAL_LR = Param("initial_lr", "initial learning rate", 0.1, minimum=1e-8, maximum=100.0, log=True,
                   decimals=6, help="The learning rate the schedule starts from (its peak for warm-up).")
EPOCH = Param("epoch", "epoch", 0, kind="int", minimum=0, maximum=10_000_000,
              help="The epoch, counted from 0.")
DROP_RATE = Param("drop_rate", "drop factor", 0.5, minimum=0.0, maximum=1.0, min_inclusive=False,
                  help="Step decay multiplies the learning rate by this every epochs_drop epochs.")
EPOCHS_DROP = Param("epochs_drop", "epochs per drop", 10, kind="int", minimum=1, maximum=100_000,
                    help="How many epochs pass between two drops of step decay.")
DECAY_RATE = Param("decay_rate", "decay rate", 0.95, minimum=0.0, maximum=1.0, min_inclusive=False,
                   help="Exponential decay multiplies the learning rate by this every epoch.")
TOTAL_EPOCHS = Param("total_epochs", "total epochs", 100, kind="int", minimum=1, maximum=10_000_000,
                     help="Length of the schedule: cosine reaches min_lr and warm-up + linear reaches 0 here.")
MIN_LR = Param("min_lr", "minimum learning rate", 0.0, minimum=0.0, maximum=100.0, decimals=6,
               help="Where cosine annealing ends (0 in the tutorial).")
WARMUP_EPOCHS = Param("warmup_epochs", "warm-up epochs", 5, kind="int", minimum=0, maximum=10_000_000,
                      help="Epochs over which the learning rate climbs linearly from 0 to initial_lr.")


def constant(initial_lr, epoch) -> float:
    """No schedule: the learning rate stays ``initial_lr``."""
    initial_lr = INITIAL_LR.validate(initial_lr)
    EPOCH.validate(epoch)
    return initial_lr


def step_decay(initial_lr, epoch, drop_rate=0.5, epochs_drop=10) -> float:
    """``initial_lr * drop_rate ** (epoch // epochs_drop)``: halve every 10 epochs by default."""
    initial_lr = INITIAL_LR.validate(initial_lr)
    epoch = EPOCH.validate(epoch)
    drop_rate = DROP_RATE.validate(drop_rate)
    epochs_drop = EPOCHS_DROP.validate(epochs_drop)
    return initial_lr * drop_rate ** (epoch // epochs_drop)


def exponential_decay(initial_lr, epoch, decay_rate=0.95) -> float:
    """``initial_lr * decay_rate ** epoch``."""
    initial_lr = INITIAL_LR.validate(initial_lr)
    epoch = EPOCH.validate(epoch)
    decay_rate = DECAY_RATE.validate(decay_rate)
    return initial_lr * decay_rate ** epoch


def cosine_annealing(initial_lr, epoch, total_epochs, min_lr=0.0) -> float:
    """``min_lr + (initial_lr - min_lr) * (1 + cos(pi * epoch / total_epochs)) / 2``.

    Starts at ``initial_lr``, reaches ``min_lr`` at ``total_epochs`` and stays there.
    """
    initial_lr = INITIAL_LR.validate(initial_lr)
    epoch = EPOCH.validate(epoch)
    total_epochs = TOTAL_EPOCHS.validate(total_epochs)
    min_lr = MIN_LR.validate(min_lr)
    if min_lr > initial_lr:
        raise ValueError(f"min_lr must be at most initial_lr ({initial_lr:g}), got {min_lr!r}")
    progress = min(epoch, total_epochs) / total_epochs
    return min_lr + (initial_lr - min_lr) * (1.0 + math.cos(math.pi * progress)) / 2.0


def warmup_linear(initial_lr, epoch, warmup_epochs=5, total_epochs=100) -> float:
    """Linear warm-up from 0 over ``warmup_epochs``, then linear decay to 0 at ``total_epochs``.

    ``initial_lr * epoch / warmup_epochs`` during warm-up, then
    ``initial_lr * (1 - (epoch - warmup_epochs) / (total_epochs - warmup_epochs))``,
    never below 0.
    """
    initial_lr = INITIAL_LR.validate(initial_lr)
    epoch = EPOCH.validate(epoch)
    warmup_epochs = WARMUP_EPOCHS.validate(warmup_epochs)
    total_epochs = TOTAL_EPOCHS.validate(total_epochs)
    if total_epochs <= warmup_epochs:
        raise ValueError(f"total_epochs must be larger than warmup_epochs ({warmup_epochs}), "
                         f"got {total_epochs!r}")
    if epoch < warmup_epochs:
        return initial_lr * epoch / warmup_epochs
    return max(0.0, initial_lr * (1.0 - (epoch - warmup_epochs) / (total_epochs - warmup_epochs)))


SCHEDULES: dict[str, Callable[..., float]] = {
    "constant": constant,
    "step_decay": step_decay,
    "exponential_decay": exponential_decay,
    "cosine_annealing": cosine_annealing,
    "warmup_linear": warmup_linear,
}

LABELS: dict[str, str] = {
    "constant": "Constant",
    "step_decay": "Step Decay",
    "exponential_decay": "Exponential",
    "cosine_annealing": "Cosine Annealing",
    "warmup_linear": "Warmup + Linear",
}

# The tunable arguments of each schedule besides initial_lr, epoch and total_epochs.
PARAMS: dict[str, ParamSet] = {
    "constant": ParamSet(()),
    "step_decay": ParamSet((DROP_RATE, EPOCHS_DROP)),
    "exponential_decay": ParamSet((DECAY_RATE,)),
    "cosine_annealing": ParamSet((MIN_LR,)),
    "warmup_linear": ParamSet((WARMUP_EPOCHS,)),
}

_USES_TOTAL = {"cosine_annealing", "warmup_linear"}


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule bound to its settings: call it with an epoch to get the lr."""
    name: str
    initial_lr: float
    total_epochs: int
    kwargs: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return LABELS[self.name]

    def __call__(self, epoch) -> float:
        fn = SCHEDULES[self.name]
        if self.name in _USES_TOTAL:
            return fn(self.initial_lr, epoch, total_epochs=self.total_epochs, **self.kwargs)
        return fn(self.initial_lr, epoch, **self.kwargs)

    def values(self, epochs=None) -> list[float]:
        """The learning rate at each epoch ``0 .. total_epochs - 1`` (or the given epochs)."""
        if epochs is None:
            epochs = range(self.total_epochs)
        return [self(e) for e in epochs]


def make_schedule(name, initial_lr, total_epochs=100, **kw) -> Schedule:
    """Build the schedule called ``name`` (a key of :data:`SCHEDULES`) as a callable.

    ``kw`` holds that schedule's own arguments (see :data:`PARAMS`); they are checked now,
    so a bad value fails here rather than in the middle of training.
    """
    if name not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}, got {name!r}")
    initial_lr = INITIAL_LR.validate(initial_lr)
    total_epochs = TOTAL_EPOCHS.validate(total_epochs)
    try:
        kwargs = PARAMS[name].validate(kw)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    schedule = Schedule(name, initial_lr, total_epochs, kwargs)
    schedule(0)  # cross-argument checks (min_lr <= initial_lr, warm-up shorter than the run)
    return schedule
