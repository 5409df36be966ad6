"""What a race needs to know of a typed formula's surface: its estimated minimum and a start.

:func:`analyse` searches the view box: a 201 x 201 grid, then a shrinking local grid around the
best few grid minima (pure comparisons, so a narrow curved valley or a kink does not fool it).
It says in words when the formula is not finite anywhere on the view (``ValueError``), falls to
−∞ inside it, or has its lowest value on the view's edge (no minimum inside the view: it may be
unbounded below). ``engine.surfaces.from_formula`` turns the result into a Surface.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRID = 201          # odd: the view's centre is a grid point
CANDIDATES = 8      # grid minima refined
LOCAL = 9           # points per side of the local grid
ROUNDS = 80


@dataclass(frozen=True)
class Analysis:
    minima: tuple[tuple[float, float], ...]   # where f is (within a hair of) its lowest value on the view
    min_value: float                           # the estimated f* (finite)
    start: tuple[float, float]
    notes: tuple[str, ...]                     # sentences for the student


def _fmt(p) -> str:
    return f"({p[0]:.4g}, {p[1]:.4g})"


def _values(formula, X, Y) -> np.ndarray:
    Z = np.asarray(formula.value(X, Y), dtype=float)
    return np.where(np.isfinite(Z), Z, np.inf)   # the search looks for the lowest finite value


def _refine(formula, points: np.ndarray, step: np.ndarray, view) -> tuple[np.ndarray, np.ndarray]:
    """Each point moved downhill by a local grid search inside the view, the grid shrinking once
    the best point is inside it; returns the points and their values."""
    x0, x1, y0, y1 = view
    offsets = np.linspace(-1.0, 1.0, LOCAL)
    ox, oy = np.meshgrid(offsets, offsets, indexing="ij")
    ox, oy = ox.ravel(), oy.ravel()
    h = np.tile(step, (len(points), 1)).astype(float)
    best = _values(formula, points[:, 0], points[:, 1])
    for _ in range(ROUNDS):
        X = np.clip(points[:, :1] + h[:, :1] * ox, x0, x1)
        Y = np.clip(points[:, 1:] + h[:, 1:] * oy, y0, y1)
        Z = _values(formula, X, Y)
        k = np.argmin(Z, axis=1)
        rows = np.arange(len(points))
        better = Z[rows, k] < best
        points = np.where(better[:, None], np.stack([X[rows, k], Y[rows, k]], axis=1), points)
        best = np.where(better, Z[rows, k], best)
        on_edge = better & ((np.abs(ox[k]) == 1) | (np.abs(oy[k]) == 1))
        h = np.where(on_edge[:, None], h, h / 4)   # keep walking while the best is on the local edge
        if np.all(h < 1e-13 * np.maximum(1.0, np.abs(points))):
            break
    return points, best


def analyse(formula, view) -> Analysis:
    """The estimated minimum, the default start and notes of ``formula`` over ``view`` (see the module)."""
    x0, x1, y0, y1 = view
    box = f"x in [{x0:g}, {x1:g}], y in [{y0:g}, {y1:g}]"
    xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    Z = np.asarray(formula.value(X, Y), dtype=float)
    finite = np.isfinite(Z)
    if not finite.any():
        centre = float(Z[GRID // 2, GRID // 2])
        why = ("not a number (the log or square root of a negative number, 0/0, inf − inf)"
               if np.isnan(centre) else "too large for a float (beyond ±1.8e308)")
        raise ValueError(f"the formula has no finite value anywhere on the view ({box}): at its centre "
                         f"it is {why}")
    notes = []
    if len(formula.variables) < 2:
        notes.append("f does not depend on " + (" or ".join(sorted({"x", "y"} - formula.variables)))
                     + ": its gradient has no component that way.")
    if np.any(Z == -np.inf):
        i, j = np.argwhere(Z == -np.inf)[0]
        notes.append(f"f falls to −∞ at {_fmt((xs[i], ys[j]))}: it is unbounded below, so f* below is only "
                     "the lowest finite value found.")
    if not finite.all():
        share = 100 * (1 - finite.mean())
        notes.append(f"f is not finite on {share:.3g}% of the view (left blank in the plot).")
    # grid minima: finite points no higher than any finite neighbour
    W = np.where(finite, Z, np.inf)
    pad = np.pad(W, 1, constant_values=np.inf)
    lowest = np.ones_like(finite)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                lowest &= W <= pad[1 + di:GRID + 1 + di, 1 + dj:GRID + 1 + dj]
    lowest &= finite
    idx = np.argwhere(lowest)
    if not len(idx):
        idx = np.argwhere(W == W.min())
    # the lowest first; among equals (a valley floor, a flat region) those nearest the view's centre
    centre = np.hypot(idx[:, 0] - GRID // 2, idx[:, 1] - GRID // 2)
    idx = idx[np.lexsort((centre, W[idx[:, 0], idx[:, 1]]))[:CANDIDATES]]
    points = np.stack([xs[idx[:, 0]], ys[idx[:, 1]]], axis=1)
    step = np.array([xs[1] - xs[0], ys[1] - ys[0]])
    points, values = _refine(formula, points, step, view)
    f_star = float(values.min())
    spread = float(np.ptp(W[finite]))
    close = values <= f_star + 1e-9 * max(spread, abs(f_star), 1e-3)
    minima: list[tuple[float, float]] = []
    for p in points[close]:
        if all(np.hypot(*((p - q) / step)) > 2 for q in minima):
            minima.append((float(p[0]), float(p[1])))
    best = minima[0]
    if close.sum() == len(points) == CANDIDATES:
        notes.append("f takes its lowest value along a whole line or region, not at a single point.")
    edge = [abs(best[0] - x0), abs(best[0] - x1), abs(best[1] - y0), abs(best[1] - y1)]
    if min(edge[0], edge[1]) < 0.5 * step[0] or min(edge[2], edge[3]) < 0.5 * step[1]:
        notes.append(f"No minimum inside the view: f is lowest on its edge, at {_fmt(best)}, and may keep "
                     "falling outside it (perhaps without bound). f − f* is measured from that edge: a path "
                     "that goes beyond it leaves the log axis.")
    return Analysis(tuple(minima), f_star, _start(formula, view, np.array(best)), tuple(notes))


def _start(formula, view, best: np.ndarray) -> tuple[float, float]:
    """A start 70% of the way from the view's centre to a corner or an edge's middle, the one
    farthest from the minimum where f and its gradient are finite (else the centre)."""
    x0, x1, y0, y1 = view
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    dirs = np.array([(1, 1), (-1, 1), (-1, -1), (1, -1), (1, 0), (0, 1), (-1, 0), (0, -1)], dtype=float)
    P = np.stack([cx + 0.7 * hx * dirs[:, 0], cy + 0.7 * hy * dirs[:, 1]], axis=1)
    f, gx, gy = formula.value_and_gradient(P[:, 0], P[:, 1])
    ok = np.isfinite(f) & np.isfinite(gx) & np.isfinite(gy)
    if not ok.any():
        return (float(cx), float(cy))
    distance = np.where(ok, np.hypot((P[:, 0] - best[0]) / hx, (P[:, 1] - best[1]) / hy), -1.0)
    p = P[int(np.argmax(distance))]
    return (float(p[0]), float(p[1]))
