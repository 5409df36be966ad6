"""Presentation mode: a section's plots take turns on a tab bar (gui/turns.py PlotTurns), and the
desk gets back the layout it had."""
import pyqtgraph as pg

from gui.theme import theme

CLIPPING = 3


def geometry(section):
    return sorted((p.mapTo(section, p.rect().topLeft()).toTuple(), p.size().toTuple())
                  for p in section.findChildren(pg.PlotWidget) if p.isVisible())


def test_plots_take_turns_in_presentation_and_come_back_as_they_were(qtbot, panel):
    panel.tabs.setCurrentIndex(CLIPPING)
    s = panel.section("clipping")
    qtbot.waitUntil(s.is_idle, timeout=30000)
    qtbot.wait(50)
    desk = geometry(s)
    assert len(desk) == 4 and not s.deck.isVisible()
    theme().set_presentation(True)
    qtbot.waitUntil(lambda: s.deck.isVisible(), timeout=2000)
    assert [p for p in s.findChildren(pg.PlotWidget) if p.isVisible()] == [s.norm_plot]
    s.deck.setCurrentIndex(1)                              # the next tab shows the accuracy instead
    assert [p for p in s.findChildren(pg.PlotWidget) if p.isVisible()] == [s.acc_plot]
    s.deck.setCurrentIndex(0)
    theme().set_presentation(False)
    qtbot.waitUntil(lambda: not s.deck.isVisible(), timeout=2000)
    qtbot.wait(50)
    back = geometry(s)
    # every plot back in its cell, the grid's rows and columns equal again (the section's own height may
    # differ by the few pixels the window's tab bars take after a font change)
    assert len(back) == 4
    assert len({size for _, size in back}) == 1 and back[0][1][0] == desk[0][1][0]
