"""Hands-on pipeline (tutorial section 6): the tutorial's four steps, an honest verdict, your own runs.

The tab opens by running the tutorial's exercise on the digits (about 3 s on the worker):

1. baseline logistic regression, test 0.9611;
2. an MLP (100, 50) for four alphas, chosen on validation: alpha 1.0 (0.9896);
3. a new MLP with that alpha and early stopping: stops at 30 iterations, validation 0.9757;
4. test 0.9528: WORSE than the baseline by 0.83 points, which the tutorial prints without comment.

The verdict box says so in colour and explains why (early stopping's holdout takes 115 training
images away, one seed, 3 images of 360 are within noise: McNemar p = 0.58). The learner then
runs pipelines of their own (logistic C, scikit-learn or engine.nn MLP, early stopping on or off,
seeds, refit on train + validation); every run lands in a sortable results table. Selecting a row
makes it "your pick": the verdict and the test-accuracy plot compare it with the baseline, and a
warning appears when the pick (or the table's sort order) is by test accuracy.

Every fit streams its iterations (the training loss curves grow live); the plots are redrawn at
most every FRAME_MS.
"""
from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
                               QScrollArea, QSizePolicy, QSplitter, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from engine import pipeline as P
from gui.params import ParamForm
from gui.panels.base import TopicPanel
from gui.widgets import lesson_label
from gui.plots import StyledPlot, finite_or_nan
from gui.theme import GREY, OKABE_ITO, theme
from gui.widgets import buttons, controls_split, group, progress_bar, rich_label

BLUE, ORANGE, GREEN, PINK, YELLOW, SKY, BLACK = OKABE_ITO[:7]
BETTER, WORSE, SAME = GREEN, "#C0392B", GREY
BETTER_BG, WORSE_BG, SAME_BG = "#E3F4EC", "#FBE4E0", "#F0F0F0"
ALPHA_COLOURS = (SKY, YELLOW, PINK, BLUE)
FINAL_COLOUR, YOURS_COLOUR = BLACK, ORANGE
FRAME_MS = 33             # streamed loss curves: 30 redraws a second are plenty, and leave the GIL to the fit
CONTROLS_WIDTH = 370
MAX_CONTROLS_WIDTH = 520

COLUMNS = ("#", "pipeline", "seeds", "validation", "test", "Δ test", "McNemar p", "iter.", "s")
COL_ID, COL_LABEL, COL_SEEDS, COL_VAL, COL_TEST, COL_DELTA, COL_P, COL_ITER, COL_SECONDS = range(len(COLUMNS))
TEST_COLUMNS = (COL_TEST, COL_DELTA, COL_P)
PRESENTATION_HIDDEN = (COL_ID, COL_SEEDS, COL_P, COL_ITER, COL_SECONDS)  # room for the names at 18 pt (p: verdict)
COLUMN_TIPS = {
    COL_ID: "Order in which the runs finished",
    COL_LABEL: "What was trained",
    COL_SEEDS: "How many seeds were trained (mean ± standard deviation over them)",
    COL_VAL: "Accuracy on the 288 validation images: the score to choose by",
    COL_TEST: "Accuracy on the 360 test images: look at it once, for the pipeline chosen on validation",
    COL_DELTA: "Test accuracy minus the baseline's, in percentage points (first seed's images in brackets)",
    COL_P: "McNemar's exact test against the baseline on the same 360 test images: "
           "below 0.05, the difference is unlikely to be luck",
    COL_ITER: "Passes over the training data (mean over seeds); 'limit' = stopped at max iterations",
    COL_SECONDS: "Training time, all seeds together",
}

LESSON = (
    "<b>The tutorial's exercise</b> trains a baseline, picks an MLP's L2 strength on the validation set, "
    "trains a final network with early stopping and tests it. Its last line reads "
    "<i>Improvement over baseline: -0.83%</i>: the final model is <b>worse</b> than the simple baseline, "
    "and the tutorial says nothing. Below: why, and whether the difference means anything. "
    "Then build a pipeline that beats the baseline <b>chosen on validation</b>, not on test.")
IDEAS = (
    "<b>Ideas:</b> early stopping off (its holdout takes 115 of the 1149 training images); "
    "logistic regression with other C values; refit on train + validation; 5 seeds to see the noise. "
    "Choose with the <i>validation</i> column, then look at test once.")


# ------------------------------------------------------------------ small widgets
class SortItem(QTableWidgetItem):
    """A table cell that sorts by a number (or text) of its own, not by its displayed text."""

    def __init__(self, text: str, key=None):
        super().__init__(text)
        self.key = text if key is None else key
        self.setFlags(Qt.ItemIsSelectable | Qt.ItemIsEnabled)

    def __lt__(self, other):
        a, b = self.key, getattr(other, "key", other.text())
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return (a if math.isfinite(a) else -math.inf) < (b if math.isfinite(b) else -math.inf)
        return str(a) < str(b)


def pm(mean: float, std: float, n: int) -> str:
    return f"{mean:.4f}" if n == 1 else f"{mean:.4f} ± {std:.4f}"


