"""Learning curves on one target size: test accuracy (solid) and training accuracy (dashed)
epoch by epoch, the methods side by side, the pre-trained network dashed black."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from engine import transfer as T
from gui.plots import StyledPlot, finite_or_nan
from gui.theme import BLACK
from gui.widgets import plain_axes, rich_label, set_text, with_key
from gui.panels.transfer.style import COLOURS, METHODS, Y_RANGE


class LearningCurvesPlot:
    """The learning curves' plot and its key (``widget``: both)."""

    def __init__(self):
        self.plot = StyledPlot("Learning curves", "epoch", "accuracy")
        self.plot.setToolTip("One epoch is one pass over the target samples; every run takes the same "
                             "number of gradient steps, so small sets get more epochs.")
        plain_axes(self.plot, frozen=True)
        self.plot.setYRange(Y_RANGE[0], 1.01, padding=0)
        self.items: dict[str, dict] = {}
        for m in METHODS:
            self.items[m] = {
                "test": self.plot.curve(COLOURS[m]),
                "train": self.plot.curve(COLOURS[m], width=0.5, style=Qt.DashLine),
            }
        self.pre_line = self.plot.curve(BLACK, width=0.75, style=Qt.DashLine)
        self.key = rich_label("")
        self.widget = with_key(self.plot, self.key)

    def points(self, method: str = "fine-tune") -> int:
        """How many epochs of ``method`` the plot shows."""
        x, _ = self.items[method]["test"].getData()
        return 0 if x is None else len(x)

    def draw(self, history: dict[str, list[T.CurvePoint]], epochs: int, baseline: T.Baseline | None,
             curve_size: int) -> None:
        for m in METHODS:
            hist = history[m]
            x = np.array([p.epoch for p in hist], dtype=float)
            self.items[m]["test"].setData(x, finite_or_nan([p.test_acc for p in hist]))
            self.items[m]["train"].setData(x, finite_or_nan([p.train_acc for p in hist]))
        shown = max(epochs, 1)
        self.plot.setXRange(0, shown, padding=0.06)   # room for the last tick's label
        if baseline is not None and epochs:
            self.pre_line.setData([0, shown], [baseline.pretrained_acc] * 2)
        else:
            self.pre_line.setData([], [])
        set_text(self.key, f"<b>{curve_size} target samples</b>: solid test, dashed training accuracy")
