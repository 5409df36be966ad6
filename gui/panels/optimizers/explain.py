"""Explain one optimizer: its update rule with the numbers of the current step, and arrows at its
current point on the contour plot (the gradient, its velocity, the step it takes).

Every number comes from the path's recorded optimizer state (``engine.explain.explain``): the panel
only writes them out and draws. An "Explain" button on each optimizer's row picks the optimizer
(the race's ``explain`` parameter, so set-ups and "Tutorial values" cover it); the text and the
arrows follow the animation, scrubbing and stepping back, and cost a few small items per frame.
The text (laying out and painting rich text costs about 4 ms) is rewritten at once after a pause,
then at most every 250 ms while frames follow each other (playing, scrubbing), and once more for
the frame the animation stops at: nobody reads numbers changing 60 times a second, and a frame
stays within its budget.
"""
from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QFrame, QPushButton, QScrollArea, QVBoxLayout, QWidget

from engine.explain import EXPLAIN, explain, fmt
from gui.live_text import LiveText
from gui.panels.optimizers.bound import Bound
from gui.panels.optimizers.optimizer_box import COLOURS
from gui.theme import BLACK, GREY, theme

ARROW_SHARE = 0.14     # the longer of −g and the velocity is drawn this share of the view's smaller side (short:
                       # each frame repaints the surface under the arrows' old and new boxes)
MIN_ARROW_PX = 45      # ... and at least this many pixels long (a small plot on a projector)
HEAD_PX = 11           # arrow heads, in pixels (times the device-pixel ratio)
TEXT_MS = 250          # the text is rewritten at once, then at most every TEXT_MS while the frames run on
STYLES = {"gradient": (BLACK, 1.6, Qt.SolidLine), "velocity": (GREY, 1.6, Qt.DashLine), "step": (None, 2.6, Qt.SolidLine)}


def arrow_segments(origin, vector, px_w: float, px_h: float, head_px: float) -> np.ndarray:
    """The shaft and the two barbs of an arrow from ``origin`` along ``vector`` (data units; the
    head is ``head_px`` pixels long whatever the view's scale): six points, drawn as pairs."""
    v = np.array([vector[0] / px_w, vector[1] / px_h])     # in pixels (y up)
    length = float(np.hypot(*v))
    if not np.isfinite(length) or length < 1e-9:
        return np.empty((0, 2))
    u = v / length
    head = min(head_px, 0.6 * length)
    barbs = []
    for angle in (0.45, -0.45):
        c, s = np.cos(angle), np.sin(angle)
        back = -head * np.array([c * u[0] - s * u[1], s * u[0] + c * u[1]])
        barbs.append(back * (px_w, px_h))
    o = np.asarray(origin, dtype=float)
    tip = o + np.asarray(vector, dtype=float)
    return np.array([o, tip, tip, tip + barbs[0], tip, tip + barbs[1]])


