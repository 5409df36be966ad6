"""Does the window fit the lecture hall? Measures one page as a projector shows it.

Used by the presentation test (tests/gui/test_hall.py) and the benchmark that prints each page's
share (benchmarks/presentation_fit.py): the window's width, horizontal scroll bars, the main tab
bar, the largest plot's share of the window and the smallest visible plot's height.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from PySide6.QtWidgets import QAbstractScrollArea, QTabBar, QWidget
import pyqtgraph as pg

MIN_PLOT_SHARE = 0.30     # the largest plot covers at least this much of the window
MIN_PLOT_HEIGHT = 180     # no visible plot is shorter (px)


@dataclass
class PageFit:
    page: str
    window_width: int
    min_width: int
    largest_share: float
    smallest_plot: tuple[int, int]         # (width, height) of the shortest visible plot
    plots: int = 0                         # visible plots (a page of tables only has none)
    height: int = 0                        # the window's height and the least it can have
    min_height: int = 0
    horizontal_bars: list[str] = field(default_factory=list)
    hidden_topics: list[str] = field(default_factory=list)

    def problems(self, screen_width: int, screen_height: int = 0) -> list[str]:
        out = []
        if screen_height and (self.height > screen_height or self.min_height > screen_height):
            out.append(f"window {self.height} px tall (needs {self.min_height}) on a {screen_height} px screen")
        if self.window_width > screen_width or self.min_width > screen_width:
            out.append(f"window {self.window_width} px (needs {self.min_width}) on a {screen_width} px screen")
        if self.horizontal_bars:
            out.append("horizontal scroll bar in " + ", ".join(self.horizontal_bars))
        if self.hidden_topics:
            out.append("topic tabs hidden: " + ", ".join(self.hidden_topics))
        if self.plots and self.largest_share < MIN_PLOT_SHARE:
            out.append(f"largest plot {self.largest_share:.0%} of the window")
        if 0 < self.smallest_plot[1] < MIN_PLOT_HEIGHT:
            out.append(f"a plot {self.smallest_plot[0]}x{self.smallest_plot[1]} px")
        return [f"{self.page}: {p}" for p in out]


def visible_plots(root: QWidget) -> list[pg.PlotWidget]:
    return [p for p in root.findChildren(pg.PlotWidget) if p.isVisible() and p.width() > 0]


def _name(w: QWidget) -> str:
    parent = w.parentWidget()
    chain = []
    while parent is not None and len(chain) < 3:
        chain.append(type(parent).__name__)
        parent = parent.parentWidget()
    return f"{type(w).__name__} in {'/'.join(chain)}"


def measure(window, page: str) -> PageFit:
    """The fit of what ``window`` shows now (a MainWindow)."""
    area = window.width() * window.height()
    plots = visible_plots(window)
    sizes = [(p.width(), p.height()) for p in plots]
    largest = max((w * h for w, h in sizes), default=0)
    smallest = min(sizes, key=lambda s: s[1], default=(0, 0))
    bars = [_name(s) for s in window.findChildren(QAbstractScrollArea)
            if s.isVisible() and s.horizontalScrollBar().isVisible()]
    bar = window.tabs.tabBar()
    hidden = [bar.tabText(i) for i in range(bar.count())
              if not bar.rect().contains(bar.tabRect(i))]
    return PageFit(page, window.width(), window.minimumSizeHint().width(), largest / area if area else 0.0,
                   smallest, plots=len(plots), height=window.height(), min_height=window.minimumSizeHint().height(), horizontal_bars=bars, hidden_topics=hidden)


def pages(window):
    """Visit every topic and sub-tab of ``window``: yields (page name, panel) with that page shown."""
    from gui import panels
    for index, entry in enumerate(panels.REGISTRY):
        window.tabs.setCurrentIndex(index)
        panel = window.panel(index)
        tabs = getattr(panel, "tabs", None)
        count = tabs.count() if tabs is not None else 1
        for sub in range(count):
            name = entry.key
            if tabs is not None and count > 1:
                tabs.setCurrentIndex(sub)
                name += f"-{sub + 1}-" + re.sub(r"[^a-z0-9]+", "_", tabs.tabText(sub).lower()).strip("_")
            yield name, panel


def tab_bar_scrolls(bar: QTabBar) -> bool:
    return any(not bar.rect().contains(bar.tabRect(i)) for i in range(bar.count()))
