"""Margins: hinge, logistic and zero-one loss against the margin y·f(x), with a draggable reader."""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from engine import losses as L
from gui.panels.losses.common import KeyLabel, LossSection, big_label, blocked, checked_bool, no_mouse
from gui.plots import StyledPlot
from gui.theme import BLACK, BLUE, GREY, VERMILLION, theme

C_HINGE, C_LOGISTIC, C_ZERO_ONE = BLUE, VERMILLION, BLACK
MARGIN_RANGE = (-3.0, 3.0)
# the margin plot's top strip holds the region labels: no curve reaches it (in view the hinge
# peaks at 4, the logistic loss in bits at 4.37) and the draggable marker stops below it
MARGIN_CURVES_TOP, MARGIN_VIEW_TOP = 4.5, 5.6
# the marker's dots: a large square behind a small circle, so a hinge value hidden under the
# logistic one (m = 0.5: 0.500 and 0.474) still shows as the square's rim
MARGIN_DOTS = {"hinge": ("s", 1.9), "logistic": ("o", 1.05), "zero_one": ("t1", 1.3)}
MARGIN_GLYPHS = {"hinge": "■", "logistic": "●", "zero_one": "▲"}
MARKER_START = 0.5


def margin_grid() -> np.ndarray:
    m = np.linspace(*MARGIN_RANGE, 601)
    # a point just right of 0 draws the zero-one loss's jump as a vertical step
    return np.sort(np.concatenate([m, [np.nextafter(0.0, 1.0)]]))


