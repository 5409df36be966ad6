import numpy as np
import pytest

from engine import optimizers as O


def quad_grad(p):
    return np.array([2 * p[0], 20 * p[1]])


def run(opt, steps=50, start=(5.0, 2.0)):
    p = np.array(start)
    for _ in range(steps):
        p = opt.step(p, quad_grad(p))
    return p


def test_tutorial_final_points():
    # Figures printed by the tutorial (section 3): start (5, 2), 50 steps on x^2 + 10 y^2
    np.testing.assert_allclose(run(O.SGD(lr=0.05)), [0.02577, 0.0], atol=5e-6)
    np.testing.assert_allclose(run(O.Momentum(lr=0.05, momentum=0.9)), [-0.33340, -0.09930], atol=5e-6)
    np.testing.assert_allclose(run(O.Adam(lr=0.2)), [-0.38375, -0.00964], atol=5e-6)


def test_momentum_reproduces_velocity_formulation_exactly():
    # the tutorial's form: v = m v - lr g ; p += v  (same as torch's b = m b + g ; p -= lr b at constant lr)
    opt = O.Momentum(lr=0.05, momentum=0.9)
    p_ours = np.array([5.0, 2.0])
    p_ref = p_ours.copy()
    v = np.zeros(2)
    for _ in range(50):
        p_ours = opt.step(p_ours, quad_grad(p_ours))
        v = 0.9 * v - 0.05 * quad_grad(p_ref)
        p_ref = p_ref + v
    np.testing.assert_allclose(p_ours, p_ref, rtol=1e-12, atol=1e-12)


G0 = np.array([2.0, -0.5])
G1 = np.array([-1.0, 4.0])
P0 = np.array([1.0, 3.0])


def two_steps(opt):
    p1 = opt.step(P0, G0)
    p2 = opt.step(p1, G1)
    return p1, p2


def test_sgd_closed_form():
    p1, p2 = two_steps(O.SGD(lr=0.1))
    np.testing.assert_allclose(p1, P0 - 0.1 * G0)
    np.testing.assert_allclose(p2, P0 - 0.1 * G0 - 0.1 * G1)


def test_momentum_closed_form():
    p1, p2 = two_steps(O.Momentum(lr=0.1, momentum=0.5))
    np.testing.assert_allclose(p1, P0 - 0.1 * G0)
    np.testing.assert_allclose(p2, p1 - 0.1 * (0.5 * G0 + G1))


def test_nesterov_closed_form():
    p1, p2 = two_steps(O.Nesterov(lr=0.1, momentum=0.5))
    np.testing.assert_allclose(p1, P0 - 0.1 * (G0 + 0.5 * G0))
    b1 = 0.5 * G0 + G1
    np.testing.assert_allclose(p2, p1 - 0.1 * (G1 + 0.5 * b1))


def test_adagrad_closed_form():
    p1, p2 = two_steps(O.AdaGrad(lr=0.1, eps=1e-10))
    np.testing.assert_allclose(p1, P0 - 0.1 * G0 / (np.abs(G0) + 1e-10))
    np.testing.assert_allclose(p2, p1 - 0.1 * G1 / (np.sqrt(G0 ** 2 + G1 ** 2) + 1e-10))


def test_rmsprop_closed_form():
    p1, p2 = two_steps(O.RMSprop(lr=0.1, rho=0.9, eps=1e-8))
    v1 = 0.1 * G0 ** 2
    np.testing.assert_allclose(p1, P0 - 0.1 * G0 / (np.sqrt(v1) + 1e-8))
    v2 = 0.9 * v1 + 0.1 * G1 ** 2
    np.testing.assert_allclose(p2, p1 - 0.1 * G1 / (np.sqrt(v2) + 1e-8))


def test_adam_closed_form():
    p1, p2 = two_steps(O.Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8))
    # first step: bias-corrected moments are g and g^2, so the step is lr * sign(g)
    np.testing.assert_allclose(p1, P0 - 0.1 * G0 / (np.abs(G0) + 1e-8))
    m = 0.9 * 0.1 * G0 + 0.1 * G1
    v = 0.999 * 0.001 * G0 ** 2 + 0.001 * G1 ** 2
    m_hat = m / (1 - 0.9 ** 2)
    v_hat = v / (1 - 0.999 ** 2)
    np.testing.assert_allclose(p2, p1 - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8), rtol=1e-12)


def test_adamw_decays_weights_before_the_adam_step():
    p1, _ = two_steps(O.AdamW(lr=0.1, weight_decay=0.5))
    np.testing.assert_allclose(p1, P0 * (1 - 0.05) - 0.1 * G0 / (np.abs(G0) + 1e-8))
    # zero gradient: only the decay acts
    opt = O.AdamW(lr=0.1, weight_decay=0.5)
    np.testing.assert_allclose(opt.step(P0, np.zeros(2)), P0 * 0.95)


@pytest.mark.parametrize("name", list(O.ALL))
def test_inputs_untouched_any_shape_and_reset(name):
    opt = O.make(name, lr=0.01)
    params = np.arange(12.0).reshape(3, 4)
    grads = np.ones((3, 4))
    before_p, before_g = params.copy(), grads.copy()
    first = opt.step(params, grads)
    assert first.shape == (3, 4)
    np.testing.assert_array_equal(params, before_p)
    np.testing.assert_array_equal(grads, before_g)
    assert not np.allclose(first, params)
    opt.step(first, grads)
    opt.reset()
    np.testing.assert_allclose(opt.step(params, grads), first)


@pytest.mark.parametrize("name", list(O.ALL))
def test_lr_changed_between_steps_is_honoured(name):
    a, b = O.make(name, lr=0.1), O.make(name, lr=0.1)
    pa = a.step(P0, G0)
    pb = b.step(P0, G0)
    b.lr = 0.0
    assert not np.allclose(a.step(pa, G1), pa)
    np.testing.assert_allclose(b.step(pb, G1), pb)


@pytest.mark.parametrize("kwargs, word", [
    (dict(name="SGD", lr=-1), "lr"),
    (dict(name="SGD", lr=float("nan")), "lr"),
    (dict(name="Momentum", lr=0.1, momentum=1.0), "momentum"),
    (dict(name="Adam", lr=0.1, beta2=1.5), "beta2"),
    (dict(name="RMSprop", lr=0.1, rho=-0.1), "rho"),
    (dict(name="AdamW", lr=0.1, weight_decay=-1), "weight_decay"),
    (dict(name="Nope"), "optimizer"),
])
def test_bad_hyperparameters_name_the_parameter_and_range(kwargs, word):
    with pytest.raises(ValueError, match=word):
        O.make(**kwargs)


def test_range_is_in_the_message():
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        O.Momentum(lr=0.1, momentum=2)


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match="shape"):
        O.SGD(0.1).step(np.zeros(2), np.zeros(3))


@pytest.mark.parametrize("name", list(O.ALL))
def test_changing_the_parameter_shape_without_reset_is_refused(name):
    opt = O.make(name, lr=0.1)
    opt.step(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="reset"):
        opt.step(np.zeros(3), np.ones(3))
    opt.reset()
    assert opt.step(np.zeros(3), np.ones(3)).shape == (3,)
