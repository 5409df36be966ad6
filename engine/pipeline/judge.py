"""The fair judge: McNemar's exact test, the comparison with the baseline, choosing on validation,
and the tables and rows the app shows (so that a panel only draws)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.params import Param
from engine.pipeline.results import BaselineComparison, PipelineResult, binomial_se


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
    # log-space sum: 2.0 ** n and C(n, i) overflow a float once n reaches 1024
    i = np.arange(1, k + 1, dtype=float)
    log_comb = np.concatenate(([0.0], np.cumsum(np.log(n - i + 1) - np.log(i))))   # log C(n, i), i = 0..k
    top = float(log_comb.max())
    log_tail = top + math.log(float(np.sum(np.exp(log_comb - top)))) - n * math.log(2.0)
    return min(1.0, 2.0 * math.exp(log_tail))


def _labels(name, values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of class labels, got shape {arr.shape}")
    return arr


def compare(y_true, baseline_pred, model_pred) -> BaselineComparison:
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
    return BaselineComparison(n=n, baseline_accuracy=acc_a, accuracy=acc_m, only_baseline_right=b,
                              only_model_right=c, se_baseline=binomial_se(acc_a, n), se_model=binomial_se(acc_m, n),
                              se_difference=se_d, mcnemar_p=mcnemar_exact(b, c))


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


# ------------------------------------------------------------------ what the app shows
@dataclass(frozen=True)
class AccuracyRow:
    """One row of the test-accuracy comparison: a test accuracy with its binomial standard error."""
    name: str                 # "baseline", "tutorial" or "your pick"
    accuracy: float
    se: float
    verdict: str | None       # the pipeline's verdict against the baseline (None: the baseline)
    seeds: tuple[float, ...] = ()   # every seed's test accuracy when there are several


def accuracy_rows(baseline: PipelineResult | None = None, final: PipelineResult | None = None,
                  pick: PipelineResult | None = None) -> list[AccuracyRow]:
    """The baseline, the tutorial's final model and your pick (when it is neither), bottom to top.

    The baseline's accuracy is the one the comparisons were made against; the pick's standard
    error is that of its mean test accuracy on the same test images; every verdict is the
    pipeline's own (:attr:`PipelineResult.verdict`).
    """
    picked = pick is not None and pick.comparison is not None
    ref = pick if picked else final
    rows = []
    if ref is not None and ref.comparison is not None:
        base_acc, n = ref.comparison.baseline_accuracy, ref.comparison.n
    elif baseline is not None:
        base_acc, n = baseline.test_mean, len(baseline.fits[0].test_predictions)
    else:
        base_acc = n = None
    if base_acc is not None:
        rows.append(AccuracyRow("baseline", base_acc, binomial_se(base_acc, n), None))
    if final is not None and final.comparison is not None:
        c = final.comparison
        rows.append(AccuracyRow("tutorial", c.accuracy, c.se_model, c.verdict))
    if picked and pick is not final:
        seeds = tuple(f.test_accuracy for f in pick.fits) if pick.n_seeds > 1 else ()
        rows.append(AccuracyRow("your pick", pick.test_mean, binomial_se(min(max(pick.test_mean, 0.0), 1.0),
                                                                         pick.comparison.n),
                                pick.verdict, seeds))
    return rows


RESULT_COLUMNS = ("#", "pipeline", "seeds", "validation", "validation sd", "test", "test sd", "Δ test",
                  "Δ images", "McNemar p", "iter.", "iteration limit", "s", "verdict")


def results_frame(results, numbers=None):
    """The results as a pandas DataFrame (one row per pipeline, in the order given).

    ``numbers``: the run number of each result (default 1, 2, ...). "Δ test" is the mean over seeds
    of test accuracy minus the baseline's, in percentage points; "Δ images" and "McNemar p" are
    the first seed's comparison; the baseline's Δ, p and verdict are missing (NaN / None)."""
    import pandas as pd

    results = list(results)
    numbers = list(range(1, len(results) + 1)) if numbers is None else list(numbers)
    rows = []
    for number, r in zip(numbers, results):
        c = r.comparison
        rows.append((number, r.label, r.n_seeds, r.val_mean, r.val_std, r.test_mean, r.test_std,
                     math.nan if c is None else r.difference_mean * 100, None if c is None else c.difference_images,
                     math.nan if c is None else c.mcnemar_p, r.n_iter, not r.converged, r.seconds, r.verdict))
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
