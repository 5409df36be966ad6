"""The whole Regularization tab: its sections in order, Escape, the defaults, presentation mode."""
import math

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from gui.widgets import Lesson
from tests.gui.regularization import track_closing

PENALTIES, STRENGTH, DROPOUT, STOPPING, MLP = range(5)


def test_the_sections_in_tab_order(panel):
    assert [panel.tabs.tabText(i) for i in range(panel.tabs.count())] == [
        "1 · Penalties", "2 · Strength", "3 · Dropout", "4 · Early stopping", "5 · MLP + L2"]
    assert list(panel.sections) == ["penalties", "strength", "dropout", "early_stopping", "mlp_l2"]
    for section in panel.sections.values():
        assert set(section.key_params) <= set(section.values())


def test_escape_cancels_every_run(qtbot, window, panel):
    dropout, stopping = panel.section("dropout"), panel.section("early_stopping")
    closed = [track_closing(dropout), track_closing(stopping)]
    dropout.set_values({"speed": 5})
    stopping.set_values({"speed": 5})
    dropout.run()
    stopping.run()
    # (their tabs are hidden: they stream events but draw no frames until shown or stopped)
    qtbot.waitUntil(lambda: bool(stopping.events and dropout.events), timeout=5000)
    qtbot.keyClick(window, Qt.Key_Escape)
    assert panel.is_idle()
    n = stopping.points(), dropout.points(), len(stopping.events), len(dropout.events)
    assert n[0] > 0 and n[1] > 0          # what had arrived is drawn when they stop
    qtbot.waitUntil(lambda: all(c.is_set() for c in closed), timeout=5000)   # both generators closed
    assert (stopping.points(), dropout.points(), len(stopping.events), len(dropout.events)) == n


def test_run_defaults_finishes_quickly(qtbot, panel):
    panel.run_defaults()
    assert not panel.is_idle()
    # about 3 s on an idle 2-core machine; generous because the machine is shared
    qtbot.waitUntil(panel.is_idle, timeout=60000)
    assert panel.section("dropout").result is not None and panel.section("early_stopping").summary is not None
    assert len(panel.section("mlp_l2").events) == 3


def in_view(widget, scroll) -> bool:
    top = widget.mapTo(scroll.viewport(), QPoint(0, 0)).y()
    return widget.isVisible() and 0 <= top and top + widget.height() <= scroll.viewport().height()


def test_presentation_mode_keeps_the_main_controls_in_view(qtbot, window, panel):
    stopping = panel.section("early_stopping")
    window.presentation_action.trigger()
    window.set_stage(False)   # every control (the stage view, presentation's default, is tests/gui/test_hall.py's)
    qtbot.waitUntil(lambda: stopping.controls_scroll.minimumWidth() >= 400, timeout=2000)
    for key in ("dropout", "early_stopping", "mlp_l2"):
        panel.section(key).runner.ran = True  # only the layout matters here: no training runs
    for index, key in ((DROPOUT, "dropout"), (STOPPING, "early_stopping"), (MLP, "mlp_l2")):
        panel.tabs.setCurrentIndex(index)
        section = panel.section(key)
        scroll = section.controls_scroll
        # the lesson is folded away and Run sits at the top of its form: visible without scrolling
        qtbot.waitUntil(lambda: in_view(section.run_button, scroll), timeout=2000)
        assert scroll.verticalScrollBar().value() == 0
        assert not scroll.horizontalScrollBar().isVisible()
        assert scroll.width() <= 430  # a third of the screen at most: the plots come first
    combo = stopping.param_widget("data").editor
    assert combo.width() >= combo.sizeHint().width()  # the data choice is not cut
    lesson = stopping.controls_scroll.widget().findChild(Lesson)
    assert lesson.label.isHidden() and not lesson.toggle.isHidden()  # folded, one click away
    # the penalty plots fit in the window (one model a tab in presentation mode)
    panel.tabs.setCurrentIndex(PENALTIES)
    penalties = panel.section("penalties")
    assert penalties.plot_tabs.tabbed
    for plot in penalties.bar_plots.values():
        penalties.plot_tabs.show_page(plot)
        qtbot.waitUntil(plot.isVisible, timeout=2000)
        assert plot.mapTo(window, QPoint(plot.width(), 0)).x() <= window.width()
    # the MLP axis has a label, so it keeps room for its 18 pt tick labels
    axis = panel.section("mlp_l2").plot.getAxis("bottom")
    assert axis.label.isVisible() and axis.labelText == "L2 alpha"
    assert axis.height() > 1.5 * QFontMetrics(axis.style["tickFont"]).height()
    window.presentation_action.trigger()
    assert not lesson.label.isHidden()  # unfolded again at the desk


def test_presentation_mode_makes_text_readable(qtbot, window, panel):
    window.presentation_action.trigger()
    assert QApplication.font().pointSize() >= 18
    penalties = panel.section("penalties")
    qtbot.waitUntil(lambda: penalties.table.font().pointSize() >= 18, timeout=2000)
    assert penalties.bar_plots["L1 (Lasso)"].getAxis("bottom").style["tickFont"].pointSizeF() >= 18
    assert panel.section("early_stopping").val_curve.opts["pen"].widthF() >= 3
    window.presentation_action.trigger()
    assert math.isclose(QApplication.font().pointSize(), 10)


def test_presentation_mode_shows_one_plot_a_tab(qtbot, window, panel):
    """In presentation mode the plots sharing a page take turns on a tab bar (gui/turns.py); at the
    desk they are back side by side, each where it was."""
    from engine import overfitting as OF
    penalties, stopping = panel.section("penalties"), panel.section("early_stopping")
    for key in ("dropout", "early_stopping", "mlp_l2"):
        panel.section(key).runner.ran = True  # only the layout matters here: no training runs
    holders = {name: plot.parentWidget() for name, plot in penalties.bar_plots.items()}
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: penalties.plot_tabs.tabbed, timeout=2000)
    assert all(s.plot_tabs.tabbed for s in (panel.section(k) for k in ("strength", "dropout", "early_stopping")))
    bar = penalties.plot_tabs
    assert bar.count() == 4 and bar.isVisible()
    assert [p.isVisible() for p in penalties.bar_plots.values()] == [True, False, False, False]
    bar.setCurrentIndex(2)                      # the third model's tab shows its chart alone
    assert [p.isVisible() for p in penalties.bar_plots.values()] == [False, False, True, False]
    stopping.param_widget("data").set_value(OF.DATA_SIMULATED)   # no accuracy: its tab goes
    turns = stopping.plot_tabs
    assert not turns.isTabVisible(turns.index_of(stopping.acc_plot))
    stopping.cancel()
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: not penalties.plot_tabs.tabbed, timeout=2000)
    assert all(plot.parentWidget() is holders[name] for name, plot in penalties.bar_plots.items())
    assert not bar.isVisible() and all(p.isVisible() for p in penalties.bar_plots.values())
    assert stopping.acc_plot.isHidden()   # still switched off at the desk
    stopping.param_widget("data").set_value(OF.DATA_REAL)
    stopping.cancel()
    assert not stopping.acc_plot.isHidden()
