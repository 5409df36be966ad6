"""The Regularization tab driven as a student would."""
import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QApplication

from engine import overfitting as OF
from gui.panels.regularization import DATA_SIMULATED, WINDOW_RGBA, Lesson, RegularizationPanel, on_white
from gui.theme import OKABE_ITO
from tests.gui.helpers import curve_y, drain, type_into

# The tutorial's table (section 2.1), as it prints it
TUTORIAL_TABLE = [
    ["No Regularization", "0.995856", "0.996210", "20"],
    ["L2 (Ridge)", "0.995819", "0.996214", "20"],
    ["L1 (Lasso)", "0.995844", "0.996270", "19"],
    ["ElasticNet", "0.993655", "0.993697", "20"],
]
PENALTIES, STRENGTH, DROPOUT, STOPPING, MLP = range(5)


@pytest.fixture
def panel(window, qtbot):
    p = window.panel_by_key("regularization")
    assert isinstance(p, RegularizationPanel)
    window.tabs.setCurrentWidget(p)
    qtbot.waitUntil(lambda: p.penalties is not None and p.fits is not None and p.is_idle(), timeout=20000)
    return p


# ------------------------------------------------------------------ 1. penalties
def test_the_table_at_the_defaults_is_the_tutorials(panel):
    assert panel.table_rows() == TUTORIAL_TABLE
    # every informative feature is drawn in the informative colour, the other 15 as noise
    items = panel.bar_items["L1 (Lasso)"]
    assert len(items["informative"].opts["x"]) == 5
    assert len(items["noise"].opts["x"]) == 15


def title(plot) -> str:
    return plot.getPlotItem().titleLabel.text


def test_each_plot_title_names_the_model_as_the_table_does_and_counts_its_coefficients(qtbot, panel):
    # the count is in the title, where no bar can run into it (it sat on the 100 gridline)
    for row in panel.table_rows():
        text = title(panel.bar_plots[row[0]])
        assert text.startswith(row[0]) and f"<b>{row[3]}</b> non-zero" in text
        assert not any(isinstance(item, pg.TextItem) for item in panel.bar_plots[row[0]].getPlotItem().items)
    # the lesson's honest claim: at alpha 0.1 Lasso zeroes only one noise coefficient ...
    assert "zeroes <b>1</b> of the 15 noise features and 0 of the 5 informative" in panel.fit_note.text()
    # ... and at about 2 all 15, keeping the five real ones
    with qtbot.waitSignal(panel.penalties_drawn, timeout=2000):
        type_into(qtbot, panel.penalty_form["alpha_lasso"].editor, "2")
    assert "zeroes <b>15</b> of the 15 noise features and 0 of the 5 informative" in panel.fit_note.text()
    assert "<b>5</b> non-zero" in title(panel.bar_plots["L1 (Lasso)"])


def test_log_axes_write_every_tick_the_same_way(panel):
    for plot in (*panel.r2_plots.values(), panel.path_plot):
        axis = plot.getAxis("bottom")
        assert axis.tickStrings([-4.0, -2.0, 0.0, 2.0, 3.0], 1.0, 1.0) == ["0.0001", "0.01", "1", "100", "1000"]


def test_moving_the_lasso_alpha_refits_and_removes_features(qtbot, panel):
    before = np.array(panel.penalties.coefs["L1 (Lasso)"])
    spin = panel.penalty_form["alpha_lasso"].editor
    with qtbot.waitSignal(panel.penalties_drawn, timeout=2000):
        type_into(qtbot, spin, "10")
    after = np.array(panel.penalties.coefs["L1 (Lasso)"])
    assert not np.allclose(before, after)
    assert int(panel.table_rows()[2][3]) <= 5  # only (some of) the 5 informative features survive
    assert panel.table_rows()[0] == TUTORIAL_TABLE[0]  # the other models are untouched
    # the slider moved with the spin box, the Strength tab's copy and its alpha lines follow
    assert panel.penalty_forms[1]["alpha_lasso"].value() == pytest.approx(10)
    assert panel.r2_items["lasso"]["line"].value() == pytest.approx(1.0)
    # dragging the slider to its right end: Lasso keeps nothing
    slider = panel.penalty_form["alpha_lasso"].slider
    with qtbot.waitSignal(panel.penalties_drawn, timeout=2000):
        slider.setValue(slider.maximum())
    assert panel.table_rows()[2][3] == "0"
    assert len(panel.bar_items["L1 (Lasso)"]["zeros"].data) == 20


