"""Section 2 of the tutorial: penalties on the weights of a linear model, and on an MLP.

* :func:`compare_penalties` - no penalty, Ridge (L2), Lasso (L1) and ElasticNet on the
  tutorial's regression data: the table of train/test R2 and non-zero coefficients plus
  the coefficient vectors for the bar charts. About 5 ms: fast enough to refit while an
  alpha slider moves.
* :func:`coefficient_paths` - every coefficient as a function of alpha. Lasso and
  ElasticNet use scikit-learn's ``lasso_path`` / ``enet_path`` (one coordinate-descent run
  warm-started from the previous alpha, instead of 50 cold fits); Ridge uses its closed
  form through one SVD of X for all alphas.
* :func:`alpha_sweep` - train and test R2 against alpha for Ridge and Lasso (the
  tutorial's "regularization strength" plot), computed from those paths.
* :func:`mlp_l2_comparison` - the tutorial's MLP with and without an L2 penalty; a
  generator yielding one event per trained network.

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
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Generator

import numpy as np

from engine.blas import limit_blas
from engine.params import Param, ParamSet

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

PARAMS = ParamSet((ALPHA_RIDGE, ALPHA_LASSO, ALPHA_ENET, L1_RATIO))
KINDS = ("ridge", "lasso", "elasticnet")


def _default_data(data):
    if data is None:
        from engine.datasets import regression_split
        return regression_split()
    return data


def _r2(y, pred) -> float:
    """Coefficient of determination, as scikit-learn's ``score``."""
    resid = float(np.sum((y - pred) ** 2))
    total = float(np.sum((y - np.mean(y)) ** 2))
    return 1.0 - resid / total


@contextmanager
def _convergence_silenced():
    """A context in which scikit-learn's ConvergenceWarning is ignored (see module doc).

    Only that class: any other warning still surfaces. Callers detect non-convergence
    themselves (iterations == max_iter) and report it in their result.
    """
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _readonly(a) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.setflags(write=False)
    return a


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


def compare_penalties(alpha_ridge=1.0, alpha_lasso=0.1, alpha_enet=0.1, l1_ratio=0.5,
                      data=None) -> PenaltyComparison:
    """Fit the tutorial's four linear models; at the defaults this is the tutorial's table.

    ``data`` is a :class:`engine.datasets.Split` (default: the tutorial's regression set).
    """
    settings = PARAMS.validate({"alpha_ridge": alpha_ridge, "alpha_lasso": alpha_lasso,
                                "alpha_enet": alpha_enet, "l1_ratio": l1_ratio})
    data = _default_data(data)
    import pandas as pd
    from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge

    models = {
        MODEL_NAMES[0]: LinearRegression(),
        MODEL_NAMES[1]: Ridge(alpha=settings["alpha_ridge"]),
        MODEL_NAMES[2]: Lasso(alpha=settings["alpha_lasso"], max_iter=LASSO_MAX_ITER),
        MODEL_NAMES[3]: ElasticNet(alpha=settings["alpha_enet"], l1_ratio=settings["l1_ratio"],
                                   max_iter=LASSO_MAX_ITER),
    }
    rows, coefs, intercepts, not_converged = [], {}, {}, []
    with _convergence_silenced():
        for name, model in models.items():
            model.fit(data.X_train, data.y_train)
            if name in (MODEL_NAMES[2], MODEL_NAMES[3]) and model.n_iter_ >= model.max_iter:
                not_converged.append(name)
            coef = _readonly(model.coef_)
            coefs[name] = coef
            intercepts[name] = float(model.intercept_)
            rows.append({
                "Model": name,
                "Train R2": model.score(data.X_train, data.y_train),
                "Test R2": model.score(data.X_test, data.y_test),
                "Non-zero Coefs": int(np.sum(np.abs(coef) > NONZERO_THRESHOLD)),
            })
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
    data = _default_data(data)
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
        with _convergence_silenced():
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
    return CoefficientPath(kind=kind, alphas=_readonly(alphas), coefs=_readonly(coefs),
                           intercepts=_readonly(intercepts), l1_ratio=ratio,
                           converged=converged)


def alpha_sweep(alphas=None, data=None):
    """Train and test R2 of Ridge and Lasso at each alpha (default: the tutorial's 50).

    Returns a DataFrame with columns ``alpha, ridge_train, ridge_test, lasso_train,
    lasso_test, lasso_converged``. Computed from :func:`coefficient_paths` (about 5 ms)
    rather than 100 separate fits (about 50 ms); the results agree to solver tolerance.
    """
    import pandas as pd

    alphas = default_alphas() if alphas is None else _check_alphas(alphas)
    data = _default_data(data)
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
        with _convergence_silenced(), limit_blas(1):  # ~10x faster than threaded BLAS on 2 shared cores
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
