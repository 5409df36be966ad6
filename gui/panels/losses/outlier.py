"""Drag the outlier: a scatter with one draggable point and the squared-, absolute- and
Huber-loss lines, refitted live on the UI thread (engine.robust_fit: well under a millisecond)."""
from __future__ import annotations

import dataclasses
import time
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QBoxLayout, QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine import robust_fit as R
from gui.panels.losses.common import C_HUBER, C_MAE, C_MSE, KeyLabel, LossSection, blocked, checked_bool, checked_list, no_mouse
from gui.plots import StyledPlot
from gui.theme import REDDISH_PURPLE, theme
from gui.widgets import lesson_label

# a shorter label than the engine's; "Huber" in it, not in a separate label (two labels side by
# side read as a double space)
FIT_DELTA = dataclasses.replace(R.FIT_DELTA, label="Huber δ (in units of σ)")
DEMO_VIEW = (-0.5, 10.5, -8.0, 20.0)             # x0, x1, y0, y1 of the drag demo
C_OUTLIER = REDDISH_PURPLE


class DraggablePoint(pg.TargetItem):
    """The outlier: a dot the student drags; it cannot leave ``bounds`` (x0, x1, y0, y1)."""

    def __init__(self, pos, bounds, **kwargs):
        self.bounds = bounds
        super().__init__(pos=pos, **kwargs)

    def setPos(self, *args):  # noqa: N802 (Qt name)
        p = pg.Point(*args)
        x0, x1, y0, y1 = self.bounds
        super().setPos(pg.Point(min(max(p.x(), x0), x1), min(max(p.y(), y0), y1)))

    def set_size(self, pixels: float) -> None:
        self.prepareGeometryChange()
        self.scale = pixels  # TargetItem keeps its on-screen size in ``scale``
        self._shape = None
        self.update()