def test_dragging_the_line_on_the_path_sets_alpha(qtbot, panel):
    panel.tabs.setCurrentIndex(STRENGTH)
    panel.path_combo.setCurrentIndex(panel.path_combo.findData("ridge"))
    with qtbot.waitSignal(panel.penalties_drawn, timeout=2000):
        panel.path_line.setValue(2.0)  # log10(alpha): what a drag does
    assert panel.penalty_form["alpha_ridge"].value() == pytest.approx(100)
    assert panel.table_rows()[1][0] == "L2 (Ridge)"
    assert float(panel.table_rows()[1][1]) < 0.99  # a strong penalty costs training fit


def test_elasticnet_path_follows_l1_ratio(qtbot, panel):
    panel.tabs.setCurrentIndex(STRENGTH)
    panel.path_combo.setCurrentIndex(panel.path_combo.findData("elasticnet"))
    first = curve_y(panel.path_curves[13]).copy()
    with qtbot.waitSignal(panel.penalties_drawn, timeout=2000):
        panel.penalty_forms[1]["l1_ratio"].set_value(0.9)
    assert panel.current_path().l1_ratio == pytest.approx(0.9)
    assert not np.allclose(first, curve_y(panel.path_curves[13]))


# ------------------------------------------------------------------ 3. dropout
def test_dropout_mask_rate_slider(qtbot, panel):
    panel.tabs.setCurrentIndex(DROPOUT)
    panel.cancel()
    panel.rate_form["rate"].set_value(0.8)
    d = panel.demo
    assert d.rate == pytest.approx(0.8)
    assert len(panel.heatmaps["after"]["crosses"].data) == int((~d.keep).sum())
    np.testing.assert_allclose(d.row_means_average, d.row_means_before, atol=0.05)
    assert "multiplied by 5" in panel.mask_note.text()
    panel.cancel()


def test_dropout_curves_stream_in_while_the_run_goes(qtbot, panel):
    panel.drop_form.set_values({"epochs": 40, "speed": 40, "hidden": 64})
    panel.tabs.setCurrentIndex(DROPOUT)  # showing the section starts its run
    assert panel.drop_worker.busy
    qtbot.waitUntil(lambda: panel.drop_points("dropout") > 0, timeout=5000)
    partial = panel.drop_points("no dropout")
    assert panel.drop_worker.busy and 0 < partial < 40
    note_height, column_width = panel.drop_note.height(), panel._columns[DROPOUT].viewport().width()
    with qtbot.waitSignal(panel.dropout_done, timeout=30000):
        pass
    assert panel.drop_points("no dropout") == panel.drop_points("dropout") == 40
    # the result appears without moving anything: same height, no scroll bar popping up in the column
    assert panel.drop_note.height() == note_height
    assert panel._columns[DROPOUT].viewport().width() == column_width
    # and under the curves, inside the 1280x800 window (in the column it was below the fold)
    bottom = panel.drop_note.mapTo(panel.window(), QPoint(0, panel.drop_note.height())).y()
    assert panel.drop_note.isVisible() and bottom <= panel.window().height()
    result = panel.drop_result
    np.testing.assert_allclose(curve_y(panel.drop_curves["dropout"]["val_loss"]),
                               result.runs["dropout"].curve("val_loss"))
    assert "test accuracy" in panel.drop_note.text()


def test_cancel_stops_the_stream(qtbot, panel):
    panel.drop_form.set_values({"epochs": 200, "speed": 10})
    panel.tabs.setCurrentIndex(DROPOUT)
    qtbot.waitUntil(lambda: panel.drop_points() >= 2, timeout=5000)
    assert panel.drop_cancel_button.isEnabled()
    qtbot.mouseClick(panel.drop_cancel_button, Qt.LeftButton)
    assert not panel.drop_worker.busy and not panel.drop_cancel_button.isEnabled()
    n = panel.drop_points()
    qtbot.wait(400)  # several epochs' worth at 10 epochs/s
    assert panel.drop_points() == n < 200
    assert "cancelled after" in panel.drop_note.text()
    # and it can be run again
    panel.drop_form.set_values({"epochs": 5, "speed": 1000})
    with qtbot.waitSignal(panel.dropout_done, timeout=30000):
        qtbot.mouseClick(panel.drop_run_button, Qt.LeftButton)
    assert panel.drop_points() == 5


# ------------------------------------------------------------------ 4. early stopping
def test_stop_marker_is_at_the_engines_stop_epoch(qtbot, panel):
    panel.stop_form.set_values({"speed": 1000})
    with qtbot.waitSignal(panel.stopping_done, timeout=30000):
        panel.tabs.setCurrentIndex(STOPPING)
    events, summary = drain(OF.early_stopping_run())  # the same run, straight from the engine
    assert summary.stop_epoch is not None
    assert panel.stop_line.isVisible() and panel.stop_line.value() == summary.stop_epoch
    assert panel.best_line.value() == summary.best_epoch
    assert panel.window_region.isVisible()
    assert panel.window_region.getRegion() == (summary.best_epoch, summary.stop_epoch)
    assert panel.stop_points() == summary.stop_epoch + 1
    np.testing.assert_allclose(curve_y(panel.stop_val), [e.val_loss for e in events])
    text = panel.stop_note.text()
    assert f"Stopped at epoch {summary.stop_epoch}" in text
    assert f"restored weights of epoch {summary.best_epoch}" in text
    assert f"validation accuracy {summary.final_val_acc:.3f}" in text
    # the rest of the run, had it not stopped, is drawn in grey from the stop onwards
    x, _ = panel.after_val.getData()
    assert x[0] == summary.stop_epoch and x[-1] == 149
    check_too_small_improvements_are_explained(panel)


