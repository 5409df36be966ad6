"""Loss functions of section 1 of the tutorial, their gradients and the curves the GUI plots.

Values
    Every loss takes ``(y_true, y_pred_or_score, ...)`` and returns a Python ``float``: the
    mean over all entries (for categorical cross-entropy: the mean over rows of the per-row
    sum). They agree with scikit-learn's ``log_loss``, ``mean_squared_error``,
    ``mean_absolute_error`` and ``hinge_loss`` where those exist.

Gradients: one companion per loss, named ``<loss>_grad``
    ``bce_grad``, ``cce_grad``, ``cce_logits_grad``, ``mse_grad``, ``mae_grad``, ``huber_grad``,
    ``hinge_grad``, ``logistic_grad``, ``zero_one_grad``, ``pairwise_ranking_grad``. Each takes
    the same arguments as its loss and returns an ``ndarray`` shaped like the predictions:
    the gradient of the *returned mean loss* with respect to the predictions (so it already
    contains the ``1/n``). That is what an optimizer updating the predictions would feel.
    Where a loss has a kink (MAE at error 0, hinge at margin 1, the ranking hinge at 0) the
    gradient takes the subgradient 0 from the flat side; zero-one loss has gradient 0
    everywhere it is defined, which is exactly why nobody trains with it.
    For cross-entropy the prediction is clipped to ``[eps, 1 - eps]`` as in the value and the
    gradient of the unclipped formula is evaluated at the clipped prediction: large but
    finite near 0 and 1, and equal to the true derivative everywhere inside the clip range.

Curves (per point, vectorised, for plots)
    ``bce_curve``/``bce_curve_slope`` (loss of one example against its predicted probability),
    ``regression_loss_curves``/``regression_loss_curve_slopes`` (MSE, MAE, Huber against the
    error ``y_true - y_pred``), ``margin_curves``/``margin_curve_slopes`` and the single
    ``hinge_margin``, ``logistic_margin``, ``zero_one_margin`` (against the margin
    ``m = y * f(x)``). A "slope" is the derivative with respect to the plotted x-axis.

Bad input (shapes that differ, empty arrays, NaN or infinity, probabilities outside [0, 1],
labels outside a loss's domain, delta <= 0, ...) raises ``ValueError`` with a message that
names the function, the argument and what was expected.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.params import Param, ParamSet

HUBER_DELTA = Param(
    "delta", "Huber delta", 1.0, minimum=1e-3, maximum=1e3, log=True, decimals=3,
    help="Errors smaller than delta are squared (like MSE), larger ones grow linearly (like MAE). "
         "Measured in the units of the target.")
RANKING_MARGIN = Param(
    "margin", "ranking margin", 1.0, minimum=0.0, maximum=100.0, decimals=3,
    help="How much higher the more relevant item must score before a pair stops costing anything.")
EPSILON = Param(
    "eps", "clipping epsilon", 1e-15, minimum=1e-300, maximum=0.5, max_inclusive=False, log=True,
    decimals=18,
    help="Predicted probabilities are clipped to [eps, 1 - eps] so log(0) never happens.")

PARAMS = ParamSet((HUBER_DELTA, RANKING_MARGIN, EPSILON))

#: Largest number of items :func:`ranking_pair_table` lists pair by pair.
PAIR_TABLE_MAX_ITEMS = 200
#: Tolerance on "each row of predicted probabilities sums to 1".
ROW_SUM_TOLERANCE = 1e-6


# --------------------------------------------------------------------------- validation
def _array(func: str, name: str, values) -> np.ndarray:
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


def _pair(func: str, name_a: str, a, name_b: str, b) -> tuple[np.ndarray, np.ndarray]:
    a = _array(func, name_a, a)
    b = _array(func, name_b, b)
    if a.shape != b.shape:
        raise ValueError(f"{func}: {name_a} has shape {a.shape} but {name_b} has shape {b.shape}; "
                         f"they must match, one prediction per true value")
    return a, b


def _first_bad(mask: np.ndarray, arr: np.ndarray) -> str:
    where = tuple(int(i) for i in np.argwhere(mask)[0])
    where_text = where[0] if len(where) == 1 else where
    return f"position {where_text} holds {arr[where]:g}"


def _labels(func: str, name: str, y: np.ndarray, allowed: tuple, hint: str = "") -> None:
    bad = ~np.isin(y, allowed)
    if bad.any():
        allowed_text = " or ".join(f"{v:+g}" if allowed[0] < 0 else f"{v:g}" for v in allowed)
        raise ValueError(f"{func}: {name} must contain only the labels {allowed_text}; "
                         f"{_first_bad(bad, y)}{hint}")


def _probabilities(func: str, name: str, p: np.ndarray) -> None:
    bad = (p < 0.0) | (p > 1.0)
    if bad.any():
        raise ValueError(f"{func}: {name} must hold probabilities between 0 and 1; {_first_bad(bad, p)}"
                         f" (if these are raw scores, pass them through a sigmoid or softmax first)")


def _param(func: str, param: Param, value) -> float:
    try:
        return param.validate(value)
    except ValueError as exc:
        raise ValueError(f"{func}: {exc}") from None


def _matrix(func: str, name: str, a: np.ndarray) -> np.ndarray:
    if a.ndim == 1:
        return a[np.newaxis, :]
    if a.ndim != 2:
        raise ValueError(f"{func}: {name} must be a table with one row per example and one column "
                         f"per class (2-D), got {a.ndim}-D with shape {a.shape}")
    return a


def _onehot(func: str, name: str, y: np.ndarray) -> None:
    _labels(func, name, y, (0.0, 1.0))
    sums = y.sum(axis=1)
    bad = sums != 1.0
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(f"{func}: each row of {name} must be one-hot (exactly one 1, zeros elsewhere); "
                         f"row {row} sums to {sums[row]:g}")


def _rows_sum_to_one(func: str, name: str, p: np.ndarray) -> None:
    sums = p.sum(axis=1)
    bad = np.abs(sums - 1.0) > ROW_SUM_TOLERANCE
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(f"{func}: each row of {name} is a probability distribution over the classes "
                         f"and must add up to 1; row {row} adds up to {sums[row]:.6g} "
                         f"(turn raw scores into probabilities with softmax)")


def _bce_inputs(func, y_true, y_pred, eps):
    y, p = _pair(func, "y_true", y_true, "y_pred", y_pred)
    _labels(func, "y_true", y, (0.0, 1.0))
    _probabilities(func, "y_pred", p)
    eps = _param(func, EPSILON, eps)
    return y, np.clip(p, eps, 1.0 - eps)


def _cce_inputs(func, y_true_onehot, y_pred, eps):
    y, p = _pair(func, "y_true_onehot", y_true_onehot, "y_pred", y_pred)
    y = _matrix(func, "y_true_onehot", y)
    p = _matrix(func, "y_pred", p)
    _onehot(func, "y_true_onehot", y)
    _probabilities(func, "y_pred", p)
    _rows_sum_to_one(func, "y_pred", p)
    eps = _param(func, EPSILON, eps)
    return y, np.clip(p, eps, 1.0 - eps)


def _signed_inputs(func, y_true, y_score):
    y, f = _pair(func, "y_true", y_true, "y_score", y_score)
    _labels(func, "y_true", y, (-1.0, 1.0), hint=" (turn 0/1 labels into -1/+1 with 2*y - 1)")
    return y, f


# --------------------------------------------------------------------------- helpers
def softmax(logits, axis: int = -1) -> np.ndarray:
    """Probabilities ``exp(z) / sum(exp(z))`` along ``axis``, computed without overflow.

    Subtracting the largest logit first changes nothing mathematically and keeps every
    ``exp`` at most 1, so logits like 1000 do not overflow.
    """
    z = _array("softmax", "logits", logits)
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def sigmoid(z) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-z))`` without overflow for large ``|z|``."""
    z = _array("sigmoid", "z", z)
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
    y, z = _pair(func, "y_true_onehot", y_true_onehot, "logits", logits)
    y = _matrix(func, "y_true_onehot", y)
    z = _matrix(func, "logits", z)
    _onehot(func, "y_true_onehot", y)
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


