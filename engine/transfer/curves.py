"""Learning curves: the methods trained side by side on one target set, epoch by epoch, and
their pacing so a class can watch them."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.blas import limit_blas
from engine.nn import train
from engine.optimizers import Adam
from engine.params import Param
from engine.stream import paced
from engine.transfer.tasks import BATCH, METHODS, RELATEDNESS, SEED, SIZE, task_pair, training_set
from engine.transfer.training import (Baseline, batch_rng, check_methods, check_settings, epochs_for, make_model,
                                      pretrain, pretrained_baseline)

# ------------------------------------------------------------------ learning curves
@dataclass(frozen=True)
class CurvePoint:
    """One method's state after ``epoch`` passes over the target set (epoch 0: before training)."""
    method: str
    epoch: int
    epochs: int
    step: int                  # gradient steps taken so far
    train_loss: float | None   # mean batch loss of that epoch (None at epoch 0)
    train_acc: float
    test_acc: float


@dataclass(frozen=True)
class CurveResult:
    relatedness: float
    size: int
    seed: int
    methods: tuple[str, ...]
    test_acc: dict             # method -> array over epochs 0..E
    train_acc: dict
    baseline: Baseline


def learning_curves(relatedness=0.8, size=50, seed=0, methods=METHODS, steps=300, lr=1e-3,
                    n_source=5000, task_seed=0):
    """Generator: the methods trained side by side on one target set, epoch by epoch.

    Yields pre-training events (if not cached), :class:`Pretrained`, :class:`Baseline`, then
    :class:`CurvePoint` events, the methods interleaved (epoch 0 of each, then epoch 1 of each,
    ...). Epoch 0 is the network before any target training: for ``fine-tune`` and ``freeze``
    that is the pre-trained network. Returns a :class:`CurveResult`.
    """
    r = RELATEDNESS.validate(relatedness)
    size = SIZE.validate(size)
    seed = SEED.validate(seed)
    methods = check_methods(methods)
    steps, lr, n_source, task_seed = check_settings(steps, lr, n_source, task_seed)
    return _learning_curves(r, size, seed, methods, steps, lr, n_source, task_seed)


def _learning_curves(r, size, seed, methods, steps, lr, n_source, task_seed):
    pre = yield from pretrain(task_seed, n_source)
    yield pre
    task = task_pair(task_seed)
    X, y = training_set(task, r, size, seed)
    y_test = task.target_labels(task.X_test, r)
    epochs = epochs_for(size, steps)
    per_epoch = -(-size // min(BATCH, size))
    nets = {m: make_model(m, pre, seed) for m in methods}
    with limit_blas(1):
        baseline = pretrained_baseline(task, pre, r)
        test = {m: [nets[m].score(task.X_test, y_test)] for m in methods}
        trained = {m: [nets[m].score(X, y)] for m in methods}
    yield baseline
    for m in methods:
        yield CurvePoint(m, 0, epochs, 0, None, trained[m][0], test[m][0])
    runs = {m: train(nets[m], X, y, Adam(lr=lr), epochs=epochs, batch_size=BATCH, X_val=task.X_test,
                     y_val=y_test, seed=batch_rng(seed))
            for m in methods}
    for epoch in range(1, epochs + 1):
        for m in methods:
            e = next(runs[m])
            test[m].append(e.val_acc)
            trained[m].append(e.train_acc)
            yield CurvePoint(m, epoch, epochs, epoch * per_epoch, e.train_loss, e.train_acc, e.val_acc)
    for run in runs.values():
        run.close()
    return CurveResult(r, size, seed, methods, {m: np.array(v) for m, v in test.items()},
                       {m: np.array(v) for m, v in trained.items()}, baseline)


# ------------------------------------------------------------------ watching them
CURVE_SIZE = Param("curve_size", "target samples", 20, kind="int", minimum=SIZE.minimum, maximum=SIZE.maximum,
                   help="Size of the target set whose learning curves are drawn (distinct samples).")
CURVE_SEED = Param("curve_seed", "repeat seed", 0, kind="int", minimum=0, maximum=10_000,
                   help="Which repeat (target sample and initial weights) the learning curves show.")
SPEED = Param("speed", "speed (epochs/s)", 200, kind="int", minimum=5, maximum=1000, log=True,
              help="How many epochs of the learning curves are shown per second; 1000 is as fast as the "
                   "computer can train.")
PACE_SLACK_S = 0.016    # the paced curves sleep in steps of at least a frame


def paced_curves(curves, speed=SPEED.default, methods=METHODS, **timing):
    """Re-yield a :func:`learning_curves` stream of ``methods`` at most ``speed`` epochs a second
    (an epoch has passed when the last method's :class:`CurvePoint` of it arrives; ``speed`` at
    its maximum: as fast as the computer trains) and return its result. ``timing``: the
    ``clock`` and ``sleep`` of :func:`engine.stream.paced` (tests)."""
    speed = SPEED.validate(speed)
    last = check_methods(methods)[-1]
    return paced(curves, None if speed >= SPEED.maximum else speed,
                 counts=lambda event: isinstance(event, CurvePoint) and event.method == last, slack_s=PACE_SLACK_S,
                 **timing)
