"""4 · Early stopping: the markers where the engine stops, streamed, real and simulated."""
import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from engine import overfitting as OF
from gui.panels.regularization.early_stopping import WINDOW_RGBA
from gui.theme import OKABE_ITO
from gui.widgets import on_white
from tests.gui.helpers import curve_y, drain, type_into

STOPPING = 3


def test_stop_marker_is_at_the_engines_stop_epoch(qtbot, panel):
    s = panel.section("early_stopping")
    s.set_values({"speed": 1000})
    with qtbot.waitSignal(s.done, timeout=30000):
        panel.tabs.setCurrentIndex(STOPPING)
    events, summary = drain(OF.early_stopping_run())  # the same run, straight from the engine
    assert summary.stop_epoch is not None
    assert s.stop_line.isVisible() and s.stop_line.value() == summary.stop_epoch
    assert s.best_line.value() == summary.best_epoch
    assert s.window_region.isVisible()
    assert s.window_region.getRegion() == (summary.best_epoch, summary.stop_epoch)
    assert s.points() == summary.stop_epoch + 1
    np.testing.assert_allclose(curve_y(s.val_curve), [e.val_loss for e in events])
    text = s.note.text()
    assert f"Stopped at epoch {summary.stop_epoch}" in text
    assert f"restored weights of epoch {summary.best_epoch}" in text
    assert f"validation accuracy {summary.final_val_acc:.3f}" in text
    # the rest of the run, had it not stopped, is drawn in grey from the stop onwards
    x, _ = s.after_val.getData()
    assert x[0] == summary.stop_epoch and x[-1] == 149
    check_too_small_improvements_are_explained(s)


def test_markers_appear_while_the_run_streams(qtbot, panel):
    s = panel.section("early_stopping")
    s.set_values({"speed": 40, "what_if": False})
    panel.tabs.setCurrentIndex(STOPPING)
    qtbot.waitUntil(lambda: s.points() > 0, timeout=5000)
    assert s.worker.busy and not s.stop_line.isVisible()
    # the axis spans every epoch of the run from the start: the curves never jump sideways
    (x0, x1), _ = s.plot.getPlotItem().vb.viewRange()
    assert x0 <= 0 and x1 >= 149
    qtbot.waitUntil(lambda: s.window_region.isVisible(), timeout=30000)
    lo, hi = s.window_region.getRegion()
    assert lo == s.best_line.value() < hi
    qtbot.waitUntil(lambda: s.stop_line.isVisible(), timeout=30000)
    assert s.stop_line.value() == s.points() - 1
    qtbot.waitUntil(panel.is_idle, timeout=5000)


def check_too_small_improvements_are_explained(s):
    events = list(s.epoch_events)
    # an epoch below the best loss that did not count: it beat the best by no more than min delta
    k, e = next((k, e) for k, e in enumerate(events) if e.counter > 0 and e.val_loss < e.best_loss)
    assert e.best_loss - e.val_loss <= 0.001
    s.epoch_events = events[:k + 1]  # the live line as it read at that epoch
    s.draw()
    assert f"(better by only {e.best_loss - e.val_loss:.4f} &le; min delta 0.001)" in s.live.text()
    # an epoch above the best needs no explanation
    k, e = next((k, e) for k, e in enumerate(events) if e.counter > 0 and e.val_loss > e.best_loss)
    s.epoch_events = events[:k + 1]
    s.draw()
    assert "better by only" not in s.live.text()


def test_stopping_colours_and_key_match_what_is_drawn(panel):
    s = panel.section("early_stopping")
    okabe_ito = {QColor(c).name() for c in OKABE_ITO}
    assert s.stop_line.pen.color().name() in okabe_ito  # not a red next to the orange validation curve
    # both continuations solid, as the key draws "had training continued"
    assert s.after_train.opts["pen"].style() == Qt.SolidLine == s.after_val.opts["pen"].style()
    key = s.plot.parentWidget().legend_label.text()
    assert f"color:{on_white(WINDOW_RGBA)}" in key  # the pale band's colour, not the saturated orange
    assert f"color:{s.stop_line.pen.color().name()}" in key.lower()
    assert s.window_region.brush.color().getRgb() == WINDOW_RGBA


def test_a_parameter_change_mid_run_leaves_only_the_new_runs_curve(qtbot, panel):
    s = panel.section("early_stopping")
    s.set_values({"speed": 30, "patience": 20, "what_if": False})
    panel.tabs.setCurrentIndex(STOPPING)
    qtbot.waitUntil(lambda: s.points() >= 3, timeout=5000)
    assert s.worker.busy
    s.set_values({"speed": 1000})
    with qtbot.waitSignal(s.done, timeout=30000):
        type_into(qtbot, s.param_widget("patience").editor, "2")
    events, summary = drain(OF.early_stopping_run(patience=2))
    assert s.points() == len(events) == summary.stop_epoch + 1
    np.testing.assert_allclose(curve_y(s.val_curve), [e.val_loss for e in events])
    assert s.stop_line.value() == summary.stop_epoch
    assert s.summary.stop_epoch == summary.stop_epoch


def test_the_simulated_curve_stops_at_36(qtbot, panel):
    s = panel.section("early_stopping")
    s.set_values({"speed": 1000})
    with qtbot.waitSignal(s.done, timeout=30000):
        panel.tabs.setCurrentIndex(STOPPING)
    with qtbot.waitSignal(s.done, timeout=30000):
        s.param_widget("data").set_value(OF.DATA_SIMULATED)
    assert s.points() == 37
    assert s.stop_line.isVisible() and s.stop_line.value() == 36
    assert not s.acc_plot.isVisible()
    assert not s.param_widget("epochs").editor.isEnabled()
    assert "stops at epoch 36" in s.note.text()
    x, _ = s.after_val.getData()
    assert x[0] == 36 and x[-1] == 99
