"""Two-dimensional loss surfaces for racing optimizers, and the race itself.

Each surface has a value, an analytic gradient, a default view box and its known minima.
:func:`race` runs any set of optimizers from one start point and returns every path::

    paths = race(get("quadratic"), {"SGD": SGD(0.05), "Adam": Adam(0.2)}, start=(5, 2), steps=50)

:func:`race_stream` is the same race as a generator (one :class:`Path` per optimizer, then a
:class:`Race`), and :func:`race_job` runs it from the flat values of :data:`RACE_PARAMS` (the
Optimizers tab's parameters: ``{"surface": "quadratic", "SGD": True, "SGD.lr": 0.05, ...}``).
A race is cheap (a few thousand 2-D steps): the GUI computes it whole, then animates it.
:func:`from_formula` makes a surface of a formula the user typed (``engine.formula``); the race's
``"surface": "custom"`` races on its ``"formula"``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable

import numpy as np

from engine.explain import StateTrace, TraceRecorder
from engine.optimizers import ALL as OPTIMIZERS, Optimizer, make as make_optimizer
from engine.params import Param, ParamSet
from engine.stream import drain

NOISE = Param("noise", "gradient noise σ", 0.0, minimum=0.0, maximum=50.0, decimals=2,
              help="Standard deviation of Gaussian noise added to every gradient: a stand-in for the "
                   "noise of mini-batch gradients (stochastic gradient descent).")
STEPS = Param("steps", "steps", 50, kind="int", minimum=1, maximum=2000,
              help="How many optimizer steps each path takes.")
SEED = Param("seed", "noise seed", 0, kind="int", minimum=0, maximum=2**31 - 1,
             help="Seed of the gradient noise, so a noisy race can be replayed exactly.")

# A path is cut when the loss passes this multiple of its start value (or a coordinate this size):
# past that point nothing about the race is visible and float overflow follows quickly.
DIVERGENCE_FACTOR = 1e6
DIVERGENCE_COORD = 1e6


@dataclass(frozen=True)
class Surface:
    key: str
    title: str
    formula: str
    value: Callable[[np.ndarray, np.ndarray], np.ndarray]
    gradient: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    view: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max
    minima: tuple[tuple[float, float], ...]
    min_value: float
    default_start: tuple[float, float]
    lesson: str = ""

    def f(self, point) -> float:
        x, y = np.asarray(point, dtype=float)
        return float(self.value(x, y))

    def grad(self, point) -> np.ndarray:
        x, y = np.asarray(point, dtype=float)
        gx, gy = self.gradient(x, y)
        return np.array([gx, gy], dtype=float)

    def grid(self, resolution: int = 200, box=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Values on a regular grid over ``box`` (default: the view box): (xs, ys, Z), Z[i, j] = f(xs[i], ys[j])."""
        x0, x1, y0, y1 = self.view if box is None else box
        xs = np.linspace(x0, x1, resolution)
        ys = np.linspace(y0, y1, resolution)
        X, Y = np.meshgrid(xs, ys, indexing="ij")
        return xs, ys, self.value(X, Y)


def _quadratic():
    return Surface(
        "quadratic", "Elongated bowl (tutorial)", "f(x, y) = x² + 10·y²",
        lambda x, y: x ** 2 + 10 * y ** 2,
        lambda x, y: (2 * x, 20 * y),
        (-6.0, 6.0, -3.0, 3.0), ((0.0, 0.0),), 0.0, (5.0, 2.0),
        "Ten times steeper in y than in x: plain SGD must pick a learning rate small enough for y, so it "
        "crawls along x. Momentum builds up speed along x; Adam rescales each coordinate. SGD is stable only "
        "for lr < 2 / 20 = 0.1 (20 is the curvature along y): try 0.11.")


