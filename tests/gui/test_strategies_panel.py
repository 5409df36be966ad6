"""The Training strategies tab driven as a student would."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from gui.panels.strategies import ITER_CHOICES, TOL_CHOICES, StrategiesPanel
from gui.theme import theme
from tests.gui.helpers import curve_y, plain, type_into

SCHEDULES, BATCH, ITERATIONS, CLIPPING = range(4)
# the tutorial's printed SGDClassifier table (section 4.2): max_iter, train, test
TUTORIAL_ITER_ROWS = [("10", "0.83300", "0.828"), ("50", "0.84175", "0.839"), ("100", "0.84050", "0.833"),
                      ("200", "0.86650", "0.858")]


@pytest.fixture
def panel(window, qtbot):
    p = window.panel_by_key("strategies")
    assert isinstance(p, StrategiesPanel)
    # small, fast settings before the first run starts (it starts once the event loop turns)
    p.sched_form.set_values({"total_epochs": 10})
    p.sched_run_form.set_values({"speed": 1000, "hidden": 8, "batch_size": 256})
    p.batch_form.set_values({"epochs": 3, "draws": 20, "hidden": 8, "speed": 1000})
    p.clip_form.set_values({"speed": 1000})
    window.tabs.setCurrentWidget(p)
    qtbot.waitUntil(lambda: "schedules" in p._ran and p.is_idle(), timeout=30000)
    return p


# ------------------------------------------------------------------ 1. schedules
def test_schedule_figure_is_the_tutorials_and_follows_the_sliders(qtbot, panel):
    panel.sched_form.set_values({"total_epochs": 100})        # the tutorial plots 100 epochs
    panel.cancel()
    lr = {name: curve_y(curve) for name, curve in panel.lr_curves.items()}
    assert all(v.size == 100 for v in lr.values())
    np.testing.assert_allclose(lr["step_decay"][[0, 9, 10, 20, 99]], [0.1, 0.1, 0.05, 0.025, 0.1 * 0.5 ** 9])
    np.testing.assert_allclose(lr["exponential_decay"][[0, 1, 10]], [0.1, 0.095, 0.1 * 0.95 ** 10])
    np.testing.assert_allclose(lr["cosine_annealing"][[0, 50]], [0.1, 0.05])
    np.testing.assert_allclose(lr["warmup_linear"][:6], [0.0, 0.02, 0.04, 0.06, 0.08, 0.1])
    assert "lr at epoch 0 = 0" in plain(panel.sched_problem)
    assert "Exponential" in plain(panel.lr_box.legend_label)
    # a slider redraws the figure at once
    with qtbot.waitSignal(panel.schedule_drawn, timeout=2000):
        type_into(qtbot, panel.sched_form["decay_rate"].editor, "0.5")
    np.testing.assert_allclose(curve_y(panel.lr_curves["exponential_decay"])[:3], [0.1, 0.05, 0.025])
    # dragging the warm-up slider moves the peak of the warm-up curve
    slider = panel.sched_form["warmup_epochs"].slider
    with qtbot.waitSignal(panel.schedule_drawn, timeout=2000):
        slider.setValue(8)
    warm = curve_y(panel.lr_curves["warmup_linear"])
    assert int(np.argmax(warm)) == 8 and warm[0] == 0.0
    # an impossible combination is explained, not drawn: warm-up as long as the run
    panel.sched_form.set_values({"total_epochs": 10, "warmup_epochs": 10})
    assert "total_epochs" in plain(panel.sched_problem)
    assert not panel.lr_curves["warmup_linear"].isVisible()
    qtbot.waitUntil(panel.is_idle, timeout=30000)


def test_schedule_runs_stream_in_can_be_cancelled_and_rerun(qtbot, panel):
    panel.sched_run_form.set_values({"speed": 15})
    qtbot.mouseClick(panel.sched_run_button, Qt.LeftButton)
    assert panel.sched_worker.busy and panel.sched_cancel_button.isEnabled()
    qtbot.waitUntil(lambda: panel.sched_points("constant") >= 2, timeout=10000)
    partial = panel.sched_points("constant")
    assert panel.sched_worker.busy and partial < 11          # the curve grows while the run goes
    panel.sched_run_form.set_values({"speed": 1000})         # (the speed alone does not restart it)
    with qtbot.waitSignal(panel.schedules_done, timeout=30000):
        pass
    for name in panel.sched_names:
        assert panel.sched_points(name) == 11                 # the start, then 10 epochs
    result = panel.sched_result
    warm = curve_y(panel.sched_val_curves["warmup_linear"])
    assert warm[1] == warm[0] == result.starts["warmup_linear"].val_loss   # epoch 0 learned nothing
    np.testing.assert_allclose(curve_y(panel.lr_dots["cosine_annealing"]), result.runs["cosine_annealing"].curve("lr"))
    text = plain(panel.sched_note)
    assert "Warm-up, epoch 0: lr = 0" in text and "identical" in text
    # cancel a slow run, then run it again
    panel.sched_run_form.set_values({"speed": 5})
    qtbot.mouseClick(panel.sched_run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.sched_points("constant") >= 2, timeout=10000)
    qtbot.mouseClick(panel.sched_cancel_button, Qt.LeftButton)
    assert not panel.sched_worker.busy and not panel.sched_cancel_button.isEnabled()
    n = panel.sched_points("constant")
    qtbot.wait(500)                                           # a few epochs' worth at 5 epochs/s
    assert panel.sched_points("constant") == n < 11
    assert "Cancelled after" in plain(panel.sched_note)
    panel.sched_run_form.set_values({"speed": 1000})
    with qtbot.waitSignal(panel.schedules_done, timeout=30000):
        qtbot.mouseClick(panel.sched_run_button, Qt.LeftButton)
    assert panel.sched_points("constant") == 11


def test_a_change_mid_run_restarts_with_the_new_setting(qtbot, panel):
    panel.sched_run_form.set_values({"speed": 5})
    qtbot.mouseClick(panel.sched_run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.sched_points("exponential_decay") >= 2, timeout=10000)
    panel.sched_run_form.set_values({"speed": 1000})
    with qtbot.waitSignal(panel.schedules_done, timeout=30000):
        type_into(qtbot, panel.sched_form["decay_rate"].editor, "0.6")
    assert panel.sched_result.settings["schedules"]["exponential_decay"] == {"decay_rate": pytest.approx(0.6)}
    np.testing.assert_allclose(curve_y(panel.lr_dots["exponential_decay"]), 0.1 * 0.6 ** np.arange(10))
    assert panel.sched_points("exponential_decay") == 11      # only the new run's curve
    # unticking a schedule restarts without it
    with qtbot.waitSignal(panel.schedules_done, timeout=30000):
        panel.sched_checks["constant"].click()
    assert "constant" not in panel.sched_result.runs and not panel.lr_curves["constant"].isVisible()
    assert panel.sched_points("constant") == 0


# ------------------------------------------------------------------ 2. batch size
def test_batch_table_has_a_measured_row_per_batch_size(qtbot, panel):
    with qtbot.waitSignal(panel.batch_done, timeout=30000):
        panel.tabs.setCurrentIndex(BATCH)                     # showing the section starts its run
    rows = panel.batch_rows()
    assert [r[0] for r in rows] == ["8", "32", "128", "512", "full"]
    assert [r[1] for r in rows] == ["500", "125", "32", "8", "1"]
    measured = [float(r[2]) for r in rows]
    formula = [float(r[3]) for r in rows]
    assert measured == sorted(measured, reverse=True) and measured[-1] == 0.0 < measured[-2]
    for m, f in zip(measured[:-1], formula[:-1]):
        assert m == pytest.approx(f, rel=0.35)                # 20 batches drawn per size
    for r in rows:
        assert float(r[5]) > 0 and 0 < float(r[7]) <= 1 and 0 < float(r[8]) <= 1
    # the tutorial's typed-in words, for comparison
    assert [r[9] for r in rows] == ["High/Low/Slow", "Medium/Low/Medium", "Low/Medium/Fast", "Low/High/Fast",
                                    "— (no row)"]
    study = panel.batch_study
    assert [f"{n.measured:.4f}" for n in study.noise] == [r[2] for r in rows]
    assert panel.batch_points("8") == 4                       # the start, then 3 epochs
    assert "matches the formula" in plain(panel.batch_note)
    # presentation mode: fewer, larger columns; the tutorial's words stay
    theme().set_presentation(True)
    qtbot.waitUntil(lambda: panel.batch_table.isColumnHidden(3), timeout=2000)
    assert panel.iter_table.isColumnHidden(7) and not panel.batch_table.isColumnHidden(9)
    theme().set_presentation(False)
    qtbot.waitUntil(lambda: not panel.batch_table.isColumnHidden(3), timeout=2000)


# ------------------------------------------------------------------ 3. iterations
def test_the_tutorials_max_iter_table_is_reproduced(qtbot, panel):
    with qtbot.waitSignal(panel.iterations_done, timeout=30000):
        panel.tabs.setCurrentIndex(ITERATIONS)
    rows = panel.iteration_rows()
    assert [(r[0], r[4], r[5]) for r in rows] == TUTORIAL_ITER_ROWS
    assert all(r[3] == "1" for r in rows)                      # batch size 1 in every row
    assert all(r[6].endswith("✓") for r in rows)
    assert all(r[8] == "–" for r in rows)                      # tol=None: scikit-learn does not warn
    assert "4 of 4" in plain(panel.iter_note)
    # with a tolerance the small max_iter warn: the warning is caught and shown, not raised
    with qtbot.waitSignal(panel.iterations_done, timeout=30000):
        panel.iter_form["tol"].set_value(TOL_CHOICES[1])
    rows = panel.iteration_rows()
    assert rows[0][8] == "ConvergenceWarning" and "max_iter" in panel.iter_table.item(0, 8).toolTip()
    assert int(rows[-1][1]) < 200                              # stopped early by the tolerance
    with qtbot.waitSignal(panel.iterations_done, timeout=30000):
        panel.iter_form["values"].set_value(ITER_CHOICES[1])
    assert len(panel.iteration_rows()) == 10


# ------------------------------------------------------------------ 4. clipping
def test_clipping_demo_and_a_run_that_explodes_without_clipping(qtbot, panel):
    panel.tabs.setCurrentIndex(CLIPPING)
    text = plain(panel.demo_label)
    assert "Original gradient norm: 13.9284" in text
    assert "Was clipped: True" in text and "Clipped gradient norm: 5.0000" in text
    np.testing.assert_allclose(panel.demo_after.opts["height"], [1.7949, 4.6667, 5.0], atol=5e-5)  # ‖g1‖, ‖g2‖, total
    with qtbot.waitSignal(panel.demo_drawn, timeout=1000):
        panel.vec_edits[1].clear()
        qtbot.keyClicks(panel.vec_edits[1], "0, 1")          # norms 5 and 1: total sqrt(26)
    assert "Original gradient norm: 5.0990" in plain(panel.demo_label)
    type_into(qtbot, panel.demo_form["max_norm"].editor, "10")
    text = plain(panel.demo_label)
    assert "Was clipped: False" in text and "nothing changes" in text
    qtbot.keyClicks(panel.vec_edits[0], ", x")
    assert "Cannot clip" in plain(panel.demo_label) and "gradient 1" in plain(panel.demo_label)
    # the training run (started when the section was shown)
    qtbot.waitUntil(lambda: panel.clip_result is not None, timeout=30000)
    result = panel.clip_result
    assert result.runs["no clipping"].diverged and not result.runs["clipping"].diverged
    norms = curve_y(panel.norm_curves["no clipping"])          # log10 of the norms (a log axis)
    np.testing.assert_allclose(norms, np.log10(result.runs["no clipping"].curve("grad_norm")))
    assert norms[-1] > 100                                     # exploded beyond 1e100
    assert panel.max_norm_line.value() == pytest.approx(np.log10(0.5))
    heights = panel.clip_bars.opts["height"]
    assert len(heights) == 30 and sum(heights) > 0
    assert curve_y(panel.clip_acc_curves["clipping"])[-1] > 0.9
    text = plain(panel.clip_note)
    assert "No clipping: the gradient norm grew" in text and "were clipped" in text
    # a new max_norm restarts the run and moves the line
    with qtbot.waitSignal(panel.clipping_done, timeout=30000):
        type_into(qtbot, panel.clip_form["max_norm"].editor, "2")
    assert panel.clip_result.settings["max_norm"] == 2.0
    assert panel.max_norm_line.value() == pytest.approx(np.log10(2))

