"""pyqtgraph helpers: plots that follow the theme, curves created once and fed with setData."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import QGraphicsItem, QGraphicsWidget, QLabel

from gui.theme import GREY, color, theme

pg.setConfigOptions(antialias=True, background="w", foreground="k", useOpenGL=False)


def finite_or_nan(values) -> np.ndarray:
    """Non-finite values become NaN: a single inf breaks pyqtgraph's auto-range."""
    arr = np.array(values, dtype=float)
    arr[~np.isfinite(arr)] = np.nan
    return arr


class CheapGrid:
    """Grid lines drawn as two line items instead of by the axes.

    pyqtgraph's axis grid (``showGrid``) redraws every major, minor and sub-minor line through
    the axis items on each repaint: 10-15 ms for one of these plots at 1280x800, most of a
    60 Hz frame. Two unantialiased paths at the axes' major and minor tick values draw the
    same picture in about a millisecond (benchmarks/bench_losses_gui.py). Every StyledPlot uses it.
    """

    def __init__(self, plot: pg.PlotWidget):
        plot.showGrid(x=False, y=False)
        self.plot = plot
        self.x = self.y = True
        self.levels = []
        for alpha in (60, 25):  # major, minor
            item = pg.PlotCurveItem(pen=pg.mkPen((0, 0, 0, alpha), width=1), connect="pairs", antialias=False)
            item.setZValue(-100)
            plot.addItem(item, ignoreBounds=True)
            self.levels.append(item)
        vb = plot.getPlotItem().vb
        vb.sigRangeChanged.connect(self.update)
        vb.sigResized.connect(self.update)
        self.update()

    def cache(self) -> None:
        """Keep the lines as a pixmap, redrawn only when they move: for a plot animated every frame
        (a pixmap per line item: memory, so only there)."""
        for item in self.levels:
            item.setCacheMode(QGraphicsItem.DeviceCoordinateCache)

    def show(self, x: bool = True, y: bool = True) -> None:
        """Which grid lines to draw: vertical ones at x ticks, horizontal ones at y ticks."""
        self.x, self.y = x, y
        self.update()

    def update(self, *_args) -> None:
        vb = self.plot.getPlotItem().vb
        (x0, x1), (y0, y1) = vb.viewRange()
        w, h = max(vb.width(), 1.0), max(vb.height(), 1.0)
        xs = self.plot.getAxis("bottom").tickValues(x0, x1, w)
        ys = self.plot.getAxis("left").tickValues(y0, y1, h)
        for level, item in enumerate(self.levels):
            vx = np.asarray(xs[level][1]) if self.x and level < len(xs) else np.array([])
            vy = np.asarray(ys[level][1]) if self.y and level < len(ys) else np.array([])
            px = np.concatenate([np.repeat(vx, 2), np.tile([x0, x1], vy.size)])
            py = np.concatenate([np.tile([y0, y1], vx.size), np.repeat(vy, 2)])
            item.setData(px, py)


class GrowingCurve(pg.PlotDataItem):
    """A curve an animation extends every frame. :meth:`show_prefix` hands the points straight to the
    line: ``PlotDataItem.setData`` re-derives the display data, log mapping and bounds on every call,
    which was a fifth of the optimizer race's frame. ``xData``, ``yData`` and the data bounds stay
    those of what is shown (pins, exports and auto-range read them), and ``getData`` what is drawn;
    ``setData`` works as before."""
    _prefix = None   # (x, y, y as drawn) shown by show_prefix, until the next setData
    _style_key = None  # the style options last handed to the line
    STYLE = (("pen", "pen"), ("shadowPen", "shadowPen"), ("antialias", "antialias"), ("connect", "connect"),
             ("skipFiniteCheck", "skipFiniteCheck"))   # (PlotDataItem option, PlotCurveItem argument)

    def show_prefix(self, x: np.ndarray, y: np.ndarray, shown_y: np.ndarray | None = None) -> None:
        """Show (x, y); ``shown_y`` is y as the axis maps it (log10 of y on a log axis), when the caller
        has it ready. Symbols are not drawn this way: use setData for a curve with symbols."""
        self._prefix = (x, y, shown_y)
        # PlotDataItem hands its pen to the line only along with data: a curve made empty and
        # restyled since has never passed it on
        key = tuple(id(self.opts.get(option)) for option, _ in self.STYLE)
        style = {} if key == self._style_key else {arg: self.opts[option] for option, arg in self.STYLE
                                                    if option in self.opts}
        self._style_key = key
        self.curve.setData(x, y if shown_y is None else shown_y, **style)
        self.curve.setVisible(True)

    def setData(self, *args, **kwargs) -> None:
        if self._prefix is not None:
            self._prefix = None
        super().setData(*args, **kwargs)

    def updateItems(self, styleUpdate: bool = True) -> None:
        # PlotDataItem redraws its line from its own data on a style or view-range change: the
        # prefix shown goes back on the line (or the line shows an older run's data, or nothing)
        super().updateItems(styleUpdate)
        if self._prefix is not None:
            self._style_key = None
            self.show_prefix(*self._prefix)

    @property
    def xData(self):
        return super().xData if self._prefix is None else self._prefix[0]

    @property
    def yData(self):
        return super().yData if self._prefix is None else self._prefix[1]

    def getData(self):
        """What is drawn (mapped to the axes, as pyqtgraph's)."""
        return super().getData() if self._prefix is None else self.curve.getData()

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        if self._prefix is None:
            return super().dataBounds(ax, frac, orthoRange)
        return self.curve.dataBounds(ax, frac, orthoRange)   # in the axis's (mapped) coordinates, as pyqtgraph's


