"""Accuracy against target size (log axis): each method's mean with error bars (one standard
deviation) over the repeats and its single runs as dots, the pre-trained network without
target data dashed, chance dotted."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from engine import transfer as T
from gui.plots import StyledPlot, finite_or_nan
from gui.theme import BLACK, GREY, theme
from gui.widgets import plain_axes, rich_label, set_text, with_key
from gui.panels.transfer.style import COLOURS, METHODS, SHORT, SIZES, Y_RANGE, key_swatch, size_ticks

X_OFFSET = {"scratch": -0.018, "fine-tune": 0.0, "freeze": 0.018}   # decades: error bars side by side


class SizeSweepPlot:
    """The size sweep's plot and its key (``widget``: both)."""

    def __init__(self):
        self.plot = StyledPlot("Accuracy vs target size", "target samples (log axis)", "test accuracy")
        plain_axes(self.plot, frozen=True)
        self.plot.getAxis("bottom").setTicks(size_ticks())
        self.plot.grid.show(x=False, y=True)
        lo, hi = math.log10(SIZES[0]), math.log10(SIZES[-1])
        self.x_span = (lo - 0.12, hi + 0.12)
        self.plot.setXRange(*self.x_span, padding=0)
        self.plot.setYRange(*Y_RANGE, padding=0)
        self.chance_line = pg.InfiniteLine(pos=T.CHANCE, angle=0, pen=pg.mkPen(GREY, width=1.5, style=Qt.DotLine))
        self.plot.addItem(self.chance_line)
        self.pre_line = self.plot.curve(BLACK, width=0.75, style=Qt.DashLine)
        self.items: dict[str, dict] = {}
        for m in METHODS:
            curve = self.plot.curve(COLOURS[m], symbol="o", symbolBrush=COLOURS[m], symbolPen=None)
            bars = pg.ErrorBarItem(x=np.array([]), y=np.array([]), height=np.array([]), beam=0.02,
                                   pen=pg.mkPen(COLOURS[m], width=1.5))
            self.plot.addItem(bars)
            c = QColor(COLOURS[m])
            dots = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(c.red(), c.green(), c.blue(), 90))
            self.plot.addItem(dots)
            self.items[m] = {"curve": curve, "bars": bars, "dots": dots}
        self.key = rich_label("")
        self.widget = with_key(self.plot, self.key)

    def points_drawn(self, method: str = "scratch") -> int:
        """How many sizes of ``method`` the plot shows a mean for."""
        _, y = self.items[method]["curve"].getData()
        return 0 if y is None else int(np.isfinite(y).sum())

    def draw(self, tally: T.SweepTally, baseline: T.Baseline | None, methods=METHODS) -> None:
        """Redraw ``methods`` (those that received runs since the last frame) and the key."""
        logs = np.log10(np.array(SIZES, dtype=float))
        for m in methods:
            mean, sd, _ = tally.stats(m)
            x = logs + X_OFFSET[m]
            items = self.items[m]
            shown = np.isfinite(mean)
            items["curve"].setData(x[shown], finite_or_nan(mean[shown]))
            has_bar = np.isfinite(sd)
            items["bars"].setData(x=x[has_bar], y=mean[has_bar], height=2 * sd[has_bar])
            acc = tally.accuracy[m]
            px = np.repeat(x, acc.shape[1])
            py = acc.ravel()
            ok = np.isfinite(py)
            items["dots"].setData(px[ok], py[ok])
        b = baseline
        if b is not None:
            self.pre_line.setData(list(self.x_span), [b.pretrained_acc] * 2)
        else:
            self.pre_line.setData([], [])
        bars = f"bars: ± 1 sd ({tally.seeds} repeats), dots: single runs"
        self.key.setToolTip(bars)
        set_text(self.key,
                 (f"<b>relatedness {b.relatedness:g}</b>: " if b is not None else "")
                 + "&nbsp; ".join(key_swatch(COLOURS[m], SHORT[m]) for m in METHODS) + "&nbsp; "
                 + key_swatch(BLACK, "pre-trained only", "&#9548;&#9548;") + "&nbsp; "
                 + key_swatch(GREY, "chance", "&#8943;")
                 # presentation: the plot keeps this line's height on a 768 px projector (the tooltip says it)
                 + ("" if theme().presentation else "<br>" + bars))

    def restyle(self) -> None:
        size = theme().marker_size
        for m in METHODS:
            self.items[m]["curve"].setSymbolSize(size)
            self.items[m]["dots"].setSize(size * 0.6)
            self.items[m]["bars"].setData(pen=pg.mkPen(COLOURS[m], width=theme().pen_width * 0.75))
        self.chance_line.setPen(pg.mkPen(GREY, width=theme().pen_width * 0.75, style=Qt.DotLine))
