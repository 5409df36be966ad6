"""3 · Dropout: the mask demo and the streamed runs with and without dropout."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from tests.gui.helpers import curve_y
from tests.gui.regularization import track_closing

DROPOUT = 2


def test_dropout_mask_rate_slider(qtbot, panel):
    s = panel.section("dropout")
    panel.tabs.setCurrentIndex(DROPOUT)
    panel.cancel()
    s.param_widget("rate").set_value(0.8)
    d = s.demo
    assert d.rate == pytest.approx(0.8)
    assert len(s.heatmaps["after"]["crosses"].data) == int((~d.keep).sum())
    np.testing.assert_allclose(d.row_means_average, d.row_means_before, atol=0.05)
    assert "multiplied by 5" in s.mask_note.text()
    panel.cancel()


def test_dropout_curves_stream_in_while_the_run_goes(qtbot, panel):
    s = panel.section("dropout")
    s.set_values({"epochs": 40, "speed": 40, "hidden": 64})
    panel.tabs.setCurrentIndex(DROPOUT)  # showing the section starts its run
    assert s.worker.busy
    qtbot.waitUntil(lambda: s.points("dropout") > 0, timeout=5000)
    partial = s.points("no dropout")
    assert s.worker.busy and 0 < partial < 40
    note_height, column_width = s.curves_note.height(), s.controls_scroll.viewport().width()
    with qtbot.waitSignal(s.done, timeout=30000):
        pass
    assert s.points("no dropout") == s.points("dropout") == 40
    # the result appears without moving anything: same height, no scroll bar popping up in the column
    assert s.curves_note.height() == note_height
    assert s.controls_scroll.viewport().width() == column_width
    # and under the curves, inside the 1280x800 window (in the column it was below the fold)
    bottom = s.curves_note.mapTo(panel.window(), QPoint(0, s.curves_note.height())).y()
    assert s.curves_note.isVisible() and bottom <= panel.window().height()
    result = s.result
    np.testing.assert_allclose(curve_y(s.curves["dropout"]["val_loss"]), result.runs["dropout"].curve("val_loss"))
    assert "test accuracy" in s.curves_note.text()
    assert "Last epoch, validation loss / accuracy" in s.note.text()


def test_cancel_stops_the_stream(qtbot, panel):
    s = panel.section("dropout")
    closed = track_closing(s)
    s.set_values({"epochs": 200, "speed": 10})
    panel.tabs.setCurrentIndex(DROPOUT)
    qtbot.waitUntil(lambda: s.points() >= 2, timeout=5000)
    assert s.cancel_button.isEnabled()
    qtbot.mouseClick(s.cancel_button, Qt.LeftButton)
    assert not s.worker.busy and not s.cancel_button.isEnabled()
    n = s.points()
    # the worker closed the engine generator (200 epochs at 10 epochs/s would take 20 s) ...
    qtbot.waitUntil(closed.is_set, timeout=5000)
    # ... and nothing more is drawn
    assert s.points() == n < 200 and s.result is None
    assert "cancelled after" in s.curves_note.text()
    # and it can be run again
    s.set_values({"epochs": 5, "speed": 1000})
    with qtbot.waitSignal(s.done, timeout=30000):
        qtbot.mouseClick(s.run_button, Qt.LeftButton)
    assert s.points() == 5


def test_the_heat_maps_have_a_colour_scale(panel):
    s = panel.section("dropout")
    panel.cancel()
    s.param_widget("rate").set_value(0.5)
    d = s.demo
    top = max(np.abs(d.activations).max(), np.abs(d.dropped).max())   # the survivors, doubled, fit the scale
    assert f"{top:+.2f}" in s.scale_key.text() and f"{-top:+.2f}" in s.scale_key.text()
    assert s.heatmaps["after"]["image"].levels[1] == pytest.approx(top)
    panel.cancel()
