"""1 · LR schedules: the tutorial's four schedules against the epoch (its figure), redrawn directly
as the sliders move (about a millisecond), then one SGD run per ticked schedule from the same
initial weights, streaming, with the learning rate each epoch really used. Three schedules people
use today (one-cycle, warm restarts, reduce on plateau) can be ticked beside them; the plateau's
rate is drawn by its run, its cuts marked with a triangle."""
from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QLabel, QSplitter

from engine import strategies as ST
from gui.panels.strategies.common import SCHEDULE_COLOURS, RunEvents, StrategyRun, auto_range, set_range, shown_range
from gui.panels.strategies.schedule_marks import CUT, CUT_KEY, PlateauMarks, check_list
from gui.plots import StyledPlot, finite_or_nan
from gui.predict import Prediction
from gui.theme import GREY
from gui.widgets import (DASHED, SOLID, fmt, group, legend_html, plain_axes, plots_over_note, rich_label, set_text,
                         swatch, with_legend)

ZOOM_SKIP = 2          # the zoomed loss axes leave out the first epochs' values (and one-cycle's warm-up)
LABELS = {name: label.replace(" ", "&nbsp;") for name, label in ST.SCHEDULE_LABELS.items()}   # keys: one line each

LESSON = (
    "<b>Learning-rate schedules</b> take big steps early (fast progress) and small steps late (settle "
    "into a minimum instead of bouncing around it). Top: the tutorial's four schedules from initial "
    "lr 0.1 over 100 epochs; move the sliders. Below: the same network trained with SGD once per "
    "schedule, <i>from the same initial weights and the same batches</i>, so the only difference "
    "is the learning rate; the pale band on the top plot grows with the run and shows the rate each "
    "epoch really used.<br>"
    "<b>Note the tutorial's warm-up:</b> lr &times; epoch / warmup_epochs is <b>0 at epoch 0</b>, so the "
    "whole first epoch takes steps of length zero and learns nothing (its loss after epoch 0 is exactly "
    "the starting loss). PyTorch's LinearLR starts at a fraction of the rate instead (start_factor, 1/3 by "
    "default); per-step warm-ups that start at 0 waste one step, not a whole epoch.<br>"
    "<b>Schedules people use today</b> (PyTorch's, stepped once per epoch; tick them to compare): "
    "<b>one-cycle</b> climbs from max lr / 25 to max lr over the first 30 % of the run, then anneals to almost 0; "
    "<b>cosine warm restarts</b> anneal over T_0 epochs, then jump back to the initial lr (cycles T_mult times "
    "longer each time); <b>reduce on plateau</b> has no curve in advance: it keeps the rate until the "
    "validation loss has not improved for more than <i>patience</i> epochs, then multiplies it by <i>factor</i> "
    "(&#9660; marks each cut).")