# --------------------------------------------------------------------------- regression
def mse(y_true, y_pred) -> float:
    """Mean squared error: mean of ``(y - yhat)^2``."""
    y, p = _pair("mse", "y_true", y_true, "y_pred", y_pred)
    return float(np.mean((y - p) ** 2))


def mse_grad(y_true, y_pred) -> np.ndarray:
    """d MSE / d y_pred = 2 (yhat - y) / n."""
    y, p = _pair("mse_grad", "y_true", y_true, "y_pred", y_pred)
    return 2.0 * (p - y) / y.size


def mae(y_true, y_pred) -> float:
    """Mean absolute error: mean of ``|y - yhat|``."""
    y, p = _pair("mae", "y_true", y_true, "y_pred", y_pred)
    return float(np.mean(np.abs(y - p)))


def mae_grad(y_true, y_pred) -> np.ndarray:
    """d MAE / d y_pred = sign(yhat - y) / n (0 where the prediction is exact)."""
    y, p = _pair("mae_grad", "y_true", y_true, "y_pred", y_pred)
    return np.sign(p - y) / y.size


def _huber_values(e: np.ndarray, delta: float) -> np.ndarray:
    a = np.abs(e)
    return np.where(a <= delta, 0.5 * e * e, delta * (a - 0.5 * delta))


