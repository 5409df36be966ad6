"""The Transfer learning page driven as a student would."""
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from engine import transfer as T
from gui.panels.transfer import TransferPanel
from gui.panels.transfer.style import METHODS, RELATEDNESS_GRID, SIZES
from tests.gui.helpers import drain, type_into


@pytest.fixture
def page(window, qtbot):
    p = window.panel_by_key("transfer")
    assert isinstance(p, TransferPanel)
    window.tabs.setCurrentWidget(p)
    # the page starts its default runs when it is built; the tests choose their own
    p.cancel()
    return p.section("transfer")


def table_texts(page):
    return page.table_box.table.texts()


def expected_texts(result):
    mean, sd = result.mean(), result.std()
    return [[str(s)] + [f"{mean[i, j]:.3f} ± {sd[i, j]:.3f}" for i in range(len(METHODS))]
            for j, s in enumerate(SIZES)]


def closing(job, closed, name):
    """``job`` whose generator says when it is closed (a cancel must close it)."""
    def wrapped(**values):
        try:
            return (yield from job(**values))
        finally:
            closed.append(name)
    return wrapped


def test_one_page_without_a_tab_bar(page):
    panel = page.panel
    assert list(panel.sections) == ["transfer"] and not panel.tabs.tabBar().isVisible()
    assert set(page.key_params) <= {p.name for p in page.params}
    assert page.tutorial_values()["relatedness"] == T.RELATEDNESS.default


def test_defaults_fill_the_plot_and_the_table(qtbot, page):
    page.run_defaults()
    assert not page.is_idle()
    # about 3 s on an idle 2-core machine; generous because the machine is shared
    qtbot.waitUntil(page.is_idle, timeout=60000)
    res = page.sweep.result
    assert res is not None and res.relatedness == 0.8 and res.seeds == (0, 1, 2)
    assert table_texts(page) == expected_texts(res)
    for m in METHODS:
        assert page.size_view.points_drawn(m) == len(SIZES)
    # at the default relatedness fine-tuning beats scratch on 20 samples, by a lot
    assert res.gain("fine-tune")[0] > 0.08
    assert f"{res.baseline.pretrained_acc:.3f}" in page.table_box.note.text()
    # the page says why the tutorial's own numbers cannot be shown
    texts = [label.text() for label in page.findChildren(QLabel)]
    assert any("crashes" in t and "warm_start" in t and "distinct samples" in t for t in texts)
    # the learning curves ran on 20 samples: 300 steps = 300 epochs of one batch, plus the start
    assert page.curves_view.points("fine-tune") == 301
    x, y = page.curves_view.items["fine-tune"]["test"].getData()
    assert y[0] == res.baseline.pretrained_acc       # fine-tuning starts from the copied weights
    assert abs(page.curves_view.items["scratch"]["test"].getData()[1][0] - 0.5) < 0.15
    # the table is the engine's frame
    assert page.tables()["accuracy"].equals(page.table_box.table.frame)
    # every cell reads whole at the desk: "0.725 ± 0.031", not "0.725 ..." (the table was sized before its rows)
    table = page.table_box.table
    header = table.horizontalHeader()
    for c in range(1, header.count()):
        widest = max(table.fontMetrics().horizontalAdvance(t) for t in table.column_texts(table.frame.columns[c]))
        assert header.sectionSize(c) > widest


def test_the_sweep_plot_gains_points_while_running(qtbot, page):
    page.run_form.set_values({"seeds": 4, "steps": 60})
    qtbot.mouseClick(page.run_button, Qt.LeftButton)
    assert page.sweep.busy and page.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: len(page.tally.points) >= 3, timeout=20000)
    partial = len(page.tally.points)
    assert page.sweep.busy and partial < 4 * len(SIZES) * len(METHODS)
    qtbot.waitUntil(lambda: page.size_view.points_drawn("scratch") >= 1, timeout=5000)
    assert page.progress.maximum() == 4 * len(SIZES) * len(METHODS)
    assert 0 < page.progress.value() == len(page.tally.points)
    with qtbot.waitSignal(page.sweep.done, timeout=60000):
        pass
    assert len(page.tally.points) == 4 * len(SIZES) * len(METHODS)
    _, expected = drain(T.size_sweep(0.8, SIZES, 4, METHODS, steps=60))
    np.testing.assert_array_equal(page.sweep.result.accuracy, expected.accuracy)
    assert table_texts(page) == expected_texts(expected)
    # the error bars are one standard deviation each side of the mean
    bars = page.size_view.items["scratch"]["bars"].opts
    np.testing.assert_allclose(bars["height"], 2 * expected.std()[0])
    qtbot.waitUntil(page.is_idle, timeout=60000)