def _rosenbrock():
    return Surface(
        "rosenbrock", "Rosenbrock valley", "f(x, y) = (1 − x)² + 100·(y − x²)²",
        lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2,
        lambda x, y: (-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)),
        (-2.0, 2.0, -1.0, 3.0), ((1.0, 1.0),), 0.0, (-1.5, 2.5),
        "A curved, flat-bottomed valley: reaching it is easy, following it to (1, 1) is slow. "
        "Try lr 0.001 for SGD and 0.01 for Adam.")


def _himmelblau():
    return Surface(
        "himmelblau", "Himmelblau (four minima)", "f(x, y) = (x² + y − 11)² + (x + y² − 7)²",
        lambda x, y: (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2,
        lambda x, y: (4 * x * (x ** 2 + y - 11) + 2 * (x + y ** 2 - 7),
                      2 * (x ** 2 + y - 11) + 4 * y * (x + y ** 2 - 7)),
        (-5.0, 5.0, -5.0, 5.0),
        ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848127)), 0.0, (0.0, 0.0),
        "Four equally good minima: which one an optimizer finds depends on where it starts. Click to move the start.")


def _saddle():
    return Surface(
        "saddle", "Saddle point", "f(x, y) = x² − y² + y⁴/2",
        lambda x, y: x ** 2 - y ** 2 + 0.5 * y ** 4,
        lambda x, y: (2 * x, -2 * y + 2 * y ** 3),
        (-3.0, 3.0, -2.0, 2.0), ((0.0, 1.0), (0.0, -1.0)), -0.5, (2.5, 0.01),
        "The origin is a saddle: the gradient vanishes there but it is not a minimum. Starting almost on the "
        "ridge, plain SGD lingers near the saddle; momentum and Adam escape to a minimum sooner.")


def _beale():
    def value(x, y):
        return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2

    def gradient(x, y):
        a = 1.5 - x + x * y
        b = 2.25 - x + x * y ** 2
        c = 2.625 - x + x * y ** 3
        gx = 2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1)
        gy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y ** 2
        return gx, gy

    return Surface(
        "beale", "Beale", "f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        value, gradient, (-4.5, 4.5, -4.5, 4.5), ((3.0, 0.5),), 0.0, (1.0, 1.5),
        "Flat plateaus and very steep walls: the gradient's size varies by orders of magnitude, "
        "which is where adaptive methods (Adam, RMSprop, AdaGrad) shine.")


def _rastrigin():
    two_pi = 2 * np.pi
    return Surface(
        "rastrigin", "Many minima (Rastrigin)", "f(x, y) = 20 + x² + y² − 10·cos 2πx − 10·cos 2πy",
        lambda x, y: 20 + x ** 2 + y ** 2 - 10 * np.cos(two_pi * x) - 10 * np.cos(two_pi * y),
        lambda x, y: (2 * x + 10 * two_pi * np.sin(two_pi * x), 2 * y + 10 * two_pi * np.sin(two_pi * y)),
        (-5.12, 5.12, -5.12, 5.12), ((0.0, 0.0),), 0.0, (3.2, 2.1),
        "Dozens of local minima: gradient descent stops in the nearest one. Gradient noise or momentum "
        "can carry a path over small bumps.")


SURFACES: dict[str, Surface] = {s.key: s for s in (
    _quadratic(), _rosenbrock(), _himmelblau(), _saddle(), _beale(), _rastrigin())}


def get(key: str) -> Surface:
    try:
        return SURFACES[key]
    except KeyError:
        raise ValueError(f"surface must be one of {', '.join(SURFACES)}, got {key!r}") from None


CUSTOM = "custom"   # the race's surface key for a typed formula
DEFAULT_VIEW = (-5.0, 5.0, -5.0, 5.0)


def from_formula(text: str, view=DEFAULT_VIEW) -> Surface:
    """The surface of a formula in x and y (see :mod:`engine.formula`: a whitelisted tree, exact
    gradient), with ``view`` as its view box, the minimum estimated on it and a default start.
    A formula that is not allowed, or not finite anywhere on the view, raises ``ValueError``."""
    try:
        box = tuple(float(v) for v in view)
    except (TypeError, ValueError):
        raise ValueError(f"view must be four numbers (x_min, x_max, y_min, y_max), got {view!r}") from None
    if len(box) != 4 or not all(np.isfinite(box)) or box[0] >= box[1] or box[2] >= box[3]:
        raise ValueError(f"view must be four finite numbers with x_min < x_max and y_min < y_max, got {view!r}")
    return _from_formula(text, box)