def huber(y_true, y_pred, delta: float = 1.0) -> float:
    """Mean Huber loss: ``0.5 e^2`` for ``|e| <= delta``, else ``delta (|e| - delta / 2)``, e = y - yhat."""
    y, p = _pair("huber", "y_true", y_true, "y_pred", y_pred)
    delta = _param("huber", HUBER_DELTA, delta)
    return float(np.mean(_huber_values(y - p, delta)))


def huber_grad(y_true, y_pred, delta: float = 1.0) -> np.ndarray:
    """d Huber / d y_pred = -clip(y - yhat, -delta, delta) / n: MSE-like near 0, capped at delta."""
    y, p = _pair("huber_grad", "y_true", y_true, "y_pred", y_pred)
    delta = _param("huber_grad", HUBER_DELTA, delta)
    return -np.clip(y - p, -delta, delta) / y.size


# --------------------------------------------------------------------------- ranking
def _ranking_inputs(func, scores, relevance, margin):
    s, r = _pair(func, "scores", scores, "relevance", relevance)
    if s.ndim != 1:
        raise ValueError(f"{func}: scores must be a flat list (1-D), got shape {s.shape}")
    margin = _param(func, RANKING_MARGIN, margin)
    return s, r, margin


#: Up to this many distinct relevance values the ranking loss sweeps level by level
#: (O(n log n + L n)); above it, it splits the levels bit by bit (O(n log n log L)).
RANKING_LEVEL_SWEEP_MAX = 32


def _ranking_core(s: np.ndarray, r: np.ndarray, margin: float, want_grad: bool, method: str | None = None):
    """Sum of the pair terms, number of pairs and (optionally) the gradient of the mean.

    A pair (a more relevant, b less relevant) is active when ``s_b > s_a - margin``; it then
    costs ``margin + s_b - s_a``. So for every item a we need how many less relevant items
    score above its threshold ``s_a - margin`` and their total score: counts and prefix sums
    along the score order, never the pairs themselves. Relevance is replaced by its dense
    rank g (0..L-1). ``method`` (tests only) forces "levels" or "bits".
    """
    n = s.size
    _, g = np.unique(r, return_inverse=True)
    g = g.reshape(-1).astype(np.int64)
    counts = np.bincount(g)
    n_pairs = n * (n - 1) // 2 - int(np.sum(counts * (counts - 1) // 2))
    if n_pairs == 0:
        return 0.0, 0, (np.zeros(n) if want_grad else None)
    if method is None:
        method = "levels" if counts.size <= RANKING_LEVEL_SWEEP_MAX else "bits"
    sweep = _ranking_levels if method == "levels" else _ranking_bits
    total, grad = sweep(s, g, counts, margin, want_grad)
    if want_grad:
        grad /= n_pairs
    return total, n_pairs, grad


