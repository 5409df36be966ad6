"""The schedules people use today, against torch.optim.lr_scheduler's closed forms and documented
behaviour (torch is not installed: the closed forms are written out here from torch's docs)."""
import math

import numpy as np
import pytest

from engine.nn import MLP, fit
from engine.optimizers import SGD
from engine.schedules import (MODERN, MODERN_LABELS, ReduceOnPlateau, cosine_warm_restarts, make_schedule,
                              one_cycle, plateau_lrs)
from tests.engine.nn_data import make_data


# ------------------------------------------------------------------ OneCycleLR
def torch_one_cycle(max_lr, step, total, pct_start=0.3, div=25.0, final_div=1e4):
    """OneCycleLR.get_lr (anneal_strategy="cos", three_phase=False), written out."""
    initial = max_lr / div
    phases = [(float(pct_start * total) - 1, initial, max_lr), (total - 1, max_lr, initial / final_div)]
    start_step = 0.0
    for i, (end_step, start, end) in enumerate(phases):
        if step <= end_step or i == len(phases) - 1:
            pct = (step - start_step) / (end_step - start_step)
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        start_step = end_step


def test_one_cycle_by_hand_over_ten_epochs():
    # max_lr 1, 10 epochs: up from 1/25 over steps 0..2 (0.3 * 10 - 1 = 2), down to 0.04 / 1e4 at step 9
    lrs = [one_cycle(1.0, e, 10) for e in range(10)]
    assert lrs == pytest.approx([0.04, 0.52, 1.0, 0.950484632013, 0.81174565395, 0.611262021936,
                                 0.388741978064, 0.18825834605, 0.049519367987, 4e-06], rel=1e-9)
    assert lrs[3] == pytest.approx(4e-6 + (1 - 4e-6) / 2 * (1 + math.cos(math.pi / 7)), rel=1e-12)


@pytest.mark.parametrize("total, pct_start, div, final_div", [
    (100, 0.3, 25.0, 1e4), (37, 0.25, 10.0, 100.0), (5, 0.3, 25.0, 1e4), (3, 0.3, 25.0, 1e4), (20, 1.0, 4.0, 2.0),
    (20, 0.0, 25.0, 1e4)])
def test_one_cycle_is_torchs_closed_form(total, pct_start, div, final_div):
    for e in range(total):
        assert one_cycle(0.2, e, total, pct_start, div, final_div) == pytest.approx(
            torch_one_cycle(0.2, e, total, pct_start, div, final_div), rel=1e-12, abs=1e-15)


def test_one_cycle_starts_low_peaks_at_max_lr_and_ends_near_zero():
    lrs = np.array([one_cycle(0.1, e, 100) for e in range(100)])
    assert lrs[0] == pytest.approx(0.1 / 25)
    assert int(np.argmax(lrs)) == 29 and lrs[29] == pytest.approx(0.1)
    assert lrs[-1] == pytest.approx(0.1 / 25 / 1e4)
    assert np.all(np.diff(lrs[:30]) > 0) and np.all(np.diff(lrs[29:]) < 0)
    # a short run puts the peak before epoch 0 (torch too): it starts on the way down
    assert one_cycle(1.0, 0, 3) == pytest.approx(torch_one_cycle(1.0, 0, 3)) and one_cycle(1.0, 0, 3) < 1.0


def test_one_cycle_refuses_epochs_past_the_cycle_and_a_zero_length_warm_up():
    assert one_cycle(0.1, 99, 100) > 0
    with pytest.raises(ValueError, match="epoch must be below total_epochs"):
        one_cycle(0.1, 100, 100)
    with pytest.raises(ValueError, match="pct_start"):          # 0.1 * 10 = 1: torch divides 0 by 0
        one_cycle(0.1, 5, 10, pct_start=0.1)


# ------------------------------------------------------------------ CosineAnnealingWarmRestarts
def torch_warm_restarts(base, epoch, T_0, T_mult=1, eta_min=0.0):   # noqa: N803
    """CosineAnnealingWarmRestarts.step(epoch)'s closed form, written out."""
    if epoch >= T_0:
        if T_mult == 1:
            t_cur, t_i = epoch % T_0, T_0
        else:
            n = int(math.log(epoch / T_0 * (T_mult - 1) + 1, T_mult))
            t_cur, t_i = epoch - T_0 * (T_mult ** n - 1) / (T_mult - 1), T_0 * T_mult ** n
    else:
        t_cur, t_i = epoch, T_0
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2


