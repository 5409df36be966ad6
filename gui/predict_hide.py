"""What a predict-reveal round (gui/predict.py) hides while the class predicts, and how it comes back:
the plots' data and the Run's note fade out, the clicked axis takes a neutral range (one fitted to
the hidden result would give it away); at the reveal the view grows to hold every prediction, the
verdict is scrolled into view and kept for the handout."""
from __future__ import annotations

import html

from PySide6.QtCore import Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QScrollArea

from gui.pins import differences
from gui.theme import theme


class Hiding:
    """Hiding for :class:`gui.predict.Predictor` (which has ``section``, ``run``, ``plot``, ``spec``,
    ``points``, ``judgements``, ``items``, ``faded``, ``label`` and ``record``)."""

    def fade(self, plots=None) -> None:
        """Every data item of the section's plots (or of ``plots``; not the grid) and the Run's note, out
        of sight until Reveal or cancel (opacity: a section's own draw() may show or hide its items)."""
        for plot in self.section.plots().values() if plots is None else plots:
            grid = set(map(id, plot.grid.levels)) if hasattr(plot, "grid") else set()
            item = plot.getPlotItem()
            for it in list(item.items) + [item.titleLabel]:
                if id(it) not in grid and all(it is not m for m in self.items) and it.opacity() > 0:
                    self.on_restore(lambda it=it, opacity=it.opacity(): it.setOpacity(opacity))
                    it.setOpacity(0.0)
        if self.run is not None:
            self.hide_widget(self.run.note)

    def hide_widget(self, widget) -> None:
        """Hide ``widget`` (a text that would tell the outcome) until Reveal or cancel."""
        if not widget.isHidden():
            widget.hide()
            self.on_restore(widget.show)

    def on_restore(self, undo) -> None:
        """``undo()`` brings back something a section's prediction_hide hid (at Reveal or cancel)."""
        self.faded.append(undo)

    def _unfade(self) -> None:
        for undo in reversed(self.faded):
            undo()
        self.faded = []

    def _axis(self) -> int:
        return 0 if self.spec.kind == "x" else 1

    def neutral_axis(self) -> None:
        """The clicked axis at ``section.prediction_axis()`` until Reveal or cancel (then as it was)."""
        span = self.section.prediction_axis()
        if span is None or self.spec.kind == "point":
            return
        vb = self.plot.getPlotItem().vb
        axis = self._axis()
        auto = vb.autoRangeEnabled()[axis]
        shown = tuple(vb.viewRange()[axis])

        def restore():
            vb.setRange(**{"xRange" if axis == 0 else "yRange": shown}, padding=0)
            if auto is not False:
                vb.enableAutoRange(axis=axis, enable=auto)
        self.on_restore(restore)
        vb.setRange(**{"xRange" if axis == 0 else "yRange": tuple(span)}, padding=0)

    def widen(self) -> bool:
        """At the reveal: the clicked axis grows (never shrinks) to hold every prediction and outcome,
        with a margin for the labels (a run's range may leave a wild guess off the plot). Whether it grew."""
        if self.spec.kind == "point":
            return False
        values = [float(v) for v in self.points.values()]
        values += [float(j.outcome) for j in self.judgements.values() if j.outcome is not None]
        if not values:
            return False
        vb = self.plot.getPlotItem().vb
        axis = self._axis()
        lo, hi = vb.viewRange()[axis]
        margin = 0.06 * (hi - lo)
        if axis == 1:             # room for a label's height above or below its marker
            line = QFontMetrics(theme().font(bold=True)).height() * 1.5
            margin = max(margin, line * vb.viewPixelSize()[1])
        new_lo, new_hi = min(lo, min(values) - margin), max(hi, max(values) + margin)
        if (new_lo, new_hi) == (lo, hi):
            return False
        vb.setRange(**{"xRange" if axis == 0 else "yRange": (new_lo, new_hi)}, padding=0)
        return True

    def handout(self) -> str:
        """The last revealed round in words, for the handout (gui/report.py); "" if there was none."""
        if self.record is None:
            return ""
        text, then = self.record
        changed = differences(then, self.section.values(), self.section.pins.ignored())
        when = "" if changed == "same settings" else f" (the round's settings: {changed})"
        return f"<b>Predicted, then revealed{html.escape(when, quote=False)}:</b> {html.escape(text, quote=False)}"

    @Slot()
    def _show_verdict(self) -> None:
        """The verdict (or the request) scrolled into view (the controls column may be scrolled to its
        parameters)."""
        label, parent = self.label, self.label.parentWidget() if self.label is not None else None
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None and label.isVisible():
            parent.ensureWidgetVisible(label, 0, 8)
