"""5 · MLP + L2: the tutorial's MLPClassifier with alpha 0 and 0.01, and one alpha of your own.

The run is the engine's :func:`engine.regularization.mlp_job` (one event per trained network,
about 0.2 s each); the table is :func:`engine.regularization.mlp_frame`.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from engine import regularization as R
from gui.lab import RunSection
from gui.plots import StyledPlot
from gui.predict import PREDICTION_COLOUR, REVEALED, Prediction
from gui.tables import FrameTable
from gui.theme import BLACK, BLUE, VERMILLION, theme
from gui.widgets import BOX, group, plain_axes, with_legend

TRAIN_COLOUR, TEST_COLOUR = BLUE, VERMILLION
OFFSETS = {"train": -0.19, "test": 0.19}   # the two bars of one network

LESSON = (
    "<b>L2 on a network</b> (scikit-learn's <i>alpha</i>): the tutorial trains the same MLP with "
    "alpha 0 and 0.01. <b>On this data both reach train 1.0000 / test 0.8700: the penalty does not "
    "change test accuracy at 0.01</b>, it is too weak to matter here. Try a much larger alpha of "
    "your own.")


class MlpL2Section(RunSection):
    key, title, lesson = "mlp_l2", "5 · MLP + L2", LESSON
    params = (R.YOUR_ALPHA,)
    key_params = ("alpha",)
    # each network's test accuracy, clicked over its test bar (0-1 while predicting: the axis of the
    # last result starts just below its lowest bar)
    prediction = Prediction("accuracy", "y", "Click the test accuracy of the network with {target}",
                            you="you predicted {target} scores {p}", happened="it scored {o}",
                            missing="the network with {target} was not trained", decimals=2, axis=(0.0, 1.04))

    def build(self) -> None:
        self.alphas: tuple = ()
        form = self.make_form()
        # an axis label makes the axis reserve room for its 18 pt ticks in presentation mode
        self.plot = StyledPlot("MLP accuracy by L2 penalty", "L2 alpha", "accuracy")
        self.plot.setMouseEnabled(x=False, y=False)
        plain_axes(self.plot, x_grid=False)
        self.bars = {
            "train": pg.BarGraphItem(x=[0], height=[0], width=0.35, brush=TRAIN_COLOUR, pen=pg.mkPen(None),
                                     name="train accuracy"),
            "test": pg.BarGraphItem(x=[0], height=[0], width=0.35, brush=TEST_COLOUR, pen=pg.mkPen(None),
                                    name="test accuracy"),
        }
        for bars in self.bars.values():
            bars.setVisible(False)
            self.plot.addItem(bars)
        self.plot.setYRange(0, 1.08, padding=0)
        self.labels: list[pg.TextItem] = []
        self.table = FrameTable(formats={"Train acc": ".4f", "Test acc": ".4f",
                                         "Iterations": lambda v: str(int(v)), "Seconds": ".2f"})
        self.table.set_frame(R.mlp_frame(()))
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(with_legend(self.plot, ((TRAIN_COLOUR, "train accuracy", BOX),
                                             (TEST_COLOUR, "test accuracy", BOX))), 1)
        rl.addWidget(self.table)
        self.set_body([group("MLPClassifier (100, 50)", self.run_row, form), self.note], right)
        self.predictor.changed.connect(self._revealed)

    def plots(self) -> dict:
        return {"accuracy": self.plot}

    def tables(self) -> dict:
        return {"mlp": R.mlp_frame(self.alphas, self.events)}

    # ------------------------------------------------------------ predict, then reveal (gui/predict.py)
    def prediction_targets(self) -> list:
        return [(f"alpha {a:g}", PREDICTION_COLOUR) for a in R.mlp_alphas(self.values()["alpha"])]

    def prediction_outcome(self, target: str):
        return next((e.test_accuracy for e in self.events if f"alpha {e.alpha:g}" == target), None)

    def prediction_span(self, target: str):
        names = [t for t, _ in self.prediction_targets()]
        if target not in names:
            return None
        middle = names.index(target) + OFFSETS["test"]
        return (middle - 0.17, middle + 0.17)      # over its test bar

    def prediction_hide(self) -> None:
        super().prediction_hide()
        self.predictor.hide_widget(self.table)
        self.predictor.hide_widget(self.lesson_box)    # it gives the tutorial's 0.87 of both networks
        y_label = self.plot.label("left")       # "accuracy (axis from 0.85)" would tell
        self.plot.set_labels(y_label="accuracy")
        self.predictor.on_restore(lambda: self.plot.set_labels(y_label=y_label))
        # the bars' places (the axis shows them while hidden): one network per alpha
        alphas = R.mlp_alphas(self.values()["alpha"])
        self.plot.getAxis("bottom").setTicks([[(i, f"{a:g}") for i, a in enumerate(alphas)]])
        self.plot.setXRange(-0.6, len(alphas) - 0.4, padding=0)

    def _revealed(self, state: str) -> None:
        if state == REVEALED and self.events:
            self.draw()       # the axis holds the predictions too (a wild guess far below the bars)

    # ------------------------------------------------------------ the run
    @staticmethod
    def job(alpha):
        return R.mlp_job(alpha)

    def started(self, values: dict) -> None:
        self.alphas = R.mlp_alphas(values["alpha"])
        self.note.setText(f"Training {len(self.alphas)} networks (about 0.2 s each)…")
        self.draw()
        self.table.fit_height()

    def draw(self) -> None:
        frame = R.mlp_frame(self.alphas, self.events)
        frame = frame.astype(object).where(frame.notna(), "…")                 # "…": still training
        frame["alpha"] = [f"{a:g}" for a in self.alphas]    # the row's name, left-aligned as a label
        self.table.set_frame(frame)
        n = len(self.events)
        x = np.arange(n, dtype=float)
        for key, offset in OFFSETS.items():
            self.bars[key].setOpts(x=x + offset, height=[getattr(e, f"{key}_accuracy") for e in self.events])
            self.bars[key].setVisible(n > 0)
        for label in self.labels:
            self.plot.removeItem(label)
        self.labels = []
        for e in self.events:
            for key, offset in OFFSETS.items():
                value = getattr(e, f"{key}_accuracy")
                label = pg.TextItem(f"{value:.2f}", color=BLACK, anchor=(0.5, 1.0))  # 100 test samples
                label.setFont(theme().font(0.9))
                label.setPos(e.index + offset, value)
                self.plot.addItem(label)
                self.labels.append(label)
        # a 0-1 axis hid 0.87 against 0.89: start the axis just below the lowest bar (and say so)
        values = [getattr(e, f"{k}_accuracy") for e in self.events for k in OFFSETS]
        if self.predictor.state == REVEALED:
            values += list(self.predictor.points.values())
        low = max(0.0, np.floor((min(values) - 0.04) * 20) / 20) if values else 0.0
        self.plot.setYRange(low, 1.04 if values else 1.08, padding=0)
        y_label = f"accuracy (axis from {low:g})" if low > 0 else "accuracy"
        if self.plot.label("left") != y_label:
            self.plot.set_labels(y_label=y_label)
        self.plot.getAxis("bottom").setTicks([[(i, f"{a:g}") for i, a in enumerate(self.alphas)]])
        self.plot.setXRange(-0.6, max(len(self.alphas), 1) - 0.4, padding=0)

    def show_cancelled(self) -> None:
        self.note.setText(f"Cancelled after {len(self.events)} of {len(self.alphas)} networks.")

    def show_result(self, _table) -> None:
        effect = R.l2_effect(self.events)
        a, b, e = effect.none, effect.tutorial, effect.yours
        text = ""
        if a is not None and b is not None:
            text = (f"alpha 0: train {a.train_accuracy:.4f} / test {a.test_accuracy:.4f}; alpha 0.01: train "
                    f"{b.train_accuracy:.4f} / test {b.test_accuracy:.4f}. ")
            text += ("<b>On this data the L2 penalty at 0.01 does not change test accuracy</b> (the tutorial's "
                     "comparison shows no effect, not a benefit)." if effect.no_change else
                     f"The penalty changed test accuracy by {b.test_accuracy - a.test_accuracy:+.2f}.")
        if e is not None and a is not None:
            text += (f"<br>Your alpha {e.alpha:g}: train {e.train_accuracy:.4f} / test {e.test_accuracy:.4f} "
                     f"({e.test_accuracy - a.test_accuracy:+.2f} test accuracy against no penalty, "
                     f"one split of 100 test samples: ±0.01 is one sample).")
        if effect.not_converged:
            text += f"<br><i>alpha {', '.join(f'{x:g}' for x in effect.not_converged)} stopped at the " \
                    f"500-iteration limit.</i>"
        self.note.setText(text)

    # ------------------------------------------------------------ theme
    def restyle(self) -> None:
        super().restyle()
        self.table.fit_height()
        if self.events and not self.predictor.hiding:   # (not while the class predicts: the axis would tell)
            self.draw()