class MarginsSection(LossSection):
    """Hinge, logistic and zero-one loss against the margin y·f(x)."""
    key, title = "margins", "Margins"
    lesson = ("With labels −1/+1 and a raw score f(x), the <b>margin</b> m = y·f(x) is positive when the "
              "prediction is right, large when it is confidently right.<br>"
              "<b>Zero-one</b> counts mistakes but is flat: gradient 0, nothing to learn from. <b>Hinge</b> (SVM) "
              "is zero once m ≥ 1: confidently right examples stop mattering. <b>Logistic</b> (BCE written with "
              "the margin) never reaches zero: it keeps pushing every example.<br>"
              "<i>Drag the grey line to read the losses.</i>")

    def build(self) -> None:
        self.m = margin_grid()
        self.base2_check = QCheckBox("Logistic in bits (log₂)")
        self.base2_check.setToolTip("Divided by ln 2 the logistic loss is 1 at m = 0 and lies above the "
                                    "zero-one loss everywhere: an upper bound on the error rate.")
        self.base2_check.toggled.connect(self.draw)
        self.slopes_check = QCheckBox("Overlay the slopes dL/dm")
        self.slopes_check.setToolTip("Dashed: the derivative of each loss with respect to the margin.")
        self.slopes_check.toggled.connect(self.draw)
        self.readout = big_label(scale=1.0)

        self.plot = StyledPlot("Classification losses against the margin", "margin m = y · f(x)", "loss")
        no_mouse(self.plot)
        regions = ((MARGIN_RANGE[0], 0.0, (213, 94, 0, 28), "wrong"),
                   (0.0, 1.0, (230, 159, 0, 40), "right but\ninside margin"),
                   (1.0, MARGIN_RANGE[1], (0, 158, 115, 28), "right and\nconfident"))
        self.region_texts = []
        for a, b, rgba, text in regions:
            reg = pg.LinearRegionItem((a, b), movable=False, brush=pg.mkBrush(*rgba), pen=pg.mkPen(None))
            reg.setZValue(-10)
            self.plot.addItem(reg)
            t = pg.TextItem(text, color=(80, 80, 80), anchor=(0.5, 0))
            t.setPos((a + b) / 2, MARGIN_VIEW_TOP)
            self.plot.addItem(t)
            self.region_texts.append(t)
        self.curves = {"hinge": self.plot.curve(C_HINGE), "logistic": self.plot.curve(C_LOGISTIC),
                       "zero_one": self.plot.curve(C_ZERO_ONE)}
        self.key = KeyLabel([(C_HINGE, "hinge", False), (C_LOGISTIC, "logistic (ln)", False),
                             (C_ZERO_ONE, "zero-one", False)])
        self.slopes = {k: self.plot.curve(c, width=0.6, style=Qt.DashLine)
                       for k, c in (("hinge", C_HINGE), ("logistic", C_LOGISTIC), ("zero_one", C_ZERO_ONE))}
        self.zero = pg.InfiniteLine(pos=0.0, angle=0, pen=pg.mkPen(GREY, width=1))
        self.plot.addItem(self.zero)
        self.marker = pg.InfiniteLine(pos=MARKER_START, angle=90, movable=True, pen=pg.mkPen("#505050", width=3),
                                      hoverPen=pg.mkPen("k", width=5), bounds=MARGIN_RANGE)
        self.marker.setZValue(15)
        self.marker.sigPositionChanged.connect(self._marker_moved)
        self.plot.addItem(self.marker)
        self.dots = pg.ScatterPlotItem(pen=pg.mkPen("k", width=1))
        self.dots.setZValue(16)
        self.plot.addItem(self.dots)
        self.plot.setXRange(*MARGIN_RANGE, padding=0)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 6, 6)
        rl.addWidget(self.plot, 1)
        rl.addWidget(self.key)
        self.set_body([self.base2_check, self.slopes_check, self.readout], right)
        self.reset()

    def plots(self) -> dict[str, QWidget]:
        return {"margin_losses": self.plot}

    def tables(self) -> dict[str, Any]:
        import pandas as pd
        m = float(self.marker.value())
        base2 = self.base2_check.isChecked()
        vals, slopes = L.margin_curves([m], base2=base2), L.margin_curve_slopes([m], base2=base2)
        keys = ("hinge", "logistic", "zero_one")
        return {f"at margin m = {m:.2f}": pd.DataFrame({"loss": ["hinge", "logistic", "zero-one"],
                                                        "value": [float(vals[k][0]) for k in keys],
                                                        "slope": [float(slopes[k][0]) for k in keys]})}

    # ----------------------------------------------------------------- state
    def state(self) -> dict[str, Any]:
        return {"base2": self.base2_check.isChecked(), "slopes": self.slopes_check.isChecked(),
                "margin": float(self.marker.value())}

    def check_state(self, values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        for name in ("base2", "slopes"):
            if name in out:
                out[name] = checked_bool(name, out[name])
        if "margin" in out:
            m = out["margin"]
            if isinstance(m, bool) or not isinstance(m, (int, float)) or not MARGIN_RANGE[0] <= m <= MARGIN_RANGE[1]:
                raise ValueError(f"margin: must be a number in [{MARGIN_RANGE[0]:g}, {MARGIN_RANGE[1]:g}], got {m!r}")
            out["margin"] = float(m)
        return out

    def apply_state(self, values: dict[str, Any]) -> None:
        with blocked(self.base2_check, self.slopes_check):
            for name, box in (("base2", self.base2_check), ("slopes", self.slopes_check)):
                if name in values:
                    box.setChecked(values[name])
        if "margin" in values:
            self.marker.setValue(values["margin"])
        self.draw()

    def reset(self) -> None:
        super().reset()
        self.apply_state({"base2": False, "slopes": False, "margin": MARKER_START})

    # ----------------------------------------------------------------- drawing
    @Slot()
    def draw(self, *_args) -> None:
        base2 = self.base2_check.isChecked()
        show_slopes = self.slopes_check.isChecked()
        curves = L.margin_curves(self.m, base2=base2)
        slopes = L.margin_curve_slopes(self.m, base2=base2)
        for key, item in self.curves.items():
            item.setData(self.m, curves[key])
            if show_slopes:
                self.slopes[key].setData(self.m, slopes[key])
            else:
                self.slopes[key].setData([], [])
        self.zero.setVisible(show_slopes)
        y0 = -1.6 if show_slopes else 0.0
        self.plot.setYRange(y0, MARGIN_VIEW_TOP, padding=0)
        # the marker ends where the curves end: the region labels above it are never crossed
        self.marker.setSpan(0.0, (MARGIN_CURVES_TOP - y0) / (MARGIN_VIEW_TOP - y0))
        self.marker.viewTransformChanged()  # setSpan alone keeps the old end points until the view moves
        self.key.set_text(1, "logistic (log₂)" if base2 else "logistic (ln)")
        self._marker_moved()

    @Slot()
    def _marker_moved(self, *_args) -> None:
        m = float(self.marker.value())
        base2 = self.base2_check.isChecked()
        vals = L.margin_curves([m], base2=base2)
        slopes = L.margin_curve_slopes([m], base2=base2)
        keys = ("hinge", "logistic", "zero_one")
        colours = (C_HINGE, C_LOGISTIC, C_ZERO_ONE)
        self.dots.setData([m] * 3, [vals[k][0] for k in keys], brush=[pg.mkBrush(c) for c in colours],
                          symbol=[MARGIN_DOTS[k][0] for k in keys],
                          size=[theme().marker_size * MARGIN_DOTS[k][1] for k in keys])
        # a table: the numbers line up and "slope" is said once, so no row wraps at 18 pt
        cell = "<td align='right' style='padding-left:12px'>"
        rows = [f"<tr><td><span style='color:{c}'>{MARGIN_GLYPHS[k]} {n}</span></td>{cell}{vals[k][0]:.3f}</td>"
                f"{cell}<span style='font-weight:normal'>{slopes[k][0]:+.3f}</span></td></tr>"
                for k, n, c in zip(keys, ("hinge", "logistic", "zero-one"), colours)]
        head = f"<tr><td></td>{cell}loss</td>{cell}<span style='font-weight:normal'>slope</span></td></tr>"
        self.readout.setText(f"At margin m = {m:.2f}:<table cellspacing='0'>{head}{''.join(rows)}</table>")
        self.drawn.emit()

    def restyle(self) -> None:
        for t in self.region_texts:
            t.setFont(theme().font(0.9))
        self.draw()
        super().restyle()
