import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from engine.datasets import classification_split, digits_split, regression_split
from engine.regularization import (MODEL_NAMES, SWEEP_ALPHAS, MLPFitted, alpha_sweep, coefficient_paths,
                                   compare_penalties, default_data, l2_effect, mlp_alphas, mlp_frame,
                                   mlp_l2_comparison, strength_fits)
from engine.stream import drain


# ---------------------------------------------------------------- datasets

def test_regression_split_is_the_tutorials_pipeline():
    from sklearn.datasets import make_regression
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = make_regression(n_samples=200, n_features=20, n_informative=5, noise=10, random_state=42)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    scaler = StandardScaler()
    d = regression_split()
    np.testing.assert_array_equal(d.X_train, scaler.fit_transform(X_train))
    np.testing.assert_array_equal(d.X_test, scaler.transform(X_test))
    np.testing.assert_array_equal(d.y_train, y_train)
    np.testing.assert_array_equal(d.y_test, y_test)
    assert d.sizes == (160, 0, 40)


def test_regression_split_knows_the_informative_features():
    d = regression_split()
    np.testing.assert_array_equal(d.informative, [4, 7, 8, 13, 18])
    assert np.count_nonzero(d.true_coef) == 5
    np.testing.assert_allclose(d.true_coef[[4, 7, 8, 13, 18]],
                               [48.50179875, 51.80104314, 61.41862443, 97.246139, 8.54030302], rtol=1e-8)


def test_splits_are_cached_and_read_only():
    d = regression_split()
    assert regression_split() is d
    with pytest.raises(ValueError):
        d.X_train[0, 0] = 1.0
    with pytest.raises(ValueError):
        d.y_test[0] = 1.0
    with pytest.raises(ValueError):
        d.informative[0] = 0
    with pytest.raises(AttributeError):
        d.X_train = None


def test_classification_split():
    d = classification_split()
    assert d.sizes == (400, 0, 100)
    assert d.n_features == 20
    np.testing.assert_array_equal(d.classes, [0, 1])
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0.0, atol=1e-12)
    assert not d.X_train.flags.writeable
    with pytest.raises(ValueError, match="n_informative"):
        classification_split(n_features=5, n_informative=10)


def test_digits_split_sizes_stratified_and_scaled_on_train_only():
    d = digits_split()
    assert d.sizes == (1149, 288, 360)
    assert d.X_train.shape[1] == 64
    # stratified: every digit appears in each part in about the same proportion (~10%)
    for y in (d.y_train, d.y_val, d.y_test):
        share = np.bincount(y, minlength=10) / len(y)
        assert np.all(np.abs(share - 0.1) < 0.02)
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0.0, atol=1e-12)
    assert np.abs(d.X_val.mean(axis=0)).max() > 1e-3  # the validation part was not used to fit the scaler


def test_bad_dataset_arguments():
    with pytest.raises(ValueError, match="random_state"):
        regression_split(random_state=-1)
    with pytest.raises(ValueError, match="test_size"):
        regression_split(test_size=1.0)


