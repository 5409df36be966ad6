"""pyqtgraph helpers: plots that follow the theme, curves created once and fed with setData."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gui.theme import GREY, color, theme

pg.setConfigOptions(antialias=True, background="w", foreground="k", useOpenGL=False)


def finite_or_nan(values) -> np.ndarray:
    """Non-finite values become NaN: a single inf breaks pyqtgraph's auto-range."""
    arr = np.array(values, dtype=float)
    arr[~np.isfinite(arr)] = np.nan
    return arr


class StyledPlot(pg.PlotWidget):
    """A PlotWidget whose fonts and pens follow the theme (normal or presentation)."""

    def __init__(self, title: str = "", x_label: str = "", y_label: str = "", parent=None):
        super().__init__(parent=parent)
        self._title = title
        self._labels = {"bottom": x_label, "left": y_label}
        self._styled: list[tuple] = []  # (item, colour, width factor, Qt pen style, antialias-safe)
        self.showGrid(x=True, y=True, alpha=0.25)
        self.setMenuEnabled(False)
        self.legend: pg.LegendItem | None = None
        self.restyle()
        theme().changed.connect(self.restyle)

    def add_legend(self, columns: int = 2) -> pg.LegendItem:
        """A legend under the plot, never over the data; curves made with ``name=`` join it."""
        self.legend = pg.LegendItem(colCount=columns)
        self.getPlotItem().layout.addItem(self.legend, 4, 1)
        self.getPlotItem().legend = self.legend
        self.restyle()
        return self.legend

    def pen(self, colour, width: float = 1.0, style=Qt.SolidLine):
        return pg.mkPen(colour, width=theme().pen_width * width, style=style)

    def curve(self, colour_index_or_name, name: str | None = None, width: float = 1.0,
              style=Qt.SolidLine, **kwargs) -> pg.PlotDataItem:
        """A line made once and updated with setData; its pen follows the theme."""
        c = color(colour_index_or_name) if isinstance(colour_index_or_name, int) else colour_index_or_name
        item = self.plot([], [], pen=self.pen(c, width, style), name=name, connect="finite", **kwargs)
        self._styled.append((item, c, width, style))
        return item

    def vline(self, colour=GREY, width: float = 1.0, style=Qt.DashLine, label: str | None = None,
              movable: bool = False) -> pg.InfiniteLine:
        line = pg.InfiniteLine(angle=90, movable=movable, pen=self.pen(colour, width, style),
                               label=label, labelOpts={"position": 0.92, "color": colour, "anchors": [(0, 1), (0, 1)]})
        self.addItem(line)
        self._styled.append((line, colour, width, style))
        return line

    def restyle(self) -> None:
        t = theme()
        pt = t.font_pt
        tick_font = t.font()
        for side in ("left", "bottom"):
            axis = self.getAxis(side)
            axis.setStyle(tickFont=tick_font)
            axis.setTextPen(pg.mkPen("k"))
            if self._labels.get(side):
                axis.setLabel(self._labels[side], **{"font-size": f"{pt}pt"})
        if self._title:
            self.setTitle(self._title, size=f"{round(pt * 1.15)}pt")
        for item, colour, width, style in self._styled:
            item.setPen(self.pen(colour, width, style))
        if self.legend is not None:
            self.legend.setLabelTextSize(f"{pt}pt")
            for sample, label in self.legend.items:
                label.setText(label.text, size=f"{pt}pt")

    def set_labels(self, x_label: str | None = None, y_label: str | None = None) -> None:
        if x_label is not None:
            self._labels["bottom"] = x_label
        if y_label is not None:
            self._labels["left"] = y_label
        self.restyle()
