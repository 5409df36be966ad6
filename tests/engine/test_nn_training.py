"""engine.nn's training loop: train() events and result, batches, schedules, clipping, early
stopping, divergence, scores and the BLAS limit."""
import math

import numpy as np
import pytest

from engine.early_stopping import EarlyStopping
from engine.nn import MLP, EpochResult, TrainResult, fit, train
from engine.optimizers import SGD, Adam
from engine.schedules import make_schedule
from tests.engine.nn_data import make_data

# ------------------------------------------------------------------ the training loop
def test_train_is_a_generator_of_epoch_results_returning_a_train_result():
    X, y = make_data(n=37)
    Xv, yv = make_data(n=12, seed=9)
    net = MLP([4, 6, 3], seed=0)
    gen = train(net, X, y, Adam(lr=0.01), epochs=4, batch_size=10, X_val=Xv, y_val=yv)
    events = []
    with pytest.raises(StopIteration) as stop:
        while True:
            events.append(next(gen))
    result = stop.value.value
    assert isinstance(result, TrainResult) and result.history == tuple(events)
    assert [e.epoch for e in events] == [0, 1, 2, 3]
    e = events[-1]
    assert isinstance(e, EpochResult) and e.n_batches == 4 and e.metric == "accuracy"
    assert e.val_loss == pytest.approx(net.loss(Xv, yv, penalty=False))
    assert e.val_acc == pytest.approx(net.score(Xv, yv))
    assert e.train_acc == pytest.approx(net.score(X, y))
    assert e.lr == 0.01 and e.seconds > 0 and not e.clipped
    assert result.best_epoch == int(np.argmin(result.curve("val_loss")))
    assert result.stop_epoch == 3 and not result.diverged and not result.restored_best
    assert result.final_val_loss == e.val_loss and result.final_val_acc == e.val_acc
    with pytest.raises(Exception):
        e.epoch = 5  # frozen dataclass


def test_bad_arguments_fail_at_the_call_not_at_the_first_epoch():
    X, y = make_data(n=10)
    net = MLP([4, 3], seed=0)
    with pytest.raises(ValueError, match="epochs"):
        train(net, X, y, Adam(), epochs=0)
    with pytest.raises(ValueError, match="early_stopping"):
        train(net, X, y, Adam(), early_stopping=EarlyStopping())
    with pytest.raises(ValueError, match="batch_size"):
        train(net, X, y, Adam(), batch_size=0)
    with pytest.raises(ValueError, match="class indices 0 .. 2"):
        train(net, X, y + 1, Adam())
    with pytest.raises(ValueError, match="4 columns"):
        train(net, X[:, :3], y, Adam())
    with pytest.raises(ValueError, match="clip_norm"):
        train(net, X, y, Adam(), clip_norm=-1)
    with pytest.raises(ValueError, match="schedule"):
        train(net, X, y, Adam(), schedule="nope")


@pytest.mark.parametrize("kwargs,match", [
    (dict(layer_sizes=[4]), "at least 2"),
    (dict(layer_sizes=[4, 0, 3]), "whole number"),
    (dict(layer_sizes=[4, 1]), "softmax output needs at least 2"),
    (dict(activation="elu"), "activation"),
    (dict(output="tanh"), "output"),
    (dict(dropout=1.0), r"dropout must be in \[0, 1\)"),
    (dict(l2=-0.1), "l2"),
    (dict(init="zeros"), "init"),
])
def test_constructor_validates(kwargs, match):
    args = dict(layer_sizes=[4, 3, 3])
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        MLP(**args)


def test_train_loss_is_the_sample_weighted_mean_of_batch_losses():
    X, y = make_data(n=25)
    net = MLP([4, 5, 3], l2=0.2, seed=0)
    ref = net.copy()
    result = fit(net, X, y, SGD(lr=0.1), epochs=1, batch_size=10, shuffle=False)
    losses, sizes = [], []
    for start in range(0, 25, 10):
        xb, yb = X[start:start + 10], y[start:start + 10]
        loss, g = ref.loss_and_gradient(xb, yb)
        losses.append(loss)
        sizes.append(len(xb))
        ref.params[...] -= 0.1 * g
    assert np.allclose(net.params, ref.params)
    e = result.history[0]
    assert e.train_loss == pytest.approx(np.average(losses, weights=sizes))
    assert 0 < e.penalty < e.train_loss


