"""Section 2 of the tutorial: penalties on the weights of a linear model, and on an MLP.

* :func:`compare_penalties` - no penalty, Ridge (L2), Lasso (L1) and ElasticNet on the
  tutorial's regression data: the table of train/test R2 and non-zero coefficients plus
  the coefficient vectors for the bar charts. About 5 ms for four fits; a slider moves one
  alpha and only that model is refitted (the others are cached): fast enough for a drag.
* :func:`coefficient_paths` - every coefficient as a function of alpha. Lasso and
  ElasticNet use scikit-learn's ``lasso_path`` / ``enet_path`` (one coordinate-descent run
  warm-started from the previous alpha, instead of 50 cold fits); Ridge uses its closed
  form through one SVD of X for all alphas.
* :func:`alpha_sweep` - train and test R2 against alpha for Ridge and Lasso (the
  tutorial's "regularization strength" plot), computed from those paths.
* :func:`mlp_l2_comparison` - the tutorial's MLP with and without an L2 penalty; a
  generator yielding one event per trained network. :func:`mlp_job` adds an alpha of your
  own; :func:`mlp_frame` is the table of the networks trained so far.
* :func:`strength_fits` - the sweep and the Ridge/Lasso paths over the sliders' whole range
  (the first call imports scikit-learn: the lab runs it on a worker).

Scales of alpha, as in scikit-learn (n = number of training samples)::

    Ridge:       ||y - Xw||^2 + alpha ||w||^2
    Lasso:       1/(2n) ||y - Xw||^2 + alpha ||w||_1
    ElasticNet:  1/(2n) ||y - Xw||^2 + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio)/2 ||w||^2

All fit an intercept (not penalised), which is the same as centring X and y first.

Convergence: coordinate descent can stop at ``max_iter`` before reaching its tolerance
(small alphas on correlated features). scikit-learn then emits a ``ConvergenceWarning``;
this module silences that warning class around its own fits (nobody in a GUI would see
it, and this project treats warnings as errors) and reports it in the result instead
(``not_converged`` / ``converged``) so the app can say so on screen.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generator

import numpy as np

from engine.arrays import readonly
from engine.blas import limit_blas, single_threaded
from engine.params import Param, ParamSet
from engine.quiet import convergence_ignored

MODEL_NAMES = ("No Regularization", "L2 (Ridge)", "L1 (Lasso)", "ElasticNet")
NONZERO_THRESHOLD = 0.01  # the tutorial counts |coef| > 0.01 as non-zero
LASSO_MAX_ITER = 10_000   # the tutorial's sweep uses 10000; fits that converge earlier are unaffected

ALPHA_RIDGE = Param("alpha_ridge", "Ridge alpha", 1.0, minimum=1e-4, maximum=1e3, log=True, decimals=4,
                    help="Strength of the L2 penalty alpha * ||w||^2 (scikit-learn's Ridge scale).")
ALPHA_LASSO = Param("alpha_lasso", "Lasso alpha", 0.1, minimum=1e-4, maximum=1e3, log=True, decimals=4,
                    help="Strength of the L1 penalty alpha * ||w||_1 (loss scaled by 1/(2n)).")
ALPHA_ENET = Param("alpha_enet", "ElasticNet alpha", 0.1, minimum=1e-4, maximum=1e3, log=True, decimals=4,
                   help="Overall strength of the ElasticNet penalty.")
L1_RATIO = Param("l1_ratio", "l1_ratio", 0.5, minimum=0.0, maximum=1.0, decimals=2,
                 help="ElasticNet's mix: 1 is pure L1 (Lasso), 0 is pure L2 (Ridge-like).")
MLP_ALPHA = Param("alpha", "MLP L2 alpha", 0.01, minimum=0.0, maximum=100.0, decimals=4,
                  help="MLPClassifier's L2 penalty on the weights (0 = none).")
TUTORIAL_MLP_ALPHAS = (0.0, 0.01)
# the third alpha the lab compares with the tutorial's two (a log slider: it cannot be 0)
YOUR_ALPHA = Param("alpha", "your alpha", 1.0, minimum=1e-4, maximum=100.0, log=True, decimals=4,
                   help="A third L2 strength to compare with the tutorial's 0 and 0.01.")

PARAMS = ParamSet((ALPHA_RIDGE, ALPHA_LASSO, ALPHA_ENET, L1_RATIO))
KINDS = ("ridge", "lasso", "elasticnet")
ALPHA_OF = {"ridge": "alpha_ridge", "lasso": "alpha_lasso", "elasticnet": "alpha_enet"}   # kind -> its Param
MODEL_KINDS = dict(zip(MODEL_NAMES[1:], KINDS))    # penalised model's name -> kind
# the sliders' whole range, 10 points per decade: the strength plots and paths
SWEEP_ALPHAS = np.logspace(np.log10(ALPHA_RIDGE.minimum), np.log10(ALPHA_RIDGE.maximum), 71)


def default_data(data=None):
    """``data``, or (None) the tutorial's regression split (cached)."""
    if data is None:
        from engine.datasets import regression_split
        return regression_split()
    return data


