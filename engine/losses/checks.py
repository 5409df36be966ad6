"""Input checks shared by every loss: each raises ``ValueError`` naming the function, the
argument and what was expected."""
from __future__ import annotations

import numpy as np

from engine.params import Param

#: Tolerance on "each row of predicted probabilities sums to 1".
ROW_SUM_TOLERANCE = 1e-6


def as_array(func: str, name: str, values) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: {name} must contain only numbers, got {values!r}") from None
    if arr.size == 0:
        raise ValueError(f"{func}: {name} is empty; a loss needs at least one example")
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        where_text = where[0] if len(where) == 1 else where
        raise ValueError(f"{func}: {name} contains NaN or infinity (first at position {where_text}, "
                         f"value {arr[bad].flat[0]}); every value must be a finite number")
    return arr


def as_pair(func: str, name_a: str, a, name_b: str, b) -> tuple[np.ndarray, np.ndarray]:
    a = as_array(func, name_a, a)
    b = as_array(func, name_b, b)
    if a.shape != b.shape:
        raise ValueError(f"{func}: {name_a} has shape {a.shape} but {name_b} has shape {b.shape}; "
                         f"they must match, one prediction per true value")
    return a, b


def first_bad(mask: np.ndarray, arr: np.ndarray) -> str:
    where = tuple(int(i) for i in np.argwhere(mask)[0])
    where_text = where[0] if len(where) == 1 else where
    return f"position {where_text} holds {arr[where]:g}"


def check_labels(func: str, name: str, y: np.ndarray, allowed: tuple, hint: str = "") -> None:
    bad = ~np.isin(y, allowed)
    if bad.any():
        allowed_text = " or ".join(f"{v:+g}" if allowed[0] < 0 else f"{v:g}" for v in allowed)
        raise ValueError(f"{func}: {name} must contain only the labels {allowed_text}; "
                         f"{first_bad(bad, y)}{hint}")


def check_probabilities(func: str, name: str, p: np.ndarray) -> None:
    bad = (p < 0.0) | (p > 1.0)
    if bad.any():
        raise ValueError(f"{func}: {name} must hold probabilities between 0 and 1; {first_bad(bad, p)}"
                         f" (if these are raw scores, pass them through a sigmoid or softmax first)")


def check_param(func: str, param: Param, value) -> float:
    try:
        return param.validate(value)
    except ValueError as exc:
        raise ValueError(f"{func}: {exc}") from None


def as_matrix(func: str, name: str, a: np.ndarray) -> np.ndarray:
    if a.ndim == 1:
        return a[np.newaxis, :]
    if a.ndim != 2:
        raise ValueError(f"{func}: {name} must be a table with one row per example and one column "
                         f"per class (2-D), got {a.ndim}-D with shape {a.shape}")
    return a


def check_onehot(func: str, name: str, y: np.ndarray) -> None:
    check_labels(func, name, y, (0.0, 1.0))
    sums = y.sum(axis=1)
    bad = sums != 1.0
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(f"{func}: each row of {name} must be one-hot (exactly one 1, zeros elsewhere); "
                         f"row {row} sums to {sums[row]:g}")


def check_rows_sum_to_one(func: str, name: str, p: np.ndarray) -> None:
    sums = p.sum(axis=1)
    bad = np.abs(sums - 1.0) > ROW_SUM_TOLERANCE
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(f"{func}: each row of {name} is a probability distribution over the classes "
                         f"and must add up to 1; row {row} adds up to {sums[row]:.6g} "
                         f"(turn raw scores into probabilities with softmax)")

