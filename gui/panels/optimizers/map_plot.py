"""The hyper-parameter map's plot: f − f* for every (learning rate, value) cell on a log colour
scale, with its colour bar, the diverged cells in grey with a cross, the current setting (a star)
and the best cell (a ring). Cells sit at whole coordinates (column j, row i), labelled with their
values, so any spacing of the values draws as even cells. A click on a cell emits ``cell(i, j)``.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from gui.live_text import LiveText
from gui.plots import StyledPlot
from gui.theme import SURFACE_COLORMAP, theme

GAP_FLOOR = 1e-16                 # exact zeros are shown at this floor of the log scale
DECADES = 10                      # the colours span at most this many powers of ten below the start's f − f*:
                                  # one cell at 1e-23 would otherwise leave every other cell the same colour
DIVERGED = (205, 205, 205, 255)   # a diverged cell: light grey (and a cross)


def decade_ticks(lo: float, hi: float, n: int) -> list[tuple[float, str]]:
    """Ticks for ``n`` log-spaced columns from ``lo`` to ``hi``: at the powers of ten inside, at
    the cells' centres' coordinates (at least the two ends)."""
    a, b = math.log10(lo), math.log10(hi)
    span = b - a if b > a else 1.0
    where = lambda v: 0.5 + (math.log10(v) - a) / span * (n - 1)   # noqa: E731
    powers = [10.0 ** p for p in range(math.ceil(a - 1e-9), math.floor(b + 1e-9) + 1)]
    if len(powers) < 2:
        powers = [lo, hi]
    return [(where(v), f"{v:g}") for v in powers]


def value_ticks(values: np.ndarray, count: int = 5) -> list[tuple[float, str]]:
    idx = np.unique(np.linspace(0, len(values) - 1, min(count, len(values))).round().astype(int))
    return [(i + 0.5, f"{values[i]:.4g}") for i in idx]


class ColourBar(QWidget):
    """A vertical colour bar for a log scale: the colour map, labelled at powers of ten."""

    def __init__(self):
        super().__init__()
        self.lo = self.hi = 0.0       # log10 of the ends
        self.clipped = False          # the lowest colour also stands for everything below it
        self.top_text = ""            # what the top colour stands for ("≥ start")
        self.colours = pg.colormap.get(SURFACE_COLORMAP).getLookupTable(nPts=64, alpha=False)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("≥ start") + 26)

    def set_range(self, lo: float, hi: float, clipped: bool = False, top_text: str = "") -> None:
        self.lo, self.hi, self.clipped, self.top_text = lo, hi, clipped, top_text
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        if self.hi <= self.lo:
            return
        p = QPainter(self)
        fm = self.fontMetrics()
        top, bottom = fm.height(), self.height() - fm.height()
        bar = QRectF(2, top, 12, max(bottom - top, 1))
        grad = QLinearGradient(0, bottom, 0, top)
        for k, c in enumerate(self.colours):
            grad.setColorAt(k / (len(self.colours) - 1), QColor(int(c[0]), int(c[1]), int(c[2])))
        p.fillRect(bar, grad)
        p.setPen(self.palette().windowText().color())
        step = max(1, math.ceil((self.hi - self.lo) / 6))
        ticks = [(e, f"1e{e}") for e in range(math.floor(self.hi), math.ceil(self.lo) - 1, -step)]
        if self.clipped:   # the bottom colour stands for everything below it
            ticks = [t for t in ticks if t[0] > self.lo + 0.6 * step] + [(self.lo, f"≤1e{self.lo:.0f}")]
        if self.top_text:  # the top one for everything above it
            ticks = [(self.hi, self.top_text)] + [t for t in ticks if t[0] < self.hi - 0.6 * step]
        for e, text in ticks:
            y = bottom - (e - self.lo) / (self.hi - self.lo) * (bottom - top)
            p.drawLine(14, int(y), 18, int(y))
            p.drawText(20, int(y + fm.ascent() / 2 - 1), text)
        p.end()


class MapPlot(QWidget):
    """The heat map with its colour bar and the line under it that reads the cell under the pointer."""
    cell = Signal(int, int)    # a left click on cell (row i, column j)

    def __init__(self):
        super().__init__()
        self.plot = StyledPlot("Hyper-parameter map", "learning rate", "")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setToolTip("Click a cell to race with those values")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.crosses = pg.PlotDataItem([], [], pen=None, symbol="x", symbolSize=7, symbolPen=None,
                                       symbolBrush=pg.mkBrush(120, 120, 120))
        self.best = pg.PlotDataItem([], [], pen=None, symbol="o", symbolSize=16, symbolBrush=None,
                                    symbolPen=pg.mkPen("w", width=2.5))
        self.current = pg.PlotDataItem([], [], pen=None, symbol="star", symbolSize=20,
                                       symbolBrush=pg.mkBrush("w"), symbolPen=pg.mkPen("k", width=1.5))
        for z, item in enumerate((self.crosses, self.best, self.current)):
            item.setZValue(10 + z)
            self.plot.addItem(item)
        self.bar = ColourBar()
        self.reading = LiveText()
        self.reading.setToolTip("The cell under the mouse pointer")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.plot, 1)
        row.addWidget(self.bar)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row, 1)
        lay.addWidget(self.reading)
        self.lut = pg.colormap.get(SURFACE_COLORMAP).getLookupTable(nPts=256, alpha=True)
        self.lrs = self.values = None
        self.gaps = np.empty((0, 0))
        self.param = ""
        self.start_gap = math.nan
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.scene().sigMouseMoved.connect(self._hovered)

    # ------------------------------------------------------------ a map
    def start(self, lrs: np.ndarray, values: np.ndarray, param: str, title: str, start_gap: float) -> None:
        """A new map of these cells (``start_gap``: f − f* at the start): empty until rows arrive."""
        self.lrs, self.values, self.param, self.start_gap = np.asarray(lrs), np.asarray(values), param, start_gap
        self.gaps = np.full((len(values), len(lrs)), np.nan)
        self.plot.setTitle(title)
        self.plot.setLabel("left", param, **{"font-size": f"{theme().font_pt}pt"})
        self.plot.getAxis("bottom").setTicks([decade_ticks(lrs[0], lrs[-1], len(lrs))])
        self.plot.getAxis("left").setTicks([value_ticks(self.values)])
        self.plot.setRange(xRange=(0, len(lrs)), yRange=(0, len(values)), padding=0)
        self.best.setData([], [])
        self.show_rows(0, np.empty((0, len(lrs))))

    def show_rows(self, first: int, rows: np.ndarray) -> None:
        """Rows ``first ..`` are done: recolour the whole map (the colour scale may have grown)."""
        if len(rows):
            self.gaps[first:first + len(rows)] = rows
        g = self.gaps
        done, finite = ~np.isnan(g), np.isfinite(g)
        rgba = np.zeros(g.shape + (4,), dtype=np.ubyte)
        if finite.any():
            logs = np.log10(np.maximum(g[finite], GAP_FLOOR))
            # from the best cell up to the start's f − f*: the top colour is "no better than the start"
            hi = math.log10(max(self.start_gap, GAP_FLOOR)) if np.isfinite(self.start_gap) else float(logs.max())
            lo = float(logs.min())
            clipped = lo < hi - DECADES
            lo = min(max(lo, hi - DECADES), hi - 1.0)
            idx = np.clip(((logs - lo) / (hi - lo) * 255).round(), 0, 255).astype(int)
            rgba[finite] = self.lut[idx]
            self.bar.set_range(lo, hi, clipped, "≥ start" if np.isfinite(self.start_gap) else "")
        rgba[done & ~finite] = DIVERGED
        self.image.setImage(rgba, levels=(0, 255), autoLevels=False)
        self.image.setRect(QRectF(0, 0, g.shape[1], g.shape[0]))   # after the image: the rect scales its pixels
        i, j = np.nonzero(done & ~finite)
        self.crosses.setData(j + 0.5, i + 0.5)

    def show_best(self, cell) -> None:
        self.best.setData([] if cell is None else [cell[1] + 0.5], [] if cell is None else [cell[0] + 0.5])

    def show_current(self, lr: float, value: float) -> None:
        """The star at the race's setting (between cells where it is not one of them)."""
        if self.lrs is None:
            return
        x = np.interp(math.log10(lr), np.log10(self.lrs), np.arange(len(self.lrs))) + 0.5
        y = np.interp(value, self.values, np.arange(len(self.values))) + 0.5
        self.current.setData([x], [y])

    def clear(self) -> None:
        self.lrs = self.values = None
        self.gaps = np.empty((0, 0))
        self.image.clear()
        for item in (self.crosses, self.best, self.current):
            item.setData([], [])
        self.bar.set_range(0, 0)
        self.reading.setText("")

    # ------------------------------------------------------------ the mouse
    def cell_at(self, scene_pos):
        """(i, j) of the cell under a scene position, or None."""
        vb = self.plot.getPlotItem().vb
        if self.lrs is None or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        i, j = math.floor(p.y()), math.floor(p.x())
        if 0 <= i < len(self.values) and 0 <= j < len(self.lrs):
            return i, j
        return None

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or event.double():
            return
        at = self.cell_at(event.scenePos())
        if at is not None and not np.isnan(self.gaps[at]):
            self.cell.emit(*at)

    def _hovered(self, scene_pos) -> None:
        at = self.cell_at(scene_pos)
        if at is None:
            self.reading.setText("")
            return
        i, j = at
        g = self.gaps[i, j]
        what = ("not computed yet" if np.isnan(g) else "diverged" if np.isinf(g) else f"f − f* = {g:.3g}")
        self.reading.setText(f"lr {self.lrs[j]:g}, {self.param} {self.values[i]:g}: {what}"
                             + ("  (click to race with these)" if not np.isnan(g) else ""))
