"""Classification: BCE curves, the editable table of the tutorial's predictions, and categorical
cross-entropy through a softmax."""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from engine import losses as L
from engine.params import Param
from gui.panels.losses.common import (C_BAD, C_GOOD, LossSection, big_label, blocked, checked_bool, checked_list,
                                      engine_error, error_label, no_mouse, show_errors)
from gui.panels.losses.live_table import LiveTable, parse
from gui.plots import StyledPlot, finite_or_nan
from gui.theme import BLUISH_GREEN, GREY, theme
from gui.widgets import DASHED, SOLID, legend_html, lesson_label, rich_label, with_key

# the tutorial's figures (section 1)
TUTORIAL_LABELS = (1, 0, 1, 1, 0)
TUTORIAL_GOOD = (0.9, 0.1, 0.8, 0.95, 0.2)
TUTORIAL_BAD = (0.4, 0.6, 0.3, 0.5, 0.7)
TABLE_COLUMNS = ("labels", "p_good", "p_bad")   # the table's columns in values()
# logits of the three-class example; declared here because the engine's softmax takes any
# finite logits and only the slider needs a range
LOGITS = tuple(Param(f"z{k}", f"logit z{k}", v, minimum=-6.0, maximum=6.0, decimals=2,
                     help=f"Raw score of class {k}; softmax turns the three logits into probabilities.")
               for k, v in enumerate((2.0, 1.0, 0.1)))
BCE_P = np.linspace(0.01, 0.99, 197)             # the tutorial's probability range
# the BCE curves belong to no model: blue and vermillion are the good and bad model's markers
C_BCE = "#333333"
# the softmax box's title at the desk and in presentation mode (at 18 pt the long one alone set the
# page's width to 1228 px on a projector)
CCE_TITLES = {False: "Categorical cross-entropy: logits → softmax → probabilities",
              True: "Cross-entropy: logits → softmax"}


def prob_text(p: float) -> str:
    """A probability as the read-outs print it: 3 decimals, or 3 significant digits below 0.001
    (so the true class's 3e-06 never reads "0.000" beside a loss of 12.69)."""
    return f"{p:.3f}" if p >= 0.001 or p == 0.0 else f"{p:.2e}"


