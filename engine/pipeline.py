"""Section 6 of the tutorial: the hands-on training pipeline on the digits, and a fair judge.

The tutorial's exercise, on ``engine.datasets.digits_split()`` (train 1149 / validation 288 /
test 360, scaled on the training part):

1. baseline ``LogisticRegression(max_iter=1000, random_state=42)``: test accuracy 0.9611;
2. ``MLPClassifier((100, 50), max_iter=200, random_state=42)`` for alpha 0.001, 0.01, 0.1, 1.0:
   validation accuracy 0.9792, 0.9792, 0.9861, 0.9896, so alpha 1.0 is chosen;
3. a *new* network with that alpha and ``early_stopping=True`` (``validation_fraction=0.1``,
   ``n_iter_no_change=10``, ``max_iter=500``): it stops after 30 iterations, validation 0.9757;
4. its test accuracy, 0.9528, is 0.83 points *below* the baseline, which the tutorial prints
   as "Improvement over baseline: -0.83%" without a word.

:func:`tutorial_steps` runs those four steps as a generator (one event per iteration of every
network, one per finished fit, one for the final comparison) and reproduces every figure.
:func:`run_pipeline` runs a pipeline of your own (logistic regression with any C, or an MLP from
scikit-learn or from :mod:`engine.nn`; early stopping on or off; several seeds; optionally
refitted on train + validation once the settings are chosen). :func:`compare` judges a
model against the baseline on the same 360 test images: accuracy difference, binomial
standard errors, the paired standard error and McNemar's exact test on the images where
exactly one of the two is right. At the tutorial's defaults that is 8 images only the baseline
gets right against 5 only the MLP gets right: p = 0.58, well within noise.

Iterations stream although scikit-learn's ``fit`` runs to the end in one call: the fit runs on
a helper thread and reports each iteration through scikit-learn's per-iteration bookkeeping
method (``_update_no_improvement_count``, overridden in a subclass) into a queue that the
generator drains. That keeps ``fit`` itself, and so the tutorial's exact numbers, untouched
(``partial_fit`` refuses ``early_stopping``, and rebuilding its internal split by hand would
depend on the order scikit-learn draws random numbers in). Closing the generator stops the
fit at its next iteration. Should a future scikit-learn stop calling that method, the
iterations are reported from ``loss_curve_`` after the fit instead.

Warnings: an MLP that reaches ``max_iter`` (Step 2's alpha 0.1 and 1.0 networks do, at 200) or
a logistic regression that reaches its limit makes scikit-learn emit a ``ConvergenceWarning``.
Nobody would see it in a GUI and this project treats warnings as errors, so exactly that class
is ignored around these fits and reported instead (``Fit.converged``; the app says "hit the
iteration limit").

BLAS: every fit runs with one BLAS thread (:func:`engine.blas.limit_blas`, which takes effect from any thread):
on this 2-core machine a threaded BLAS made scikit-learn's MLP 5-10x slower. scikit-learn is imported
inside the functions, on the thread that runs them.
"""
from __future__ import annotations

import math
import queue
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from engine.blas import limit_blas
from engine.params import Param, ParamSet

# ------------------------------------------------------------------ parameters
LOGISTIC, SK_MLP, NN_MLP = "logistic regression", "MLP (scikit-learn)", "MLP (engine.nn)"
MODELS = (LOGISTIC, SK_MLP, NN_MLP)

MODEL = Param("model", "model", SK_MLP, kind="choice", choices=MODELS,
              help="Logistic regression (the tutorial's baseline), scikit-learn's MLPClassifier "
                   "(the tutorial's network), or the same network trained by this app's numpy engine.")
C = Param("C", "C (inverse penalty)", 1.0, minimum=1e-4, maximum=1e4, log=True, decimals=4,
          help="Logistic regression's inverse L2 strength: small C = strong penalty. The baseline uses 1.")
HIDDEN1 = Param("hidden1", "hidden layer 1", 100, kind="int", minimum=1, maximum=512,
                help="Units in the first hidden layer (the tutorial: 100).")
HIDDEN2 = Param("hidden2", "hidden layer 2", 50, kind="int", minimum=0, maximum=512,
                help="Units in the second hidden layer (the tutorial: 50); 0 = only one hidden layer.")