def test_markers_appear_while_the_run_streams(qtbot, panel):
    panel.stop_form.set_values({"speed": 40, "what_if": False})
    panel.tabs.setCurrentIndex(STOPPING)
    qtbot.waitUntil(lambda: panel.stop_points() > 0, timeout=5000)
    assert panel.stop_worker.busy and not panel.stop_line.isVisible()
    # the axis spans every epoch of the run from the start: the curves never jump sideways
    (x0, x1), _ = panel.stop_plot.getPlotItem().vb.viewRange()
    assert x0 <= 0 and x1 >= 149
    qtbot.waitUntil(lambda: panel.window_region.isVisible(), timeout=30000)
    lo, hi = panel.window_region.getRegion()
    assert lo == panel.best_line.value() < hi
    qtbot.waitUntil(lambda: panel.stop_line.isVisible(), timeout=30000)
    assert panel.stop_line.value() == panel.stop_points() - 1
    qtbot.waitUntil(panel.is_idle, timeout=5000)


def check_too_small_improvements_are_explained(panel):
    events = list(panel.stop_events)
    # an epoch below the best loss that did not count: it beat the best by no more than min delta
    k, e = next((k, e) for k, e in enumerate(events) if e.counter > 0 and e.val_loss < e.best_loss)
    assert e.best_loss - e.val_loss <= 0.001
    panel.stop_events = events[:k + 1]  # the live line as it read at that epoch
    panel._draw_stopping()
    assert f"(better by only {e.best_loss - e.val_loss:.4f} &le; min delta 0.001)" in panel.stop_live.text()
    # an epoch above the best needs no explanation
    k, e = next((k, e) for k, e in enumerate(events) if e.counter > 0 and e.val_loss > e.best_loss)
    panel.stop_events = events[:k + 1]
    panel._draw_stopping()
    assert "better by only" not in panel.stop_live.text()


def test_stopping_colours_and_key_match_what_is_drawn(panel):
    okabe_ito = {QColor(c).name() for c in OKABE_ITO}
    assert panel.stop_line.pen.color().name() in okabe_ito  # not a red next to the orange validation curve
    # both continuations solid, as the key draws "had training continued"
    assert panel.after_train.opts["pen"].style() == Qt.SolidLine == panel.after_val.opts["pen"].style()
    key = panel.stop_plot.parentWidget().legend_label.text()
    assert f"color:{on_white(WINDOW_RGBA)}" in key  # the pale band's colour, not the saturated orange
    assert f"color:{panel.stop_line.pen.color().name()}" in key.lower()
    assert panel.window_region.brush.color().getRgb() == WINDOW_RGBA


def test_a_parameter_change_mid_run_leaves_only_the_new_runs_curve(qtbot, panel):
    panel.stop_form.set_values({"speed": 30, "patience": 20, "what_if": False})
    panel.tabs.setCurrentIndex(STOPPING)
    qtbot.waitUntil(lambda: panel.stop_points() >= 3, timeout=5000)
    assert panel.stop_worker.busy
    panel.stop_form.set_values({"speed": 1000})
    with qtbot.waitSignal(panel.stopping_done, timeout=30000):
        type_into(qtbot, panel.stop_form["patience"].editor, "2")
    events, summary = drain(OF.early_stopping_run(patience=2))
    assert panel.stop_points() == len(events) == summary.stop_epoch + 1
    np.testing.assert_allclose(curve_y(panel.stop_val), [e.val_loss for e in events])
    assert panel.stop_line.value() == summary.stop_epoch
    assert panel.stop_summary.stop_epoch == summary.stop_epoch


def test_the_simulated_curve_stops_at_36(qtbot, panel):
    panel.stop_form.set_values({"speed": 1000})
    with qtbot.waitSignal(panel.stopping_done, timeout=30000):
        panel.tabs.setCurrentIndex(STOPPING)
    with qtbot.waitSignal(panel.stopping_done, timeout=30000):
        panel.stop_form["data"].set_value(DATA_SIMULATED)
    assert panel.stop_points() == 37
    assert panel.stop_line.isVisible() and panel.stop_line.value() == 36
    assert not panel.stop_acc_plot.isVisible()
    assert "stops at epoch 36" in panel.stop_note.text()
    x, _ = panel.after_val.getData()
    assert x[0] == 36 and x[-1] == 99


