import math

import numpy as np
import pytest

from engine.early_stopping import EarlyStopping, run_early_stopping, simulated_curves, simulated_early_stopping
from engine.stream import drain


def tutorial_loop(val_losses, patience=5, min_delta=0.001):
    """The tutorial's semantics: stop_epoch is the enumerate index at which the call said stop."""
    stopper = EarlyStopping(patience=patience, min_delta=min_delta)
    stop_epoch = len(val_losses)
    for epoch, val_loss in enumerate(val_losses):
        if stopper(val_loss):
            stop_epoch = epoch
            break
    return stop_epoch, stopper


def test_simulated_curves_match_the_tutorials_draw_order():
    # Written the tutorial's way, but with a private RandomState instead of the global one.
    rng = np.random.RandomState(42)
    train_ref, val_ref = [], []
    for epoch in range(100):
        t = 1.0 / (1 + 0.1 * epoch) + rng.randn() * 0.02
        v = 1.0 / (1 + 0.08 * epoch) + rng.randn() * 0.02
        if epoch > 30:
            v += 0.01 * (epoch - 30)
        train_ref.append(t)
        val_ref.append(v)
    train, val = simulated_curves(seed=42, epochs=100, overfit_after=30)
    np.testing.assert_array_equal(train, train_ref)
    np.testing.assert_array_equal(val, val_ref)
    # First values with seed 42: noise 0.4967141530112327 and -0.13826430117118466 (times 0.02)
    assert train[0] == pytest.approx(1.0 + 0.02 * 0.4967141530112327, abs=1e-15)
    assert val[0] == pytest.approx(1.0 - 0.02 * 0.13826430117118466, abs=1e-15)


def test_simulated_curves_leave_global_state_alone():
    np.random.seed(7)
    expected = np.random.rand()
    np.random.seed(7)
    simulated_curves()
    assert np.random.rand() == expected


def test_tutorial_curve_stops_at_epoch_36():
    _, val = simulated_curves()
    stop_epoch, stopper = tutorial_loop(list(val))
    assert stop_epoch == 36
    assert stopper.stop_epoch == 36
    assert stopper.best_epoch == 31
    assert stopper.best_loss == val[31]
    assert stopper.counter == 5
    assert stopper.should_stop
    assert run_early_stopping(val, patience=5, min_delta=0.001) == (36, 31)


def test_best_epoch_is_the_minimum_up_to_the_stop_on_the_tutorial_curve():
    _, val = simulated_curves()
    stop, best = run_early_stopping(val)
    assert best == int(np.argmin(val[: stop + 1]))


def test_first_finite_value_sets_best():
    s = EarlyStopping(patience=3)
    assert s.best_loss is None and s.best_epoch is None
    assert s(2.0) is False
    assert s.best_loss == 2.0 and s.best_epoch == 0 and s.counter == 0


def test_improvement_must_exceed_min_delta():
    s = EarlyStopping(patience=10, min_delta=0.1)
    s(1.0)
    s(0.95)  # better, but not by more than 0.1
    assert s.best_loss == 1.0 and s.counter == 1
    s(0.9)  # exactly best - min_delta: not strictly below, no improvement
    assert s.best_loss == 1.0 and s.counter == 2
    s(0.85)
    assert s.best_loss == 0.85 and s.best_epoch == 3 and s.counter == 0


def test_stops_after_patience_non_improvements_and_stays_stopped():
    s = EarlyStopping(patience=2, min_delta=0.0)
    assert [s(v) for v in (1.0, 1.0, 1.5)] == [False, False, True]
    assert s.stop_epoch == 2 and s.best_epoch == 0
    # later calls change nothing, even a big improvement
    assert s(0.01) is True
    assert s.best_loss == 1.0 and s.best_epoch == 0 and s.epoch == 2


def test_patience_zero_stops_at_first_non_improvement():
    assert run_early_stopping([3.0, 2.0, 2.5, 1.0], patience=0) == (2, 1)


def test_nan_and_inf_never_improve():
    s = EarlyStopping(patience=3, min_delta=0.0)
    s(1.0)
    s(float("nan"))
    s(float("-inf"))
    assert s.best_loss == 1.0 and s.counter == 2
    assert s(float("inf")) is True
    assert s.best_epoch == 0


def test_non_finite_before_any_finite_counts_toward_patience():
    s = EarlyStopping(patience=3)
    s(float("nan"))
    assert s.best_loss is None and s.counter == 1
    s(5.0)
    assert s.best_loss == 5.0 and s.best_epoch == 1 and s.counter == 0


def test_all_nan_run_stops_with_no_best():
    assert run_early_stopping([math.nan] * 4, patience=2) == (1, None)


def test_never_stopping_reports_none():
    assert run_early_stopping([5.0, 4.0, 3.0, 2.0], patience=2) == (None, 3)


def test_reset_forgets_state_but_keeps_settings():
    s = EarlyStopping(patience=1, min_delta=0.05, restore_best=False)
    s(1.0)
    s(1.0)
    assert s.should_stop
    s.reset()
    assert (s.best_loss, s.best_epoch, s.counter, s.should_stop, s.stop_epoch) == (None, None, 0, False, None)
    assert (s.patience, s.min_delta, s.restore_best) == (1, 0.05, False)
    s(3.0)
    assert s.best_epoch == 0


def test_patience_window():
    s = EarlyStopping(patience=5, min_delta=0.0)
    assert s.patience_window is None
    s(1.0)
    assert s.patience_window is None
    s(2.0)
    s(2.0)
    assert s.patience_window == (1, 2)


@pytest.mark.parametrize("kwargs, name", [
    ({"patience": -1}, "patience"),
    ({"patience": 2.5}, "patience"),
    ({"patience": 201}, "patience"),
    ({"min_delta": -0.001}, "min_delta"),
    ({"min_delta": 0.2}, "min_delta"),
    ({"min_delta": float("nan")}, "min_delta"),
    ({"restore_best": "yes"}, "restore_best"),
])
def test_bad_arguments_raise_naming_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        EarlyStopping(**kwargs)


def test_defaults():
    s = EarlyStopping()
    assert (s.patience, s.min_delta, s.restore_best) == (5, 0.001, True)


def test_simulated_curve_stops_at_36_as_in_the_tutorial():
    events, summary = drain(simulated_early_stopping())
    assert summary.stop_epoch == 36 and len(events) == 37
    assert summary.best_epoch == events[-1].best_epoch
    assert summary.simulated and not summary.restored
    assert summary.as_in_the_tutorial and not summary.accuracy_crept_up


def test_simulated_curve_with_huge_patience_runs_to_the_end():
    events, summary = drain(simulated_early_stopping(patience=200))
    assert summary.stop_epoch is None and len(events) == 100
    assert not summary.as_in_the_tutorial