ALPHA = Param("alpha", "alpha (L2)", 1.0, minimum=1e-6, maximum=100.0, log=True, decimals=6,
              help="The MLP's L2 penalty on the weights (scikit-learn's alpha). Step 2 chose 1.0.")
EARLY_STOPPING = Param("early_stopping", "early stopping", True, kind="bool",
                       help="Hold out a fraction of the TRAINING images and stop when their accuracy "
                            "(scikit-learn) or loss (engine.nn) stops improving. The network then "
                            "learns from fewer images.")
VALIDATION_FRACTION = Param("validation_fraction", "early-stop holdout", 0.1, minimum=0.05, maximum=0.5,
                            decimals=2,
                            help="Fraction of the training images early stopping holds out for itself "
                                 "(the tutorial: 0.1, i.e. 115 of 1149).")
N_ITER_NO_CHANGE = Param("n_iter_no_change", "patience", 10, kind="int", minimum=1, maximum=200,
                         help="Iterations without improvement before training stops (the tutorial: 10).")
MAX_ITER = Param("max_iter", "max iterations", 500, kind="int", minimum=1, maximum=2000,
                 help="Upper limit of passes over the data (the tutorial: 200 in Step 2, 500 in Step 3, "
                      "1000 for the baseline).")
SEED = Param("seed", "seed", 42, kind="int", minimum=0, maximum=2**31 - 1,
             help="Seed of the weights' initialisation, the shuffling and early stopping's holdout. "
                  "The data split stays the tutorial's.")
N_SEEDS = Param("n_seeds", "seeds", 1, kind="int", minimum=1, maximum=20,
                help="Train with this many seeds (seed, seed+1, ...) and report mean ± standard deviation: "
                     "how much of a difference is just luck.")
REFIT = Param("refit", "refit on train+val", False, kind="bool",
              help="Choose with the validation score of a network trained on the training set, then train "
                   "the same settings again on training + validation (1437 images) for the test score.")

PARAMS = ParamSet((MODEL, C, HIDDEN1, HIDDEN2, ALPHA, EARLY_STOPPING, VALIDATION_FRACTION,
                   N_ITER_NO_CHANGE, MAX_ITER, SEED, N_SEEDS, REFIT))
MLP_ONLY = ("hidden1", "hidden2", "alpha", "early_stopping", "validation_fraction", "n_iter_no_change")
LOGISTIC_ONLY = ("C",)

# the tutorial's settings
TUTORIAL_ALPHAS = (0.001, 0.01, 0.1, 1.0)
TUTORIAL_HIDDEN = (100, 50)
TUTORIAL_SEED = 42
BASELINE_SETTINGS = {"model": LOGISTIC, "C": 1.0, "max_iter": 1000, "seed": TUTORIAL_SEED}
STEP2_SETTINGS = {"model": SK_MLP, "hidden1": 100, "hidden2": 50, "early_stopping": False, "max_iter": 200,
                  "seed": TUTORIAL_SEED}
STEP3_SETTINGS = {"model": SK_MLP, "hidden1": 100, "hidden2": 50, "early_stopping": True,
                  "validation_fraction": 0.1, "n_iter_no_change": 10, "max_iter": 500, "seed": TUTORIAL_SEED}
STEP_TITLES = {1: "Step 1: baseline", 2: "Step 2: choose alpha", 3: "Step 3: final model",
               4: "Step 4: test"}

NN_LEARNING_RATE = 0.001   # scikit-learn's learning_rate_init, with Adam as scikit-learn's default solver
NN_BATCH = 200             # scikit-learn's batch_size="auto": min(200, n_samples)
SIGNIFICANCE = 0.05


# ------------------------------------------------------------------ events and results
@dataclass(frozen=True)
class StepStarted:
    """A step of :func:`tutorial_steps` begins; ``fits`` networks/models will be trained in it."""
    step: int
    title: str
    fits: int


@dataclass(frozen=True)
class Iteration:
    """One pass over the training data of one network (iterations count from 1)."""
    step: int            # 1-3 in the tutorial, 0 for your own pipelines
    label: str           # which pipeline
    seed: int
    phase: str           # "fit", or "refit" for the refit on train + validation
    iteration: int
    max_iter: int
    loss: float          # training loss of the pass, L2 penalty included (scikit-learn's loss_curve_)
    holdout_score: float | None = None   # early stopping's own validation: accuracy (scikit-learn) or loss (engine.nn)


