"""The exercise's three plots: Step 2's choice of alpha, the training losses, test accuracy ± 1 SE.

Each is a StyledPlot whose items are made once; the section hands them what the engine
returned (results, loss lists, :class:`engine.pipeline.AccuracyRow`) and they draw it.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from engine import pipeline as P
from engine.datasets import DIGITS_TEST, DIGITS_VAL
from gui.panels.pipeline.verdict import verdict_colour
from gui.plots import StyledPlot, finite_or_nan
from gui.theme import BLACK, BLUE, BLUISH_GREEN, GREY, ORANGE, REDDISH_PURPLE, SKY_BLUE, VERMILLION, theme

ALPHA_COLOURS = (SKY_BLUE, ORANGE, REDDISH_PURPLE, BLUE)
FINAL_COLOUR, YOURS_COLOUR = BLACK, VERMILLION
BEST_COLOUR, OTHER_COLOUR = BLUISH_GREEN, BLUE


def _still(plot: StyledPlot) -> None:
    """No mouse zoom, no auto-range button, no SI prefixes on the axes."""
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    for side in ("left", "bottom"):
        plot.getAxis(side).enableAutoSIPrefix(False)


class AlphaPlot(StyledPlot):
    """Step 2: each alpha's validation accuracy ± 1 SE; the chosen one in green."""

    def __init__(self, parent=None):
        super().__init__("Step 2: choosing alpha", "alpha", "validation accuracy", parent)
        _still(self)
        self.err = pg.ErrorBarItem(x=np.array([]), y=np.array([]), height=np.array([]),
                                   pen=pg.mkPen(GREY, width=1.5), beam=0.15)
        self.addItem(self.err)
        self.dots = pg.ScatterPlotItem(pen=pg.mkPen(None))
        self.addItem(self.dots)
        self.texts = []
        for _ in P.TUTORIAL_ALPHAS:
            t = pg.TextItem("", color=BLACK, anchor=(0.5, 1.3))
            t.setVisible(False)
            self.addItem(t)
            self.texts.append(t)
        self.getAxis("bottom").setTicks([[(i, f"{a:g}") for i, a in enumerate(P.TUTORIAL_ALPHAS)]])
        self.setXRange(-0.5, len(P.TUTORIAL_ALPHAS) - 0.5, padding=0)
        self.setYRange(0.955, 1.004, padding=0)
        self.getPlotItem().vb.disableAutoRange()
        self.grid.show(x=False, y=True)
        self.setToolTip(f"Each dot: one network's validation accuracy ({DIGITS_VAL} images); the whiskers are ±1 "
                        "standard error. Step 2 keeps the highest dot (green).")

    def draw(self, runs) -> None:
        """``runs``: Step 2's results so far, in the order of the tutorial's alphas."""
        x = np.arange(len(runs), dtype=float)
        y = np.array([r.val_mean for r in runs])
        se = np.array([r.val_se for r in runs])
        self.err.setData(x=x, y=y, height=2 * se)
        best = P.best_by_validation(runs) if len(runs) == len(P.TUTORIAL_ALPHAS) else None
        brushes = [pg.mkBrush(BEST_COLOUR if i == best else OTHER_COLOUR) for i in range(len(runs))]
        self.dots.setData(x=x, y=y, brush=brushes, size=theme().marker_size * 1.4)
        for i, t in enumerate(self.texts):
            t.setVisible(i < len(runs))
            if i < len(runs):
                t.setText(f"{y[i]:.4f}")
                t.setPos(x[i], y[i] + se[i])
                t.setColor(BEST_COLOUR if i == best else BLACK)


