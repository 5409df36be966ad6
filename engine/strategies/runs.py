"""What every training-strategies experiment shares: the data, side-by-side runs, their pacing.

Several networks start from the same weights and train side by side, one epoch of each in
turn (:func:`side_by_side`): a :class:`RunStart` per run, then :class:`RunEpoch` events,
and a :class:`Comparison` at the end. :func:`paced_runs` slows such a stream down to a number
of epochs per second so a class can watch the curves grow.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.blas import limit_blas
from engine.params import Param
from engine.stream import paced

HIDDEN = Param("hidden", "hidden units", 64, kind="int", minimum=2, maximum=512,
               help="Width of the network's one hidden (ReLU) layer.")
SEED = Param("seed", "seed", 0, kind="int", minimum=0, maximum=2**31 - 1,
             help="Seed of the initial weights and of the batch order (the same for every run).")
SPEED = Param("speed", "speed (epochs/s)", 60, kind="int", minimum=1, maximum=1000, log=True,
              help="How many epochs per second are shown; 1000 is as fast as the computer can train.")

# The sizes of the data sets below (tests/engine/test_strategies.py checks them against the data):
# known without building the data, which imports scikit-learn (seconds, never on the GUI thread).
SECTION4_SAMPLES, SECTION4_FEATURES, SECTION4_CLASSES = 5000, 20, 2
SECTION4_TRAIN_SIZE = 4000          # 80 % of 5000
DIGITS_TRAIN_SIZE = 1149            # engine.datasets.digits_split: 1149 / 288 / 360


def section4_data():
    """The tutorial's section-4 data: 4000 training and 1000 test samples, 20 features, standardised."""
    from engine.datasets import classification_split
    return classification_split(n_samples=SECTION4_SAMPLES, n_features=SECTION4_FEATURES, n_informative=2,
                                random_state=42)


def section4_layers(hidden: int) -> tuple[int, int, int]:
    """Layer sizes of the section-4 network with ``hidden`` hidden units."""
    return SECTION4_FEATURES, hidden, SECTION4_CLASSES


def digits_data():
    from engine.datasets import digits_split
    return digits_split()


# ------------------------------------------------------------------ events
@dataclass(frozen=True)
class RunStart:
    """A run's network before its first update (epoch -1): the point every curve starts from."""
    run: str
    train_loss: float
    val_loss: float
    val_acc: float


@dataclass(frozen=True)
class RunEpoch:
    """One epoch of one of several runs trained side by side."""
    run: str
    result: object           # engine.nn.EpochResult
    train_loss: float = math.nan   # data loss on the whole training set at the end of the epoch
    # (result.train_loss is the mean of the batch losses *during* the epoch, each taken before
    # its batch's update: for one full batch per epoch that is the loss before the epoch)


@dataclass(frozen=True)
class Comparison:
    """What side-by-side runs return: one engine.nn.TrainResult per run, with their starts."""
    runs: dict               # run -> TrainResult
    starts: dict             # run -> RunStart
    settings: dict

    def curve(self, run: str, name: str, with_start: bool = True) -> np.ndarray:
        """``name`` of every epoch of ``run``, preceded (``with_start``) by its value at the start."""
        values = self.runs[run].curve(name)
        if with_start:
            first = getattr(self.starts[run], name, math.nan)
            values = np.concatenate([[first], values])
        return values


def run_start(run, net, X, y, X_val, y_val) -> RunStart:
    with limit_blas(1):
        return RunStart(run, net.loss(X, y, penalty=False), net.loss(X_val, y_val, penalty=False),
                        net.score(X_val, y_val))


def side_by_side(nets: dict, gens: dict, starts: dict, settings: dict, X, y):
    """Advance every training generator one epoch per round; yield RunStart, then RunEpoch events
    (each with the training-set loss of its network at the end of the epoch)."""
    for start in starts.values():
        yield start
    results, active = {}, dict(gens)
    while active:
        for run, gen in list(active.items()):
            try:
                event = next(gen)
            except StopIteration as done:
                results[run] = done.value
                del active[run]
                continue
            with limit_blas(1):
                loss = nets[run].loss(X, y, penalty=False)
            yield RunEpoch(run, event, loss)
    return Comparison(runs={run: results[run] for run in gens}, starts=dict(starts), settings=dict(settings))


def train_side_by_side(base, data: tuple, configs: dict, settings: dict):
    """Train a copy of the network ``base`` per run of ``configs`` (run -> keyword arguments of
    engine.nn.train, the optimizer included) on ``data`` = (X, y, X_val, y_val), side by side
    (:func:`side_by_side`); returns their :class:`Comparison`."""
    from engine.nn import train
    X, y, Xv, yv = data
    nets, gens, starts = {}, {}, {}
    for run, kwargs in configs.items():
        nets[run] = net = base.copy()
        starts[run] = run_start(run, net, X, y, Xv, yv)
        gens[run] = train(net, X, y, X_val=Xv, y_val=yv, **kwargs)
    return (yield from side_by_side(nets, gens, starts, settings, X, y))


def sgd_side_by_side(data: tuple, layers, lr, runs: dict, settings: dict, seed, **shared):
    """One network of ``layers`` (initial weights from ``seed``) trained per run with SGD at ``lr``
    on ``data`` = (X, y, X_val, y_val), side by side (:func:`train_side_by_side`); ``runs``: run ->
    the keyword arguments of engine.nn.train it has of its own, ``shared``: those of every run
    (``seed`` also orders the batches). Returns their :class:`Comparison`."""
    from engine.nn import MLP
    from engine.optimizers import SGD
    base = MLP(list(layers), seed=seed)
    configs = {run: dict(optimizer=SGD(lr=lr), seed=seed, **shared, **own) for run, own in runs.items()}
    return (yield from train_side_by_side(base, data, configs, settings))


def paced_runs(gen, speed, runs: int):
    """Re-yield a side-by-side stream of ``runs`` runs at ``speed`` epochs per second of each run
    (:data:`SPEED`'s maximum: as fast as the computer trains); returns the stream's result."""
    speed = SPEED.validate(speed)
    rate = None if speed >= SPEED.maximum else float(speed) * runs
    return (yield from paced(gen, rate))
