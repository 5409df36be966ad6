"""Training strategies (tutorial section 4): learning-rate schedules, batch size, gradient clipping.

Everything here runs on real training runs of :mod:`engine.nn`, on the tutorial's section-4
data (``make_classification(n_samples=5000, n_features=20, random_state=42)``, 80/20 split
with ``random_state=42``, standardised: :func:`section4_data`) or, for clipping, on digits.

* :func:`schedule_curves` - the tutorial's four schedules (step decay, exponential, cosine
  annealing, warm-up + linear) as arrays over the epochs: its figure, instantly.
* :func:`schedule_runs` - the same network (same initial weights, same batches) trained once
  per schedule, side by side, epoch by epoch. The tutorial's warm-up formula gives learning
  rate 0 at epoch 0: that epoch learns nothing, which the runs show (its loss after epoch 0
  is exactly the loss at the start).
* :func:`gradient_noise` - how far a mini-batch gradient lies from the full-batch gradient,
  *measured* by drawing many batches at fixed weights, next to the exact prediction for
  sampling without replacement from the N training samples (see below).
* :func:`batch_size_study` - that measurement plus one real training run per batch size
  (8, 32, 128, 512 and full batch; the same number of epochs, so every run sees the same
  samples): updates per epoch, time per epoch, final accuracies. The tutorial's batch-size
  table is typed-in text; this is what it should have measured.
* :func:`sgd_iterations` - the tutorial's "batch size" experiment reproduced exactly: it
  varies ``SGDClassifier``'s ``max_iter`` (passes over the data), not the batch size
  (SGDClassifier always updates after every single sample).
* :func:`clipping_demo` - the tutorial's clipping example (``[3, 4]`` and ``[5, 12]``,
  max_norm 5: norm 13.9284, clipped to 5.0000) for any vectors.
* :func:`clipping_runs` - a learning rate far too large trained without clipping (the
  gradient norm explodes until the numbers overflow) and with clipping (it trains).

Gradient noise, the closed form
-------------------------------
With per-sample gradients ``g_i`` (i = 1..N) of the mean loss, the full-batch gradient is
``g = mean(g_i)`` and their spread is ``sigma2 = mean(||g_i - g||^2)``. A batch of B samples
drawn *without* replacement (as one shuffled epoch does) has the gradient ``g_B`` with::

    E ||g_B - g||^2 = sigma2 / B * (N - B) / (N - 1)

(the finite-population correction; with replacement it would be ``sigma2 / B``). So the
noise, the root of that, falls like ``1 / sqrt(B)`` and is exactly 0 for the full batch.
The per-sample gradient norms come from one forward/backward pass: for a dense layer the
gradient of one sample is the outer product ``a_i delta_i^T``, whose squared norm is
``||a_i||^2 ||delta_i||^2``.

All generators check their arguments when called and start working at the first ``next()``.
"""
from __future__ import annotations

import math
import re
import time
import warnings
from dataclasses import dataclass
from typing import Generator

import numpy as np

from engine import schedules as SCH
from engine.blas import limit_blas
from engine.params import Param, ParamSet

# ------------------------------------------------------------------ parameters
TUTORIAL_SCHEDULES = ("step_decay", "exponential_decay", "cosine_annealing", "warmup_linear")
RUN_SCHEDULES = ("constant",) + TUTORIAL_SCHEDULES
SCHEDULE_SETTINGS = ParamSet((SCH.DROP_RATE, SCH.EPOCHS_DROP, SCH.DECAY_RATE, SCH.MIN_LR, SCH.WARMUP_EPOCHS))

INITIAL_LR = Param("initial_lr", "initial lr", 0.1, minimum=1e-4, maximum=10.0, log=True, decimals=5,
                   help="The learning rate every schedule starts from (the peak of warm-up).")
SCHED_EPOCHS = Param("total_epochs", "epochs", 100, kind="int", minimum=10, maximum=300,
                     help="Length of the schedules and of the training runs (the tutorial plots 100).")
HIDDEN = Param("hidden", "hidden units", 64, kind="int", minimum=2, maximum=512,
               help="Width of the network's one hidden (ReLU) layer.")
