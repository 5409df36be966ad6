"""The hyper-parameter map: how far an optimizer gets for every (learning rate, second
hyper-parameter) pair, computed for all pairs at once.

:func:`hyperparameter_map` (re-exported by :mod:`engine.surfaces`) returns the final f − f* of one
optimizer for every cell (``values[i]``, ``lrs[j]``), ``np.inf`` where the path diverged::

    gaps = hyperparameter_map(get("quadratic"), "Momentum", np.logspace(-3, 0, 60), "momentum",
                              np.linspace(0, 0.99, 60), steps=200)

It equals :func:`engine.surfaces.run_path` cell by cell, bit for bit: the very same optimizer code
runs once on an array of points (one row per cell, its hyper-parameters arrays of one value per
cell), the surface is evaluated by the same functions as run_path (``values_at``,
``gradients_at``), and a cell stops by run_path's divergence rule. :func:`map_stream` computes the
same map in chunks of rows as a generator of :class:`MapRows` (the GUI's worker shows the rows as
they come and can cancel between any two events) and returns a :class:`HyperparameterMap`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.arrays import readonly
from engine.optimizers import ALL as OPTIMIZERS, LR, Optimizer, make as make_optimizer
from engine.params import Param
from engine import surfaces as S

# the hyper-parameters each optimizer can be mapped against its learning rate (the first: the default)
MAPPABLE: dict[str, tuple[str, ...]] = {
    "SGD": (),
    "Momentum": ("momentum",), "Nesterov": ("momentum",),
    "AdaGrad": ("eps",),
    "RMSprop": ("rho", "eps"),
    "Adam": ("beta1", "beta2", "eps"), "AdamW": ("beta1", "weight_decay", "beta2", "eps"),
}
assert set(MAPPABLE) == set(OPTIMIZERS)


def readable(values, digits: int = 3) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits: a map's cells are settings a student
    can read and type (a clicked cell sets exactly these values)."""
    return np.array([float(f"{v:.{digits}g}") for v in np.asarray(values, dtype=float)])


def default_values(param: str, n: int) -> np.ndarray:
    """``n`` readable values of ``param`` worth mapping: momentum and beta1 evenly from 0 to 0.99;
    beta2 and rho from 0.5 to 0.9999 evenly in log(1 − value) (what matters is how close to 1 they
    are); eps on a log scale; weight decay evenly from 0 to 0.5."""
    if param in ("momentum", "beta1"):
        return np.round(np.linspace(0.0, 0.99, n), 3)
    if param in ("beta2", "rho"):
        return 1.0 - readable(np.logspace(math.log10(0.5), -4, n))
    if param == "eps":
        return readable(np.logspace(-10, 0, n))
    if param == "weight_decay":
        return np.round(np.linspace(0.0, 0.5, n), 3)
    raise ValueError(f"no default range for {param!r}")


def default_lrs(lr_from: float, lr_to: float, n: int) -> np.ndarray:
    """``n`` log-spaced, readable learning rates from ``lr_from`` to ``lr_to``."""
    return readable(np.logspace(math.log10(lr_from), math.log10(lr_to), n))


MAP_OPTIMIZER = Param("map_optimizer", "map", "Momentum", kind="choice",
                      choices=tuple(name for name, params in MAPPABLE.items() if params),
                      help="The optimizer whose hyper-parameters the map explores (SGD has only a "
                           "learning rate: nothing to map it against).")
MAP_PARAM = Param("map_param", "against lr", "momentum", kind="choice",
                  choices=tuple(dict.fromkeys(p for params in MAPPABLE.values() for p in params)),
                  help="The hyper-parameter on the map's vertical axis; the learning rate is on the horizontal one.")
MAP_LR_FROM = Param("map_lr_from", "lr from", 1e-4, minimum=1e-8, maximum=100.0, log=True, decimals=6,
                    help="The smallest learning rate of the map (the columns are log-spaced).")