@dataclass(frozen=True, eq=False)
class Fit:
    """One model trained with one seed, and its scores."""
    seed: int
    train_accuracy: float
    val_accuracy: float
    test_accuracy: float
    n_iter: int
    converged: bool          # False: stopped at max_iter (scikit-learn's ConvergenceWarning, handled)
    stopped_early: bool      # early stopping ended the run
    seconds: float
    test_predictions: np.ndarray
    loss_curve: tuple[float, ...] = ()
    refit: bool = False      # test_* come from a refit on train + validation
    trained_on: int = 0      # images the final weights were trained on (early stopping's holdout excluded)
    available: int = 0       # images the pipeline had for training (train, or train + validation on a refit)
    n_val: int = 0           # validation images behind val_accuracy


@dataclass(frozen=True)
class Comparison:
    """A model against the baseline on the same test images (see :func:`compare`)."""
    n: int
    baseline_accuracy: float
    accuracy: float
    only_baseline_right: int     # McNemar's b: images the baseline gets right and the model wrong
    only_model_right: int        # McNemar's c
    se_baseline: float           # binomial standard error of each accuracy, sqrt(p (1 - p) / n)
    se_model: float
    se_difference: float         # paired standard error of the difference
    mcnemar_p: float             # exact two-sided McNemar test (binomial on the b + c disagreements)

    @property
    def difference(self) -> float:
        return self.accuracy - self.baseline_accuracy

    @property
    def difference_images(self) -> int:
        return self.only_model_right - self.only_baseline_right

    @property
    def verdict(self) -> str:
        d = self.difference_images
        return "better" if d > 0 else "worse" if d < 0 else "same"

    @property
    def significant(self) -> bool:
        return self.mcnemar_p < SIGNIFICANCE

    def sentence(self) -> str:
        """The comparison in one plain sentence."""
        d = self.difference_images
        if d == 0:
            head = f"The same test accuracy as the baseline ({self.accuracy:.4f})"
        else:
            head = (f"{'Better' if d > 0 else 'Worse'} than the baseline by {abs(self.difference) * 100:.2f} points "
                    f"({abs(d)} of {self.n} test images)")
        noise = ("a difference this large is unlikely to be luck" if self.significant else "within noise")
        return (f"{head}: {self.only_model_right} images only this model gets right, {self.only_baseline_right} only "
                f"the baseline; McNemar p = {self.mcnemar_p:.2f}, {noise}. One standard error of a test accuracy "
                f"here is ±{self.se_baseline * 100:.1f} points.")


@dataclass(frozen=True, eq=False)
class PipelineResult:
    """A finished pipeline: one :class:`Fit` per seed, compared with the baseline."""
    step: int                    # 1-3: the tutorial's steps; 0: yours
    label: str
    settings: dict
    fits: tuple[Fit, ...]
    comparison: Comparison | None = None     # first seed against the baseline (None for the baseline)
    differences: tuple[float, ...] = ()      # test accuracy minus the baseline's, per seed

    def _stat(self, name, fn):
        return float(fn([getattr(f, name) for f in self.fits]))

    @property
    def val_mean(self) -> float:
        return self._stat("val_accuracy", np.mean)

    @property
    def val_std(self) -> float:
        return self._stat("val_accuracy", lambda v: np.std(v, ddof=1) if len(v) > 1 else 0.0)

    @property
    def test_mean(self) -> float:
        return self._stat("test_accuracy", np.mean)

    @property
    def test_std(self) -> float:
        return self._stat("test_accuracy", lambda v: np.std(v, ddof=1) if len(v) > 1 else 0.0)

    @property
    def n_seeds(self) -> int:
        return len(self.fits)

    @property
    def n_iter(self) -> float:
        return self._stat("n_iter", np.mean)

    @property
    def seconds(self) -> float:
        return self._stat("seconds", np.sum)

    @property
    def converged(self) -> bool:
        return all(f.converged for f in self.fits)

    @property
    def refit(self) -> bool:
        return bool(self.settings.get("refit", False))


