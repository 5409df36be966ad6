"""The size sweep (every method at every target size, repeat by repeat), the big relatedness x
size sweep, and their statistics while runs are still missing (NaN)."""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.blas import limit_blas
from engine.transfer.tasks import DEFAULT_RELATEDNESS_GRID, DEFAULT_SIZES, METHODS, RELATEDNESS, SEED, SEEDS, task_pair
from engine.transfer.training import (Baseline, check_methods, check_settings, check_sizes, pretrain,
                                      pretrained_baseline, run_target)

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


def size_sweep(relatedness=0.8, sizes=DEFAULT_SIZES, seeds=3, methods=METHODS, steps=300, lr=1e-3,
               n_source=5000, task_seed=0, first_seed=0):
    """Generator: every method at every target size for ``seeds`` repeats.

    Yields the pre-training's :class:`PretrainEpoch` events (if not cached), the
    :class:`Pretrained` network, a :class:`Baseline`, then one :class:`SweepPoint` per finished
    (method, size, seed): repeat by repeat, so a complete (noisy) curve exists after the
    first repeat and the later ones narrow the error bars. Returns a :class:`SweepResult`.
    """
    r = RELATEDNESS.validate(relatedness)
    sizes = check_sizes(sizes)
    n_seeds = SEEDS.validate(seeds)
    methods = check_methods(methods)
    steps, lr, n_source, task_seed = check_settings(steps, lr, n_source, task_seed)
    first_seed = SEED.validate(first_seed)
    return _size_sweep(r, sizes, n_seeds, methods, steps, lr, n_source, task_seed, first_seed)


def _size_sweep(r, sizes, n_seeds, methods, steps, lr, n_source, task_seed, first_seed):
    t0 = time.perf_counter()
    pre = yield from pretrain(task_seed, n_source)
    yield pre
    task = task_pair(task_seed)
    with limit_blas(1):
        baseline = pretrained_baseline(task, pre, r)
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
    methods = check_methods(methods)
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


# ------------------------------------------------------------------ statistics while a sweep streams
def sweep_stats(accuracy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, sample standard deviation and count of the finished repeats along the last axis
    of ``accuracy`` (NaN for a run not done yet). The mean is NaN where no repeat has finished,
    the standard deviation where fewer than two have."""
    acc = np.asarray(accuracy, dtype=float)
    rows = acc.reshape(-1, acc.shape[-1])
    mean = np.full(len(rows), np.nan)
    sd = np.full(len(rows), np.nan)
    n = np.isfinite(rows).sum(axis=1)
    for j, row in enumerate(rows):
        vals = row[np.isfinite(row)]
        if vals.size:
            mean[j] = vals.mean()
        if vals.size >= 2:
            sd[j] = vals.std(ddof=1)
    shape = acc.shape[:-1]
    return mean.reshape(shape), sd.reshape(shape), n.reshape(shape)


def mean_sd_text(mean: float, sd: float, n: int) -> str:
    """How a table cell reads: "…" before the first repeat, the mean after one, "mean ± sd" after more."""
    if n == 0:
        return "…"
    if n < 2:
        return "–" if not np.isfinite(mean) else f"{mean:.3f}"
    return f"{mean:.3f} ± {sd:.3f}"


class SweepTally:
    """The runs of a :func:`size_sweep` as they arrive: ``accuracy[method]`` of shape (sizes,
    seeds), NaN until a run is done, and the points in their order."""

    def __init__(self, seeds: int = SEEDS.default, sizes=DEFAULT_SIZES, methods=METHODS):
        self.sizes = check_sizes(sizes)
        self.methods = check_methods(methods)
        self.seeds = SEEDS.validate(seeds)
        self.accuracy = {m: np.full((len(self.sizes), self.seeds), np.nan) for m in self.methods}
        self.points: list[SweepPoint] = []

    @property
    def total(self) -> int:
        """How many runs the sweep makes."""
        return len(self.methods) * len(self.sizes) * self.seeds

    def add(self, point: SweepPoint) -> None:
        self.accuracy[point.method][self.sizes.index(point.size), point.seed] = point.accuracy
        self.points.append(point)

    def stats(self, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per size: mean, sd (NaN below two repeats) and number of finished repeats."""
        return sweep_stats(self.accuracy[method])

    def table(self, names: dict[str, str] | None = None) -> pd.DataFrame:
        """One row per size: "samples" and one text column per method (named by ``names``)."""
        names = names or {m: m for m in self.methods}
        columns = {"samples": list(self.sizes)}
        for m in self.methods:
            mean, sd, n = self.stats(m)
            columns[names[m]] = [mean_sd_text(mean[j], sd[j], n[j]) for j in range(len(self.sizes))]
        return pd.DataFrame(columns)


class RelatednessTally:
    """The runs of a :func:`relatedness_sweep` as they arrive: ``accuracy[relatedness, method,
    size, seed]``, NaN until a run is done."""

    def __init__(self, seeds: int, relatednesses=DEFAULT_RELATEDNESS_GRID, sizes=DEFAULT_SIZES, methods=METHODS):
        self.relatednesses = tuple(RELATEDNESS.validate(r) for r in relatednesses)
        self.sizes = check_sizes(sizes)
        self.methods = check_methods(methods)
        self.accuracy = np.full((len(self.relatednesses), len(self.methods), len(self.sizes), SEEDS.validate(seeds)),
                                np.nan)

    @property
    def total(self) -> int:
        return self.accuracy.size

    @property
    def done(self) -> int:
        return int(np.isfinite(self.accuracy).sum())

    def add(self, point: SweepPoint) -> None:
        i = self.relatednesses.index(point.relatedness)
        self.accuracy[i, self.methods.index(point.method), self.sizes.index(point.size), point.seed] = point.accuracy

    def gain(self, method: str = "fine-tune") -> np.ndarray:
        """Mean (over the seeds done) accuracy of ``method`` minus scratch, paired by seed, shape
        (relatednesses, sizes); NaN where no pair is done yet."""
        i, j = self.methods.index(method), self.methods.index("scratch")
        diff = self.accuracy[:, i] - self.accuracy[:, j]
        with np.errstate(invalid="ignore"):
            counts = np.isfinite(diff).sum(axis=-1)
            return np.where(counts > 0, np.nansum(diff, axis=-1) / np.maximum(counts, 1), np.nan)