def test_above_train_note(train_r2: float, test_r2: float, n_test: int = 40) -> str:
    """Why a test R² above the train R² is no mistake ("" when it is not above)."""
    if not test_r2 > train_r2:
        return ""
    return (f"Test R² ({test_r2:.4f}) is above train R² ({train_r2:.4f}): not a mistake. R² divides the "
            f"error by the spread of the targets, and the {n_test} test samples are few: this split's test "
            f"targets happen to be easier (less noise relative to their spread). Another split could reverse it.")


def _r2(y, pred) -> float:
    """Coefficient of determination, as scikit-learn's ``score``."""
    resid = float(np.sum((y - pred) ** 2))
    total = float(np.sum((y - np.mean(y)) ** 2))
    return 1.0 - resid / total



@dataclass(frozen=True)
class PenaltyComparison:
    """Result of :func:`compare_penalties`."""
    table: "object"                      # pandas DataFrame: Model, Train R2, Test R2, Non-zero Coefs
    coefs: dict                          # model name -> coefficient vector (read-only)
    intercepts: dict                     # model name -> intercept
    informative: np.ndarray              # indices of the truly informative features
    true_coef: np.ndarray | None         # the coefficients the data were generated with
    settings: dict                       # the validated alphas and l1_ratio
    not_converged: tuple = ()            # models whose solver stopped at max_iter

    def is_informative(self) -> np.ndarray:
        """A bool per feature: does it carry signal?"""
        flags = np.zeros(len(next(iter(self.coefs.values()))), dtype=bool)
        flags[self.informative] = True
        return flags

    def zeroed(self, name: str) -> tuple[int, int]:
        """How many (noise, informative) coefficients of model ``name`` are (nearly) zero."""
        zero = np.abs(np.asarray(self.coefs[name])) <= NONZERO_THRESHOLD
        informative = self.is_informative()
        return int((zero & ~informative).sum()), int((zero & informative).sum())

    def alpha(self, name: str) -> float | None:
        """The alpha of model ``name`` (None for the unpenalised one)."""
        kind = MODEL_KINDS.get(name)
        return None if kind is None else self.settings[ALPHA_OF[kind]]


FIT_CACHE_SIZE = 256   # fits of one model on the tutorial's data, by its hyperparameters (~2 KB each)


@dataclass(frozen=True)
class _ModelFit:
    coef: np.ndarray         # read-only
    intercept: float
    train_r2: float
    test_r2: float
    converged: bool


def _model(name: str, hyper: tuple):
    from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
    if name == MODEL_NAMES[0]:
        return LinearRegression()
    if name == MODEL_NAMES[1]:
        return Ridge(alpha=hyper[0])
    if name == MODEL_NAMES[2]:
        return Lasso(alpha=hyper[0], max_iter=LASSO_MAX_ITER)
    return ElasticNet(alpha=hyper[0], l1_ratio=hyper[1], max_iter=LASSO_MAX_ITER)


def _fit_model(name: str, hyper: tuple, data) -> _ModelFit:
    model = _model(name, hyper)
    with convergence_ignored():
        model.fit(data.X_train, data.y_train)
    coef = readonly(model.coef_)
    intercept = float(model.intercept_)
    # R² from the coefficients, as scikit-learn's score (its input checks cost more than the fit)
    train_r2 = _r2(data.y_train, data.X_train @ coef + intercept)
    test_r2 = _r2(data.y_test, data.X_test @ coef + intercept)
    converged = name not in (MODEL_NAMES[2], MODEL_NAMES[3]) or model.n_iter_ < model.max_iter
    return _ModelFit(coef, intercept, train_r2, test_r2, converged)


@lru_cache(maxsize=FIT_CACHE_SIZE)
def _fit_on_tutorial_data(name: str, hyper: tuple) -> _ModelFit:
    return _fit_model(name, hyper, default_data())


