"""Learning-rate schedules: the tutorial's figure, and one real run per schedule.

* :func:`schedule_curves` - the tutorial's four schedules (step decay, exponential, cosine
  annealing, warm-up + linear) as arrays over the epochs: its figure, instantly.
  :func:`schedule_figure` draws every schedule it can and says why it cannot draw the others.
* The three schedules people use today (one-cycle, cosine warm restarts, reduce on plateau),
  unticked at the start so the tutorial's figure stays the tutorial's. Reduce on plateau has no
  curve before training: it follows the run's validation loss, and its cuts are marked.
* :func:`schedule_runs` - the same network (same initial weights, same batches) trained once
  per schedule, side by side, epoch by epoch. The tutorial's warm-up formula gives learning
  rate 0 at epoch 0: that epoch learns nothing, which the runs show (its loss after epoch 0
  is exactly the loss at the start). :func:`schedule_summary` says what the runs measured.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generator

import numpy as np

from engine import schedules as SCH
from engine.params import Param, ParamSet
from engine.strategies.runs import SEED, section4_data, section4_layers, sgd_side_by_side

TUTORIAL_SCHEDULES = ("step_decay", "exponential_decay", "cosine_annealing", "warmup_linear")
RUN_SCHEDULES = ("constant",) + TUTORIAL_SCHEDULES
MODERN_SCHEDULES = ("one_cycle", "cosine_warm_restarts", "reduce_on_plateau")
LAB_SCHEDULES = RUN_SCHEDULES + MODERN_SCHEDULES          # everything the lab can draw and train
AFTER_RUN = ("reduce_on_plateau",)                        # no curve before training: it reads the loss
SCHEDULE_SETTINGS = ParamSet((SCH.DROP_RATE, SCH.EPOCHS_DROP, SCH.DECAY_RATE, SCH.MIN_LR, SCH.WARMUP_EPOCHS,
                              SCH.MAX_LR, SCH.PCT_START, SCH.T0, SCH.T_MULT, SCH.FACTOR, SCH.PATIENCE,
                              SCH.COOLDOWN, SCH.THRESHOLD))
SCHEDULE_LABELS = dict(SCH.LABELS, constant="Constant (no schedule)", **SCH.MODERN_LABELS)
MODERN_HELP = {
    "one_cycle": "torch's OneCycleLR, once per epoch: up from max_lr / 25 to max_lr over the first pct_start "
                 "of the run, then a cosine down to almost 0.",
    "cosine_warm_restarts": "torch's CosineAnnealingWarmRestarts: a cosine from the initial lr down to min lr, "
                            "then back up at once (a warm restart); cycles of T_0, T_0 x T_mult, ... epochs.",
    "reduce_on_plateau": "torch's ReduceLROnPlateau: keeps the initial lr until the validation loss stops "
                         "improving for more than `patience` epochs, then multiplies it by `factor`.",
}
# which schedules the lab trains: one check box each (the tutorial's ticked at the start)
SCHEDULE_CHOICE = ParamSet(tuple(Param(name, SCHEDULE_LABELS[name], name in RUN_SCHEDULES, kind="bool",
                                       help=MODERN_HELP.get(name) or SCH.SCHEDULES[name].__doc__ or "")
                                 for name in LAB_SCHEDULES))
_OWN_SETTINGS = {"one_cycle": ("pct_start",), "cosine_warm_restarts": ("T_0", "T_mult", "min_lr"),
                 "reduce_on_plateau": ("factor", "patience", "threshold", "cooldown")}

INITIAL_LR = Param("initial_lr", "initial lr", 0.1, minimum=1e-4, maximum=10.0, log=True, decimals=5,
                   help="The learning rate every schedule starts from (the peak of warm-up).")
SCHED_EPOCHS = Param("total_epochs", "epochs", 100, kind="int", minimum=10, maximum=300,
                     help="Length of the schedules and of the training runs (the tutorial plots 100).")
# The lab's slider ranges for the schedules' own settings (engine.schedules accepts wider ones).
LAB_SCHEDULE_SETTINGS = ParamSet((
    SCH.DROP_RATE,
    Param("epochs_drop", SCH.EPOCHS_DROP.label, 10, kind="int", minimum=1, maximum=100, help=SCH.EPOCHS_DROP.help),
    Param("decay_rate", SCH.DECAY_RATE.label, 0.95, minimum=0.5, maximum=1.0, decimals=3, help=SCH.DECAY_RATE.help),
    Param("min_lr", "cosine min lr", 0.0, minimum=0.0, maximum=0.1, decimals=5,
          help=SCH.MIN_LR.help + " Must not exceed the initial learning rate."),
    Param("warmup_epochs", SCH.WARMUP_EPOCHS.label, 5, kind="int", minimum=0, maximum=50,
          help=SCH.WARMUP_EPOCHS.help + " Must be shorter than the run."),
))
MODERN_SCHEDULE_SETTINGS = ParamSet((
    Param("max_lr", "one-cycle max lr", 0.1, minimum=1e-4, maximum=10.0, log=True, decimals=5, help=SCH.MAX_LR.help),
    SCH.PCT_START,
    Param("T_0", "restart: first cycle", 25, kind="int", minimum=1, maximum=300, help=SCH.T0.help),
    Param("T_mult", "restart: cycle growth", 1, kind="int", minimum=1, maximum=5, help=SCH.T_MULT.help),
    Param("factor", "plateau: factor", 0.5, minimum=0.05, maximum=0.95, decimals=3, help=SCH.FACTOR.help),
    Param("patience", "plateau: patience", 10, kind="int", minimum=0, maximum=50, help=SCH.PATIENCE.help),
    Param("cooldown", "plateau: cooldown", 0, kind="int", minimum=0, maximum=50, help=SCH.COOLDOWN.help),
    Param("threshold", "plateau: threshold", 1e-4, minimum=1e-6, maximum=0.1, log=True, decimals=6,
          help=SCH.THRESHOLD.help + " (relative, as torch's default)"),
))
ALL_LAB_SETTINGS = ParamSet(tuple(LAB_SCHEDULE_SETTINGS) + tuple(MODERN_SCHEDULE_SETTINGS))
SCHED_HIDDEN = Param("hidden", "hidden units", 32, kind="int", minimum=2, maximum=512,
                     help="Width of the network's one hidden (ReLU) layer.")
SCHED_BATCH = Param("batch_size", "batch size", 128, kind="int", minimum=1, maximum=4000,
                    help="Samples per SGD step in the schedule runs.")
_RUN_PARAMS = ParamSet((INITIAL_LR, SCHED_EPOCHS, SCHED_BATCH, SCHED_HIDDEN, SEED))   # schedule_runs'


def schedule_kwargs(name: str, settings: dict | None = None) -> dict:
    """The entries of ``settings`` that schedule ``name`` takes (e.g. decay_rate for exponential;
    one-cycle's max_lr is its learning rate, not one of these)."""
    if name not in LAB_SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(LAB_SCHEDULES)}, got {name!r}")
    settings = SCHEDULE_SETTINGS.validate(dict(settings or {}))
    own = _OWN_SETTINGS.get(name) or SCH.PARAMS[name].names()
    return {k: settings[k] for k in own}


