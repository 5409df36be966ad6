"""The hyper-parameter map equals run_path cell by cell, diverged cells included."""
import numpy as np
import pytest

from engine import optimizers as O
from engine import surfaces as S
from engine.hyper_map import MAPPABLE, default_values, map_job
from engine.stream import drain


def cell_by_cell(surface, optimizer, lrs, param, values, start=None, steps=50, **fixed):
    start = surface.default_start if start is None else start
    out = np.empty((len(values), len(lrs)))
    for i, v in enumerate(values):
        for j, lr in enumerate(lrs):
            path = S.run_path(surface, O.make(optimizer, **{**fixed, "lr": lr, param: v}), start, steps)
            out[i, j] = np.inf if path.diverged_at is not None else path.losses[-1] - surface.min_value
    return out


CASES = [("quadratic", "Momentum", "momentum", (-3, 0.3)), ("rosenbrock", "Nesterov", "momentum", (-5, -1)),
         ("himmelblau", "RMSprop", "rho", (-3, 0.5)), ("beale", "Adam", "beta1", (-3, 0.5)),
         ("rastrigin", "AdamW", "weight_decay", (-3, 0)), ("saddle", "AdaGrad", "eps", (-2, 1)),
         ("rosenbrock", "Adam", "beta2", (-3, 0))]


@pytest.mark.parametrize("key, name, param, decades", CASES)
def test_map_equals_run_path_cell_by_cell(key, name, param, decades):
    surface = S.get(key)
    lrs, values = np.logspace(*decades, 9), default_values(param, 6)
    gaps = S.hyperparameter_map(surface, name, lrs, param, values, steps=40)
    assert gaps.shape == (6, 9)
    np.testing.assert_array_equal(gaps, cell_by_cell(surface, name, lrs, param, values, steps=40))


def test_diverged_cells_are_inf_where_run_path_diverges():
    surface = S.get("quadratic")
    lrs, values = np.array([0.01, 0.05, 0.099, 0.12, 0.5]), np.array([0.0, 0.5, 0.9])
    gaps = S.hyperparameter_map(surface, "Momentum", lrs, "momentum", values, start=(1.0, -2.0), steps=60)
    expected = cell_by_cell(surface, "Momentum", lrs, "momentum", values, start=(1.0, -2.0), steps=60)
    np.testing.assert_array_equal(gaps, expected)
    # plain gradient descent (momentum 0) is stable on the bowl only for lr < 2 / 20
    assert np.isfinite(gaps[0, :3]).all() and np.isinf(gaps[0, 3:]).all()
    # heavy ball: stable for lr < 2 (1 + momentum) / 20, wider with momentum
    assert np.isfinite(gaps[2, 3]) and np.isinf(gaps[2, 4])


def test_other_hyperparameters_come_from_an_optimizer_and_the_start_from_the_surface():
    surface = S.get("rosenbrock")
    lrs, values = np.logspace(-3, -1, 5), np.array([0.8, 0.9, 0.99])
    gaps = S.hyperparameter_map(surface, O.Adam(lr=0.5, beta2=0.9, eps=1e-3), lrs, "beta1", values, steps=30)
    expected = cell_by_cell(surface, "Adam", lrs, "beta1", values, steps=30, beta2=0.9, eps=1e-3)
    np.testing.assert_array_equal(gaps, expected)
    assert not np.array_equal(gaps, S.hyperparameter_map(surface, "Adam", lrs, "beta1", values, steps=30))


def test_streamed_map_equals_the_map_and_reports_progress():
    surface = S.get("himmelblau")
    lrs, values = np.logspace(-3, -0.5, 12), default_values("momentum", 17)
    events, result = drain(S.map_stream(surface, "Momentum", lrs, "momentum", values, steps=100))
    whole = S.hyperparameter_map(surface, "Momentum", lrs, "momentum", values, steps=100)
    np.testing.assert_array_equal(result.gaps, whole)
    bands = [e for e in events if len(e.gaps)]
    assert sum(len(e.gaps) for e in bands) == 17 and len(bands) > 1
    np.testing.assert_array_equal(np.vstack([e.gaps for e in bands]), whole)
    done = [e.done for e in events]
    assert done == sorted(done) and done[-1] == 1.0 and len(events) > len(bands)
    i, j = result.best()
    assert whole[i, j] == np.min(whole)
    assert f"lr {lrs[j]:.3g}" in result.verdict() and "diverged" in result.verdict()


def test_map_job_uses_log_spaced_lrs_and_the_race_hyperparameters():
    surface = S.get("quadratic")
    _, result = drain(map_job(surface, "RMSprop", {"lr": 0.1, "eps": 1e-6}, "rho", 1e-3, 1.0, 8, 30, (5.0, 2.0)))
    np.testing.assert_allclose(result.lrs, np.logspace(-3, 0, 8), rtol=5e-3)
    assert all(f"{lr:.3g}" == repr(lr) or float(f"{lr:.3g}") == lr for lr in result.lrs)   # readable
    np.testing.assert_array_equal(result.gaps, cell_by_cell(surface, "RMSprop", result.lrs, "rho", result.values,
                                                            steps=30, eps=1e-6))
    assert result.values.min() >= 0.5 and result.values.max() < 1


@pytest.mark.parametrize("call, message", [
    (lambda s: S.hyperparameter_map(s, "SGD", [0.1], "momentum", [0.5]), "SGD has no hyper-parameter besides"),
    (lambda s: S.hyperparameter_map(s, "Momentum", [0.1], "beta1", [0.5]), "param for Momentum must be one of momentum"),
    (lambda s: S.hyperparameter_map(s, "Momentum", [0.1], "momentum", [1.0]), "momentum must be in"),
    (lambda s: S.hyperparameter_map(s, "Momentum", [-0.1], "momentum", [0.5]), "lr must be in"),
    (lambda s: S.hyperparameter_map(s, "Momentum", [], "momentum", [0.5]), "lrs must be a non-empty"),
    (lambda s: S.hyperparameter_map(s, "Nope", [0.1], "momentum", [0.5]), "optimizer must be one of"),
    (lambda s: S.hyperparameter_map(s, "Adam", [0.1], "beta1", [0.5], start=(np.nan, 0)), "start must be"),
    (lambda s: drain(map_job(s, "Adam", {}, "beta1", 1.0, 0.1, 8, 30, (1, 1))), "must be below"),
])
def test_bad_arguments_are_named_in_words(call, message):
    with pytest.raises(ValueError, match=message):
        call(S.get("quadratic"))


def test_every_optimizer_but_sgd_has_something_to_map_with_a_default_range():
    assert MAPPABLE["SGD"] == ()
    for name, params in MAPPABLE.items():
        for param in params:
            values = default_values(param, 10)
            for n in (4, 10, 120):
                assert len(default_values(param, n)) == n and np.all(np.diff(default_values(param, n)) > 0)
            for v in values:
                O.ALL[name].PARAMS[param].validate(v)
