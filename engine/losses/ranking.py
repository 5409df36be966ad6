"""The pairwise ranking loss in O(n log n), its gradient and the pair table of the demo."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.losses.checks import as_pair, check_param
from engine.params import Param

RANKING_MARGIN = Param(
    "margin", "ranking margin", 1.0, minimum=0.0, maximum=100.0, decimals=3,
    help="How much higher the more relevant item must score before a pair stops costing anything.")

#: Largest number of items :func:`ranking_pair_table` lists pair by pair.
PAIR_TABLE_MAX_ITEMS = 200


def _ranking_inputs(func, scores, relevance, margin):
    s, r = as_pair(func, "scores", scores, "relevance", relevance)
    if s.ndim != 1:
        raise ValueError(f"{func}: scores must be a flat list (1-D), got shape {s.shape}")
    margin = check_param(func, RANKING_MARGIN, margin)
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


@dataclass(frozen=True)
class RankingOrder:
    """Items ranked by score and by relevance (highest first, ties in the given order)."""
    by_score: tuple[int, ...]
    ideal: tuple[int, ...]
    in_order: bool   # the scores rank the items as their relevance does (ties in relevance allowed)


def ranking_order(scores, relevance) -> RankingOrder:
    """The order the scores give the items, the ideal order, and whether they agree."""
    s, r = as_pair("ranking_order", "scores", scores, "relevance", relevance)
    order = np.argsort(-s, kind="stable")
    ideal = np.argsort(-r, kind="stable")
    return RankingOrder(tuple(int(i) for i in order), tuple(int(i) for i in ideal),
                        bool(np.all(np.diff(r[order]) <= 0)))