def _ranking_levels(s, g, counts, margin, want_grad):
    """Sweep the relevance levels: one sort by score, then O(n) prefix sums per level.

    Thresholds ``s - margin`` sorted in the score order stay sorted, so two binary searches
    per item tell how many scores lie at or below its threshold and how many thresholds lie
    below its score; both compare ``s_b > s_a - margin`` with the same floats.
    """
    n = s.size
    order = np.argsort(s, kind="stable")
    s_sorted = s[order]
    t_sorted = s_sorted - margin
    g_sorted = g[order]
    at_or_below = np.searchsorted(s_sorted, s - margin, side="right")
    by_level = np.argsort(g, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(counts)])
    total = 0.0
    grad = np.zeros(n) if want_grad else None
    below_sorted = np.zeros(n, dtype=bool)  # items of the levels already passed, in score order
    for level in range(1, counts.size):
        below_sorted |= g_sorted == level - 1
        cnt = np.concatenate([[0], np.cumsum(below_sorted)])
        tot = np.concatenate([[0.0], np.cumsum(np.where(below_sorted, s_sorted, 0.0))])
        items = by_level[bounds[level]:bounds[level + 1]]
        pos = at_or_below[items]
        active = cnt[-1] - cnt[pos]
        total += float(np.dot(active, margin - s[items]) + np.sum(tot[-1] - tot[pos]))
        if want_grad:
            grad[items] -= active
    if want_grad:
        thresholds_below = np.searchsorted(t_sorted, s, side="left")
        above_sorted = np.zeros(n, dtype=bool)
        for level in range(counts.size - 2, -1, -1):
            above_sorted |= g_sorted == level + 1
            cnt = np.concatenate([[0], np.cumsum(above_sorted)])
            items = by_level[bounds[level]:bounds[level + 1]]
            grad[items] += cnt[thresholds_below[items]]
    return total, grad


def _ranking_bits(s, g, counts, margin, want_grad):
    """Split the levels bit by bit: O(n log n) per bit, O(n log n log L) in all.

    Every pair with g_a > g_b is counted exactly once, at the highest bit k where g_a and
    g_b differ: there g_a has bit 1, g_b has bit 0, and both share the higher bits
    ``p = g >> (k+1)``. For one bit, one sort orders the bit-0 items by (p, score) and puts
    each bit-1 item at (p, its threshold); prefix sums along that order answer both
    questions of :func:`_ranking_levels` within each group.
    """
    n = s.size
    # one integer rank for every score and every threshold (equal values, equal ranks)
    pool = np.concatenate([s, s - margin])
    order = np.argsort(pool, kind="stable")
    sorted_pool = pool[order]
    starts = np.empty(2 * n, dtype=bool)
    starts[0] = True
    np.not_equal(sorted_pool[1:], sorted_pool[:-1], out=starts[1:])
    ranks = np.empty(2 * n, dtype=np.int64)
    ranks[order] = np.maximum.accumulate(np.where(starts, np.arange(2 * n), 0))
    key_low, key_up = 2 * ranks[:n], 2 * ranks[n:] + 1  # at equal rank the threshold sorts after
    width = np.int64(4 * n + 2)

    total = 0.0
    grad = np.zeros(n) if want_grad else None
    for k in range(int(counts.size - 1).bit_length()):
        prefix = g >> (k + 1)
        is_up = ((g >> k) & 1).astype(bool)
        n_prefix = int(prefix.max()) + 1
        low_per_group = np.bincount(prefix[~is_up], minlength=n_prefix)
        up_per_group = np.bincount(prefix[is_up], minlength=n_prefix)
        if not np.any(low_per_group * up_per_group):
            continue
        order = np.argsort(prefix * width + np.where(is_up, key_up, key_low))
        up_sorted = is_up[order]
        low_sorted = ~up_sorted
        s_sorted = s[order]
        low_before = np.cumsum(low_sorted) - low_sorted           # bit-0 items sorted before
        low_sum_before = np.cumsum(np.where(low_sorted, s_sorted, 0.0))
        low_end = np.cumsum(low_per_group)                         # bit-0 items in groups <= p
        low_sum_end = np.cumsum(np.bincount(prefix[~is_up], weights=s[~is_up], minlength=n_prefix))
        p_up = prefix[order][up_sorted]
        active = low_end[p_up] - low_before[up_sorted]             # bit-0 items above the threshold
        active_sum = low_sum_end[p_up] - low_sum_before[up_sorted]
        total += float(np.dot(active, margin - s_sorted[up_sorted]) + active_sum.sum())
        if want_grad:
            grad[order[up_sorted]] -= active
            up_before = np.cumsum(up_sorted) - up_sorted
            up_start = np.cumsum(up_per_group) - up_per_group      # bit-1 items in groups < p
            p_low = prefix[order][low_sorted]
            grad[order[low_sorted]] += up_before[low_sorted] - up_start[p_low]
    return total, grad