@dataclass(frozen=True)
class Evaluation:
    """Step 4: the final model against the baseline on the test set."""
    baseline: PipelineResult
    final: PipelineResult
    comparison: Comparison

    @property
    def improvement_percent(self) -> float:
        """What the tutorial prints as "Improvement over baseline" (percentage points)."""
        return self.comparison.difference * 100


@dataclass(frozen=True)
class TutorialResult:
    baseline: PipelineResult
    alphas: tuple[PipelineResult, ...]
    best_alpha: float
    final: PipelineResult
    evaluation: Evaluation


# ------------------------------------------------------------------ statistics
def binomial_se(accuracy, n) -> float:
    """Standard error of an accuracy measured on ``n`` independent images: sqrt(p (1 - p) / n)."""
    n = Param("n (the number of test images)", "test images", 1, kind="int", minimum=1).validate(n)
    accuracy = Param("accuracy", "accuracy", 0.5, minimum=0.0, maximum=1.0).validate(accuracy)
    return math.sqrt(accuracy * (1.0 - accuracy) / n)


def mcnemar_exact(b, c) -> float:
    """Two-sided exact McNemar p-value for ``b`` and ``c`` discordant pairs.

    Under "both models are equally good", each of the ``b + c`` images on which they disagree is
    equally likely to favour either, so ``min(b, c)`` is Binomial(b + c, 1/2):
    ``p = min(1, 2 P(X <= min(b, c)))``. No disagreement at all gives p = 1.
    """
    b = Param("b", "images only the first model gets right", 0, kind="int", minimum=0).validate(b)
    c = Param("c", "images only the second model gets right", 0, kind="int", minimum=0).validate(c)
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    tail = sum(math.comb(n, i) for i in range(k + 1))
    return min(1.0, 2.0 * tail / 2.0 ** n)


