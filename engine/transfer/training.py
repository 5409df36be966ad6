"""Pre-training on the source task (cached per source setting) and the target runs of each
method (see the package's docstring)."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from engine.blas import limit_blas
from engine.nn import MLP, train
from engine.optimizers import Adam
from engine.transfer.tasks import (BATCH, HIDDEN, L2_PENALTY, LR, METHODS, N_FEATURES, N_SOURCE, PRETRAIN_EPOCHS,
                                   PRETRAIN_LR, SEED, SIZE, STEPS, TASK_SEED, TaskPair, task_pair)

# ------------------------------------------------------------------ pre-training
@dataclass(frozen=True)
class PretrainEpoch:
    """One epoch of pre-training on the source set."""
    epoch: int
    epochs: int
    train_loss: float
    source_test_acc: float


@dataclass(frozen=True)
class Pretrained:
    """The network pre-trained on the source task. Treat ``model`` as read-only: the
    methods copy its weights into new networks and never train it."""
    task_seed: int
    n_source: int
    model: MLP
    source_test_acc: float
    seconds: float


_pretrained: dict[tuple, Pretrained] = {}     # in the order of last use: the oldest goes first
_pretrained_lock = threading.Lock()
PRETRAINED_KEPT = 6       # a student dragging the task seed must not fill the memory with networks


def cached_pretrained(task_seed: int = 0, n_source: int = 5000) -> Pretrained | None:
    """The pre-trained network for these settings if it has been trained in this process (and is
    one of the last ``PRETRAINED_KEPT`` used)."""
    key = (TASK_SEED.validate(task_seed), N_SOURCE.validate(n_source))
    with _pretrained_lock:
        found = _pretrained.pop(key, None)
        if found is not None:
            _pretrained[key] = found          # most recently used: last
        return found


def pretrain(task_seed: int = 0, n_source: int = 5000):
    """Generator: pre-train (or fetch from the cache) the source network; yields
    :class:`PretrainEpoch` events (none when cached) and returns :class:`Pretrained`.

    Deterministic: two threads that pre-train the same setting at once get equal networks.
    """
    key = (TASK_SEED.validate(task_seed), N_SOURCE.validate(n_source))
    return _pretrain(*key)


def clear_pretrained() -> None:
    """Forget every pre-trained network (a benchmark measures a cold pre-training)."""
    with _pretrained_lock:
        _pretrained.clear()


def _pretrain(task_seed, n_source):
    found = cached_pretrained(task_seed, n_source)
    if found is not None:
        return found
    t0 = time.perf_counter()
    task = task_pair(task_seed)
    X, y = task.source_set(n_source)
    y_test = task.source_labels(task.X_source_test)
    net = MLP((N_FEATURES,) + HIDDEN + (2,), l2=L2_PENALTY,
              seed=np.random.SeedSequence([task_seed, 3, n_source]))
    run = train(net, X, y, Adam(lr=PRETRAIN_LR), epochs=PRETRAIN_EPOCHS, batch_size=BATCH,
                X_val=task.X_source_test, y_val=y_test, score_train=False)
    for e in run:
        yield PretrainEpoch(e.epoch, PRETRAIN_EPOCHS, e.train_loss, e.val_acc)
    with limit_blas(1):
        source_acc = net.score(task.X_source_test, y_test)
    result = Pretrained(task_seed, n_source, net, source_acc, time.perf_counter() - t0)
    with _pretrained_lock:
        result = _pretrained.setdefault((task_seed, n_source), result)
        while len(_pretrained) > PRETRAINED_KEPT:
            del _pretrained[next(iter(_pretrained))]
        return result


# ------------------------------------------------------------------ the methods
def make_model(method: str, pretrained: Pretrained | None, seed: int = 0) -> MLP:
    """A fresh network for one target run of ``method`` (see the module docstring).

    ``scratch`` ignores ``pretrained``; ``fine-tune`` and ``freeze`` copy every layer from it
    (so before training they predict exactly like the pre-trained network); ``freeze`` also
    freezes the hidden layers.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    seed = SEED.validate(seed)
    net = MLP((N_FEATURES,) + HIDDEN + (2,), l2=L2_PENALTY,
              seed=np.random.SeedSequence([seed, 4, METHODS.index(method)]))
    if method == "scratch":
        return net
    if not isinstance(pretrained, Pretrained):
        raise ValueError(f"method {method!r} needs the pre-trained network (from pretrain())")
    net.copy_weights_from(pretrained.model)
    if method == "freeze":
        net.freeze(range(net.n_layers - 1))
    return net


