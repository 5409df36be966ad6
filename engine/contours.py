"""Contour lines of a sampled surface by vectorised marching squares.

pyqtgraph's isocurve walks cells in Python (150-350 ms for 15 levels on a 200x200 grid);
this version does each level in a few numpy operations and returns plain line segments,
which one plot item draws with ``connect="pairs"``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def contour_segments(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray, level: float) -> np.ndarray:
    """Segments of the curve Z = level; Z[i, j] is the value at (xs[i], ys[j]).

    Returns an array of shape (2 * n_segments, 2): consecutive rows are the two ends of a segment.
    """
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    Z = np.asarray(Z, dtype=float)
    if Z.shape != (len(xs), len(ys)):
        raise ValueError(f"Z must have shape (len(xs), len(ys)) = {(len(xs), len(ys))}, got {Z.shape}")
    above = Z >= level
    a_up, b_up, c_up, d_up = above[:-1, :-1], above[1:, :-1], above[1:, 1:], above[:-1, 1:]
    # corners of cell (i, j): a=(i, j), b=(i+1, j), c=(i+1, j+1), d=(i, j+1)
    cross = np.stack([a_up != b_up, b_up != c_up, c_up != d_up, d_up != a_up], axis=-1)
    count = cross.sum(axis=-1)
    i, j = np.nonzero(count)
    if i.size == 0:
        return np.empty((0, 2))
    a, b, c, d = Z[i, j], Z[i + 1, j], Z[i + 1, j + 1], Z[i, j + 1]
    x0, x1, y0, y1 = xs[i], xs[i + 1], ys[j], ys[j + 1]
    cr = cross[i, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        t0 = (level - a) / (b - a)
        t1 = (level - b) / (c - b)
        t2 = (level - d) / (c - d)
        t3 = (level - a) / (d - a)
    pts = np.empty((i.size, 4, 2))
    pts[:, 0, 0], pts[:, 0, 1] = x0 + t0 * (x1 - x0), y0
    pts[:, 1, 0], pts[:, 1, 1] = x1, y0 + t1 * (y1 - y0)
    pts[:, 2, 0], pts[:, 2, 1] = x0 + t2 * (x1 - x0), y1
    pts[:, 3, 0], pts[:, 3, 1] = x0, y0 + t3 * (y1 - y0)

    two = count[i, j] == 2
    simple = pts[two][cr[two]].reshape(-1, 2)  # exactly two crossing edges per cell, in edge order
    four = ~two
    if not np.any(four):
        return simple
    p4 = pts[four]
    centre_up = ((a + b + c + d)[four] / 4.0) >= level
    a_side = a_up[i, j][four]
    # when the centre lies on a's side, a and c join through the middle and corners b and d are cut off
    join_ac = centre_up == a_side
    first = np.where(join_ac[:, None, None], p4[:, [0, 1]], p4[:, [3, 0]])
    second = np.where(join_ac[:, None, None], p4[:, [2, 3]], p4[:, [1, 2]])
    return np.concatenate([simple, first.reshape(-1, 2), second.reshape(-1, 2)])


@dataclass(frozen=True)
class Background:
    """What a contour plot needs: the image to colour and the contour segments over it."""
    xs: np.ndarray
    ys: np.ndarray
    shade: np.ndarray        # log-scaled height, Z[i, j] at (xs[i], ys[j])
    segments: np.ndarray     # (2n, 2) pairs of points
    levels: np.ndarray       # in the units of the surface value


def log_levels(Z: np.ndarray, floor: float, n_levels: int) -> np.ndarray:
    """Levels evenly spaced in log(f - floor): contours crowd where the surface is steep."""
    gap = Z - floor
    finite = gap[np.isfinite(gap)]
    lo = max(np.percentile(finite, 0.5), 1e-6 * max(finite.max(), 1e-12))
    hi = np.percentile(finite, 99)
    if hi <= lo:
        hi = lo * 10
    return floor + np.geomspace(lo, hi, n_levels)


def square_box(view: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The square around a view box: what a plot with equal x and y scales may show of it."""
    x0, x1, y0, y1 = view
    half = max(x1 - x0, y1 - y0) / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - half, cx + half, cy - half, cy + half


def background(surface, resolution: int = 200, n_levels: int = 18, box=None) -> Background:
    """Shaded image and contour lines of ``surface`` over ``box`` (default: its view box)."""
    if not 10 <= resolution <= 1000:
        raise ValueError(f"resolution must be in [10, 1000], got {resolution}")
    xs, ys, Z = surface.grid(resolution, box)
    levels = log_levels(Z, surface.min_value, n_levels)
    segments = np.concatenate([contour_segments(xs, ys, Z, lv) for lv in levels])
    # a typed formula may be inf or nan in places: no segment ends there, and its shade is nan (blank)
    segments = segments.reshape(-1, 2, 2)[np.isfinite(segments).reshape(-1, 4).all(axis=1)].reshape(-1, 2)
    finite = np.isfinite(Z)
    spread = max(float(np.ptp(Z[finite])), 1e-12) if finite.any() else 1.0
    with np.errstate(all="ignore"):
        shade = np.log10(Z - surface.min_value + 1e-3 * spread)
    shade = np.where(finite & np.isfinite(shade), shade, np.nan)
    return Background(xs, ys, shade, segments, levels)


def square_background(surface, resolution: int = 200, n_levels: int = 18) -> Background:
    """The background of a plot whose x and y share one scale: such a plot may show more than the
    surface's view box, so this shades the square around it."""
    return background(surface, resolution, n_levels, box=square_box(surface.view))


def background_job(surface):
    """:func:`square_background` as a worker job: no events, the background as the result."""
    yield from ()
    return square_background(surface)