def _labels(name, values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of class labels, got shape {arr.shape}")
    return arr


def compare(y_true, baseline_pred, model_pred) -> Comparison:
    """Judge ``model_pred`` against ``baseline_pred`` on the same test images ``y_true``.

    The paired standard error of the accuracy difference d = (c - b) / n is
    sqrt(((b + c) / n - d^2) / n): only the images where the two disagree carry information.
    """
    y = _labels("y_true", y_true)
    a = _labels("baseline_pred", baseline_pred)
    m = _labels("model_pred", model_pred)
    if not (len(y) == len(a) == len(m)):
        raise ValueError(f"y_true, baseline_pred and model_pred must have the same length, got {len(y)}, "
                         f"{len(a)} and {len(m)}")
    n = len(y)
    right_a, right_m = a == y, m == y
    b = int(np.sum(right_a & ~right_m))
    c = int(np.sum(~right_a & right_m))
    acc_a, acc_m = float(np.mean(right_a)), float(np.mean(right_m))
    d = (c - b) / n
    se_d = math.sqrt(max((b + c) / n - d * d, 0.0) / n)
    return Comparison(n=n, baseline_accuracy=acc_a, accuracy=acc_m, only_baseline_right=b, only_model_right=c,
                      se_baseline=binomial_se(acc_a, n), se_model=binomial_se(acc_m, n), se_difference=se_d,
                      mcnemar_p=mcnemar_exact(b, c))


def best_by_validation(results) -> int | None:
    """Index of the result with the highest mean validation accuracy (the earliest on ties).

    Ties are NOT broken by test accuracy: that would be choosing on the test set.
    """
    best, best_val = None, -math.inf
    for i, r in enumerate(results):
        if r.val_mean > best_val + 1e-12:
            best, best_val = i, r.val_mean
    return best


def picked_by_test(results, index) -> bool:
    """Would picking ``results[index]`` only make sense by looking at test accuracy?

    True when another result has a strictly higher validation accuracy but a lower test
    accuracy: nothing but the test score recommends this pick over that one.
    """
    if index is None or not 0 <= index < len(results):
        return False
    pick = results[index]
    return any(r.val_mean > pick.val_mean + 1e-12 and r.test_mean < pick.test_mean - 1e-12 for r in results)


# ------------------------------------------------------------------ settings
def validate_settings(settings: dict) -> dict:
    """Complete ``settings`` with the defaults and check every value (ValueError names the bad one)."""
    return PARAMS.validate(dict(settings))


def hidden_layers(settings: dict) -> tuple[int, ...]:
    return (settings["hidden1"],) + ((settings["hidden2"],) if settings["hidden2"] > 0 else ())


def describe(settings: dict) -> str:
    """A short label such as "MLP (100, 50), alpha 1, early stop" or "logistic, C 0.3"."""
    s = validate_settings(settings)
    if s["model"] == LOGISTIC:
        text = f"logistic, C {s['C']:g}"
    else:
        layers = ", ".join(str(h) for h in hidden_layers(s))
        engine = "nn " if s["model"] == NN_MLP else ""
        text = f"{engine}MLP ({layers}), alpha {s['alpha']:g}"
        if s["early_stopping"]:
            text += ", early stop"
            if s["validation_fraction"] != VALIDATION_FRACTION.default:
                text += f" {s['validation_fraction']:g}"
    if s["max_iter"] != MAX_ITER.default:
        text += f", max {s['max_iter']}"
    if s["refit"]:
        text += ", refit"
    return text


def _digits(data):
    if data is None:
        from engine.datasets import digits_split
        data = digits_split()
    if getattr(data, "X_val", None) is None:
        raise ValueError("data must be a split with a validation set, such as engine.datasets.digits_split()")
    return data


# ------------------------------------------------------------------ fitting
@contextmanager
def _convergence_handled():
    """Ignore scikit-learn's ConvergenceWarning only (see the module doc): callers report it."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


class _Cancelled(Exception):
    """Raised inside a scikit-learn fit on its helper thread when the generator was closed."""


_DONE = object()


@lru_cache(maxsize=1)
def _streaming_mlp_class():
    from sklearn.neural_network import MLPClassifier

    class StreamingMLPClassifier(MLPClassifier):
        """MLPClassifier that calls ``self._on_iteration(self)`` after every iteration's bookkeeping."""

        def _update_no_improvement_count(self, *args, **kwargs):
            super()._update_no_improvement_count(*args, **kwargs)
            hook = self.__dict__.get("_on_iteration")
            if hook is not None:
                hook(self)

    return StreamingMLPClassifier


def _sklearn_mlp(X, y, s, seed, step, label, phase):
    """Fit scikit-learn's MLP on a helper thread, yielding an Iteration per pass; returns the model."""
    cls = _streaming_mlp_class()
    model = cls(hidden_layer_sizes=hidden_layers(s), alpha=s["alpha"], max_iter=s["max_iter"],
                early_stopping=s["early_stopping"], validation_fraction=s["validation_fraction"],
                n_iter_no_change=s["n_iter_no_change"], random_state=seed)
    inbox: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()
    reported = [0]

    def on_iteration(m):
        if stop.is_set():
            raise _Cancelled()
        scores = getattr(m, "validation_scores_", None)
        holdout = float(scores[-1]) if s["early_stopping"] and scores else None
        inbox.put(Iteration(step, label, seed, phase, len(m.loss_curve_), s["max_iter"],
                            float(m.loss_curve_[-1]), holdout))

    model._on_iteration = on_iteration

    def run():
        try:
            with _convergence_handled(), limit_blas(1):
                model.fit(X, y)
            inbox.put(_DONE)
        except BaseException as exc:  # handed to the generator's thread, which raises it
            inbox.put(exc)

    helper = threading.Thread(target=run, name="pipeline-fit", daemon=True)
    helper.start()
    try:
        while True:
            item = inbox.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            reported[0] = item.iteration
            yield item
    finally:
        stop.set()        # a closed generator stops the fit at its next iteration
        helper.join()
    del model._on_iteration
    # a scikit-learn that no longer calls the hook: report the iterations from the loss curve
    scores = list(getattr(model, "validation_scores_", None) or [])
    for i in range(reported[0], len(model.loss_curve_)):
        holdout = float(scores[i]) if s["early_stopping"] and i < len(scores) else None
        yield Iteration(step, label, seed, phase, i + 1, s["max_iter"], float(model.loss_curve_[i]), holdout)
    stopped_early = bool(s["early_stopping"] and model.n_iter_ < s["max_iter"])
    trained_on = len(X) - (_holdout_size(len(X), s["validation_fraction"]) if s["early_stopping"] else 0)
    return model, int(model.n_iter_), model.n_iter_ < s["max_iter"], stopped_early, list(model.loss_curve_), trained_on


def _holdout_size(n, fraction) -> int:
    return int(math.ceil(fraction * n))  # train_test_split's rule for a float test_size


def _nn_mlp(X, y, s, seed, step, label, phase):
    """The same network trained by engine.nn (Adam, lr 0.001, batches of 200: scikit-learn's defaults)."""
    from engine import nn
    from engine.early_stopping import EarlyStopping
    from engine.optimizers import Adam

    X_fit, y_fit, X_hold, y_hold, stopper = X, y, None, None, None
    if s["early_stopping"]:
        from sklearn.model_selection import train_test_split
        X_fit, X_hold, y_fit, y_hold = train_test_split(X, y, test_size=s["validation_fraction"],
                                                        random_state=seed, stratify=y)
        stopper = EarlyStopping(patience=s["n_iter_no_change"], min_delta=0.0, restore_best=True)
    n_classes = int(np.max(y)) + 1
    net = nn.MLP([X.shape[1], *hidden_layers(s), n_classes], activation="relu", output="softmax",
                 l2=s["alpha"], seed=seed, init="glorot")
    gen = nn.train(net, X_fit, y_fit, Adam(lr=NN_LEARNING_RATE), epochs=s["max_iter"],
                   batch_size=min(NN_BATCH, len(X_fit)), X_val=X_hold, y_val=y_hold, early_stopping=stopper,
                   seed=seed, score_train=False)
    while True:
        try:
            with limit_blas(1):
                e = next(gen)
        except StopIteration as done:
            result = done.value
            break
        yield Iteration(step, label, seed, phase, e.epoch + 1, s["max_iter"], float(e.train_loss),
                        None if e.val_loss is None else float(e.val_loss))
    if result.diverged:
        raise ValueError(f"the engine.nn network diverged ({result.reason}): try a smaller alpha")
    n_iter = result.epochs_run
    return net, n_iter, result.stopped_early or n_iter < s["max_iter"], result.stopped_early, \
        [e.train_loss for e in result.history], len(X_fit)


def _logistic(X, y, s, seed):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=s["C"], max_iter=s["max_iter"], random_state=seed)
    with _convergence_handled(), limit_blas(1):
        model.fit(X, y)
    n_iter = int(np.max(model.n_iter_))
    return model, n_iter, n_iter < s["max_iter"], False, [], len(X)