MAP_LR_TO = Param("map_lr_to", "lr to", 1.0, minimum=1e-8, maximum=100.0, log=True, decimals=6,
                  help="The largest learning rate of the map.")
MAP_SIZE = Param("map_size", "cells per side", 40, kind="int", minimum=4, maximum=120,
                 help="The map has this many learning rates times this many values of the other hyper-parameter.")
MAP_PARAMS = (MAP_OPTIMIZER, MAP_PARAM, MAP_LR_FROM, MAP_LR_TO, MAP_SIZE)

PROGRESS_EVERY = 20   # steps between two progress events inside a chunk (each is a chance to cancel)
CHUNKS = 8            # the streamed map arrives in about this many bands of rows


@dataclass(frozen=True)
class MapRows:
    """Rows ``first .. first + len(gaps) − 1`` of the map are done (none: progress only); ``done``
    is the fraction of the whole map computed; ``lrs`` and ``values`` are the map's axes and
    ``start_gap`` the start's f − f* (a cell above it ended worse than it began)."""
    first: int
    gaps: np.ndarray
    done: float
    lrs: np.ndarray
    values: np.ndarray
    start_gap: float


@dataclass(frozen=True)
class HyperparameterMap:
    """A finished map: ``gaps[i, j]`` is f − f* after ``steps`` steps with ``param = values[i]``
    and ``lr = lrs[j]`` (``inf``: diverged)."""
    optimizer: str
    param: str
    lrs: np.ndarray
    values: np.ndarray
    gaps: np.ndarray
    steps: int
    start: tuple
    surface: str
    start_gap: float = math.nan   # f − f* at the start

    def best(self):
        """(i, j) of the cell that got closest to the minimum, or None when every cell diverged."""
        if not np.isfinite(self.gaps).any():
            return None
        i, j = np.unravel_index(np.argmin(np.where(np.isfinite(self.gaps), self.gaps, np.inf)), self.gaps.shape)
        return int(i), int(j)

    def diverged_fraction(self) -> float:
        return float(np.mean(~np.isfinite(self.gaps)))

    def verdict(self) -> str:
        """What the map says, in a sentence or two."""
        diverged = self.diverged_fraction()
        best = self.best()
        if best is None:
            return (f"Every setting diverged within {self.steps} steps: try smaller learning rates "
                    f"(the map starts at lr {self.lrs[0]:.3g}).")
        i, j = best
        text = (f"Closest to the minimum after {self.steps} steps: lr {self.lrs[j]:.3g} with {self.param} "
                f"{self.values[i]:.4g} (f − f* = {self.gaps[i, j]:.2e}). ")
        row = self.gaps[i]
        if not np.isfinite(row).all():
            stable = self.lrs[np.isfinite(row)]
            text += (f"At that {self.param}, learning rates above {stable.max():.3g} diverge. ")
        text += (f"{diverged:.0%} of the settings diverged." if diverged else "No setting diverged.")
        if best[1] == len(self.lrs) - 1:
            text += " The best lr is the map's largest: try a wider range."
        return text


def _validated(optimizer, lrs, param, values, start, steps, surface):
    """The arguments checked (a ValueError names the bad one): (optimizer class, its other
    hyper-parameters, lrs, values, start, steps)."""
    if isinstance(optimizer, Optimizer):
        fixed, name = optimizer.hyperparameters(), type(optimizer).name
    else:
        name = str(optimizer)
        fixed = make_optimizer(name).hyperparameters()   # raises naming the optimizers when unknown
    mappable = MAPPABLE[name]
    if not mappable:
        raise ValueError(f"{name} has no hyper-parameter besides its learning rate: there is nothing to map "
                         "against the learning rate")
    if param not in mappable:
        raise ValueError(f"param for {name} must be one of {', '.join(mappable)}, got {param!r}")
    lrs = np.asarray(lrs, dtype=float)
    values = np.asarray(values, dtype=float)
    for label, arr in (("lrs", lrs), ("values", values)):
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"{label} must be a non-empty list of numbers, got shape {arr.shape}")
    lrs = np.array([LR.validate(v) for v in lrs])
    declared = OPTIMIZERS[name].PARAMS[param]
    values = np.array([declared.validate(v) for v in values])
    start = surface.default_start if start is None else start
    start = np.asarray(start, dtype=float)
    if start.shape != (2,) or not np.all(np.isfinite(start)):
        raise ValueError(f"start must be two finite numbers (x, y), got {start!r}")
    return OPTIMIZERS[name], fixed, lrs, values, start, S.STEPS.validate(steps)


