"""Training strategies (tutorial section 4): learning-rate schedules, batch size, gradient clipping.

Everything here runs on real training runs of :mod:`engine.nn`, on the tutorial's section-4
data (``make_classification(n_samples=5000, n_features=20, random_state=42)``, 80/20 split
with ``random_state=42``, standardised: :func:`section4_data`) or, for clipping, on digits.
One module per experiment; this package re-exports their public names:

* :mod:`~engine.strategies.runs` - the data, runs trained side by side from the same weights
  (:class:`RunStart`, :class:`RunEpoch`, :class:`Comparison`) and their pacing.
* :mod:`~engine.strategies.schedules` - the tutorial's four schedules as arrays (its figure,
  instantly) and one run per schedule (the warm-up's epoch 0 has learning rate 0 and learns
  nothing, which the runs show); beside them one-cycle, cosine warm restarts and reduce on
  plateau (driven by the validation loss, its cuts marked).
* :mod:`~engine.strategies.noise` - how far a mini-batch gradient lies from the full-batch
  gradient, *measured* at fixed weights, next to its exact prediction.
* :mod:`~engine.strategies.batch_size` - that measurement plus one real run per batch size:
  updates and time per epoch, accuracies. The tutorial's batch-size table is typed-in text;
  this is what it should have measured.
* :mod:`~engine.strategies.iterations` - the tutorial's "batch size" experiment reproduced
  exactly: it varies ``SGDClassifier``'s ``max_iter``, not the batch size.
* :mod:`~engine.strategies.clipping` - the tutorial's clipping example for any vectors, and a
  learning rate far too large trained without clipping (explodes) and with it (trains).

All generators check their arguments when called and start working at the first ``next()``.
"""
from engine.strategies.batch_size import (BATCH_EPOCHS, BATCH_LR, BatchRow, BatchStudy, BatchSummary, batch_label,
                                          batch_memory_kb, batch_size_study, batch_summary, batch_table, lab_labels,
                                          noise_formula_curve, tutorial_claims)
from engine.strategies.clipping import (CLIP_BATCH, CLIP_EPOCHS, CLIP_LR, CLIP_MAX_NORM, CLIP_RUNS, DEMO_MAX_NORM,
                                        TUTORIAL_MAX_NORM, TUTORIAL_VECTORS, ClipDemo, ClippingSummary,
                                        batches_per_epoch, clipping_demo, clipping_runs, clipping_summary,
                                        parse_vector)
from engine.strategies.iterations import (ITER_CHOICES, ITER_SET, ITER_VALUES, MAX_ITER, MAX_ITERS, SGD_SEED, SGD_TOL,
                                          TOL, TOL_CHOICES, TUTORIAL_ITER_TABLE, IterationRow, IterationSummary,
                                          iteration_choices, iteration_summary, iteration_table, reproduces_tutorial,
                                          sgd_iterations)
from engine.strategies.noise import (BATCH_SIZES, DRAWS, FULL, NoiseRow, batch_sizes_of, gradient_noise,
                                     per_sample_gradient_sq_norms)
from engine.strategies.runs import (DIGITS_TRAIN_SIZE, HIDDEN, SECTION4_CLASSES, SECTION4_FEATURES, SECTION4_SAMPLES,
                                    SECTION4_TRAIN_SIZE, SEED, SPEED, Comparison, RunEpoch, RunStart, digits_data,
                                    paced_runs, run_start, section4_data, section4_layers, side_by_side,
                                    train_side_by_side)
from engine.strategies.schedules import (AFTER_RUN, ALL_LAB_SETTINGS, INITIAL_LR, LAB_SCHEDULE_SETTINGS, LAB_SCHEDULES,
                                         MODERN_SCHEDULE_SETTINGS, MODERN_SCHEDULES, RUN_SCHEDULES, SCHED_BATCH,
                                         SCHED_EPOCHS, SCHED_HIDDEN, SCHEDULE_CHOICE, SCHEDULE_LABELS,
                                         SCHEDULE_SETTINGS, TUTORIAL_SCHEDULES, ScheduleFigure, ScheduleSummary,
                                         check_names, lab_schedule_runs, make, plateau_cuts, plateau_verdict,
                                         runnable_schedules,
                                         schedule_curves, schedule_figure, schedule_kwargs, schedule_runs,
                                         schedule_summary, split_values)

__all__ = [
    "AFTER_RUN", "ALL_LAB_SETTINGS", "LAB_SCHEDULES", "MODERN_SCHEDULES", "MODERN_SCHEDULE_SETTINGS", "plateau_cuts",
    "plateau_verdict",
    "BATCH_EPOCHS", "BATCH_LR", "BATCH_SIZES", "BatchRow", "BatchStudy", "BatchSummary", "CLIP_BATCH",
    "CLIP_EPOCHS", "CLIP_LR", "CLIP_MAX_NORM", "CLIP_RUNS", "ClipDemo", "ClippingSummary", "Comparison",
    "DEMO_MAX_NORM", "DIGITS_TRAIN_SIZE", "DRAWS", "FULL", "HIDDEN", "INITIAL_LR", "ITER_CHOICES", "ITER_SET",
    "ITER_VALUES", "IterationRow", "IterationSummary", "LAB_SCHEDULE_SETTINGS", "MAX_ITER", "MAX_ITERS",
    "NoiseRow", "RUN_SCHEDULES", "RunEpoch", "RunStart", "SCHEDULE_CHOICE", "SCHEDULE_LABELS",
    "SCHEDULE_SETTINGS", "SCHED_BATCH", "SCHED_EPOCHS", "SCHED_HIDDEN", "SECTION4_CLASSES", "SECTION4_FEATURES",
    "SECTION4_SAMPLES", "SECTION4_TRAIN_SIZE", "SEED", "SGD_SEED", "SGD_TOL", "SPEED", "ScheduleFigure",
    "ScheduleSummary", "TOL", "TOL_CHOICES", "TUTORIAL_ITER_TABLE", "TUTORIAL_MAX_NORM", "TUTORIAL_SCHEDULES",
    "TUTORIAL_VECTORS", "batch_label", "batch_memory_kb", "batch_size_study", "batch_sizes_of", "batch_summary",
    "batch_table", "batches_per_epoch", "check_names", "clipping_demo", "clipping_runs", "clipping_summary",
    "digits_data", "gradient_noise", "iteration_choices", "iteration_summary", "iteration_table", "lab_labels",
    "lab_schedule_runs", "make", "noise_formula_curve", "paced_runs", "parse_vector",
    "per_sample_gradient_sq_norms", "reproduces_tutorial", "run_start", "runnable_schedules", "schedule_curves",
    "schedule_figure", "schedule_kwargs", "schedule_runs", "schedule_summary", "section4_data", "section4_layers",
    "sgd_iterations", "side_by_side", "split_values", "train_side_by_side", "tutorial_claims",
]