def batch_rng(seed: int) -> np.random.Generator:
    """The batch order of repeat ``seed``: the same for every method (a paired comparison)."""
    return np.random.default_rng(np.random.SeedSequence([seed, 5]))


def epochs_for(size: int, steps: int) -> int:
    """Epochs that give ``steps`` gradient steps on ``size`` samples in batches of 32 (at least 1)."""
    batches = -(-size // min(BATCH, size))
    return max(1, -(-steps // batches))


def check_sizes(sizes) -> tuple[int, ...]:
    try:
        sizes = [s for s in sizes]
    except TypeError:
        raise ValueError(f"sizes must be a list of target sizes, got {sizes!r}") from None
    if not sizes:
        raise ValueError("sizes must hold at least one target size")
    out = tuple(sorted(SIZE.validate(s) for s in sizes))
    if len(set(out)) != len(out):
        raise ValueError(f"sizes must be different from each other, got {list(out)}")
    return out


def check_methods(methods) -> tuple[str, ...]:
    methods = tuple(methods)
    if not methods:
        raise ValueError("methods must name at least one of " + ", ".join(METHODS))
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"each method must be one of {', '.join(METHODS)}, got {m!r}")
    if len(set(methods)) != len(methods):
        raise ValueError("methods must not repeat")
    return methods


def check_settings(steps, lr, n_source, task_seed) -> tuple[int, float, int, int]:
    """The settings every target run of a job shares, validated: (steps, lr, n_source, task_seed)."""
    return STEPS.validate(steps), LR.validate(lr), N_SOURCE.validate(n_source), TASK_SEED.validate(task_seed)


def run_target(method, pretrained, X, y, X_test, y_test, steps=300, lr=1e-3, seed=0):
    """Train one ``method`` network on (X, y); returns (test accuracy, train accuracy, epochs, net)."""
    for name, data in (("X", X), ("y", y), ("X_test", X_test), ("y_test", y_test)):
        if len(data) == 0:
            raise ValueError(f"run_target: {name} is empty; it needs at least one sample")
    if len(X) != len(y) or len(X_test) != len(y_test):
        raise ValueError(f"run_target: X has {len(X)} rows and y {len(y)} labels, X_test {len(X_test)} rows "
                         f"and y_test {len(y_test)} labels; one label per row")
    net = make_model(method, pretrained, seed)
    epochs = epochs_for(len(X), steps)
    gen = train(net, X, y, Adam(lr=lr), epochs=epochs, batch_size=BATCH, score_train=False,
                seed=batch_rng(seed))
    # one BLAS limit for the whole run, scoring included: cheaper than one per epoch, and a
    # multi-threaded product on the test set leaves idle BLAS threads spinning on the cores
    # the user interface needs (see engine.blas)
    with limit_blas(1):
        for _ in gen:
            pass
        return net.score(X_test, y_test), net.score(X, y), epochs, net


@dataclass(frozen=True)
class Baseline:
    """What pre-training alone gives on the target task (no target data), at one relatedness."""
    relatedness: float
    pretrained_acc: float      # the pre-trained network on the target test set
    source_test_acc: float     # ... and on the source test set
    agreement: float           # fraction of inputs where source and target rules agree


def pretrained_baseline(task: TaskPair, pre: Pretrained, r: float) -> Baseline:
    """What the pre-trained network alone scores on the target task at relatedness ``r``."""
    y_test = task.target_labels(task.X_test, r)
    return Baseline(r, pre.model.score(task.X_test, y_test), pre.source_test_acc, task.agreement(r))
