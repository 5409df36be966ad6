"""Which test images a pipeline gets wrong, and which of those the baseline gets right.

:func:`mistakes` takes the test labels, a model's predictions and class probabilities (kept in
:class:`~engine.pipeline.results.Fit`) and, optionally, the baseline's predictions on the same
images; it returns :class:`Mistakes`: scikit-learn's confusion matrix (rows: true class, columns:
predicted class, every class present even when never predicted), every misclassified image with
its predicted probability and whether the baseline got it right, and one sentence that says it.
:func:`pipeline_mistakes` does the same for the first seed of a :class:`PipelineResult` (the seed
the comparison with the baseline judges). :func:`test_images` gives back the 8x8 digits of the
test set (the standardisation undone) for the gallery; for other data there are no images.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.arrays import readonly

DIGIT_SHAPE = (8, 8)


@dataclass(frozen=True)
class Mistake:
    """One misclassified test image."""
    index: int                  # row of the test set
    true: int                   # class index (0..k-1)
    predicted: int
    probability: float          # the model's probability for its (wrong) prediction; NaN when unknown
    baseline_right: bool | None  # the baseline's answer on this image was right (None: no baseline)


@dataclass(frozen=True, eq=False)
class Mistakes:
    """A model's mistakes on the test set (see the module's docstring)."""
    matrix: np.ndarray                 # confusion matrix, rows true, columns predicted (read-only)
    class_names: tuple[str, ...]
    mistakes: tuple[Mistake, ...]      # those the baseline gets right first, then the most confident
    only_model_right: tuple[int, ...]  # test rows this model gets right and the baseline wrong
    has_baseline: bool

    @property
    def n(self) -> int:
        return int(self.matrix.sum())

    @property
    def n_wrong(self) -> int:
        return len(self.mistakes)

    @property
    def baseline_right(self) -> tuple[Mistake, ...]:
        """The mistakes the baseline does not make."""
        return tuple(m for m in self.mistakes if m.baseline_right)

    def confusions(self, top: int = 3) -> list[tuple[str, str, int]]:
        """The ``top`` most frequent (true, predicted, count) off the diagonal, most frequent first."""
        off = self.matrix.copy()
        np.fill_diagonal(off, 0)
        order = np.argsort(-off, axis=None, kind="stable")[:top]
        pairs = [np.unravel_index(i, off.shape) for i in order]
        return [(self.class_names[t], self.class_names[p], int(off[t, p])) for t, p in pairs if off[t, p] > 0]

    def sentence(self, noun: str = "images") -> str:
        """The mistakes in words, e.g. "17 of 360 test digits wrong; 8 of them the baseline gets right ..."."""
        if not self.mistakes:
            return f"No mistakes: all {self.n} test {noun} right."
        text = f"{self.n_wrong} of {self.n} test {noun} wrong"
        if self.has_baseline:
            text += (f"; the baseline gets {len(self.baseline_right)} of them right, and gets "
                     f"{len(self.only_model_right)} wrong that this model gets right")
        pairs = self.confusions()
        if pairs:
            text += ". Most often: " + ", ".join(f"{t} taken for {p} ({c}×)" for t, p, c in pairs)
        return text + "."


def confusion(y_true, y_pred, n_classes: int) -> np.ndarray:
    """scikit-learn's confusion matrix over the classes 0..n_classes-1 (read-only)."""
    from sklearn.metrics import confusion_matrix

    return readonly(confusion_matrix(y_true, y_pred, labels=np.arange(n_classes)))


def _labels(name, values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of class indices, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.equal(np.mod(arr, 1), 0)):
            raise ValueError(f"{name} must hold class indices 0, 1, 2, ...")
        arr = arr.astype(int)
    if arr.min() < 0:
        raise ValueError(f"{name} must hold class indices 0, 1, 2, ..., found {arr.min()}")
    return arr


def mistakes(y_true, predictions, probabilities=None, baseline_predictions=None, class_names=None) -> Mistakes:
    """The confusion matrix and the misclassified images of ``predictions`` (see the module's docstring).

    ``probabilities``: (n, k) class probabilities (a mistake's probability is that of its predicted
    class); ``class_names``: the names of the classes 0..k-1 (default "0", "1", ...).
    """
    y = _labels("y_true", y_true)
    pred = _labels("predictions", predictions)
    if len(pred) != len(y):
        raise ValueError(f"predictions has {len(pred)} entries for {len(y)} test labels")
    k = int(max(y.max(), pred.max())) + 1
    proba = None
    if probabilities is not None:
        proba = np.asarray(probabilities, dtype=float)
        if proba.ndim != 2 or proba.shape[0] != len(y) or proba.shape[1] < k:
            raise ValueError(f"probabilities must have shape ({len(y)}, {k} or more), got {proba.shape}")
        k = proba.shape[1]
    names = tuple(str(c) for c in (range(k) if class_names is None else class_names))
    if len(names) < k:
        raise ValueError(f"class_names names {len(names)} classes, the labels need {k}")
    k = len(names)
    base_right = None
    if baseline_predictions is not None:
        base = _labels("baseline_predictions", baseline_predictions)
        if len(base) != len(y):
            raise ValueError(f"baseline_predictions has {len(base)} entries for {len(y)} test labels")
        base_right = base == y
    wrong = np.flatnonzero(pred != y)
    found = [Mistake(int(i), int(y[i]), int(pred[i]), float(proba[i, pred[i]]) if proba is not None else float("nan"),
                     None if base_right is None else bool(base_right[i])) for i in wrong]
    # what a student should look at first: the baseline's right answers, then the most confident mistakes
    found.sort(key=lambda m: (not m.baseline_right, -np.nan_to_num(m.probability, nan=0.0), m.index))
    only_model = () if base_right is None else tuple(int(i) for i in np.flatnonzero((pred == y) & ~base_right))
    return Mistakes(matrix=confusion(y, pred, k), class_names=names, mistakes=tuple(found),
                    only_model_right=only_model, has_baseline=base_right is not None)


def pipeline_mistakes(result, y_test, baseline=None, class_names=None) -> Mistakes:
    """The mistakes of ``result``'s first seed (the one compared with the baseline) on ``y_test``;
    ``baseline``: the baseline's PipelineResult (ignored when it is ``result`` itself)."""
    fit = result.fits[0]
    base = None if baseline is None or baseline is result else baseline.fits[0].test_predictions
    return mistakes(y_test, fit.test_predictions, fit.test_probabilities, base, class_names)


def test_images(data) -> np.ndarray | None:
    """The test set's 8x8 digit images (0 = white .. 16 = black ink), the standardisation undone;
    None when ``data`` are not the digits."""
    if getattr(data, "name", None) != "digits" or data.X_test.shape[1] != DIGIT_SHAPE[0] * DIGIT_SHAPE[1]:
        return None
    raw = data.X_test * data.scaler_scale + data.scaler_mean
    return readonly(np.clip(raw, 0.0, 16.0).reshape(-1, *DIGIT_SHAPE))


test_images.__test__ = False   # not a pytest test, whatever its name
