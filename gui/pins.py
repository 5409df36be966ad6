"""Pinned runs: keep a finished run as a faded, dashed ghost under the next ones.

Written once against the Section model: every section has a :class:`PinBoard` (``section.pins``).
A pin snapshots the curves of the section's plots (``Section.plots()``: every
``StyledPlot.curve``) into ghost items of the same colour, faded and dashed (pin 1 dashed, 2
dotted, 3 dash-dotted), and remembers the section's ``values()``. Each ghost plot carries a label
naming the settings that differ between the pinned run and the current set-up (in the view's
top-left corner, one line per pin); it follows every change of a parameter. Ghosts are plot items, so exports (PNG, SVG, CSV) and the report show
them. At most three pins: a fourth replaces the oldest.

The Pin / Clear pins buttons sit beside a streaming section's Run button (the first
:class:`~gui.runs.Run` of a section adds them); a section without a visible Run row places
``section.pins.buttons()`` itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFontMetrics

from gui.theme import theme
from gui.widgets import buttons

MAX_PINS = 3
STYLES = (Qt.DashLine, Qt.DotLine, Qt.DashDotLine)
FADE = 0.45     # a ghost's opacity relative to its curve


@dataclass
class Pin:
    number: int
    values: dict
    ghosts: list = field(default_factory=list)   # (plot, ghost item)
    labels: list = field(default_factory=list)   # (plot, TextItem)
    text: str = ""


def _value_text(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def differences(pinned: dict, now: dict, ignore=()) -> str:
    """The settings of ``pinned`` that differ from ``now``: ``"lr 0.11, momentum 0.9"``."""
    changed = [f"{name} {_value_text(value)}" for name, value in pinned.items()
               if name not in ignore and now.get(name) != value]
    return ", ".join(changed) if changed else "same settings"


class PinBoard(QObject):
    """A section's pins (see the module's docstring)."""
    changed = Signal()
    has_pins = Signal(bool)   # drives every "Clear pins" button (no Python reference to a button is kept)
    allowed = Signal(bool)    # drives every "Pin" button: off during a predict-reveal round (gui/predict.py)

    def __init__(self, section):
        super().__init__(section)
        self.section = section
        self.pins: list[Pin] = []
        self._numbers = 0
        self.pinnable = True
        section.changed.connect(self._values_changed)

    # ------------------------------------------------------------ the buttons
    def specs(self) -> tuple:
        """The (text, tooltip, slot) of the "Pin" and "Clear pins" buttons."""
        return (("Pin", "Keep this finished run as a faded, dashed ghost under the next runs (at most three)",
                 self.pin),
                ("Clear pins", "Remove every pinned run of this tab", self.clear))

    def bind(self, pin, clear) -> None:
        """Buttons made from :meth:`specs`: "Clear pins" is enabled while there are pins, "Pin" unless
        :meth:`set_allowed` said no."""
        clear.setEnabled(bool(self.pins))
        self.has_pins.connect(clear.setEnabled)
        pin.setEnabled(self.pinnable)
        self.allowed.connect(pin.setEnabled)

    def set_allowed(self, allowed: bool) -> None:
        """Pinning on or off (a predict-reveal round: the curves are hidden or half drawn)."""
        if allowed != self.pinnable:
            self.pinnable = allowed
            self.allowed.emit(allowed)

    def buttons(self):
        """A row of "Pin" and "Clear pins" buttons bound to this board."""
        row, made = buttons(*self.specs())
        self.bind(*made)
        return row

    def _say(self, message: str) -> None:
        self.section.status.emit(message)

    # ------------------------------------------------------------ pinning
    @Slot()
    def pin(self) -> Pin | None:
        """Pin what the plots show now; None (and a status sentence) when there is nothing to pin."""
        if not self.pinnable:
            self._say("Pin waits for the prediction's reveal: press Pin once the outcome is shown.")
            return None
        if not self.section.is_idle():
            self._say("Pin waits for the run to finish: press Pin again when it is done.")
            return None
        plots = [p for p in self.section.plots().values() if hasattr(p, "curves")]
        restore = self.section.show_whole_run()
        sources = [(plot, item) for plot in plots for item in plot.curves()
                   if item.isVisible() and item.xData is not None and len(item.xData)]
        if not sources:
            if restore is not None:
                restore()
            self._say("Nothing to pin yet: run first.")
            return None
        if len(self.pins) >= MAX_PINS:
            self._remove(self.pins.pop(0))
        used = {p.number for p in self.pins}
        number = next(n for n in range(1, MAX_PINS + 2) if n not in used)
        pin = Pin(number, dict(self.section.values()))
        style = STYLES[(number - 1) % len(STYLES)]
        for plot, item in sources:
            pin.ghosts.append((plot, self._ghost(plot, item, style)))
        if restore is not None:
            restore()
        for plot in dict.fromkeys(plot for plot, _ in pin.ghosts):
            # in the view box's top-left corner (pixels, not data): readable whatever the range
            label = pg.TextItem("", color=(70, 70, 70), anchor=(0, 0), fill=pg.mkBrush(255, 255, 255, 190))
            label.setZValue(40)
            label.setParentItem(plot.getPlotItem().vb)
            pin.labels.append((plot, label))
        self.pins.append(pin)
        self.relabel()
        self._update_buttons()
        self._say(f"Pinned run {number}: it stays as a dashed ghost; change a setting and run to compare.")
        self.changed.emit()
        return pin

    def _ghost(self, plot, item, style) -> pg.PlotDataItem:
        pen = pg.mkPen(item.opts["pen"])
        colour = QColor(pen.color())
        colour.setAlphaF(colour.alphaF() * FADE)
        width = pen.widthF() / max(theme().pen_width, 1e-9)
        ghost = pg.PlotDataItem(np.array(item.xData, dtype=float), np.array(item.yData, dtype=float),
                                connect="finite")
        ghost.export_name = ""
        ghost.source_name = item.name() or ""
        ghost.setZValue(item.zValue() - 1)
        plot.track(ghost, colour, width, style)
        return ghost

    @Slot()
    def clear(self) -> None:
        for pin in self.pins:
            self._remove(pin)
        had = bool(self.pins)
        self.pins = []
        self._update_buttons()
        if had:
            self._say("Pins cleared.")
            self.changed.emit()

    def _remove(self, pin: Pin) -> None:
        for plot, ghost in pin.ghosts:
            plot.forget(ghost)
        for _plot, label in pin.labels:
            label.setParentItem(None)
            if label.scene() is not None:
                label.scene().removeItem(label)

    def _update_buttons(self) -> None:
        self.has_pins.emit(bool(self.pins))

    # ------------------------------------------------------------ labels
    def ignored(self) -> tuple[str, ...]:
        """Settings that do not change a run's result (e.g. an animation's speed)."""
        return tuple(getattr(self.section, "live_params", ()))

    @Slot(str, object)
    def _values_changed(self, *_args) -> None:
        if self.pins:
            self.relabel()

    def relabel(self) -> None:
        """Each pin's label: the settings that differ from the current ones."""
        now = self.section.values()
        font = theme().font()
        line = QFontMetrics(font).height() + 6
        for row, pin in enumerate(self.pins):
            pin.text = f"pin {pin.number}: {differences(pin.values, now, self.ignored())}"
            for _plot, ghost in pin.ghosts:
                ghost.export_name = f"{pin.text} / {ghost.source_name}" if ghost.source_name else pin.text
            for _plot, label in pin.labels:
                label.setText(pin.text)
                label.setFont(font)
                label.setPos(4, 4 + row * line)

    def texts(self) -> list[str]:
        return [pin.text for pin in self.pins]