def make(name: str, initial_lr=0.1, total_epochs=100, settings: dict | None = None):
    """Schedule ``name`` with the arguments it takes out of ``settings`` (checked): a
    ``Schedule`` (one-cycle peaks at ``settings["max_lr"]``), or a fresh ``ReduceOnPlateau``."""
    kwargs = schedule_kwargs(name, settings)
    if name == "reduce_on_plateau":
        return SCH.ReduceOnPlateau(initial_lr, **kwargs)
    if name == "one_cycle":
        initial_lr = SCHEDULE_SETTINGS.validate(dict(settings or {}))["max_lr"]
    return SCH.make_schedule(name, initial_lr, total_epochs, **kwargs)


def check_names(names) -> tuple[str, ...]:
    """``names`` as a tuple of known, distinct schedule names (at least one)."""
    if isinstance(names, str):
        names = (names,)
    names = tuple(names)
    if not names:
        raise ValueError("names must list at least one schedule")
    for n in names:
        if n not in LAB_SCHEDULES:
            raise ValueError(f"every schedule must be one of {', '.join(LAB_SCHEDULES)}, got {n!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"names lists a schedule twice: {list(names)}")
    return names


def schedule_curves(initial_lr=0.1, total_epochs=100, settings: dict | None = None,
                    names=TUTORIAL_SCHEDULES) -> dict[str, np.ndarray]:
    """The learning rate of each schedule at epochs 0 .. total_epochs - 1 (the tutorial's figure).
    Reduce on plateau has none: it depends on the validation loss (ValueError)."""
    initial_lr = INITIAL_LR.validate(initial_lr)
    total_epochs = SCHED_EPOCHS.validate(total_epochs)
    names = check_names(names)
    for name in set(names) & set(AFTER_RUN):
        raise ValueError(f"{name} has no curve before training: it follows the validation loss")
    return {name: np.array(make(name, initial_lr, total_epochs, settings).values(), dtype=float)
            for name in names}


# ------------------------------------------------------------------ the lab's figure and choice
@dataclass(frozen=True)
class ScheduleFigure:
    """The schedules the lab can draw for some settings, and why it cannot draw the others."""
    curves: dict             # name -> learning rate per epoch
    problems: dict           # name -> the reason in words (e.g. warm-up as long as the run)
    warmup_wasted: bool      # the warm-up's lr is 0 at epoch 0: its first epoch learns nothing
    after_run: tuple = ()    # valid schedules drawn only by a run (reduce on plateau)


def split_values(values: dict) -> tuple[tuple[str, ...], float, int, dict]:
    """The lab's flat values -> (ticked schedules, initial_lr, total_epochs, schedule settings)."""
    ticked = tuple(n for n in LAB_SCHEDULES if values.get(n, False))
    settings = {k: values[k] for k in ALL_LAB_SETTINGS.names() if k in values}
    return ticked, values.get("initial_lr", INITIAL_LR.default), values.get("total_epochs", SCHED_EPOCHS.default), \
        settings


def schedule_figure(initial_lr=0.1, total_epochs=100, settings: dict | None = None,
                    names=RUN_SCHEDULES) -> ScheduleFigure:
    """Every schedule of ``names`` whose settings are valid, drawn; the others explained."""
    curves, problems, after = {}, {}, []
    for name in check_names(names):
        try:
            if name in AFTER_RUN:
                make(name, INITIAL_LR.validate(initial_lr), total_epochs, settings)
                after.append(name)
            else:
                curves[name] = schedule_curves(initial_lr, total_epochs, settings, names=(name,))[name]
        except ValueError as exc:
            problems[name] = str(exc)
    warm = curves.get("warmup_linear")
    return ScheduleFigure(curves, problems, warm is not None and warm[0] == 0.0, tuple(after))


def runnable_schedules(values: dict) -> tuple[str, ...]:
    """The ticked schedules whose settings are valid: what the lab trains."""
    ticked, initial_lr, total, settings = split_values(values)
    figure = schedule_figure(initial_lr, total, settings, names=LAB_SCHEDULES)
    return tuple(n for n in ticked if n in figure.curves or n in figure.after_run)


# ------------------------------------------------------------------ runs
def schedule_runs(names=RUN_SCHEDULES, initial_lr=0.1, total_epochs=100, settings: dict | None = None,
                  batch_size=128, hidden=32, seed=0) -> Generator:
    """Train one network per schedule with SGD on the section-4 data, side by side.

    Every run starts from the same weights and sees the same batches in the same order
    (same ``seed``); only the learning rate differs. Yields a :class:`RunStart` per run,
    then :class:`RunEpoch` events round by round; returns a :class:`Comparison`. The
    "validation" set is the tutorial's 1000 test samples.
    """
    names = check_names(names)
    s = _RUN_PARAMS.validate(dict(initial_lr=initial_lr, total_epochs=total_epochs, batch_size=batch_size,
                                  hidden=hidden, seed=seed))
    scheds = {n: make(n, s["initial_lr"], s["total_epochs"], settings) for n in names}
    return _schedule_runs(scheds, s)


def _schedule_runs(scheds: dict, s: dict):
    data = section4_data()
    settings = {**s, "schedules": {n: dict(sched.kwargs, **({"max_lr": sched.initial_lr} if n == "one_cycle" else {}))
                                   for n, sched in scheds.items()}}
    runs = {name: {"schedule": schedule} for name, schedule in scheds.items()}
    return (yield from sgd_side_by_side((data.X_train, data.y_train, data.X_test, data.y_test),
                                        section4_layers(s["hidden"]), s["initial_lr"], runs, settings, s["seed"],
                                        epochs=s["total_epochs"], batch_size=s["batch_size"], score_train=False))


def lab_schedule_runs(values: dict, batch_size=128, hidden=32, seed=0) -> Generator:
    """The lab's runs: :func:`schedule_runs` of the ticked schedules whose settings are valid
    (``values``: the lab's flat values, see :func:`split_values`); with none, a stream that ends
    at once and returns None."""
    names = runnable_schedules(values)
    if not names:
        return _nothing()
    _, initial_lr, total_epochs, settings = split_values(values)
    return schedule_runs(names, initial_lr, total_epochs, settings, batch_size, hidden, seed)


def _nothing():
    return None
    yield   # (a generator)


@dataclass(frozen=True)
class ScheduleSummary:
    """What the schedule runs measured."""
    table: object            # DataFrame, one row per run that trained at least one epoch
    warmup_start_loss: float | None    # the warm-up run's validation loss before and after epoch 0,
    warmup_after_loss: float | None    # when its lr was 0 there (None otherwise)
    warmup_identical: bool             # ... and the two are exactly equal: the epoch was wasted
    constant_compared: bool            # the constant lr trained next to at least one schedule
    plateau_cuts: tuple = ()           # reduce on plateau: (epoch after which it cut, the new lr) each


def schedule_summary(result) -> ScheduleSummary:
    """The end of every run (validation loss, its lowest point, accuracy, training loss) and the
    warm-up's wasted first epoch, from the :class:`Comparison` of :func:`schedule_runs`."""
    import pandas as pd
    rows = []
    for name, run in result.runs.items():
        if not run.history:
            continue
        last = run.history[-1]
        val = run.curve("val_loss")
        best = int(np.nanargmin(val))
        rows.append({"schedule": name, "final_val_loss": last.val_loss, "best_val_loss": float(val[best]),
                     "best_epoch": best, "val_acc": last.val_acc, "train_loss": last.train_loss,
                     "diverged": run.diverged})
    columns = ["schedule", "final_val_loss", "best_val_loss", "best_epoch", "val_acc", "train_loss", "diverged"]
    warm = result.runs.get("warmup_linear")
    start = after = None
    if warm is not None and warm.history and warm.history[0].lr == 0.0:
        start, after = result.starts["warmup_linear"].val_loss, warm.history[0].val_loss
    return ScheduleSummary(table=pd.DataFrame(rows, columns=columns), warmup_start_loss=start,
                           warmup_after_loss=after, warmup_identical=start is not None and after == start,
                           constant_compared="constant" in result.runs and len(result.runs) > 1,
                           plateau_cuts=_cuts_of(result))


def _cuts_of(result) -> tuple:
    if "reduce_on_plateau" not in result.runs:
        return ()
    own = result.settings.get("schedules", {}).get("reduce_on_plateau", {})
    return plateau_cuts(result.runs["reduce_on_plateau"].history, own.get("factor"), own.get("min_lr", 0.0))


def plateau_cuts(history, factor=None, min_lr=0.0) -> tuple:
    """(epoch, new lr) for each epoch after which a plateau schedule cut the learning rate
    (``history``: the run's EpochResults). The new rate is the next epoch's; after the last epoch
    it is ``max(lr * factor, min_lr)`` (None without ``factor``)."""
    cuts = []
    for i, e in enumerate(history):
        if e.lr_reduced:
            new = history[i + 1].lr if i + 1 < len(history) else None if factor is None else max(e.lr * factor, min_lr)
            cuts.append((e.epoch, new))
    return tuple(cuts)


def plateau_verdict(summary: ScheduleSummary, settings: dict) -> str:
    """What reduce on plateau did in the runs, in words (``settings``: the Comparison's)."""
    own = settings.get("schedules", {}).get("reduce_on_plateau", {})
    patience = own.get("patience", SCH.PATIENCE.default)
    rows = summary.table.set_index("schedule")
    if "reduce_on_plateau" not in rows.index:
        return "Reduce on plateau did not train an epoch."
    best = int(rows.loc["reduce_on_plateau", "best_epoch"])
    cuts = summary.plateau_cuts
    if patience == 0:
        why = "an epoch did not beat the best validation loss by the threshold"
    else:
        why = (f"more than {patience} epoch{'s' if patience > 1 else ''} in a row had not beaten the best "
               "validation loss by the threshold")
    if not cuts:
        return f"Reduce on plateau never cut the rate: it never happened that {why}."
    epochs = ", ".join(str(e) for e, _ in cuts[:8]) + (", …" if len(cuts) > 8 else "")
    times = "once" if len(cuts) == 1 else f"{len(cuts)} times"
    text = (f"Reduce on plateau cut the rate {times}, after epoch{'s' if len(cuts) > 1 else ''} {epochs} (each "
            f"time {why}), down to {cuts[-1][1]:.3g}. ")
    if best <= cuts[0][0]:
        return text + (f"Its lowest validation loss came at epoch {best}, before the first cut: after it the "
                       "smaller steps never brought the validation loss lower.")
    return text + f"Its lowest validation loss came at epoch {best}, after the first cut."