class ClassificationSection(LossSection):
    """BCE curves, the editable table of the tutorial's predictions, and CCE through a softmax."""
    key, title = "classification", "Classification"
    lesson = ("<b>Binary cross-entropy</b> is −log of the probability given to the true label. A confident "
              "<i>wrong</i> prediction costs far more than a timid right one and its slope dL/dp explodes: "
              "training pushes hardest on the worst mistakes. Markers: the table's predictions.")
    params = LOGITS
    key_params = ("z0", "z1", "z2")

    def build(self) -> None:
        self.losses: dict[str, float | None] = {"good": None, "bad": None}
        self.cce_loss = float("nan")
        table_box = QGroupBox("BCE of the tutorial's examples")
        tl = QVBoxLayout(table_box)
        self.table = LiveTable(["label y", "p (good)", "p (bad)"])
        self.table.setToolTip("Double-click a cell to edit it. Labels must be 0 or 1, predictions "
                              "probabilities between 0 and 1. The losses update as you type.")
        self.table.edited.connect(self.recompute)
        tl.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_row_button = QPushButton("+ row")
        self.add_row_button.setToolTip("Add an example")
        self.add_row_button.clicked.connect(self.add_row)
        self.remove_row_button = QPushButton("− row")
        self.remove_row_button.setToolTip("Remove the last example")
        self.remove_row_button.clicked.connect(self.remove_row)
        self.restore_button = QPushButton("Tutorial table")
        self.restore_button.setToolTip("The tutorial's three examples back in the table")
        self.restore_button.clicked.connect(self.reset_table)
        for b in (self.add_row_button, self.remove_row_button, self.restore_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        tl.addLayout(buttons)
        self.loss_label = big_label()
        tl.addWidget(self.loss_label)
        self.error = error_label()
        tl.addWidget(self.error)
        self.gradient_check = QCheckBox("Overlay the gradient dL/dp")
        self.gradient_check.setToolTip("Dashed: what an optimizer feels, −1/p for label 1 and 1/(1 − p) for "
                                       "label 0 (−100 at p = 0.01, off the chart).")
        self.gradient_check.toggled.connect(self.draw_curves)
        cce_lesson = lesson_label(
            "<b>Categorical cross-entropy</b> (below the curves): softmax turns three logits into "
            "probabilities; the loss is −log of the true class's probability (the green bar). Its gradient "
            "for the logits is p − y: the true class is pushed up, the others down, each by how wrong it is.")
        self.set_body([table_box, self.gradient_check, cce_lesson], self._build_plots())
        self.reset()

    def _build_plots(self) -> QWidget:
        """BCE plots on top, CCE below."""
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 6, 6)
        self.bce_plots: dict[int, StyledPlot] = {}
        self.bce_items: dict[int, dict] = {}
        plots_row = QWidget()
        pr = QHBoxLayout(plots_row)
        pr.setContentsMargins(0, 0, 0, 0)
        for label in (1, 0):
            plot = StyledPlot(f"BCE, true label {label}", "predicted probability p", "loss")
            no_mouse(plot)
            plot.vline(GREY).setValue(0.5)
            items = {"loss": plot.curve(C_BCE), "grad": plot.curve(C_BCE, width=0.75, style=Qt.DashLine)}
            items["zero"] = pg.InfiniteLine(pos=0.0, angle=0, pen=pg.mkPen(GREY, width=1))
            plot.addItem(items["zero"])
            for key, colour_dot, symbol in (("good", C_GOOD, "o"), ("bad", C_BAD, "s")):
                dots = pg.ScatterPlotItem(symbol=symbol, pen=pg.mkPen("k", width=1), brush=pg.mkBrush(colour_dot))
                dots.setZValue(10)
                plot.addItem(dots)
                items[key] = dots
            self.bce_plots[label] = plot
            self.bce_items[label] = items
            pr.addWidget(plot)
        # which curve is which once the gradient shares the loss axis (hidden without it)
        self.grad_key = rich_label(legend_html([(C_BCE, "loss L", SOLID), (C_BCE, "gradient dL/dp "
                                                "(same axis, cut at ±6)", DASHED)]))
        self.grad_key.setVisible(False)
        bce_box = with_key(plots_row, self.grad_key)
        self.right_split = QSplitter(Qt.Vertical)
        self.right_split.setChildrenCollapsible(False)
        self.right_split.addWidget(bce_box)
        self.cce_box = self._build_cce()
        self.right_split.addWidget(self.cce_box)
        rl.addWidget(self.right_split)
        # on a projector each BCE plot gets the row's whole width in turn (CCE and its logits, the
        # key parameters, stay below)
        self.plot_turns(*((f"BCE, true label {label}", self.bce_plots[label]) for label in (1, 0)))
        return right

    def _build_cce(self) -> QGroupBox:
        cce_box = QGroupBox(CCE_TITLES[False])
        cl = QHBoxLayout(cce_box)
        controls = QWidget()
        cc = QVBoxLayout(controls)
        cc.setContentsMargins(0, 0, 0, 0)
        self.true_class = QComboBox()
        for k in range(3):
            self.true_class.addItem(f"class {k}", k)
        self.true_class.setToolTip("The correct answer for this example (its one-hot label).")
        self.true_class.currentIndexChanged.connect(self.recompute_cce)
        tc = QHBoxLayout()
        tc.addWidget(QLabel("true class"))
        tc.addWidget(self.true_class)
        tc.addStretch(1)
        cc.addLayout(tc)
        self.logit_form = self.make_form(compact=False)
        cc.addWidget(self.logit_form)
        self.cce_label = big_label(scale=1.0)
        cc.addWidget(self.cce_label)
        self.cce_grad_label = QLabel()
        self.cce_grad_label.setTextFormat(Qt.RichText)
        self.cce_grad_label.setWordWrap(True)   # one line of it set the page's width: 1228 px on a projector
        cc.addWidget(self.cce_grad_label)
        self.cce_plot = StyledPlot("", "", "")
        no_mouse(self.cce_plot)
        self.cce_plot.setYRange(0, 1.18, padding=0)
        self.cce_plot.setXRange(-0.6, 2.6, padding=0)
        self.cce_plot.set_labels(x_label="class")
        self.cce_plot.getAxis("bottom").setTicks([[(k, str(k)) for k in range(3)]])
        self.cce_plot.getAxis("left").setTicks([[(v, f"{v:g}") for v in (0, 0.5, 1)]])
        self.bars = pg.BarGraphItem(x=np.arange(3), height=np.zeros(3), width=0.6, brushes=[GREY] * 3,
                                    pen=pg.mkPen("k", width=1))
        self.cce_plot.addItem(self.bars)
        self.bar_texts = []
        for _ in range(3):
            t = pg.TextItem("", color="k", anchor=(0.5, 1.0))
            self.cce_plot.addItem(t)
            self.bar_texts.append(t)
        cl.addWidget(controls, 3)
        cl.addWidget(self.cce_plot, 2)
        return cce_box

    def plots(self) -> dict[str, QWidget]:
        return {"bce_label_1": self.bce_plots[1], "bce_label_0": self.bce_plots[0], "softmax": self.cce_plot}

    def tables(self) -> dict[str, Any]:
        import pandas as pd
        return {"predictions": pd.DataFrame({h: self.table.column_texts(c)
                                             for c, h in enumerate(("label y", "p (good)", "p (bad)"))})}

    # ----------------------------------------------------------------- state
    def state(self) -> dict[str, Any]:
        out = {name: self.table.column_texts(c) for c, name in enumerate(TABLE_COLUMNS)}
        out.update(true_class=self.true_class.currentData(), gradient=self.gradient_check.isChecked())
        return out

    def check_state(self, values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        for name in TABLE_COLUMNS:
            if name in out:
                out[name] = checked_list(name, out[name], str)
        if len({len(out.get(name, self.table.column_texts(c))) for c, name in enumerate(TABLE_COLUMNS)}) != 1:
            raise ValueError(f"{self.key}: the table's columns {', '.join(TABLE_COLUMNS)} must have one length")
        if "true_class" in out and (isinstance(out["true_class"], bool) or out["true_class"] not in (0, 1, 2)):
            raise ValueError(f"true_class: expected 0, 1 or 2, got {out['true_class']!r}")
        if "gradient" in out:
            out["gradient"] = checked_bool("gradient", out["gradient"])
        return out

    def apply_state(self, values: dict[str, Any]) -> None:
        with blocked(self.gradient_check, self.true_class):
            if "gradient" in values:
                self.gradient_check.setChecked(values["gradient"])
            if "true_class" in values:
                self.true_class.setCurrentIndex(values["true_class"])
        columns = {c: values.get(name, self.table.column_texts(c)) for c, name in enumerate(TABLE_COLUMNS)}
        self.table.set_columns(columns)
        self.recompute()
        self.draw_curves()
        self.recompute_cce()

    def reset(self) -> None:
        super().reset()
        self.apply_state({"gradient": False, "true_class": 0, "labels": [str(v) for v in TUTORIAL_LABELS],
                          "p_good": [str(v) for v in TUTORIAL_GOOD], "p_bad": [str(v) for v in TUTORIAL_BAD]})

    def reset_table(self) -> None:
        self.apply_state({"labels": [str(v) for v in TUTORIAL_LABELS], "p_good": [str(v) for v in TUTORIAL_GOOD],
                          "p_bad": [str(v) for v in TUTORIAL_BAD]})

    def add_row(self) -> None:
        self.table.append_row(["1", "0.5", "0.5"])
        self.recompute()

    def remove_row(self) -> None:
        if self.table.rowCount() > 1:
            self.table.setRowCount(self.table.rowCount() - 1)
            self.table.fit()
            self.recompute()

    def on_change(self, name: str, value) -> None:
        self.recompute_cce()

    # ----------------------------------------------------------------- drawing
    @Slot()
    def recompute(self) -> None:
        labels, errors, bad = parse(self.table.column_texts(0), 0, "label y")
        messages = list(errors)
        n = len(labels)
        # the engine reports the first problem it meets; asking it about the labels and about
        # each prediction column separately reports every column's problem at once
        label_msg = None if errors else engine_error(L.binary_cross_entropy, labels, np.full(n, 0.5))
        if label_msg:
            messages.append(f"label y column: {label_msg}")
            bad |= {(int(r), 0) for r in np.flatnonzero(~np.isin(np.asarray(labels), (0.0, 1.0)))}
        lines = []
        for key, col, name, colour, glyph in (("good", 1, "good", C_GOOD, "●"), ("bad", 2, "bad", C_BAD, "■")):
            preds, p_errors, p_bad = parse(self.table.column_texts(col), col, f"p ({name})")
            messages += p_errors
            bad |= p_bad
            loss = None
            if not p_errors:
                p_msg = engine_error(L.binary_cross_entropy, np.zeros(n), preds)
                if p_msg:
                    messages.append(f"p ({name}) column: {p_msg}")
                    p = np.asarray(preds)
                    bad |= {(int(r), col) for r in np.flatnonzero(~((p >= 0) & (p <= 1)))}
                elif not errors and not label_msg:
                    loss = L.binary_cross_entropy(labels, preds)
            self.losses[key] = loss
            shown = f"{loss:.4f}" if loss is not None else "—"
            lines.append(f"<span style='color:{colour}'>{glyph} {name} model: {shown}</span>")
            self._draw_dots(key, labels, preds, ok=loss is not None)
        self.table.mark(bad)
        self.loss_label.setText("<br>".join(lines))
        show_errors(self.error, messages)
        self.drawn.emit()

    def _draw_dots(self, key: str, labels, preds, ok: bool) -> None:
        for label, items in self.bce_items.items():
            if not ok:
                items[key].setData([], [])
                continue
            y, p = np.asarray(labels), np.asarray(preds)
            p = p[y == label]
            items[key].setData(p, L.bce_curve(p, label) if p.size else [], size=theme().marker_size * 1.3)

    @Slot()
    def draw_curves(self, *_args) -> None:
        grad = self.gradient_check.isChecked()
        self.grad_key.setVisible(grad)
        for label, items in self.bce_items.items():
            items["loss"].setData(BCE_P, L.bce_curve(BCE_P, label))
            if grad:
                items["grad"].setData(BCE_P, finite_or_nan(L.bce_curve_slope(BCE_P, label)))
            else:
                items["grad"].setData([], [])
            items["zero"].setVisible(grad)
            plot = self.bce_plots[label]
            plot.setXRange(0, 1, padding=0.02)
            plot.setYRange(-6.0 if grad else 0.0, 6.0 if grad else 5.0, padding=0)

    @Slot()
    def recompute_cce(self, *_args) -> None:
        v = self.logit_form.values()
        z = np.array([v[p.name] for p in LOGITS])
        k = self.true_class.currentData()
        onehot = np.eye(3)[k]
        p = L.softmax(z)
        self.cce_loss = L.categorical_cross_entropy_from_logits(onehot, z)
        g = L.cce_logits_grad(onehot, z)
        self.bars.setOpts(height=p, brushes=[pg.mkBrush(BLUISH_GREEN if j == k else "#b0b0b0") for j in range(3)])
        for j, t in enumerate(self.bar_texts):
            t.setText(prob_text(p[j]))
            t.setPos(j, p[j] + 0.01)
        self.cce_label.setText(f"CCE = −log {prob_text(p[k])} = {self.cce_loss:.4f}")
        self.cce_grad_label.setText("dL/dz = p − y = [" + ", ".join(f"{x:+.3f}" for x in g) + "]")

    def restyle(self) -> None:
        self.cce_box.setTitle(CCE_TITLES[theme().presentation])
        for t in self.bar_texts:
            t.setFont(theme().font())
        self.recompute()
        super().restyle()
        total = self.right_split.height() if self.right_split.height() > 300 else 660
        cce = min(self.cce_box.minimumSizeHint().height() + 10, total // 2)
        self.right_split.setSizes([total - cce, cce])