def compare_penalties(alpha_ridge=1.0, alpha_lasso=0.1, alpha_enet=0.1, l1_ratio=0.5,
                      data=None) -> PenaltyComparison:
    """Fit the tutorial's four linear models; at the defaults this is the tutorial's table.

    ``data`` is a :class:`engine.datasets.Split` (default: the tutorial's regression set). On the
    tutorial's data each model's fit is kept by its hyperparameters (:data:`FIT_CACHE_SIZE`): a
    slider moves one alpha, and only that model is refitted.
    """
    settings = PARAMS.validate({"alpha_ridge": alpha_ridge, "alpha_lasso": alpha_lasso,
                                "alpha_enet": alpha_enet, "l1_ratio": l1_ratio})
    import pandas as pd

    hypers = {MODEL_NAMES[0]: (), MODEL_NAMES[1]: (settings["alpha_ridge"],),
              MODEL_NAMES[2]: (settings["alpha_lasso"],),
              MODEL_NAMES[3]: (settings["alpha_enet"], settings["l1_ratio"])}
    rows, coefs, intercepts, not_converged = [], {}, {}, []
    for name, hyper in hypers.items():
        fit = _fit_on_tutorial_data(name, hyper) if data is None else _fit_model(name, hyper, data)
        if not fit.converged:
            not_converged.append(name)
        coefs[name] = fit.coef
        intercepts[name] = fit.intercept
        rows.append({"Model": name, "Train R2": fit.train_r2, "Test R2": fit.test_r2,
                     "Non-zero Coefs": int(np.sum(np.abs(fit.coef) > NONZERO_THRESHOLD))})
    data = default_data(data)
    informative = data.informative if data.informative is not None else np.array([], dtype=int)
    return PenaltyComparison(table=pd.DataFrame(rows), coefs=coefs, intercepts=intercepts,
                             informative=informative, true_coef=data.true_coef, settings=settings,
                             not_converged=tuple(not_converged))


@dataclass(frozen=True)
class CoefficientPath:
    """Coefficients as a function of alpha, in the order of ``alphas`` given."""
    kind: str
    alphas: np.ndarray       # (n_alphas,)
    coefs: np.ndarray        # (n_alphas, n_features)
    intercepts: np.ndarray   # (n_alphas,)
    l1_ratio: float | None = None
    converged: np.ndarray = field(default=None)  # (n_alphas,) bool

    def at(self, alpha) -> np.ndarray:
        """Coefficients at ``alpha``, interpolated linearly in log(alpha) (clamped at the ends)."""
        order = np.argsort(self.alphas)
        log_a = np.log(self.alphas[order])
        x = np.log(float(alpha))
        return np.array([np.interp(x, log_a, c) for c in self.coefs[order].T])

    def predict(self, X) -> np.ndarray:
        """Predictions of every model on the path: shape (n_alphas, n_samples)."""
        return self.coefs @ np.asarray(X, dtype=float).T + self.intercepts[:, None]


def _check_alphas(alphas) -> np.ndarray:
    a = np.atleast_1d(np.asarray(alphas, dtype=float))
    if a.ndim != 1 or a.size == 0:
        raise ValueError("alphas must be a non-empty list of positive numbers")
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ValueError(f"alphas must be positive finite numbers, got {alphas!r}")
    return a


def default_alphas() -> np.ndarray:
    """The tutorial's grid: 50 alphas from 1e-4 to 1e2, evenly spaced on a log scale."""
    return np.logspace(-4, 2, 50)