def test_engine_modules_import_sklearn_lazily():
    code = ("import sys, engine.datasets, engine.regularization, engine.early_stopping, "
            "engine.clipping, engine.schedules\n"
            "sys.exit(1 if 'sklearn' in sys.modules else 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


# ---------------------------------------------------------------- penalties

def test_compare_penalties_reproduces_the_tutorials_table():
    result = compare_penalties()
    table = result.table
    assert list(table.columns) == ["Model", "Train R2", "Test R2", "Non-zero Coefs"]
    assert list(table["Model"]) == list(MODEL_NAMES)
    assert list(np.round(table["Train R2"], 6)) == [0.995856, 0.995819, 0.995844, 0.993655]
    assert list(np.round(table["Test R2"], 6)) == [0.996210, 0.996214, 0.996270, 0.993697]
    assert list(table["Non-zero Coefs"]) == [20, 20, 19, 20]
    assert result.not_converged == ()


def test_a_moved_alpha_refits_only_its_model_and_cached_fits_match_fresh_ones(monkeypatch):
    """The Lasso slider refitted all four models on every move; the three unchanged ones are kept."""
    from sklearn.linear_model import Lasso
    import engine.regularization as R
    R.compare_penalties(alpha_lasso=0.2)
    fitted = []
    real = R._fit_model
    monkeypatch.setattr(R, "_fit_model", lambda name, hyper, data: fitted.append(name) or real(name, hyper, data))
    moved = R.compare_penalties(alpha_lasso=0.37)
    assert fitted == ["L1 (Lasso)"]
    d = regression_split()
    fresh = Lasso(alpha=0.37, max_iter=R.LASSO_MAX_ITER).fit(d.X_train, d.y_train)
    np.testing.assert_allclose(moved.coefs["L1 (Lasso)"], fresh.coef_, rtol=0, atol=1e-12)
    row = moved.table.iloc[2]
    assert row["Train R2"] == pytest.approx(fresh.score(d.X_train, d.y_train), abs=1e-12)
    assert row["Test R2"] == pytest.approx(fresh.score(d.X_test, d.y_test), abs=1e-12)
    again = R.compare_penalties(alpha_lasso=0.37, data=d)     # data given: fitted, not read from the cache
    assert fitted[1:] == list(MODEL_NAMES)
    pd.testing.assert_frame_equal(again.table, moved.table)
    assert R._fit_on_tutorial_data.cache_info().maxsize == R.FIT_CACHE_SIZE   # bounded


def test_compare_penalties_coefficients():
    result = compare_penalties()
    assert set(result.coefs) == set(MODEL_NAMES)
    for name, coef in result.coefs.items():
        assert coef.shape == (20,)
        assert not coef.flags.writeable
    np.testing.assert_array_equal(result.informative, [4, 7, 8, 13, 18])
    # the five largest Lasso coefficients are the informative features
    lasso = result.coefs["L1 (Lasso)"]
    assert set(np.argsort(-np.abs(lasso))[:5]) == {4, 7, 8, 13, 18}
    # Lasso shrinks the L1 norm below the unpenalised fit's
    assert np.abs(lasso).sum() < np.abs(result.coefs["No Regularization"]).sum()


def test_stronger_penalties_zero_more_coefficients():
    table = compare_penalties(alpha_lasso=5.0, alpha_enet=5.0, l1_ratio=1.0).table
    lasso = table.set_index("Model").loc["L1 (Lasso)", "Non-zero Coefs"]
    assert lasso < 19
    enet = table.set_index("Model").loc["ElasticNet", "Non-zero Coefs"]
    assert enet == lasso  # l1_ratio=1 is the Lasso


@pytest.mark.parametrize("kwargs, name", [
    ({"alpha_ridge": 0.0}, "alpha_ridge"),
    ({"alpha_lasso": -1.0}, "alpha_lasso"),
    ({"alpha_enet": float("nan")}, "alpha_enet"),
    ({"l1_ratio": 1.5}, "l1_ratio"),
])
def test_compare_penalties_validates(kwargs, name):
    with pytest.raises(ValueError, match=name):
        compare_penalties(**kwargs)


def test_non_convergence_is_reported_not_warned(monkeypatch):
    import engine.regularization as reg

    monkeypatch.setattr(reg, "LASSO_MAX_ITER", 1)
    # warnings are errors in this test suite: a leaked ConvergenceWarning would fail here
    result = reg.compare_penalties(alpha_lasso=1e-4, alpha_enet=1e-4)
    assert "L1 (Lasso)" in result.not_converged
    path = reg.coefficient_paths("lasso", [1e-4, 1e-3])
    assert not path.converged.all()


# ---------------------------------------------------------------- paths

@pytest.mark.parametrize("alpha", [1e-3, 0.5, 10.0, 300.0])
def test_ridge_closed_form_matches_sklearn(alpha):
    from sklearn.linear_model import Ridge

    d = regression_split()
    path = coefficient_paths("ridge", [alpha])
    model = Ridge(alpha=alpha).fit(d.X_train, d.y_train)
    np.testing.assert_allclose(path.coefs[0], model.coef_, rtol=1e-9, atol=1e-9)
    assert path.intercepts[0] == pytest.approx(model.intercept_, rel=1e-12)


def test_lasso_path_matches_lasso_at_several_alphas():
    from sklearn.linear_model import Lasso

    d = regression_split()
    alphas = np.logspace(-4, 2, 50)
    path = coefficient_paths("lasso", alphas)
    assert path.coefs.shape == (50, 20)
    assert path.converged.all()
    for i in (0, 10, 25, 40, 49):
        model = Lasso(alpha=alphas[i], max_iter=10000).fit(d.X_train, d.y_train)
        # both stop at coordinate descent's tolerance; coefficients are of size 10-100
        np.testing.assert_allclose(path.coefs[i], model.coef_, atol=1e-2)
        assert path.intercepts[i] == pytest.approx(model.intercept_, abs=1e-2)


def test_elasticnet_path_matches_elasticnet():
    from sklearn.linear_model import ElasticNet

    d = regression_split()
    path = coefficient_paths("elasticnet", [0.01, 0.3, 3.0], l1_ratio=0.3)
    assert path.l1_ratio == 0.3
    for alpha, coef in zip(path.alphas, path.coefs):
        model = ElasticNet(alpha=alpha, l1_ratio=0.3, max_iter=10000).fit(d.X_train, d.y_train)
        np.testing.assert_allclose(coef, model.coef_, atol=1e-2)


def test_path_keeps_the_callers_alpha_order():
    alphas = [0.5, 0.01, 5.0]
    shuffled = coefficient_paths("lasso", alphas)
    ascending = coefficient_paths("lasso", sorted(alphas))
    np.testing.assert_array_equal(shuffled.alphas, alphas)
    np.testing.assert_allclose(shuffled.coefs[0], ascending.coefs[1], atol=1e-2)
    np.testing.assert_allclose(shuffled.coefs[2], ascending.coefs[2], atol=1e-2)


def test_lasso_path_zeroes_everything_at_large_alpha_and_ridge_shrinks():
    lasso = coefficient_paths("lasso", [1e-4, 1e3])
    assert np.count_nonzero(lasso.coefs[1]) == 0
    assert np.count_nonzero(lasso.coefs[0]) == 20
    ridge = coefficient_paths("ridge", np.logspace(-4, 4, 9))
    norms = np.linalg.norm(ridge.coefs, axis=1)
    assert np.all(np.diff(norms) < 0)


def test_path_at_interpolates_in_log_alpha():
    path = coefficient_paths("ridge", [0.1, 10.0])
    np.testing.assert_allclose(path.at(0.1), path.coefs[0])
    np.testing.assert_allclose(path.at(1.0), (path.coefs[0] + path.coefs[1]) / 2)
    np.testing.assert_allclose(path.at(1e6), path.coefs[1])


def test_path_arguments_are_checked():
    with pytest.raises(ValueError, match="kind"):
        coefficient_paths("l3")
    with pytest.raises(ValueError, match="alphas"):
        coefficient_paths("lasso", [0.1, 0.0])
    with pytest.raises(ValueError, match="alphas"):
        coefficient_paths("ridge", [])
    with pytest.raises(ValueError, match="l1_ratio"):
        coefficient_paths("elasticnet", [0.1], l1_ratio=2.0)


def test_alpha_sweep_matches_the_tutorials_cold_fits():
    from sklearn.linear_model import Lasso, Ridge

    d = regression_split()
    sweep = alpha_sweep()
    assert len(sweep) == 50
    np.testing.assert_allclose(sweep["alpha"], np.logspace(-4, 2, 50))
    for i in (0, 20, 35, 49):
        alpha = sweep["alpha"][i]
        ridge = Ridge(alpha=alpha).fit(d.X_train, d.y_train)
        lasso = Lasso(alpha=alpha, max_iter=10000).fit(d.X_train, d.y_train)
        assert sweep["ridge_train"][i] == pytest.approx(ridge.score(d.X_train, d.y_train), abs=1e-10)
        assert sweep["ridge_test"][i] == pytest.approx(ridge.score(d.X_test, d.y_test), abs=1e-10)
        assert sweep["lasso_train"][i] == pytest.approx(lasso.score(d.X_train, d.y_train), abs=1e-5)
        assert sweep["lasso_test"][i] == pytest.approx(lasso.score(d.X_test, d.y_test), abs=1e-5)
    # the strongest penalties under-fit: R2 falls far below the unpenalised 0.996
    assert sweep["lasso_test"].iloc[-1] < 0.2
    assert sweep["ridge_train"].iloc[-1] < 0.9


# ---------------------------------------------------------------- MLP with L2

def test_mlp_l2_comparison_streams_one_event_per_model_and_matches_the_tutorial():
    gen = mlp_l2_comparison()
    events = []
    while True:
        try:
            events.append(next(gen))
        except StopIteration as stop:
            table = stop.value
            break
    assert [e.alpha for e in events] == [0.0, 0.01]
    assert all(isinstance(e, MLPFitted) for e in events)
    assert [(e.index, e.total) for e in events] == [(0, 2), (1, 2)]
    for e in events:
        assert round(e.train_accuracy, 4) == 1.0
        assert round(e.test_accuracy, 4) == 0.87
        assert e.converged and e.n_iter < 500 and e.seconds > 0
    with pytest.raises(AttributeError):
        events[0].alpha = 1.0
    assert isinstance(table, pd.DataFrame)
    assert list(table["Test Acc"].round(4)) == [0.87, 0.87]
    # the lab's table and verdict from these events
    frame = mlp_frame(mlp_alphas(1.0), events)
    assert list(frame.columns) == ["alpha", "Train acc", "Test acc", "Iterations", "Seconds"]
    assert list(frame["alpha"]) == [0.0, 0.01, 1.0] and list(frame["Test acc"].round(4)[:2]) == [0.87, 0.87]
    assert frame.iloc[2].drop("alpha").isna().all()            # not trained yet
    effect = l2_effect(events)
    assert effect.no_change and effect.yours is None and effect.not_converged == ()
    assert effect.none.alpha == 0.0 and effect.tutorial.alpha == 0.01


def test_mlp_alphas_adds_yours_once():
    assert mlp_alphas(0.01) == (0.0, 0.01) and mlp_alphas(2.0) == (0.0, 0.01, 2.0)
    with pytest.raises(ValueError, match="alpha"):
        mlp_alphas(0.0)      # the third alpha is on a log slider: it cannot be 0


def test_mlp_l2_comparison_validates_before_fitting():
    with pytest.raises(ValueError, match="alpha"):
        mlp_l2_comparison(alphas=(-0.1,))
    with pytest.raises(ValueError, match="max_iter"):
        mlp_l2_comparison(max_iter=0)
    with pytest.raises(ValueError, match="hidden"):
        mlp_l2_comparison(hidden_layer_sizes=(100, 0))


# ---------------------------------------------------------------- what the lab reads
def test_strength_fits_cover_the_sliders_range_and_name_the_best_alpha():
    events, fits = drain(strength_fits())
    assert events == [] and set(fits.paths) == {"ridge", "lasso"}
    np.testing.assert_allclose(fits.sweep["alpha"], SWEEP_ALPHAS)
    assert SWEEP_ALPHAS[0] == pytest.approx(1e-4) and SWEEP_ALPHAS[-1] == pytest.approx(1e3)
    alpha, r2 = fits.best("lasso")
    assert r2 == fits.sweep["lasso_test"].max() and alpha in set(fits.sweep["alpha"])


def test_penalty_comparison_counts_zeroed_noise_and_informative_features():
    res = compare_penalties()
    assert res.zeroed("L1 (Lasso)") == (1, 0)          # the tutorial's alpha 0.1 zeroes one noise feature
    assert res.is_informative().sum() == len(default_data().informative) == 5
    assert res.alpha("L1 (Lasso)") == 0.1 and res.alpha("L2 (Ridge)") == 1.0 and res.alpha(MODEL_NAMES[0]) is None
    assert default_data() is regression_split()
