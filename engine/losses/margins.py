"""Losses of a raw score with labels -1/+1 against the margin m = y f(x): hinge, logistic and
zero-one, their gradients and the per-point curves the Margins section plots."""
from __future__ import annotations

import numpy as np

from engine.losses.checks import as_array, as_pair, check_labels
from engine.losses.classification import sigmoid


def _signed_inputs(func, y_true, y_score):
    y, f = as_pair(func, "y_true", y_true, "y_score", y_score)
    check_labels(func, "y_true", y, (-1.0, 1.0), hint=" (turn 0/1 labels into -1/+1 with 2*y - 1)")
    return y, f


def hinge(y_true, y_score) -> float:
    """Mean of ``max(0, 1 - y f)`` with labels -1/+1 and raw scores f (SVM loss)."""
    y, f = _signed_inputs("hinge", y_true, y_score)
    return float(np.mean(np.maximum(0.0, 1.0 - y * f)))


def hinge_grad(y_true, y_score) -> np.ndarray:
    """-y / n where the margin y f is below 1, else 0 (0 exactly at the kink)."""
    y, f = _signed_inputs("hinge_grad", y_true, y_score)
    return np.where(y * f < 1.0, -y, 0.0) / y.size


def logistic_loss(y_true, y_score) -> float:
    """Mean of ``log(1 + exp(-y f))`` with labels -1/+1: BCE of ``sigmoid(f)`` written with the margin."""
    y, f = _signed_inputs("logistic_loss", y_true, y_score)
    return float(np.mean(np.logaddexp(0.0, -y * f)))


def logistic_grad(y_true, y_score) -> np.ndarray:
    """-y * sigmoid(-y f) / n."""
    y, f = _signed_inputs("logistic_grad", y_true, y_score)
    return -y * sigmoid(-y * f) / y.size


def zero_one_loss(y_true, y_score) -> float:
    """Fraction of examples with margin ``y f <= 0`` (a score of exactly 0 counts as a mistake)."""
    y, f = _signed_inputs("zero_one_loss", y_true, y_score)
    return float(np.mean(y * f <= 0.0))


def zero_one_grad(y_true, y_score) -> np.ndarray:
    """Zero everywhere (undefined exactly at margin 0): the loss is flat, it gives no signal."""
    y, f = _signed_inputs("zero_one_grad", y_true, y_score)
    return np.zeros_like(f)


def hinge_margin(m) -> np.ndarray:
    """Per-point hinge loss ``max(0, 1 - m)`` against the margin m = y f(x)."""
    m = as_array("hinge_margin", "m", m)
    return np.maximum(0.0, 1.0 - m)


def logistic_margin(m, base2: bool = False) -> np.ndarray:
    """Per-point logistic loss ``log(1 + exp(-m))``; with ``base2`` in bits, so it is 1 at m = 0
    and lies above the zero-one loss everywhere."""
    m = as_array("logistic_margin", "m", m)
    out = np.logaddexp(0.0, -m)
    return out / np.log(2.0) if base2 else out


def zero_one_margin(m) -> np.ndarray:
    """Per-point zero-one loss: 1 where the margin is <= 0 (a mistake), else 0."""
    m = as_array("zero_one_margin", "m", m)
    return (m <= 0.0).astype(float)


def margin_curves(m, base2: bool = False) -> dict[str, np.ndarray]:
    """``{"hinge", "logistic", "zero_one"}`` per-point losses against the margin m."""
    return {"hinge": hinge_margin(m), "logistic": logistic_margin(m, base2=base2),
            "zero_one": zero_one_margin(m)}


def margin_curve_slopes(m, base2: bool = False) -> dict[str, np.ndarray]:
    """Per-point d loss / d m of :func:`margin_curves` (zero-one: 0, its jump gives no slope)."""
    m = as_array("margin_curve_slopes", "m", m)
    logistic = -sigmoid(-m)
    return {"hinge": np.where(m < 1.0, -1.0, 0.0),
            "logistic": logistic / np.log(2.0) if base2 else logistic,
            "zero_one": np.zeros_like(m)}