@lru_cache(maxsize=32)   # the panel and the worker ask for the same surface; a Surface is frozen
def _from_formula(text: str, view: tuple) -> Surface:
    from engine.formula import parse
    from engine.formula_surface import analyse
    formula = parse(text)
    found = analyse(formula, view)
    where = " and ".join(f"({x:.4g}, {y:.4g})" for x, y in found.minima[:4])
    lesson = " ".join((f"Your formula. Estimated minimum f* = {found.min_value:.6g} at {where} (a grid search "
                       "over the view, then refined); the gradient is exact (symbolic differentiation).",
                       *found.notes))
    return Surface(CUSTOM, "Your formula", f"f(x, y) = {text.strip()}", formula.value, formula.gradient, view,
                   found.minima, found.min_value, found.start, lesson)


def race_surface(key: str, formula: str = "", view: float = DEFAULT_VIEW[1]) -> Surface:
    """The race's surface: a built-in one by its key, or for :data:`CUSTOM` ``formula``'s on the
    square view box [-view, view]²."""
    return from_formula(formula, (-view, view, -view, view)) if key == CUSTOM else get(key)


def check_formula(text: str) -> None:
    """``ValueError`` if ``text`` is not an allowed formula (the formula parameter's check; whether
    it is finite somewhere depends on the view, and :func:`from_formula` says so)."""
    from engine.formula import parse
    parse(text)


@dataclass(frozen=True)
class Path:
    """One optimizer's trajectory: points[k] after k steps, losses[k] = f(points[k])."""
    name: str
    points: np.ndarray
    losses: np.ndarray
    diverged_at: int | None = None  # the step at which the path left any sensible range
    hyperparameters: dict = field(default_factory=dict)
    stopped: str = ""   # why it was cut, when not by a too large step (a typed formula's surface)
    trace: StateTrace | None = None  # the optimizer's gradient and state at every point (engine.explain)

    @property
    def steps_taken(self) -> int:
        return len(self.points) - 1


def run_path(surface: Surface, optimizer: Optimizer, start, steps: int, noise: float = 0.0,
             seed: int = 0, name: str | None = None) -> Path:
    """Run ``optimizer`` on ``surface`` from ``start`` for ``steps`` steps (resets its state first).

    With ``noise > 0`` every gradient gets N(0, noise²) added from a generator seeded with ``seed``,
    so each optimizer sees the same noise sequence. The path ends early, with ``diverged_at`` set,
    when the loss or a coordinate stops being finite or grows past any sensible size.
    """
    steps = STEPS.validate(steps)
    noise = NOISE.validate(noise)
    seed = SEED.validate(seed)
    start = np.asarray(start, dtype=float)
    if start.shape != (2,) or not np.all(np.isfinite(start)):
        raise ValueError(f"start must be two finite numbers (x, y), got {start!r}")
    optimizer.reset()
    rng = np.random.default_rng(seed)
    points = np.empty((steps + 1, 2))
    losses = np.empty(steps + 1)
    recorder = TraceRecorder(optimizer, steps, noise)
    points[0] = start
    losses[0] = values_at(surface, start)[0]
    limit = divergence_limit(surface, losses[0])
    diverged_at, stopped = None, ""
    p = start
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            g = gradients_at(surface, p)
            if noise > 0:
                g = g + rng.normal(0.0, noise, size=2)
            p = optimizer.step(p, g)
            recorder.record(k - 1, g)
            loss = values_at(surface, p)[0] if np.all(np.isfinite(p)) else np.inf
            if not np.isfinite(loss) or loss > limit or np.max(np.abs(p)) > DIVERGENCE_COORD:
                diverged_at = k
                if np.isnan(loss) and np.all(np.isfinite(p)):
                    stopped = "left the region where f is defined"
                elif loss < surface.min_value:
                    stopped = "ran off downhill: f has no minimum that way"
                break
            points[k] = p
            losses[k] = loss
    n = steps + 1 if diverged_at is None else diverged_at
    return Path(name or optimizer.name, points[:n].copy(), losses[:n].copy(), diverged_at,
                optimizer.hyperparameters(), stopped=stopped, trace=recorder.trace(n))