def _vector_optimizer(cls, fixed: dict, param: str, lr_cells: np.ndarray, value_cells: np.ndarray) -> Optimizer:
    """``cls`` with one learning rate and one ``param`` value per cell (columns of shape (n, 1)),
    its other hyper-parameters ``fixed``. Its step is the class's own code, applied to an (n, 2)
    array of points. Only the bias correction's ``beta ** t`` is computed per distinct beta as a
    Python float power, as the scalar optimizer of run_path does (numpy's array power differs from
    it in the last bit for some t)."""
    opt = cls(**{**fixed, "lr": float(lr_cells[0]), param: float(value_cells[0])})
    opt.lr = lr_cells[:, None].copy()
    setattr(opt, param, value_cells[:, None].copy())
    cache = {}

    def bias(beta):
        if np.ndim(beta) == 0:
            return 1.0 - beta ** opt.t
        key = id(beta)
        if key not in cache or cache[key][0] is not beta:
            uniq, inverse = np.unique(beta, return_inverse=True)
            cache[key] = (beta, uniq.tolist(), inverse.reshape(beta.shape))
        _, uniq, inverse = cache[key]
        return np.array([1.0 - u ** opt.t for u in uniq])[inverse]

    opt._bias = bias
    return opt


def _keep(opt: Optimizer, param: str, keep: np.ndarray) -> None:
    """Drop the diverged cells from the vectorised optimizer's state and hyper-parameters."""
    for name in opt.STATE + ("_work",):
        arr = getattr(opt, name, None)
        if arr is not None:
            setattr(opt, name, arr[keep])
    opt.lr = opt.lr[keep]
    setattr(opt, param, getattr(opt, param)[keep])


