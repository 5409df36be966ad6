"""The read-only view of an optimizer's state, and a path's recorded state with its explanation."""
import numpy as np
import pytest

from engine import optimizers as O
from engine import surfaces as S
from engine.explain import explain


def test_state_is_a_frozen_copy():
    opt = O.Adam(lr=0.1)
    assert opt.state().arrays == {"m": None, "v": None} and opt.state().t == 0
    p = opt.step(np.array([1.0, 2.0]), np.array([0.5, -1.0]))
    snap = opt.state()
    np.testing.assert_allclose(snap["m"], [0.05, -0.1])
    np.testing.assert_allclose(snap["v"], [0.001 * 0.25, 0.001])
    assert snap.t == 1 and snap.hyperparameters["lr"] == 0.1 and snap.optimizer == "Adam"
    with pytest.raises(ValueError):
        snap["m"][0] = 3.0
    opt.step(p, np.array([1.0, 1.0]))
    np.testing.assert_allclose(snap["m"], [0.05, -0.1])   # a later step does not change the view
    with pytest.raises(AttributeError):
        snap.t = 5


@pytest.mark.parametrize("name", list(O.ALL))
def test_trace_replays_the_optimizer_state_at_every_step(name):
    surface = S.get("quadratic")
    path = S.run_path(surface, O.make(name, lr=0.05), (5.0, 2.0), 12)
    opt = O.make(name, lr=0.05)
    p = np.array([5.0, 2.0])
    for k in range(12):
        g = surface.grad(p)
        np.testing.assert_allclose(path.trace.grads[k], g, rtol=1e-12)
        p = opt.step(p, g)
        for key, arr in opt.state().arrays.items():
            np.testing.assert_allclose(path.trace.states[key][k], arr, rtol=1e-12)
    assert len(path.trace.grads) == len(path.points) and np.isnan(path.trace.grads[-1]).all()
    assert not path.trace.grads.flags.writeable


@pytest.mark.parametrize("name", list(O.ALL))
def test_explained_step_is_the_step_the_path_took(name):
    path = S.run_path(S.get("rosenbrock"), O.make(name, lr=1e-3), (-1.5, 2.5), 30)
    for k in (0, 1, 7, 29):
        e = explain(path, k)
        terms = {t.symbol: t for t in e.terms}
        taken = path.points[k + 1] - path.points[k]
        np.testing.assert_allclose(terms["Δ"].value, taken, rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(e.arrows["step"], taken)
        np.testing.assert_allclose(e.arrows["gradient"], -S.get("rosenbrock").grad(path.points[k]), rtol=1e-12)
        np.testing.assert_allclose(terms["p"].value, path.points[k + 1])
        assert e.step == k + 1


def test_adam_bias_correction_and_effective_step_size_by_hand():
    path = S.run_path(S.get("quadratic"), O.Adam(lr=0.2, beta1=0.8, beta2=0.99), (5.0, 2.0), 5)
    e = explain(path, 2)   # the third update: t = 3
    t = {term.symbol: term for term in e.terms}
    m, v = t["m"].value, t["v"].value
    np.testing.assert_allclose(t["m̂"].value, m / (1 - 0.8 ** 3))
    np.testing.assert_allclose(t["v̂"].value, v / (1 - 0.99 ** 3))
    np.testing.assert_allclose(t["η"].value, 0.2 / (np.sqrt(t["v̂"].value) + 1e-8))
    assert "β1^3" in t["m̂"].rule and "0.8·" in t["m"].plugged
    np.testing.assert_allclose(e.arrows["velocity"], -t["m̂"].value)


def test_momentum_first_step_and_the_end_and_divergence():
    path = S.run_path(S.get("quadratic"), O.Momentum(lr=0.05, momentum=0.9), (5.0, 2.0), 10)
    first = {t.symbol: t for t in explain(path, 0).terms}
    assert "first step" in first["b"].rule
    np.testing.assert_allclose(first["b"].value, [10.0, 40.0])
    second = {t.symbol: t for t in explain(path, 1).terms}
    np.testing.assert_allclose(second["b"].value, 0.9 * first["b"].value + path.trace.grads[1])
    end = explain(path, 10)
    assert end.terms == () and "ends here" in end.note and not end.arrows
    bad = S.run_path(S.get("quadratic"), O.SGD(lr=1.0), (5.0, 2.0), 50)
    last = explain(bad, len(bad.points) - 1)
    assert "diverged" in last.note and "step" not in last.arrows and "gradient" in last.arrows
    with pytest.raises(ValueError, match="step must be in"):
        explain(path, 11)


def test_noise_is_in_the_recorded_gradient():
    path = S.run_path(S.get("quadratic"), O.SGD(lr=0.05), (5.0, 2.0), 5, noise=3.0, seed=1)
    e = explain(path, 0)
    assert "noise" in e.terms[0].rule
    np.testing.assert_allclose(e.arrows["step"], -0.05 * path.trace.grads[0])
    assert not np.allclose(path.trace.grads[0], [10.0, 40.0])
