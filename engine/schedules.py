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

Three schedules people use today, with the semantics of ``torch.optim.lr_scheduler`` stepped
once per epoch (the tests compare them with torch's closed forms)::

    one_cycle(0.1, 0, 100)                 # OneCycleLR: 0.1 / 25 = 0.004, peak 0.1 at epoch 29
    cosine_warm_restarts(0.1, 25, T_0=25)  # CosineAnnealingWarmRestarts: back to 0.1 at epoch 25
    plateau = ReduceOnPlateau(0.1, factor=0.5, patience=2)
    lr = plateau.step(val_loss)            # ReduceLROnPlateau(mode="min"): the next epoch's lr

They are registered in :data:`MODERN` (``make_schedule`` builds the two with a closed form);
``ReduceOnPlateau`` has none: it reads the validation loss (``engine.nn.train`` drives it).
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


# ------------------------------------------------------------------ schedules people use today
MAX_LR = Param("max_lr", "max learning rate", 0.1, minimum=1e-8, maximum=100.0, log=True, decimals=6,
               help="One-cycle's peak: it starts at max_lr / div_factor, climbs to max_lr, then anneals to "
                    "max_lr / div_factor / final_div_factor.")
PCT_START = Param("pct_start", "warm-up share", 0.3, minimum=0.0, maximum=1.0, decimals=3,
                  help="The share of the epochs one-cycle spends climbing to max_lr (torch: pct_start).")
DIV_FACTOR = Param("div_factor", "div factor", 25.0, minimum=0.0, maximum=1e12, min_inclusive=False,
                   help="One-cycle starts at max_lr / div_factor.")
FINAL_DIV_FACTOR = Param("final_div_factor", "final div factor", 1e4, minimum=0.0, maximum=1e12, min_inclusive=False,
                         help="One-cycle ends at max_lr / div_factor / final_div_factor.")
T0 = Param("T_0", "first cycle (epochs)", 10, kind="int", minimum=1, maximum=10_000_000,
            help="Epochs until the first warm restart (torch: T_0).")
T_MULT = Param("T_mult", "cycle growth", 1, kind="int", minimum=1, maximum=1000,
               help="Each cycle is T_mult times as long as the one before (1: all as long as T_0).")
FACTOR = Param("factor", "reduction factor", 0.1, minimum=0.0, maximum=1.0, min_inclusive=False, max_inclusive=False,
               decimals=3, help="Reduce on plateau multiplies the learning rate by this when the loss stalls.")
PATIENCE = Param("patience", "patience (epochs)", 10, kind="int", minimum=0, maximum=10_000_000,
                 help="How many epochs without improvement reduce on plateau accepts; one more and it "
                      "reduces the learning rate.")
THRESHOLD = Param("threshold", "improvement threshold", 1e-4, minimum=0.0, maximum=1e6, decimals=6,
                  help="An epoch improves only if its loss beats the best by more than this "
                       "(rel: a fraction of the best, abs: in loss units).")
THRESHOLD_MODE = Param("threshold_mode", "threshold mode", "rel", kind="choice", choices=("rel", "abs"),
                       help="rel: better than best * (1 - threshold); abs: better than best - threshold.")
COOLDOWN = Param("cooldown", "cooldown (epochs)", 0, kind="int", minimum=0, maximum=10_000_000,
                 help="Epochs after a reduction during which bad epochs are not counted.")
PLATEAU_EPS = 1e-8     # torch's eps: a reduction smaller than this is not applied


def one_cycle(max_lr, epoch, total_epochs, pct_start=0.3, div_factor=25.0, final_div_factor=1e4) -> float:
    """torch's ``OneCycleLR(max_lr, total_steps=total_epochs, pct_start, anneal_strategy="cos",
    div_factor, final_div_factor, three_phase=False)`` after ``epoch`` steps.

    Two cosine phases: from ``max_lr / div_factor`` up to ``max_lr`` at step
    ``pct_start * total_epochs - 1`` (a float, as in torch), then down to
    ``max_lr / div_factor / final_div_factor`` at the last epoch ``total_epochs - 1``.
    torch would still compute a rate for step ``total_epochs`` (the ``scheduler.step()`` after
    the last epoch, never used to train: it lies past the cosine's end, above its minimum) and
    raises "Tried to step ..." from ``total_epochs + 1`` on; here every epoch past the cycle,
    ``epoch >= total_epochs``, raises ValueError. When ``pct_start * total_epochs`` is exactly 1
    the warm-up ends where it starts and torch divides 0 by 0; that raises ValueError too.
    Only the learning rate: torch also cycles momentum by default (``cycle_momentum=True``).
    """
    max_lr = MAX_LR.validate(max_lr)
    epoch = EPOCH.validate(epoch)
    total_epochs = TOTAL_EPOCHS.validate(total_epochs)
    pct_start = PCT_START.validate(pct_start)
    div_factor = DIV_FACTOR.validate(div_factor)
    final_div_factor = FINAL_DIV_FACTOR.validate(final_div_factor)
    if epoch >= total_epochs:
        raise ValueError(f"epoch must be below total_epochs ({total_epochs}): the cycle ends at epoch "
                         f"{total_epochs - 1} (torch: 'Tried to step {epoch + 1} times'), got {epoch}")
    peak_step = float(pct_start * total_epochs) - 1
    if peak_step == 0.0:
        raise ValueError(f"pct_start * total_epochs must not be exactly 1 (here {pct_start:g} * {total_epochs}): "
                         "the warm-up would end at epoch 0 where it starts (torch divides 0 by 0)")
    initial_lr = max_lr / div_factor
    min_lr = initial_lr / final_div_factor
    if epoch <= peak_step:
        start_step, end_step, start, end = 0.0, peak_step, initial_lr, max_lr
    else:
        start_step, end_step, start, end = peak_step, total_epochs - 1, max_lr, min_lr
    pct = (epoch - start_step) / (end_step - start_step)
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def cosine_warm_restarts(initial_lr, epoch, T_0, T_mult=1, min_lr=0.0) -> float:  # noqa: N803 (torch's names)
    """torch's ``CosineAnnealingWarmRestarts(T_0, T_mult, eta_min=min_lr)`` after ``epoch`` steps.

    ``min_lr + (initial_lr - min_lr) * (1 + cos(pi * T_cur / T_i)) / 2`` with ``T_i`` the length
    of the current cycle (``T_0``, then ``T_0 * T_mult``, ...) and ``T_cur`` the epochs since the
    last restart; counted in whole epochs, as torch's ``step()`` without an argument does (its
    closed form with ``step(epoch)`` goes through a float logarithm that can miss a restart).
    """
    initial_lr = INITIAL_LR.validate(initial_lr)
    epoch = EPOCH.validate(epoch)
    T_0 = T0.validate(T_0)             # noqa: N806
    T_mult = T_MULT.validate(T_mult)   # noqa: N806
    min_lr = MIN_LR.validate(min_lr)
    if min_lr > initial_lr:
        raise ValueError(f"min_lr must be at most initial_lr ({initial_lr:g}), got {min_lr!r}")
    t_cur, t_i = epoch, T_0
    if T_mult == 1:
        t_cur = epoch % T_0
    else:
        while t_cur >= t_i:
            t_cur, t_i = t_cur - t_i, t_i * T_mult
    return min_lr + (initial_lr - min_lr) * (1 + math.cos(math.pi * t_cur / t_i)) / 2


class ReduceOnPlateau:
    """torch's ``ReduceLROnPlateau(mode="min", factor, patience, threshold, threshold_mode,
    cooldown, min_lr, eps=1e-8)``: call :meth:`step` with the epoch's loss (the validation loss)
    after every epoch; it returns the learning rate for the next epoch.

    An epoch *improves* if its loss is below ``best * (1 - threshold)`` (``"rel"``) or
    ``best - threshold`` (``"abs"``); otherwise it is a bad epoch. When more than ``patience``
    bad epochs have passed in a row, the rate is multiplied by ``factor`` (never below
    ``min_lr``; a cut smaller than 1e-8 is not applied), and the next ``cooldown`` epochs do not
    count as bad. ``reductions`` lists the epochs (from 0) after which the rate was cut.
    """

    def __init__(self, initial_lr, factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0):
        self.initial_lr = INITIAL_LR.validate(initial_lr)
        self.factor = FACTOR.validate(factor)
        self.patience = PATIENCE.validate(patience)
        self.threshold = THRESHOLD.validate(threshold)
        self.threshold_mode = THRESHOLD_MODE.validate(threshold_mode)
        self.cooldown = COOLDOWN.validate(cooldown)
        self.min_lr = MIN_LR.validate(min_lr)
        if self.min_lr > self.initial_lr:
            raise ValueError(f"min_lr must be at most initial_lr ({self.initial_lr:g}), got {min_lr!r}")
        self.reset()

    @property
    def kwargs(self) -> dict:
        """The settings besides ``initial_lr`` (as make_schedule's ``Schedule.kwargs``)."""
        return {"factor": self.factor, "patience": self.patience, "threshold": self.threshold,
                "threshold_mode": self.threshold_mode, "cooldown": self.cooldown, "min_lr": self.min_lr}

    def reset(self) -> None:
        """Back to the start: ``initial_lr``, no best loss yet, no bad epochs, no cooldown."""
        self.lr = self.initial_lr
        self.best = math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.epochs = 0                        # how many times step() was called
        self.reduced = False                   # did the last step() cut the rate?
        self.reductions: list[int] = []

    def is_better(self, loss: float) -> bool:
        if self.threshold_mode == "rel":
            return loss < self.best * (1.0 - self.threshold)
        return loss < self.best - self.threshold

    def step(self, metric) -> float:
        """Feed one epoch's loss; returns the learning rate for the next epoch. A NaN loss never
        improves (as in torch)."""
        try:
            current = float(metric)
        except (TypeError, ValueError):
            raise ValueError(f"metric must be a number (the epoch's loss), got {metric!r}") from None
        if self.is_better(current):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0            # bad epochs during the cooldown do not count
        self.reduced = False
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > PLATEAU_EPS:
                self.lr, self.reduced = new_lr, True
                self.reductions.append(self.epochs)
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self.epochs += 1
        return self.lr


def plateau_lrs(initial_lr, losses, **kwargs) -> list[float]:
    """The learning rate of each epoch when the epochs' losses are ``losses``: ``initial_lr``,
    then what :class:`ReduceOnPlateau` (``kwargs``: its settings) returns after each loss but
    the last."""
    plateau = ReduceOnPlateau(initial_lr, **kwargs)
    return [plateau.lr] + [plateau.step(loss) for loss in list(losses)[:-1]]


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

# The schedules people use today: the two with a closed form, built by make_schedule like the
# tutorial's (for one_cycle, make_schedule's initial_lr is its max_lr); ReduceOnPlateau, which
# reads the loss, is a class of its own.
MODERN: dict[str, Callable[..., float]] = {"one_cycle": one_cycle, "cosine_warm_restarts": cosine_warm_restarts}
MODERN_LABELS: dict[str, str] = {"one_cycle": "One-cycle", "cosine_warm_restarts": "Cosine warm restarts",
                                 "reduce_on_plateau": "Reduce on plateau"}
MODERN_PARAMS: dict[str, ParamSet] = {
    "one_cycle": ParamSet((PCT_START, DIV_FACTOR, FINAL_DIV_FACTOR)),
    "cosine_warm_restarts": ParamSet((T0, T_MULT, MIN_LR)),
    "reduce_on_plateau": ParamSet((FACTOR, PATIENCE, THRESHOLD, THRESHOLD_MODE, COOLDOWN, MIN_LR)),
}
_FUNCTIONS = {**SCHEDULES, **MODERN}
_ALL_PARAMS = {**PARAMS, **MODERN_PARAMS}
_USES_TOTAL = {"cosine_annealing", "warmup_linear", "one_cycle"}


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule bound to its settings: call it with an epoch to get the lr."""
    name: str
    initial_lr: float
    total_epochs: int
    kwargs: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return LABELS.get(self.name) or MODERN_LABELS[self.name]

    def __call__(self, epoch) -> float:
        fn = _FUNCTIONS[self.name]
        if self.name in _USES_TOTAL:
            return fn(self.initial_lr, epoch, total_epochs=self.total_epochs, **self.kwargs)
        return fn(self.initial_lr, epoch, **self.kwargs)

    def values(self, epochs=None) -> list[float]:
        """The learning rate at each epoch ``0 .. total_epochs - 1`` (or the given epochs)."""
        if epochs is None:
            epochs = range(self.total_epochs)
        return [self(e) for e in epochs]


def make_schedule(name, initial_lr, total_epochs=100, **kw) -> Schedule:
    """Build the schedule called ``name`` (a key of :data:`SCHEDULES` or :data:`MODERN`) as a
    callable; ``initial_lr`` is the rate the schedule starts from (the peak of warm-up, the
    ``max_lr`` of one-cycle).

    ``kw`` holds that schedule's own arguments (see :data:`PARAMS`, :data:`MODERN_PARAMS`); they
    are checked now, so a bad value fails here rather than in the middle of training.
    """
    if name not in _FUNCTIONS:
        raise ValueError(f"schedule must be one of {', '.join(_FUNCTIONS)}, got {name!r}")
    initial_lr = INITIAL_LR.validate(initial_lr)
    total_epochs = TOTAL_EPOCHS.validate(total_epochs)
    try:
        kwargs = _ALL_PARAMS[name].validate(kw)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    schedule = Schedule(name, initial_lr, total_epochs, kwargs)
    schedule(0)  # cross-argument checks (min_lr <= initial_lr, warm-up shorter than the run)
    return schedule