# run_path and the hyper-parameter map (engine.hyper_map) evaluate a surface through these two, on
# arrays of points (a path's one point is an array of one): numpy computes x ** 2 or cos x on a lone
# scalar by another route than on an array, a last-bit difference a diverging path can blow up, and
# the map must equal run_path cell by cell.
def _coordinates(points) -> tuple[np.ndarray, np.ndarray, tuple]:
    """(x, y) as contiguous arrays, and the shape of the points' leading axes."""
    pts = np.asarray(points, dtype=float)
    if pts.shape == (2,):                       # one point (run_path): views of length one
        return pts[0:1], pts[1:2], ()
    flat = pts.reshape(-1, 2)
    return np.ascontiguousarray(flat[:, 0]), np.ascontiguousarray(flat[:, 1]), pts.shape[:-1]


def values_at(surface: Surface, points) -> np.ndarray:
    """f at each point of ``points`` (shape (..., 2)): a flat array, (1,) for one point (2,)."""
    x, y, _ = _coordinates(points)
    v = surface.value(x, y)
    if not (isinstance(v, np.ndarray) and v.shape == x.shape):   # e.g. a constant surface
        v = np.broadcast_to(np.asarray(v, dtype=float), x.shape).copy()
    return v


def gradients_at(surface: Surface, points) -> np.ndarray:
    """∇f at each point: shape (n, 2) for points (n, 2), (2,) for one point (2,)."""
    x, y, lead = _coordinates(points)
    gx, gy = surface.gradient(x, y)
    out = np.empty((len(x), 2))
    out[:, 0], out[:, 1] = gx, gy
    return out.reshape(lead + (2,))


def divergence_limit(surface: Surface, start_loss: float) -> float:
    """The loss above which a path from a start of loss ``start_loss`` counts as diverged."""
    return DIVERGENCE_FACTOR * max(abs(start_loss - surface.min_value), 1.0) + surface.min_value


@dataclass(frozen=True)
class Race:
    """A whole race: every optimizer's path by name, and why any optimizer could not run."""
    paths: dict            # name -> Path
    problems: dict = field(default_factory=dict)   # name -> the reason (its bad hyper-parameter)

    def table(self):
        """One row per path (pandas DataFrame): where it ended, its loss, and when it diverged."""
        import pandas as pd
        return pd.DataFrame({
            "optimizer": list(self.paths),
            "steps": [p.steps_taken for p in self.paths.values()],
            "loss": [float(p.losses[-1]) for p in self.paths.values()],
            "x": [float(p.points[-1, 0]) for p in self.paths.values()],
            "y": [float(p.points[-1, 1]) for p in self.paths.values()],
            "diverged_at": pd.array([p.diverged_at for p in self.paths.values()], dtype="Int64")})


def race_stream(surface: Surface, optimizers: dict, start, steps: int = 50, noise: float = 0.0, seed: int = 0):
    """Run every optimizer from the same start: yields each :class:`Path` as it is done and
    returns a :class:`Race`.

    ``optimizers``: name -> an optimizer, or name -> its hyper-parameters (a dict, the optimizer
    is then made by that name). Hyper-parameters no optimizer accepts leave that optimizer out,
    with the reason in ``Race.problems``; the others still run.
    """
    steps, noise, seed = STEPS.validate(steps), NOISE.validate(noise), SEED.validate(seed)
    paths, problems = {}, {}
    for name, optimizer in optimizers.items():
        if isinstance(optimizer, dict):
            try:
                optimizer = make_optimizer(name, **optimizer)
            except ValueError as exc:
                problems[name] = str(exc)
                continue
        paths[name] = run_path(surface, optimizer, start, steps, noise, seed, name)
        yield paths[name]
    return Race(paths, problems)


