"""The markers of a predict-reveal round (gui/predict.py): each prediction on the plot, then beside
its outcome with the error (a band for a number, a dashed link and a ring for a point), every label
inside the view and off the others. Drawn in the theme's sizes: large on a projector."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from engine import prediction as PR
from gui.plots import stack_below
from gui.theme import theme


class Marks:
    """Drawing for :class:`gui.predict.Predictor` (which has ``section``, ``plot``, ``spec``, ``targets``,
    ``points``, ``judgements`` and ``items``). A kind "y" target with a span (``section.prediction_span``:
    a bar) is a segment over it, not a line across the plot."""

    def _font(self):
        return theme().font(bold=True)

    def _draw_predictions(self, labelled: bool = True) -> None:
        self._clear_markers()
        for name, colour in self.targets:
            if name in self.points:
                self._marker(name, colour, self.points[name], labelled)
        self._stack_labels()

    def _draw_revealed(self) -> None:
        """Each prediction beside its outcome (a point's label and, with several targets, a line's
        label give their place to the error)."""
        self._clear_markers()
        for name, colour in self.targets:
            j = self.judgements[name]
            self._marker(name, colour, self.points[name], self.spec.kind != "point", j)
            self._draw_outcome(name, colour, j)
        self._stack_labels()

    def _slot(self, name: str) -> float:
        """Where along its line a target's label sits (several targets: staggered, never on one spot)."""
        i = [n for n, _ in self.targets].index(name)
        return 0.66 - 0.12 * (i % 5)     # below the labels sections keep near the top (best, stop)

    def _marker(self, name: str, colour: str, value, labelled: bool = True, judged=None) -> None:
        t = theme()
        many = len(self.targets) > 1
        if self.spec.kind == "point":
            mark = pg.ScatterPlotItem([value[0]], [value[1]], symbol="d", size=t.marker_size * 2.4,
                                      brush=pg.mkBrush(colour), pen=pg.mkPen("w", width=max(1.5, t.pen_width * 0.8)))
            text = pg.TextItem(name or "you", color=colour, anchor=(-0.2, 1.0), fill=pg.mkBrush(255, 255, 255, 200))
            text.setPos(QPointF(*value))
            self._add(mark, *([text] if labelled else []))   # revealed: the error's label takes its place
        else:
            number = PR.number_text(value, self.spec.decimals)
            text = number if many else f"you: {number}"     # several lines: short labels, the colour tells whose
            if many and judged is not None and judged.outcome is not None:
                text = judged.short                         # (one target: the error has a label of its own)
            vertical = self.spec.kind == "x"
            pen = pg.mkPen(colour, width=t.pen_width * 1.5, style=Qt.DashLine)
            span = None if vertical else self.section.prediction_span(name)
            if span is not None:      # over its bar (or the last epochs): a segment, its label above its end
                lo, hi = sorted(span)
                mark = pg.PlotDataItem([lo, hi], [value, value], pen=pg.mkPen(colour, width=t.pen_width * 2.2))
                up = judged is None or judged.outcome is None or judged.outcome <= value   # off the band
                label = pg.TextItem(text, color=colour, anchor=(1.0, 1.0 if up else 0.0),
                                    fill=pg.mkBrush(255, 255, 255, 210))
                label.setPos(QPointF(hi, value))
                self._add(mark, label)
                return
            opts = {"position": self._slot(name), "color": colour, "fill": pg.mkBrush(255, 255, 255, 210)}
            if not vertical:      # above the line, ending at its place: staggered from the right
                i = [n for n, _ in self.targets].index(name)
                opts.update(position=0.98 - 0.1 * (i % 5), anchors=[(1, 1), (1, 1)])
            line = pg.InfiniteLine(value, angle=90 if vertical else 0, pen=pen, label=text, labelOpts=opts)
            line.label.setFont(self._font())
            self._add(line)

    def _draw_outcome(self, name: str, colour: str, j: PR.Judgement) -> None:
        if j.outcome is None:
            return
        t = theme()
        vb = self.plot.getPlotItem().vb
        (x0, x1), (y0, y1) = vb.viewRange()
        if self.spec.kind == "point":
            (px, py), (ox, oy) = j.predicted, j.outcome
            link = pg.PlotDataItem([px, ox], [py, oy], pen=pg.mkPen(colour, width=t.pen_width, style=Qt.DashLine))
            ring = pg.ScatterPlotItem([ox], [oy], symbol="o", size=t.marker_size * 2.4, brush=pg.mkBrush(None),
                                      pen=pg.mkPen(colour, width=t.pen_width * 1.2))
            text = pg.TextItem(f"{name}: {j.short}" if name else j.short, color=colour, anchor=(-0.2, 1.0),
                               fill=pg.mkBrush(255, 255, 255, 210))
            text.setPos(QPointF(px, py))
            self._add(link, ring, text)
        else:
            lo, hi = sorted((j.predicted, j.outcome))
            band_colour = pg.mkColor(colour)
            band_colour.setAlpha(45)
            span = None if self.spec.kind == "x" else self.section.prediction_span(name)
            if span is not None:      # the band over the span only, from the prediction to the outcome
                a, b = sorted(span)
                band = pg.PlotDataItem([a, b], [hi, hi], fillLevel=lo, brush=pg.mkBrush(band_colour),
                                       pen=pg.mkPen(None))
                text = pg.TextItem(j.short, color=colour, anchor=(0.5, 0.5), fill=pg.mkBrush(255, 255, 255, 220))
                text.setPos(QPointF((a + b) / 2, (lo + hi) / 2))
                self._add(band, *([text] if len(self.targets) == 1 else []))
                return
            band = pg.LinearRegionItem((lo, hi), orientation="vertical" if self.spec.kind == "x" else "horizontal",
                                       movable=False, brush=pg.mkBrush(band_colour), pen=pg.mkPen(None))
            at = self._slot(name) - 0.11          # under the prediction's own label
            if self.spec.kind == "x":
                pos = QPointF((lo + hi) / 2, y0 + at * (y1 - y0))
            else:
                pos = QPointF(x0 + (1 - at) * (x1 - x0), (lo + hi) / 2)
            text = pg.TextItem(j.short, color=colour, anchor=(0.5, 0.5), fill=pg.mkBrush(255, 255, 255, 220))
            text.setPos(pos)
            self._add(band, *([text] if len(self.targets) == 1 else []))

    def _add(self, *items) -> None:
        for it in items:
            if isinstance(it, pg.TextItem):
                it.setFont(self._font())
            # a band across the plot goes behind the data; one over a span (a bar) in front, translucent
            band = isinstance(it, pg.PlotDataItem) and it.opts["fillLevel"] is not None
            it.setZValue(-4 if isinstance(it, pg.LinearRegionItem) else 39 if band else
                         41 if isinstance(it, pg.TextItem) else 40)
            self.plot.addItem(it, ignoreBounds=True)
            if isinstance(it, pg.PlotDataItem):
                it.setLogMode(False, False)    # (in view coordinates already: a log axis must not log them again)
            self.items.append(it)

    def _stack_labels(self) -> None:
        """No label covers another: one that would moves down by its own height (the race's rule)."""
        vb = self.plot.getPlotItem().vb
        px_w, px_h = vb.viewPixelSize()
        box = vb.sceneBoundingRect()
        placed = []
        for it in self.items:
            if not isinstance(it, pg.TextItem):
                continue
            it.updateTransform(force=True)
            rect = it.sceneBoundingRect()
            shift = max(0.0, box.left() - rect.left()) - max(0.0, rect.right() - box.right())
            if shift:             # inside the view box left and right (a label is wide on a projector)
                it.setPos(it.pos() + QPointF(shift * px_w, 0))
            # and top and bottom (the view's y grows upwards, the scene's downwards)
            lift = max(0.0, rect.bottom() - box.bottom()) - max(0.0, box.top() - rect.top())
            if lift:
                it.setPos(it.pos() + QPointF(0, lift * px_h))
            stack_below(it, placed, px_h, len(self.items))

    def _clear_markers(self) -> None:
        for it in self.items:
            self.plot.removeItem(it)
        self.items = []
