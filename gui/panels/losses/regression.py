"""Regression: MSE, MAE and Huber against the error, with δ, and the tutorial's outlier table."""
from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from engine import losses as L
from gui.panels.losses.common import (C_HUBER, C_MAE, C_MSE, KeyLabel, LossSection, big_label, checked_list,
                                      error_label, no_mouse, pane_widths, show_errors)
from gui.panels.losses.live_table import LiveTable, parse
from gui.plots import StyledPlot
from gui.theme import GREY

TUTORIAL_Y_TRUE = (1.0, 2.0, 3.0, 4.0, 5.0, 100.0)
TUTORIAL_Y_PRED = (1.1, 2.2, 2.8, 4.1, 5.2, 10.0)
REGRESSION_ERRORS = np.linspace(-5.0, 5.0, 401)  # the tutorial's error range
HEADERS = ("y_true", "y_pred", "error", "error²", "|error|", "Huber")


def _fmt(v: float) -> str:
    return f"{v:.4g}"


class RegressionSection(LossSection):
    """MSE/MAE/Huber against the error, with delta, and the tutorial's outlier table."""
    key, title = "regression", "Regression"
    lesson = ("<b>MSE</b> squares the error, <b>MAE</b> takes its size, <b>Huber</b> squares errors up to δ and "
              "grows linearly beyond. In the table one bad target (100 predicted as 10) has squared error 8100: "
              "MSE is ruled by that one point. Move δ: small δ makes Huber MAE-like, large δ MSE-like (half of it).")
    params = (L.HUBER_DELTA,)
    key_params = ("delta",)
    column_widths = pane_widths(560)

    def build(self) -> None:
        self.results: dict[str, float | None] = {}
        table_box = QGroupBox("The tutorial's targets, one outlier")
        tl = QVBoxLayout(table_box)
        self.table = LiveTable(list(HEADERS), read_only=(2, 3, 4, 5))
        self.table.setToolTip("Double-click a y_true or y_pred cell to edit it; the other columns and the "
                              "losses follow.")
        self.table.edited.connect(self.recompute)
        tl.addWidget(self.table)
        self.values_label = big_label()
        tl.addWidget(self.values_label)
        self.error = error_label()
        tl.addWidget(self.error)
        buttons = QHBoxLayout()
        restore = QPushButton("Tutorial table")
        restore.setToolTip("The tutorial's values back in the table")
        restore.clicked.connect(self.reset_table)
        buttons.addWidget(restore)
        tl.addLayout(buttons)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 6, 6)
        self.curve_plot = StyledPlot("Loss against the error", "error = y_true − y_pred", "loss")
        no_mouse(self.curve_plot)
        self.curve_plot.vline(GREY).setValue(0.0)
        self.curves = {"mse": self.curve_plot.curve(C_MSE), "mae": self.curve_plot.curve(C_MAE),
                       "huber": self.curve_plot.curve(C_HUBER)}
        self.curve_key = KeyLabel([(C_MSE, "MSE", False), (C_MAE, "MAE", False), (C_HUBER, "Huber δ = 1", False)])
        self.delta_lines = [self.curve_plot.vline(C_HUBER, width=0.5, style=Qt.DotLine) for _ in range(2)]
        self.curve_plot.setXRange(-5, 5, padding=0.02)
        self.curve_plot.setYRange(0, 10, padding=0)
        rl.addWidget(self.curve_plot, 1)
        rl.addWidget(self.curve_key)
        self.delta_form = self.make_form(compact=False)
        self.delta_widget = self.delta_form["delta"]
        rl.addWidget(self.delta_form)
        self.delta_buttons = {}
        for d in (1.0, 10.0):  # the tutorial's two Huber values, next to its table
            b = QPushButton(f"δ = {d:g}")
            b.setToolTip(f"The tutorial's Huber (delta={d:g})")
            b.clicked.connect(partial(self.delta_widget.set_value, d))
            buttons.addWidget(b)
            self.delta_buttons[d] = b
        buttons.addStretch(1)
        self.set_body([table_box], right)
        self.reset()

    def plots(self) -> dict[str, QWidget]:
        return {"losses": self.curve_plot}

    def tables(self) -> dict[str, Any]:
        import pandas as pd
        return {"targets": pd.DataFrame({h: self.table.column_texts(c) for c, h in enumerate(HEADERS)})}

    # ----------------------------------------------------------------- state
    def state(self) -> dict[str, Any]:
        return {"y_true": self.table.column_texts(0), "y_pred": self.table.column_texts(1)}

    def check_state(self, values: dict[str, Any]) -> dict[str, Any]:
        out = {name: checked_list(name, v, str) for name, v in values.items()}
        if len({len(out.get(name, texts)) for name, texts in self.state().items()}) != 1:
            raise ValueError(f"{self.key}: y_true and y_pred must have one length")
        return out

    def apply_state(self, values: dict[str, Any]) -> None:
        y_true = values.get("y_true", self.table.column_texts(0))
        y_pred = values.get("y_pred", self.table.column_texts(1))
        blank = [""] * len(y_true)
        self.table.set_columns({0: y_true, 1: y_pred, 2: blank, 3: blank, 4: blank, 5: blank})
        self.recompute()
        self.table.fit()

    def reset(self) -> None:
        super().reset()
        self.reset_table()
        self.draw_curves()

    def reset_table(self) -> None:
        self.apply_state({"y_true": [f"{v:g}" for v in TUTORIAL_Y_TRUE], "y_pred": [f"{v:g}" for v in TUTORIAL_Y_PRED]})

    @property
    def delta(self) -> float:
        return self.delta_form.values()["delta"]

    def on_change(self, name: str, value) -> None:
        self.draw_curves()
        self.recompute()

    # ----------------------------------------------------------------- drawing
    def draw_curves(self) -> None:
        d = self.delta
        curves = L.regression_loss_curves(REGRESSION_ERRORS, d)
        for key, item in self.curves.items():
            if key == "huber" or item.xData is None:  # only Huber depends on delta
                item.setData(REGRESSION_ERRORS, curves[key])
        for line, sign in zip(self.delta_lines, (-1, 1)):
            line.setValue(sign * d)
            line.setVisible(d <= 5.0)
        self.curve_key.set_text(2, f"Huber δ = {d:g}")

    @Slot()
    def recompute(self) -> None:
        y_true, e1, bad = parse(self.table.column_texts(0), 0, "y_true")
        y_pred, e2, bad2 = parse(self.table.column_texts(1), 1, "y_pred")
        messages, bad = e1 + e2, bad | bad2
        d = self.delta
        self.results = {"mse": None, "mae": None, "huber": None}
        if not messages:
            try:
                self.results = {"mse": L.mse(y_true, y_pred), "mae": L.mae(y_true, y_pred),
                                "huber": L.huber(y_true, y_pred, d)}
            except ValueError as exc:
                messages.append(str(exc))
                bad |= {(int(r), c) for c, v in ((0, y_true), (1, y_pred)) for r in np.flatnonzero(~np.isfinite(v))}
        self.table.mark(bad)
        if self.results["mse"] is not None:
            e = np.asarray(y_true) - np.asarray(y_pred)
            per_point = L.regression_loss_curves(e, d)
            cols = {2: e, 3: per_point["mse"], 4: per_point["mae"], 5: per_point["huber"]}
        else:
            cols = {c: [np.nan] * self.table.rowCount() for c in (2, 3, 4, 5)}
        for c, vals in cols.items():
            for r, v in enumerate(vals):
                self.table.set_cell(r, c, _fmt(v) if np.isfinite(v) else "—")

        def show(key):
            v = self.results[key]
            return f"{v:.4f}" if v is not None else "—"
        self.values_label.setText(
            f"<span style='color:{C_MSE}'>MSE {show('mse')}</span> &nbsp; "
            f"<span style='color:{C_MAE}'>MAE {show('mae')}</span><br>"
            f"<span style='color:{C_HUBER}'>Huber (δ = {d:g}) {show('huber')}</span>")
        show_errors(self.error, messages)
        self.drawn.emit()

    def restyle(self) -> None:
        self.draw_curves()
        super().restyle()