class OutlierSection(LossSection):
    """Scatter with one draggable outlier; squared-, absolute- and Huber-loss lines refitted live."""
    key, title = "outlier", "Drag the outlier"
    lesson = ("<b>Drag the pink point.</b> The <span style='color:%s'><b>squared-loss</b></span> line chases it: "
              "squared, one far point is worth bending the whole line. The <span style='color:%s'><b>absolute-loss"
              "</b></span> (median) line barely moves: the point costs only its distance. "
              "<span style='color:%s'><b>Huber</b></span> counts errors beyond δ·σ linearly and stays with the "
              "crowd too." % (C_MSE, C_MAE, C_HUBER))
    params = (FIT_DELTA,)
    key_params = ("delta",)

    def build(self) -> None:
        self.points = R.default_points(0)
        self.fit: R.FitResult | None = None
        self.last_fit_ms = 0.0
        self.put_back = QPushButton("Put the outlier back")
        self.put_back.clicked.connect(self.reset_outlier)
        self.fit_label = QLabel()
        self.fit_label.setTextFormat(Qt.RichText)
        self.fit_label.setWordWrap(True)
        note = lesson_label(
            "<small>HuberRegressor measures δ in units of the noise scale σ it estimates (its <i>epsilon</i>, at "
            "least 1), not in units of y like the Regression tab's δ.</small>")

        self.plot = StyledPlot("Three fitted lines, one draggable outlier", "x", "y")
        no_mouse(self.plot)
        x0, x1, y0, y1 = DEMO_VIEW
        self.plot.setXRange(x0, x1, padding=0)
        self.plot.setYRange(y0, y1, padding=0)
        self.lines = {"squared": self.plot.curve(C_MSE), "absolute": self.plot.curve(C_MAE, style=Qt.DashLine),
                      "huber": self.plot.curve(C_HUBER)}
        self.key = KeyLabel([(C_MSE, "squared loss", False), (C_MAE, "absolute loss", True), (C_HUBER, "Huber", False)])
        self.band = [self.plot.curve(C_HUBER, width=0.4, style=Qt.DotLine) for _ in range(2)]
        self.inliers = pg.ScatterPlotItem(pen=pg.mkPen("w", width=1), brush=pg.mkBrush("#404040"))
        self.inliers.setZValue(5)
        self.plot.addItem(self.inliers)
        self.outlier = DraggablePoint((0, 0), (0.0, 10.0, y0 + 0.5, y1 - 0.5), size=theme().marker_size * 2,
                                      symbol="o", pen=pg.mkPen("k", width=2), brush=pg.mkBrush(C_OUTLIER),
                                      hoverBrush=pg.mkBrush("#e8a8d0"), label="drag me",
                                      labelOpts={"color": "k", "offset": (14, -4), "anchor": (0, 1)})
        self.outlier.setZValue(20)
        self.outlier.sigPositionChanged.connect(self._outlier_moved)
        self.plot.addItem(self.outlier)

        self.fit_form = self.make_form(compact=False)
        self.fit_form.setToolTip(FIT_DELTA.help)
        self.band_check = QCheckBox("band ±δσ")
        self.band_check.setToolTip("Show the Huber band: points outside the dotted lines count linearly "
                                   "in the Huber fit.")
        self.band_check.toggled.connect(self.refit)
        self.fit_controls = controls = QHBoxLayout()   # the check box goes under the form in presentation
        controls.setContentsMargins(0, 4, 16, 0)  # the check box's text must not touch the window's edge
        controls.setSpacing(12)
        controls.addWidget(self.fit_form, 1)
        controls.addWidget(self.band_check)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 6, 6)
        rl.addWidget(self.plot, 1)
        rl.addWidget(self.key)
        rl.addLayout(controls)
        self.set_body([self.put_back, self.fit_label, note], right)
        self.reset()

    def plots(self) -> dict[str, QWidget]:
        return {"fits": self.plot}

    def tables(self) -> dict[str, Any]:
        import pandas as pd
        if self.fit is None:
            return {}
        lines = self.fit.lines()
        return {"fits": pd.DataFrame([(name, lines[key].slope, lines[key].intercept) for key, name in
                                      (("squared", "squared loss"), ("absolute", "absolute loss"), ("huber", "Huber"))],
                                     columns=["loss", "slope", "intercept"])}

    # ----------------------------------------------------------------- state
    def state(self) -> dict[str, Any]:
        pos = self.outlier.pos()
        return {"outlier": (pos.x(), pos.y()), "band": self.band_check.isChecked()}

    def check_state(self, values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        if "outlier" in out:
            out["outlier"] = tuple(checked_list("outlier", out["outlier"], float, length=2))
            x0, x1, y0, y1 = self.outlier.bounds
            x, y = out["outlier"]
            if not (np.isfinite(x) and np.isfinite(y) and x0 <= x <= x1 and y0 <= y <= y1):
                raise ValueError(f"outlier: expected (x, y) with x in [{x0:g}, {x1:g}] and y in [{y0:g}, {y1:g}], "
                                 f"got {out['outlier']}")
        if "band" in out:
            out["band"] = checked_bool("band", out["band"])
        return out

    def apply_state(self, values: dict[str, Any]) -> None:
        with blocked(self.band_check, self.outlier):
            if "band" in values:
                self.band_check.setChecked(values["band"])
            if "outlier" in values:
                self.outlier.setPos(*values["outlier"])   # kept inside the view
        self.refit()

    def home(self) -> tuple[float, float]:
        """Where the outlier starts."""
        k = self.points.outlier_index
        return float(self.points.x[k]), float(self.points.y[k])

    def reset(self) -> None:
        super().reset()
        self._draw_inliers()
        self.apply_state({"band": False, "outlier": self.home()})

    def reset_outlier(self) -> None:
        self._draw_inliers()
        self.apply_state({"outlier": self.home()})

    def _draw_inliers(self) -> None:
        x, y = self.points.x, self.points.y
        keep = np.arange(x.size) != self.points.outlier_index
        self.inliers.setData(x[keep], y[keep], size=theme().marker_size * 1.2)

    def demo_xy(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.points.x.copy(), self.points.y.copy()
        pos = self.outlier.pos()
        k = self.points.outlier_index
        x[k], y[k] = pos.x(), pos.y()
        return x, y

    @Slot(object)
    def _outlier_moved(self, _item) -> None:
        self.refit()

    def on_change(self, name: str, value) -> None:
        self.refit()

    # ----------------------------------------------------------------- drawing
    @Slot()
    def refit(self, *_args) -> None:
        """Refit the three lines on the UI thread: well under a millisecond for 20 points."""
        x, y = self.demo_xy()
        t0 = time.perf_counter()
        self.fit = R.fit_lines(x, y, self.fit_form.values()["delta"])
        self.last_fit_ms = (time.perf_counter() - t0) * 1e3
        xs = np.array(DEMO_VIEW[:2])
        lines = self.fit.lines()
        for key, line in lines.items():
            self.lines[key].setData(xs, line.predict(xs))
        for item, sign in zip(self.band, (-1, 1)):
            if self.band_check.isChecked():
                item.setData(xs, self.fit.huber.predict(xs) + sign * self.fit.huber_threshold)
            else:
                item.setData([], [])
        rows = [f"<span style='color:{colour}'><b>━ {name}</b></span>: slope {lines[key].slope:.3f}, "
                f"intercept {lines[key].intercept:.2f} <small>({estimator})</small>"
                for key, name, estimator, colour in (
                    ("squared", "squared loss", "LinearRegression", C_MSE),
                    ("absolute", "absolute loss", "median, QuantileRegressor", C_MAE),
                    ("huber", "Huber", "HuberRegressor", C_HUBER))]
        pos = self.outlier.pos()
        self.fit_label.setText("<br>".join(rows) +
                               f"<br><i>The points were drawn around slope 0.5, intercept 1.<br>Outlier at "
                               f"({pos.x():.1f}, {pos.y():.1f}); three fits took {self.last_fit_ms:.2f} ms.</i>")
        self.drawn.emit()

    def restyle(self) -> None:
        # side by side at 18 pt they made the page 1040 px wide (wider than a projector)
        self.fit_controls.setDirection(QBoxLayout.TopToBottom if theme().presentation else QBoxLayout.LeftToRight)
        self.outlier.set_size(theme().marker_size * 2)
        if self.outlier.label() is not None:
            self.outlier.label().setFont(theme().font())
        self._draw_inliers()
        super().restyle()