def _train_model(X, y, s, seed, step, label, phase):
    """Generator: Iteration events of one fit; returns (model, n_iter, converged, stopped_early, losses, n_trained)."""
    if s["model"] == LOGISTIC:
        yield from ()
        return _logistic(X, y, s, seed)
    if s["model"] == SK_MLP:
        return (yield from _sklearn_mlp(X, y, s, seed, step, label, phase))
    return (yield from _nn_mlp(X, y, s, seed, step, label, phase))


def _fit_one(data, s, seed, step, label):
    """One seed of a pipeline: fit (and refit), score; yields Iterations, returns a Fit."""
    start = time.perf_counter()
    model, n_iter, converged, stopped_early, losses, n_trained = yield from _train_model(
        data.X_train, data.y_train, s, seed, step, label, "fit")
    val = float(model.score(data.X_val, data.y_val))
    train = float(model.score(data.X_train, data.y_train))
    if s["refit"]:
        X_all = np.concatenate([data.X_train, data.X_val])
        y_all = np.concatenate([data.y_train, data.y_val])
        model, n_iter, converged, stopped_early, losses, n_trained = yield from _train_model(
            X_all, y_all, s, seed, step, label, "refit")
    pred = np.asarray(model.predict(data.X_test))
    pred.setflags(write=False)
    return Fit(seed=seed, train_accuracy=train, val_accuracy=val,
               test_accuracy=float(np.mean(pred == data.y_test)), n_iter=n_iter, converged=bool(converged),
               stopped_early=bool(stopped_early), seconds=time.perf_counter() - start, test_predictions=pred,
               loss_curve=tuple(float(v) for v in losses), refit=s["refit"], trained_on=int(n_trained),
               available=len(data.X_train) + (len(data.X_val) if s["refit"] else 0), n_val=len(data.X_val))