def race(surface: Surface, optimizers: dict, start, steps: int = 50,
         noise: float = 0.0, seed: int = 0) -> dict[str, Path]:
    """Run every optimizer from the same start; returns name -> Path (optimizers as in
    :func:`race_stream`; hyper-parameters that make no optimizer raise ``ValueError``)."""
    _, result = drain(race_stream(surface, optimizers, start, steps, noise, seed))
    if result.problems:
        name, why = next(iter(result.problems.items()))
        raise ValueError(f"{name}: {why}")
    return result.paths


# ------------------------------------------------------------------ the race's parameters
SURFACE = Param("surface", "loss surface", "quadratic", kind="choice", choices=tuple(SURFACES) + (CUSTOM,),
                help="The function the optimizers minimise.")
FORMULA = Param("formula", "your formula", "x**2/4 + y**2 - 2*cos(2*x)*cos(y)", kind="text", maximum=300,
                check=check_formula,
                help="The loss surface when the surface is Custom…: a formula in x and y with numbers, pi, e, "
                     "+ - * / **, parentheses and sin cos tan exp log sqrt abs tanh.")
VIEW = Param("view", "view ±", DEFAULT_VIEW[1], minimum=0.1, maximum=1000.0, log=True, decimals=2,
             help="Your formula's view box: x and y from −view to +view. The minimum is searched there.")
START_X = Param("start_x", "start x", SURFACES["quadratic"].default_start[0], minimum=-1e3, maximum=1e3,
                help="Where every optimizer starts: x.")
START_Y = Param("start_y", "start y", SURFACES["quadratic"].default_start[1], minimum=-1e3, maximum=1e3,
                help="Where every optimizer starts: y.")


def _optimizer_params(name: str) -> tuple[Param, ...]:
    on = Param(name, name, False, kind="bool", help=f"Whether {name} takes part in the race.")
    return (on,) + tuple(replace(p, name=f"{name}.{p.name}") for p in OPTIMIZERS[name].PARAMS)


# each optimizer's switch ("SGD") and its hyper-parameters under its name ("SGD.lr", "Momentum.momentum")
OPTIMIZER_PARAMS: dict[str, tuple[Param, ...]] = {name: _optimizer_params(name) for name in OPTIMIZERS}
RACE_PARAMS = ParamSet((SURFACE, FORMULA, VIEW, STEPS, NOISE, SEED, START_X, START_Y)
                       + tuple(p for params in OPTIMIZER_PARAMS.values() for p in params))


def race_settings(values: dict) -> dict:
    """The arguments of :func:`race_stream` from flat race values (missing ones: their defaults)."""
    v = RACE_PARAMS.validate(values)
    optimizers = {name: {p.name.split(".", 1)[1]: v[p.name] for p in params[1:]}
                  for name, params in OPTIMIZER_PARAMS.items() if v[name]}
    return dict(surface=race_surface(v["surface"], v["formula"], v["view"]), optimizers=optimizers, start=(v["start_x"], v["start_y"]),
                steps=v["steps"], noise=v["noise"], seed=v["seed"])


def race_job(**values):
    """:func:`race_stream` from flat race values (see :data:`RACE_PARAMS`): the GUI's job."""
    return race_stream(**race_settings(values))


# the hyper-parameter map (engine/hyper_map.py) is part of this module's API, loaded on first use
# (it builds on everything above, so either module may be imported first)
_MAP_NAMES = ("hyperparameter_map", "map_stream", "map_job", "MapRows", "HyperparameterMap", "MAPPABLE")


def __getattr__(name):
    if name in _MAP_NAMES:
        from engine import hyper_map
        return getattr(hyper_map, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
