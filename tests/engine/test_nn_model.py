"""engine.nn's network: the MLP's gradients (finite differences), its agreement with scikit-learn's
MLPClassifier / MLPRegressor step for step, dropout, frozen layers, weights and initialisation."""
import math

import numpy as np
import pytest

from engine.nn import MLP, fit
from engine.optimizers import SGD, Adam, AdamW, Momentum
from tests.engine.nn_data import make_data


def _fd_gradient(f, params, h=1e-6):
    g = np.empty_like(params)
    for i in range(params.size):
        old = params[i]
        params[i] = old + h
        up = f()
        params[i] = old - h
        down = f()
        params[i] = old
        g[i] = (up - down) / (2 * h)
    return g


def _assert_close_grad(g, fd):
    scale = max(np.abs(fd).max(), 1e-8)
    assert np.abs(g - fd).max() / scale < 1e-6, (g, fd)


# ------------------------------------------------------------------ gradients
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("output,k", [("softmax", 3), ("sigmoid", 1), ("sigmoid", 2), ("linear", 1),
                                      ("linear", 2)])
def test_gradient_matches_central_differences(activation, output, k):
    X, y = make_data(output=output, k=k)
    net = MLP([4, 6, 5, k if output != "softmax" else 3], activation=activation, output=output,
              l2=0.3, seed=1)
    net.biases[0][...] = 0.1  # move ReLU kinks away from 0
    loss, g = net.loss_and_gradient(X, y)
    assert loss == pytest.approx(net.loss(X, y))
    fd = _fd_gradient(lambda: net.loss(X, y), net.params)
    _assert_close_grad(g, fd)


def test_gradient_of_a_network_without_hidden_layers():
    X, y = make_data(n=11)
    net = MLP([4, 3], l2=0.5, seed=0)   # multinomial logistic regression
    _, g = net.loss_and_gradient(X, y)
    _assert_close_grad(g, _fd_gradient(lambda: net.loss(X, y), net.params))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_gradient_with_dropout_and_a_fixed_mask(activation):
    X, y = make_data(n=17)
    net = MLP([4, 8, 6, 3], activation=activation, dropout=0.4, l2=0.05, seed=2)
    loss, g = net.loss_and_gradient(X, y, training=True, rng=np.random.default_rng(7))
    fd = _fd_gradient(lambda: net.loss(X, y, training=True, rng=np.random.default_rng(7)),
                      net.params)
    _assert_close_grad(g, fd)
    # the mask matters: another mask gives another loss
    assert net.loss(X, y, training=True, rng=np.random.default_rng(8)) != pytest.approx(loss)


def test_penalty_is_sklearn_alpha_convention():
    X, y = make_data(n=10)
    net = MLP([4, 5, 3], l2=0.7, seed=0)
    sq = sum(float((w ** 2).sum()) for w in net.weights)  # biases are not penalised
    assert net.loss(X, y) - net.loss(X, y, penalty=False) == pytest.approx(0.7 / (2 * 10) * sq)
    assert net.penalty(10) == pytest.approx(0.7 / 20 * sq)


def test_softmax_loss_is_the_cross_entropy():
    X, y = make_data(n=9)
    net = MLP([4, 5, 3], seed=3)
    p = net.predict_proba(X)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert net.loss(X, y) == pytest.approx(-np.mean(np.log(p[np.arange(9), y])))


def test_huge_logits_give_finite_loss_without_warnings():
    X, y = make_data(n=6)
    for output in ("softmax", "sigmoid"):
        yy = y if output == "softmax" else (y > 0).astype(int)
        net = MLP([4, 3, 3 if output == "softmax" else 1], output=output, seed=0)
        net.weights[-1][...] *= 1e4
        net.biases[-1][...] = 800.0
        assert math.isfinite(net.loss(X, yy))
        assert np.isfinite(net.gradient(X, yy)).all()
        assert np.isfinite(net.predict_proba(X)).all()


# ------------------------------------------------------------------ scikit-learn, step for step
def _sklearn_second_epoch(est, X, y, net, **fit_kw):
    """Let scikit-learn train one epoch (it initialises), copy its weights into net, then run
    one more epoch of plain SGD in both without shuffling and return net's TrainResult."""
    est.partial_fit(X, y, **fit_kw)
    net.set_weights(list(zip(est.coefs_, est.intercepts_)))
    est.partial_fit(X, y, **fit_kw)
    return fit(net, X, y, SGD(lr=est.learning_rate_init), epochs=1, batch_size=est.batch_size,
               shuffle=False, score_train=False)