SEED = Param("seed", "seed", 0, kind="int", minimum=0, maximum=2**31 - 1,
             help="Seed of the initial weights and of the batch order (the same for every run).")
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
SCHED_HIDDEN = Param("hidden", "hidden units", 32, kind="int", minimum=2, maximum=512,
                     help="Width of the network's one hidden (ReLU) layer.")
SCHED_BATCH = Param("batch_size", "batch size", 128, kind="int", minimum=1, maximum=4000,
                    help="Samples per SGD step in the schedule runs.")

BATCH_LR = Param("lr", "learning rate", 0.1, minimum=1e-4, maximum=10.0, log=True, decimals=5,
                 help="The (constant) SGD learning rate every batch size trains with.")
BATCH_EPOCHS = Param("epochs", "epochs", 10, kind="int", minimum=1, maximum=200,
                     help="Passes over the training set; every batch size sees the same samples.")
DRAWS = Param("draws", "batches drawn", 100, kind="int", minimum=2, maximum=100_000,
              help="How many random batches per batch size the gradient noise is averaged over.")
BATCH_SIZES = (8, 32, 128, 512, None)            # None: the whole training set in one batch
FULL = "full"

CLIP_LR = Param("lr", "learning rate", 3.0, minimum=1e-4, maximum=100.0, log=True, decimals=5,
                help="SGD learning rate of both runs: 3 is 30 times too large for this network.")
CLIP_MAX_NORM = Param("max_norm", "max gradient norm", 0.5, minimum=1e-3, maximum=1000.0, log=True, decimals=4,
                      help="The clipped run scales every batch gradient whose norm exceeds this down to it.")
CLIP_EPOCHS = Param("epochs", "epochs", 30, kind="int", minimum=1, maximum=300,
                    help="Passes over the 1149 digit training images.")
CLIP_BATCH = Param("batch_size", "batch size", 32, kind="int", minimum=1, maximum=1149,
                   help="Samples per SGD step.")
CLIP_RUNS = ("no clipping", "clipping")

MAX_ITERS = (10, 50, 100, 200)                   # the tutorial's
MAX_ITER = Param("max_iter", "max_iter", 10, kind="int", minimum=1, maximum=100_000,
                 help="SGDClassifier's number of passes (epochs) over the training data.")

TUTORIAL_VECTORS = ((3.0, 4.0), (5.0, 12.0))
TUTORIAL_MAX_NORM = 5.0
DEMO_MAX_NORM = Param("max_norm", "max_norm", TUTORIAL_MAX_NORM, minimum=0.0, maximum=1e6, min_inclusive=False,
                      decimals=4, help="Largest allowed global norm of all the vectors together.")


def section4_data():
    """The tutorial's section-4 data: 4000 training and 1000 test samples, 20 features, standardised."""
    from engine.datasets import classification_split
    return classification_split(n_samples=5000, n_features=20, n_informative=2, random_state=42)


def _digits():
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


def _start(run, net, X, y, X_val, y_val) -> RunStart:
    with limit_blas(1):
        return RunStart(run, net.loss(X, y, penalty=False), net.loss(X_val, y_val, penalty=False),
                        net.score(X_val, y_val))


def _side_by_side(nets: dict, gens: dict, starts: dict, settings: dict, X, y):
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


# ------------------------------------------------------------------ 1. schedules
def schedule_kwargs(name: str, settings: dict | None = None) -> dict:
    """The entries of ``settings`` that schedule ``name`` takes (e.g. decay_rate for exponential)."""
    if name not in SCH.SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(SCH.SCHEDULES)}, got {name!r}")
    settings = SCHEDULE_SETTINGS.validate(dict(settings or {}))
    return {k: settings[k] for k in SCH.PARAMS[name].names()}


def make(name: str, initial_lr=0.1, total_epochs=100, settings: dict | None = None) -> SCH.Schedule:
    """Schedule ``name`` with the arguments it takes out of ``settings`` (checked)."""
    return SCH.make_schedule(name, initial_lr, total_epochs, **schedule_kwargs(name, settings))