class Explainer(QObject):
    """The explain view of the race: buttons on the optimizer rows, the text, the arrows."""

    def __init__(self, section):
        super().__init__(section)
        self.section = section
        self.choice = "none"
        self.buttons: dict[str, QPushButton] = {}
        for name, box in section.boxes.items():
            button = QPushButton("Explain")
            button.setCheckable(True)
            button.setToolTip(f"Write out {name}'s update rule with the numbers of the current step, and draw "
                              "its gradient, velocity and step on the surface")
            button.setVisible(box.isChecked())
            box.layout().addWidget(button, 0, Qt.AlignRight)
            box.toggled.connect(lambda on, name=name: self._box_toggled(name, on))
            button.toggled.connect(lambda on, name=name: self._clicked(name, on))
            self.buttons[name] = button
        self.bound = Bound(EXPLAIN, lambda: self.choice, self._write)
        self.text = LiveText()   # one document: the title, the rule's lines, the arrows' key (one layout a frame)
        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addWidget(self.text)
        lay.addStretch(1)
        # scrolls where the column is short (a projector): its height never pushes the window
        self.widget = QScrollArea()
        self.widget.setWidget(inner)
        self.widget.setWidgetResizable(True)
        self.widget.setFrameShape(QFrame.NoFrame)
        self.widget.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.widget.setMinimumHeight(60)
        self.widget.setVisible(False)
        plot = section.race_plots.contour
        self.plot = plot
        self.items = {}
        for key in STYLES:
            item = pg.PlotCurveItem([], [], connect="pairs")   # (lighter than a PlotDataItem: set every frame)
            item.setZValue(25)
            plot.addItem(item)
            self.items[key] = item
        self._shown = None
        self._text = None             # the explanation waiting for the text's next turn
        self.text_timer = QTimer(self)
        self.text_timer.setSingleShot(True)
        self.text_timer.setInterval(TEXT_MS)
        self.text_timer.timeout.connect(self._flush_text)
        self.restyle()

    # ------------------------------------------------------------ the choice
    def _clicked(self, name: str, on: bool) -> None:
        if on:
            self._write(name)
        elif self.choice == name:
            self._write("none")

    def _box_toggled(self, name: str, on: bool) -> None:
        self.buttons[name].setVisible(on)
        if not on and self.choice == name:
            self._write("none")

    def _write(self, value: str) -> None:
        """Explain ``value`` ("none": nothing); reported as a change of the race's ``explain``."""
        if value == self.choice:
            return
        self.choice = value
        for name, button in self.buttons.items():
            button.blockSignals(True)
            button.setChecked(name == value)
            button.blockSignals(False)
        self.widget.setVisible(value != "none")
        self._shown = None
        self.section._own_changed(EXPLAIN.name, value)

    # ------------------------------------------------------------ drawing
    def draw(self, paths: dict, frame: int) -> None:
        """The chosen optimizer at ``frame`` (nothing when none is chosen)."""
        if self.choice == "none":
            if self._shown != "none":
                self._hide_arrows()
                self._shown = "none"
            return
        path = paths.get(self.choice)
        vb = self.plot.getPlotItem().vb
        key = (id(path), frame, tuple(map(tuple, vb.viewRange())), vb.width(), vb.height())
        if key == self._shown:
            return
        self._shown = key
        colour = COLOURS[self.choice]
        if path is None:
            self._hide_arrows()
            self._write_text((f"<b style='color:{colour}'>{self.choice}</b> is not in the race: tick its box.",))
            return
        e = explain(path, min(frame, len(path.points) - 1))
        scale = self._draw_arrows(e, colour, vb)
        self._write_text((e, colour, path.name, scale, "buffer" in path.trace.states))

    def _write_text(self, what: tuple) -> None:
        """The text now if it has had its turn, else at the end of the current one."""
        self._text = what
        if not self.text_timer.isActive():
            self._flush_text()

    @Slot()
    def _flush_text(self) -> None:
        if self._text is None:
            return
        what, self._text = self._text, None
        self.text_timer.start()   # the next text waits for its turn
        if len(what) == 1:
            self.text.setText(what[0])
            return
        e, colour, name, scale, buffer = what
        title = f"<b style='color:{colour}'>{html.escape(name)}</b>, update {e.step}, from p = {fmt(e.point)}"
        # the words after each line at the desk; a projector has room for the numbers only
        words = not theme().presentation
        lines = [f"<b>{t.symbol}</b> = {t.rule} = {t.plugged} = <b>{fmt(t.value)}</b>"
                 + (f" <span style='color:{GREY}'>({t.meaning})</span>" if words else "") for t in e.terms]
        if e.note:
            lines.append(f"<i>{html.escape(e.note)}</i>")
        key = self._key(e, colour, scale, buffer)
        self.text.setText(f"<p style='margin-bottom:4px'>{title}</p>" + "<br>".join(lines)
                          + (f"<p style='margin-top:4px'>{key}</p>" if key else ""))

    def _draw_arrows(self, e, colour: str, vb) -> float:
        """Draw the arrows of ``e``; returns the factor the directions are drawn at."""
        if not e.arrows:
            self._hide_arrows()
            return 1.0
        (x0, x1), (y0, y1) = vb.viewRange()
        px_w, px_h = vb.viewPixelSize()
        directions = [e.arrows[k] for k in ("gradient", "velocity") if k in e.arrows]
        longest = max((float(np.hypot(*v)) for v in directions), default=0.0)
        length = max(ARROW_SHARE * min(x1 - x0, y1 - y0), MIN_ARROW_PX * theme().pen_width * max(px_w, px_h))
        scale = length / longest if longest > 0 else 1.0
        scale = float(f"{scale:.1g}")   # a round factor: the key reads easily and rarely changes
        head = HEAD_PX * theme().pen_width
        for key, item in self.items.items():
            v = e.arrows.get(key)
            if v is None:
                item.setData([], [])
                continue
            seg = arrow_segments(e.point, v * (1.0 if key == "step" else scale), px_w, px_h, head)
            item.setData(seg[:, 0], seg[:, 1]) if len(seg) else item.setData([], [])
            if key == "step" and colour != self._step_colour:
                self._step_colour = colour
                item.setPen(pg.mkPen(colour, width=theme().pen_width * STYLES["step"][1]))
        return scale

    @staticmethod
    def _key(e, colour: str, scale: float, buffer: bool) -> str:
        """What the arrows are, in words."""
        if not e.arrows:
            return ""
        parts = []
        if "step" in e.arrows:
            parts.append(f"<span style='color:{colour}'><b>━</b></span> the step Δ (true size)")
        parts.append("<b>━</b> −g (the steepest descent)")
        if "velocity" in e.arrows:
            parts.append(f"<b style='color:{GREY}'>┅</b> " + ("−b (the velocity)" if buffer else "−m̂ (the average gradient)"))
        return ("Arrows: " + " &nbsp; ".join(parts) + f" &nbsp; (−g{' and the velocity' if 'velocity' in e.arrows else ''}"
                f" drawn × {scale:.3g})")

    def _hide_arrows(self) -> None:
        for item in self.items.values():
            item.setData([], [])

    def restyle(self) -> None:
        self._step_colour = None
        self._shown = None      # (the text's words depend on the mode)
        for key, (colour, width, style) in STYLES.items():
            if colour is not None:
                self.items[key].setPen(pg.mkPen(colour, width=theme().pen_width * width, style=style))
