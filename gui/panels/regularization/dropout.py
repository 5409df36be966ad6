"""3 · Dropout: one mask on a matrix of activations, then the over-fitting network trained with
and without dropout, streaming.

The mask (heatmaps before/after and the row means) is instant; the training run is the
engine's :func:`engine.overfitting.dropout_job`, paced at the speed slider's epochs per second.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QPushButton, QSplitter, QVBoxLayout, QWidget

from engine import overfitting as OF
from gui.lab import RunSection
from gui.plots import StyledPlot, finite_or_nan
from gui.predict import Prediction, last_epochs
from gui.theme import BLACK, BLUE, BLUISH_GREEN, GREY, VERMILLION, theme
from gui.widgets import fmt, group, over_note, plain_axes, rich_label, swatch

RUN_COLOURS = {"no dropout": BLUE, "dropout": VERMILLION}

LESSON = (
    "<b>Dropout</b> switches each unit off with probability p during training and multiplies the "
    "survivors by 1/(1&minus;p). One mask moves every row's mean (orange bars), but averaged over "
    "many masks (green) the mean is back where it started: the scaling keeps it <i>in "
    "expectation</i>, so nothing needs rescaling at test time. Without the scaling (grey) the mean "
    "shrinks by (1&minus;p).<br><b>Below:</b> 100 training samples, 2&times;128 hidden units: without "
    "dropout the training loss goes to 0 while the validation loss climbs (over-fitting); with "
    "dropout it stays low.")


def run_name(label: str, rate: float) -> str:
    return label if label == "no dropout" else f"dropout p={rate:g}"


class DropoutSection(RunSection):
    key, title, lesson = "dropout", "3 · Dropout", LESSON
    params = (OF.RATE, *OF.SETUP, OF.SPEED)
    initial = {"speed": 60}
    key_params = ("rate", "n_train", "hidden")
    live_params = ("speed",)   # read when a run starts
    # each run's last validation loss, clicked over the last epochs of the loss plot (0-1.5 while
    # predicting: the hidden curves' range would tell)
    prediction = Prediction("loss", "y", "Click the last validation loss of {target}",
                            you="you predicted {target} ends at a validation loss of {p}", happened="it ended at {o}",
                            missing="{target} was not trained", decimals=2, axis=(0.0, 1.5))

    def build(self) -> None:
        self.mask_seed = 0
        self.activations = OF.example_activations((5, 10), seed=42)
        self.demo: OF.DropoutDemo | None = None
        self.history: dict[str, list] = {label: [] for label in OF.RUN_LABELS}
        self._status = ""       # what the runs are doing while there is no result
        rate_form = self.make_form(("rate",))
        new_mask = QPushButton("New mask")
        new_mask.setToolTip("Draw another random mask")
        new_mask.clicked.connect(self._new_mask)
        self.mask_note = rich_label("")
        setup_form = self.make_form([*OF.SETUP.names(), "speed"])
        # the key and the result sit under the curves, three lines of fixed height (set in
        # restyle): in the column the result was below the fold and made a scroll bar appear at
        # the end of the run. The column's note (self.note) gets the verdict or the failure.
        self.curves_note = rich_label("")
        self.curves_note.setAlignment(Qt.AlignHCenter | Qt.AlignTop)

        self.rows_split = rows = QSplitter(Qt.Vertical)
        # in presentation mode the loss, the accuracy and the mask are tabs (side by side and
        # stacked, 1024x768 left the heat maps 85 px tall and the largest plot 11 % of the screen)
        heat_row = QSplitter(Qt.Horizontal)
        heat_row.addWidget(self._build_heatmaps())
        heat_row.addWidget(self._build_means())
        heat_row.setSizes([520, 380])

        self.loss_plot = StyledPlot("Loss", "epoch", "cross-entropy")
        self.acc_plot = StyledPlot("Accuracy", "epoch", "accuracy")
        plain_axes(self.loss_plot, self.acc_plot)
        self.curves = {}
        for label, colour in RUN_COLOURS.items():
            self.curves[label] = {
                "train_loss": self.loss_plot.curve(colour, name=f"{label}: train", style=Qt.DashLine),
                "val_loss": self.loss_plot.curve(colour, name=f"{label}: validation"),
                "train_acc": self.acc_plot.curve(colour, name=f"{label}: train", style=Qt.DashLine),
                "val_acc": self.acc_plot.curve(colour, name=f"{label}: validation"),
            }
        curves = QSplitter(Qt.Horizontal)
        curves.addWidget(self.loss_plot)
        curves.addWidget(self.acc_plot)
        # the training curves' key: under the bottom row at the desk, under the tabs in presentation
        train_row = over_note(curves, self.curves_note)
        rows.addWidget(heat_row)
        rows.addWidget(train_row)
        rows.setSizes([320, 380])
        self.mask_page = heat_row
        self.plot_tabs = self.plot_turns(("Loss", self.loss_plot), ("Accuracy", self.acc_plot), ("One mask", heat_row))
        self.plot_tabs.currentChanged.connect(self._tab_changed)
        self.set_body([group("Dropout", rate_form, new_mask, self.mask_note),
                       group("Over-fitting set-up", self.run_row, setup_form), self.note], rows)
        self.update_demo()

    def _build_heatmaps(self) -> QWidget:
        cmap = pg.colormap.get("CET-CBD1")  # diverging and colour-blind safe: 0 is the neutral middle
        self.heatmaps: dict[str, dict] = {}
        heat_box = QWidget()
        hb = QVBoxLayout(heat_box)
        hb.setContentsMargins(0, 0, 0, 0)
        hb.setSpacing(0)
        # stacked, sharing the unit axis: rows are samples, columns are units
        for key, title, x_label, y_label in (("before", "Activations", "", "before"),
                                             ("after", "", "unit (5 samples × 10 units)", "after")):
            plot = StyledPlot(title, x_label, y_label)
            plot.setMouseEnabled(x=False, y=False)
            plain_axes(plot)
            plot.grid.show(x=False, y=False)
            plot.invertY(True)
            if not x_label:
                plot.getAxis("bottom").setStyle(showValues=False)
            plot.getAxis("left").setTicks([[(i, str(i)) for i in range(5)]])
            image = pg.ImageItem(axisOrder="row-major")
            image.setColorMap(cmap)
            plot.addItem(image)
            crosses = pg.ScatterPlotItem(symbol="x", size=14, pen=pg.mkPen(BLACK, width=2), brush=pg.mkBrush(BLACK))
            plot.addItem(crosses)
            self.heatmaps[key] = {"plot": plot, "image": image, "crosses": crosses}
            hb.addWidget(plot)
        self.heatmaps["before"]["plot"].setXLink(self.heatmaps["after"]["plot"])
        self._scale_colours = [c.name() for c in cmap.map(np.linspace(0.0, 1.0, 9), mode="qcolor")]
        self.scale_key = rich_label("")        # the colour scale: which colour is which activation
        self.scale_key.setAlignment(Qt.AlignCenter)
        hb.addWidget(self.scale_key)
        return heat_box

    def _show_scale(self, top: float) -> None:
        boxes = "".join(f"<span style='color:{c}'>&#9632;</span>" for c in self._scale_colours)
        self.scale_key.setText(f"colour: {-top:+.2f} {boxes} {top:+.2f} (0 = grey); "
                               f"<b>&times;</b> = dropped unit (0)")

    def _build_means(self) -> QWidget:
        self.means_plot = StyledPlot("Row means", "sample", "mean")
        self.means_plot.setMouseEnabled(x=False, y=False)
        plain_axes(self.means_plot, x_grid=False)
        self.mean_bars = {}
        legend = []
        for i, (key, colour, text) in enumerate((("before", BLUE, "before"), ("after", VERMILLION, "one mask"),
                                                 ("average", BLUISH_GREEN, "mean of 10,000 masks"),
                                                 ("unscaled", GREY, "same, unscaled"))):
            bars = pg.BarGraphItem(x=[0], height=[0], width=0.2, brush=colour, pen=pg.mkPen(None))
            self.means_plot.addItem(bars)
            self.mean_bars[key] = (bars, i)
            legend.append(swatch(colour, text))
        means_box = QWidget()
        mb = QVBoxLayout(means_box)
        mb.setContentsMargins(0, 0, 0, 0)
        mb.addWidget(self.means_plot, 1)
        means_legend = rich_label("&nbsp; ".join(legend[:2]) + "<br>" + "&nbsp; ".join(legend[2:]))
        means_legend.setAlignment(Qt.AlignCenter)
        mb.addWidget(means_legend)
        return means_box

    def plots(self) -> dict:
        return {"before": self.heatmaps["before"]["plot"], "after": self.heatmaps["after"]["plot"],
                "means": self.means_plot, "loss": self.loss_plot, "accuracy": self.acc_plot}

    def tables(self) -> dict:
        import pandas as pd
        r = self.result
        if r is None:
            return {}
        return {"last epoch": pd.DataFrame(
            [(run_name(label, r.rate), h.epoch, h.train_loss, h.val_loss, h.val_acc, r.test_accuracy.get(label))
             for label, h in zip(OF.RUN_LABELS, r.last_epochs())],
            columns=["run", "epoch", "training loss", "validation loss", "validation accuracy", "test accuracy"])}

    # ------------------------------------------------------------ predict, then reveal (gui/predict.py)
    def prediction_targets(self) -> list:
        rate = self.values()["rate"]
        return [(run_name(label, rate), RUN_COLOURS[label]) for label in OF.RUN_LABELS]

    def prediction_outcome(self, target: str):
        r = self.result
        if r is None:
            return None
        return next((h.val_loss for label, h in zip(OF.RUN_LABELS, r.last_epochs()) if run_name(label, r.rate) == target),
                    None)

    def prediction_span(self, _target: str):
        return last_epochs(self.values()["epochs"])

    def prediction_hide(self) -> None:
        """The training curves and their key go (the mask above is not the answer: it stays)."""
        self.predictor.fade((self.loss_plot, self.acc_plot))
        self.predictor.hide_widget(self.note)
        self.predictor.hide_widget(self.curves_note)

    # ------------------------------------------------------------ the mask
    def on_change(self, name: str, value) -> None:
        if name == "rate":
            self.update_demo()
        super().on_change(name, value)

    @Slot()
    def _new_mask(self) -> None:
        self.mask_seed += 1
        self.update_demo()

    def update_demo(self) -> None:
        rate = self.values()["rate"]
        self.demo = d = OF.dropout_demo(self.activations, rate, rng=self.mask_seed)
        # one colour scale for both, wide enough for the rescaled survivors (they come out darker)
        top = float(max(np.max(np.abs(d.activations)), np.max(np.abs(d.dropped)))) or 1.0
        self._show_scale(top)
        rows, cols = d.activations.shape
        for key, data in (("before", d.activations), ("after", d.dropped)):
            item = self.heatmaps[key]
            item["image"].setImage(data, levels=(-top, top))
            item["image"].setRect(pg.QtCore.QRectF(-0.5, -0.5, cols, rows))
            item["plot"].setRange(xRange=(-0.5, cols - 0.5), yRange=(-0.5, rows - 0.5), padding=0)
        dropped_r, dropped_c = np.nonzero(~d.keep)
        self.heatmaps["after"]["crosses"].setData(dropped_c, dropped_r)
        x = np.arange(rows)
        means = {"before": d.row_means_before, "after": d.row_means_after, "average": d.row_means_average,
                 "unscaled": d.row_means_average_unscaled}
        for key, (bars, i) in self.mean_bars.items():
            bars.setOpts(x=x + (i - 1.5) * 0.2, height=means[key])
        self.means_plot.setXRange(-0.6, rows - 0.4, padding=0)
        if self.result is None:
            self.show_key()
        gap_one = np.max(np.abs(d.row_means_after - d.row_means_before))
        gap_avg = np.max(np.abs(d.row_means_average - d.row_means_before))
        self.mask_note.setText(
            f"p = {rate:g}: {int((~d.keep).sum())} of {d.keep.size} units dropped (&times;), the others "
            f"multiplied by {1 / (1 - rate):.3g}. Largest change of a row mean: "
            f"<b>{gap_one:.3f}</b> with this mask, <b>{gap_avg:.3f}</b> averaged over {d.n_masks:,} masks.")

    # ------------------------------------------------------------ the run
    @staticmethod
    def job(**values):
        return OF.dropout_job(**values)

    def started(self, values: dict) -> None:
        self.history = {label: [] for label in OF.RUN_LABELS}
        self._status = "training…"
        self.show_key()

    def on_event(self, event: OF.DropoutEpoch) -> None:
        self.history[event.run].append(event.result)

    def draw(self) -> None:
        for label, history in self.history.items():
            epochs = np.arange(len(history))
            for key, curve in self.curves[label].items():
                curve.setData(epochs, finite_or_nan([getattr(e, key) for e in history]))
        epochs = self.values()["epochs"]
        for plot in (self.loss_plot, self.acc_plot):
            plot.setXRange(0, epochs, padding=0.02)

    def show_result(self, result: OF.DropoutResult) -> None:
        self.history = {label: list(run.history) for label, run in result.runs.items()}
        self.draw()
        self.show_key()
        finals = "; ".join(f"{run_name(label, result.rate)} {fmt(h.val_loss)} / {fmt(h.val_acc)}"
                           for label, h in zip(OF.RUN_LABELS, result.last_epochs()))
        verdict = (" The accuracies differ much less than the losses: without dropout the network is mostly "
                   "<i>over-confident</i> on the examples it gets wrong, which the loss punishes and accuracy "
                   "does not see." if result.accuracies_close() else "")
        self.note.setText(f"Last epoch, validation loss / accuracy: {finals}.{verdict}")

    def show_cancelled(self) -> None:
        self._status = f"cancelled after {len(self.history[OF.RUN_LABELS[0]])} epochs (Run starts again)"
        self.show_key()

    def show_failure(self, message: str) -> None:
        self._status = "the run failed (see below the controls)"
        self.show_key()
        super().show_failure(message)

    def show_key(self) -> None:
        """The key of the training curves with each run's result (or what it is doing): one
        line a run, then the line styles. Short words in presentation mode, to stay on one line."""
        result = self.result
        rate = result.rate if result is not None else self.values()["rate"]
        short = theme().presentation
        lines = []
        for label in OF.RUN_LABELS:
            name = swatch(RUN_COLOURS[label], "<b>" + run_name(label, rate) + "</b>")
            if result is None:
                lines.append(f"{name}: {self._status}" if self._status else name)
                continue
            run = result.runs[label]
            lines.append(f"{name}: {'lowest val. loss' if short else 'lowest validation loss'} "
                         f"<b>{fmt(run.best_val_loss)}</b> (epoch {run.best_epoch}), "
                         f"{'test acc.' if short else 'test accuracy'} <b>{fmt(result.test_accuracy[label], 2)}</b>")
        lines.append("solid: validation, dashed: training (with dropout on)")
        self.curves_note.setText("<br>".join(lines))

    @Slot(int)
    def _tab_changed(self, _index: int) -> None:
        # the curves' key is no use under the mask's tab: the heat maps get its height (nor while the
        # class predicts: it has the results)
        self.curves_note.setVisible(self.plot_tabs.current_page() is not self.mask_page
                                    and not self.predictor.hiding)
        self.plot_tabs.refresh()   # the training row, with neither curves nor key, leaves the room to the mask

    def points(self, label: str = "no dropout") -> int:
        """How many epochs of run ``label`` the curves show."""
        x, _ = self.curves[label]["val_loss"].getData()
        return 0 if x is None else len(x)

    # ------------------------------------------------------------ theme
    def restyle(self) -> None:
        super().restyle()
        # the result: a header and two rows, the same height while running and after
        # (five lines in presentation mode: at 1024x768 each run's line wraps, and the third was cut)
        lines = 5 if theme().presentation else 3
        self.curves_note.setFixedHeight(lines * self.curves_note.fontMetrics().lineSpacing() + 6)
        self.show_key()
        self._tab_changed(0)
        total = sum(self.rows_split.sizes())
        if total > 0:  # the training curves are the main event: at 18 pt they get the larger share
            top = round(total * (0.42 if theme().presentation else 0.45))
            self.rows_split.setSizes([top, total - top])
        self.heatmaps["after"]["crosses"].setSize(theme().marker_size * 1.25)
        self.update_demo()