def test_same_seed_same_run():
    X, y = make_data(n=30)
    runs = []
    for _ in range(2):
        net = MLP([4, 8, 3], dropout=0.3, seed=5)
        runs.append((fit(net, X, y, Adam(lr=0.01), epochs=3, batch_size=7).curve("train_loss"),
                     net.params.copy()))
    assert np.array_equal(runs[0][0], runs[1][0]) and np.array_equal(runs[0][1], runs[1][1])
    net = MLP([4, 8, 3], dropout=0.3, seed=5)
    other = fit(net, X, y, Adam(lr=0.01), epochs=3, batch_size=7, seed=1).curve("train_loss")
    assert not np.array_equal(other, runs[0][0])


def test_batch_larger_than_data_is_full_batch():
    X, y = make_data(n=9)
    result = fit(MLP([4, 3], seed=0), X, y, SGD(lr=0.1), epochs=2, batch_size=100)
    assert result.history[0].n_batches == 1


def test_schedule_sets_the_learning_rate_each_epoch():
    X, y = make_data(n=20)
    opt = SGD(lr=0.1)
    sched = make_schedule("step_decay", 0.1, 6, epochs_drop=2)
    result = fit(MLP([4, 3], seed=0), X, y, opt, epochs=6, batch_size=5, schedule=sched)
    assert result.curve("lr").tolist() == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    by_name = fit(MLP([4, 3], seed=0), X, y, SGD(lr=0.2), epochs=4, schedule="cosine_annealing")
    assert by_name.curve("lr") == pytest.approx([0.2 * (1 + math.cos(math.pi * e / 4)) / 2
                                                 for e in range(4)])


def test_gradient_clipping_limits_the_step():
    X, y = make_data(n=16)
    net = MLP([4, 6, 3], seed=0)
    net.weights[-1][...] *= 30   # large gradients
    before = net.params.copy()
    result = fit(net, X, y, SGD(lr=0.01), epochs=1, batch_size=16, clip_norm=0.5)
    e = result.history[0]
    assert e.clipped and e.clipped_batches == 1 and e.grad_norm > 0.5
    assert np.linalg.norm(net.params - before) == pytest.approx(0.01 * 0.5, rel=1e-5)
    free = fit(MLP([4, 6, 3], seed=0), X, y, SGD(lr=0.01), epochs=1, clip_norm=1e6)
    assert not free.history[0].clipped


def test_early_stopping_stops_and_restores_the_best_weights():
    # an over-fitting set-up: few noisy samples, a wide network, a large learning rate
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 10))
    y = (X[:, 0] + rng.normal(scale=1.5, size=40) > 0).astype(int)
    Xv = rng.normal(size=(200, 10))
    yv = (Xv[:, 0] > 0).astype(int)
    net = MLP([10, 64, 64, 2], seed=0)
    stopper = EarlyStopping(patience=4, min_delta=0.0)
    snapshots = []
    gen = train(net, X, y, Adam(lr=0.01), epochs=300, batch_size=8, X_val=Xv, y_val=yv,
                early_stopping=stopper)
    try:
        while True:
            next(gen)
            snapshots.append(net.params.copy())
    except StopIteration as stop:
        result = stop.value
    assert result.stopped_early and result.stop_epoch == stopper.stop_epoch < 299
    assert result.best_epoch == stopper.best_epoch == result.stop_epoch - 4
    assert result.restored_best and np.array_equal(net.params, snapshots[result.best_epoch])
    assert net.loss(Xv, yv, penalty=False) == pytest.approx(result.best_val_loss)
    assert result.final_val_loss == pytest.approx(result.best_val_loss)
    assert result.final_val_acc == pytest.approx(net.score(Xv, yv))
    assert result.final_val_acc == result.history[result.best_epoch].val_acc
    assert "early stopping" in result.reason

    # the epochs run out before patience does: the best weights come back all the same
    late = MLP([10, 64, 64, 2], seed=0)
    best = result.best_epoch
    result = fit(late, X, y, Adam(lr=0.01), epochs=best + 5, batch_size=8, X_val=Xv, y_val=yv,
                 early_stopping=EarlyStopping(patience=200, min_delta=0.0))  # same run, cut short
    assert not result.stopped_early and result.restored_best and result.best_epoch == best
    assert np.array_equal(late.params, snapshots[best])

    keep = MLP([10, 64, 64, 2], seed=0)
    result = fit(keep, X, y, Adam(lr=0.01), epochs=300, batch_size=8, X_val=Xv, y_val=yv,
                 early_stopping=EarlyStopping(patience=4, min_delta=0.0, restore_best=False))
    assert not result.restored_best
    assert np.array_equal(keep.params, snapshots[result.stop_epoch])


