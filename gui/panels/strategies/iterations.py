"""3 · Iterations ≠ batch size: the tutorial's "batch size" cell reproduced to the digit and labelled
for what it is: SGDClassifier's max_iter (passes over the data), with batch size 1 throughout."""
from __future__ import annotations

import html
import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from engine import strategies as ST
from gui.panels.strategies.common import TEST_COLOUR, TRAIN_COLOUR, StrategyRun, cell, with_pending
from gui.plots import StyledPlot
from gui.predict import Prediction
from gui.tables import FrameTable
from gui.theme import BLACK, theme
from gui.widgets import SOLID, group, legend_html, plain_axes, set_text, with_legend

LESSON = (
    "<b>Not batch size: iterations.</b> The tutorial's cell &lsquo;Different partial_fit iterations to simulate "
    "batch sizes&rsquo; fits <code>SGDClassifier(max_iter=n, tol=None, random_state=42)</code> for n = 10, 50, "
    "100, 200. SGDClassifier always updates the weights after <i>every single sample</i> (batch size 1); "
    "<code>max_iter</code> is the number of passes (epochs) over the data. So the table shows what more "
    "epochs do, and nothing about batch size (tab 2 does that).<br>"
    "<b>Warnings:</b> scikit-learn raises a ConvergenceWarning when a fit stops at max_iter <i>and</i> a "
    "tolerance is set. With the tutorial's tol=None there is no stopping rule, so it never warns; choose "
    "tol 1e-3 to see small max_iter warn (the lab catches the warning on purpose and shows it in the table) "
    "and larger ones stop early.")

N = ST.SECTION4_TRAIN_SIZE
# engine column -> (header, tooltip, format)
COLUMNS = {
    "max_iter": ("max_iter", "SGDClassifier's max_iter: the most passes over the data it may make", cell("d", True)),
    "epochs_run": ("Epochs\nrun", "Passes scikit-learn actually made (n_iter_)", cell("d", True)),
    "updates": ("Weight\nupdates", "Weight updates: one per sample per pass", cell(",d", True)),
    "batch_size": ("Batch\nsize", "SGDClassifier updates after every single sample, whatever max_iter is",
                   cell("d", True)),
    "train_acc": ("Train\nacc", f"Accuracy on the {N} training samples", cell(".5f")),
    "test_acc": ("Test\nacc", f"Accuracy on the {ST.SECTION4_SAMPLES - N} test samples", cell(".3f")),
    "tutorial": ("Tutorial:\ntrain/test", "What the tutorial prints for this max_iter; ✓ when this row matches it "
                 "to the digit", None),
    "seconds": ("Seconds", "Wall time of the fit", cell(".3f")),
    "warning": ("Warning\n(caught)", "A ConvergenceWarning scikit-learn raised, caught and reported here "
                                     "(hover over a cell for its message)", None),
}
HEADERS = {name: header for name, (header, _tip, _fmt) in COLUMNS.items()}
PRESENTATION_HIDDEN = (2, 7)


