"""What the pipeline's jobs yield and return: events, fits, results, the comparison with the baseline.

The verdict ("better", "worse" or "same" than the baseline) is defined here, once:
:attr:`BaselineComparison.verdict` (the sign of the images only the model gets right minus those
only the baseline gets right, on the first seed's test predictions: the images McNemar's test
judges). :attr:`PipelineResult.verdict` is that verdict for a whole pipeline; the app colours
its verdict box, its table and its plot by it and by nothing else.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.params import Param

SIGNIFICANCE = 0.05
BETTER, WORSE, SAME = "better", "worse", "same"


def binomial_se(accuracy, n) -> float:
    """Standard error of an accuracy measured on ``n`` independent images: sqrt(p (1 - p) / n)."""
    n = Param("n (the number of test images)", "test images", 1, kind="int", minimum=1).validate(n)
    accuracy = Param("accuracy", "accuracy", 0.5, minimum=0.0, maximum=1.0).validate(accuracy)
    return math.sqrt(accuracy * (1.0 - accuracy) / n)


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
    #: the model's class probabilities on the test set (rows: test images, columns: classes 0..k-1),
    #: read-only; None for a Fit made without them (what the mistakes view reads)
    test_probabilities: np.ndarray | None = None

    @property
    def held_out(self) -> int:
        """Training images early stopping kept for its own check."""
        return self.available - self.trained_on


@dataclass(frozen=True)
class BaselineComparison:
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
        """"better", "worse" or "same": the one verdict of the app (see the module's docstring)."""
        d = self.difference_images
        return BETTER if d > 0 else WORSE if d < 0 else SAME

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


def _spread(values) -> float:
    return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0


@dataclass(frozen=True, eq=False)
class PipelineResult:
    """A finished pipeline: one :class:`Fit` per seed, compared with the baseline."""
    step: int                    # 1-3: the tutorial's steps; 0: yours
    label: str
    settings: dict
    fits: tuple[Fit, ...]
    comparison: BaselineComparison | None = None   # first seed against the baseline (None for the baseline)
    differences: tuple[float, ...] = ()            # test accuracy minus the baseline's, per seed

    def _values(self, name) -> list:
        return [getattr(f, name) for f in self.fits]

    @property
    def val_mean(self) -> float:
        return float(np.mean(self._values("val_accuracy")))

    @property
    def val_std(self) -> float:
        return _spread(self._values("val_accuracy"))

    @property
    def val_se(self) -> float:
        """Binomial standard error of the mean validation accuracy on the validation images."""
        return binomial_se(min(max(self.val_mean, 0.0), 1.0), max(self.fits[0].n_val, 1))

    @property
    def test_mean(self) -> float:
        return float(np.mean(self._values("test_accuracy")))

    @property
    def test_std(self) -> float:
        return _spread(self._values("test_accuracy"))

    @property
    def n_seeds(self) -> int:
        return len(self.fits)

    @property
    def n_iter(self) -> float:
        return float(np.mean(self._values("n_iter")))

    @property
    def seconds(self) -> float:
        return float(np.sum(self._values("seconds")))

    @property
    def converged(self) -> bool:
        return all(f.converged for f in self.fits)

    @property
    def refit(self) -> bool:
        return bool(self.settings.get("refit", False))

    @property
    def verdict(self) -> str | None:
        """The comparison's verdict ("better", "worse", "same"); None for the baseline itself."""
        return None if self.comparison is None else self.comparison.verdict

    @property
    def difference_mean(self) -> float:
        """Mean over seeds of test accuracy minus the baseline's (0 for the baseline itself)."""
        return float(np.mean(self.differences)) if self.differences else 0.0

    @property
    def difference_std(self) -> float:
        return _spread(self.differences)

    @property
    def seeds_better(self) -> int:
        """How many seeds beat the baseline's test accuracy."""
        return sum(d > 0 for d in self.differences)


@dataclass(frozen=True)
class Evaluation:
    """Step 4: the final model against the baseline on the test set."""
    baseline: PipelineResult
    final: PipelineResult
    comparison: BaselineComparison

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
