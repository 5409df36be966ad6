"""Plots that take turns (gui/turns.py): declared once by a section, a tab bar above them in the
lecture hall, every plot back where it was at the desk."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from gui.lab import Section
from gui.plots import StyledPlot
from gui.stage import stage
from gui.theme import theme


class Turns(Section):
    """Three plots: two side by side in a splitter, a third under them with a note, and a 2x2 grid."""
    key, title = "turns", "Turns"

    def build(self):
        self.a, self.b, self.c = StyledPlot("a"), StyledPlot("b"), StyledPlot("c")
        self.note = QLabel("about c")
        top = QSplitter(Qt.Horizontal)
        top.addWidget(self.a)
        top.addWidget(self.b)
        self.bottom = QWidget()
        lay = QVBoxLayout(self.bottom)
        lay.addWidget(self.c)
        self.rows = QSplitter(Qt.Vertical)
        self.rows.addWidget(top)
        self.rows.addWidget(self.bottom)
        self.top = top
        grid_w = QWidget()
        grid = QGridLayout(grid_w)
        self.cells = [StyledPlot(f"cell {i}") for i in range(4)]
        for i, plot in enumerate(self.cells):
            grid.addWidget(plot, i // 2, i % 2)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.rows, 2)
        rl.addWidget(grid_w, 1)
        self.turns_rows = self.plot_turns(("A", self.a), ("B", self.b), ("C", self.c))
        self.turns_grid = self.plot_turns(*((f"cell {i}", p) for i, p in enumerate(self.cells)))
        self.set_body([], right)


@pytest.fixture
def section(qtbot):
    s = Turns()
    qtbot.addWidget(s)
    s.resize(900, 700)
    s.show()
    qtbot.waitExposed(s)
    yield s
    theme().set_presentation(False)
    stage().set(False)


def shown(widgets):
    return [w.isVisible() for w in widgets]


def test_the_bar_sits_above_the_pages_and_hides_at_the_desk(section):
    bar = section.turns_rows
    assert bar.parentWidget().isAncestorOf(section.rows)          # placed over the widget holding them
    assert not bar.isVisible() and shown((section.a, section.b, section.c)) == [True, True, True]
    assert section.top.indexOf(section.a) == 0 and section.top.indexOf(section.b) == 1


def test_in_presentation_one_page_at_a_time_and_emptied_containers_fold(section, qtbot):
    sizes = section.top.sizes()
    theme().set_presentation(True)
    section.restyle()
    bar = section.turns_rows
    assert bar.isVisible() and bar.tabbed
    assert shown((section.a, section.b, section.c)) == [True, False, False]
    assert section.bottom.isHidden()                               # only held c: folded, a gets the room
    bar.setCurrentIndex(2)
    assert shown((section.a, section.b, section.c)) == [False, False, True]
    assert section.top.isHidden() and not section.bottom.isHidden()
    assert shown(section.cells) == [True, False, False, False]
    theme().set_presentation(False)
    section.restyle()
    qtbot.wait(10)
    assert not bar.isVisible() and shown((section.a, section.b, section.c)) == [True, True, True]
    assert shown(section.cells) == [True] * 4 and not section.top.isHidden()
    assert section.top.sizes() == sizes


def test_the_stage_view_alone_also_takes_turns(section):
    stage().set(True)
    section.restyle()
    assert section.turns_grid.tabbed and shown(section.cells) == [True, False, False, False]


def test_a_page_switched_off_loses_its_tab_everywhere(section):
    bar = section.turns_rows
    bar.set_page_visible(section.b, False)
    assert section.b.isHidden() and not bar.isTabVisible(1)
    theme().set_presentation(True)
    section.restyle()
    bar.show_page(section.b)                      # a hidden page cannot be brought to the front
    assert section.b.isHidden() and section.a.isVisible()
    bar.set_page_visible(section.b, True)
    bar.show_page(section.b)
    assert section.b.isVisible() and not section.a.isVisible()


def test_turns_need_two_pages_in_one_widget(qtbot):
    from gui.turns import PlotTurns
    with pytest.raises(TypeError, match="two pages"):
        PlotTurns([("only", QWidget())])
