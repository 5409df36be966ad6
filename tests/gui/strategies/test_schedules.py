"""1 · LR schedules: the tutorial's figure follows the sliders; the runs stream, cancel and restart."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.gui.helpers import curve_y, plain, type_into
from tests.gui.strategies.conftest import closing_job


def test_schedule_figure_is_the_tutorials_and_follows_the_sliders(qtbot, panel):
    s = panel.section("schedules")
    s.set_values({"total_epochs": 100})                      # the tutorial plots 100 epochs
    panel.cancel()
    lr = {name: curve_y(curve) for name, curve in s.lr_curves.items()}
    assert all(v.size == 100 for v in lr.values())
    np.testing.assert_allclose(lr["step_decay"][[0, 9, 10, 20, 99]], [0.1, 0.1, 0.05, 0.025, 0.1 * 0.5 ** 9])
    np.testing.assert_allclose(lr["exponential_decay"][[0, 1, 10]], [0.1, 0.095, 0.1 * 0.95 ** 10])
    np.testing.assert_allclose(lr["cosine_annealing"][[0, 50]], [0.1, 0.05])
    np.testing.assert_allclose(lr["warmup_linear"][:6], [0.0, 0.02, 0.04, 0.06, 0.08, 0.1])
    assert "lr at epoch 0 = 0" in plain(s.problem)
    assert "Exponential" in plain(s.lr_box.legend_label)
    # a slider redraws the figure at once
    with qtbot.waitSignal(s.figure_drawn, timeout=2000):
        type_into(qtbot, s.param_widget("decay_rate").editor, "0.5")
    np.testing.assert_allclose(curve_y(s.lr_curves["exponential_decay"])[:3], [0.1, 0.05, 0.025])
    # dragging the warm-up slider moves the peak of the warm-up curve
    slider = s.param_widget("warmup_epochs").slider
    with qtbot.waitSignal(s.figure_drawn, timeout=2000):
        slider.setValue(8)
    warm = curve_y(s.lr_curves["warmup_linear"])
    assert int(np.argmax(warm)) == 8 and warm[0] == 0.0
    # an impossible combination is explained, not drawn: warm-up as long as the run
    s.set_values({"total_epochs": 10, "warmup_epochs": 10})
    assert "total_epochs" in plain(s.problem)
    assert not s.lr_curves["warmup_linear"].isVisible()
    qtbot.waitUntil(panel.is_idle, timeout=30000)


def test_schedule_runs_stream_in_can_be_cancelled_and_rerun(qtbot, panel):
    s = panel.section("schedules")
    s.set_values({"speed": 15})
    qtbot.mouseClick(s.run_button, Qt.LeftButton)
    assert s.worker.busy and s.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: s.points("constant") >= 2, timeout=10000)
    partial = s.points("constant")
    assert s.worker.busy and partial < 11                    # the curve grows while the run goes
    s.set_values({"speed": 1000})                            # (the speed alone does not restart it)
    with qtbot.waitSignal(s.done, timeout=30000):
        pass
    for name in s.names:
        assert s.points(name) == 11                           # the start, then 10 epochs
    result = s.result
    warm = curve_y(s.val_curves["warmup_linear"])
    assert warm[1] == warm[0] == result.starts["warmup_linear"].val_loss   # epoch 0 learned nothing
    np.testing.assert_allclose(curve_y(s.lr_bands["cosine_annealing"]), result.runs["cosine_annealing"].curve("lr"))
    text = plain(s.note)
    assert "Warm-up, epoch 0: lr = 0" in text and "identical" in text
    # cancel a slow run: the worker closes the run's generator; then run it again
    s.set_values({"speed": 5})
    closed = closing_job(s)
    qtbot.mouseClick(s.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: s.points("constant") >= 2, timeout=10000)
    qtbot.mouseClick(s.cancel_button, Qt.LeftButton)
    assert not s.worker.busy and not s.cancel_button.isEnabled()
    n = s.points("constant")
    qtbot.waitUntil(lambda: closed == ["closed"], timeout=5000)     # stopped, not run to its end
    assert s.points("constant") == n < 11 and s.result is None
    assert "Cancelled after" in plain(s.note)
    s.set_values({"speed": 1000})
    with qtbot.waitSignal(s.done, timeout=30000):
        qtbot.mouseClick(s.run_button, Qt.LeftButton)
    assert s.points("constant") == 11


def test_a_change_mid_run_restarts_with_the_new_setting(qtbot, panel):
    s = panel.section("schedules")
    s.set_values({"speed": 5})
    qtbot.mouseClick(s.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: s.points("exponential_decay") >= 2, timeout=10000)
    s.set_values({"speed": 1000})
    with qtbot.waitSignal(s.done, timeout=30000):
        type_into(qtbot, s.param_widget("decay_rate").editor, "0.6")
    assert s.result.settings["schedules"]["exponential_decay"] == {"decay_rate": pytest.approx(0.6)}
    np.testing.assert_allclose(curve_y(s.lr_bands["exponential_decay"]), 0.1 * 0.6 ** np.arange(10))
    assert s.points("exponential_decay") == 11                # only the new run's curve
    # unticking a schedule restarts without it
    with qtbot.waitSignal(s.done, timeout=30000):
        s.param_widget("constant").editor.click()
    assert "constant" not in s.result.runs and not s.lr_curves["constant"].isVisible()
    assert s.points("constant") == 0
    assert s.values()["constant"] is False and s.tutorial_values()["constant"] is True


def test_nothing_ticked_trains_nothing_and_says_so(qtbot, panel):
    s = panel.section("schedules")
    with qtbot.waitSignal(s.done, timeout=30000):
        s.set_values({name: False for name in s.checks.widgets})
    assert s.result is None and "Tick at least one schedule" in plain(s.note)
    assert not any(curve.isVisible() for curve in s.lr_curves.values()) and s.points("constant") == 0


def test_todays_schedules_are_a_tick_away_and_follow_their_sliders(qtbot, panel):
    s = panel.section("schedules")
    s.set_values({"total_epochs": 100})
    panel.cancel()
    today = ("one_cycle", "cosine_warm_restarts", "reduce_on_plateau")
    assert not any(s.tutorial_values()[n] for n in today)                 # the tutorial's figure as it was
    assert not s.lr_curves["one_cycle"].isVisible() and "One-cycle" not in plain(s.lr_box.legend_label)
    with qtbot.waitSignal(s.figure_drawn, timeout=2000):
        s.modern_checks.widgets["one_cycle"].editor.click()
    cycle = curve_y(s.lr_curves["one_cycle"])
    assert s.lr_curves["one_cycle"].isVisible() and cycle.size == 100
    assert cycle[0] == pytest.approx(0.1 / 25) and int(np.argmax(cycle)) == 29 and cycle[-1] < 1e-6
    # its max lr above the initial lr: the axis grows to show the peak
    with qtbot.waitSignal(s.figure_drawn, timeout=2000):
        type_into(qtbot, s.param_widget("max_lr").editor, "0.3")
    assert curve_y(s.lr_curves["one_cycle"]).max() == pytest.approx(0.3)
    assert s.lr_plot.getViewBox().viewRange()[1][1] >= 0.3
    # warm restarts: back to the initial lr every T_0 epochs
    s.modern_checks.widgets["cosine_warm_restarts"].editor.click()
    with qtbot.waitSignal(s.figure_drawn, timeout=2000):
        type_into(qtbot, s.param_widget("T_0").editor, "20")
    restarts = curve_y(s.lr_curves["cosine_warm_restarts"])
    assert [e for e in range(1, 100) if restarts[e] > restarts[e - 1]] == [20, 40, 60, 80]
    # the plateau has no curve before a run: its key says the run draws it
    s.modern_checks.widgets["reduce_on_plateau"].editor.click()
    assert "plateau: drawn by its run" in plain(s.lr_box.legend_label)
    # a warm-up that ends where it starts is explained, not drawn
    s.set_values({"total_epochs": 10, "pct_start": 0.1})
    assert "pct_start" in plain(s.problem) and not s.lr_curves["one_cycle"].isVisible()
    qtbot.waitUntil(panel.is_idle, timeout=30000)


def test_the_plateau_run_marks_its_cuts_on_the_plots(qtbot, panel):
    s = panel.section("schedules")
    values = {n: False for n in s.checks.widgets}
    values.update(reduce_on_plateau=True, one_cycle=True, patience=0, factor=0.5, threshold=0.1)
    with qtbot.waitSignal(s.done, timeout=30000):
        s.set_values(values)
    run = s.result.runs["reduce_on_plateau"]
    cuts = [e.epoch for e in run.history if e.lr_reduced]
    assert cuts                                                        # a 10 % threshold stalls at once
    np.testing.assert_array_equal(curve_y(s.plateau.line), run.curve("lr"))
    x, y = s.plateau.loss_cuts.getData()
    np.testing.assert_array_equal(x, [e + 1 for e in cuts])           # epochs trained when it cut
    np.testing.assert_array_equal(y, run.curve("val_loss")[cuts])     # on its validation curve
    x_lr, y_lr = s.plateau.lr_cuts.getData()
    inside = [e + 1 for e in cuts if e + 1 < 10]
    np.testing.assert_array_equal(x_lr, inside)                       # where the smaller rate starts
    np.testing.assert_allclose(y_lr, run.curve("lr")[inside])
    assert all(run.history[x].lr == run.history[x - 1].lr / 2 for x in inside)
    assert "plateau cut the lr" in plain(s.legend) and "plateau cut the lr" in plain(s.lr_box.legend_label)
    text = plain(s.note)
    assert "Reduce on plateau cut the rate" in text and "One-cycle" in text
    # a new run clears the old marks before it draws its own
    s.set_values({"speed": 5})
    qtbot.mouseClick(s.run_button, Qt.LeftButton)
    assert s.plateau.cuts == [] and curve_y(s.plateau.loss_cuts).size == 0
    s.set_values({"speed": 1000})
    with qtbot.waitSignal(s.done, timeout=30000):
        pass
    # unticked: no line, no marks
    with qtbot.waitSignal(s.done, timeout=30000):
        s.modern_checks.widgets["reduce_on_plateau"].editor.click()
    assert not s.plateau.line.isVisible() and not s.plateau.loss_cuts.isVisible()
