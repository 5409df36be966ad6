import numpy as np
import pytest

from engine.stream import drain

from engine.early_stopping import run_early_stopping
from engine.overfitting import (DATA_SIMULATED, RUN_LABELS, SPEED, DropoutEpoch, WhatIf, dropout_comparison,
                                dropout_demo, dropout_job, early_stopping_run, example_activations, last_epoch,
                                overfitting_split, pace, plain_run, stopping_job)




# ---------------------------------------------------------------- dropout mask
def test_inverted_dropout_is_mask_times_scale():
    X = example_activations((5, 10), seed=1)
    d = dropout_demo(X, rate=0.4, rng=3)
    np.testing.assert_array_equal(d.unscaled, np.where(d.keep, X, 0.0))
    np.testing.assert_allclose(d.dropped, np.where(d.keep, X / 0.6, 0.0))
    np.testing.assert_allclose(d.row_means_before, X.mean(axis=1))
    np.testing.assert_allclose(d.row_means_after, d.dropped.mean(axis=1))
    np.testing.assert_allclose(d.row_means_unscaled, d.unscaled.mean(axis=1))
    assert d.keep.dtype == bool and not d.dropped.flags.writeable


def test_the_scaling_keeps_the_mean_in_expectation_and_no_scaling_shrinks_it():
    X = example_activations((6, 12), seed=2)
    p, n = 0.5, 20_000
    d = dropout_demo(X, rate=p, rng=5, n_masks=n)
    # standard error of the averaged row mean: sqrt(sum_j x_j^2 p/(1-p) / n) / units
    se = np.sqrt((X ** 2).sum(axis=1) * p / (1 - p) / n) / X.shape[1]
    assert np.all(np.abs(d.row_means_average - d.row_means_before) < 5 * se)
    np.testing.assert_allclose(d.row_means_average_unscaled, d.row_means_average * (1 - p))
    # one mask, by contrast, moves the means by far more than that
    assert np.max(np.abs(d.row_means_after - d.row_means_before)) > 20 * se.max()


def test_kept_fraction_follows_the_rate():
    d = dropout_demo(np.ones((100, 100)), rate=0.3, rng=0)
    assert d.kept_fraction == pytest.approx(0.7, abs=0.02)


def test_rate_zero_changes_nothing_and_the_seed_repeats_the_mask():
    X = example_activations()
    d0 = dropout_demo(X, rate=0.0, rng=0)
    np.testing.assert_array_equal(d0.dropped, X)
    a, b = dropout_demo(X, 0.5, rng=9), dropout_demo(X, 0.5, rng=9)
    np.testing.assert_array_equal(a.keep, b.keep)


@pytest.mark.parametrize("kwargs, word", [
    ({"rate": 1.0}, "rate"), ({"rate": -0.1}, "rate"), ({"n_masks": 0}, "n_masks"),
])
def test_bad_arguments_name_the_parameter(kwargs, word):
    with pytest.raises(ValueError, match=word):
        dropout_demo(np.ones((2, 2)), **kwargs)


def test_bad_activations():
    with pytest.raises(ValueError, match="2-D"):
        dropout_demo(np.ones(4))
    with pytest.raises(ValueError, match="finite"):
        dropout_demo(np.array([[1.0, np.nan]]))


# ---------------------------------------------------------------- data
def test_overfitting_split_takes_its_samples_from_the_tutorials_training_part():
    from engine.datasets import classification_split
    base = classification_split()
    d = overfitting_split(100)
    assert d.sizes == (100, 300, 100)
    np.testing.assert_array_equal(np.vstack([d.X_train, d.X_val]), base.X_train)
    np.testing.assert_array_equal(d.X_test, base.X_test)
    with pytest.raises(ValueError, match="n_train"):
        overfitting_split(5)


# ---------------------------------------------------------------- dropout comparison
def test_with_rate_zero_both_runs_are_identical_so_dropout_is_the_only_difference():
    events, result = drain(dropout_comparison(rate=0.0, epochs=4, hidden=16))
    assert [e.run for e in events] == list(RUN_LABELS) * 4
    a, b = (result.runs[label] for label in RUN_LABELS)
    np.testing.assert_array_equal(a.curve("val_loss"), b.curve("val_loss"))
    np.testing.assert_array_equal(a.curve("train_loss"), b.curve("train_loss"))