@pytest.mark.parametrize("activation,ours", [("relu", "relu"), ("tanh", "tanh"), ("logistic", "sigmoid")])
def test_one_epoch_of_sgd_matches_sklearn_mlpclassifier(activation, ours):
    from sklearn.neural_network import MLPClassifier

    X, y = make_data(n=47, d=5, k=4, seed=4)  # 47 = 4 batches of 11 + a partial batch of 3
    est = MLPClassifier(hidden_layer_sizes=(7, 6), activation=activation, solver="sgd", momentum=0.0,
                        learning_rate_init=0.05, batch_size=11, shuffle=False, alpha=0.02,
                        random_state=0)
    net = MLP([5, 7, 6, 4], activation=ours, output="softmax", l2=0.02)
    result = _sklearn_second_epoch(est, X, y, net, classes=np.arange(4))
    for (w, b), cw, cb in zip(net.get_weights(), est.coefs_, est.intercepts_):
        assert np.allclose(w, cw, rtol=1e-10, atol=1e-12)
        assert np.allclose(b, cb, rtol=1e-10, atol=1e-12)
    # train_loss is scikit-learn's loss_curve_: batch losses incl. penalty, sample-weighted
    assert result.history[0].train_loss == pytest.approx(est.loss_curve_[-1], rel=1e-10)
    assert result.history[0].n_batches == 5
    assert np.array_equal(net.predict(X), est.predict(X))
    assert np.allclose(net.predict_proba(X), est.predict_proba(X))


def test_binary_sigmoid_output_matches_sklearn():
    from sklearn.neural_network import MLPClassifier

    X, y = make_data(n=30, d=3, k=1, output="sigmoid", seed=5)
    est = MLPClassifier(hidden_layer_sizes=(6,), solver="sgd", momentum=0.0, learning_rate_init=0.1, batch_size=8,
                        shuffle=False, alpha=0.01, random_state=1)
    net = MLP([3, 6, 1], output="sigmoid", l2=0.01)
    result = _sklearn_second_epoch(est, X, y, net, classes=np.array([0, 1]))
    assert np.allclose(net.params, np.concatenate(
        [a.ravel() for pair in zip(est.coefs_, est.intercepts_) for a in pair]), rtol=1e-10)
    assert result.history[0].train_loss == pytest.approx(est.loss_curve_[-1], rel=1e-10)
    assert np.allclose(net.predict_proba(X), est.predict_proba(X))
    assert net.score(X, y) == pytest.approx(est.score(X, y))


def test_linear_output_matches_sklearn_mlpregressor():
    from sklearn.neural_network import MLPRegressor

    X, y = make_data(n=26, d=3, k=1, output="linear", seed=6)
    est = MLPRegressor(hidden_layer_sizes=(5,), activation="tanh", solver="sgd", momentum=0.0,
                       learning_rate_init=0.05, batch_size=7, shuffle=False, alpha=0.1,
                       random_state=2)
    net = MLP([3, 5, 1], activation="tanh", output="linear", l2=0.1)
    result = _sklearn_second_epoch(est, X, y, net)
    assert np.allclose(net.weights[0], est.coefs_[0], rtol=1e-10)
    assert result.history[0].train_loss == pytest.approx(est.loss_curve_[-1], rel=1e-10)
    assert np.allclose(net.predict(X), est.predict(X))
    assert net.score(X, y) == pytest.approx(est.score(X, y), rel=1e-10)  # R2


# ------------------------------------------------------------------ dropout
def test_dropout_only_in_training():
    X, y = make_data(n=50)
    net = MLP([4, 30, 3], dropout=0.5, seed=0)
    plain = MLP([4, 30, 3], seed=1)
    plain.params[...] = net.params
    assert np.array_equal(net.predict_proba(X), plain.predict_proba(X))
    assert np.array_equal(net.predict_proba(X), net.predict_proba(X))  # deterministic
    assert net.loss(X, y) == plain.loss(X, y)
    assert net.loss(X, y, training=True) != net.loss(X, y)


def test_inverted_dropout_keeps_the_mean_activation():
    # one hidden layer of identity-like units: ReLU of positive inputs, output = sum
    n, h, p = 4000, 50, 0.3
    net = MLP([1, h, 1], activation="relu", output="linear", dropout=p, seed=0)
    net.weights[0][...] = 1.0
    net.weights[1][...] = 1.0 / h
    X = np.ones((n, 1))
    out = net.forward(X, training=True, rng=np.random.default_rng(0))[:, 0]
    # each unit is 0 (prob p) or 1/(1-p): the mean stays 1, about 30 % are switched off
    assert out.mean() == pytest.approx(1.0, abs=0.01)
    assert np.unique(np.round(out * h * (1 - p))).size > 10
    assert net.forward(X)[:, 0] == pytest.approx(1.0)


