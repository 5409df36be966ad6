"""4 · Early stopping: a real training run (or the tutorial's simulated curve) with the best
epoch, the patience window and the stop marked as soon as they are known.

The run is the engine's :func:`engine.overfitting.stopping_job`: epochs paced at the speed
slider's rate, the summary the moment the run stops, then (optionally) the same run continued
without early stopping, drawn in grey.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QSplitter

from engine import early_stopping as ES
from engine import overfitting as OF
from gui.lab import RunSection
from gui.plots import StyledPlot, finite_or_nan
from gui.predict import Prediction
from gui.theme import BLACK, BLUE, BLUISH_GREEN, GREY, VERMILLION, theme
from gui.widgets import BOX, DASHED, SOLID, fmt, group, on_white, plain_axes, rich_label, set_param_enabled, with_legend

TRAIN_COLOUR, VAL_COLOUR, BEST_COLOUR = BLUE, VERMILLION, BLUISH_GREEN
STOP_COLOUR = BLACK        # next to the vermillion validation curve: black reads for every viewer
WINDOW_RGBA = (230, 159, 0, 70)   # the patience window: pale Okabe-Ito orange

LESSON = (
    "<b>Early stopping</b> watches the validation loss. An epoch counts as an improvement only if it "
    "beats the best by more than <i>min delta</i>; after <i>patience</i> epochs without one, "
    "training stops (black line) and the weights of the best epoch (green) are restored. The shaded "
    "band is the patience window being counted. Try patience 0, then 20.")


class EarlyStoppingSection(RunSection):
    key, title, lesson = "early_stopping", "4 · Early stopping", LESSON
    params = tuple(OF.STOPPING)
    initial = {"speed": 15}
    key_params = ("patience", "min_delta")
    live_params = ("speed",)   # read when a run starts
    prediction = Prediction("loss", "x", "Click the epoch at which early stopping fires",
                            you="you predicted epoch {p}", happened="early stopping fired at epoch {o}",
                            missing="early stopping never fired", unit="epochs", directions=("earlier", "later"))

    def build(self) -> None:
        self.epoch_events: list[ES.StoppingEpoch] = []
        self.what_if: list[OF.WhatIf] = []
        self.summary: ES.StoppingSummary | None = None
        self.run_values = self.tutorial_values()   # the settings of the run drawn
        form = self.make_form()
        form["data"].editor.setSizeAdjustPolicy(QComboBox.AdjustToContents)  # short choices: never cut
        self.live = rich_label("")

        self.plot = StyledPlot("", "epoch", "loss")
        plain_axes(self.plot)
        self.train_curve = self.plot.curve(TRAIN_COLOUR, name="training loss")
        self.val_curve = self.plot.curve(VAL_COLOUR, name="validation loss")
        # both continuations solid, as the legend shows them (the grey training curve stays near 0,
        # the grey validation curve climbs: they cannot be confused)
        self.after_train = self.plot.curve(GREY, name="training, had it continued", width=0.6)
        self.after_val = self.plot.curve(GREY, name="validation, had it continued", width=0.8)
        self.window_region = pg.LinearRegionItem((0, 0), movable=False, brush=pg.mkBrush(*WINDOW_RGBA),
                                                 pen=pg.mkPen(None))
        self.window_region.setZValue(-5)
        self.window_region.setVisible(False)
        self.plot.addItem(self.window_region)
        self.best_line = self.plot.vline(BEST_COLOUR, style=Qt.DashLine, label="best")
        self.stop_line = self.plot.vline(STOP_COLOUR, style=Qt.SolidLine, label="stop")
        for line, position in ((self.best_line, 0.97), (self.stop_line, 0.88)):
            line.label.setPosition(position)  # at different heights (the lines are often close), above the curves
            line.label.anchors = [(0, 0), (0, 0)]
            line.label.fill = pg.mkBrush(255, 255, 255, 170)
            line.setVisible(False)
        self.best_dot = pg.ScatterPlotItem(size=theme().marker_size * 1.6, brush=pg.mkBrush(BEST_COLOUR),
                                           pen=pg.mkPen("w", width=1.5))
        self.best_dot.setZValue(20)
        self.plot.addItem(self.best_dot)
        self.acc_plot = StyledPlot("Validation accuracy", "epoch", "accuracy")
        plain_axes(self.acc_plot)
        self.acc_curve = self.acc_plot.curve(VAL_COLOUR, name="validation accuracy")
        self.after_acc = self.acc_plot.curve(GREY, width=0.8)
        self.acc_plot.setXLink(self.plot)
        right = QSplitter(Qt.Vertical)
        # in presentation mode the accuracy is a tab behind the loss (stacked at 1024x768, the loss
        # plot got 27 % of the screen)
        loss_page = with_legend(self.plot, (
            (TRAIN_COLOUR, "training loss", SOLID), (VAL_COLOUR, "validation loss", SOLID),
            (GREY, "had training continued", SOLID), (BEST_COLOUR, "best epoch", DASHED),
            (STOP_COLOUR, "stop", SOLID), (on_white(WINDOW_RGBA), "patience window", BOX)))
        right.addWidget(loss_page)
        right.addWidget(self.acc_plot)
        right.setSizes([470, 230])
        self.plot_tabs = self.plot_turns(("Loss", loss_page), ("Validation accuracy", self.acc_plot))
        self.set_body([group("Early stopping", self.run_row, form), self.live, self.note], right)

    def plots(self) -> dict:
        return {"loss": self.plot, "accuracy": self.acc_plot}

    def tables(self) -> dict:
        import pandas as pd
        s = self.summary
        if s is None:
            return {}
        rows = [("best epoch", s.best_epoch), ("stopped at epoch", s.stop_epoch), ("last epoch run", s.last_epoch),
                ("weights restored", s.restored), ("best validation loss", s.best_val_loss),
                ("final validation loss", s.final_val_loss), ("final validation accuracy", s.final_val_acc),
                ("final test accuracy", s.final_test_acc)]
        def text(v):
            if v is None or isinstance(v, bool):
                return "–" if v is None else "yes" if v else "no"
            return str(v) if isinstance(v, int) else fmt(v, 4)
        return {"summary": pd.DataFrame([(k, text(v)) for k, v in rows], columns=["quantity", "value"])}

    def prediction_outcome(self, _target: str):
        return None if self.summary is None else self.summary.stop_epoch

    def prediction_hide(self) -> None:
        super().prediction_hide()
        self.predictor.hide_widget(self.live)   # "Epoch 36: ... stop" would tell

    def on_change(self, name: str, value) -> None:
        if name == "data":
            simulated = value == OF.DATA_SIMULATED
            self.plot_tabs.set_page_visible(self.acc_plot, not simulated)
            set_param_enabled(self.param_widget("restore_best"), not simulated)
            set_param_enabled(self.param_widget("epochs"), not simulated)
        super().on_change(name, value)

    # ------------------------------------------------------------ the run
    @staticmethod
    def job(**values):
        return OF.stopping_job(**values)

    def started(self, values: dict) -> None:
        self.epoch_events = []
        self.what_if = []
        self.summary = None
        self.run_values = values

    def on_event(self, event) -> None:
        if isinstance(event, ES.StoppingEpoch):
            self.epoch_events.append(event)
        elif isinstance(event, OF.WhatIf):
            self.what_if.append(event)
        else:
            self.show_summary(event)

    def show_cancelled(self) -> None:
        self.note.setText(f"Cancelled after {len(self.epoch_events)} epochs. Press Run to start again.")

    def show_summary(self, summary: ES.StoppingSummary) -> None:
        """How the run ended, the moment it stops (the continuation may still be coming)."""
        self.summary = s = summary
        if s.stop_epoch is not None:
            text = f"<b>Stopped at epoch {s.stop_epoch}</b>; best epoch {s.best_epoch} " \
                   f"(validation loss {fmt(s.best_val_loss, 4)})."
        else:
            text = f"Early stopping never fired: all {s.last_epoch + 1} epochs ran; best epoch {s.best_epoch}."
        if s.simulated:
            text += "<br>A simulated curve has no weights to restore."
            if s.as_in_the_tutorial:
                text += " As in the tutorial, training stops at epoch 36."
        else:
            which = f"restored weights of epoch {s.best_epoch}" if s.restored else "final weights"
            text += (f"<br><b>The {which}</b>: validation loss {fmt(s.final_val_loss, 4)}, validation "
                     f"accuracy {fmt(s.final_val_acc)}, test accuracy {fmt(s.final_test_acc, 2)}.")
            if s.restored:
                text += (f"<br>Epoch {s.last_epoch} (the last one) had validation loss {fmt(s.last_val_loss, 4)}, "
                         f"accuracy {fmt(s.last_val_acc)}.")
                if s.accuracy_crept_up:
                    text += (" <i>Accuracy kept creeping up while the loss rose: the loss also punishes "
                             "over-confident mistakes. Early stopping on the loss picks the best-calibrated "
                             "network, not necessarily the most accurate one.</i>")
        if s.stop_epoch is not None and self.values()["what_if"]:
            text += "<br>Grey: the same run continued without early stopping."
        self.note.setText(text)

    def points(self) -> int:
        """How many epochs the validation curve shows."""
        x, _ = self.val_curve.getData()
        return 0 if x is None else len(x)

    def draw(self) -> None:
        events = self.epoch_events
        epochs = np.arange(len(events))
        self.train_curve.setData(epochs, finite_or_nan([e.train_loss for e in events]))
        self.val_curve.setData(epochs, finite_or_nan([e.val_loss for e in events]))
        self.acc_curve.setData(epochs, finite_or_nan([np.nan if e.val_acc is None else e.val_acc for e in events]))
        after = self.what_if
        ax = [w.epoch for w in after]
        self.after_train.setData(ax, finite_or_nan([w.train_loss for w in after]))
        self.after_val.setData(ax, finite_or_nan([w.val_loss for w in after]))
        self.after_acc.setData(ax, finite_or_nan([np.nan if w.val_acc is None else w.val_acc for w in after]))
        s = self.run_values
        # the whole run's epochs from the start: an axis that grows makes the curves jump sideways
        self.plot.setXRange(0, OF.last_epoch(s["data"], s["epochs"]), padding=0.02)
        title_size = f"{round(theme().font_pt * 1.15)}pt"
        last = events[-1] if events else None
        if last is None or last.best_epoch is None:
            self.plot.setTitle("Early stopping", size=title_size)
            for item in (self.best_line, self.window_region, self.stop_line):
                item.setVisible(False)
            self.best_dot.setData([], [])
            self.live.setText("")
            return
        b = last.best_epoch
        self.best_line.setValue(b)
        self.best_line.label.setFormat(f"best: {b}" if last.should_stop else f"best so far: {b}")
        self.best_line.setVisible(True)
        self.best_dot.setData([b], [last.best_loss])
        if last.window is not None:
            self.window_region.setRegion((b, last.epoch))
        self.window_region.setVisible(last.window is not None)
        self.stop_line.setVisible(last.should_stop)
        if last.should_stop:
            self.stop_line.setValue(last.epoch)
            self.stop_line.label.setFormat(f"stop: {last.epoch}")
        counter = f"{last.counter} / {last.patience}"
        self.plot.setTitle(f"Epoch {last.epoch}: no improvement for {counter}" +
                           (" → stop" if last.should_stop else ""), size=title_size)
        why = ""
        gap = last.best_loss - last.val_loss
        if last.counter > 0 and gap > 0:
            # lower than the best, yet not counted: say so, or it looks like a bug
            why = f" (better by only {gap:.4f} &le; min delta {s['min_delta']:g})"
        self.live.setText(
            f"Epoch <b>{last.epoch}</b>: validation loss {last.val_loss:.4f}; best {last.best_loss:.4f} at epoch "
            f"{b}; epochs without improvement <b>{counter}</b>{why}" +
            (" &rarr; <b>stop</b>" if last.should_stop else ""))

    # ------------------------------------------------------------ theme
    def restyle(self) -> None:
        super().restyle()
        for line in (self.best_line, self.stop_line):
            line.label.setFont(theme().font())
        self.best_dot.setSize(theme().marker_size * 1.6)
        self.draw()