def test_cancel_stops_the_runs_and_run_starts_again(qtbot, page):
    closed = []
    page.sweep.job = closing(page.sweep.job, closed, "sweep")
    page.curves.job = closing(page.curves.job, closed, "curves")
    page.run_form.set_values({"seeds": 20})
    page.curve_form.set_values({"speed": 10})
    qtbot.mouseClick(page.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(page.tally.points) >= 2 and page.curves_view.points() >= 3, timeout=20000)
    closed.clear()              # (the runs the clicks restarted)
    qtbot.mouseClick(page.cancel_button, Qt.LeftButton)
    assert page.is_idle() and not page.cancel_button.isEnabled()
    n, c = len(page.tally.points), page.curves_view.points()
    # both workers closed their generators: nothing more can arrive
    qtbot.waitUntil(lambda: sorted(closed) == ["curves", "sweep"], timeout=10000)
    assert (len(page.tally.points), page.curves_view.points()) == (n, c)
    assert n < 20 * len(SIZES) * len(METHODS)
    assert "Cancelled after" in page.status_note.text()
    # and it runs again, to the end
    page.run_form.set_values({"seeds": 2, "steps": 20})
    page.curve_form.set_values({"speed": 1000})
    with qtbot.waitSignal(page.sweep.done, timeout=30000):
        qtbot.mouseClick(page.run_button, Qt.LeftButton)
    assert len(page.tally.points) == 2 * len(SIZES) * len(METHODS)
    qtbot.waitUntil(page.is_idle, timeout=30000)


def test_changing_relatedness_mid_run_restarts_cleanly(qtbot, page):
    page.run_form.set_values({"seeds": 10, "steps": 100})
    qtbot.mouseClick(page.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(page.tally.points) >= 2, timeout=20000)
    assert page.sweep.busy
    page.run_form.set_values({"seeds": 2})    # (restarts too; the relatedness below decides)
    with qtbot.waitSignal(page.sweep.done, timeout=60000):
        type_into(qtbot, page.task_form["relatedness"].editor, "0")
    res = page.sweep.result
    assert res.relatedness == 0.0 and page.baseline.relatedness == 0.0
    # only the new run's points are stored and drawn: none from the interrupted one
    assert len(page.tally.points) == 2 * len(SIZES) * len(METHODS)
    assert {p.relatedness for p in page.tally.points} == {0.0}
    _, expected = drain(T.size_sweep(0.0, SIZES, 2, METHODS, steps=100))
    assert table_texts(page) == expected_texts(expected)
    assert page.big_view.r_line.value() == 0.0
    assert "<b>relatedness 0</b>" in page.size_view.key.text()
    qtbot.waitUntil(page.is_idle, timeout=60000)
    # the learning curves restarted too, at relatedness 0: fine-tuning starts near chance
    assert page.curves.result is not None and page.curves.result.relatedness == 0.0
    assert abs(page.curves.result.test_acc["fine-tune"][0] - 0.5) < 0.1


def test_learning_curves_stream_for_the_chosen_size(qtbot, page):
    page.curve_form.set_values({"speed": 100})
    page.run_form.set_values({"steps": 100})
    with qtbot.waitSignal(page.curves.done, timeout=60000):
        type_into(qtbot, page.curve_form["curve_size"].editor, "64")
        qtbot.waitUntil(lambda: page.curves.busy and page.curves_view.points() > 0, timeout=10000)
        assert page.curves_view.points() < 30           # streaming, not all at once
    epochs = T.epochs_for(64, 100)                      # 2 batches an epoch: 50 epochs
    assert page.curves_view.points("scratch") == page.curves_view.points("freeze") == epochs + 1
    assert "64 target samples" in page.curves_view.key.text()
    np.testing.assert_array_equal(page.curves_view.items["freeze"]["test"].getData()[1],
                                  page.curves.result.test_acc["freeze"])


def test_the_curves_wait_for_the_sweeps_pretraining(qtbot, page):
    T.clear_pretrained()
    with qtbot.waitSignal(page.sweep.done, timeout=60000):
        page.run_form.set_values({"seeds": 1, "steps": 20})
        page.run()
        assert page.curves.waiting and not page.curves.busy and not page.is_idle()
        assert page.run_button.text() == "Restart" and page.cancel_button.isEnabled()
        qtbot.waitUntil(lambda: not page.curves.waiting, timeout=30000)     # started once the sweep had it
    qtbot.waitUntil(page.is_idle, timeout=30000)
    assert page.curves.result is not None
    # the network was pre-trained once, by the sweep
    assert any(isinstance(e, T.PretrainEpoch) for e in page.sweep.events)
    assert not any(isinstance(e, T.PretrainEpoch) for e in page.curves.events)


def test_the_big_sweep_fills_the_relatedness_plot(qtbot, page):
    page.run_form.set_values({"seeds": 1, "steps": 30})
    page.panel.cancel()
    with qtbot.waitSignal(page.big.done, timeout=60000):
        qtbot.mouseClick(page.big_button, Qt.LeftButton)
    assert page.lower_tabs.currentIndex() == 1
    res = page.big.result
    assert res.accuracy.shape == (len(RELATEDNESS_GRID), len(METHODS), len(SIZES), 1)
    assert page.big_progress.value() == page.big_progress.maximum() == res.accuracy.size
    for k, curve in enumerate(page.big_view.curves):
        x, y = curve.getData()
        np.testing.assert_array_equal(x, RELATEDNESS_GRID)
        np.testing.assert_allclose(y, res.gain("fine-tune")[:, k])
    assert not page.big_view.hint.isVisible()
    page.gain_combo.setCurrentIndex(1)
    np.testing.assert_allclose(page.big_view.curves[0].getData()[1], res.gain("freeze")[:, 0])
    # settings changed afterwards: the plot says it shows older settings
    page.run_form.set_values({"steps": 40})
    qtbot.waitUntil(lambda: "older settings" in page.big_view.plot.getPlotItem().titleLabel.text, timeout=5000)
    page.panel.cancel()