def test_warm_restarts_by_hand():
    # T_0 = 3, T_mult = 2: cycles of 3, 6, 12 epochs; restarts at epochs 3 and 9
    lrs = [cosine_warm_restarts(1.0, e, 3, 2) for e in range(12)]
    assert lrs == pytest.approx([1.0, 0.75, 0.25, 1.0, 0.933012701892, 0.75, 0.5, 0.25, 0.066987298108,
                                 1.0, 0.982962913145, 0.933012701892], rel=1e-9)
    # T_mult = 1 and a floor: every 4 epochs back to 1.0, halfway (epoch 2) at (1 + 0.2) / 2
    lrs = [cosine_warm_restarts(1.0, e, 4, 1, min_lr=0.2) for e in range(9)]
    assert lrs == pytest.approx([1.0, 0.882842712475, 0.6, 0.317157287525] * 2 + [1.0], rel=1e-9)


@pytest.mark.parametrize("T_0, T_mult", [(10, 1), (7, 2), (5, 3), (1, 1), (1, 2)])
def test_warm_restarts_are_torchs_closed_form(T_0, T_mult):   # noqa: N803
    for e in range(120):
        expected = torch_warm_restarts(0.1, e, T_0, T_mult, 0.001)
        assert cosine_warm_restarts(0.1, e, T_0, T_mult, min_lr=0.001) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_warm_restarts_count_whole_epochs_where_torchs_logarithm_slips():
    # math.log(243, 3) = 4.999...: torch's step(epoch) closed form puts epoch 121 (T_0 = 1,
    # T_mult = 3: restarts at 1, 4, 13, 40, 121) at the end of a cycle instead of a restart;
    # stepping once per epoch, as torch's step() does, restarts there
    assert cosine_warm_restarts(0.1, 121, 1, 3) == pytest.approx(0.1)
    assert cosine_warm_restarts(0.1, 120, 1, 3) < 0.001


# ------------------------------------------------------------------ ReduceLROnPlateau
def test_plateau_by_hand():
    # patience 2: the third bad epoch in a row (epoch 4) cuts the rate, used from epoch 5 on
    losses = [5, 4, 4, 4, 4, 3, 3, 3, 3, 3]
    assert plateau_lrs(1.0, losses, factor=0.5, patience=2) == [1.0] * 5 + [0.5] * 4 + [0.25]
    plateau = ReduceOnPlateau(1.0, factor=0.5, patience=2)
    for loss in losses:
        plateau.step(loss)
    assert plateau.reductions == [4, 8] and plateau.lr == 0.25
    # cooldown 2: after the cut at epoch 3 the next two epochs do not count as bad
    assert plateau_lrs(1.0, [5, 4] + [4] * 8, factor=0.5, patience=1, cooldown=2) == [1.0] * 4 + [0.5] * 4 + [0.25] * 2


def test_plateau_patience_zero_as_torchs_documentation_describes():
    # "In the first epoch, a baseline is established ... In the second epoch, if the performance
    # is worse than the baseline ... the learning rate is reduced at the end of this epoch.
    # ... If the performance improves or remains the same, the learning rate is not adjusted."
    plateau = ReduceOnPlateau(0.1, patience=0)
    assert plateau.step(1.0) == 0.1                    # the baseline
    assert plateau.step(1.2) == pytest.approx(0.01)    # worse: cut at the end of this epoch
    assert plateau.step(1.5) == pytest.approx(0.001)   # worse again: cut again
    assert plateau.step(0.5) == pytest.approx(0.001)   # better: kept
    assert plateau.reductions == [1, 2] and plateau.reduced is False


def test_plateau_threshold_rel_and_abs():
    # rel: 0.99995 is not below 1 * (1 - 1e-4) = 0.9999: no improvement
    rel = ReduceOnPlateau(1.0, factor=0.5, patience=0)
    rel.step(1.0)
    assert rel.step(0.99995) == 0.5 and rel.best == 1.0
    assert ReduceOnPlateau(1.0, factor=0.5, patience=0, threshold=1e-6).step(1.0) == 1.0
    # abs: an improvement must beat the best by more than 0.1 loss units
    ab = ReduceOnPlateau(1.0, factor=0.5, patience=0, threshold=0.1, threshold_mode="abs")
    ab.step(2.0)
    assert ab.step(1.95) == 0.5                      # 1.95 is not below 2.0 - 0.1
    assert ab.step(1.85) == 0.5 and ab.best == 1.85  # 1.85 is