def _run_cells(surface, cls, fixed, param, lr_cells, value_cells, start, steps):
    """Every cell's path at once, run_path's rule step for step; yields the steps done every
    PROGRESS_EVERY steps and returns each cell's final f − f* (inf: diverged)."""
    n = lr_cells.size
    opt = _vector_optimizer(cls, fixed, param, lr_cells, value_cells)
    loss0 = S.values_at(surface, start)[0]
    limit = S.divergence_limit(surface, loss0)
    gaps = np.empty(n)
    alive = np.arange(n)                   # the cells still running, in order
    points = np.tile(start, (n, 1))
    losses = np.full(n, loss0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(1, steps + 1):
            grads = S.gradients_at(surface, points)
            opt.t += 1                     # as Optimizer.step, which also checks shapes the map keeps right
            points = opt._update(points, grads)
            finite = np.isfinite(points).all(axis=1)
            losses = np.full(len(points), np.inf)
            if finite.any():
                losses[finite] = S.values_at(surface, points[finite])
            bad = ~np.isfinite(losses) | (losses > limit) | (np.abs(points).max(axis=1) > S.DIVERGENCE_COORD)
            if bad.any():
                gaps[alive[bad]] = np.inf
                keep = ~bad
                alive, points, losses = alive[keep], points[keep], losses[keep]
                _keep(opt, param, keep)
                if alive.size == 0:
                    break
            if k % PROGRESS_EVERY == 0 and k < steps:
                yield k
    gaps[alive] = losses - surface.min_value
    return gaps


def _cells(lrs, values, rows):
    """The cells of ``rows``, row by row: (their learning rates, their values)."""
    return np.tile(lrs, len(rows)), np.repeat(values[rows], len(lrs))


def hyperparameter_map(surface, optimizer, lrs, param, values, start=None, steps=50) -> np.ndarray:
    """f − f* after ``steps`` steps of ``optimizer`` (a name such as "Adam", or an optimizer whose
    other hyper-parameters are kept) for every pair (``values[i]``, ``lrs[j]``) of ``param`` and
    the learning rate, from ``start`` (default: the surface's): shape ``(len(values), len(lrs))``,
    ``np.inf`` where the path diverged (by run_path's rule). All cells run at once."""
    cls, fixed, lrs, values, start, steps = _validated(optimizer, lrs, param, values, start, steps, surface)
    lr_cells, value_cells = _cells(lrs, values, np.arange(len(values)))
    gen = _run_cells(surface, cls, fixed, param, lr_cells, value_cells, start, steps)
    while True:
        try:
            next(gen)
        except StopIteration as done:
            return done.value.reshape(len(values), len(lrs))


def map_stream(surface, optimizer, lrs, param, values, start=None, steps=50):
    """:func:`hyperparameter_map` in bands of rows: yields :class:`MapRows` (progress inside a
    band, then the band's rows) and returns a :class:`HyperparameterMap`. Equal to the map
    computed at once."""
    cls, fixed, lrs, values, start, steps = _validated(optimizer, lrs, param, values, start, steps, surface)
    n_rows = len(values)
    band = max(1, math.ceil(n_rows / CHUNKS))
    lrs, values = readonly(lrs), readonly(values)
    start_gap = float(S.values_at(surface, start)[0] - surface.min_value)
    gaps = np.empty((n_rows, len(lrs)))
    for first in range(0, n_rows, band):
        rows = np.arange(first, min(first + band, n_rows))
        lr_cells, value_cells = _cells(lrs, values, rows)
        gen = _run_cells(surface, cls, fixed, param, lr_cells, value_cells, start, steps)
        while True:
            try:
                k = next(gen)
            except StopIteration as done:
                block = done.value.reshape(len(rows), len(lrs))
                break
            yield MapRows(first, np.empty((0, len(lrs))), (first + len(rows) * k / steps) / n_rows, lrs, values,
                          start_gap)
        gaps[rows] = block
        yield MapRows(first, readonly(block), (rows[-1] + 1) / n_rows, lrs, values, start_gap)
    return HyperparameterMap(cls.name, param, lrs, values, readonly(gaps), steps,
                             tuple(float(v) for v in start), surface.title, start_gap)


def map_job(surface, optimizer, hyper: dict, map_param: str, map_lr_from: float, map_lr_to: float,
            map_size: int, steps: int, start):
    """The Optimizers lab's map: ``optimizer`` (a name) with its other hyper-parameters ``hyper``
    (the race's), ``map_size`` log-spaced learning rates from ``map_lr_from`` to ``map_lr_to``
    against :func:`default_values` of ``map_param``."""
    lo, hi = MAP_LR_FROM.validate(map_lr_from), MAP_LR_TO.validate(map_lr_to)
    if not lo < hi:
        raise ValueError(f"the map's lr range must go up: 'lr from' ({lo:g}) must be below 'lr to' ({hi:g})")
    size = MAP_SIZE.validate(map_size)
    if map_param not in MAPPABLE.get(optimizer, ()):
        raise ValueError(f"{optimizer} cannot be mapped against {map_param}: choose one of "
                         f"{', '.join(MAPPABLE.get(optimizer, ())) or 'nothing (it has only a learning rate)'}")
    opt = make_optimizer(optimizer, **hyper)
    lrs = default_lrs(lo, hi, size)
    return map_stream(surface, opt, lrs, map_param, default_values(map_param, size), start, steps)