class StyledPlot(pg.PlotWidget):
    """A PlotWidget whose fonts and pens follow the theme (normal or presentation)."""

    def __init__(self, title: str = "", x_label: str = "", y_label: str = "", parent=None):
        # pyqtgraph's own menus (axes, transforms...) confuse: ours only exports. Without enableMenu
        # the view box does not build its menu's widgets at all (the plot's options form it still builds)
        super().__init__(parent=parent, enableMenu=False)
        self._title = title
        self._labels = {"bottom": x_label, "left": y_label}
        self._styled: list[tuple] = []  # (item, colour, width factor, Qt pen style)
        self._named: list[tuple] = []   # (item, legend text)
        self.grid = CheapGrid(self)
        self.scene().sigMouseClicked.connect(self._scene_clicked)
        self.legend: OverlayLegend | None = None
        self.restyle()
        theme().changed.connect(self.restyle)

    # ------------------------------------------------------------ export and pins (gui/export.py, gui/pins.py)
    def _scene_clicked(self, event) -> None:
        if event.button() == Qt.RightButton and not event.isAccepted():
            event.accept()
            self.context_menu().popup(event.screenPos().toPoint())

    def context_menu(self):
        """The right-click menu: Export PNG / SVG / CSV, Copy image."""
        from gui.export import plot_menu
        return plot_menu(self)

    def curves(self) -> list[pg.PlotDataItem]:
        """The plot's own curves (made by :meth:`curve`), without pinned ghosts."""
        return [item for item, *_ in self._styled
                if isinstance(item, pg.PlotDataItem) and not hasattr(item, "export_name")]

    def export_curves(self) -> list[tuple]:
        """(item, name) of every curve, pinned ghosts included (their ``export_name``)."""
        return [(item, getattr(item, "export_name", None) or item.name()) for item, *_ in self._styled
                if isinstance(item, pg.PlotDataItem)]

    def track(self, item, colour, width: float = 1.0, style=Qt.SolidLine) -> None:
        """Add ``item`` whose pen (``colour``, ``width`` factor, ``style``) follows the theme."""
        item.setPen(self.pen(colour, width, style))
        self.addItem(item)
        self._styled.append((item, colour, width, style))

    def forget(self, item) -> None:
        """Remove an item added by :meth:`track`."""
        self._styled = [entry for entry in self._styled if entry[0] is not item]
        self.removeItem(item)

    def add_legend(self, columns: int = 2, below: bool = True) -> "OverlayLegend":
        """A legend under the plot (or, with ``below=False``, in its top-right corner).

        Curves made with ``curve(name=...)`` join it; ``legend.addItem(item, name)`` adds others.
        """
        self.legend = OverlayLegend(self, columns, below)
        for item, name in self._named:
            self.legend.addItem(item, name)
        return self.legend

    @Slot()
    def _fit_title(self) -> None:
        """The title at 1.15 times the text size where it fits, else smaller (down to 0.65 times): a
        title wider than the plot made the whole plot wider than its widget, cut at the right.
        (Not on two lines: pyqtgraph keeps a title's row 30 px tall.)"""
        top, low = round(theme().font_pt * 1.15), round(theme().font_pt * 0.65)
        shown = getattr(self, "_title_shown", None)
        pt = shown[1] if shown is not None else top
        item = self.getPlotItem()
        label = item.titleLabel
        for _ in range(2):   # the width scales with the size: one correction from the size shown
            if (self._title, pt) != getattr(self, "_title_shown", None):
                self._title_shown = (self._title, pt)
                item.setTitle(self._title, size=f"{pt}pt")
            width = label.itemRect().width()
            others = (item.effectiveSizeHint(Qt.MinimumSize).width()
                      - label.effectiveSizeHint(Qt.MinimumSize).width())   # the axes and margins beside it
            fit = max(low, min(top, int(pt * (self.width() - others - 8) / width))) if width > 0 else top
            if fit == pt:
                break
            pt = fit

    def setTitle(self, title=None, **_args) -> None:  # noqa: N802 (pyqtgraph's name)
        """A title set later (a section's live title) fits the plot the same way; its size follows the theme."""
        self._title = title or ""
        if title:
            self._fit_title()
        else:
            self.getPlotItem().setTitle(None)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.__dict__.get("_title"):
            QTimer.singleShot(0, self, self._fit_title)   # not inside pyqtgraph's own resize handling
        legend = self.__dict__.get("legend")  # resize events arrive while __init__ is still running
        if legend is not None:
            legend.reposition()

    def pen(self, colour, width: float = 1.0, style=Qt.SolidLine):
        return pg.mkPen(colour, width=theme().pen_width * width, style=style)

    def curve(self, colour_index_or_name, name: str | None = None, width: float = 1.0,
              style=Qt.SolidLine, growing: bool = False, **kwargs) -> pg.PlotDataItem:
        """A line made once and updated with setData; its pen follows the theme. ``growing``: a
        :class:`GrowingCurve`, for a curve an animation extends every frame."""
        c = color(colour_index_or_name) if isinstance(colour_index_or_name, int) else colour_index_or_name
        kwargs.update(pen=self.pen(c, width, style), name=name, connect="finite")
        if growing:
            item = GrowingCurve([], [], **kwargs)
            self.addItem(item)
        else:
            item = self.plot([], [], **kwargs)
        self._styled.append((item, c, width, style))
        if name:
            self._named.append((item, name))
            if self.legend is not None:
                self.legend.addItem(item, name)
        return item

    def vline(self, colour=GREY, width: float = 1.0, style=Qt.DashLine, label: str | None = None,
              movable: bool = False) -> pg.InfiniteLine:
        line = pg.InfiniteLine(angle=90, movable=movable, pen=self.pen(colour, width, style),
                               label=label, labelOpts={"position": 0.92, "color": colour, "anchors": [(0, 1), (0, 1)]})
        self.addItem(line)
        self._styled.append((line, colour, width, style))
        return line

    def restyle(self) -> None:
        if self.plotItem is None:   # closed (pyqtgraph drops its plot item): nothing to restyle
            return
        t = theme()
        pt = t.font_pt
        tick_font = t.font()
        for side in ("left", "bottom"):
            axis = self.getAxis(side)
            # pyqtgraph drops a label that pokes past the axis end: that was always the "0" of a step axis
            axis.setStyle(tickFont=tick_font, hideOverlappingLabels=False)
            axis.setTextPen(pg.mkPen("k"))
            if self._labels.get(side):
                axis.setLabel(self._labels[side], **{"font-size": f"{pt}pt"})
        if self._title:
            self._fit_title()
        # room right of the view for half the last tick label ("1000" read "100" on a projector)
        right = QFontMetrics(tick_font).horizontalAdvance("1000") // 2 + 4
        self.getPlotItem().layout.setContentsMargins(1, 1, right, 1)
        for item, colour, width, style in self._styled:
            item.setPen(self.pen(colour, width, style))
        if self.legend is not None:
            QTimer.singleShot(0, self.legend, self.legend.refresh)  # after the new application font has arrived

    def label(self, side: str) -> str | None:
        """The axis title on ``side`` ("bottom" or "left")."""
        return self._labels.get(side)

    def set_labels(self, x_label: str | None = None, y_label: str | None = None) -> None:
        if x_label is not None:
            self._labels["bottom"] = x_label
        if y_label is not None:
            self._labels["left"] = y_label
        self.restyle()