class SchedulesSection(StrategyRun):
    key, title, lesson = "schedules", "1 · LR schedules", LESSON
    params = (tuple(ST.SCHEDULE_CHOICE) + (ST.INITIAL_LR, ST.SCHED_EPOCHS) + tuple(ST.ALL_LAB_SETTINGS)
              + (ST.SCHED_BATCH, ST.SCHED_HIDDEN, ST.SEED, ST.SPEED))
    initial = {"speed": 60}
    key_params = ("initial_lr", "warmup_epochs", "decay_rate")
    live_params = ("speed",)
    FIGURE = set(ST.LAB_SCHEDULES) | {"initial_lr", "total_epochs"} | set(ST.ALL_LAB_SETTINGS.names())

    figure_drawn = Signal()     # the schedule figure shows the current sliders
    # each ticked schedule's final validation loss, clicked as a y value on the validation-loss plot (0-1.5
    # while predicting: the zoom on the hidden curves would tell)
    prediction = Prediction("validation loss", "y", "Click the validation loss {target} ends at",
                            you="you predicted {target} ends at {p}", happened="it ended at {o}",
                            missing="{target} was not trained", decimals=3, axis=(0.0, 1.5))

    def build(self) -> None:
        self.names: tuple[str, ...] = ()       # the schedules of the last run
        self.warmup_skip = 0                   # one-cycle's warm-up epochs, left out of the zoom
        self.run_events = RunEvents()
        self.figure = None
        checks = self.checks = check_list(self.make_form(ST.RUN_SCHEDULES))
        self.modern_checks = check_list(self.make_form(ST.MODERN_SCHEDULES))
        self.settings_form = self.make_form(("initial_lr", "total_epochs") + tuple(ST.LAB_SCHEDULE_SETTINGS.names()))
        self.modern_form = self.make_form(tuple(ST.MODERN_SCHEDULE_SETTINGS.names()))
        self.problem = rich_label("")
        self.run_form = self.make_form(("batch_size", "hidden", "seed", "speed"))
        self.zoom = QCheckBox("Zoom on later epochs")
        self.zoom.setToolTip("Leave out the first epochs' high losses so the schedules' differences show")
        self.zoom.setChecked(True)
        self.zoom.toggled.connect(self._zoom_toggled)

        self.lr_plot = StyledPlot("Learning Rate Schedulers", "epoch", "learning rate")
        plain_axes(self.lr_plot)
        self.lr_curves, self.lr_bands = {}, {}
        for name in ST.LAB_SCHEDULES:
            style = Qt.DashLine if name == "constant" else Qt.SolidLine
            # the learning rate the run really used, epoch by epoch: a wide pale band under the
            # schedule's line that grows as the run goes (a band, not dots: 500 symbols cost
            # more to repaint at every streamed frame than all the curves together)
            band = pg.mkColor(SCHEDULE_COLOURS[name])
            band.setAlpha(90)
            self.lr_bands[name] = self.lr_plot.curve(band, width=3.5)
            self.lr_bands[name].setZValue(-1)
            if name not in ST.AFTER_RUN:        # the plateau's line is its run's (PlateauMarks)
                self.lr_curves[name] = self.lr_plot.curve(SCHEDULE_COLOURS[name], style=style)
        self.lr_box = with_legend(self.lr_plot, ())

        self.loss_plot = StyledPlot("Validation loss", "epochs trained", "cross-entropy")
        self.train_plot = StyledPlot("Training loss", "epochs trained", "cross-entropy")
        plain_axes(self.loss_plot, self.train_plot)
        self.val_curves = {n: self.loss_plot.curve(SCHEDULE_COLOURS[n]) for n in ST.LAB_SCHEDULES}
        self.train_curves = {n: self.train_plot.curve(SCHEDULE_COLOURS[n]) for n in ST.LAB_SCHEDULES}
        self.plateau = PlateauMarks(self.lr_plot, self.loss_plot)
        self.legend = rich_label("")
        self.legend.setAlignment(Qt.AlignCenter)
        bottom_box = plots_over_note(self.legend, self.loss_plot, self.train_plot)
        right = QSplitter(Qt.Vertical)
        right.addWidget(self.lr_box)
        right.addWidget(bottom_box)
        right.setSizes([330, 370])
        # presentation: the schedules and the loss curves take turns (one plot fills the projector)
        self.deck = self.plot_turns(("Schedules", self.lr_box), ("Loss curves", bottom_box))
        today = QLabel("People use today (PyTorch):")
        self.set_body([group("Schedules", checks, today, self.modern_checks),
                       group("Schedule settings", self.settings_form, self.problem),
                       group("Settings of today's schedules", self.modern_form),
                       group("Training run (SGD)", self.run_row, self.run_form, self.zoom), self.note],
                      right)
        self.update_figure()

    def plots(self) -> dict:
        return {"schedules": self.lr_plot, "validation loss": self.loss_plot, "training loss": self.train_plot}

    def tables(self) -> dict:
        return {} if self.result is None else {"schedule runs": ST.schedule_summary(self.result).table}

    def prediction_targets(self) -> list:
        return [(ST.SCHEDULE_LABELS[n], SCHEDULE_COLOURS[n]) for n in ST.runnable_schedules(self.values())]

    def prediction_outcome(self, target: str):
        if self.result is None:
            return None
        rows = ST.schedule_summary(self.result).table
        row = rows[rows["schedule"].map(ST.SCHEDULE_LABELS) == target]
        return None if row.empty else float(row["final_val_loss"].iloc[0])

    def prediction_hide(self) -> None:
        """The loss curves go (the schedule figure stays: it is what the class reasons from)."""
        self.predictor.fade((self.loss_plot, self.train_plot))
        self.deck.setCurrentIndex(1)      # on a projector: the loss curves' tab

    # ------------------------------------------------------------ the figure (instant)
    def on_change(self, name: str, value) -> None:
        if name in self.FIGURE:
            self.update_figure()
        super().on_change(name, value)

    def selected(self) -> tuple[str, ...]:
        return ST.split_values(self.values())[0]

    def update_figure(self) -> None:
        """Recompute and draw the schedule curves (directly: about a millisecond)."""
        selected, initial_lr, total, settings = ST.split_values(self.values())
        self.figure = figure = ST.schedule_figure(initial_lr, total, settings, names=ST.LAB_SCHEDULES)
        epochs = np.arange(total)
        for name, curve in self.lr_curves.items():
            shown = name in selected and name in figure.curves
            curve.setVisible(shown)
            self.lr_bands[name].setVisible(shown)
            if name in figure.curves:
                curve.setData(epochs, figure.curves[name])
        plateau_shown = "reduce_on_plateau" in selected and "reduce_on_plateau" in figure.after_run
        self.lr_bands["reduce_on_plateau"].setVisible(plateau_shown)
        self.plateau.set_visible(plateau_shown)
        set_range(self.lr_plot, "x", 0, total, 0.02)
        top = max([initial_lr] + [float(np.max(figure.curves[n])) for n in selected if n in figure.curves])
        set_range(self.lr_plot, "y", 0, top, 0.05)
        entries = [(SCHEDULE_COLOURS[n], LABELS[n], DASHED if n == "constant" else SOLID)
                   for n in selected if n in figure.curves or n in figure.after_run]
        cut_key = (SCHEDULE_COLOURS["reduce_on_plateau"], CUT_KEY, CUT)
        if plateau_shown:
            entries.append(cut_key if "reduce_on_plateau" in self.names
                           else (cut_key[0], "plateau: drawn by its run (&#9660; = a cut)", CUT))
        if self.names:
            entries.append((GREY, "pale band: the lr each epoch of the run used", SOLID))
        set_text(self.lr_box.legend_label, legend_html(entries))
        names = self.names or selected
        set_text(self.legend, legend_html([(SCHEDULE_COLOURS[n], LABELS[n], SOLID) for n in names]
                                          + ([cut_key] if "reduce_on_plateau" in names else [])))
        text = ""
        if figure.warmup_wasted:
            warm = figure.curves["warmup_linear"]
            text = (f"Warm-up + linear: lr at epoch 0 = <b>{warm[0]:g}</b>, epoch 1 = {warm[1]:.4g}: "
                    "the first epoch learns nothing.")
        if figure.problems:
            problems = [f"{LABELS[n]}: {html.escape(why)}" for n, why in figure.problems.items()]
            text = "<b>Not drawn:</b> " + "<br>".join(problems) + ("<br>" + text if text else "")
        set_text(self.problem, text)
        self.figure_drawn.emit()

    # ------------------------------------------------------------ the runs (streamed)
    def job(self, batch_size, hidden, seed, speed, **values):
        gen = ST.lab_schedule_runs(values, batch_size, hidden, seed)
        return ST.paced_runs(gen, speed, len(ST.runnable_schedules(values)))

    def started(self, values: dict) -> None:
        self.names = ST.runnable_schedules(values)
        self.warmup_skip = math.ceil(values["pct_start"] * values["total_epochs"])
        self.run_events.clear()
        self.plateau.clear()
        self.note.setText(f"Training {len(self.names)} networks for {values['total_epochs']} epochs…")
        self.update_figure()

    def on_event(self, event) -> None:
        self.run_events.add(event)

    def show_cancelled(self) -> None:
        self.note.setText(f"Cancelled after {self.run_events.epochs_done()} epochs. Press Run to start again.")

    def draw(self) -> None:
        late = {"val": [], "train": []}
        for name in ST.LAB_SCHEDULES:
            x, val = self.run_events.curve(name, lambda s: s.val_loss, lambda e: e.result.val_loss)
            _, train = self.run_events.curve(name, lambda s: s.train_loss, lambda e: e.train_loss)
            self.val_curves[name].setData(x, val)
            self.train_curves[name].setData(x, train)
            epochs = self.run_events.results(name)
            self.lr_bands[name].setData([e.epoch for e in epochs], finite_or_nan([e.lr for e in epochs]))
            skip = ZOOM_SKIP + (name in self.run_events.starts) + (self.warmup_skip if name == "one_cycle" else 0)
            late["val"].extend(val[skip:])
            late["train"].extend(train[skip:])
        self.plateau.draw(self.run_events.results("reduce_on_plateau"))
        total = self.result.settings["total_epochs"] if self.result else self.values()["total_epochs"]
        streaming = self.worker.busy
        for key, plot in (("val", self.loss_plot), ("train", self.train_plot)):
            set_range(plot, "x", 0, total, 0.02)
            values = np.asarray(late[key], dtype=float)
            values = values[np.isfinite(values)]
            if self.zoom.isChecked() and values.size:
                lo, hi = float(values.min()), float(values.max())
                pad = max(hi - lo, 1e-6) * 0.08
                lo, hi = lo - pad, hi + pad
                shown = shown_range(plot, "y")
                if streaming and shown is not None and shown[0] <= lo and hi <= shown[1]:
                    continue            # while streaming the zoom only grows: no re-layout every frame
                if streaming:           # grow in steps of a quarter of the span, not a hair per frame
                    span = hi - lo
                    lo, hi = lo - span / 4, hi + span / 4
                set_range(plot, "y", lo, hi)
            else:
                auto_range(plot, "y")

    def show_result(self, result) -> None:
        if result is None:
            self.note.setText("Tick at least one schedule (whose settings are valid) to train.")
            return
        summary = ST.schedule_summary(result)
        lines = []
        for row in summary.table.itertuples():
            name = row.schedule
            lines.append(f"{swatch(SCHEDULE_COLOURS[name], '<b>' + LABELS[name] + '</b>')}: validation "
                         f"loss {fmt(row.final_val_loss, 4)} at the end (lowest {fmt(row.best_val_loss, 4)} after "
                         f"epoch {row.best_epoch}), accuracy {fmt(row.val_acc)}; final training loss "
                         f"{fmt(row.train_loss, 4)}" + (" <i>(diverged)</i>" if row.diverged else ""))
        if summary.warmup_start_loss is not None:
            start, after = summary.warmup_start_loss, summary.warmup_after_loss
            lines.append(f"<b>Warm-up, epoch 0:</b> lr = 0, validation loss {start:.4f} before and {after:.4f} "
                         f"after: {'identical, ' if summary.warmup_identical else ''}the epoch was wasted.")
        if "reduce_on_plateau" in result.runs:
            lines.append(f"{swatch(SCHEDULE_COLOURS['reduce_on_plateau'], '&#9660;')} "
                         + html.escape(ST.plateau_verdict(summary, result.settings)))
        if summary.constant_compared:
            lines.append("Constant lr keeps the training loss falling fastest, but its validation loss drifts "
                         "up again late in the run (over-fitting, and noisy steps that never settle); the "
                         "decaying schedules settle lower.")
        self.note.setText("<br>".join(lines))

    @Slot(bool)
    def _zoom_toggled(self, _on: bool) -> None:
        if not self.predictor.hiding:     # (the zoom on the hidden curves would tell)
            self.draw()

    def restyle(self) -> None:
        super().restyle()
        self.plateau.restyle()
        if not self.predictor.hiding:
            self.draw()

    def points(self, name: str) -> int:
        """How many points the run's validation-loss curve shows (the start, then each epoch)."""
        x, _ = self.val_curves[name].getData()
        return 0 if x is None else len(x)
