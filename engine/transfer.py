"""Training from scratch against fine-tuning (tutorial section 5), on tasks whose
relatedness you control.

Why not the tutorial's experiment
---------------------------------
The tutorial's cells for this section cannot be reproduced: copying ``coefs_`` into a fresh
``MLPClassifier`` crashes on current scikit-learn (``AttributeError: ... 'n_layers_'``).
Where the idea is run anyway it measures nothing: ``fit`` without ``warm_start``
re-initialises the copied weights (the "fine-tuned" model is trained from scratch), target
sizes 500 and 1000 slice a 200-sample set (they silently reuse the same 200 samples), and
source and target are two unrelated ``make_classification`` tasks, so pre-training is not
expected to help. This module does what the section means to show.

The two tasks
-------------
Inputs are ``x ~ N(0, I)`` in 20 dimensions (already standardised). A *teacher* is a random
one-hidden-layer network ``z(x) = v . tanh(W x)`` (8 tanh units); the class is ``z(x) > 0``.
Teachers have no biases, so ``z`` is odd and both classes are equally likely.

* The **source rule** is one teacher, ``z_S``.
* An **independent rule** ``z_I`` is a second teacher, made exactly uncorrelated with
  ``z_S`` on a large calibration sample (its chance overlap with ``z_S`` is subtracted).
* The **target rule** mixes them: ``z_T = r z_S + sqrt(1 - r^2) z_I``, where ``r`` is the
  *relatedness* in [0, 1]: the correlation between the target's and the source's scores.
  ``r = 1``: the target is the source task; ``r = 0``: the target has nothing to do with it.
  Source and target labels agree on about ``1 - arccos(r) / pi`` of all inputs (50% at 0).

Everything is drawn from seeds: the ``task_seed`` fixes the teachers, the source set, the
test sets and the pre-trained network; each repeat ``seed`` draws its own target training
pool and its own initial weights.

The methods
-----------
A network of the tutorial's shape (20 -> 50 -> 25 -> 2, ReLU, softmax; Adam, L2 1e-4) is
pre-trained once on the large source set (the tutorial's 5000 samples). For the small target
set:

* ``scratch`` - fresh random weights, trained on the target set;
* ``fine-tune`` - every layer copied from the pre-trained network
  (:meth:`engine.nn.MLP.copy_weights_from`), then all of them trained;
* ``freeze`` - every layer copied, the two hidden ("feature") layers frozen
  (:meth:`engine.nn.MLP.freeze`), only the output layer ("head") trained;
* ``pretrained`` - the pre-trained network as it is, no target data at all (it makes sense
  here because source and target have the same two classes). It does not depend on the
  target size; :class:`Baseline` reports it.

Every target run takes the same number of gradient steps (``steps``, default 300, batches
of 32): a set of 20 samples is passed over 300 times, one of 500 about 19 times. Accuracy is
measured on 2000 held-out target samples that no run ever trains on.

Target sizes use **distinct samples**: for each repeat a fresh pool of ``max(sizes)``
samples is drawn and the size-``n`` set is its first ``n`` samples (nested, never repeated).

The generators (:func:`size_sweep`, :func:`learning_curves`, :func:`relatedness_sweep`)
check their arguments when called, yield one event per finished run (or per epoch), and
return a result; the pre-trained network is cached per source setting (:func:`pretrain`).

Typical numbers (task seed 0, 3 repeats, the defaults): at relatedness 0.8 and 20 target
samples fine-tuning scores 0.89 and training from scratch 0.73; at 500 samples 0.94 and 0.90.
At relatedness 0 fine-tuning is *worse* than scratch at every size (0.55 against 0.70 at 20
samples) and the frozen features stay at chance (0.50): negative transfer. With these
teachers the break-even is near relatedness 0.4.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

import numpy as np

from engine.blas import limit_blas
from engine.nn import MLP, train
from engine.optimizers import Adam
from engine.params import Param, ParamSet

N_FEATURES = 20            # the tutorial's make_classification(n_features=20)
TEACHER_UNITS = 8          # tanh units of each teacher network
TEACHER_GAIN = 1.0         # std of the teacher's pre-activations (tanh is clearly non-linear at 1)
CALIBRATION = 20_000       # samples used to standardise and decorrelate the teachers
N_TEST = 2000              # held-out samples for each task's test accuracy
HIDDEN = (50, 25)          # the tutorial's hidden_layer_sizes
L2_PENALTY = 1e-4          # scikit-learn's default alpha
BATCH = 32
PRETRAIN_EPOCHS = 40
PRETRAIN_LR = 1e-3
CHANCE = 0.5

METHODS = ("scratch", "fine-tune", "freeze")
LABELS = {"scratch": "from scratch", "fine-tune": "fine-tune all layers",
          "freeze": "frozen features, train head", "pretrained": "pre-trained, no target data"}
DEFAULT_SIZES = (20, 50, 100, 200, 500)
DEFAULT_RELATEDNESS_GRID = (0.0, 0.25, 0.5, 0.75, 0.9, 1.0)

RELATEDNESS = Param("relatedness", "relatedness", 0.8, minimum=0.0, maximum=1.0, decimals=2,
                    help="Correlation between the target's and the source's decision scores: 1 = the "
                         "target is the source task, 0 = an unrelated task.")
SIZE = Param("size", "target samples", 50, kind="int", minimum=10, maximum=5000,
             help="How many labelled target samples a run may learn from (all distinct).")
SEEDS = Param("seeds", "repeats", 3, kind="int", minimum=1, maximum=20,
              help="Runs per method and size, each with its own target sample and initial weights: "
                   "the spread between them is the error bar.")
STEPS = Param("steps", "gradient steps", 300, kind="int", minimum=10, maximum=5000,
              help="Adam steps (batches of 32) every target run takes, whatever its size.")
LR = Param("lr", "learning rate", 1e-3, minimum=1e-5, maximum=0.1, log=True, decimals=5,
           help="Adam's step size for the target runs (pre-training uses 0.001).")
N_SOURCE = Param("n_source", "source samples", 5000, kind="int", minimum=100, maximum=20000,
                 help="Size of the labelled source set the network is pre-trained on "
                      "(the tutorial's 5000).")
TASK_SEED = Param("task_seed", "task seed", 0, kind="int", minimum=0, maximum=2**31 - 1,
                  help="Seed of the two teacher rules, the source set, the test sets and pre-training.")
SEED = Param("seed", "seed", 0, kind="int", minimum=0, maximum=2**31 - 1,
             help="Seed of one repeat: its target sample and initial weights.")

PARAMS = ParamSet((RELATEDNESS, SEEDS, STEPS, LR, N_SOURCE, TASK_SEED))


# ------------------------------------------------------------------ the tasks
def _readonly(a) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class Teacher:
    """A random one-hidden-layer network ``z(x) = v . tanh(x @ W)`` (before standardising)."""
    W: np.ndarray
    v: np.ndarray

    def raw(self, X) -> np.ndarray:
        return np.tanh(X @ self.W) @ self.v


class TaskPair:
    """The source rule and the independent rule of one ``task_seed``; the target rule at
    any relatedness is their mix (see the module docstring). Immutable."""

    def __init__(self, task_seed: int = 0):
        self.task_seed = TASK_SEED.validate(task_seed)
        rng = np.random.default_rng(np.random.SeedSequence([self.task_seed, 1]))
        teachers = []
        for _ in range(2):
            W = rng.normal(0.0, TEACHER_GAIN / math.sqrt(N_FEATURES), (N_FEATURES, TEACHER_UNITS))
            v = rng.normal(0.0, 1.0, TEACHER_UNITS)
            teachers.append(Teacher(_readonly(W), _readonly(v)))
        self.source_teacher, self.other_teacher = teachers
        Xc = rng.normal(size=(CALIBRATION, N_FEATURES))
        zs, zo = self.source_teacher.raw(Xc), self.other_teacher.raw(Xc)
        self._s_scale = 1.0 / zs.std()
        self._o_scale = 1.0 / zo.std()
        zs = zs * self._s_scale
        zo = zo * self._o_scale
        # remove the independent teacher's chance correlation with the source (Gram-Schmidt)
        self._overlap = float(np.mean(zo * zs))
        self._i_scale = 1.0 / (zo - self._overlap * zs).std()
        # fixed held-out inputs for the test accuracies (labels depend on the rule)
        self.X_test = _readonly(rng.normal(size=(N_TEST, N_FEATURES)))
        self.X_source_test = _readonly(rng.normal(size=(N_TEST, N_FEATURES)))
        self._source_seed = rng.integers(2**63)

    def source_score(self, X) -> np.ndarray:
        """Standardised source score ``z_S``."""
        return self.source_teacher.raw(np.asarray(X, dtype=float)) * self._s_scale

    def independent_score(self, X) -> np.ndarray:
        """Standardised independent score ``z_I`` (uncorrelated with ``z_S``)."""
        X = np.asarray(X, dtype=float)
        zo = self.other_teacher.raw(X) * self._o_scale
        return (zo - self._overlap * self.source_score(X)) * self._i_scale

    def target_score(self, X, relatedness) -> np.ndarray:
        """``cos(a) z_S + sin(a) z_I`` with the angle ``a = (1 - relatedness) * 90 degrees``."""
        a = mixing_angle(relatedness)
        X = np.asarray(X, dtype=float)
        return math.cos(a) * self.source_score(X) + math.sin(a) * self.independent_score(X)

    def source_labels(self, X) -> np.ndarray:
        return (self.source_score(X) > 0).astype(int)

    def target_labels(self, X, relatedness) -> np.ndarray:
        return (self.target_score(X, relatedness) > 0).astype(int)

    def source_set(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The labelled source training set (the first ``n`` of one fixed stream)."""
        n = N_SOURCE.validate(n)
        X = np.random.default_rng(self._source_seed).normal(size=(n, N_FEATURES))
        return X, self.source_labels(X)

    def target_pool(self, n: int, seed: int) -> np.ndarray:
        """``n`` fresh target inputs for repeat ``seed`` (continuous Gaussian draws: all distinct,
        and independent of the source and test sets)."""
        n = SIZE.validate(n)
        seed = SEED.validate(seed)
        rng = np.random.default_rng(np.random.SeedSequence([self.task_seed, 2, seed]))
        return rng.normal(size=(n, N_FEATURES))

    def agreement(self, relatedness) -> float:
        """Fraction of the test inputs on which the source and target rules give the same class."""
        return float(np.mean(self.source_labels(self.X_test) == self.target_labels(self.X_test, relatedness)))


