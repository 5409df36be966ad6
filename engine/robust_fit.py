"""Three straight lines through the same points: squared, absolute and Huber loss.

The demo of the Loss functions tab: drag one outlier and watch the squared-loss line swing
while the absolute-loss (median) line barely moves and the Huber line sits in between.

``fit_lines(x, y, delta)`` fits

* squared loss: ordinary least squares, what ``sklearn.linear_model.LinearRegression`` fits;
* absolute loss: least absolute deviations, the median regression of
  ``QuantileRegressor(quantile=0.5, alpha=0, solver="highs")``;
* Huber loss: ``HuberRegressor(epsilon=delta, alpha=0)``.

How ``delta`` maps to HuberRegressor's ``epsilon``
    The Huber loss of the loss plot switches from squared to linear at ``|error| = delta``,
    with delta in the units of y. HuberRegressor cannot use a fixed threshold in y units
    (it would change meaning whenever y is rescaled), so it estimates a noise scale sigma
    together with the line and switches at ``|error| = epsilon * sigma``: it minimises
    ``sum_i sigma + H(r_i / sigma) * sigma`` with ``H(z) = z^2`` for ``|z| <= epsilon`` and
    ``2 epsilon |z| - epsilon^2`` beyond. Here ``delta`` is passed as ``epsilon``: the same
    idea (the error size at which squaring stops) measured in noise-scale units instead of
    y units. The fitted ``sigma`` and the threshold in y units, ``delta * sigma``, are
    returned so the GUI can draw the band. ``epsilon`` must be at least 1 (scikit-learn's
    rule); 1.35 is the usual choice (95 % as efficient as least squares on Gaussian noise).

Speed
    ``method="fast"`` (default) uses small exact solvers written here: the least-squares
    closed form, exact least absolute deviations by checking every line through two points
    (the optimum of this 2-parameter linear programme is always such a line), and for
    HuberRegressor's jointly convex objective the closed-form optimum of the current
    inlier/outlier split, safeguarded by Levenberg-Marquardt steps (``huber_line``).
    For the demo's 20 points a
    call takes well under a millisecond, so refitting inside a 16 ms frame while the
    outlier is dragged is safe, and scikit-learn (about 2 s to import, a few ms per fit) is
    kept out of the drag. ``method="sklearn"`` runs the three scikit-learn estimators
    (imported lazily); the tests use it as the reference. Above ``EXACT_LAD_MAX_POINTS``
    points the absolute-loss line comes from scikit-learn.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from engine.params import Param, ParamSet

FIT_DELTA = Param(
    "delta", "Huber delta (noise-scale units)", 1.35, minimum=1.0, maximum=10.0, decimals=2,
    help="Residuals larger than delta times the estimated noise scale are treated linearly "
         "(like MAE) instead of squared. Passed to HuberRegressor as epsilon; at least 1.")
PARAMS = ParamSet((FIT_DELTA,))

#: Largest number of points for the exact pair-enumeration LAD solver (O(n^3) work).
EXACT_LAD_MAX_POINTS = 300


class Line(NamedTuple):
    slope: float
    intercept: float

    def predict(self, x) -> np.ndarray:
        return self.intercept + self.slope * np.asarray(x, dtype=float)


@dataclass(frozen=True)
class FitResult:
    squared: Line
    absolute: Line
    huber: Line
    huber_scale: float  # sigma estimated with the Huber line
    delta: float        # = HuberRegressor's epsilon
    method: str

    @property
    def huber_threshold(self) -> float:
        """Residual size (in y units) beyond which the Huber fit treats a point linearly."""
        return self.delta * self.huber_scale

    def lines(self) -> dict[str, Line]:
        return {"squared": self.squared, "absolute": self.absolute, "huber": self.huber}


class DemoPoints(NamedTuple):
    x: np.ndarray
    y: np.ndarray
    outlier_index: int


# --------------------------------------------------------------------------- inputs
def _xy(func: str, x, y, min_points: int = 3) -> tuple[np.ndarray, np.ndarray]:
    out = []
    for name, values in (("x", x), ("y", y)):
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{func}: {name} must contain only numbers") from None
        if arr.ndim != 1:
            raise ValueError(f"{func}: {name} must be a flat list of numbers (1-D), got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{func}: {name} contains NaN or infinity; every value must be a finite number")
        out.append(arr)
    x, y = out
    if x.size != y.size:
        raise ValueError(f"{func}: x has {x.size} values but y has {y.size}; one y per x")
    if x.size < min_points:
        why = "to compare fitted lines" if min_points > 2 else "to fit a line"
        raise ValueError(f"{func}: needs at least {min_points} points {why}, got {x.size}")
    if np.ptp(x) == 0.0:
        raise ValueError(f"{func}: all x values are equal ({x[0]:g}); a line needs at least two different x")
    return x, y


# --------------------------------------------------------------------------- exact solvers
def least_squares_line(x: np.ndarray, y: np.ndarray) -> Line:
    """The least-squares line (raises ValueError for fewer than 2 points or one single x)."""
    x, y = _xy("least_squares_line", x, y, min_points=2)
    xm, ym = x.mean(), y.mean()
    dx = x - xm
    slope = float(np.dot(dx, y - ym) / np.dot(dx, dx))
    return Line(slope, float(ym - slope * xm))


def lad_line(x: np.ndarray, y: np.ndarray) -> Line:
    """Least absolute deviations line, exactly: the best of all lines through two points.

    LAD is a linear programme in (intercept, slope); its optimum is attained at a vertex,
    i.e. at a line through two data points with different x. Checking all of them costs
    O(n^3) arithmetic, done in blocks with numpy; trivial for demo sizes. Raises ValueError
    for fewer than 2 points or when all x are equal (no line through two points exists).
    """
    x, y = _xy("lad_line", x, y, min_points=2)
    n = x.size
    i, j = np.triu_indices(n, k=1)
    keep = x[i] != x[j]
    i, j = i[keep], j[keep]
    slopes = (y[j] - y[i]) / (x[j] - x[i])
    intercepts = y[i] - slopes * x[i]
    best_cost, best = math.inf, 0
    block = max(1, 400_000 // n)
    for start in range(0, slopes.size, block):
        b = slopes[start:start + block, None]
        a = intercepts[start:start + block, None]
        cost = np.abs(y[None, :] - a - b * x[None, :]).sum(axis=1)
        k = int(np.argmin(cost))
        if cost[k] < best_cost:
            best_cost, best = float(cost[k]), start + k
    return Line(float(slopes[best]), float(intercepts[best]))


def huber_objective(x, y, slope: float, intercept: float, sigma: float, epsilon: float) -> float:
    """HuberRegressor's objective (alpha = 0): ``sum_i sigma + H_eps(r_i / sigma) sigma``.

    At ``sigma = 0`` it is the limit ``2 eps sum |r_i|``.
    """
    r = np.abs(np.asarray(y, float) - intercept - slope * np.asarray(x, float))
    if sigma == 0.0:
        return float(2.0 * epsilon * r.sum())
    out = r > epsilon * sigma
    return float(r.size * sigma + np.sum(r[~out] ** 2) / sigma
                 + np.sum(2.0 * epsilon * r[out] - sigma * epsilon ** 2))


def _huber_partition_optimum(x, y, epsilon, inliers, signs):
    """Exact minimiser of the objective for a fixed inlier set and fixed outlier signs.

    With the inliers I and outlier signs s fixed the objective is
    ``c sigma + (1/sigma) sum_I r^2 + 2 eps sum_O s r`` with ``c = n - eps^2 |O|``.
    For fixed sigma the best line is ``w_I + sigma d`` (``w_I`` the least-squares line of
    the inliers, ``d = eps A^-1 sum_O s z``, ``A = sum_I z z^T``, ``z = (1, x)``); putting
    it back leaves ``(c - d^T A d) sigma + Q0 / sigma + const``, minimised at
    ``sigma = sqrt(Q0 / (c - d^T A d))``. Returns None when that model has no minimum.
    """
    xi, yi = x[inliers], y[inliers]
    if xi.size < 2:
        return None
    a11, a12, a22 = float(xi.size), float(xi.sum()), float(np.dot(xi, xi))
    det = a11 * a22 - a12 * a12
    if det <= 1e-12 * a11 * a22:
        return None
    b1, b2 = float(yi.sum()), float(np.dot(xi, yi))
    w = np.array([(a22 * b1 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det])
    u = np.array([signs.sum(), np.dot(signs, x[~inliers])])
    d = epsilon * np.array([(a22 * u[0] - a12 * u[1]) / det, (a11 * u[1] - a12 * u[0]) / det])
    r0 = yi - w[0] - w[1] * xi
    q0 = float(np.dot(r0, r0))
    k = x.size - epsilon ** 2 * (x.size - xi.size) - float(d @ np.array([[a11, a12], [a12, a22]]) @ d)
    if k <= 0.0 or q0 <= 0.0:
        return None
    sigma = math.sqrt(q0 / k)
    return np.array([w[0] + sigma * d[0], w[1] + sigma * d[1], sigma])


def huber_line(x: np.ndarray, y: np.ndarray, epsilon: float, start: Line | None = None,
               max_iter: int = 200) -> tuple[Line, float]:
    """Minimise HuberRegressor's objective (alpha = 0) jointly over (intercept, slope, sigma).

    The objective is convex (each term is the perspective of a convex function) and
    continuously differentiable for sigma > 0. For a fixed split into inliers
    (``|r| <= eps sigma``) and outliers it has a closed-form minimiser
    (:func:`_huber_partition_optimum`); when that minimiser produces the same split it is
    the global optimum. Each iteration jumps to the closed form of the current split if
    that lowers the objective, and otherwise takes a Levenberg-Marquardt step (Newton with
    adaptive damping: the Hessian is singular when few points are inside the band), which
    always lowers it. The infimum can lie at sigma -> 0, where the objective tends to
    ``2 eps sum |r|`` and the best line is the LAD line: that happens at ``epsilon = 1``
    (every term is then >= 2|r|) and for epsilon slightly above 1 when only the two points
    the LAD line passes through would be inliers. Then the LAD line and sigma = 0 are
    returned.
    """
    if start is None:
        start = lad_line(x, y)
    n = x.size
    r0 = y - start.intercept - start.slope * x
    lad_value = 2.0 * epsilon * float(np.abs(r0).sum())
    if epsilon <= 1.0 or not np.any(r0):
        return start, 0.0
    sigma = max(1.4826 * float(np.median(np.abs(r0))), 1e-3 * float(np.abs(r0).max()))
    theta = np.array([start.intercept, start.slope, sigma])
    ones = np.ones(n)
    eps2 = epsilon * epsilon

    def objective(t):
        if not (t[2] > 0.0 and np.all(np.isfinite(t))):
            return math.inf
        with np.errstate(over="ignore", invalid="ignore"):
            value = huber_objective(x, y, t[1], t[0], t[2], epsilon)
        return value if math.isfinite(value) else math.inf

    def split(t):
        r = y - t[0] - t[1] * x
        inl = np.abs(r) <= epsilon * t[2]
        return r, inl, np.sign(r[~inl])

    f = objective(theta)
    lam = 1e-3
    for _ in range(max_iter):
        r, inl, signs = split(theta)
        cand = _huber_partition_optimum(x, y, epsilon, inl, signs)
        if cand is not None:
            fc = objective(cand)
            if fc <= f:
                theta, f = cand, fc
                _, inl_c, signs_c = split(cand)
                if np.array_equal(inl_c, inl) and np.array_equal(signs_c, signs):
                    break  # stationary point of a convex function: the optimum
                continue
        # Levenberg-Marquardt step on the full objective
        a, b, s = theta
        ri, xi = r[inl], x[inl]
        grad = np.array([
            -2.0 * ri.sum() / s - 2.0 * epsilon * signs.sum(),
            -2.0 * np.dot(ri, xi) / s - 2.0 * epsilon * np.dot(signs, x[~inl]),
            n - np.dot(ri, ri) / (s * s) - eps2 * (n - ri.size),
        ])
        v = np.stack([ones[inl], xi, ri / s])
        hess = (2.0 / s) * (v @ v.T)
        scale = np.maximum(np.diag(hess), [n / s, float(np.dot(x, x)) / s, n / s])
        accepted = False
        while lam < 1e15:
            step = np.linalg.solve(hess + lam * np.diag(scale), grad)
            cand = theta - step
            fc = objective(cand)
            if fc < f:
                accepted = True
                break
            lam *= 4.0
        if not accepted:
            break  # no descent direction left at working precision
        theta, f = cand, fc
        lam = max(lam / 8.0, 1e-12)
    if lad_value <= f or theta[2] <= 1e-12 * float(np.abs(r0).max()):
        return start, 0.0
    return Line(float(theta[1]), float(theta[0])), float(theta[2])


# --------------------------------------------------------------------------- public API
def fit_lines(x, y, delta: float = 1.35, method: str = "fast") -> FitResult:
    """Squared-, absolute- and Huber-loss lines through (x, y); see the module docstring."""
    func = "fit_lines"
    x, y = _xy(func, x, y)
    try:
        delta = FIT_DELTA.validate(delta)
    except ValueError as exc:
        raise ValueError(f"{func}: {exc} (HuberRegressor needs epsilon >= 1)") from None
    if method == "fast":
        squared = least_squares_line(x, y)
        absolute = lad_line(x, y) if x.size <= EXACT_LAD_MAX_POINTS else _sklearn_lad(x, y)
        huber, sigma = huber_line(x, y, delta, start=absolute)
        return FitResult(squared, absolute, huber, sigma, delta, method)
    if method == "sklearn":
        return _sklearn_fit(x, y, delta)
    raise ValueError(f"{func}: method must be 'fast' or 'sklearn', got {method!r}")


def _sklearn_lad(x: np.ndarray, y: np.ndarray) -> Line:
    from sklearn.linear_model import QuantileRegressor

    model = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(x[:, None], y)
    return Line(float(model.coef_[0]), float(model.intercept_))


def _sklearn_fit(x: np.ndarray, y: np.ndarray, delta: float) -> FitResult:
    from sklearn.linear_model import HuberRegressor, LinearRegression

    X = x[:, None]
    ls = LinearRegression().fit(X, y)
    # A tight gradient tolerance makes L-BFGS-B precise enough to serve as a reference, but on
    # this piecewise objective its line search sometimes ends "ABNORMAL" near the optimum,
    # which HuberRegressor reports as a ValueError; then retry with looser tolerances.
    for tol in (1e-10, 1e-7, 1e-5):
        try:
            hub = HuberRegressor(epsilon=delta, alpha=0.0, max_iter=1000, tol=tol).fit(X, y)
            break
        except ValueError as exc:
            if "convergence failed" not in str(exc) or tol == 1e-5:
                raise
    return FitResult(
        squared=Line(float(ls.coef_[0]), float(ls.intercept_)),
        absolute=_sklearn_lad(x, y),
        huber=Line(float(hub.coef_[0]), float(hub.intercept_)),
        huber_scale=float(hub.scale_), delta=delta, method="sklearn")


def default_points(seed: int | np.random.Generator = 0, n: int = 20, outlier_shift: float = 8.0) -> DemoPoints:
    """Demo data: n points near y = 0.5 x + 1 (x in [0, 10], noise sd 0.3) and one outlier.

    The outlier is the point at three quarters of the x range, lifted by ``outlier_shift``:
    far enough to the right to pull the least-squares slope visibly.
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or not 5 <= n <= 200:
        raise ValueError(f"default_points: n must be a whole number in [5, 200], got {n!r}")
    if not np.isfinite(outlier_shift):
        raise ValueError(f"default_points: outlier_shift must be a finite number, got {outlier_shift!r}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 10.0, n))
    y = 0.5 * x + 1.0 + rng.normal(0.0, 0.3, n)
    outlier = int(round(0.75 * (n - 1)))
    y[outlier] += outlier_shift
    return DemoPoints(x, y, outlier)