class LossPlot(StyledPlot):
    """The training loss of every network, growing while it trains."""

    def __init__(self, parent=None):
        super().__init__("Training loss", "iteration", "loss (log)", parent)
        _still(self)
        self.setLogMode(y=True)
        self.getAxis("left").setStyle(maxTickLevel=0)
        self.alpha_curves = [self.curve(c, name=f"α={a:g}", width=0.6)
                             for a, c in zip(P.TUTORIAL_ALPHAS, ALPHA_COLOURS)]
        self.final_curve = self.curve(FINAL_COLOUR, name="step 3", width=1.2)
        self.your_curves: list[pg.PlotDataItem] = [self.curve(YOURS_COLOUR, name="yours", width=0.9)]
        self.your_curves[0].setVisible(False)
        self.add_legend(columns=3)
        self.setToolTip(f"Training loss (with the L2 penalty) after each pass over the data. Step 2's networks run "
                        f"up to {P.STEP2_SETTINGS['max_iter']} passes (α = their alpha); Step 3's early stopping "
                        f"ends at {P.STEP3_ITERATIONS}.")

    def _your_curve(self, k: int) -> pg.PlotDataItem:
        while len(self.your_curves) <= k:
            self.your_curves.append(self.curve(YOURS_COLOUR, width=0.5))
        return self.your_curves[k]

    def draw(self, step2: list[list[float]], final: list[float], yours: list[list[float]]) -> None:
        """Step 2's curves (in the alphas' order), Step 3's, and yours (one per seed)."""
        for i, curve in enumerate(self.alpha_curves):
            ys = step2[i] if i < len(step2) else []
            curve.setData(np.arange(1, len(ys) + 1), finite_or_nan(ys))
        self.final_curve.setData(np.arange(1, len(final) + 1), finite_or_nan(final))
        for k in range(max(len(self.your_curves), len(yours))):
            ys = yours[k] if k < len(yours) else []
            self._your_curve(k).setData(np.arange(1, len(ys) + 1), finite_or_nan(ys))
        if self.your_curves[0].isVisible() != bool(yours):   # no "yours" in the legend before a run
            self.your_curves[0].setVisible(bool(yours))
            self.legend.refresh()

    def set_presentation(self, presenting: bool) -> None:
        self.legend.columns = 2 if presenting else 3
        self.legend.refresh()


class ComparePlot(StyledPlot):
    """Test accuracy ± 1 SE of the baseline, the tutorial's final model and your pick."""

    def __init__(self, parent=None):
        super().__init__("Test accuracy ± 1 SE", f"test accuracy ({DIGITS_TEST} images)", "", parent)
        _still(self)
        self.err = pg.ErrorBarItem(x=np.array([]), y=np.array([]), width=np.array([]),
                                   pen=pg.mkPen(GREY, width=2), beam=0.18)
        self.addItem(self.err)
        self.dots = pg.ScatterPlotItem(pen=pg.mkPen("w", width=1))
        self.dots.setZValue(10)
        self.addItem(self.dots)
        self.seed_dots = pg.ScatterPlotItem(pen=pg.mkPen(None), brush=pg.mkBrush(80, 80, 80, 110), symbol="o")
        self.seed_dots.setZValue(5)
        self.addItem(self.seed_dots)
        self.base_line = self.vline(GREY, style=Qt.DashLine)
        self.base_line.setVisible(False)
        self.texts = []
        for _ in range(3):
            # on a white ground above the lines: the baseline's label sits on its own dashed line
            t = pg.TextItem("", color=BLACK, anchor=(0.5, 1.25), fill=pg.mkBrush(255, 255, 255, 220))
            t.setZValue(20)
            t.setVisible(False)
            self.addItem(t)
            self.texts.append(t)
        self.setYRange(-0.6, 2.6, padding=0)
        self.setXRange(0.93, 1.0, padding=0)
        self.getPlotItem().vb.disableAutoRange()
        self.hideAxis("left")
        self.grid.show(x=True, y=False)
        self.setToolTip(f"Test accuracy on {DIGITS_TEST} images; whiskers: ±1 binomial standard error (about ±1 "
                        "point). Grey dots: the individual seeds. Dashed line: the baseline.")

    def draw(self, rows: list[P.AccuracyRow]) -> None:
        y = np.arange(len(rows), dtype=float)
        xs = np.array([row.accuracy for row in rows])
        se = np.array([row.se for row in rows])
        colours = [verdict_colour(row.verdict) for row in rows]
        self.err.setData(x=xs, y=y, width=2 * se)
        self.dots.setData(x=xs, y=y, brush=[pg.mkBrush(c) for c in colours], size=theme().marker_size * 1.6)
        sx, sy = [], []
        for i, row in enumerate(rows):
            sx += list(row.seeds)
            sy += [i] * len(row.seeds)
        self.seed_dots.setData(x=sx, y=sy, size=theme().marker_size * 0.8)
        base = next((row.accuracy for row in rows if row.verdict is None), None)
        self.base_line.setVisible(base is not None)
        if base is not None:
            self.base_line.setValue(base)
        for i, t in enumerate(self.texts):
            t.setVisible(i < len(rows))
            if i < len(rows):
                t.setText(f"{rows[i].name}: {rows[i].accuracy:.4f}")
                t.setPos(rows[i].accuracy, i + 0.1)
                t.setColor(QColor(colours[i]) if colours[i] != GREY else QColor(BLACK))
        self.getAxis("left").setTicks([[(i, "") for i in range(len(rows))]])
        if len(rows):
            lo = min(float(np.min(xs - 2.2 * se)), *(sx or [1.0]))
            hi = max(float(np.max(xs + 2.2 * se)), *(sx or [0.0]))
            self.setXRange(max(lo, 0.0), min(hi, 1.0), padding=0.05)
        self.setYRange(-0.6, max(len(rows), 1) - 0.2, padding=0)