def _swatch_colour(item) -> QColor:
    opts = getattr(item, "opts", {})
    pen = opts.get("pen")
    if pen is not None and not isinstance(item, pg.BarGraphItem):
        return pg.mkPen(pen).color()
    brush = opts.get("brush") or opts.get("symbolBrush")
    return pg.mkBrush(brush).color() if brush is not None else QColor("black")


def _swatch_glyph(item) -> str:
    if isinstance(item, pg.BarGraphItem):
        return "&#9632;"  # a filled square
    if isinstance(item, pg.ScatterPlotItem):
        return "&#9679;"  # a dot
    pen = getattr(item, "opts", {}).get("pen")
    dashed = pen is not None and pg.mkPen(pen).style() not in (Qt.SolidLine, Qt.NoPen)
    return "&#9476;&#9476;" if dashed else "&#9473;&#9473;"


class OverlayLegend(QLabel):
    """A legend drawn by a QLabel laid over the plot, not by a pyqtgraph LegendItem.

    pg.LegendItem (a QGraphicsWidget with Python layout items) made PySide6 6.11 call a Python
    sizeHint of an object being destroyed when its window was deleted: a segmentation fault.
    A QLabel owned by the view has no such path, and it follows the application font, so
    presentation mode enlarges it for free. Under the plot, a plain spacer row in the plot's
    layout keeps room for it.
    """

    def __init__(self, plot: StyledPlot, columns: int, below: bool):
        super().__init__(plot)
        self.plot = plot
        self.columns = max(1, columns)
        self.below = below
        self.entries: list[tuple] = []  # (item, name)
        self.setTextFormat(Qt.RichText)
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QPalette.Window, QColor(255, 255, 255, 0 if below else 215))
        self.setPalette(pal)
        self.setContentsMargins(4, 2, 4, 2)
        self._spacer = None
        if below:
            self._spacer = QGraphicsWidget()
            plot.getPlotItem().layout.addItem(self._spacer, 4, 1)
        plot.getPlotItem().vb.sigResized.connect(self.reposition)
        self.refresh()

    def addItem(self, item, name: str) -> None:
        if all(it is not item for it, _ in self.entries):
            self.entries.append((item, name))
            self.refresh()

    def removeItem(self, item) -> None:
        self.entries = [(it, n) for it, n in self.entries if it is not item]
        self.refresh()

    def clear(self) -> None:
        self.entries = []
        self.refresh()

    def text_entries(self) -> list[str]:
        """The names shown, in order (hidden items are left out)."""
        return [name for item, name in self.entries if item.isVisible()]

    @Slot()
    def refresh(self) -> None:
        shown = [(item, name) for item, name in self.entries if item.isVisible()]
        cells = [f"<td><span style='color:{_swatch_colour(item).name()}'><b>{_swatch_glyph(item)}</b></span>"
                 f"&nbsp;{name}&nbsp;&nbsp;</td>" for item, name in shown]
        rows = ["<tr>" + "".join(cells[i:i + self.columns]) + "</tr>" for i in range(0, len(cells), self.columns)]
        self.setText("<table cellspacing='0' cellpadding='1'>" + "".join(rows) + "</table>" if rows else "")
        self.setVisible(bool(rows))
        self.adjustSize()
        if self._spacer is not None:
            height = self.sizeHint().height() if rows else 0
            self._spacer.setMinimumHeight(height)
            self._spacer.setMaximumHeight(height)
        self.reposition()

    @Slot()
    def reposition(self, *_args) -> None:
        if self._spacer is not None:
            rect = self.plot.mapFromScene(self._spacer.sceneBoundingRect()).boundingRect()
            vb = self.plot.mapFromScene(self.plot.getPlotItem().vb.sceneBoundingRect()).boundingRect()
            x = vb.center().x() - self.width() // 2
            self.move(max(0, x), rect.top())
        else:
            vb = self.plot.mapFromScene(self.plot.getPlotItem().vb.sceneBoundingRect()).boundingRect()
            self.move(vb.right() - self.width() - 6, vb.top() + 6)


def stack_below(label, placed: list, px_h: float, tries: int) -> None:
    """Move a pyqtgraph TextItem ``label`` down by its own height until it covers none of the scene
    rectangles in ``placed`` (at most ``tries`` times), then add its rectangle to ``placed``."""
    label.updateTransform(force=True)
    rect = label.sceneBoundingRect()
    for _ in range(tries):
        if not any(rect.intersects(other) for other in placed):
            break
        label.setPos(label.pos() - QPointF(0, (rect.height() + 2) * px_h))
        label.updateTransform(force=True)
        rect = label.sceneBoundingRect()
    placed.append(rect)
