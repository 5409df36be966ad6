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
model against the baseline on the same 360 test images (:class:`BaselineComparison`): accuracy difference, binomial
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

Modules: :mod:`~engine.pipeline.settings` (the parameters and the tutorial's settings),
:mod:`~engine.pipeline.results` (events, results and the one verdict), :mod:`~engine.pipeline.judge`
(statistics, choosing on validation, the rows and tables the app shows), :mod:`~engine.pipeline.fitting`
(one model, one seed), :mod:`~engine.pipeline.steps` (the jobs), :mod:`~engine.pipeline.mistakes` (the
confusion matrix and the misclassified test images against the baseline) and
:mod:`~engine.pipeline.user_data` (a CSV of your own: checks in words, the same split). Everything public is
re-exported here: ``from engine import pipeline as P`` then ``P.tutorial_steps()``.

BLAS: every fit runs with one BLAS thread (:func:`engine.blas.limit_blas`, which takes effect from any thread):
on this 2-core machine a threaded BLAS made scikit-learn's MLP 5-10x slower. scikit-learn is imported
inside the functions, on the thread that runs them.
"""
from engine.pipeline.fitting import FIT_THREAD, fit_one, streaming_mlp_class
from engine.pipeline.judge import (RESULT_COLUMNS, AccuracyRow, accuracy_rows, best_by_validation, compare,
                                   mcnemar_exact, picked_by_test, results_frame)
from engine.pipeline.results import (BETTER, SAME, SIGNIFICANCE, WORSE, BaselineComparison, Evaluation, Fit, Iteration,
                                     PipelineResult, StepStarted, TutorialResult, binomial_se)
from engine.pipeline.settings import (ALPHA, BASELINE_SETTINGS, C, EARLY_STOPPING, EARLY_STOPPING_ONLY, HIDDEN1,
                                      HIDDEN2, LOGISTIC, LOGISTIC_ONLY, MAX_ITER, MLP_ONLY, MODEL, MODELS,
                                      N_ITER_NO_CHANGE, N_SEEDS, NN_BATCH, NN_LEARNING_RATE, NN_MLP, PARAMS, REFIT, SEED, SK_MLP,
                                      STEP2_SETTINGS, STEP3_ITERATIONS, STEP3_SETTINGS, STEP_TITLES, TUTORIAL_ALPHAS,
                                      TUTORIAL_HIDDEN, TUTORIAL_SEED, VALIDATION_FRACTION, describe, digits_data,
                                      early_stopping_on, hidden_layers, holdout_size, validate_settings)
from engine.pipeline.mistakes import Mistake, Mistakes, confusion, mistakes, pipeline_mistakes, test_images
from engine.pipeline.steps import BASELINE_LABEL, fit_baseline, run_on_data, run_pipeline, tutorial_steps
from engine.pipeline.user_data import CsvTable, UserData, load_csv, read_csv

__all__ = ["FIT_THREAD", "fit_one", "streaming_mlp_class", "RESULT_COLUMNS", "AccuracyRow", "accuracy_rows",
           "best_by_validation", "compare", "mcnemar_exact", "picked_by_test", "results_frame", "BETTER", "SAME",
           "SIGNIFICANCE", "WORSE", "BaselineComparison", "Evaluation", "Fit", "Iteration", "PipelineResult",
           "StepStarted", "TutorialResult", "binomial_se", "ALPHA", "BASELINE_SETTINGS", "C", "EARLY_STOPPING",
           "EARLY_STOPPING_ONLY", "HIDDEN1", "HIDDEN2", "LOGISTIC", "LOGISTIC_ONLY", "MAX_ITER", "MLP_ONLY", "MODEL",
           "MODELS", "N_ITER_NO_CHANGE", "N_SEEDS", "NN_BATCH", "NN_LEARNING_RATE", "NN_MLP", "PARAMS", "REFIT",
           "SEED", "SK_MLP", "STEP2_SETTINGS", "STEP3_ITERATIONS", "STEP3_SETTINGS", "STEP_TITLES",
           "TUTORIAL_ALPHAS", "TUTORIAL_HIDDEN", "TUTORIAL_SEED", "VALIDATION_FRACTION", "describe", "digits_data",
           "early_stopping_on", "hidden_layers", "holdout_size", "validate_settings", "fit_baseline", "run_pipeline",
           "tutorial_steps", "Mistake", "Mistakes", "confusion", "mistakes", "pipeline_mistakes", "test_images",
           "BASELINE_LABEL", "run_on_data", "CsvTable", "UserData", "load_csv", "read_csv"]
