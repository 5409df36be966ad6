"""The Transfer learning tab driven as a student would."""
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from engine import transfer as T
from gui.panels.transfer import METHODS, RELATEDNESS_GRID, SIZES, TransferPanel
from tests.gui.helpers import drain, type_into


@pytest.fixture
def panel(window, qtbot):
    p = window.panel_by_key("transfer")
    assert isinstance(p, TransferPanel)
    window.tabs.setCurrentWidget(p)
    # the tab starts its default runs when it is first shown; the tests choose their own
    p.cancel()
    return p


def table_texts(panel):
    return [[panel.table.item(r, c).text() for c in range(panel.table.columnCount())]
            for r in range(panel.table.rowCount())]


def expected_texts(result):
    mean, sd = result.mean(), result.std()
    return [[str(s)] + [f"{mean[i, j]:.3f} ± {sd[i, j]:.3f}" for i in range(len(METHODS))]
            for j, s in enumerate(SIZES)]


def test_defaults_fill_the_plot_and_the_table(qtbot, panel):
    panel.run_defaults()
    assert not panel.is_idle()
    # about 3 s on an idle 2-core machine; generous because the machine is shared
    qtbot.waitUntil(panel.is_idle, timeout=60000)
    res = panel.sweep_result
    assert res is not None and res.relatedness == 0.8 and res.seeds == (0, 1, 2)
    assert table_texts(panel) == expected_texts(res)
    for m in METHODS:
        assert panel.sweep_points_drawn(m) == len(SIZES)
    # at the default relatedness fine-tuning beats scratch on 20 samples, by a lot
    assert res.gain("fine-tune")[0] > 0.08
    assert f"{res.baseline.pretrained_acc:.3f}" in panel.table_note.text()
    # the tab says why the tutorial's own numbers cannot be shown
    texts = [label.text() for label in panel.findChildren(QLabel)]
    assert any("crashes" in t and "warm_start" in t and "distinct samples" in t for t in texts)
    # the learning curves ran on 20 samples: 300 steps = 300 epochs of one batch, plus the start
    assert panel.curve_points("fine-tune") == 301
    x, y = panel.curve_items["fine-tune"]["test"].getData()
    assert y[0] == res.baseline.pretrained_acc       # fine-tuning starts from the copied weights
    assert abs(panel.curve_items["scratch"]["test"].getData()[1][0] - 0.5) < 0.15


def test_the_sweep_plot_gains_points_while_running(qtbot, panel):
    panel.run_form.set_values({"seeds": 4, "steps": 60})
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert panel.sweep_worker.busy and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: len(panel.sweep_points) >= 3, timeout=20000)
    partial = len(panel.sweep_points)
    assert panel.sweep_worker.busy and partial < 4 * len(SIZES) * len(METHODS)
    qtbot.waitUntil(lambda: panel.sweep_points_drawn("scratch") >= 1, timeout=5000)
    assert panel.progress.maximum() == 4 * len(SIZES) * len(METHODS)
    assert 0 < panel.progress.value() == len(panel.sweep_points)
    with qtbot.waitSignal(panel.sweep_done, timeout=60000):
        pass
    assert len(panel.sweep_points) == 4 * len(SIZES) * len(METHODS)
    _, expected = drain(T.size_sweep(0.8, SIZES, 4, METHODS, steps=60))
    np.testing.assert_array_equal(panel.sweep_result.accuracy, expected.accuracy)
    assert table_texts(panel) == expected_texts(expected)
    # the error bars are one standard deviation each side of the mean
    bars = panel.size_items["scratch"]["bars"].opts
    np.testing.assert_allclose(bars["height"], 2 * expected.std()[0])
    qtbot.waitUntil(panel.is_idle, timeout=60000)


def test_cancel_stops_the_runs_and_run_starts_again(qtbot, panel):
    panel.run_form.set_values({"seeds": 20})
    panel.curve_form.set_values({"speed": 10})
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(panel.sweep_points) >= 2 and panel.curve_points() >= 3, timeout=20000)
    qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
    assert panel.is_idle() and not panel.cancel_button.isEnabled()
    n, c = len(panel.sweep_points), panel.curve_points()
    qtbot.wait(400)            # several runs' and epochs' worth
    assert (len(panel.sweep_points), panel.curve_points()) == (n, c)
    assert n < 20 * len(SIZES) * len(METHODS)
    assert "Cancelled after" in panel.status_note.text()
    # and it runs again, to the end
    panel.run_form.set_values({"seeds": 2, "steps": 20})
    panel.curve_form.set_values({"speed": 1000})
    with qtbot.waitSignal(panel.sweep_done, timeout=30000):
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert len(panel.sweep_points) == 2 * len(SIZES) * len(METHODS)
    qtbot.waitUntil(panel.is_idle, timeout=30000)