def _pipeline(data, s, step, label, baseline_pred):
    fits = []
    for k in range(s["n_seeds"]):
        fits.append((yield from _fit_one(data, s, s["seed"] + k, step, label)))
    comparison, diffs = None, ()
    if baseline_pred is not None:
        comparison = compare(data.y_test, baseline_pred, fits[0].test_predictions)
        base_acc = float(np.mean(np.asarray(baseline_pred) == data.y_test))
        diffs = tuple(f.test_accuracy - base_acc for f in fits)
    return PipelineResult(step=step, label=label, settings=dict(s), fits=tuple(fits), comparison=comparison,
                          differences=diffs)


def fit_baseline(data=None) -> PipelineResult:
    """Step 1: the tutorial's LogisticRegression(max_iter=1000, random_state=42); about 50 ms."""
    data = _digits(data)
    s = validate_settings(BASELINE_SETTINGS)
    gen = _pipeline(data, s, 1, "step 1: logistic, C 1 (baseline)", None)
    while True:
        try:
            next(gen)
        except StopIteration as done:
            return done.value


def run_pipeline(settings: dict | None = None, data=None, baseline: PipelineResult | None = None, **kwargs):
    """Train a pipeline of your own; a generator of :class:`Iteration` and one :class:`PipelineResult`.

    ``settings`` (and/or keyword arguments) are the names of :data:`PARAMS`; missing ones take
    their defaults. Every seed's model is scored on validation and test and compared with the
    ``baseline`` (fitted here when not given). The arguments are checked at the call; scikit-learn
    is imported and training starts at the first ``next()``. The PipelineResult is yielded as the
    last event and also returned.
    """
    s = validate_settings({**(settings or {}), **kwargs})
    if baseline is not None and not isinstance(baseline, PipelineResult):
        raise ValueError("baseline must be the PipelineResult of fit_baseline()")
    return _run_pipeline(data, s, baseline)


def _run_pipeline(data, s, baseline):
    data = _digits(data)
    if baseline is None:
        baseline = fit_baseline(data)
    result = yield from _pipeline(data, s, 0, describe(s), baseline.fits[0].test_predictions)
    yield result
    return result


def tutorial_steps(data=None):
    """The tutorial's four steps; a generator of StepStarted, Iteration, PipelineResult and Evaluation.

    Returns a :class:`TutorialResult`. About 2-3 s with one BLAS thread (the tutorial's notebook
    spent 4.3 s in Step 2 alone).
    """
    if data is not None:
        _digits(data)
    return _tutorial(data)


def _tutorial(data):
    data = _digits(data)
    yield StepStarted(1, STEP_TITLES[1], 1)
    baseline = fit_baseline(data)
    yield baseline
    base_pred = baseline.fits[0].test_predictions

    yield StepStarted(2, STEP_TITLES[2], len(TUTORIAL_ALPHAS))
    alphas = []
    for alpha in TUTORIAL_ALPHAS:
        s = validate_settings({**STEP2_SETTINGS, "alpha": alpha})
        result = yield from _pipeline(data, s, 2, f"step 2: MLP, alpha {alpha:g}", base_pred)
        alphas.append(result)
        yield result
    # the tutorial's loop: strictly greater validation accuracy replaces the best
    best = alphas[best_by_validation(alphas)]
    best_alpha = best.settings["alpha"]

    yield StepStarted(3, STEP_TITLES[3], 1)
    s = validate_settings({**STEP3_SETTINGS, "alpha": best_alpha})
    final = yield from _pipeline(data, s, 3, f"step 3: MLP, alpha {best_alpha:g}, early stop", base_pred)
    yield final

    yield StepStarted(4, STEP_TITLES[4], 0)
    evaluation = Evaluation(baseline=baseline, final=final, comparison=final.comparison)
    yield evaluation
    return TutorialResult(baseline=baseline, alphas=tuple(alphas), best_alpha=best_alpha, final=final,
                          evaluation=evaluation)

