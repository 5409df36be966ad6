"""Gradient clipping: the tutorial's example for any vectors, and a run that explodes without it.

* :func:`clipping_demo` - the tutorial's clipping example (``[3, 4]`` and ``[5, 12]``,
  max_norm 5: norm 13.9284, clipped to 5.0000) for any vectors.
* :func:`clipping_runs` - a learning rate far too large trained without clipping (the
  gradient norm explodes until the numbers overflow) and with clipping (it trains);
  :func:`clipping_summary` says what happened.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generator

import numpy as np

from engine.params import Param, ParamSet
from engine.strategies.runs import DIGITS_TRAIN_SIZE, HIDDEN, SEED, digits_data, sgd_side_by_side

CLIP_LR = Param("lr", "learning rate", 3.0, minimum=1e-4, maximum=100.0, log=True, decimals=5,
                help="SGD learning rate of both runs: 3 is 30 times too large for this network.")
CLIP_MAX_NORM = Param("max_norm", "max gradient norm", 0.5, minimum=1e-3, maximum=1000.0, log=True, decimals=4,
                      help="The clipped run scales every batch gradient whose norm exceeds this down to it.")
CLIP_EPOCHS = Param("epochs", "epochs", 30, kind="int", minimum=1, maximum=300,
                    help="Passes over the 1149 digit training images.")
CLIP_BATCH = Param("batch_size", "batch size", 32, kind="int", minimum=1, maximum=DIGITS_TRAIN_SIZE,
                   help="Samples per SGD step.")
CLIP_RUNS = ("no clipping", "clipping")
_RUN_PARAMS = ParamSet((CLIP_LR, CLIP_MAX_NORM, CLIP_EPOCHS, CLIP_BATCH, HIDDEN, SEED))   # clipping_runs'

TUTORIAL_VECTORS = ((3.0, 4.0), (5.0, 12.0))
TUTORIAL_MAX_NORM = 5.0
# the example's max_norm (named apart from the training runs' max_norm: both are in one lab section)
DEMO_MAX_NORM = Param("demo_max_norm", "max_norm", TUTORIAL_MAX_NORM, minimum=0.01, maximum=50.0, log=True,
                      decimals=4, help="Largest allowed global norm of all the vectors together.")


def batches_per_epoch(batch_size: int) -> int:
    """Batches in one pass over the digits' training images."""
    return -(-DIGITS_TRAIN_SIZE // CLIP_BATCH.validate(batch_size))


def parse_vector(text, name="vector") -> np.ndarray:
    """``"3, 4"`` or ``"3 4"`` or ``"[3, 4]"`` -> array([3., 4.]); a ValueError in words otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"{name} must be text such as '3, 4', got {text!r}")
    parts = [p for p in re.split(r"[,\s;]+", text.strip().strip("[]()").strip()) if p]
    if not parts:
        raise ValueError(f"{name} is empty: type numbers separated by commas, such as 3, 4")
    try:
        values = np.array([float(p) for p in parts])
    except ValueError:
        raise ValueError(f"{name} must be numbers separated by commas, such as 3, 4; got {text!r}") from None
    if not np.isfinite(values).all():
        raise ValueError(f"{name} must contain finite numbers only, got {text!r}")
    return values


@dataclass(frozen=True)
class ClipDemo:
    vectors: tuple               # the gradients, as given
    clipped: tuple               # after clipping (the same arrays when nothing was clipped)
    total_norm: float            # global norm before
    new_norm: float              # global norm after
    was_clipped: bool
    coef: float                  # max_norm / (total_norm + 1e-6): the factor applied when < 1
    max_norm: float

    @property
    def norms_before(self) -> list[float]:
        """Every vector's norm, then the global norm, before clipping (the example's bars)."""
        return [float(np.linalg.norm(v)) for v in self.vectors] + [self.total_norm]

    @property
    def norms_after(self) -> list[float]:
        return [float(np.linalg.norm(v)) for v in self.clipped] + [self.new_norm]


def clipping_demo(vectors=TUTORIAL_VECTORS, max_norm=TUTORIAL_MAX_NORM) -> ClipDemo:
    """Clip ``vectors`` (gradients of several parameters) together to ``max_norm``.

    The tutorial's rule (PyTorch's ``clip_grad_norm_``): the global norm of all of them,
    ``coef = max_norm / (norm + 1e-6)``, and everything multiplied by ``coef`` if it is < 1.
    """
    from engine.clipping import EPS, clip_by_global_norm, global_norm
    try:
        arrays = [np.asarray(v, dtype=float).ravel() for v in vectors]
    except (TypeError, ValueError):
        raise ValueError(f"vectors must be a list of number lists such as [[3, 4], [5, 12]], got {vectors!r}") from None
    if not arrays or any(a.size == 0 for a in arrays):
        raise ValueError("vectors must hold at least one non-empty vector")
    if not all(np.isfinite(a).all() for a in arrays):
        raise ValueError("vectors must contain finite numbers only")
    max_norm = DEMO_MAX_NORM.validate(max_norm)
    clipped, total, was = clip_by_global_norm(arrays, max_norm)
    return ClipDemo(vectors=tuple(arrays), clipped=tuple(np.asarray(c) for c in clipped), total_norm=float(total),
                    new_norm=global_norm(clipped), was_clipped=bool(was), coef=max_norm / (total + EPS),
                    max_norm=max_norm)


def clipping_runs(lr=3.0, max_norm=0.5, epochs=30, batch_size=32, hidden=64, seed=0) -> Generator:
    """The same network on digits, SGD with a too-large ``lr``, without and with clipping.

    Both runs start from the same weights and see the same batches. Without clipping the
    gradient norm grows epoch after epoch until the numbers overflow (the run then stops
    with ``diverged=True``); with every batch gradient clipped to ``max_norm`` no step can
    be longer than ``lr * max_norm``, and it trains. Yields :class:`RunStart` and
    :class:`RunEpoch` events (``result.grad_norm`` is the mean norm *before* clipping,
    ``result.clipped_batches`` how many batches were clipped); returns a :class:`Comparison`.
    """
    settings = _RUN_PARAMS.validate(dict(lr=lr, max_norm=max_norm, epochs=epochs, batch_size=batch_size,
                                         hidden=hidden, seed=seed))
    return _clipping_runs(settings)


def _clipping_runs(s: dict):
    data = digits_data()
    runs = {run: {"clip_norm": clip} for run, clip in zip(CLIP_RUNS, (None, s["max_norm"]))}
    return (yield from sgd_side_by_side((data.X_train, data.y_train, data.X_val, data.y_val),
                                        (data.X_train.shape[1], s["hidden"], 10), s["lr"], runs, s, s["seed"],
                                        epochs=s["epochs"], batch_size=s["batch_size"], score_train=False))


@dataclass(frozen=True)
class ClippingSummary:
    """What the runs without and with clipping did."""
    plain_diverged: bool
    plain_norms: np.ndarray      # the unclipped run's mean gradient norm per epoch
    plain_failure: str           # how it ended, in a few words ("the loss became infinite in epoch 9, ...")
    plain_val_acc: float | None  # its final validation accuracy (when it did not diverge)
    clipped_batches: int         # batch gradients the clipped run clipped, of
    batches: int                 # all its batches
    clipped_val_acc: float | None
    clipped_diverged: bool
    max_norm: float
    longest_step: float          # lr * max_norm: no clipped step is longer


def clipping_summary(result) -> ClippingSummary:
    """Read the :class:`Comparison` of :func:`clipping_runs`."""
    plain, clipped = result.runs["no clipping"], result.runs["clipping"]
    s = result.settings
    last_plain = plain.history[-1] if plain.history else None
    last_clipped = clipped.history[-1] if clipped.history else None
    return ClippingSummary(
        plain_diverged=plain.diverged, plain_norms=plain.curve("grad_norm"),
        plain_failure=plain.reason.split(": ", 1)[-1].split(". ")[0],
        plain_val_acc=last_plain.val_acc if last_plain else None,
        clipped_batches=sum(e.clipped_batches for e in clipped.history),
        batches=sum(e.n_batches for e in clipped.history),
        clipped_val_acc=last_clipped.val_acc if last_clipped else None, clipped_diverged=clipped.diverged,
        max_norm=s["max_norm"], longest_step=s["lr"] * s["max_norm"])
