"""Regression losses (MSE, MAE, Huber), their gradients and the curves against the error."""
from __future__ import annotations

import numpy as np

from engine.losses.checks import as_array, as_pair, check_param
from engine.params import Param

HUBER_DELTA = Param(
    "delta", "Huber delta", 1.0, minimum=1e-3, maximum=1e3, log=True, decimals=3,
    help="Errors smaller than delta are squared (like MSE), larger ones grow linearly (like MAE). "
         "Measured in the units of the target.")


def mse(y_true, y_pred) -> float:
    """Mean squared error: mean of ``(y - yhat)^2``."""
    y, p = as_pair("mse", "y_true", y_true, "y_pred", y_pred)
    return float(np.mean((y - p) ** 2))


def mse_grad(y_true, y_pred) -> np.ndarray:
    """d MSE / d y_pred = 2 (yhat - y) / n."""
    y, p = as_pair("mse_grad", "y_true", y_true, "y_pred", y_pred)
    return 2.0 * (p - y) / y.size


def mae(y_true, y_pred) -> float:
    """Mean absolute error: mean of ``|y - yhat|``."""
    y, p = as_pair("mae", "y_true", y_true, "y_pred", y_pred)
    return float(np.mean(np.abs(y - p)))


def mae_grad(y_true, y_pred) -> np.ndarray:
    """d MAE / d y_pred = sign(yhat - y) / n (0 where the prediction is exact)."""
    y, p = as_pair("mae_grad", "y_true", y_true, "y_pred", y_pred)
    return np.sign(p - y) / y.size


def _huber_values(e: np.ndarray, delta: float) -> np.ndarray:
    a = np.abs(e)
    return np.where(a <= delta, 0.5 * e * e, delta * (a - 0.5 * delta))


def huber(y_true, y_pred, delta: float = 1.0) -> float:
    """Mean Huber loss: ``0.5 e^2`` for ``|e| <= delta``, else ``delta (|e| - delta / 2)``, e = y - yhat."""
    y, p = as_pair("huber", "y_true", y_true, "y_pred", y_pred)
    delta = check_param("huber", HUBER_DELTA, delta)
    return float(np.mean(_huber_values(y - p, delta)))


def huber_grad(y_true, y_pred, delta: float = 1.0) -> np.ndarray:
    """d Huber / d y_pred = -clip(y - yhat, -delta, delta) / n: MSE-like near 0, capped at delta."""
    y, p = as_pair("huber_grad", "y_true", y_true, "y_pred", y_pred)
    delta = check_param("huber_grad", HUBER_DELTA, delta)
    return -np.clip(y - p, -delta, delta) / y.size


def regression_loss_curves(errors, delta: float = 1.0) -> dict[str, np.ndarray]:
    """Per-point ``{"mse": e^2, "mae": |e|, "huber": ...}`` against the error e = y_true - y_pred."""
    e = as_array("regression_loss_curves", "errors", errors)
    delta = check_param("regression_loss_curves", HUBER_DELTA, delta)
    return {"mse": e * e, "mae": np.abs(e), "huber": _huber_values(e, delta)}


def regression_loss_curve_slopes(errors, delta: float = 1.0) -> dict[str, np.ndarray]:
    """Per-point d loss / d e of the curves above (d / d y_pred is minus this)."""
    e = as_array("regression_loss_curve_slopes", "errors", errors)
    delta = check_param("regression_loss_curve_slopes", HUBER_DELTA, delta)
    return {"mse": 2.0 * e, "mae": np.sign(e), "huber": np.clip(e, -delta, delta)}