def test_dropout_never_drops_the_bias():
    net = MLP([3, 20, 20, 2], output="linear", dropout=0.5, seed=0)
    net.params[...] = 0.0
    net.biases[-1][...] = [5.0, -2.0]
    out = net.forward(np.ones((50, 3)), training=True, rng=np.random.default_rng(0))
    assert np.array_equal(out, np.tile([5.0, -2.0], (50, 1)))


# ------------------------------------------------------------------ freezing and copying
@pytest.mark.parametrize("optimizer", [AdamW(lr=0.01, weight_decay=0.5), Momentum(lr=0.05)],
                         ids=["AdamW", "Momentum"])
def test_frozen_layers_do_not_move(optimizer):
    X, y = make_data(n=40)
    net = MLP([4, 8, 6, 3], l2=0.1, dropout=0.2, seed=0)
    net.freeze(0)
    before = net.get_weights()
    fit(net, X, y, optimizer, epochs=3, batch_size=8)
    after = net.get_weights()
    assert np.array_equal(after[0][0], before[0][0]) and np.array_equal(after[0][1], before[0][1])
    assert not np.allclose(after[1][0], before[1][0])
    assert not np.allclose(after[2][0], before[2][0])
    assert net.gradient(X, y)[: 4 * 8 + 8].tolist() == [0.0] * 40


def test_freezing_after_training_with_momentum_keeps_the_layer():
    X, y = make_data(n=40)
    net = MLP([4, 8, 3], seed=0)
    opt = Momentum(lr=0.1, momentum=0.9)
    fit(net, X, y, opt, epochs=2, batch_size=8)   # the velocity is non-zero now
    net.freeze(-1)
    frozen = net.weights[1].copy()
    fit(net, X, y, opt, epochs=2, batch_size=8, reset_optimizer=False)
    assert np.array_equal(net.weights[1], frozen)
    net.unfreeze()
    assert net.frozen == ()


def test_all_layers_frozen_trains_nothing():
    X, y = make_data(n=20)
    net = MLP([4, 5, 3], seed=0)
    net.freeze([0, 1])
    before = net.params.copy()
    result = fit(net, X, y, Adam(lr=0.1), epochs=2, batch_size=5)
    assert np.array_equal(net.params, before) and result.epochs_run == 2


def test_copy_weights_between_networks():
    src = MLP([4, 8, 6, 3], seed=0)
    dst = MLP([4, 8, 6, 2], seed=1)
    dst.copy_weights_from(src, layers=[0, 1])
    assert np.array_equal(dst.weights[0], src.weights[0]) and np.array_equal(dst.biases[1], src.biases[1])
    assert dst.weights[2].shape == (6, 2)
    with pytest.raises(ValueError, match="layer 2"):
        dst.copy_weights_from(src)
    untouched = MLP([4, 8, 6, 3], seed=0)
    twin = src.copy()
    assert np.array_equal(twin.params, src.params)
    assert src.rng.random() == untouched.rng.random()   # copying did not consume src's stream
    twin.params[0] += 1.0
    assert twin.params[0] != src.params[0]


def test_get_and_set_weights_are_copies_and_views_stay_valid():
    net = MLP([3, 4, 2], seed=0)
    w = net.get_weights()
    w[0][0][...] = 0.0
    assert net.weights[0].any()
    net.set_weights(w)
    assert not net.weights[0].any() and not net.params[:12].any()
    assert np.shares_memory(net.weights[1], net.params)
    with pytest.raises(ValueError, match="layer 0"):
        net.set_weights([(np.zeros((2, 4)), np.zeros(4)), w[1]])


def test_initialisation_he_and_glorot():
    relu = MLP([400, 300, 10], activation="relu", seed=0)
    assert relu.weights[0].std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)
    bound = math.sqrt(6 / (300 + 10))
    assert np.abs(relu.weights[1]).max() <= bound and relu.weights[1].std() == pytest.approx(
        bound / math.sqrt(3), rel=0.05)
    tanh = MLP([400, 300, 10], activation="tanh", seed=0)
    assert tanh.weights[0].std() == pytest.approx(math.sqrt(2 / 700), rel=0.02)
    assert not relu.biases[0].any()
    assert np.array_equal(MLP([5, 4, 2], seed=3).params, MLP([5, 4, 2], seed=3).params)
