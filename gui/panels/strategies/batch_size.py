"""2 · Batch size: the gradient noise of batch sizes 8 ... full batch *measured* at fixed weights next
to its closed form, and one run per batch size: updates and time per epoch, accuracies. The
tutorial's table of typed-in words is shown beside the measurements."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from engine import strategies as ST
from gui.panels.strategies.common import BATCH_COLOURS, RunEvents, StrategyRun, cell, set_range, with_pending
from gui.plots import StyledPlot
from gui.predict import Prediction, last_epochs
from gui.tables import FrameTable
from gui.theme import BLACK, GREY, theme
from gui.widgets import DASHED, DOT, SOLID, fmt, group, legend_html, plain_axes, plain_log_ticks, rich_label, \
    with_legend

LESSON = (
    "<b>Batch size, measured.</b> The tutorial prints a table of words (&lsquo;High / Medium / Low&rsquo;) "
    "chosen by if-statements on the batch size: nothing in it was measured, and 31 and 32 land in "
    "different classes while 32 and 127 are &lsquo;the same&rsquo;. Here every number is measured on "
    "the tutorial's section-4 data (4000 training samples) with one network:<br>"
    "&bull; <b>gradient noise</b>: at the start weights, the distance between a batch's gradient and the "
    "full-batch gradient, averaged over many random batches. It falls smoothly like 1/&radic;B, exactly "
    "as the formula predicts: its square, the mean squared distance, is &sigma;&sup2;/B &middot; "
    "(N&minus;B)/(N&minus;1), so the distance is &radic;(&sigma;&sup2;/B &middot; (N&minus;B)/(N&minus;1)), "
    "0 for the full batch;<br>"
    "&bull; <b>time per epoch</b>: small batches are slower per epoch (many small matrix products), but they "
    "make many more updates per epoch, so after the same number of epochs they usually fit better: "
    "&lsquo;fast&rsquo; per epoch is not fast to a good model;<br>"
    "&bull; <b>memory</b> grows in proportion to B (computed: activations and deltas of one batch); for this "
    "small network even the full batch needs only a few MB.<br>"
    "The tutorial's next cell claims to show the batch-size effect but changes max_iter: see tab 3.")

N = ST.SECTION4_TRAIN_SIZE
# engine column -> (header, tooltip, format)
COLUMNS = {
    "batch": ("Batch\nsize", f"Samples per gradient step; full = all {N} training samples", None),
    "updates": ("Updates\n/ epoch", f"Weight updates in one pass over the data: ceil({N} / B)", cell("d", whole=True)),
    "noise": ("Noise\nmeasured", "RMS distance ‖g_B − g‖ between a random batch's gradient and the full-batch "
              "gradient at the start weights, over the drawn batches", cell(".4f")),
    "formula": ("Noise\nformula", "√(σ²/B · (N−B)/(N−1)) from the per-sample gradients: the exact expectation",
                cell(".4f")),
    "relative": ("Noise\n/ ‖g‖", "Measured noise divided by the full gradient's norm ‖g‖: above 1, a batch's "
                 "gradient is more noise than signal", cell(".2f")),
    "ms_per_epoch": ("ms\n/ epoch", "Median wall time of one epoch (training plus one validation pass), on this "
                     "machine while whatever else runs: compare the rows, not the absolute numbers", cell(".1f")),
    "memory_kb": ("Memory\n/ batch", "Memory of one batch's layer outputs and their gradients (computed from the "
                  "shapes, float64)", lambda kb: kb if isinstance(kb, str) else
                  f"{kb:,.0f} KB" if kb < 1024 else f"{kb / 1024:.1f} MB"),
    "train_acc": ("Train\nacc", "Training accuracy after the last epoch", cell(".3f")),
    "val_acc": ("Val\nacc", "Validation accuracy after the last epoch", cell(".3f")),
    "tutorial": ("Tutorial's text:\nnoise/memory/speed", "What the tutorial's table prints: if-statements on the "
                 "batch size, not measurements", None),
}
HEADERS = {name: header for name, (header, _tip, _fmt) in COLUMNS.items()}
# formula, noise / ‖g‖, memory and the tutorial's three-line text (five rows of three lines did not fit a
# 720 px projector): in the tooltips and normal mode
PRESENTATION_HIDDEN = (3, 4, 6, 9)


class BatchSizeSection(StrategyRun):
    key, title, lesson = "batch_size", "2 · Batch size", LESSON
    params = (ST.BATCH_LR, ST.BATCH_EPOCHS, ST.HIDDEN, ST.DRAWS, ST.SEED, ST.SPEED)
    initial = {"speed": 20}
    key_params = ("lr", "epochs")
    live_params = ("speed",)
    # the smallest batch's and the full batch's last validation accuracy, over the last epochs
    prediction = Prediction("validation accuracy", "y", "Click the last validation accuracy of {target}",
                            you="you predicted {target} ends at {p}", happened="it ended at {o}",
                            missing="{target} was not trained", decimals=2, axis=(0.0, 1.0))

    def build(self) -> None:
        self.labels = ST.lab_labels()
        self.noise: list = []
        self.run_events = RunEvents()
        self.hidden = ST.HIDDEN.default
        self.contended = False     # did another run train while the batch sizes were timed?
        self._table_shape = None
        self.form = self.make_form()
        self.table = FrameTable(formats={h: f for h, _t, f in COLUMNS.values() if f is not None},
                                tips={h: t for h, t, _f in COLUMNS.values()}, stretch=HEADERS["tutorial"])
        self.table.model_.cell_foregrounds = self._cell_colour
        self.table.model_.alignment = Qt.AlignCenter
        self.table.model_.cell_tips = self._cell_tip
        self.table.set_frame(self.shown_frame())
        self.table.fit_height()

        self.noise_plot = StyledPlot("Gradient noise", "batch size", "‖g_B − g‖")
        self.noise_plot.setLogMode(x=True, y=True)
        plain_axes(self.noise_plot)
        plain_log_ticks(self.noise_plot, "bottom")
        plain_log_ticks(self.noise_plot, "left")
        self.noise_formula = self.noise_plot.curve(BLACK, width=0.6)
        self.noise_replace = self.noise_plot.curve(GREY, width=0.6, style=Qt.DashLine)
        # a PlotDataItem (not a ScatterPlotItem): it follows the plot's log mode
        self.noise_dots = pg.PlotDataItem([], [], pen=None, symbol="o", symbolSize=theme().marker_size * 1.4,
                                          symbolPen=pg.mkPen("w", width=1))
        self.noise_plot.addItem(self.noise_dots)
        self.loss_plot = StyledPlot("Training loss", "epochs trained", "cross-entropy")
        self.acc_plot = StyledPlot("Validation accuracy", "epochs trained", "accuracy")
        plain_axes(self.loss_plot, self.acc_plot)
        self.loss_curves = {label: self.loss_plot.curve(c) for label, c in zip(self.labels, BATCH_COLOURS)}
        self.acc_curves = {label: self.acc_plot.curve(c) for label, c in zip(self.labels, BATCH_COLOURS)}
        plots = QSplitter(Qt.Horizontal)
        noise_box = with_legend(self.noise_plot, ((GREY, "measured (full batch: 0, off the log axis)", DOT),
                                                  (BLACK, "formula √(σ²/B · (N−B)/(N−1))", SOLID),
                                                  (GREY, "√(σ²/B) (batches drawn with replacement)", DASHED)))
        plots.addWidget(noise_box)
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.acc_plot)
        plots.setSizes([330, 300, 300])
        # each entry on one line ("B" and "= full (4000)" were split across two on a projector)
        self.legend = rich_label(legend_html([(c, f"B = {label}".replace(" ", "&nbsp;"), SOLID)
                                              for label, c in zip(self.labels, BATCH_COLOURS)]))
        self.legend.setAlignment(Qt.AlignCenter)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.table)
        rl.addWidget(plots, 1)
        rl.addWidget(self.legend)
        # presentation: each plot and the table take turns (a table and two plots leave no plot a third of a
        # 768 px projector)
        self.deck = self.plot_turns(("Gradient noise", noise_box), ("Training loss", self.loss_plot),
                                    ("Accuracy", self.acc_plot), ("Table", self.table))
        self.set_body([group("Runs (SGD, constant lr)", self.run_row, self.form), self.note], right)

    def plots(self) -> dict:
        return {"gradient noise": self.noise_plot, "training loss": self.loss_plot,
                "validation accuracy": self.acc_plot}

    def tables(self) -> dict:
        return {"batch sizes": self.frame()}

    def frame(self):
        """The engine's table of what was measured so far."""
        return ST.batch_table(self.noise, {label: self.run_events.results(label) for label in self.labels}, self.hidden,
                              self.result)

    def shown_frame(self):
        return with_pending(self.frame()).rename(columns=HEADERS)

    def _cell_colour(self, _row: int, column: str):
        return pg.mkColor(GREY) if column == HEADERS["tutorial"] else None

    def _cell_tip(self, row: int, column: str):
        if column == HEADERS["batch"] and ST.BATCH_SIZES[row] is None:
            return f"all {N} training samples in one batch"
        return None

    # ------------------------------------------------------------ predict, then reveal (gui/predict.py)
    def _predicted(self) -> dict:
        """target -> run label: the smallest batch and the full batch."""
        return {f"B = {self.labels[0]}": self.labels[0], f"the {self.labels[-1].replace('full', 'full batch')}":
                self.labels[-1]}

    def prediction_targets(self) -> list:
        return list(zip(self._predicted(), (BATCH_COLOURS[0], BATCH_COLOURS[-1])))

    def prediction_outcome(self, target: str):
        last = self.run_events.last(self._predicted()[target])
        return last.val_acc if self.result is not None and last is not None else None

    def prediction_span(self, _target: str):
        return last_epochs(self.values()["epochs"])

    def prediction_hide(self) -> None:
        """The curves and the table go (the gradient noise stays: what the class reasons from)."""
        self.predictor.fade((self.loss_plot, self.acc_plot))
        self.predictor.hide_widget(self.table)

    # ------------------------------------------------------------ the run
    def job(self, lr, epochs, hidden, draws, seed, speed):
        gen = ST.batch_size_study(ST.BATCH_SIZES, epochs, lr, hidden, seed, draws)
        return ST.paced_runs(gen, speed, len(ST.BATCH_SIZES))

    def started(self, values: dict) -> None:
        self.noise = []
        self.run_events.clear()
        self.hidden = values["hidden"]
        self.contended = self.others_busy()
        self.note.setText(f"Measuring the gradient noise ({values['draws']} batches per size), then training "
                          f"{len(self.labels)} networks for {values['epochs']} epochs…")

    def on_event(self, event) -> None:
        self.contended |= self.others_busy()
        if isinstance(event, ST.NoiseRow):
            self.noise.append(event)
        else:
            self.run_events.add(event)

    def show_cancelled(self) -> None:
        self.note.setText(f"Cancelled after {self.run_events.epochs_done()} epochs. Press Run to start again.")

    def draw(self) -> None:
        self.table.set_frame(self.shown_frame())
        # refit the column widths when a new kind of number arrives (not at every update: ResizeToContents
        # would measure every cell again at every streamed update, 16 ms a frame)
        shape = (len(self.noise), sum(1 for h in self.run_events.hist.values() if h), self.result is not None)
        if shape != self._table_shape:
            self._table_shape = shape
            QTimer.singleShot(0, self, self._fit_columns)
        # noise plot (log-log: pyqtgraph takes the data and shows log10 of it)
        if self.noise:
            sizes = np.array([n.batch_size for n in self.noise], dtype=float)
            measured = np.array([n.measured for n in self.noise])
            keep = measured > 0
            brushes = [pg.mkBrush(c) for c, k in zip(BATCH_COLOURS, keep) if k]
            self.noise_dots.setData(sizes[keep], measured[keep], symbolBrush=brushes)
            b, formula, with_replacement = ST.noise_formula_curve(self.noise[0])
            self.noise_formula.setData(b, formula)
            self.noise_replace.setData(b, with_replacement)
        else:
            for item in (self.noise_dots, self.noise_formula, self.noise_replace):
                item.setData([], [])
        for label in self.labels:
            x, loss = self.run_events.curve(label, lambda s: s.train_loss, lambda e: e.train_loss)
            _, acc = self.run_events.curve(label, lambda s: s.val_acc, lambda e: e.result.val_acc)
            self.loss_curves[label].setData(x, loss)
            self.acc_curves[label].setData(x, acc)
        for plot in (self.loss_plot, self.acc_plot):
            set_range(plot, "x", 0, self.values()["epochs"], 0.02)

    @Slot()
    def _fit_columns(self) -> None:
        self.table.fit_columns()
        self.table.fit_height()

    def show_result(self, study) -> None:
        s = ST.batch_summary(study)
        small, full, epochs = s.small, s.full, s.epochs
        text = (f"Measured noise matches the formula within <b>{s.worst_formula_error:.0%}</b>. From B = 8 to "
                f"B = 128 (16 times larger) the noise falls by <b>{s.noise_ratio:.2f}&times;</b> (&radic;16 = 4, a "
                f"little more because the batch is a larger share of the data). At B = 8 the noise is "
                f"<b>{small.relative_noise:.1f}&times;</b> the gradient itself.<br>"
                f"Same {epochs} epochs: B = 8 made {small.updates_per_epoch * epochs:,} updates "
                f"({fmt(small.seconds_per_epoch * 1000, 1)} ms per epoch) and reached training accuracy "
                f"<b>{fmt(small.train_acc)}</b>; the full batch made {full.updates_per_epoch * epochs} updates "
                f"({fmt(full.seconds_per_epoch * 1000, 1)} ms per epoch) and reached <b>{fmt(full.train_acc)}</b>.")
        if s.small_fits_better:
            text += " Small batches are slow per epoch and fast per epoch of progress."
        if self.contended:
            text += ("<br><i>Other runs of this tab trained at the same time and shared the processor (and "
                     "Python's interpreter lock): the times per epoch are inflated. Press Run for clean "
                     "timings.</i>")
        self.note.setText(text)

    def restyle(self) -> None:
        super().restyle()
        presentation = theme().presentation
        self.noise_dots.setSymbolSize(theme().marker_size * 1.4)
        # presentation mode: fewer, larger columns (the hidden ones stay in the tooltips and normal mode)
        for c in PRESENTATION_HIDDEN:
            self.table.setColumnHidden(c, presentation)
        self.table.resizeColumnsToContents()
        self.table.fit_height()
        self.draw()

    def points(self, label: str) -> int:
        """How many points the run's accuracy curve shows (the start, then each epoch)."""
        x, _ = self.acc_curves[label].getData()
        return 0 if x is None else len(x)
