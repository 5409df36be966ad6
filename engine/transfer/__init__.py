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
* The **target rule** turns the source rule towards the independent one:
  ``z_T = cos(a) z_S + sin(a) z_I`` with the angle ``a = (1 - r) * 90 degrees``, where ``r`` is
  the *relatedness* in [0, 1]. ``r = 1``: the target is the source task; ``r = 0``: the target
  has nothing to do with it. The scores' correlation is ``cos(a)`` (0.71 at r = 0.5, not r), and
  source and target labels agree on about ``1 - a / 180 degrees = (1 + r) / 2`` of all inputs
  (50% at r = 0, 75% at r = 0.5).

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
:func:`paced_curves` slows the learning curves down so a class can watch them;
:class:`SweepTally` and :class:`RelatednessTally` collect a sweep's runs as they arrive and
give their statistics (:func:`sweep_stats`: NaN-aware mean and spread over the repeats).

The modules: ``tasks`` (the rules and the shared settings), ``training`` (pre-training, the
methods, one target run), ``sweeps`` (the size and relatedness sweeps and their statistics),
``curves`` (the learning curves and their pacing). Everything public is imported here:
``from engine import transfer as T``.

Typical numbers (task seed 0, 3 repeats, the defaults): at relatedness 0.8 and 20 target
samples fine-tuning scores 0.89 and training from scratch 0.73; at 500 samples 0.94 and 0.90.
At relatedness 0 fine-tuning is *worse* than scratch at every size (0.55 against 0.70 at 20
samples) and the frozen features stay at chance (0.50): negative transfer. With these
teachers the break-even is near relatedness 0.4.
"""

from engine.transfer.tasks import (BATCH, CALIBRATION, CHANCE, DEFAULT_RELATEDNESS_GRID, DEFAULT_SIZES, HIDDEN,
                                   L2_PENALTY, LABELS, LR, METHODS, N_FEATURES, N_SOURCE, N_TEST, PARAMS,
                                   PRETRAIN_EPOCHS, PRETRAIN_LR, RELATEDNESS, SEED, SEEDS, SIZE, STEPS, TASK_SEED,
                                   TEACHER_GAIN, TEACHER_UNITS, Teacher, TaskPair, mixing_angle, task_pair,
                                   training_set)
from engine.transfer.training import (Baseline, Pretrained, PretrainEpoch, batch_rng, cached_pretrained,
                                      check_methods, check_settings, check_sizes, clear_pretrained, epochs_for,
                                      make_model, pretrain, pretrained_baseline, run_target)
from engine.transfer.sweeps import (RelatednessSweepResult, RelatednessTally, SweepPoint, SweepResult, SweepTally,
                                    mean_sd_text, relatedness_sweep, size_sweep, sweep_stats)
from engine.transfer.curves import (CURVE_SEED, CURVE_SIZE, PACE_SLACK_S, SPEED, CurvePoint, CurveResult,
                                    learning_curves, paced_curves)

__all__ = [
    "BATCH", "CALIBRATION", "CHANCE", "DEFAULT_RELATEDNESS_GRID", "DEFAULT_SIZES", "HIDDEN", "L2_PENALTY", "LABELS",
    "LR", "METHODS", "N_FEATURES", "N_SOURCE", "N_TEST", "PARAMS", "PRETRAIN_EPOCHS", "PRETRAIN_LR", "RELATEDNESS",
    "SEED", "SEEDS", "SIZE", "STEPS", "TASK_SEED", "TEACHER_GAIN", "TEACHER_UNITS", "Teacher", "TaskPair",
    "mixing_angle", "task_pair", "training_set",
    "Baseline", "Pretrained", "PretrainEpoch", "batch_rng", "cached_pretrained", "check_methods", "check_settings",
    "check_sizes", "clear_pretrained", "epochs_for", "make_model", "pretrain", "pretrained_baseline", "run_target",
    "RelatednessSweepResult", "RelatednessTally", "SweepPoint", "SweepResult", "SweepTally", "mean_sd_text",
    "relatedness_sweep", "size_sweep", "sweep_stats",
    "CURVE_SEED", "CURVE_SIZE", "PACE_SLACK_S", "SPEED", "CurvePoint", "CurveResult", "learning_curves", "paced_curves",
]