class IterationsSection(StrategyRun):
    key, title, lesson = "iterations", "3 · Iterations ≠ batch size", LESSON
    params = (ST.ITER_SET, ST.TOL)
    key_params = ("values", "tol")
    PREDICTED = 200          # the tutorial's last max_iter: its test accuracy is clicked on the plot
    prediction = Prediction("accuracy against max_iter", "y", "Click the test accuracy at {target}",
                            you="you predicted {target} scores {p}", happened="it scored {o}",
                            missing="{target} was not fitted", decimals=2, axis=(0.0, 1.0))

    def build(self) -> None:
        self.rows: list = []
        self.max_iters: tuple = ()
        self.tol = None
        self._fitted_rows = None
        self.form = self.make_form()
        self.table = FrameTable(formats={h: f for h, _t, f in COLUMNS.values() if f is not None},
                                tips={h: t for h, t, _f in COLUMNS.values()}, stretch=HEADERS["warning"])
        self.table.model_.cell_tips = self._cell_tip
        self.table.model_.alignment = Qt.AlignCenter
        self.table.set_frame(self.shown_frame())
        self.plot = StyledPlot("Accuracy against max_iter", "max_iter = passes over the data (log scale)", "accuracy")
        self.plot.setLogMode(x=True)
        plain_axes(self.plot)
        self.train_curve = self.plot.curve(TRAIN_COLOUR, symbol="o", symbolBrush=TRAIN_COLOUR, symbolPen=None)
        self.test_curve = self.plot.curve(TEST_COLOUR, symbol="s", symbolBrush=TEST_COLOUR, symbolPen=None)
        self.tutorial_marks = pg.PlotDataItem([], [], pen=None, symbol="x", symbolSize=theme().marker_size * 1.6,
                                              symbolPen=pg.mkPen(BLACK, width=2), symbolBrush=BLACK)
        self.plot.addItem(self.tutorial_marks)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.table)
        self.plot_box = with_legend(self.plot, self.legend_entries())
        rl.addWidget(self.plot_box, 1)
        # presentation: the plot and the table take turns (the table left the plot under a third of a
        # 768 px projector); the plot shows the same accuracies and the tutorial's printed values
        self.deck = self.plot_turns(("Accuracy plot", self.plot_box), ("Table", self.table))
        self.set_body([group("SGDClassifier fits", self.run_row, self.form), self.note], right)

    def plots(self) -> dict:
        return {"accuracy against max_iter": self.plot}

    def tables(self) -> dict:
        return {"max_iter": ST.iteration_table(self.max_iters, self.rows, self.tol)}

    def shown_frame(self):
        return with_pending(ST.iteration_table(self.max_iters, self.rows, self.tol)).rename(columns=HEADERS)

    def _cell_tip(self, row: int, column: str):
        if column != HEADERS["warning"] or row >= len(self.rows):
            return None
        return self.rows[row].warning or "scikit-learn raised no warning for this fit"

    # ------------------------------------------------------------ predict, then reveal (gui/predict.py)
    def prediction_targets(self) -> list:
        shown = ST.iteration_choices(**self.values())[0]
        return [(f"max_iter {self.PREDICTED}", TEST_COLOUR)] if self.PREDICTED in shown else []

    def prediction_outcome(self, _target: str):
        return next((r.test_acc for r in self.rows if r.max_iter == self.PREDICTED), None)

    def prediction_span(self, _target: str):
        x = math.log10(self.PREDICTED)      # (the axis is log10 of max_iter)
        return (x - 0.08, x + 0.08)

    def prediction_hide(self) -> None:
        super().prediction_hide()
        self.predictor.hide_widget(self.table)

    # ------------------------------------------------------------ the fits
    def job(self, values, tol):
        return ST.sgd_iterations(*ST.iteration_choices(values, tol))

    def started(self, values: dict) -> None:
        self.max_iters, self.tol = ST.iteration_choices(**values)
        self.rows = []
        self.note.setText(f"Fitting {len(self.max_iters)} SGDClassifiers…")

    def on_event(self, row) -> None:
        self.rows.append(row)

    def show_cancelled(self) -> None:
        self.note.setText(f"Cancelled after {len(self.rows)} fits.")

    def show_failure(self, message: str) -> None:
        self.note.setText(f"<b>The fits failed:</b> {html.escape(message)}")

    def draw(self) -> None:
        self.table.set_frame(self.shown_frame())
        if self._fitted_rows != (self.max_iters, len(self.rows)):
            self._fitted_rows = (self.max_iters, len(self.rows))
            self.table.fit_columns()
            self.table.fit_height()
        rows = self.rows
        x = [r.max_iter for r in rows]
        self.train_curve.setData(x, [r.train_acc for r in rows])
        self.test_curve.setData(x, [r.test_acc for r in rows])
        tut = [(m, float(v)) for m, pair in ST.TUTORIAL_ITER_TABLE.items() for v in pair
               if m in self.max_iters and self.tol is None]
        self.tutorial_marks.setData([m for m, _ in tut], [v for _, v in tut])
        if self.max_iters:
            lo, hi = math.log10(min(self.max_iters)), math.log10(max(self.max_iters))
            self.plot.setXRange(lo, hi, padding=0.08)
            self.plot.getAxis("bottom").setTicks([[(math.log10(m), str(m)) for m in self.max_iters]])

    def show_result(self, rows) -> None:
        s = ST.iteration_summary(rows, self.max_iters, self.tol)
        text = ""
        if s.tutorial_tol:
            text += (f"<b>{s.reproduced} of {s.comparable}</b> rows reproduce the tutorial's printed table to the "
                     f"digit. ") if s.comparable else ""
            text += "With tol=None scikit-learn raised no ConvergenceWarning: every fit ran all its epochs."
        else:
            early = s.stopped_early
            text += (f"With tol=1e-3, {s.warned} fit(s) stopped at max_iter and warned (caught, shown in the "
                     f"table)" + (f"; {len(early)} stopped early, after {early[0].n_iter} epochs, because the loss "
                                  f"stopped improving" if early else "") + ".")
        text += (f"<br>Every row updates the weights after each of the {s.n_train} samples: the batch size is "
                 f"{s.batch_size} throughout. More epochs help here (train 0.833 &rarr; 0.867), not a batch size.")
        self.note.setText(text)

    @staticmethod
    def legend_entries(short: bool = False) -> tuple:
        """The plot's key; ``short`` (presentation mode): on one line of a 1024 px projector."""
        return ((TRAIN_COLOUR, "train" if short else "train accuracy", SOLID),
                (TEST_COLOUR, "test" if short else "test accuracy", SOLID),
                (BLACK, "tutorial's values" if short else "tutorial's printed values", "&times;"))

    def restyle(self) -> None:
        super().restyle()
        set_text(self.plot_box.legend_label, legend_html(self.legend_entries(theme().presentation)))
        self.tutorial_marks.setSymbolSize(theme().marker_size * 1.6)
        for c in PRESENTATION_HIDDEN:
            self.table.setColumnHidden(c, theme().presentation)
        self.table.resizeColumnsToContents()
        self.table.fit_height()