def coefficient_paths(kind="lasso", alphas=None, l1_ratio=0.5, data=None) -> CoefficientPath:
    """Every coefficient at every alpha, for ``kind`` in ``"ridge"``, ``"lasso"``, ``"elasticnet"``.

    Lasso/ElasticNet: ``lasso_path``/``enet_path`` on centred data (they fit no intercept;
    centring is what the estimators' intercept does), warm-started along decreasing alpha.
    Ridge: with ``Xc = U diag(s) V^T``, ``w(alpha) = V diag(s / (s^2 + alpha)) U^T yc``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    alphas = default_alphas() if alphas is None else _check_alphas(alphas)
    data = default_data(data)
    X = np.asarray(data.X_train, dtype=float)
    y = np.asarray(data.y_train, dtype=float)
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean

    if kind == "ridge":
        U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
        uty = U.T @ yc
        shrink = s / (s * s + alphas[:, None])          # (n_alphas, k)
        coefs = (shrink * uty) @ Vt                      # (n_alphas, n_features)
        converged = np.ones(len(alphas), dtype=bool)
        ratio = None
    else:
        from sklearn.linear_model import enet_path

        ratio = 1.0 if kind == "lasso" else L1_RATIO.validate(l1_ratio)
        with convergence_ignored():
            # enet_path sorts alphas in decreasing order (warm starts go from sparse to dense)
            path_alphas, path_coefs, _, n_iter = enet_path(
                Xc, yc, l1_ratio=ratio, alphas=alphas, max_iter=LASSO_MAX_ITER, return_n_iter=True)
        # map back to the caller's order
        order = np.argsort(-alphas, kind="stable")
        coefs = np.empty((len(alphas), X.shape[1]))
        coefs[order] = path_coefs.T
        converged = np.empty(len(alphas), dtype=bool)
        converged[order] = np.asarray(n_iter) < LASSO_MAX_ITER
    intercepts = y_mean - coefs @ x_mean
    return CoefficientPath(kind=kind, alphas=readonly(alphas), coefs=readonly(coefs),
                           intercepts=readonly(intercepts), l1_ratio=ratio,
                           converged=converged)


def alpha_sweep(alphas=None, data=None):
    """Train and test R2 of Ridge and Lasso at each alpha (default: the tutorial's 50).

    Returns a DataFrame with columns ``alpha, ridge_train, ridge_test, lasso_train,
    lasso_test, lasso_converged``. Computed from :func:`coefficient_paths` (about 5 ms)
    rather than 100 separate fits (about 50 ms); the results agree to solver tolerance.
    """
    import pandas as pd

    alphas = default_alphas() if alphas is None else _check_alphas(alphas)
    data = default_data(data)
    out = {"alpha": alphas}
    for kind in ("ridge", "lasso"):
        path = coefficient_paths(kind, alphas, data=data)
        for part, X, y in (("train", data.X_train, data.y_train), ("test", data.X_test, data.y_test)):
            pred = path.predict(X)
            out[f"{kind}_{part}"] = np.array([_r2(y, p) for p in pred])
        if kind == "lasso":
            out["lasso_converged"] = path.converged
    return pd.DataFrame(out)


@dataclass(frozen=True)
class StrengthFits:
    """Result of :func:`strength_fits`: the alpha sweep and the Ridge and Lasso paths."""
    sweep: "object"          # DataFrame of alpha_sweep()
    paths: dict              # "ridge", "lasso" -> CoefficientPath

    def best(self, kind: str) -> tuple[float, float]:
        """(alpha, test R2) of the best test score of ``kind`` on the grid."""
        test = self.sweep[f"{kind}_test"].to_numpy()
        i = int(np.argmax(test))
        return float(self.sweep["alpha"].iloc[i]), float(test[i])


def strength_fits(alphas=None):
    """A generator (no events) returning the :class:`StrengthFits` over ``alphas`` (default:
    SWEEP_ALPHAS). Its first call imports scikit-learn (about 2 s): run it on a worker."""
    alphas = SWEEP_ALPHAS if alphas is None else _check_alphas(alphas)
    yield from ()
    return StrengthFits(sweep=alpha_sweep(alphas), paths={kind: coefficient_paths(kind, alphas)
                                                         for kind in ("ridge", "lasso")})


@dataclass(frozen=True)
class MLPFitted:
    """Event of :func:`mlp_l2_comparison`: one network finished training."""
    index: int
    total: int
    alpha: float
    train_accuracy: float
    test_accuracy: float
    n_iter: int
    converged: bool
    seconds: float


def mlp_l2_comparison(alphas=(0.0, 0.01), hidden_layer_sizes=(100, 50), max_iter=500, random_state=42,
                      data=None) -> Generator[MLPFitted, None, object]:
    """The tutorial's MLPClassifier with each L2 ``alpha``; yields one event per network.

    Returns a DataFrame (Alpha, Train Acc, Test Acc, Iterations, Converged). At the
    defaults on the tutorial's classification set, both reach train 1.0000 / test 0.8700.
    Each fit takes about 0.2 s; the generator can be closed between fits.
    """
    alphas = tuple(MLP_ALPHA.validate(a) for a in alphas)
    if not alphas:
        raise ValueError("alphas must contain at least one value")
    max_iter = Param("max_iter", "max iterations", 500, kind="int", minimum=1, maximum=100_000).validate(max_iter)
    random_state = Param("random_state", "seed", 42, kind="int", minimum=0,
                         maximum=2**32 - 1).validate(random_state)
    hidden = tuple(Param("hidden", "hidden layer size", 100, kind="int", minimum=1, maximum=10_000).validate(h)
                   for h in hidden_layer_sizes)
    # Arguments are checked now, at the call; data loading (scikit-learn's import) and
    # fitting start at the first next(), on whichever thread runs the generator.
    return _mlp_runs(alphas, hidden, max_iter, random_state, data)


def _mlp_runs(alphas, hidden_layer_sizes, max_iter, random_state, data):
    if data is None:
        from engine.datasets import classification_split
        data = classification_split()
    import pandas as pd
    from sklearn.neural_network import MLPClassifier

    rows = []
    for i, alpha in enumerate(alphas):
        start = time.perf_counter()
        model = MLPClassifier(hidden_layer_sizes=tuple(hidden_layer_sizes), max_iter=max_iter,
                              alpha=alpha, random_state=random_state)
        with convergence_ignored(), limit_blas(1):  # ~10x faster than threaded BLAS on 2 shared cores
            model.fit(data.X_train, data.y_train)
        event = MLPFitted(
            index=i, total=len(alphas), alpha=alpha,
            train_accuracy=float(model.score(data.X_train, data.y_train)),
            test_accuracy=float(model.score(data.X_test, data.y_test)),
            n_iter=int(model.n_iter_), converged=bool(model.n_iter_ < max_iter),
            seconds=time.perf_counter() - start,
        )
        rows.append({"Alpha": alpha, "Train Acc": event.train_accuracy, "Test Acc": event.test_accuracy,
                     "Iterations": event.n_iter, "Converged": event.converged})
        yield event
    return pd.DataFrame(rows)


def mlp_alphas(alpha) -> tuple:
    """The tutorial's alphas and ``alpha`` (YOUR_ALPHA) if it is not one of them."""
    alpha = YOUR_ALPHA.validate(alpha)
    return TUTORIAL_MLP_ALPHAS + ((alpha,) if alpha not in TUTORIAL_MLP_ALPHAS else ())


def mlp_job(alpha=YOUR_ALPHA.default):
    """:func:`mlp_l2_comparison` of :func:`mlp_alphas`, with BLAS limited to one thread while each
    network trains.

    A multi-threaded BLAS in scikit-learn's MLP was up to 10x slower on this 2-core machine
    (shared with the GUI thread and other runs). engine.blas scans the native libraries once,
    under a lock: scanning them from a worker while another thread imports scikit-learn
    crashed the process.
    """
    return single_threaded(mlp_l2_comparison(alphas=mlp_alphas(alpha)))


def mlp_frame(alphas, events=()):
    """The table of the lab's MLPs: one row per alpha (columns alpha, Train acc, Test acc,
    Iterations, Seconds); networks not trained yet (no event) have missing values."""
    import pandas as pd

    done = {e.index: e for e in events}
    rows = []
    for i, alpha in enumerate(alphas):
        e = done.get(i)
        rows.append({"alpha": alpha,
                     "Train acc": e.train_accuracy if e else None, "Test acc": e.test_accuracy if e else None,
                     "Iterations": e.n_iter if e else None, "Seconds": e.seconds if e else None})
    return pd.DataFrame(rows, columns=["alpha", "Train acc", "Test acc", "Iterations", "Seconds"])


@dataclass(frozen=True)
class L2Effect:
    """What the lab says about the MLPs of :func:`mlp_job`."""
    none: MLPFitted | None          # alpha 0
    tutorial: MLPFitted | None      # alpha 0.01
    yours: MLPFitted | None         # the third alpha, if any
    not_converged: tuple            # alphas that stopped at the iteration limit

    @property
    def no_change(self) -> bool:
        """The tutorial's penalty left test accuracy exactly where it was."""
        return self.none.test_accuracy == self.tutorial.test_accuracy


def l2_effect(events) -> L2Effect:
    """Compare the trained networks (MLPFitted events) as the tutorial does."""
    by_alpha = {e.alpha: e for e in events}
    yours = [e for e in events if e.alpha not in TUTORIAL_MLP_ALPHAS]
    return L2Effect(none=by_alpha.get(TUTORIAL_MLP_ALPHAS[0]), tutorial=by_alpha.get(TUTORIAL_MLP_ALPHAS[1]),
                    yours=yours[0] if yours else None,
                    not_converged=tuple(e.alpha for e in events if not e.converged))