def test_plateau_floor_eps_nan_and_reset():
    plateau = ReduceOnPlateau(1.0, factor=0.1, patience=0, min_lr=0.05)
    lrs = [plateau.step(loss) for loss in (1.0, 2.0, 2.0, 2.0)]
    assert lrs == [1.0, 0.1, 0.05, 0.05] and plateau.reductions == [1, 2]
    # a cut smaller than torch's eps (1e-8) is not applied
    tiny = ReduceOnPlateau(1e-8, factor=0.5, patience=0)
    assert [tiny.step(x) for x in (1.0, 2.0)] == [1e-8, 1e-8] and tiny.reductions == []
    # a NaN loss never improves: a bad epoch
    nan = ReduceOnPlateau(1.0, factor=0.5, patience=0)
    assert [nan.step(x) for x in (1.0, float("nan"))] == [1.0, 0.5]
    nan.reset()
    assert (nan.lr, nan.best, nan.reductions, nan.epochs) == (1.0, math.inf, [], 0)


# ------------------------------------------------------------------ arguments
@pytest.mark.parametrize("call, name", [
    (lambda: one_cycle(0.0, 0, 10), "max_lr"),
    (lambda: one_cycle(0.1, -1, 10), "epoch"),
    (lambda: one_cycle(0.1, 0, 0), "total_epochs"),
    (lambda: one_cycle(0.1, 0, 10, pct_start=1.5), "pct_start"),
    (lambda: one_cycle(0.1, 0, 10, div_factor=0), "div_factor"),
    (lambda: one_cycle(0.1, 0, 10, final_div_factor=-1), "final_div_factor"),
    (lambda: cosine_warm_restarts(0.1, 0, 0), "T_0"),
    (lambda: cosine_warm_restarts(0.1, 0, 2.5), "T_0"),
    (lambda: cosine_warm_restarts(0.1, 0, 10, T_mult=0), "T_mult"),
    (lambda: cosine_warm_restarts(0.1, 0, 10, T_mult=1.5), "T_mult"),
    (lambda: cosine_warm_restarts(0.1, 0, 10, min_lr=0.2), "min_lr"),
    (lambda: cosine_warm_restarts(-0.1, 0, 10), "initial_lr"),
    (lambda: ReduceOnPlateau(0.1, factor=1.0), "factor"),
    (lambda: ReduceOnPlateau(0.1, factor=0.0), "factor"),
    (lambda: ReduceOnPlateau(0.1, patience=-1), "patience"),
    (lambda: ReduceOnPlateau(0.1, threshold=-1e-4), "threshold"),
    (lambda: ReduceOnPlateau(0.1, threshold_mode="max"), "threshold_mode"),
    (lambda: ReduceOnPlateau(0.1, cooldown=0.5), "cooldown"),
    (lambda: ReduceOnPlateau(0.1, min_lr=0.5), "min_lr"),
    (lambda: ReduceOnPlateau(float("inf")), "initial_lr"),
    (lambda: ReduceOnPlateau(0.1).step("low"), "metric"),
])
def test_bad_arguments_raise_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_make_schedule_builds_the_new_ones():
    cycle = make_schedule("one_cycle", 0.3, 50, pct_start=0.2)      # initial_lr is one-cycle's max_lr
    assert cycle.values() == [one_cycle(0.3, e, 50, pct_start=0.2) for e in range(50)]
    assert cycle.label == MODERN_LABELS["one_cycle"] and set(MODERN) < set(MODERN_LABELS)
    restarts = make_schedule("cosine_warm_restarts", 0.1, 30, T_0=5, T_mult=2)
    assert restarts(7) == cosine_warm_restarts(0.1, 7, 5, 2)
    with pytest.raises(ValueError, match="T_mult"):
        make_schedule("cosine_warm_restarts", 0.1, 30, T_0=5, T_mult=0)
    with pytest.raises(ValueError, match="pct_start"):               # checked when built
        make_schedule("one_cycle", 0.1, 10, pct_start=0.1)