def test_divergence_stops_cleanly():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)) * 10
    y = X @ np.array([1.0, -2.0, 3.0]) * 100
    net = MLP([3, 16, 1], output="linear", seed=0)
    result = fit(net, X, y, SGD(lr=5.0), epochs=20, batch_size=10, X_val=X, y_val=y)
    assert result.diverged and "diverged" in result.reason and "learning rate" in result.reason
    assert result.epochs_run < 20
    assert np.isfinite(net.params).all()
    assert np.isfinite(net.predict(X)).all()


def test_regression_reports_r2():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 2))
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1]
    net = MLP([2, 16, 1], activation="tanh", output="linear", seed=0)
    result = fit(net, X[:100], y[:100], Adam(lr=0.02), epochs=40, batch_size=10,
                 X_val=X[100:], y_val=y[100:])
    e = result.history[-1]
    assert e.metric == "r2"
    resid = y[100:] - net.predict(X[100:])
    assert e.val_acc == pytest.approx(1 - resid @ resid / ((y[100:] - y[100:].mean()) ** 2).sum())
    assert e.val_acc > 0.9
    with pytest.raises(ValueError, match="predict_proba"):
        net.predict_proba(X)


def test_multilabel_sigmoid_output():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 3))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0]).astype(int)
    net = MLP([3, 12, 2], output="sigmoid", seed=0)
    fit(net, X, Y, Adam(lr=0.05), epochs=30, batch_size=20)
    assert net.predict(X).shape == (200, 2)
    assert net.score(X, Y) > 0.9
    with pytest.raises(ValueError, match="only 0 and 1"):
        net.score(X, Y * 2)


def test_digits_reaches_sklearn_level_accuracy():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    net = MLP([64, 100, 50, 10], l2=1e-4, seed=0)
    result = fit(net, scaler.transform(X_tr), y_tr, Adam(lr=0.001), epochs=20, batch_size=32)
    assert result.history[-1].train_acc > 0.99
    assert net.score(scaler.transform(X_te), y_te) > 0.95


def test_optional_scores_are_none():
    X, y = make_data(n=20)
    e = fit(MLP([4, 3], seed=0), X, y, Adam(), epochs=1, score_train=False).history[0]
    assert e.train_acc is None and e.val_loss is None and e.val_acc is None
    with pytest.raises(ValueError, match="field of EpochResult"):
        fit(MLP([4, 3], seed=0), X, y, Adam(), epochs=1).curve("accuracy")


def test_training_runs_with_one_blas_thread():
    from engine.blas import blas_thread_counts, prepare
    if not prepare():
        pytest.skip("threadpoolctl cannot read this BLAS")
    seen = []

    class Recording(SGD):
        def step(self, params, grads):
            seen.append(blas_thread_counts())
            return super().step(params, grads)

    X, y = make_data(n=20)
    fit(MLP([4, 3], seed=0), X, y, Recording(lr=0.1), epochs=2, batch_size=10)
    assert seen and all(counts and all(n == 1 for n in counts) for counts in seen)
    for threads in (0, 2):
        with pytest.raises(ValueError, match="blas_threads"):
            train(MLP([4, 3], seed=0), X, y, SGD(), blas_threads=threads)
