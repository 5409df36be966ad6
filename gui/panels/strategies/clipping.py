"""4 · Gradient clipping: the tutorial's example with editable vectors (computed directly), and a
too-large learning rate trained without clipping (explodes) and with it (trains)."""
from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QSizePolicy, QWidget

from engine import strategies as ST
from gui.panels.strategies.common import CLIP_COLOURS, STOP_RED, RunEvents, StrategyRun, decade_ticks, set_range
from gui.plots import StyledPlot, finite_or_nan
from gui.predict import Prediction, last_epochs
from gui.theme import BLACK, BLUE, GREY, theme
from gui.widgets import BOX, DASHED, SOLID, fmt, group, plain_axes, rich_label, with_legend

LESSON = (
    "<b>Gradient clipping</b> rescales all gradients together when their global norm "
    "&radic;(&Sigma; &#8214;g&#8214;&sup2;) exceeds max_norm: the direction stays, the length is capped, "
    "so no single step can be longer than lr &times; max_norm. Edit the tutorial's vectors below.<br>"
    "<b>Training (digits, 64 hidden units, SGD):</b> with learning rate 3, about 30 times too large, the "
    "unclipped run's gradient norm grows epoch after epoch until the numbers overflow; the same run with "
    "clipping trains.")


class ClippingSection(StrategyRun):
    key, title, lesson = "clipping", "4 · Gradient clipping", LESSON
    params = (ST.DEMO_MAX_NORM, ST.CLIP_LR, ST.CLIP_MAX_NORM, ST.CLIP_EPOCHS, ST.CLIP_BATCH, ST.SPEED)
    initial = {"speed": 30}
    key_params = ("lr", "max_norm")
    live_params = ("speed", "demo_max_norm")     # the example is computed directly: no restart

    demo_drawn = Signal()     # the example shows the current vectors and max_norm
    # the clipped run's last validation accuracy, clicked over the last epochs of the accuracy plot
    prediction = Prediction("validation accuracy", "y", "Click the last validation accuracy of {target}",
                            you="you predicted {target} ends at {p}", happened="it ended at {o}",
                            missing="the clipped run diverged before its end", decimals=2, axis=(0.0, 1.0))

    def build(self) -> None:
        self.run_events = RunEvents()
        self.demo = None
        self.demo_texts: list[pg.TextItem] = []
        self.norm_ticks = None
        vec_box = QWidget()
        grid = QGridLayout(vec_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.vec_edits: list[QLineEdit] = []
        for i, vector in enumerate(ST.TUTORIAL_VECTORS):
            edit = QLineEdit(", ".join(f"{v:g}" for v in vector))
            edit.setToolTip("Numbers separated by commas: one parameter's gradient")
            edit.textChanged.connect(self._vector_edited)
            grid.addWidget(QLabel(f"gradient {i + 1}"), i, 0)
            grid.addWidget(edit, i, 1)
            self.vec_edits.append(edit)
        self.demo_form = self.make_form(("demo_max_norm",))
        self.demo_label = rich_label("")
        self.form = self.make_form(("lr", "max_norm", "epochs", "batch_size", "speed"))

        self.demo_plot = StyledPlot("The example's norms", "", "L2 norm")
        self.demo_plot.setMouseEnabled(x=False, y=False)
        plain_axes(self.demo_plot, x_grid=False)
        self.demo_before = pg.BarGraphItem(x=[0], height=[0], width=0.36, brush=pg.mkBrush(GREY), pen=pg.mkPen(None))
        self.demo_after = pg.BarGraphItem(x=[0], height=[0], width=0.36, brush=pg.mkBrush(BLUE), pen=pg.mkPen(None))
        self.demo_plot.addItem(self.demo_before)
        self.demo_plot.addItem(self.demo_after)
        self.demo_line = pg.InfiniteLine(angle=0, pen=self.demo_plot.pen(STOP_RED, 1.0, Qt.DashLine))
        self.demo_plot.addItem(self.demo_line)

        self.norm_plot = StyledPlot("Gradient norm", "epoch", "mean ‖g‖ (log)")
        self.norm_plot.setLogMode(y=True)
        self.acc_plot = StyledPlot("Validation accuracy", "epochs trained", "accuracy")
        self.count_plot = StyledPlot("Clipped batches", "epoch", "batches")
        plain_axes(self.acc_plot, self.count_plot)
        # across 150 decades a line per decade is a grey wall: horizontal grid lines off
        plain_axes(self.norm_plot, y_grid=False)
        self.max_norm_line = pg.InfiniteLine(angle=0, pen=self.norm_plot.pen(STOP_RED, 1.0, Qt.DashLine))
        self.norm_plot.addItem(self.max_norm_line)
        self.max_norm_line.setValue(math.log10(ST.CLIP_MAX_NORM.default))   # the axis shows log10
        self.norm_curves, self.acc_curves = {}, {}
        for run, colour in CLIP_COLOURS.items():
            self.norm_curves[run] = self.norm_plot.curve(colour, symbol="o", symbolSize=theme().marker_size * 0.6,
                                                         symbolBrush=colour, symbolPen=None)
            self.acc_curves[run] = self.acc_plot.curve(colour)
        self.clip_bars = pg.BarGraphItem(x=[0], height=[0], width=0.8, brush=pg.mkBrush(CLIP_COLOURS["clipping"]),
                                         pen=pg.mkPen(None))
        self.count_plot.addItem(self.clip_bars)
        self.batches_line = pg.InfiniteLine(angle=0, pen=self.count_plot.pen(GREY, 0.6, Qt.DashLine))
        self.count_plot.addItem(self.batches_line)
        plots = QWidget()
        g = QGridLayout(plots)
        g.setContentsMargins(0, 0, 0, 0)
        g.setSpacing(4)
        runs_legend = tuple((CLIP_COLOURS[run], run, SOLID) for run in ST.CLIP_RUNS)
        self.norm_plot.setToolTip("The mean over each epoch's batches of the gradient norm before clipping")
        boxes = (with_legend(self.demo_plot, ((GREY, "before", BOX), (BLUE, "after clipping", BOX),
                                              (STOP_RED, "max_norm", DASHED))),
                 with_legend(self.norm_plot, runs_legend + ((STOP_RED, "max_norm", DASHED),)),
                 with_legend(self.acc_plot, runs_legend),
                 with_legend(self.count_plot, ((CLIP_COLOURS["clipping"], "clipped", BOX),
                                               (GREY, "batches per epoch", DASHED))))
        for i, box in enumerate(boxes):
            # the rows and columns follow their stretch alone (set in restyle), not size hints that a
            # presentation round trip leaves different
            box.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)
            # (a plot drawn while hidden keeps a scene-sized hint that the box's height-for-width would use)
            box.layout().itemAt(0).widget().setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)
            g.addWidget(box, i // 2, i % 2)
        self.plot_grid = g
        # presentation: the plots take turns (four plots in a grid left each a tenth of a 768 px projector)
        self.deck = self.plot_turns(("Gradient norm", boxes[1]), ("Accuracy", boxes[2]),
                                    ("Clipped", boxes[3]), ("Example", boxes[0]))
        self.deck.currentChanged.connect(self._fit_grid)
        self.set_body([group("The tutorial's example", vec_box, self.demo_form, self.demo_label),
                       group("Training run (digits)", self.run_row, self.form), self.note], plots)
        self.update_demo()

    def plots(self) -> dict:
        return {"example": self.demo_plot, "gradient norm": self.norm_plot, "validation accuracy": self.acc_plot,
                "clipped batches": self.count_plot}

    def tables(self) -> dict:
        import pandas as pd
        if self.result is None:
            return {}
        s = ST.clipping_summary(self.result)
        return {"runs": pd.DataFrame(
            [("no clipping", s.plain_diverged, s.plain_val_acc, None, None),
             (f"clipping to {s.max_norm:g}", s.clipped_diverged, s.clipped_val_acc, s.clipped_batches, s.batches)],
            columns=["run", "diverged", "final validation accuracy", "clipped batches", "batches"])}

    # ------------------------------------------------------------ predict, then reveal (gui/predict.py)
    def prediction_targets(self) -> list:
        return [("the clipped run", CLIP_COLOURS["clipping"])]

    def prediction_outcome(self, _target: str):
        last = self.run_events.last("clipping")
        return last.val_acc if self.result is not None and last is not None else None

    def prediction_span(self, _target: str):
        return last_epochs(self.values()["epochs"])

    def prediction_hide(self) -> None:
        """The runs' plots go (the tutorial's example stays: it is not the answer)."""
        self.predictor.fade((self.norm_plot, self.acc_plot, self.count_plot))
        self.predictor.hide_widget(self.note)

    # ------------------------------------------------------------ the example (instant)
    @Slot(str)
    def _vector_edited(self, _text: str) -> None:
        self.update_demo()

    def on_live_change(self, name: str, value) -> None:
        if name == "demo_max_norm":
            self.update_demo()

    def update_demo(self) -> None:
        """Clip the vectors typed in (directly: a few microseconds) and show the tutorial's printout."""
        try:
            vectors = [ST.parse_vector(e.text(), f"gradient {i + 1}") for i, e in enumerate(self.vec_edits)]
            demo = ST.clipping_demo(vectors, self.values()["demo_max_norm"])
        except ValueError as exc:
            self.demo = None
            self.demo_label.setText(f"<b>Cannot clip:</b> {html.escape(str(exc))}")
            self._clear_demo_chart()     # no result of a vector that is no longer there
            self.demo_drawn.emit()
            return
        self.demo = demo
        clipped = "<br>".join(f"g{i + 1}: [{', '.join(f'{v:.4g}' for v in a)}] &rarr; "
                              f"[{', '.join(f'{v:.4f}' for v in b)}]"
                              for i, (a, b) in enumerate(zip(demo.vectors, demo.clipped)))
        self.demo_label.setText(
            f"Original gradient norm: <b>{demo.total_norm:.4f}</b><br>Was clipped: <b>{demo.was_clipped}</b>"
            + (f"<br>Clipped gradient norm: <b>{demo.new_norm:.4f}</b><br>Every vector &times; {demo.coef:.4f} "
               f"= max_norm / (norm + 10<sup>-6</sup>):<br>{clipped}" if demo.was_clipped else
               "<br>The norm is within max_norm: nothing changes."))
        before, after = demo.norms_before, demo.norms_after
        x = np.arange(len(before), dtype=float)
        self.demo_before.setOpts(x=x - 0.19, height=before)
        self.demo_after.setOpts(x=x + 0.19, height=after)
        self.demo_line.setValue(demo.max_norm)
        for item in self.demo_texts:
            self.demo_plot.removeItem(item)
        self.demo_texts = []
        for xi, (b, a) in enumerate(zip(before, after)):
            for offset, value in ((-0.19, b), (0.19, a)):
                label = pg.TextItem(f"{value:.4g}", color=BLACK, anchor=(0.5, 1.0))
                label.setFont(theme().font(0.85))
                label.setPos(xi + offset, value)
                self.demo_plot.addItem(label)
                self.demo_texts.append(label)
        ticks = [(i, f"‖g{i + 1}‖") for i in range(len(demo.vectors))] + [(len(demo.vectors), "total")]
        self.demo_plot.getAxis("bottom").setTicks([ticks])
        self.demo_plot.setXRange(-0.6, len(before) - 0.4, padding=0)
        self.demo_plot.setYRange(0, max(before + [demo.max_norm]) * 1.18, padding=0)
        self.demo_drawn.emit()

    def _clear_demo_chart(self) -> None:
        """An empty example chart (while the typed vectors cannot be clipped)."""
        self.demo_before.setOpts(x=[], height=[])
        self.demo_after.setOpts(x=[], height=[])
        for item in self.demo_texts:
            self.demo_plot.removeItem(item)
        self.demo_texts = []
        self.demo_plot.getAxis("bottom").setTicks([[]])

    # ------------------------------------------------------------ the runs (streamed)
    def on_change(self, name: str, value) -> None:
        if name == "max_norm":
            self.max_norm_line.setValue(math.log10(value))
        super().on_change(name, value)

    def job(self, lr, max_norm, epochs, batch_size, speed, demo_max_norm=None):
        return ST.paced_runs(ST.clipping_runs(lr, max_norm, epochs, batch_size), speed, len(ST.CLIP_RUNS))

    def started(self, values: dict) -> None:
        self.run_events.clear()
        self.max_norm_line.setValue(math.log10(values["max_norm"]))
        self.note.setText(f"Training with learning rate {values['lr']:g}, without and with clipping to "
                          f"{values['max_norm']:g}…")

    def on_event(self, event) -> None:
        self.run_events.add(event)

    def show_cancelled(self) -> None:
        self.note.setText(f"Cancelled after {self.run_events.epochs_done(most=True)} epochs. Press Run to start again.")

    def draw(self) -> None:
        v = self.values()
        for run in ST.CLIP_RUNS:
            epochs = self.run_events.results(run)
            # a norm must be > 0 on the log axis
            norms = finite_or_nan([e.grad_norm if e.grad_norm > 0 else np.nan for e in epochs])
            self.norm_curves[run].setData(np.arange(len(epochs), dtype=float), norms)
            self.acc_curves[run].setData(*self.run_events.curve(run, lambda s: s.val_acc, lambda e: e.result.val_acc))
        epochs = self.run_events.results("clipping")
        self.clip_bars.setOpts(x=np.arange(len(epochs), dtype=float), height=[e.clipped_batches for e in epochs])
        n_batches = ST.batches_per_epoch(v["batch_size"])
        self.batches_line.setValue(n_batches)
        set_range(self.count_plot, "y", 0, n_batches * 1.1)
        set_range(self.count_plot, "x", -0.5, v["epochs"], 0.02)
        set_range(self.norm_plot, "x", -0.5, v["epochs"], 0.02)
        set_range(self.acc_plot, "x", 0, v["epochs"], 0.02)
        set_range(self.acc_plot, "y", 0, 1, 0.02)
        # the norm axis: its own decade ticks, grown in whole decades (see decade_ticks)
        logs = [math.log10(v["max_norm"])]
        for run in ST.CLIP_RUNS:
            logs.extend(math.log10(e.grad_norm) for e in self.run_events.results(run)
                        if math.isfinite(e.grad_norm) and e.grad_norm > 0)
        lo, hi = math.floor(min(logs)) - 0.5, math.ceil(max(logs)) + 0.5
        if hi - lo > 12:  # far beyond: round the top up to whole 10-decade steps, so it changes rarely
            hi = math.ceil(hi / 10) * 10 + 0.5
        set_range(self.norm_plot, "y", lo, hi)
        ticks = decade_ticks(lo, hi)
        if self.norm_ticks != ticks:
            self.norm_ticks = ticks
            self.norm_plot.getAxis("left").setTicks([ticks, []])

    def show_result(self, result) -> None:
        s = ST.clipping_summary(result)
        if s.plain_diverged:
            norms = s.plain_norms
            parts = [f"<b>No clipping:</b> the gradient norm grew from {norms[0]:.3g} to {norms[-1]:.3g} in "
                     f"{len(norms)} epochs, then {html.escape(s.plain_failure)}."]
        else:
            parts = [f"<b>No clipping:</b> did not overflow this time; final validation accuracy "
                     f"{fmt(s.plain_val_acc)}, mean gradient norm {s.plain_norms[-1]:.3g}."]
        if s.batches:
            parts.append(f"<b>Clipping to {s.max_norm:g}:</b> {s.clipped_batches} of {s.batches} batch gradients "
                         f"were clipped (no step longer than {s.longest_step:.3g}); final validation accuracy "
                         f"<b>{fmt(s.clipped_val_acc)}</b>" + (" (it diverged too)" if s.clipped_diverged else "")
                         + ".")
        self.note.setText("<br>".join(parts))

    def restyle(self) -> None:
        super().restyle()
        self._fit_grid()

    @Slot()
    def _fit_grid(self) -> None:
        """At the desk equal rows and columns (as the size hints gave, also after presentation's turns);
        in presentation only the shown plot's row and column stretch, so the hidden plots' cells take no room."""
        g = self.plot_grid
        shown = g.getItemPosition(g.indexOf(self.deck.pages[self.deck.currentIndex()][1]))
        for i in (0, 1):
            g.setRowStretch(i, 1 if not self.deck.tabbed or i == shown[0] else 0)
            g.setColumnStretch(i, 1 if not self.deck.tabbed or i == shown[1] else 0)
        for curve in self.norm_curves.values():
            curve.setSymbolSize(theme().marker_size * 0.6)
        for line, plot, colour, width in ((self.demo_line, self.demo_plot, STOP_RED, 1.0),
                                          (self.max_norm_line, self.norm_plot, STOP_RED, 1.0),
                                          (self.batches_line, self.count_plot, GREY, 0.6)):
            line.setPen(plot.pen(colour, width, Qt.DashLine))
        self.update_demo()
        self.draw()

    def points(self, run: str) -> int:
        """How many points the run's accuracy curve shows (the start, then each epoch)."""
        x, _ = self.acc_curves[run].getData()
        return 0 if x is None else len(x)