# ------------------------------------------------------------------ real training
def test_training_with_a_plateau_schedule_follows_the_validation_loss():
    X, y = make_data(n=60)
    Xv, yv = make_data(n=30, seed=9)
    plateau = ReduceOnPlateau(0.5, factor=0.5, patience=1)
    result = fit(MLP([4, 8, 3], seed=1), X, y, SGD(lr=7.0), epochs=25, batch_size=10, X_val=Xv, y_val=yv,
                 schedule=plateau)
    lrs, val = result.curve("lr"), result.curve("val_loss")
    assert lrs[0] == 0.5                                         # the plateau's rate, not the optimizer's
    np.testing.assert_array_equal(lrs, plateau_lrs(0.5, val, factor=0.5, patience=1))
    reduced = [e.epoch for e in result.history if e.lr_reduced]
    assert reduced and reduced == plateau.reductions[:len(reduced)]
    assert all(lrs[e + 1] == lrs[e] / 2 for e in reduced if e + 1 < len(lrs))
    assert not any(e.lr_reduced for e in fit(MLP([4, 3], seed=1), X, y, SGD(lr=0.1), epochs=3,
                                             X_val=Xv, y_val=yv).history)
    # the same scheduler again: reset first, so the same run
    again = fit(MLP([4, 8, 3], seed=1), X, y, SGD(lr=7.0), epochs=25, batch_size=10, X_val=Xv, y_val=yv,
                schedule=plateau)
    np.testing.assert_array_equal(again.curve("lr"), lrs)
    with pytest.raises(ValueError, match="X_val"):
        fit(MLP([4, 3], seed=1), X, y, SGD(), epochs=2, schedule=plateau)


# ------------------------------------------------------------------ the Training strategies lab
def test_the_lab_draws_todays_schedules_and_explains_what_it_cannot():
    from engine import strategies as S
    settings = {"max_lr": 0.3, "pct_start": 0.25, "T_0": 4, "T_mult": 2, "min_lr": 0.01}
    figure = S.schedule_figure(0.1, 20, settings, names=S.LAB_SCHEDULES)
    np.testing.assert_array_equal(figure.curves["one_cycle"], [one_cycle(0.3, e, 20, 0.25) for e in range(20)])
    np.testing.assert_array_equal(figure.curves["cosine_warm_restarts"],
                                  [cosine_warm_restarts(0.1, e, 4, 2, 0.01) for e in range(20)])
    assert figure.after_run == ("reduce_on_plateau",) and "reduce_on_plateau" not in figure.curves
    assert not figure.problems
    bad = S.schedule_figure(0.1, 10, {"pct_start": 0.1}, names=S.LAB_SCHEDULES)
    assert set(bad.problems) == {"one_cycle"} and "pct_start" in bad.problems["one_cycle"]
    with pytest.raises(ValueError, match="validation loss"):
        S.schedule_curves(names=["reduce_on_plateau"])
    # the tutorial's figure stays the tutorial's: today's schedules start unticked
    values = dict(S.SCHEDULE_CHOICE.defaults(), initial_lr=0.1, total_epochs=10)
    assert S.runnable_schedules(values) == S.RUN_SCHEDULES
    assert S.runnable_schedules({**values, "reduce_on_plateau": True, "one_cycle": True, "pct_start": 0.1}) == \
        S.RUN_SCHEDULES + ("reduce_on_plateau",)


def test_the_labs_plateau_run_follows_its_validation_loss_and_says_what_it_did():
    from engine import strategies as S
    from engine.stream import drain
    settings = {"factor": 0.5, "patience": 1, "threshold": 0.1}
    _, result = drain(S.schedule_runs(names=["reduce_on_plateau", "constant"], initial_lr=0.1, total_epochs=10,
                                      batch_size=256, hidden=8, settings=settings))
    run = result.runs["reduce_on_plateau"]
    lrs, val = run.curve("lr"), run.curve("val_loss")
    np.testing.assert_array_equal(lrs, plateau_lrs(0.1, val, factor=0.5, patience=1, threshold=0.1))
    assert result.settings["schedules"]["reduce_on_plateau"]["patience"] == 1
    summary = S.schedule_summary(result)
    cut_epochs = [e.epoch for e in run.history if e.lr_reduced]
    assert cut_epochs and [e for e, _ in summary.plateau_cuts] == cut_epochs
    for epoch, new_lr in summary.plateau_cuts:
        assert new_lr == pytest.approx(run.history[epoch].lr * 0.5)
    text = S.plateau_verdict(summary, result.settings)
    assert f"cut the rate {len(cut_epochs)} times" in text or (len(cut_epochs) == 1 and "once" in text)
    best = summary.table.set_index("schedule").loc["reduce_on_plateau", "best_epoch"]
    assert "more than 1 epoch in a row" in text and f"lowest validation loss came at epoch {best}" in text
    assert not any(e.lr_reduced for e in result.runs["constant"].history)
    # one that never cuts says so
    _, calm = drain(S.schedule_runs(names=["reduce_on_plateau"], total_epochs=10, batch_size=256, hidden=8,
                                    settings={"patience": 50}))
    assert S.plateau_verdict(S.schedule_summary(calm), calm.settings).startswith("Reduce on plateau never cut")