def schedule_curves(initial_lr=0.1, total_epochs=100, settings: dict | None = None,
                    names=TUTORIAL_SCHEDULES) -> dict[str, np.ndarray]:
    """The learning rate of each schedule at epochs 0 .. total_epochs - 1 (the tutorial's figure)."""
    initial_lr = INITIAL_LR.validate(initial_lr)
    total_epochs = SCHED_EPOCHS.validate(total_epochs)
    names = _check_names(names)
    return {name: np.array(make(name, initial_lr, total_epochs, settings).values(), dtype=float)
            for name in names}


def _check_names(names) -> tuple[str, ...]:
    if isinstance(names, str):
        names = (names,)
    names = tuple(names)
    if not names:
        raise ValueError("names must list at least one schedule")
    for n in names:
        if n not in SCH.SCHEDULES:
            raise ValueError(f"every schedule must be one of {', '.join(SCH.SCHEDULES)}, got {n!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"names lists a schedule twice: {list(names)}")
    return names


def schedule_runs(names=RUN_SCHEDULES, initial_lr=0.1, total_epochs=100, settings: dict | None = None,
                  batch_size=128, hidden=32, seed=0) -> Generator:
    """Train one network per schedule with SGD on the section-4 data, side by side.

    Every run starts from the same weights and sees the same batches in the same order
    (same ``seed``); only the learning rate differs. Yields a :class:`RunStart` per run,
    then :class:`RunEpoch` events round by round; returns a :class:`Comparison`. The
    "validation" set is the tutorial's 1000 test samples.
    """
    names = _check_names(names)
    initial_lr = INITIAL_LR.validate(initial_lr)
    total_epochs = SCHED_EPOCHS.validate(total_epochs)
    scheds = {n: make(n, initial_lr, total_epochs, settings) for n in names}
    batch_size = SCHED_BATCH.validate(batch_size)
    hidden = SCHED_HIDDEN.validate(hidden)
    seed = SEED.validate(seed)
    return _schedule_runs(scheds, initial_lr, total_epochs, batch_size, hidden, seed)


def _schedule_runs(scheds, initial_lr, total_epochs, batch_size, hidden, seed):
    from engine.nn import MLP, train
    from engine.optimizers import SGD
    data = section4_data()
    X, y, Xv, yv = data.X_train, data.y_train, data.X_test, data.y_test
    base = MLP([X.shape[1], hidden, 2], seed=seed)
    nets, gens, starts = {}, {}, {}
    for name, schedule in scheds.items():
        nets[name] = net = base.copy()
        starts[name] = _start(name, net, X, y, Xv, yv)
        gens[name] = train(net, X, y, SGD(lr=initial_lr), epochs=total_epochs, batch_size=batch_size,
                           X_val=Xv, y_val=yv, schedule=schedule, seed=seed, score_train=False)
    settings = {"initial_lr": initial_lr, "total_epochs": total_epochs, "batch_size": batch_size,
                "hidden": hidden, "seed": seed,
                "schedules": {n: dict(s.kwargs) for n, s in scheds.items()}}
    return (yield from _side_by_side(nets, gens, starts, settings, X, y))


# ------------------------------------------------------------------ 2. gradient noise
def per_sample_gradient_sq_norms(model, X, y) -> np.ndarray:
    """``||g_i||^2`` of every sample's gradient (of its own loss, no L2 penalty), shape (n,).

    One forward/backward pass over all samples: for each layer the per-sample gradient is the
    outer product of the layer's input (with its constant 1) and the sample's delta, whose
    squared norm is ``||a_i||^2 * ||delta_i||^2``; the layers add up.
    """
    _check_plain(model)
    from engine.nn import Workspace
    X1 = model._inputs(X)
    T = model._targets(y, X1.shape[0])
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


def _sizes(batch_sizes, n) -> list[tuple[int, bool]]:
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
    X1 = model._inputs(X)                       # checks X
    n = X1.shape[0]
    model._targets(y, n)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    sizes = _sizes(batch_sizes, n)
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


# ------------------------------------------------------------------ 2b. batch-size study
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
    sizes = _sizes(batch_sizes, n)
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
    from engine.nn import MLP, train
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
    nets, gens, starts = {}, {}, {}
    for label, (b, _full) in zip(labels, sizes):
        nets[label] = net = base.copy()
        starts[label] = _start(label, net, X, y, Xv, yv)
        gens[label] = train(net, X, y, SGD(lr=lr), epochs=epochs, batch_size=b, X_val=Xv, y_val=yv,
                            seed=seed, score_train=True)
    settings = {"epochs": epochs, "lr": lr, "hidden": hidden, "seed": seed, "draws": draws}
    comparison = yield from _side_by_side(nets, gens, starts, settings, X, y)
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


# ------------------------------------------------------------------ 2c. the tutorial's max_iter table
@dataclass(frozen=True)
class IterationRow:
    """One fit of the tutorial's SGDClassifier cell."""
    max_iter: int
    n_iter: int                  # epochs scikit-learn actually ran
    updates: int                 # weight updates: one per sample per epoch (batch size 1)
    train_acc: float
    test_acc: float
    seconds: float
    warning: str | None          # a ConvergenceWarning scikit-learn raised (caught, reported here)


def sgd_iterations(max_iters=MAX_ITERS, tol=None, random_state=42) -> Generator:
    """The tutorial's cell: ``SGDClassifier(max_iter=n, tol=tol, random_state=42)`` on the
    section-4 data, one fit per ``max_iter``; yields an :class:`IterationRow` per fit and
    returns them all.

    What it varies is the number of passes over the data; every pass updates the weights
    after each single sample (batch size 1) whatever ``max_iter`` is.

    scikit-learn warns (``ConvergenceWarning``) when a fit stops at ``max_iter`` *and* a
    stopping tolerance ``tol`` is set. With the tutorial's ``tol=None`` there is no stopping
    rule, so no warning; with a ``tol`` small ``max_iter`` values warn. The warning is caught
    here on purpose (it is expected for an experiment about too few iterations, and this
    project turns warnings into errors) and reported in the row instead.
    """
    try:
        iters = [MAX_ITER.validate(m) for m in max_iters]
    except TypeError:
        raise ValueError(f"max_iters must be a list of whole numbers such as [10, 50, 100, 200], "
                         f"got {max_iters!r}") from None
    if not iters:
        raise ValueError("max_iters must list at least one value")
    if tol is not None:
        tol = Param("tol", "tolerance", 1e-3, minimum=0.0, maximum=1e6).validate(tol)
    random_state = Param("random_state", "seed", 42, kind="int", minimum=0, maximum=2**32 - 1).validate(random_state)
    return _sgd_iterations(iters, tol, random_state)


def _sgd_iterations(iters, tol, random_state):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDClassifier
    data = section4_data()
    rows = []
    for m in iters:
        clf = SGDClassifier(max_iter=m, tol=tol, random_state=random_state)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            t0 = time.perf_counter()
            clf.fit(data.X_train, data.y_train)
            seconds = time.perf_counter() - t0
        message = None
        for w in caught:
            if issubclass(w.category, ConvergenceWarning):
                message = str(w.message)
            else:  # anything else is not expected here: let it surface as it would have
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        n_iter = int(clf.n_iter_)
        row = IterationRow(max_iter=m, n_iter=n_iter, updates=n_iter * data.X_train.shape[0],
                           train_acc=float(clf.score(data.X_train, data.y_train)),
                           test_acc=float(clf.score(data.X_test, data.y_test)), seconds=seconds, warning=message)
        rows.append(row)
        yield row
    return tuple(rows)


# ------------------------------------------------------------------ 3. clipping
def parse_vector(text, name="vector") -> np.ndarray:
    """``"3, 4"`` or ``"3 4"`` or ``"[3, 4]"`` -> array([3., 4.]); a ValueError in words otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"{name} must be text such as '3, 4', got {text!r}")
    parts = [p for p in re.split(r"[,\s;]+", text.strip().strip("[]()").strip()) if p]
    if not parts:
        raise ValueError(f"{name} is empty: type numbers separated by commas, such as 3, 4")
    try:
        values = np.array([float(p) for p in parts])
    except ValueError:
        raise ValueError(f"{name} must be numbers separated by commas, such as 3, 4; got {text!r}") from None
    if not np.isfinite(values).all():
        raise ValueError(f"{name} must contain finite numbers only, got {text!r}")
    return values


@dataclass(frozen=True)
class ClipDemo:
    vectors: tuple               # the gradients, as given
    clipped: tuple               # after clipping (the same arrays when nothing was clipped)
    total_norm: float            # global norm before
    new_norm: float              # global norm after
    was_clipped: bool
    coef: float                  # max_norm / (total_norm + 1e-6): the factor applied when < 1
    max_norm: float


def clipping_demo(vectors=TUTORIAL_VECTORS, max_norm=TUTORIAL_MAX_NORM) -> ClipDemo:
    """Clip ``vectors`` (gradients of several parameters) together to ``max_norm``.

    The tutorial's rule (PyTorch's ``clip_grad_norm_``): the global norm of all of them,
    ``coef = max_norm / (norm + 1e-6)``, and everything multiplied by ``coef`` if it is < 1.
    """
    from engine.clipping import EPS, clip_by_global_norm, global_norm
    try:
        arrays = [np.asarray(v, dtype=float).ravel() for v in vectors]
    except (TypeError, ValueError):
        raise ValueError(f"vectors must be a list of number lists such as [[3, 4], [5, 12]], got {vectors!r}") from None
    if not arrays or any(a.size == 0 for a in arrays):
        raise ValueError("vectors must hold at least one non-empty vector")
    if not all(np.isfinite(a).all() for a in arrays):
        raise ValueError("vectors must contain finite numbers only")
    max_norm = DEMO_MAX_NORM.validate(max_norm)
    clipped, total, was = clip_by_global_norm(arrays, max_norm)
    return ClipDemo(vectors=tuple(arrays), clipped=tuple(np.asarray(c) for c in clipped), total_norm=float(total),
                    new_norm=global_norm(clipped), was_clipped=bool(was), coef=max_norm / (total + EPS),
                    max_norm=max_norm)


def clipping_runs(lr=3.0, max_norm=0.5, epochs=30, batch_size=32, hidden=64, seed=0) -> Generator:
    """The same network on digits, SGD with a too-large ``lr``, without and with clipping.

    Both runs start from the same weights and see the same batches. Without clipping the
    gradient norm grows epoch after epoch until the numbers overflow (the run then stops
    with ``diverged=True``); with every batch gradient clipped to ``max_norm`` no step can
    be longer than ``lr * max_norm``, and it trains. Yields :class:`RunStart` and
    :class:`RunEpoch` events (``result.grad_norm`` is the mean norm *before* clipping,
    ``result.clipped_batches`` how many batches were clipped); returns a :class:`Comparison`.
    """
    lr = CLIP_LR.validate(lr)
    max_norm = CLIP_MAX_NORM.validate(max_norm)
    epochs = CLIP_EPOCHS.validate(epochs)
    batch_size = CLIP_BATCH.validate(batch_size)
    hidden = HIDDEN.validate(hidden)
    seed = SEED.validate(seed)
    return _clipping_runs(lr, max_norm, epochs, batch_size, hidden, seed)


def _clipping_runs(lr, max_norm, epochs, batch_size, hidden, seed):
    from engine.nn import MLP, train
    from engine.optimizers import SGD
    data = _digits()
    X, y, Xv, yv = data.X_train, data.y_train, data.X_val, data.y_val
    base = MLP([X.shape[1], hidden, 10], seed=seed)
    nets, gens, starts = {}, {}, {}
    for run, clip in zip(CLIP_RUNS, (None, max_norm)):
        nets[run] = net = base.copy()
        starts[run] = _start(run, net, X, y, Xv, yv)
        gens[run] = train(net, X, y, SGD(lr=lr), epochs=epochs, batch_size=batch_size, X_val=Xv, y_val=yv,
                          clip_norm=clip, seed=seed, score_train=False)
    settings = {"lr": lr, "max_norm": max_norm, "epochs": epochs, "batch_size": batch_size, "hidden": hidden,
                "seed": seed}
    return (yield from _side_by_side(nets, gens, starts, settings, X, y))