def mixing_angle(relatedness) -> float:
    """The angle (radians) between the target's and the source's scores: 0 at relatedness 1,
    90 degrees at relatedness 0."""
    return (1.0 - RELATEDNESS.validate(relatedness)) * math.pi / 2


_tasks: dict[int, TaskPair] = {}
_tasks_lock = threading.Lock()


def task_pair(task_seed: int = 0) -> TaskPair:
    """The (cached) :class:`TaskPair` of ``task_seed``."""
    task_seed = TASK_SEED.validate(task_seed)
    with _tasks_lock:
        task = _tasks.get(task_seed)
    if task is None:
        task = TaskPair(task_seed)
        with _tasks_lock:
            task = _tasks.setdefault(task_seed, task)
    return task


def training_set(task: TaskPair, relatedness: float, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The target training set of one repeat: the first ``size`` samples of its pool."""
    size = SIZE.validate(size)
    X = task.target_pool(size, seed)
    return X, task.target_labels(X, relatedness)


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


_pretrained: dict[tuple, Pretrained] = {}
_pretrained_lock = threading.Lock()


def cached_pretrained(task_seed: int = 0, n_source: int = 5000) -> Pretrained | None:
    """The pre-trained network for these settings if it has been trained in this process."""
    with _pretrained_lock:
        return _pretrained.get((TASK_SEED.validate(task_seed), N_SOURCE.validate(n_source)))


def pretrain(task_seed: int = 0, n_source: int = 5000):
    """Generator: pre-train (or fetch from the cache) the source network; yields
    :class:`PretrainEpoch` events (none when cached) and returns :class:`Pretrained`.

    Deterministic: two threads that pre-train the same setting at once get equal networks.
    """
    key = (TASK_SEED.validate(task_seed), N_SOURCE.validate(n_source))
    return _pretrain(*key)


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
        return _pretrained.setdefault((task_seed, n_source), result)


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


def _batch_rng(seed: int) -> np.random.Generator:
    """The batch order of repeat ``seed``: the same for every method (a paired comparison)."""
    return np.random.default_rng(np.random.SeedSequence([seed, 5]))


def _epochs_for(size: int, steps: int) -> int:
    """Epochs that give ``steps`` gradient steps on ``size`` samples in batches of 32 (at least 1)."""
    batches = -(-size // min(BATCH, size))
    return max(1, -(-steps // batches))


def _check_sizes(sizes) -> tuple[int, ...]:
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


def _check_methods(methods) -> tuple[str, ...]:
    methods = tuple(methods)
    if not methods:
        raise ValueError("methods must name at least one of " + ", ".join(METHODS))
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"each method must be one of {', '.join(METHODS)}, got {m!r}")
    if len(set(methods)) != len(methods):
        raise ValueError("methods must not repeat")
    return methods


# ------------------------------------------------------------------ the size sweep
@dataclass(frozen=True)
class Baseline:
    """What pre-training alone gives on the target task (no target data), at one relatedness."""
    relatedness: float
    pretrained_acc: float      # the pre-trained network on the target test set
    source_test_acc: float     # ... and on the source test set
    agreement: float           # fraction of inputs where source and target rules agree


@dataclass(frozen=True)
class SweepPoint:
    """One finished target run."""
    method: str
    size: int
    seed: int
    relatedness: float
    accuracy: float            # on the held-out target test set
    train_accuracy: float
    epochs: int
    seconds: float
    index: int                 # 1-based count of runs finished in this sweep
    total: int


@dataclass(frozen=True)
class SweepResult:
    """Test accuracies of a sweep: ``accuracy[method, size, seed]`` (NaN where a run is missing)."""
    relatedness: float
    sizes: tuple[int, ...]
    methods: tuple[str, ...]
    seeds: tuple[int, ...]
    accuracy: np.ndarray
    baseline: Baseline
    seconds: float

    def mean(self) -> np.ndarray:
        """Mean over seeds, shape (methods, sizes)."""
        return self.accuracy.mean(axis=2)

    def std(self) -> np.ndarray:
        """Sample standard deviation over seeds (0 with a single seed), shape (methods, sizes)."""
        if len(self.seeds) < 2:
            return np.zeros(self.accuracy.shape[:2])
        return self.accuracy.std(axis=2, ddof=1)

    def gain(self, method: str = "fine-tune") -> np.ndarray:
        """Mean accuracy of ``method`` minus that of scratch, per size (paired by seed)."""
        i, j = self.methods.index(method), self.methods.index("scratch")
        return (self.accuracy[i] - self.accuracy[j]).mean(axis=1)

    def rows(self) -> list[dict]:
        """One dict per (method, size): mean, std, n."""
        mean, std = self.mean(), self.std()
        return [{"method": m, "size": s, "mean": float(mean[i, j]), "std": float(std[i, j]),
                 "n": len(self.seeds)}
                for i, m in enumerate(self.methods) for j, s in enumerate(self.sizes)]


def run_target(method, pretrained, X, y, X_test, y_test, steps=300, lr=1e-3, seed=0):
    """Train one ``method`` network on (X, y); returns (test accuracy, train accuracy, epochs, net)."""
    net = make_model(method, pretrained, seed)
    epochs = _epochs_for(len(X), steps)
    gen = train(net, X, y, Adam(lr=lr), epochs=epochs, batch_size=BATCH, score_train=False,
                seed=_batch_rng(seed))
    # one BLAS limit for the whole run, scoring included: cheaper than one per epoch, and a
    # multi-threaded product on the test set leaves idle BLAS threads spinning on the cores
    # the user interface needs (see engine.blas)
    with limit_blas(1):
        for _ in gen:
            pass
        return net.score(X_test, y_test), net.score(X, y), epochs, net


def size_sweep(relatedness=0.8, sizes=DEFAULT_SIZES, seeds=3, methods=METHODS, steps=300, lr=1e-3,
               n_source=5000, task_seed=0, first_seed=0):
    """Generator: every method at every target size for ``seeds`` repeats.

    Yields the pre-training's :class:`PretrainEpoch` events (if not cached), the
    :class:`Pretrained` network, a :class:`Baseline`, then one :class:`SweepPoint` per finished
    (method, size, seed): repeat by repeat, so a complete (noisy) curve exists after the
    first repeat and the later ones narrow the error bars. Returns a :class:`SweepResult`.
    """
    r = RELATEDNESS.validate(relatedness)
    sizes = _check_sizes(sizes)
    n_seeds = SEEDS.validate(seeds)
    methods = _check_methods(methods)
    steps = STEPS.validate(steps)
    lr = LR.validate(lr)
    n_source = N_SOURCE.validate(n_source)
    task_seed = TASK_SEED.validate(task_seed)
    first_seed = SEED.validate(first_seed)
    return _size_sweep(r, sizes, n_seeds, methods, steps, lr, n_source, task_seed, first_seed)


def _baseline(task: TaskPair, pre: Pretrained, r: float) -> Baseline:
    y_test = task.target_labels(task.X_test, r)
    return Baseline(r, pre.model.score(task.X_test, y_test), pre.source_test_acc, task.agreement(r))


def _size_sweep(r, sizes, n_seeds, methods, steps, lr, n_source, task_seed, first_seed):
    t0 = time.perf_counter()
    pre = yield from _pretrain(task_seed, n_source)
    yield pre
    task = task_pair(task_seed)
    with limit_blas(1):
        baseline = _baseline(task, pre, r)
    yield baseline
    y_test = task.target_labels(task.X_test, r)
    seeds = tuple(range(first_seed, first_seed + n_seeds))
    acc = np.full((len(methods), len(sizes), n_seeds), np.nan)
    total, index = acc.size, 0
    for k, seed in enumerate(seeds):
        pool = task.target_pool(sizes[-1], seed)
        labels = task.target_labels(pool, r)
        for j, size in enumerate(sizes):
            X, y = pool[:size], labels[:size]
            for i, method in enumerate(methods):
                t = time.perf_counter()
                test_acc, train_acc, epochs, _ = run_target(method, pre, X, y, task.X_test, y_test,
                                                            steps, lr, seed)
                acc[i, j, k] = test_acc
                index += 1
                yield SweepPoint(method, size, seed, r, test_acc, train_acc, epochs,
                                 time.perf_counter() - t, index, total)
    acc.setflags(write=False)
    return SweepResult(r, sizes, methods, seeds, acc, baseline, time.perf_counter() - t0)


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
    methods = _check_methods(methods)
    steps = STEPS.validate(steps)
    lr = LR.validate(lr)
    n_source = N_SOURCE.validate(n_source)
    task_seed = TASK_SEED.validate(task_seed)
    return _learning_curves(r, size, seed, methods, steps, lr, n_source, task_seed)


def _learning_curves(r, size, seed, methods, steps, lr, n_source, task_seed):
    pre = yield from _pretrain(task_seed, n_source)
    yield pre
    task = task_pair(task_seed)
    X, y = training_set(task, r, size, seed)
    y_test = task.target_labels(task.X_test, r)
    epochs = _epochs_for(size, steps)
    per_epoch = -(-size // min(BATCH, size))
    nets = {m: make_model(m, pre, seed) for m in methods}
    with limit_blas(1):
        baseline = _baseline(task, pre, r)
        test = {m: [nets[m].score(task.X_test, y_test)] for m in methods}
        trained = {m: [nets[m].score(X, y)] for m in methods}
    yield baseline
    for m in methods:
        yield CurvePoint(m, 0, epochs, 0, None, trained[m][0], test[m][0])
    runs = {m: train(nets[m], X, y, Adam(lr=lr), epochs=epochs, batch_size=BATCH, X_val=task.X_test,
                     y_val=y_test, seed=_batch_rng(seed))
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


# ------------------------------------------------------------------ the big sweep
@dataclass(frozen=True)
class RelatednessSweepResult:
    """``accuracy[relatedness, method, size, seed]`` and the pre-trained baseline per relatedness."""
    relatednesses: tuple[float, ...]
    sizes: tuple[int, ...]
    methods: tuple[str, ...]
    seeds: tuple[int, ...]
    accuracy: np.ndarray
    pretrained_acc: np.ndarray
    seconds: float

    def gain(self, method: str = "fine-tune") -> np.ndarray:
        """Mean (over seeds) accuracy of ``method`` minus scratch, shape (relatednesses, sizes)."""
        i, j = self.methods.index(method), self.methods.index("scratch")
        return (self.accuracy[:, i] - self.accuracy[:, j]).mean(axis=-1)


def relatedness_sweep(relatednesses=DEFAULT_RELATEDNESS_GRID, sizes=DEFAULT_SIZES, seeds=5, methods=METHODS,
                      steps=300, lr=1e-3, n_source=5000, task_seed=0):
    """Generator: :func:`size_sweep` at every relatedness in ``relatednesses``.

    Every relatedness uses the same target inputs and initial weights (only the labels
    change), so differences between relatednesses are not sampling noise. Yields what the
    size sweeps yield (their :class:`SweepPoint` events carry the relatedness) and returns a
    :class:`RelatednessSweepResult`. ``methods`` must include ``scratch`` (gains are measured
    against it).
    """
    try:
        rs = tuple(RELATEDNESS.validate(r) for r in relatednesses)
    except TypeError:
        raise ValueError(f"relatednesses must be a list of numbers in [0, 1], got {relatednesses!r}") from None
    if not rs:
        raise ValueError("relatednesses must hold at least one value in [0, 1]")
    methods = _check_methods(methods)
    if "scratch" not in methods:
        raise ValueError("methods must include 'scratch': the gains are measured against it")
    sweeps = [size_sweep(r, sizes, seeds, methods, steps, lr, n_source, task_seed) for r in rs]
    return _relatedness_sweep(rs, sweeps)


def _relatedness_sweep(rs, sweeps):
    t0 = time.perf_counter()
    results = []
    for gen in sweeps:
        results.append((yield from gen))
    first = results[0]
    acc = np.stack([res.accuracy for res in results])
    acc.setflags(write=False)
    pre = np.array([res.baseline.pretrained_acc for res in results])
    pre.setflags(write=False)
    return RelatednessSweepResult(rs, first.sizes, first.methods, first.seeds, acc, pre, time.perf_counter() - t0)
