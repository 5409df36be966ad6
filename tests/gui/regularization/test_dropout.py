"""3 · Dropout: the mask demo and the streamed runs with and without dropout."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton

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


def test_predict_the_last_validation_loss_without_and_with_dropout(qtbot, panel):
    from gui.predict import IDLE
    from tests.gui.predicting import check_verdicts, click_plot, inside_view, reveal, start_round
    s = panel.section("dropout")
    s.set_values({"epochs": 30, "speed": 1000, "hidden": 32})
    with qtbot.waitSignal(s.done, timeout=30000):
        panel.tabs.setCurrentIndex(DROPOUT)
    p = start_round(qtbot, s)
    # the curves and their key go; the axis is neutral, not the finished run's
    assert s.curves["dropout"]["val_loss"].opacity() == 0 and s.curves_note.isHidden() and s.note.isHidden()
    assert s.loss_plot.getPlotItem().vb.viewRange()[1] == pytest.approx([0, 1.5])
    assert [t for t, _ in p.targets] == ["no dropout", "dropout p=0.5"]
    assert "last validation loss of no dropout" in p.label.text()
    # Pin waits for the reveal (it would copy hidden curves)
    pin = next(b for b in s.run_row.findChildren(QPushButton) if b.text() == "Pin")
    assert not pin.isEnabled() and s.pins.pin() is None and not s.pins.pins
    click_plot(qtbot, s.loss_plot, 28, 0.9)
    click_plot(qtbot, s.loss_plot, 28, 0.3)
    assert p.points == {"no dropout": pytest.approx(0.9, abs=0.01), "dropout p=0.5": pytest.approx(0.3, abs=0.01)}
    p = reveal(qtbot, s)
    last = dict(zip(("no dropout", "dropout p=0.5"), (h.val_loss for h in s.result.last_epochs())))
    check_verdicts(p, last, decimals=2)
    assert "validation loss of" in p.label.text() and inside_view(p)
    assert not s.curves_note.isHidden() and pin.isEnabled() and s.curves["dropout"]["val_loss"].opacity() == 1
    # the markers sit over the last epochs only (two lines across the plot were busy)
    segments = [m for m in p.items if hasattr(m, "xData") and m.opts["fillLevel"] is None]
    assert segments and all(min(m.xData) == 24 and max(m.xData) == 30 for m in segments)
    # the handout keeps the round's verdict, also once a new run has replaced the round
    from gui.report import section_html
    sentence = p.judgements["no dropout"].sentence
    assert "Predicted, then revealed:" in section_html(s) and sentence in section_html(s)
    with qtbot.waitSignal(s.done, timeout=30000):
        s.set_values({"rate": 0.3})
    assert p.state == IDLE and not p.items
    assert "Predicted, then revealed (the round's settings: rate 0.5):" in p.handout()
    assert sentence in section_html(s)