def coloured(verdict: str) -> str:
    return {"better": BETTER, "worse": WORSE}.get(verdict, SAME)


def set_row_visible(form: ParamForm, name: str, visible: bool) -> None:
    w = form[name]
    for part in (w.label, w.slider, w.editor):
        if part is not None:
            part.setVisible(visible)


class PipelinePanel(TopicPanel):
    title = "Hands-on pipeline"
    tutorial_done = Signal()
    run_done = Signal()
    verdict_changed = Signal()
    frame_drawn = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.results: list[P.PipelineResult] = []
        self.pick: P.PipelineResult | None = None
        self.baseline: P.PipelineResult | None = None
        self.final: P.PipelineResult | None = None
        self.tutorial: P.TutorialResult | None = None
        self.evaluation: P.Evaluation | None = None
        self._next_id = 1
        self._ids: dict[int, int] = {}           # id(result) -> run number shown in the table
        # streamed iterations: curve key -> list of losses
        self.losses: dict[tuple, list[float]] = {}
        self.holdout: list[float] = []           # Step 3's early-stopping holdout accuracy per iteration
        self.last_iteration: P.Iteration | None = None
        self.current_step = 0
        self.step_texts: dict[int, str] = {}
        self._dirty = False
        self._run_seeds: list[int] = []
        self._table_sorted_by_test = False

        self.steps_worker = self.make_worker(
            "steps", on_event=self._on_step_event, on_finished=self._on_steps_finished, on_failed=self._on_steps_failed, on_busy=self._on_steps_busy)
        self.run_worker = self.make_worker(
            "pipeline", on_event=self._on_run_event, on_finished=self._on_run_finished, on_failed=self._on_run_failed, on_busy=self._on_run_busy)

        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_MS)
        self.frame_timer.timeout.connect(self._redraw)

        self._build_ui()
        theme().changed.connect(self._restyle)
        self._restyle_later()
        self.run_steps()

    # ============================================================== layout
    def _build_ui(self) -> None:
        # ---- left: lesson, the tutorial's steps, your pipeline
        self.step_labels = {k: rich_label("") for k in (1, 2, 3, 4)}
        steps_buttons, (self.steps_button, self.steps_cancel) = buttons(
            ("Run the four steps", "Run the tutorial's exercise again (about 3 s)", self.run_steps),
            ("Cancel", "Stop the tutorial's steps (Esc stops everything in this tab)", self.cancel_steps))
        self.steps_cancel.setEnabled(False)
        self.steps_progress = rich_label("")
        self.steps_bar = progress_bar()
        steps_box = group("The tutorial's four steps", steps_buttons, *self.step_labels.values(), self.steps_progress,
                          self.steps_bar)

        self.form = ParamForm(P.PARAMS.params)
        for w in self.form.widgets.values():
            if w.slider is not None:
                w.slider.setMinimumWidth(60)
                w.editor.setMinimumWidth(0)
        self.form.changed.connect(self._form_changed)
        run_buttons, (self.run_button, self.run_cancel) = buttons(
            ("Run", "Train this pipeline; its scores are added to the results table", self.run_pipeline),
            ("Cancel", "Stop this run", self.cancel_run))
        self.run_cancel.setEnabled(False)
        self.run_progress = rich_label("")
        self.run_bar = progress_bar()
        yours_box = group("Your pipeline", self.form, run_buttons, self.run_progress, self.run_bar)

        inner = QWidget()
        col = QVBoxLayout(inner)
        col.setContentsMargins(6, 6, 6, 6)
        col.addWidget(lesson_label(LESSON))
        col.addWidget(steps_box)
        col.addWidget(yours_box)
        col.addWidget(lesson_label(IDEAS))
        col.addStretch(1)
        self.controls = QScrollArea()
        self.controls.setWidget(inner)
        self.controls.setWidgetResizable(True)
        self.controls.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)

        # ---- right: verdict, plots, results
        self.verdict = rich_label("")
        self.verdict.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.verdict.setAutoFillBackground(True)
        self.verdict.setContentsMargins(8, 6, 8, 6)
        self.verdict.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)

        self.alpha_plot = StyledPlot("Step 2: choosing alpha", "alpha", "validation accuracy")
        self.loss_plot = StyledPlot("Training loss", "iteration", "loss (log)")
        self.compare_plot = StyledPlot("Test accuracy ± 1 SE", "test accuracy (360 images)", "")
        for plot in (self.alpha_plot, self.loss_plot, self.compare_plot):
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            for side in ("left", "bottom"):
                plot.getAxis(side).enableAutoSIPrefix(False)
        self._build_alpha_items()
        self._build_loss_items()
        self._build_compare_items()

        plots = QSplitter(Qt.Horizontal)
        for plot in (self.alpha_plot, self.loss_plot, self.compare_plot):
            plots.addWidget(plot)
        plots.setChildrenCollapsible(False)
        plots.setSizes([300, 330, 300])
        self.plots = plots

        self.warning = rich_label("")
        self.warning.setVisible(False)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        for c, tip in COLUMN_TIPS.items():
            self.table.horizontalHeaderItem(c).setToolTip(tip)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(COL_LABEL, QHeaderView.Stretch)
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_ID, Qt.AscendingOrder)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.setToolTip("Click a row to make it your pick; click a column title to sort.")

        pick_buttons, (self.pick_val_button,) = buttons(
            ("Pick by validation", "Select the run with the best validation accuracy (the honest choice)",
             self.pick_by_validation))
        table_box = QWidget()
        tl = QVBoxLayout(table_box)
        tl.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        title = QLabel("<b>Results</b>: click a row to compare it with the baseline")
        title.setWordWrap(True)
        top.addWidget(title, 1)
        top.addWidget(pick_buttons)
        tl.addLayout(top)
        tl.addWidget(self.warning)
        tl.addWidget(self.table, 1)

        # the verdict scrolls inside its own area: in presentation mode it would push the plots away
        self.verdict_scroll = QScrollArea()
        self.verdict_scroll.setWidget(self.verdict)
        self.verdict_scroll.setWidgetResizable(True)
        self.verdict_scroll.setFrameShape(QScrollArea.NoFrame)
        self.verdict_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.right_split = QSplitter(Qt.Vertical)
        self.right_split.addWidget(plots)
        self.right_split.addWidget(table_box)
        self.right_split.setChildrenCollapsible(False)
        self.right_split.setSizes([330, 300])
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.verdict_scroll)
        rl.addWidget(self.right_split, 1)

        split = controls_split(self.controls, right, CONTROLS_WIDTH, collapsible=True)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)
        self._form_changed("model", self.form.values()["model"])
        self._show_verdict()

    def _build_alpha_items(self) -> None:
        p = self.alpha_plot
        self.alpha_err = pg.ErrorBarItem(x=np.array([]), y=np.array([]), height=np.array([]),
                                         pen=pg.mkPen(GREY, width=1.5), beam=0.15)
        p.addItem(self.alpha_err)
        self.alpha_dots = pg.ScatterPlotItem(pen=pg.mkPen(None))
        p.addItem(self.alpha_dots)
        self.alpha_texts = []
        for _ in P.TUTORIAL_ALPHAS:
            t = pg.TextItem("", color=BLACK, anchor=(0.5, 1.3))
            t.setVisible(False)
            p.addItem(t)
            self.alpha_texts.append(t)
        p.getAxis("bottom").setTicks([[(i, f"{a:g}") for i, a in enumerate(P.TUTORIAL_ALPHAS)]])
        p.setXRange(-0.5, len(P.TUTORIAL_ALPHAS) - 0.5, padding=0)
        p.setYRange(0.955, 1.004, padding=0)
        p.getPlotItem().vb.disableAutoRange()
        p.grid.show(x=False, y=True)
        p.setToolTip("Each dot: one network's validation accuracy (288 images); the whiskers are ±1 standard "
                     "error. Step 2 keeps the highest dot (green).")

    def _build_loss_items(self) -> None:
        p = self.loss_plot
        p.setLogMode(y=True)
        p.getAxis("left").setStyle(maxTickLevel=0)
        self.alpha_curves = [p.curve(c, name=f"α={a:g}", width=0.6) for a, c in zip(P.TUTORIAL_ALPHAS, ALPHA_COLOURS)]
        self.final_curve = p.curve(FINAL_COLOUR, name="step 3", width=1.2)
        self.your_curves: list[pg.PlotDataItem] = []
        self.your_curves.append(p.curve(YOURS_COLOUR, name="yours", width=0.9))
        self.your_curves[0].setVisible(False)
        p.add_legend(columns=3)
        p.setToolTip("Training loss (with the L2 penalty) after each pass over the data. Step 2's networks run "
                     "up to 200 passes (α = their alpha); Step 3's early stopping ends at 30.")

    def _your_curve(self, k: int) -> pg.PlotDataItem:
        while len(self.your_curves) <= k:
            self.your_curves.append(self.loss_plot.curve(YOURS_COLOUR, width=0.5))
        return self.your_curves[k]

    def _build_compare_items(self) -> None:
        p = self.compare_plot
        self.compare_err = pg.ErrorBarItem(x=np.array([]), y=np.array([]), width=np.array([]),
                                           pen=pg.mkPen(GREY, width=2), beam=0.18)
        p.addItem(self.compare_err)
        self.compare_dots = pg.ScatterPlotItem(pen=pg.mkPen("w", width=1))
        self.compare_dots.setZValue(10)
        p.addItem(self.compare_dots)
        self.seed_dots = pg.ScatterPlotItem(pen=pg.mkPen(None), brush=pg.mkBrush(80, 80, 80, 110), symbol="o")
        self.seed_dots.setZValue(5)
        p.addItem(self.seed_dots)
        self.base_line = p.vline(GREY, style=Qt.DashLine)
        self.base_line.setVisible(False)
        self.compare_texts = []
        for _ in range(3):
            t = pg.TextItem("", color=BLACK, anchor=(0.5, 1.25))
            t.setVisible(False)
            p.addItem(t)
            self.compare_texts.append(t)
        p.setYRange(-0.6, 2.6, padding=0)
        p.setXRange(0.93, 1.0, padding=0)
        p.getPlotItem().vb.disableAutoRange()
        p.hideAxis("left")
        p.grid.show(x=True, y=False)
        p.setToolTip("Test accuracy on 360 images; whiskers: ±1 binomial standard error (about ±1 point). "
                     "Grey dots: the individual seeds. Dashed line: the baseline.")

    # ============================================================== the tutorial's steps
    @Slot()
    def run_steps(self) -> None:
        self.results = [r for r in self.results if r.step == 0]
        self.baseline = self.final = self.tutorial = self.evaluation = None
        if self.pick is not None and self.pick.step != 0:
            self.pick = None
        for key in [k for k in self.losses if k[0] != 0]:
            del self.losses[key]
        self.holdout = []
        self.steps_worker.start(P.tutorial_steps)
        self.step_texts = {k: f"<span style='color:{GREY}'>{P.STEP_TITLES[k]}</span>" for k in (1, 2, 3, 4)}
        self._show_steps()
        self.steps_progress.setText("Starting (the first run loads scikit-learn)…")
        self._rebuild_table()
        self._draw_alpha()
        self._show_verdict()
        self._dirty = True
        self._redraw()

    @Slot()
    def cancel_steps(self) -> None:
        if self.steps_worker.busy:
            self.steps_worker.cancel()
            self.steps_progress.setText(f"Cancelled during step {self.current_step}.")

    @Slot(object)
    def _on_step_event(self, event) -> None:
        if isinstance(event, P.Iteration):
            self._record_iteration(event)
        elif isinstance(event, P.StepStarted):
            self.current_step = event.step
            self.step_texts[event.step] = f"<b>{event.title}</b> &hellip;"
            self._show_steps()
        elif isinstance(event, P.PipelineResult):
            self._tutorial_result(event)
        elif isinstance(event, P.Evaluation):
            self.evaluation = event
            c = event.comparison
            sign = "&#9650;" if c.verdict == "better" else "&#9660;" if c.verdict == "worse" else "="
            self.step_texts[4] = (
                f"<b>{P.STEP_TITLES[4]}</b> accuracy <b>{event.final.test_mean:.4f}</b>; the tutorial prints "
                f"<i>Improvement over baseline: {event.improvement_percent:.2f}%</i> &rarr; "
                f"<b style='color:{coloured(c.verdict)}'>{sign} {c.verdict} than the baseline</b>"
                + ("" if c.verdict != "worse" else ", and says nothing about it."))
            self._show_steps()
            self._set_pick(self.final)

    def _tutorial_result(self, r: P.PipelineResult) -> None:
        self._add_result(r)
        f = r.fits[0]
        if r.step == 1:
            self.baseline = r
            self.step_texts[1] = (f"<b>{P.STEP_TITLES[1]}</b>: logistic regression, test "
                                  f"<b>{r.test_mean:.4f}</b> ({f.n_iter} iterations)")
        elif r.step == 2:
            done = [x for x in self.results if x.step == 2]
            parts = ", ".join(f"{x.settings['alpha']:g} &rarr; {x.val_mean:.4f}" for x in done)
            text = f"<b>{P.STEP_TITLES[2]}</b> (validation accuracy): {parts}"
            if len(done) == len(P.TUTORIAL_ALPHAS):
                best = done[P.best_by_validation(done)]
                text += f"; best alpha <b>{best.settings['alpha']:g}</b>"
                limit = [f"{x.settings['alpha']:g}" for x in done if not x.converged]
                if limit:
                    text += (f" <span style='color:{GREY}'>(alpha {', '.join(limit)} hit the 200-iteration "
                             f"limit: scikit-learn's ConvergenceWarning, handled)</span>")
            self.step_texts[2] = text
            self._draw_alpha()
        elif r.step == 3:
            self.final = r
            held = f.available - f.trained_on
            text = (f"<b>{P.STEP_TITLES[3]}</b>: alpha {r.settings['alpha']:g} with early stopping "
                    f"stopped at <b>{f.n_iter}</b> iterations, validation <b>{r.val_mean:.4f}</b>.")
            if self.holdout:
                best_i = int(np.argmax(self.holdout))
                text += (f" Its own holdout ({held} of the {f.available} training images) peaked at "
                         f"{self.holdout[best_i]:.4f} at iteration {best_i + 1}, then did not improve for "
                         f"{len(self.holdout) - best_i - 1}; the network learned from {f.trained_on} images.")
            self.step_texts[3] = text
        self._show_steps()

    @Slot(object)
    def _on_steps_finished(self, result) -> None:
        self.tutorial = result
        self.steps_progress.setText("")
        self._dirty = True
        self._redraw()
        self.status.emit("The tutorial's four steps are done: its final model is "
                         f"{result.evaluation.comparison.verdict} than the baseline.")
        self.tutorial_done.emit()

    @Slot(str)
    def _on_steps_failed(self, message: str) -> None:
        self.steps_progress.setText(f"<b>The steps failed:</b> {html.escape(message)}")

    @Slot(bool)
    def _on_steps_busy(self, busy: bool) -> None:
        self.steps_cancel.setEnabled(busy)
        if not busy:
            self.steps_bar.setVisible(False)
        self._update_timer()

    def _show_steps(self) -> None:
        for k, label in self.step_labels.items():
            label.setText(self.step_texts.get(k, ""))

    # ============================================================== your pipeline
    @Slot(str, object)
    def _form_changed(self, name, value) -> None:
        if name == "model":
            logistic = value == P.LOGISTIC
            for n in P.MLP_ONLY:
                set_row_visible(self.form, n, not logistic)
            for n in P.LOGISTIC_ONLY:
                set_row_visible(self.form, n, logistic)
        if name in ("model", "early_stopping"):
            values = self.form.values()
            es = values["early_stopping"] and values["model"] != P.LOGISTIC
            for n in ("validation_fraction", "n_iter_no_change"):
                w = self.form[n]
                for part in (w.label, w.slider, w.editor):
                    part.setEnabled(es)

    def settings(self) -> dict:
        return self.form.values()

    @Slot()
    def run_pipeline(self) -> None:
        s = self.settings()
        try:
            P.validate_settings(s)
        except ValueError as exc:
            self.run_progress.setText(f"<b>Cannot run:</b> {html.escape(str(exc))}")
            return
        for key in [k for k in self.losses if k[0] == 0]:
            del self.losses[key]
        self._run_seeds = [s["seed"] + k for k in range(s["n_seeds"])]
        self.run_progress.setText(f"Training {html.escape(P.describe(s))}…")
        self._dirty = True
        self.run_worker.start(P.run_pipeline, s, None, self.baseline)

    @Slot()
    def cancel_run(self) -> None:
        if self.run_worker.busy:
            self.run_worker.cancel()
            self.run_progress.setText("Cancelled: nothing was added to the table.")

    @Slot(object)
    def _on_run_event(self, event) -> None:
        if isinstance(event, P.Iteration):
            self._record_iteration(event)

    @Slot(object)
    def _on_run_finished(self, result: P.PipelineResult) -> None:
        self._add_result(result)
        self._set_pick(result)
        c = result.comparison
        self.run_progress.setText(
            f"Done: validation {pm(result.val_mean, result.val_std, result.n_seeds)}, test "
            f"{pm(result.test_mean, result.test_std, result.n_seeds)} ({result.seconds:.1f} s).")
        self._dirty = True
        self._redraw()
        if c is not None:
            self.status.emit(f"{result.label}: {c.verdict} than the baseline on test.")
        self.run_done.emit()

    @Slot(str)
    def _on_run_failed(self, message: str) -> None:
        self.run_progress.setText(f"<b>The run failed:</b> {html.escape(message)}")

    @Slot(bool)
    def _on_run_busy(self, busy: bool) -> None:
        self.run_cancel.setEnabled(busy)
        if not busy:
            self.run_bar.setVisible(False)
        self.run_button.setText("Restart" if busy else "Run")
        self._update_timer()

    # ============================================================== streaming
    def _record_iteration(self, e: P.Iteration) -> None:
        if e.step == 0:
            key = (0, self._run_seeds.index(e.seed) if e.seed in self._run_seeds else 0, e.phase)
        elif e.step == 2:
            key = (2, e.label)
        else:
            key = (e.step,)
        self.losses.setdefault(key, []).append(e.loss)
        if e.step == 3 and e.holdout_score is not None:
            self.holdout.append(e.holdout_score)
        self.last_iteration = e
        self._dirty = True

    def _update_timer(self) -> None:
        if self.steps_worker.busy or self.run_worker.busy:
            if not self.frame_timer.isActive():
                self.frame_timer.start()
        else:
            self.frame_timer.stop()
            self._redraw()

    @Slot()
    def _redraw(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        step2 = [k for k in self.losses if k[0] == 2]
        for i, curve in enumerate(self.alpha_curves):
            ys = self.losses.get(step2[i], []) if i < len(step2) else []
            curve.setData(np.arange(1, len(ys) + 1), finite_or_nan(ys))
        ys = self.losses.get((3,), [])
        self.final_curve.setData(np.arange(1, len(ys) + 1), finite_or_nan(ys))
        yours = {}
        for key, ys in self.losses.items():
            if key[0] == 0:
                yours[key[1]] = ys  # a refit's curve replaces the fit's
        for k, curve in enumerate(self.your_curves):
            ys = yours.get(k, [])
            curve.setData(np.arange(1, len(ys) + 1), finite_or_nan(ys))
        if self.your_curves[0].isVisible() != bool(yours):   # no "yours" in the legend before a run
            self.your_curves[0].setVisible(bool(yours))
            self.loss_plot.legend.refresh()
        for k in range(len(self.your_curves), len(yours)):
            ys = yours[k]
            self._your_curve(k).setData(np.arange(1, len(ys) + 1), finite_or_nan(ys))
        e = self.last_iteration
        if e is not None and e.step != 0 and self.steps_worker.busy:
            self._progress(self.steps_progress, self.steps_bar, e, html.escape(e.label))
        if e is not None and e.step == 0 and self.run_worker.busy:
            seed_no = self._run_seeds.index(e.seed) + 1 if e.seed in self._run_seeds else 1
            phase = ", refit on train + validation" if e.phase == "refit" else ""
            self._progress(self.run_progress, self.run_bar, e,
                           f"Seed {e.seed} ({seed_no} of {len(self._run_seeds)}){phase}")
        self.frame_drawn.emit()

    @staticmethod
    def _progress(label: QLabel, bar: QProgressBar, e: P.Iteration, text: str) -> None:
        if label.text() != text:   # once per fit, not once per frame
            label.setText(text)
        if bar.maximum() != e.max_iter:
            bar.setMaximum(e.max_iter)
        bar.setValue(e.iteration)
        bar.setVisible(True)

    # ============================================================== results table
    def _add_result(self, r: P.PipelineResult) -> None:
        self._ids[id(r)] = self._next_id
        self._next_id += 1
        self.results.append(r)
        self._rebuild_table()

    def _rebuild_table(self) -> None:
        t = self.table
        t.blockSignals(True)
        t.setSortingEnabled(False)
        t.setRowCount(len(self.results))
        for row, r in enumerate(self.results):
            c = r.comparison
            iters = f"{r.n_iter:.0f}" + ("" if r.converged else " limit")
            cells = [
                SortItem(str(self._ids[id(r)]), self._ids[id(r)]),
                SortItem(r.label),
                SortItem(str(r.n_seeds), r.n_seeds),
                SortItem(pm(r.val_mean, r.val_std, r.n_seeds), r.val_mean),
                SortItem(pm(r.test_mean, r.test_std, r.n_seeds), r.test_mean),
                SortItem("baseline" if c is None else
                         f"{np.mean(r.differences) * 100:+.2f} ({c.difference_images:+d})",
                         0.0 if c is None else float(np.mean(r.differences))),
                SortItem("–" if c is None else f"{c.mcnemar_p:.3f}", math.nan if c is None else c.mcnemar_p),
                SortItem(iters, r.n_iter),
                SortItem(f"{r.seconds:.1f}", r.seconds),
            ]
            for col, item in enumerate(cells):
                if col != COL_LABEL:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                item.setData(Qt.UserRole, id(r))
                t.setItem(row, col, item)
            if c is not None:
                cells[COL_DELTA].setForeground(QColor(coloured(c.verdict)))
            cells[COL_LABEL].setToolTip(r.label)
        t.setSortingEnabled(True)
        self._select_pick_row()
        t.blockSignals(False)

    def _select_pick_row(self) -> None:
        t = self.table
        t.clearSelection()
        if self.pick is None:
            return
        for row in range(t.rowCount()):
            item = t.item(row, COL_ID)
            if item is not None and item.data(Qt.UserRole) == id(self.pick):
                t.selectRow(row)
                t.scrollToItem(item)
                return

    def result_at_row(self, row: int) -> P.PipelineResult | None:
        item = self.table.item(row, COL_ID)
        if item is None:
            return None
        key = item.data(Qt.UserRole)
        return next((r for r in self.results if id(r) == key), None)

    def table_rows(self) -> list[list[str]]:
        t = self.table
        return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]

    @Slot()
    def _selection_changed(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        if len(rows) != 1:
            return
        r = self.result_at_row(rows.pop())
        if r is not None and r is not self.pick:
            self.pick = r
            self._show_verdict()

    def _set_pick(self, r: P.PipelineResult | None) -> None:
        self.pick = r
        self.table.blockSignals(True)
        self._select_pick_row()
        self.table.blockSignals(False)
        self._show_verdict()

    @Slot()
    def pick_by_validation(self) -> None:
        candidates = [r for r in self.results if r.comparison is not None]
        i = P.best_by_validation(candidates)
        if i is not None:
            self._set_pick(candidates[i])

    @Slot(int, Qt.SortOrder)
    def _sort_changed(self, column: int, order) -> None:
        self._table_sorted_by_test = column in TEST_COLUMNS
        self._show_warning()

    # ============================================================== verdict
    def _show_verdict(self) -> None:
        r = self.pick
        if r is None or r.comparison is None:
            self._set_verdict_colour(SAME_BG)
            if r is not None:
                self.verdict.setText(f"<b>{html.escape(r.label)}</b> is the baseline itself: pick another row "
                                     "to compare it with the baseline.")
            elif self.steps_worker.busy:
                self.verdict.setText("Running the tutorial's four steps&hellip; the verdict appears after Step 4.")
            else:
                self.verdict.setText("Pick a row of the results table to compare it with the baseline.")
        else:
            c = r.comparison
            bg = {"better": BETTER_BG, "worse": WORSE_BG}.get(c.verdict, SAME_BG)
            self._set_verdict_colour(bg)
            self.verdict.setText(self._verdict_html(r))
        self._fit_verdict()
        self._draw_compare()
        self._show_warning()
        self.verdict_changed.emit()

    def _set_verdict_colour(self, colour: str) -> None:
        pal = self.verdict.palette()
        pal.setColor(QPalette.Window, QColor(colour))
        self.verdict.setPalette(pal)

    def verdict_text(self) -> str:
        return self.verdict.text()

    def _verdict_html(self, r: P.PipelineResult) -> str:
        c = r.comparison
        head = {"better": "&#9650; BETTER than the baseline", "worse": "&#9660; WORSE than the baseline",
                "same": "= the same as the baseline"}[c.verdict]
        who = "The tutorial's final model" if r.step == 3 else f"<i>{html.escape(r.label)}</i>"
        n_seeds = r.n_seeds
        text = (f"<b style='color:{coloured(c.verdict)}; font-size:{round(theme().font_pt * 1.25)}pt'>{head}</b>"
                f" &nbsp; {who}: test <b>{pm(r.test_mean, r.test_std, n_seeds)}</b> vs baseline "
                f"<b>{c.baseline_accuracy:.4f}</b> ")
        if n_seeds == 1:
            text += f"({c.difference * 100:+.2f} points = {c.difference_images:+d} of {c.n} images).<br>"
        else:
            diffs = np.array(r.differences) * 100
            text += (f"(mean {diffs.mean():+.2f} ± {diffs.std(ddof=1):.2f} points over {n_seeds} seeds; "
                     f"{sum(d > 0 for d in diffs)} of {n_seeds} seeds beat it).<br>")
        noise = ("<b>unlikely to be luck</b>" if c.significant else "<b>within noise</b>")
        seed_note = " (first seed)" if n_seeds > 1 else ""
        text += (f"Only this model right: {c.only_model_right} images, only the baseline: {c.only_baseline_right}"
                 f"{seed_note}; McNemar p = {c.mcnemar_p:.2f}: {noise}. One standard error of a test accuracy "
                 f"on {c.n} images is &plusmn;{c.se_baseline * 100:.1f} points.")
        why = self._reasons(r)
        if why:
            text += "<br><b>Why:</b> " + why
        return text

    def _reasons(self, r: P.PipelineResult) -> str:
        c = r.comparison
        s = r.settings
        f = r.fits[0]
        reasons = []
        if c.verdict != "better":
            if s.get("model") != P.LOGISTIC and s.get("early_stopping"):
                reasons.append(f"early stopping kept {f.available - f.trained_on} training images "
                               f"for its own check, so the network learned from {f.trained_on}"
                               + (f" and stopped after {f.n_iter} iterations" if f.stopped_early else ""))
            if r.step == 3:
                best2 = [x for x in self.results if x.step == 2]
                if best2:
                    b = best2[P.best_by_validation(best2)]
                    reasons.append(f"alpha was chosen for a different procedure ({b.settings['max_iter']} "
                                   f"iterations on all {b.fits[0].available} images); that very network, Step 2's "
                                   f"alpha {b.settings['alpha']:g}, scored <b>{b.test_mean:.4f}</b> on test")
                reasons.append(f"the validation set had already chosen alpha, so its {r.val_mean:.4f} is no fresh "
                               "estimate")
            if r.n_seeds == 1 and s.get("model") != P.LOGISTIC:
                reasons.append("one seed: another seed moves test accuracy by about a point (try 5 seeds)")
            if not c.significant:
                reasons.append(f"{abs(c.difference_images)} of {c.n} images is within noise")
        elif not c.significant:
            reasons.append(f"{c.difference_images} more images right out of {c.n}: encouraging, not proof; "
                           "run more seeds")
        return "; ".join(reasons) + ("." if reasons else "")

    def _show_warning(self) -> None:
        texts = []
        candidates = [r for r in self.results if r.comparison is not None]
        if self.pick is not None and self.pick in candidates and \
                P.picked_by_test(candidates, candidates.index(self.pick)):
            texts.append("your pick has a lower validation accuracy than another run: the only thing that "
                         "recommends it is its test score")
        if self._table_sorted_by_test:
            texts.append("the table is ranked by a test column")
        self.warning.setVisible(bool(texts))
        if texts:
            self.warning.setText(
                f"<b style='color:{WORSE}'>&#9888; Choosing on the test set:</b> " + "; ".join(texts) +
                ". A pipeline chosen for its test score makes that score optimistic: the test set has become a "
                "second validation set. Choose by validation (button), then read test once.")

    # ============================================================== plots
    def _draw_alpha(self) -> None:
        runs = [r for r in self.results if r.step == 2]
        x = np.arange(len(runs), dtype=float)
        y = np.array([r.val_mean for r in runs])
        n_val = runs[0].fits[0].n_val if runs else 1
        se = np.sqrt(y * (1 - y) / n_val) if len(y) else np.array([])
        self.alpha_err.setData(x=x, y=y, height=2 * se)
        best = P.best_by_validation(runs) if len(runs) == len(P.TUTORIAL_ALPHAS) else None
        size = theme().marker_size * 1.4
        brushes = [pg.mkBrush(GREEN if i == best else BLUE) for i in range(len(runs))]
        self.alpha_dots.setData(x=x, y=y, brush=brushes, size=size)
        for i, t in enumerate(self.alpha_texts):
            t.setVisible(i < len(runs))
            if i < len(runs):
                t.setText(f"{y[i]:.4f}")
                t.setPos(x[i], y[i] + se[i])
                t.setColor(GREEN if i == best else BLACK)

    def _draw_compare(self) -> None:
        rows = []   # (name, accuracy, se, colour, seed accuracies)
        base_acc = None
        ref = self.pick if self.pick is not None and self.pick.comparison is not None else self.final
        if ref is not None and ref.comparison is not None:
            base_acc = ref.comparison.baseline_accuracy
        elif self.baseline is not None:
            base_acc = self.baseline.test_mean
        n = 360
        if base_acc is not None:
            rows.append(("baseline", base_acc, P.binomial_se(base_acc, n), GREY, []))
        if self.final is not None and self.final.comparison is not None:
            c = self.final.comparison
            rows.append(("tutorial", c.accuracy, c.se_model, coloured(c.verdict), []))
        if self.pick is not None and self.pick.comparison is not None and self.pick is not self.final:
            r = self.pick
            verdict = "better" if r.test_mean > base_acc + 1e-12 else "worse" if r.test_mean < base_acc - 1e-12 \
                else "same"
            acc = min(max(r.test_mean, 0.0), 1.0)
            rows.append(("your pick", r.test_mean, P.binomial_se(acc, n), coloured(verdict),
                         [f.test_accuracy for f in r.fits] if r.n_seeds > 1 else []))
        y = np.arange(len(rows), dtype=float)
        xs = np.array([row[1] for row in rows])
        se = np.array([row[2] for row in rows])
        self.compare_err.setData(x=xs, y=y, width=2 * se)
        self.compare_dots.setData(x=xs, y=y, brush=[pg.mkBrush(row[3]) for row in rows],
                                  size=theme().marker_size * 1.6)
        sx, sy = [], []
        for i, row in enumerate(rows):
            sx += row[4]
            sy += [i] * len(row[4])
        self.seed_dots.setData(x=sx, y=sy, size=theme().marker_size * 0.8)
        self.base_line.setVisible(base_acc is not None)
        if base_acc is not None:
            self.base_line.setValue(base_acc)
        for i, t in enumerate(self.compare_texts):
            t.setVisible(i < len(rows))
            if i < len(rows):
                t.setText(f"{rows[i][0]}: {rows[i][1]:.4f}")
                t.setPos(rows[i][1], i + 0.1)
                t.setColor(QColor(rows[i][3]) if rows[i][3] != GREY else QColor(BLACK))
        self.compare_plot.getAxis("left").setTicks([[(i, "") for i in range(len(rows))]])
        if len(rows):
            lo = min(float(np.min(xs - 2.2 * se)), *(sx or [1.0]))
            hi = max(float(np.max(xs + 2.2 * se)), *(sx or [0.0]))
            self.compare_plot.setXRange(max(lo, 0.0), min(hi, 1.0), padding=0.05)
        self.compare_plot.setYRange(-0.6, max(len(rows), 1) - 0.2, padding=0)

    # ============================================================== panel API
    def run_defaults(self) -> None:
        """The tutorial's four steps (a few seconds); the comparison stays on screen."""
        self.run_steps()

    def cancel(self) -> None:
        self.cancel_steps()
        self.cancel_run()
        super().cancel()

    def shutdown(self) -> None:
        self.frame_timer.stop()
        super().shutdown()

    @Slot()
    def _restyle(self) -> None:
        QTimer.singleShot(0, self, self._restyle_later)

    @Slot()
    def _restyle_later(self) -> None:
        inner = self.controls.widget()
        for w in self.form.widgets.values():
            if w.slider is not None:
                w.editor.setMaximumWidth(w.editor.fontMetrics().horizontalAdvance("0.00001") + 36)
        bar = self.controls.verticalScrollBar().sizeHint().width()
        width = max(CONTROLS_WIDTH, min(inner.minimumSizeHint().width() + bar + 6, MAX_CONTROLS_WIDTH))
        self.controls.setMinimumWidth(width)
        font = theme().font(0.9)
        for t in self.alpha_texts + self.compare_texts:
            t.setFont(font)
        # presentation: two plots side by side are all that stay readable; Step 2's dots are also
        # in its text and in the table
        presenting = theme().presentation
        self.alpha_plot.setVisible(not presenting)
        self.right_split.setSizes([420, 230] if presenting else [330, 300])
        for col in PRESENTATION_HIDDEN:
            self.table.setColumnHidden(col, presenting)
        self.loss_plot.legend.columns = 2 if presenting else 3
        self.loss_plot.legend.refresh()
        self._draw_alpha()
        self._show_verdict()

    def _fit_verdict(self) -> None:
        """The verdict box as tall as its text, at most a third of the tab (it scrolls beyond that)."""
        width = self.verdict_scroll.viewport().width()
        if width < 100:
            return
        need = self.verdict.heightForWidth(width) + theme().font_pt // 2
        cap = int(self.height() * (0.36 if theme().presentation else 0.3))
        # a scroll bar only when the text is capped (a word-wrapped label's minimum size hint is taller
        # than the text needs, which alone made a scroll bar appear)
        self.verdict_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded if need > cap else Qt.ScrollBarAlwaysOff)
        self.verdict_scroll.setFixedHeight(max(min(need, cap), theme().font_pt * 3))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_verdict)