# ------------------------------------------------------------------ 5. MLP + L2
def test_mlp_with_and_without_l2_as_in_the_tutorial(qtbot, panel):
    with qtbot.waitSignal(panel.mlp_done, timeout=30000):
        panel.tabs.setCurrentIndex(MLP)
    rows = [[panel.mlp_table.item(r, c).text() for c in range(3)] for r in range(panel.mlp_table.rowCount())]
    assert rows[:2] == [["0", "1.0000", "0.8700"], ["0.01", "1.0000", "0.8700"]]
    assert rows[2][0] == "1"
    assert "does not change test accuracy" in panel.mlp_note.text()
    # 100 test samples: two decimals on the bars
    assert [label.toPlainText() for label in panel.mlp_labels[:4]] == ["1.00", "0.87", "1.00", "0.87"]


# ------------------------------------------------------------------ the whole tab
def test_escape_cancels_every_run(qtbot, window, panel):
    panel.drop_form.set_values({"speed": 5})
    panel.stop_form.set_values({"speed": 5})
    panel.run_dropout()
    panel.run_stopping()
    qtbot.waitUntil(lambda: panel.stop_points() > 0 and panel.drop_points() > 0, timeout=5000)
    qtbot.keyClick(window, Qt.Key_Escape)
    assert panel.is_idle()
    n = panel.stop_points(), panel.drop_points()
    qtbot.wait(300)
    assert (panel.stop_points(), panel.drop_points()) == n


def test_run_defaults_finishes_quickly(qtbot, panel):
    panel.run_defaults()
    assert not panel.is_idle()
    # about 3 s on an idle 2-core machine; generous because the machine is shared
    qtbot.waitUntil(panel.is_idle, timeout=60000)
    assert panel.drop_result is not None and panel.stop_summary is not None and len(panel.mlp_events) == 3


def in_view(widget, scroll) -> bool:
    top = widget.mapTo(scroll.viewport(), QPoint(0, 0)).y()
    return widget.isVisible() and 0 <= top and top + widget.height() <= scroll.viewport().height()


def test_presentation_mode_keeps_the_main_controls_in_view(qtbot, window, panel):
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: panel._columns[STOPPING].minimumWidth() >= 400, timeout=2000)
    panel._ran.update(("dropout", "stopping", "mlp"))  # only the layout matters here: no training runs
    for index, button in ((DROPOUT, panel.drop_run_button), (STOPPING, panel.stop_run_button),
                          (MLP, panel.mlp_run_button)):
        panel.tabs.setCurrentIndex(index)
        scroll = panel._columns[index]
        # the lesson is folded away and Run sits at the top of its form: visible without scrolling
        qtbot.waitUntil(lambda: in_view(button, scroll), timeout=2000)
        assert scroll.verticalScrollBar().value() == 0
        assert not scroll.horizontalScrollBar().isVisible()
        assert scroll.width() <= 430  # a third of the screen at most: the plots come first
    combo = panel.stop_form["data"].editor
    assert combo.width() >= combo.sizeHint().width()  # the data choice is not cut
    lesson = panel._columns[STOPPING].widget().findChild(Lesson)
    assert lesson.label.isHidden() and not lesson.toggle.isHidden()  # folded, one click away
    # the penalty plots fit in the window (their titles are on two lines at 18 pt)
    panel.tabs.setCurrentIndex(PENALTIES)
    qtbot.waitUntil(lambda: panel.bar_plots["L2 (Ridge)"].isVisible(), timeout=2000)
    for plot in panel.bar_plots.values():
        assert plot.mapTo(window, QPoint(plot.width(), 0)).x() <= window.width()
    # the MLP axis has a label, so it keeps room for its 18 pt tick labels
    axis = panel.mlp_plot.getAxis("bottom")
    assert axis.label.isVisible() and axis.labelText == "L2 alpha"
    assert axis.height() > 1.5 * QFontMetrics(axis.style["tickFont"]).height()
    window.presentation_action.trigger()
    assert not lesson.label.isHidden()  # unfolded again at the desk


def test_presentation_mode_makes_text_readable(qtbot, window, panel):
    window.presentation_action.trigger()
    assert QApplication.font().pointSize() >= 18
    qtbot.waitUntil(lambda: panel.table.font().pointSize() >= 18, timeout=2000)
    assert panel.bar_plots["L1 (Lasso)"].getAxis("bottom").style["tickFont"].pointSizeF() >= 18
    assert panel.stop_val.opts["pen"].widthF() >= 3
    window.presentation_action.trigger()
    assert math.isclose(QApplication.font().pointSize(), 10)