def pairwise_ranking(scores, relevance, margin: float = 1.0) -> float:
    """Mean over pairs with different relevance of ``max(0, margin + s_less - s_more)``.

    0.0 when no pair has different relevance. O(n log n) time (times log of the number of
    distinct relevance levels), O(n) memory.
    """
    s, r, margin = _ranking_inputs("pairwise_ranking", scores, relevance, margin)
    total, n_pairs, _ = _ranking_core(s, r, margin, want_grad=False)
    return float(total / n_pairs) if n_pairs else 0.0


def pairwise_ranking_grad(scores, relevance, margin: float = 1.0) -> np.ndarray:
    """d loss / d scores: each active pair adds +1/P to its less relevant item, -1/P to the other."""
    s, r, margin = _ranking_inputs("pairwise_ranking_grad", scores, relevance, margin)
    _, _, grad = _ranking_core(s, r, margin, want_grad=True)
    return grad


def ranking_pair_table(scores, relevance, margin: float = 1.0):
    """Every pair with different relevance, for the small interactive demo (pandas DataFrame).

    Columns: ``i``, ``j`` (item indices, i < j), ``more``, ``less`` (index of the more and
    the less relevant item), ``score_more``, ``score_less``, ``term`` (``max(0, margin +
    score_less - score_more)``), ``violated`` (term > 0: the margin is not met) and
    ``misordered`` (the less relevant item scores at least as high). The mean of ``term``
    is :func:`pairwise_ranking`. Builds all pairs, so it is limited to 200 items.
    """
    import pandas as pd

    func = "ranking_pair_table"
    s, r, margin = _ranking_inputs(func, scores, relevance, margin)
    if s.size > PAIR_TABLE_MAX_ITEMS:
        raise ValueError(f"{func}: lists every pair, so it takes at most {PAIR_TABLE_MAX_ITEMS} items; "
                         f"got {s.size} (use pairwise_ranking for the loss of large lists)")
    i, j = np.triu_indices(s.size, k=1)
    keep = r[i] != r[j]
    i, j = i[keep], j[keep]
    i_first = r[i] > r[j]
    more = np.where(i_first, i, j)
    less = np.where(i_first, j, i)
    term = np.maximum(0.0, margin + s[less] - s[more])
    return pd.DataFrame({
        "i": i, "j": j, "more": more, "less": less,
        "score_more": s[more], "score_less": s[less],
        "term": term, "violated": term > 0.0, "misordered": s[less] >= s[more],
    })


# --------------------------------------------------------------------------- curves for plots
def bce_curve(p, label: int, eps: float = 1e-15) -> np.ndarray:
    """Per-point BCE of one example with true ``label`` (0 or 1) at predicted probabilities ``p``."""
    func = "bce_curve"
    p = _array(func, "p", p)
    _probabilities(func, "p", p)
    if label not in (0, 1):
        raise ValueError(f"{func}: label must be 0 or 1, got {label!r}")
    eps = _param(func, EPSILON, eps)
    p = np.clip(p, eps, 1.0 - eps)
    return -np.log(p) if label == 1 else -np.log(1.0 - p)