def test_dropout_comparison_streams_the_history_it_returns():
    events, result = drain(dropout_comparison(rate=0.5, epochs=5, hidden=16))
    for label in RUN_LABELS:
        streamed = [e.result.val_loss for e in events if e.run == label]
        np.testing.assert_array_equal(streamed, result.runs[label].curve("val_loss"))
    assert not np.array_equal(result.runs["dropout"].curve("train_loss"),
                              result.runs["no dropout"].curve("train_loss"))
    assert set(result.test_accuracy) == set(RUN_LABELS)


def test_the_default_setup_over_fits_and_dropout_lowers_the_validation_loss():
    _, result = drain(dropout_comparison())
    plain, drop = result.runs["no dropout"], result.runs["dropout"]
    val = plain.curve("val_loss")
    assert plain.history[-1].train_loss < 0.01              # the training set is memorised
    assert val[-1] > val.min() + 0.1                          # while the validation loss climbs
    assert drop.best_val_loss < plain.best_val_loss
    assert drop.history[-1].val_loss < plain.history[-1].val_loss - 0.1


# ---------------------------------------------------------------- early stopping
def test_early_stopping_run_reports_the_stoppers_state_each_epoch():
    events, summary = drain(early_stopping_run(patience=3, min_delta=0.0, epochs=60, hidden=32))
    losses = [e.val_loss for e in events]
    ref = run_early_stopping(losses, patience=3, min_delta=0.0)
    assert summary.stop_epoch == ref.stop_epoch == events[-1].epoch
    assert summary.best_epoch == ref.best_epoch == events[-1].best_epoch
    assert events[-1].should_stop and not any(e.should_stop for e in events[:-1])
    assert events[-1].window == (ref.best_epoch + 1, ref.stop_epoch)
    assert [e.epoch for e in events] == list(range(len(events)))
    # the restored weights are the best epoch's: their validation loss is the best one
    assert summary.restored
    assert summary.final_val_loss == pytest.approx(summary.best_val_loss, rel=1e-12)
    assert summary.final_val_acc == events[summary.best_epoch].val_acc


def test_the_plain_run_is_the_early_stopped_run_continued():
    events, summary = drain(early_stopping_run(patience=3, epochs=40))
    plain, result = drain(plain_run(epochs=40))
    assert summary.stop_epoch is not None and len(plain) == 40 > len(events)
    np.testing.assert_array_equal([e.val_loss for e in plain[:len(events)]], [e.val_loss for e in events])
    assert result.stop_epoch == 39 and not result.stopped_early


def test_without_restore_the_run_keeps_its_last_weights():
    events, summary = drain(early_stopping_run(patience=3, min_delta=0.0, restore_best=False,
                                               epochs=60, hidden=32))
    assert not summary.restored
    assert summary.final_val_loss == pytest.approx(events[-1].val_loss, rel=1e-12)


def test_bad_stopping_arguments_are_refused_at_the_call():
    with pytest.raises(ValueError, match="patience"):
        early_stopping_run(patience=-1)
    with pytest.raises(ValueError, match="lr"):
        early_stopping_run(lr=0)


# ---------------------------------------------------------------- the lab's jobs
def test_pace_is_unpaced_at_the_top_speed_and_validates():
    assert pace(SPEED.maximum) is None and pace(15) == 15.0
    with pytest.raises(ValueError, match="speed"):
        pace(0)


def test_dropout_job_is_the_comparison_paced():
    events, result = drain(dropout_job(rate=0.5, speed=SPEED.maximum, epochs=3, hidden=16))
    assert all(isinstance(e, DropoutEpoch) for e in events) and len(events) == 6
    assert [e.val_acc for e in result.last_epochs()] == [result.runs[label].history[-1].val_acc
                                                         for label in RUN_LABELS]
    assert result.accuracies_close() == (abs(result.last_epochs()[0].val_acc - result.last_epochs()[1].val_acc) < 0.03)


def test_stopping_job_streams_epochs_then_the_summary_then_what_if():
    events, summary = drain(stopping_job(data=DATA_SIMULATED, speed=SPEED.maximum))
    assert events[37] is summary and summary.stop_epoch == 36
    after = events[38:]
    assert all(isinstance(w, WhatIf) for w in after) and [w.epoch for w in after] == list(range(36, 100))
    events, summary = drain(stopping_job(data=DATA_SIMULATED, what_if=False, speed=SPEED.maximum))
    assert events[-1] is summary
    assert last_epoch(DATA_SIMULATED, 150) == 99 and last_epoch("real network", 150) == 149
    with pytest.raises(ValueError, match="patience"):
        stopping_job(patience=201)
