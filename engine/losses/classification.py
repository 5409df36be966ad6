"""Cross-entropy losses (binary, categorical, from logits), softmax and sigmoid, and the
per-point BCE curves the Classification section plots."""
from __future__ import annotations

import numpy as np

from engine.losses.checks import (as_array, as_matrix, as_pair, check_labels, check_onehot, check_param,
                                  check_probabilities, check_rows_sum_to_one)
from engine.params import Param

EPSILON = Param(
    "eps", "clipping epsilon", 1e-15, minimum=1e-300, maximum=0.5, max_inclusive=False, log=True,
    decimals=18,
    help="Predicted probabilities are clipped to [eps, 1 - eps] so log(0) never happens.")



def _bce_inputs(func, y_true, y_pred, eps):
    y, p = as_pair(func, "y_true", y_true, "y_pred", y_pred)
    check_labels(func, "y_true", y, (0.0, 1.0))
    check_probabilities(func, "y_pred", p)
    eps = check_param(func, EPSILON, eps)
    return y, np.clip(p, eps, 1.0 - eps)


def _cce_inputs(func, y_true_onehot, y_pred, eps):
    y, p = as_pair(func, "y_true_onehot", y_true_onehot, "y_pred", y_pred)
    y = as_matrix(func, "y_true_onehot", y)
    p = as_matrix(func, "y_pred", p)
    check_onehot(func, "y_true_onehot", y)
    check_probabilities(func, "y_pred", p)
    check_rows_sum_to_one(func, "y_pred", p)
    eps = check_param(func, EPSILON, eps)
    return y, np.clip(p, eps, 1.0 - eps)


# --------------------------------------------------------------------------- helpers
def softmax(logits, axis: int = -1) -> np.ndarray:
    """Probabilities ``exp(z) / sum(exp(z))`` along ``axis``, computed without overflow.

    Subtracting the largest logit first changes nothing mathematically and keeps every
    ``exp`` at most 1, so logits like 1000 do not overflow.
    """
    z = as_array("softmax", "logits", logits)
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def sigmoid(z) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-z))`` without overflow for large ``|z|``."""
    z = as_array("sigmoid", "z", z)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


# --------------------------------------------------------------------------- classification
def binary_cross_entropy(y_true, y_pred, eps: float = 1e-15) -> float:
    """Mean of ``-[y log p + (1 - y) log(1 - p)]``; labels 0/1, ``p`` clipped to [eps, 1-eps]."""
    y, p = _bce_inputs("binary_cross_entropy", y_true, y_pred, eps)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def bce_grad(y_true, y_pred, eps: float = 1e-15) -> np.ndarray:
    """d BCE / d y_pred = (p - y) / (p (1 - p)) / n, at the clipped p."""
    y, p = _bce_inputs("bce_grad", y_true, y_pred, eps)
    return (p - y) / (p * (1.0 - p)) / y.size


def categorical_cross_entropy(y_true_onehot, y_pred, eps: float = 1e-15) -> float:
    """Mean over examples of ``-sum_k y_k log p_k``.

    ``y_true_onehot`` and ``y_pred`` have one row per example and one column per class (a
    1-D array is one example). Each label row is one-hot; each prediction row is a
    probability distribution (adds up to 1 within 1e-6).
    """
    y, p = _cce_inputs("categorical_cross_entropy", y_true_onehot, y_pred, eps)
    return float(-np.mean(np.sum(y * np.log(p), axis=1)))


def cce_grad(y_true_onehot, y_pred, eps: float = 1e-15) -> np.ndarray:
    """d CCE / d y_pred = -y / p / n (n = number of rows), at the clipped p; shaped like y_pred."""
    y, p = _cce_inputs("cce_grad", y_true_onehot, y_pred, eps)
    grad = -y / p / y.shape[0]
    return grad.reshape(np.shape(y_pred))


def _logit_inputs(func, y_true_onehot, logits):
    y, z = as_pair(func, "y_true_onehot", y_true_onehot, "logits", logits)
    y = as_matrix(func, "y_true_onehot", y)
    z = as_matrix(func, "logits", z)
    check_onehot(func, "y_true_onehot", y)
    return y, z


def categorical_cross_entropy_from_logits(y_true_onehot, logits) -> float:
    """CCE of ``softmax(logits)``, computed as ``logsumexp(z) - z_true`` (exact, no clipping)."""
    y, z = _logit_inputs("categorical_cross_entropy_from_logits", y_true_onehot, logits)
    return float(-np.mean(np.sum(y * _log_softmax(z), axis=1)))


def cce_logits_grad(y_true_onehot, logits) -> np.ndarray:
    """d CCE(softmax(z)) / d z = (softmax(z) - y) / n: the famous "prediction minus target"."""
    y, z = _logit_inputs("cce_logits_grad", y_true_onehot, logits)
    grad = (np.exp(_log_softmax(z)) - y) / y.shape[0]
    return grad.reshape(np.shape(logits))


def _curve_inputs(func, p, label, eps) -> np.ndarray:
    p = as_array(func, "p", p)
    check_probabilities(func, "p", p)
    if label not in (0, 1):
        raise ValueError(f"{func}: label must be 0 or 1, got {label!r}")
    eps = check_param(func, EPSILON, eps)
    return np.clip(p, eps, 1.0 - eps)


def bce_curve(p, label: int, eps: float = 1e-15) -> np.ndarray:
    """Per-point BCE of one example with true ``label`` (0 or 1) at predicted probabilities ``p``."""
    p = _curve_inputs("bce_curve", p, label, eps)
    return -np.log(p) if label == 1 else -np.log(1.0 - p)


def bce_curve_slope(p, label: int, eps: float = 1e-15) -> np.ndarray:
    """Per-point d BCE / d p of one example: -1/p for label 1, 1/(1 - p) for label 0."""
    p = _curve_inputs("bce_curve_slope", p, label, eps)
    return -1.0 / p if label == 1 else 1.0 / (1.0 - p)