def test_escape_cancels_every_run(qtbot, window, page):
    page.run_form.set_values({"seeds": 20, "steps": 30})
    page.curve_form.set_values({"speed": 5})
    qtbot.mouseClick(page.run_button, Qt.LeftButton)
    qtbot.mouseClick(page.big_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(page.tally.points) > 0 and page.curves_view.points() > 0, timeout=20000)
    qtbot.keyClick(window, Qt.Key_Escape)
    assert page.is_idle() and page.panel.is_idle()


def test_presentation_mode_makes_text_readable(qtbot, window, page):
    table = page.table_box.table
    window.presentation_action.trigger()
    assert QApplication.font().pointSize() >= 18
    qtbot.waitUntil(lambda: table.font().pointSize() >= 18, timeout=2000)
    assert page.size_view.plot.getAxis("bottom").style["tickFont"].pointSizeF() >= 18
    assert page.size_view.items["fine-tune"]["curve"].opts["pen"].widthF() >= 3
    # the table is as wide as its widest cell, and the plots fit the window
    qtbot.waitUntil(lambda: table.width() >= table.horizontalHeader().length(), timeout=2000)
    assert page.size_view.plot.width() > 300 and page.curves_view.plot.width() > 300
    window.presentation_action.trigger()
    assert math.isclose(QApplication.font().pointSize(), 10)


def test_every_target_size_has_its_own_marker_and_a_distinct_colour(qtbot):
    from gui.panels.transfer.relatedness_plot import RelatednessPlot
    view = RelatednessPlot(0.8)
    qtbot.addWidget(view.widget)
    symbols = [c.opts["symbol"] for c in view.curves]
    assert len(set(symbols)) == len(SIZES)
    rgb = [np.array(c.getRgb()[:3], dtype=float) for c in view.size_colours]
    # the 20- and 50-sample colours were dark purple and dark blue (about 70 apart in RGB)
    gaps = [np.linalg.norm(a - b) for a, b in zip(rgb, rgb[1:])]
    assert gaps[0] > 100 and min(gaps) > 60


def test_predict_each_methods_last_test_accuracy(qtbot, page):
    """A round plays the size sweep and the learning curves: it ends when both have finished."""
    from gui.predict import REVEALED
    from tests.gui.predicting import check_verdicts, click_plot, inside_view, start_round
    page.run_form.set_values({"seeds": 1, "steps": 40})
    page.curve_form.set_values({"speed": 1000})
    page.run()
    qtbot.waitUntil(page.is_idle, timeout=60000)
    p = start_round(qtbot, page)
    plot = page.curves_view.plot
    assert page.curves_view.items["fine-tune"]["test"].opacity() == 0
    assert page.size_view.items["fine-tune"]["curve"].opacity() == 0 and page.table_box.isHidden()
    assert [t for t, _ in p.targets] == ["training from scratch", "fine-tuning", "frozen features"]
    # a parameter changed while the class predicts: neither run restarts
    page.run_form.set_values({"steps": 60})
    qtbot.waitUntil(lambda: not page.sweep.restart_timer.isActive(), timeout=5000)
    assert page.is_idle() and not page.curves.busy and page.curves_view.items["scratch"]["test"].opacity() == 0
    epochs = T.epochs_for(20, 60)
    for y in (0.6, 0.9, 0.75):
        click_plot(qtbot, plot, epochs - 1, y)
    # P reveals (a click on Reveal would scroll the column to the button); the column at its top
    page.controls_scroll.verticalScrollBar().setValue(0)
    qtbot.keyClick(page, Qt.Key_P)
    qtbot.waitUntil(lambda: p.state == REVEALED, timeout=60000)
    assert page.sweep.result is not None and page.curves.result is not None and page.is_idle()
    last = {name: page.history[m][-1].test_acc for m, name in
            (("scratch", "training from scratch"), ("fine-tune", "fine-tuning"), ("freeze", "frozen features"))}
    assert page.history["scratch"][-1].epoch == epochs
    check_verdicts(p, last, decimals=2)
    assert f"You predicted 0.60 for training from scratch; it ended at {last['training from scratch']:.2f}" \
        in p.label.text()
    assert inside_view(p) and not page.table_box.isHidden()
    # the verdict, under the buttons far down the column, is scrolled into view
    label, viewport = p.label, page.controls_scroll.viewport()

    def in_view():
        top = label.mapTo(viewport, label.rect().topLeft()).y()
        return 0 <= top and top + label.height() <= viewport.height()
    qtbot.waitUntil(in_view, timeout=5000)
