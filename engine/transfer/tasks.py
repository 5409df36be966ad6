"""The two tasks of the transfer lab: a source rule, an independent rule and their mix at any
relatedness (see the package's docstring), with the settings every job of the lab shares."""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from engine.arrays import readonly
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
            teachers.append(Teacher(readonly(W), readonly(v)))
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
        self.X_test = readonly(rng.normal(size=(N_TEST, N_FEATURES)))
        self.X_source_test = readonly(rng.normal(size=(N_TEST, N_FEATURES)))
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
