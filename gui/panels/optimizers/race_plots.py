"""The race's two plots: the paths on the shaded loss surface, and f − f* on a log axis.

Every plot item is made once; :meth:`RacePlots.show_race` prepares them for a new race and
:meth:`RacePlots.draw` shows its first ``k`` steps (what one animation frame costs).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem, QSplitter

from engine import optimizers as O
from gui.panels.optimizers.optimizer_box import COLOURS
from gui.plots import StyledPlot, stack_below
from gui.theme import SURFACE_COLORMAP, theme

MARKERS_UP_TO = 150  # draw a dot at every step only while paths are short enough to read them
GAP_FLOOR = 1e-16    # f - f* is drawn on a log axis: exact zeros are shown at this floor


def gaps(losses: np.ndarray, min_value: float) -> np.ndarray:
    """f − f* for the log axis: exact zeros at the floor; below an estimated f* (a typed formula
    without a minimum in view) nan, a gap in the curve rather than a false arrival."""
    gap = losses - min_value
    return np.where(gap < -1e-9 * (1 + abs(min_value)), np.nan, np.maximum(gap, GAP_FLOOR))


class RacePlots(QSplitter):
    """The contour plot (paths, heads, divergence marks, start and minima) beside the convergence plot."""
    clicked = Signal(float, float)   # a left click inside the view box, in data coordinates
    hovered = Signal(object)         # the pointer's (x, y) in data coordinates, or None outside the plot

    def __init__(self):
        super().__init__(Qt.Horizontal)
        self.contour = StyledPlot("Paths on the loss surface", "x", "y")
        # one unit is as long in x as in y: the tutorial's bowl must look ten times steeper in y
        self.contour.setAspectLocked(True)
        # the view is the surface's box: no auto-range button or wheel zoom to lose it (a diverged
        # path would auto-range to 1e6); a click sets the start point instead
        self.contour.setMouseEnabled(x=False, y=False)
        self.contour.hideButtons()
        self.contour.setToolTip("Click anywhere to start every optimizer from that point.")
        self.contour.scene().sigMouseClicked.connect(self._clicked)
        self.contour.scene().sigMouseMoved.connect(self._hovered)
        self.convergence = StyledPlot("Convergence", "step", "f − f*  (log scale)")
        self.convergence.setLogMode(y=True)
        for plot in (self.contour, self.convergence):
            plot.grid.cache()   # (animated every frame)
        self.addWidget(self.contour)
        self.addWidget(self.convergence)
        self.setSizes([560, 400])
        self.gaps: dict[str, np.ndarray] = {}
        self.log_gaps: dict[str, np.ndarray] = {}   # log10 of gaps: what the log axis shows, computed once a race
        self.step_numbers = np.zeros(0)
        self._make_items()

    def _make_items(self) -> None:
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setColorMap(pg.colormap.get(SURFACE_COLORMAP))
        self.image.setOpacity(0.45)
        self.image.setZValue(-20)
        self.contour.addItem(self.image)
        self.contour_lines = pg.PlotDataItem([], [], connect="pairs", pen=pg.mkPen((60, 60, 60, 150), width=1))
        self.contour_lines.setZValue(-10)
        self.contour.addItem(self.contour_lines)
        # the shading and the contour lines stay put during a race: painted once into a pixmap, not every frame
        for static in (self.image, self.contour_lines.curve):
            static.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.minima = pg.ScatterPlotItem(symbol="star", size=22, brush=pg.mkBrush("w"), pen=pg.mkPen("k", width=1.5))
        self.minima.setZValue(5)
        self.contour.addItem(self.minima)
        self.start_marker = pg.ScatterPlotItem(symbol="o", size=16, brush=pg.mkBrush(255, 255, 255, 200),
                                               pen=pg.mkPen("k", width=2))
        self.start_marker.setZValue(6)
        self.contour.addItem(self.start_marker)
        # every optimizer's current point in one item: each scatter item costs pyqtgraph a
        # bounding-rect pass per frame, most of the frame on a real X server
        self.heads = pg.ScatterPlotItem(size=theme().marker_size * 1.6, pen=pg.mkPen("w", width=1.5))
        self.heads.setZValue(20)
        self.contour.addItem(self.heads)
        self._head_brushes = {name: pg.mkBrush(COLOURS[name]) for name in O.ALL}
        self._drawn: dict[str, tuple] = {}   # name -> (step shown, diverged mark shown): unchanged items are not touched
        self._rows: dict[str, str] = {}
        self.compact = False
        self.items: dict[str, dict] = {}
        for name in O.ALL:
            colour = COLOURS[name]
            # both grow every animation frame (gui.plots.GrowingCurve)
            path = self.contour.curve(colour, width=0.75, growing=True)
            path.setZValue(10)
            cross = pg.ScatterPlotItem(symbol="x", size=26, brush=pg.mkBrush(colour), pen=pg.mkPen(colour, width=2))
            cross.setZValue(21)
            self.contour.addItem(cross)
            note = pg.TextItem("", color=colour, anchor=(0, 1), fill=pg.mkBrush(255, 255, 255, 210))
            note.setZValue(30)
            note.setFont(theme().font(bold=True))
            self.contour.addItem(note)
            conv = self.convergence.curve(colour, name=name, growing=True)
            # as line segments, not one antialiased polyline: a third of the frame less under xcb
            # (benchmarks/bench_optimizers.py); the overlap at each joint does not show at these widths
            for curve in (path, conv):
                curve.curve.setSegmentedLineMode("on")
            self.items[name] = {"path": path, "cross": cross, "note": note, "conv": conv}

    # ------------------------------------------------------------ surface and start
    def show_surface(self, surface, start) -> None:
        """The surface's view box and minima; the background waits for :meth:`set_background`."""
        self.contour_lines.setData([], [])
        self.image.clear()
        x0, x1, y0, y1 = surface.view
        self.contour.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.contour.disableAutoRange()
        m = np.array(surface.minima)
        self.minima.setData(m[:, 0], m[:, 1])
        self.show_start(*start)

    def show_start(self, x: float, y: float) -> None:
        self.start_marker.setData([x], [y])

    def set_background(self, bg) -> None:
        x0, x1, y0, y1 = bg.xs[0], bg.xs[-1], bg.ys[0], bg.ys[-1]
        self.image.setImage(bg.shade, autoLevels=True)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.contour_lines.setData(bg.segments[:, 0], bg.segments[:, 1])

    # ------------------------------------------------------------ a race
    def show_race(self, paths: dict, steps: int, min_value: float) -> None:
        """Show the optimizers of ``paths`` (hide the others) and fix the axes for the whole race."""
        self.gaps, self.log_gaps = {}, {}
        self._drawn = {}
        self.compact = False   # short legend entries (presentation, four paths or more)
        for name, items in self.items.items():
            visible = name in paths
            for key, item in items.items():
                item.setVisible(visible and key not in ("cross", "note"))   # those two when a path diverges
            if visible:
                items["path"].setSymbol("o" if steps <= MARKERS_UP_TO else None)
                items["path"].setSymbolSize(theme().marker_size * 0.6)
                items["path"].setSymbolBrush(COLOURS[name])
                items["path"].setSymbolPen(None)
                self.gaps[name] = gaps(paths[name].losses, min_value)
                self.log_gaps[name] = np.log10(self.gaps[name])
        self.step_numbers = np.arange(max((len(p.losses) for p in paths.values()), default=0), dtype=float)
        self.convergence.setXRange(0, steps, padding=0.02)
        # the whole race's range from the start: the axis stays put while the curves grow
        # (and no auto-range pass per animation frame)
        if paths:
            shown = np.concatenate(list(self.gaps.values()))
            shown = shown[np.isfinite(shown)] if np.isfinite(shown).any() else np.array([1.0])
            lo, hi = np.log10(shown.min()), np.log10(shown.max())
            self.convergence.getPlotItem().vb.enableAutoRange(y=False)
            self.convergence.setYRange(lo, hi if hi > lo else lo + 1, padding=0.05)

    def draw(self, paths: dict, k_frame: int) -> list[str]:
        """Show the first ``k_frame`` steps of every path; returns each path's legend entry (HTML)."""
        vb = self.contour.getPlotItem().vb
        (x0, x1), (y0, y1) = vb.viewRange()  # what is visible, not just the box
        rows = []
        heads = []
        changed = False
        # in presentation mode four paths or more get short entries that flow two or three to a line:
        # seven entries of one line each left the surface a quarter of a 768 px projector
        compact = theme().presentation and len(paths) > 3
        if compact != self.compact:
            self.compact = compact
            self._drawn.clear()
        for name, path in paths.items():
            items = self.items[name]
            k = min(k_frame, len(path.points) - 1)
            pts = path.points[:k + 1]
            heads.append(pts[-1])
            gone = path.diverged_at is not None and k_frame >= path.diverged_at
            key = f"<span style='color:{COLOURS[name]}'><b>{'━' if compact else '━━'}&nbsp;{name}</b></span>&nbsp;"
            if self._drawn.get(name) == (k, gone):
                rows.append(self._rows[name])
                continue
            self._drawn[name] = (k, gone)
            changed = True
            if items["path"].opts["symbol"] is None:
                items["path"].show_prefix(pts[:, 0], pts[:, 1])
            else:   # a dot at every step: the scatter needs the whole setData
                items["path"].setData(pts[:, 0], pts[:, 1])
            items["conv"].show_prefix(self.step_numbers[:k + 1], self.gaps[name][:k + 1], self.log_gaps[name][:k + 1])
            if gone:
                # the last sensible point, pulled just inside the view so the mark is always visible
                px_w, px_h = vb.viewPixelSize()
                mx, my = max(0.03 * (x1 - x0), 20 * px_w), max(0.03 * (y1 - y0), 20 * px_h)
                px = min(max(pts[-1, 0], x0 + mx), x1 - mx)
                py = min(max(pts[-1, 1], y0 + my), y1 - my)
                items["cross"].setData([px], [py])
                items["cross"].setVisible(True)
                items["note"].setText(f"{name} {'stopped' if path.stopped else 'diverged'} at step {path.diverged_at}")
                # beside the cross, never over it, and turned towards the middle of the plot
                items["note"].setAnchor((1.1 if px > (x0 + x1) / 2 else -0.1, -0.3 if py > (y0 + y1) / 2 else 1.3))
                items["note"].setPos(QPointF(px, py))
                items["note"].setVisible(True)
                if path.stopped:
                    rows.append(f"{key}{path.stopped} at&nbsp;step&nbsp;{path.diverged_at}")
                else:
                    rows.append(f"{key}diverged&nbsp;at&nbsp;step&nbsp;{path.diverged_at}" + ("" if compact else
                                f" (lr&nbsp;{path.hyperparameters['lr']:g} is too large here)"))
            else:
                if items["note"].isVisible():
                    items["cross"].setVisible(False)
                    items["note"].setVisible(False)
                rows.append(f"{key}f&nbsp;=&nbsp;{path.losses[k]:{'.3g' if compact else '.4g'}}" + ("" if compact else
                            f"&nbsp;at&nbsp;({pts[-1, 0]:.4f},&nbsp;{pts[-1, 1]:.4f})"))
            self._rows[name] = rows[-1]
        if changed or len(heads) != len(self.heads.data):
            points = np.array(heads).reshape(-1, 2)
            self.heads.setData(points[:, 0], points[:, 1], brush=[self._head_brushes[n] for n in paths])
        if changed:
            self._stack_notes(list(paths))
        return rows

    def _stack_notes(self, names) -> None:
        """Diverged paths' labels never cover each other: a label that would overlap one placed
        before it moves down by its own height (two optimizers often diverge to the same corner)."""
        _, px_h = self.contour.getPlotItem().vb.viewPixelSize()
        placed = []
        for name in names:
            note = self.items[name]["note"]
            if not note.isVisible():
                continue
            stack_below(note, placed, px_h, len(names))

    def restyle(self) -> None:
        self.heads.setSize(theme().marker_size * 1.6)
        for items in self.items.values():
            items["note"].setFont(theme().font(bold=True))

    # ------------------------------------------------------------ the mouse
    def _view_point(self, scene_pos):
        vb = self.contour.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        return p.x(), p.y()

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or event.double():
            return
        point = self._view_point(event.scenePos())
        if point is not None:
            self.clicked.emit(*point)

    def _hovered(self, scene_pos) -> None:
        self.hovered.emit(self._view_point(scene_pos))