def bce_curve_slope(p, label: int, eps: float = 1e-15) -> np.ndarray:
    """Per-point d BCE / d p of one example: -1/p for label 1, 1/(1 - p) for label 0."""
    func = "bce_curve_slope"
    p = _array(func, "p", p)
    _probabilities(func, "p", p)
    if label not in (0, 1):
        raise ValueError(f"{func}: label must be 0 or 1, got {label!r}")
    eps = _param(func, EPSILON, eps)
    p = np.clip(p, eps, 1.0 - eps)
    return -1.0 / p if label == 1 else 1.0 / (1.0 - p)


def regression_loss_curves(errors, delta: float = 1.0) -> dict[str, np.ndarray]:
    """Per-point ``{"mse": e^2, "mae": |e|, "huber": ...}`` against the error e = y_true - y_pred."""
    e = _array("regression_loss_curves", "errors", errors)
    delta = _param("regression_loss_curves", HUBER_DELTA, delta)
    return {"mse": e * e, "mae": np.abs(e), "huber": _huber_values(e, delta)}


def regression_loss_curve_slopes(errors, delta: float = 1.0) -> dict[str, np.ndarray]:
    """Per-point d loss / d e of the curves above (d / d y_pred is minus this)."""
    e = _array("regression_loss_curve_slopes", "errors", errors)
    delta = _param("regression_loss_curve_slopes", HUBER_DELTA, delta)
    return {"mse": 2.0 * e, "mae": np.sign(e), "huber": np.clip(e, -delta, delta)}


def hinge_margin(m) -> np.ndarray:
    """Per-point hinge loss ``max(0, 1 - m)`` against the margin m = y f(x)."""
    m = _array("hinge_margin", "m", m)
    return np.maximum(0.0, 1.0 - m)


def logistic_margin(m, base2: bool = False) -> np.ndarray:
    """Per-point logistic loss ``log(1 + exp(-m))``; with ``base2`` in bits, so it is 1 at m = 0
    and lies above the zero-one loss everywhere."""
    m = _array("logistic_margin", "m", m)
    out = np.logaddexp(0.0, -m)
    return out / np.log(2.0) if base2 else out


def zero_one_margin(m) -> np.ndarray:
    """Per-point zero-one loss: 1 where the margin is <= 0 (a mistake), else 0."""
    m = _array("zero_one_margin", "m", m)
    return (m <= 0.0).astype(float)


def margin_curves(m, base2: bool = False) -> dict[str, np.ndarray]:
    """``{"hinge", "logistic", "zero_one"}`` per-point losses against the margin m."""
    return {"hinge": hinge_margin(m), "logistic": logistic_margin(m, base2=base2),
            "zero_one": zero_one_margin(m)}


def margin_curve_slopes(m, base2: bool = False) -> dict[str, np.ndarray]:
    """Per-point d loss / d m of :func:`margin_curves` (zero-one: 0, its jump gives no slope)."""
    m = _array("margin_curve_slopes", "m", m)
    logistic = -sigmoid(-m)
    return {"hinge": np.where(m < 1.0, -1.0, 0.0),
            "logistic": logistic / np.log(2.0) if base2 else logistic,
            "zero_one": np.zeros_like(m)}


# --------------------------------------------------------------------------- selection guide
@dataclass(frozen=True)
class LossGuideRow:
    task: str
    loss: str
    when_to_use: str
    demo: str  # which part of the Loss functions tab shows it


#: The tutorial's loss selection guide, with the demo each row opens.
SELECTION_GUIDE: tuple[LossGuideRow, ...] = (
    LossGuideRow("Binary classification", "Binary cross-entropy", "Standard binary classification",
                 "classification"),
    LossGuideRow("Multi-class classification", "Categorical cross-entropy", "Mutually exclusive classes",
                 "classification"),
    LossGuideRow("Regression", "MSE", "Standard regression, sensitive to outliers", "regression"),
    LossGuideRow("Regression", "MAE", "Robust to outliers", "regression"),
    LossGuideRow("Regression", "Huber", "Balance between MSE and MAE", "regression"),
    LossGuideRow("Ranking", "Pairwise loss", "Learning to rank", "ranking"),
)
