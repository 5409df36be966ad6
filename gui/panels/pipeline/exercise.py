"""Hands-on pipeline (tutorial section 6): the tutorial's four steps, an honest verdict, your own runs.

The page opens by running the tutorial's exercise on the digits (about 3 s on the worker):

1. baseline logistic regression, test 0.9611;
2. an MLP (100, 50) for four alphas, chosen on validation: alpha 1.0 (0.9896);
3. a new MLP with that alpha and early stopping: stops at 30 iterations, validation 0.9757;
4. test 0.9528: WORSE than the baseline by 0.83 points, which the tutorial prints without comment.

The verdict box says so in colour and explains why (early stopping's holdout takes training
images away, one seed, 3 images of the test set are within noise: McNemar p = 0.58). The learner
then runs pipelines of their own (logistic C, scikit-learn or engine.nn MLP, early stopping on or
off, seeds, refit on train + validation); every run lands in a sortable results table. Selecting
a row makes it "your pick": the verdict and the test-accuracy plot compare it with the baseline,
and a warning appears when the pick (or the table's sort order) is by test accuracy.

Two streamed jobs (:class:`gui.runs.Run`): the tutorial's steps and your pipeline. Every fit
streams its iterations (the training loss curves grow live).

Over the results table the plots and the selected row's mistakes take turns (a tab bar at the
desk, tabs of their own on a projector): its confusion matrix and the test digits it gets wrong,
those the baseline gets right first (:mod:`~gui.panels.pipeline.mistakes`). File → Open data…
puts a CSV of your own in the digits' place (:mod:`~gui.panels.pipeline.own_data`): the baseline
and your pipelines run on it, each data set keeping its own results.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QTimer, Qt, Slot
from PySide6.QtWidgets import QSplitter, QTabBar, QVBoxLayout, QWidget

from engine import pipeline as P
from engine.datasets import DIGITS_TRAIN
from gui.lab import Section
from gui.panels.pipeline.mistakes import MistakesView
from gui.panels.pipeline.own_data import DataSwitch
from gui.panels.pipeline.plots import AlphaPlot, ComparePlot, LossPlot
from gui.panels.pipeline.results_table import ResultsTable
from gui.panels.pipeline.steps_box import StepsBox, show_progress
from gui.panels.pipeline.verdict import VerdictBox, pm, warning_html
from gui.predict import Prediction
from gui.runs import Run
from gui.theme import theme
from gui.widgets import (Deferred, compact, controls_column, controls_split, fit_column, group, lesson_label,
                         progress_bar, set_param_enabled)

FRAME_MS = 33             # streamed loss curves: 30 redraws a second are plenty, and leave the GIL to the fit
CONTROLS_WIDTH = 370
MAX_CONTROLS_WIDTH = 520

LESSON = (
    "<b>The tutorial's exercise</b> trains a baseline, picks an MLP's L2 strength on the validation set, "
    "trains a final network with early stopping and tests it. Its last line reads "
    "<i>Improvement over baseline: -0.83%</i>: the final model is <b>worse</b> than the simple baseline, "
    "and the tutorial says nothing. Below: why, and whether the difference means anything. "
    "Then build a pipeline that beats the baseline <b>chosen on validation</b>, not on test.")
IDEAS = (
    f"<b>Ideas:</b> early stopping off (its holdout takes "
    f"{P.holdout_size(DIGITS_TRAIN, P.VALIDATION_FRACTION.default)} of the {DIGITS_TRAIN} training images); "
    "logistic regression with other C values; refit on train + validation; 5 seeds to see the noise. "
    "Choose with the <i>validation</i> column, then look at test once.")


def set_row_visible(widget, visible: bool) -> None:
    for part in (widget.label, widget.slider, widget.editor):
        if part is not None:
            part.setVisible(visible)


class Exercise(Section):
    key = "exercise"
    title = "Hands-on pipeline"
    params = P.PARAMS.params
    key_params = ("model", "alpha", "C", "early_stopping")   # C or alpha, as the model has (the other row is off)
    # before "Run": the class clicks the test accuracy it expects of these settings on the accuracy plot
    prediction = Prediction("compare", "x", "Click the test accuracy your pipeline will reach",
                            you="you predicted a test accuracy of {p}", happened="your pipeline scored {o}",
                            missing="the run gave no test accuracy", decimals=3, run="pipeline")

    # ============================================================== layout
    def build(self) -> None:
        self.results: list[P.PipelineResult] = []
        self.numbers: list[int] = []            # run number of each result, as the table shows it
        self._next_number = 1
        self._step_numbers: list[int] = []      # numbers a re-run of the steps takes again
        self.pick: P.PipelineResult | None = None
        self.baseline = self.final = self.tutorial = self.evaluation = None
        self.losses: dict[tuple, list[float]] = {}   # curve key -> losses per iteration
        self.holdout: list[float] = []          # Step 3's early-stopping holdout accuracy per iteration
        self.last_iteration: P.Iteration | None = None
        self._run_seeds: list[int] = []

        self.steps = Run(self, "steps", self._steps_job, values=dict, on_start=self._steps_started,
                         on_event=self._step_event, draw=self.draw, show_result=self._steps_done,
                         show_cancelled=self._steps_cancelled, show_failure=self._steps_failed, frame_ms=FRAME_MS,
                         run_text="Run the four steps", restart_text="Run the four steps")
        self.steps.run_button.setToolTip("Run the tutorial's exercise again (about 3 s)")
        self.steps.cancel_button.setToolTip("Stop the tutorial's steps (Esc stops everything in this tab)")
        self.steps_box = StepsBox(self.steps)
        self.yours = Run(self, "pipeline", self._pipeline_job, values=self._pipeline_values,
                         on_start=self._pipeline_started, on_event=self._pipeline_event, draw=self.draw,
                         show_result=self._pipeline_done, show_cancelled=self._pipeline_cancelled,
                         show_failure=self._pipeline_failed, frame_ms=FRAME_MS)
        self.yours.run_button.setToolTip("Train this pipeline; its scores are added to the results table")
        self.yours.cancel_button.setToolTip("Stop this run")
        for run in (self.steps, self.yours):
            run.drawn.connect(self.drawn)
        self.run_bar = progress_bar()
        self.steps.worker.busy_changed.connect(self._steps_busy)
        self.yours.worker.busy_changed.connect(self._pipeline_busy)

        self.data_switch = DataSwitch(self)
        self.form = compact(self.make_form(compact=False), 60)
        yours_box = group("Your pipeline", self.form, self.yours.button_row, self.yours.note, self.run_bar)
        self.controls, column = controls_column(*self.tutorial_row(), lesson_label(LESSON), self.data_switch.box,
                                                self.steps_box.box, yours_box,
                                                lesson_label(IDEAS))
        column.addStretch(1)
        self.controls.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.controls_scroll = self.controls   # the Section model's column (the stage view folds it)

        self.verdict = VerdictBox()
        self.alpha_plot, self.loss_plot, self.compare_plot = AlphaPlot(), LossPlot(), ComparePlot()
        self.plot_split = QSplitter(Qt.Horizontal)
        for plot in (self.alpha_plot, self.loss_plot, self.compare_plot):
            self.plot_split.addWidget(plot)
        self.plot_split.setChildrenCollapsible(False)
        self.plot_split.setSizes([300, 330, 300])
        self.table = ResultsTable()
        self.table.picked.connect(self._row_picked)
        self.table.pick_requested.connect(self.pick_by_validation)
        self.table.sort_changed.connect(self._show_warning)
        # at the desk the plots and the selected row's mistakes take turns over the table; the
        # mistakes' view is made when first shown or filled (a fifth of the page's build)
        self.mistakes_page = Deferred(MistakesView)
        self.top_bar = QTabBar()
        for title in ("Plots", "Mistakes of the selected row"):
            self.top_bar.addTab(title)
        self.top_bar.setExpanding(False)
        self.top_bar.setDocumentMode(True)
        self.top_bar.currentChanged.connect(self._show_top)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.setSpacing(0)
        for widget in (self.top_bar, self.plot_split, self.mistakes_page):
            tl.addWidget(widget, 0 if widget is self.top_bar else 1)
        self.right_split = QSplitter(Qt.Vertical)
        self.right_split.addWidget(top)
        self.right_split.addWidget(self.table)
        self.right_split.setChildrenCollapsible(False)
        self.right_split.setSizes([330, 300])
        # on a projector each plot and the results table get the room under the verdict in turn
        self.plot_tabs = self.plot_turns(("Loss", self.loss_plot), ("Test accuracy", self.compare_plot),
                                         ("Results", self.table), ("Mistakes", self.mistakes_page))
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.verdict)
        rl.addWidget(self.right_split, 1)
        self.split = controls_split(self.controls, right, CONTROLS_WIDTH, collapsible=True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.split)
        self.on_change("model", self.values()["model"])
        self._show_verdict()
        self._show_top()

    def shown(self) -> None:
        if not self.steps.ran:
            self.steps.start()     # the page runs the tutorial's exercise on its first show

    @property
    def mistakes(self) -> MistakesView:
        """The selected row's mistakes (the view is made now if it was not)."""
        return self.mistakes_page.widget()

    def plots(self) -> dict:
        return {"alpha": self.alpha_plot, "loss": self.loss_plot, "compare": self.compare_plot}

    def tables(self) -> dict:
        return {"results": self.table.frame}

    def verdicts(self) -> list[str]:
        shown = self.mistakes_page.built() and self.mistakes.found is not None
        mistakes = [self.mistakes.title.text()] if shown else []
        return super().verdicts() + [self.verdict.label.text()] + mistakes

    def prediction_outcome(self, _target: str):
        return None if self.yours.result is None else self.yours.result.test_mean

    def prediction_hide(self) -> None:
        """The plots stay (the baseline is what the class predicts against); the last run's words go."""
        self.predictor.hide_widget(self.yours.note)

    # ============================================================== the tutorial's steps
    def _steps_job(self):
        return P.tutorial_steps()      # looked up at each run (tests replace it)

    def _steps_started(self, values: dict) -> None:
        # a re-run's rows take the numbers the steps' rows had (1-6 again, not 7-12)
        self._step_numbers = sorted(n for n, r in zip(self.numbers, self.results) if r.step != 0)
        kept = [(n, r) for n, r in zip(self.numbers, self.results) if r.step == 0]
        self.numbers, self.results = [n for n, _ in kept], [r for _, r in kept]
        self.baseline = self.final = self.tutorial = self.evaluation = None
        if self.pick is not None and self.pick.step != 0:
            self.pick = None
        for key in [k for k in self.losses if k[0] != 0]:
            del self.losses[key]
        self.holdout = []
        self.steps_box.reset()
        self.steps.note.setText("Starting (the first run loads scikit-learn)…")
        self._refresh_table()
        self.alpha_plot.draw(self.step2())
        self._show_verdict(steps_running=True)

    def _step_event(self, event) -> None:
        if isinstance(event, P.Iteration):
            self._record_iteration(event)
        elif isinstance(event, P.StepStarted):
            self.steps_box.started(event)
        elif isinstance(event, P.PipelineResult):
            self._add_result(event)
            if event.step == 1:
                self.baseline = event
            elif event.step == 3:
                self.final = event
            self.steps_box.result(event, self.step2(), self.holdout)
            if event.step == 2:
                self.alpha_plot.draw(self.step2())
        elif isinstance(event, P.Evaluation):
            self.evaluation = event
            self.steps_box.evaluation(event)
            self._set_pick(self.final)

    def _steps_done(self, result: P.TutorialResult) -> None:
        self.tutorial = result
        self.steps.note.setText("")
        self.status.emit("The tutorial's four steps are done: its final model is "
                         f"{result.final.verdict} than the baseline.")

    def _steps_cancelled(self) -> None:
        self.steps.note.setText(f"Cancelled during step {self.steps_box.current}.")

    def _steps_failed(self, message: str) -> None:
        self.steps.note.setText(f"<b>The steps failed:</b> {html.escape(message)}")

    @Slot(bool)
    def _steps_busy(self, busy: bool) -> None:
        if not busy:
            self.steps_box.bar.setVisible(False)

    def step2(self) -> list[P.PipelineResult]:
        return [r for r in self.results if r.step == 2]

    # ============================================================== your pipeline
    def on_change(self, name: str, value) -> None:
        if name == "model":
            logistic = value == P.LOGISTIC
            for n in P.MLP_ONLY:
                set_row_visible(self.form[n], not logistic)
            for n in P.LOGISTIC_ONLY:
                set_row_visible(self.form[n], logistic)
        if name in ("model", "early_stopping"):
            for n in P.EARLY_STOPPING_ONLY:
                set_param_enabled(self.form[n], P.early_stopping_on(self.values()))

    def _pipeline_values(self) -> dict:
        return {"settings": self.values(), "baseline": self.baseline, "data": self.data_switch.split}

    @staticmethod
    def _pipeline_job(settings: dict, baseline, data=None):
        # your own data: the baseline is fitted on them by the first run (and yielded)
        return P.run_pipeline(settings, None, baseline) if data is None else P.run_on_data(settings, data, baseline)

    def _pipeline_started(self, values: dict) -> None:
        s = values["settings"]
        for key in [k for k in self.losses if k[0] == 0]:
            del self.losses[key]
        self._run_seeds = [s["seed"] + k for k in range(s["n_seeds"])]
        self.yours.note.setText(f"Training {html.escape(P.describe(s))}…")

    def _pipeline_event(self, event) -> None:
        if isinstance(event, P.Iteration):
            self._record_iteration(event)
        elif isinstance(event, P.PipelineResult) and event.step == 1:
            self.baseline = event       # fitted on your own data by the run
            self._add_result(event)

    def _pipeline_done(self, result: P.PipelineResult) -> None:
        self._add_result(result)
        self._set_pick(result)
        self.yours.note.setText(
            f"Done: validation {pm(result.val_mean, result.val_std, result.n_seeds)}, test "
            f"{pm(result.test_mean, result.test_std, result.n_seeds)} ({result.seconds:.1f} s).")
        if result.verdict is not None:
            verdict = "the same as" if result.verdict == P.SAME else f"{result.verdict} than"
            self.status.emit(f"{result.label}: {verdict} the baseline on test.")

    def _pipeline_cancelled(self) -> None:
        self.yours.note.setText("Cancelled: nothing was added to the table.")

    def _pipeline_failed(self, message: str) -> None:
        self.yours.note.setText(f"<b>The run failed:</b> {html.escape(message)}")

    @Slot(bool)
    def _pipeline_busy(self, busy: bool) -> None:
        if not busy:
            self.run_bar.setVisible(False)

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

    def draw(self) -> None:
        yours: dict[int, list[float]] = {}
        for key, ys in self.losses.items():
            if key[0] == 0:
                yours[key[1]] = ys  # a refit's curve replaces the fit's
        self.loss_plot.draw([ys for k, ys in self.losses.items() if k[0] == 2], self.losses.get((3,), []),
                            [yours.get(k, []) for k in range(max(yours, default=-1) + 1)])
        e = self.last_iteration
        if e is not None and e.step != 0 and self.steps.busy:
            show_progress(self.steps.note, self.steps_box.bar, e, html.escape(e.label))
        if e is not None and e.step == 0 and self.yours.busy:
            seed_no = self._run_seeds.index(e.seed) + 1 if e.seed in self._run_seeds else 1
            phase = ", refit on train + validation" if e.phase == "refit" else ""
            show_progress(self.yours.note, self.run_bar, e,
                          f"Seed {e.seed} ({seed_no} of {len(self._run_seeds)}){phase}")

    # ============================================================== results and the pick
    def _add_result(self, r: P.PipelineResult) -> None:
        if r.step != 0 and self._step_numbers:
            self.numbers.append(self._step_numbers.pop(0))
        else:
            self.numbers.append(self._next_number)
            self._next_number += 1
        self.results.append(r)
        self._refresh_table()

    def _refresh_table(self) -> None:
        rows = [i for i, r in enumerate(self.results) if r is self.pick]
        self.table.set_frame(P.results_frame(self.results, self.numbers), rows[0] if rows else None)

    def result_at_row(self, view_row: int) -> P.PipelineResult:
        """The result shown in the table's row ``view_row`` (after sorting)."""
        return self.results[self.table.frame_row(view_row)]

    def row_of(self, result: P.PipelineResult) -> int:
        """The table row (after sorting) that shows ``result``."""
        return self.table.view_row(self.results.index(result))

    @Slot(int)
    def _row_picked(self, frame_row: int) -> None:
        r = self.results[frame_row]
        if r is not self.pick:
            self.pick = r
            self._show_verdict()

    def _set_pick(self, r: P.PipelineResult | None) -> None:
        self.pick = r
        self.table.select(self.results.index(r) if r in self.results else None)
        self._show_verdict()

    @Slot()
    def pick_by_validation(self) -> None:
        candidates = [r for r in self.results if r.comparison is not None]
        i = P.best_by_validation(candidates)
        if i is not None:
            self._set_pick(candidates[i])

    # ============================================================== verdict
    def _show_verdict(self, steps_running: bool | None = None) -> None:
        running = self.steps.busy if steps_running is None else steps_running
        self.verdict.show_pick(self.pick, self.step2(), running)
        self._fit_verdict()
        self.compare_plot.draw(P.accuracy_rows(self.baseline, self.final, self.pick))
        self._show_warning()
        self._show_mistakes()

    def _show_mistakes(self) -> None:
        """The pick's confusion matrix and misclassified test images (or rows) against the baseline."""
        if self.pick is not None or self.mistakes_page.built():   # (a view not made yet is empty)
            self.mistakes.show_pick(self.pick, self.baseline, self.data_switch.data(), self.data_switch.user)

    def verdict_text(self) -> str:
        return self.verdict.text()

    @Slot()
    def _show_warning(self) -> None:
        candidates = [r for r in self.results if r.comparison is not None]
        by_test = self.pick in candidates and P.picked_by_test(candidates, candidates.index(self.pick))
        self.table.show_warning(warning_html(by_test, self.table.sorted_by_test()))

    # ============================================================== theme and size
    def restyle(self) -> None:
        super().restyle()
        lo, hi = self.stage_fold.widths((CONTROLS_WIDTH, MAX_CONTROLS_WIDTH))
        fit_column(self.controls, lo, hi, number_sample="0.00001", fixed_numbers=False,
                   resize_split=self.stage_fold.active)
        font = theme().font(0.9)
        for t in self.alpha_plot.texts + self.compare_plot.texts:
            t.setFont(font)
        # presentation: two plots side by side are all that stay readable; Step 2's dots are also
        # in its text and in the table
        presenting = theme().presentation
        self.alpha_plot.setVisible(self.alpha_plot_wanted())
        self.right_split.setSizes([420, 230] if presenting else [330, 300])
        self.table.set_presentation(presenting)
        self.loss_plot.set_presentation(presenting)
        self.alpha_plot.draw(self.step2())
        self._show_verdict()
        self._show_top()

    def alpha_plot_wanted(self) -> bool:
        """Step 2's plot: at the desk, on the digits (its dots are also in its text and the table)."""
        return not theme().presentation and self.data_switch.user is None

    @Slot(int)
    def _show_top(self, *_args) -> None:
        """The desk's bar: the plots or the mistakes (in the stage view every page is a tab already)."""
        stage = self.plot_tabs.tabbed
        self.top_bar.setVisible(not stage)
        if stage:   # the plots' own turns decide (the desk may have left the plots hidden)
            self.plot_split.setVisible(True)
            self.plot_tabs.refresh()
            return
        mistakes = self.top_bar.currentIndex() == 1
        self.plot_split.setVisible(not mistakes)
        self.mistakes_page.setVisible(mistakes)

    @Slot()
    def _fit_verdict(self) -> None:
        # with the plots as tabs (the stage view on a projector) the plot under it needs the room
        self.verdict.fit((self.panel or self).height(), 0.3 if self.plot_tabs.tabbed else None)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_verdict)
