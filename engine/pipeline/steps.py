"""The pipeline's jobs: the tutorial's four steps and a pipeline of your own (generators), and
the baseline they are compared with."""
from __future__ import annotations

import numpy as np

from engine.stream import drain
from engine.pipeline.fitting import fit_one
from engine.pipeline.judge import best_by_validation, compare
from engine.pipeline.results import Evaluation, PipelineResult, StepStarted, TutorialResult
from engine.pipeline.settings import (BASELINE_SETTINGS, STEP2_SETTINGS, STEP3_SETTINGS, STEP_TITLES, TUTORIAL_ALPHAS,
                                      describe, digits_data, validate_settings)


def _pipeline(data, s, step, label, baseline_pred):
    fits = []
    for k in range(s["n_seeds"]):
        fits.append((yield from fit_one(data, s, s["seed"] + k, step, label)))
    comparison, diffs = None, ()
    if baseline_pred is not None:
        comparison = compare(data.y_test, baseline_pred, fits[0].test_predictions)
        base_acc = float(np.mean(np.asarray(baseline_pred) == data.y_test))
        diffs = tuple(f.test_accuracy - base_acc for f in fits)
    return PipelineResult(step=step, label=label, settings=dict(s), fits=tuple(fits), comparison=comparison,
                          differences=diffs)


def fit_baseline(data=None) -> PipelineResult:
    """Step 1: the tutorial's LogisticRegression(max_iter=1000, random_state=42); about 50 ms."""
    data = digits_data(data)
    s = validate_settings(BASELINE_SETTINGS)
    _, result = drain(_pipeline(data, s, 1, "step 1: logistic, C 1 (baseline)", None))
    return result


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
    data = digits_data(data)
    if baseline is None:
        baseline = fit_baseline(data)
    result = yield from _pipeline(data, s, 0, describe(s), baseline.fits[0].test_predictions)
    yield result
    return result


BASELINE_LABEL = "baseline: logistic, C 1"


def run_on_data(settings: dict | None, data, baseline: PipelineResult | None = None):
    """Your pipeline on data of your own (a split with a validation set, e.g. ``load_csv(...).split``).

    When ``baseline`` is None the tutorial's baseline is fitted on ``data`` first and yielded (a
    PipelineResult of step 1, labelled "baseline: ..."); then :func:`run_pipeline`'s events follow.
    Returns the pipeline's PipelineResult.
    """
    s = validate_settings(settings or {})
    data = digits_data(data)
    if baseline is not None and not isinstance(baseline, PipelineResult):
        raise ValueError("baseline must be a PipelineResult fitted on the same data")
    return _run_on_data(data, s, baseline)


def _run_on_data(data, s, baseline):
    if baseline is None:
        baseline = yield from _pipeline(data, validate_settings(BASELINE_SETTINGS), 1, BASELINE_LABEL, None)
        yield baseline
    return (yield from _run_pipeline(data, s, baseline))


def tutorial_steps(data=None):
    """The tutorial's four steps; a generator of StepStarted, Iteration, PipelineResult and Evaluation.

    Returns a :class:`TutorialResult`. About 2-3 s with one BLAS thread (the tutorial's notebook
    spent 4.3 s in Step 2 alone).
    """
    if data is not None:
        digits_data(data)
    return _tutorial(data)


def _tutorial(data):
    data = digits_data(data)
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