def test_changing_relatedness_mid_run_restarts_cleanly(qtbot, panel):
    panel.run_form.set_values({"seeds": 10, "steps": 100})
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(panel.sweep_points) >= 2, timeout=20000)
    assert panel.sweep_worker.busy
    panel.run_form.set_values({"seeds": 2})    # (restarts too; the relatedness below decides)
    with qtbot.waitSignal(panel.sweep_done, timeout=60000):
        type_into(qtbot, panel.task_form["relatedness"].editor, "0")
    res = panel.sweep_result
    assert res.relatedness == 0.0 and panel.baseline.relatedness == 0.0
    # only the new run's points are stored and drawn: none from the interrupted one
    assert len(panel.sweep_points) == 2 * len(SIZES) * len(METHODS)
    assert {p.relatedness for p in panel.sweep_points} == {0.0}
    _, expected = drain(T.size_sweep(0.0, SIZES, 2, METHODS, steps=100))
    assert table_texts(panel) == expected_texts(expected)
    assert panel.r_line.value() == 0.0
    assert "<b>relatedness 0</b>" in panel.size_key.text()
    qtbot.waitUntil(panel.is_idle, timeout=60000)
    # the learning curves restarted too, at relatedness 0: fine-tuning starts near chance
    assert panel.curve_result is not None and panel.curve_result.relatedness == 0.0
    assert abs(panel.curve_result.test_acc["fine-tune"][0] - 0.5) < 0.1


def test_learning_curves_stream_for_the_chosen_size(qtbot, panel):
    panel.curve_form.set_values({"speed": 100})
    panel.run_form.set_values({"steps": 100})
    with qtbot.waitSignal(panel.curves_done, timeout=60000):
        type_into(qtbot, panel.curve_form["curve_size"].editor, "64")
        qtbot.waitUntil(lambda: panel.curve_worker.busy and panel.curve_points() > 0, timeout=10000)
        assert panel.curve_points() < 30           # streaming, not all at once
    epochs = T._epochs_for(64, 100)                 # 2 batches an epoch: 50 epochs
    assert panel.curve_points("scratch") == panel.curve_points("freeze") == epochs + 1
    assert "64 target samples" in panel.curve_key.text()
    np.testing.assert_array_equal(panel.curve_items["freeze"]["test"].getData()[1],
                                  panel.curve_result.test_acc["freeze"])


def test_the_big_sweep_fills_the_relatedness_plot(qtbot, panel):
    panel.run_form.set_values({"seeds": 1, "steps": 30})
    panel.cancel()
    with qtbot.waitSignal(panel.big_done, timeout=60000):
        qtbot.mouseClick(panel.big_button, Qt.LeftButton)
    assert panel.lower_tabs.currentIndex() == 1
    res = panel.big_result
    assert res.accuracy.shape == (len(RELATEDNESS_GRID), len(METHODS), len(SIZES), 1)
    assert panel.big_progress.value() == panel.big_progress.maximum() == res.accuracy.size
    for k, curve in enumerate(panel.big_curves):
        x, y = curve.getData()
        np.testing.assert_array_equal(x, RELATEDNESS_GRID)
        np.testing.assert_allclose(y, res.gain("fine-tune")[:, k])
    assert not panel.big_hint.isVisible()
    panel.gain_combo.setCurrentIndex(1)
    np.testing.assert_allclose(panel.big_curves[0].getData()[1], res.gain("freeze")[:, 0])
    # settings changed afterwards: the plot says it shows older settings
    panel.run_form.set_values({"steps": 40})
    qtbot.waitUntil(lambda: "older settings" in panel.big_plot.getPlotItem().titleLabel.text, timeout=5000)
    panel.cancel()


def test_escape_cancels_every_run(qtbot, window, panel):
    panel.run_form.set_values({"seeds": 20, "steps": 30})
    panel.curve_form.set_values({"speed": 5})
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    qtbot.mouseClick(panel.big_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(panel.sweep_points) > 0 and panel.curve_points() > 0, timeout=20000)
    qtbot.keyClick(window, Qt.Key_Escape)
    assert panel.is_idle()


def test_presentation_mode_makes_text_readable(qtbot, window, panel):
    window.presentation_action.trigger()
    assert QApplication.font().pointSize() >= 18
    qtbot.waitUntil(lambda: panel.table.font().pointSize() >= 18, timeout=2000)
    assert panel.size_plot.getAxis("bottom").style["tickFont"].pointSizeF() >= 18
    assert panel.size_items["fine-tune"]["curve"].opts["pen"].widthF() >= 3
    # the table is as wide as its widest cell, and the plots fit the window
    qtbot.waitUntil(lambda: panel.table.width() >= panel.table.horizontalHeader().length(), timeout=2000)
    assert panel.size_plot.width() > 300 and panel.curve_plot.width() > 300
    window.presentation_action.trigger()
    assert math.isclose(QApplication.font().pointSize(), 10)
