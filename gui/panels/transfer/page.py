"""The Transfer learning page (tutorial section 5): from scratch, fine-tuned, or frozen features.

Left: the lesson, the relatedness slider and the run settings, and why the tutorial's own
numbers cannot be shown. Right, four views:

1. Accuracy against target size (log axis) for each method (size_plot.py), streaming one
   point per finished run.
2. The same numbers as a table (accuracy_table.py).
3. Learning curves on one target size (curves_plot.py), paced so a class can watch them.
4. The big sweep (a button): gain over scratch against relatedness, one curve per size
   (relatedness_plot.py).

Three jobs (jobs.py) stream side by side, each a :class:`gui.runs.Run`: the size sweep, the
learning curves and the big sweep. One Run/Cancel pair drives the sweep and the curves
together. They share the pre-trained network: the curves wait until the sweep has it (it is
cached in the engine), so it is never trained twice at once. A parameter change during a run
restarts the affected runs once the slider pauses.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QProgressBar, QSplitter, QTabWidget

from engine import transfer as T
from gui.lab import Section
from gui.predict import Prediction, last_epochs
from gui.runs import Run
from gui.theme import theme
from gui.widgets import compact, fit_column, group, lesson_label, rich_label, set_text
from gui.panels.transfer.accuracy_table import AccuracyTableBox
from gui.panels.transfer.curves_plot import LearningCurvesPlot
from gui.panels.transfer.jobs import SWEEP_SETTINGS, big_sweep_job, curves_job, sweep_job
from gui.panels.transfer.relatedness_plot import RelatednessPlot
from gui.panels.transfer.size_plot import SizeSweepPlot
from gui.panels.transfer.style import COLOURS, METHODS, RELATEDNESS_GRID, SHORT, SIZES, Y_RANGE
from gui.panels.transfer.texts import LESSON, METHODS_TEXT, RELATEDNESS_TEXT, TUTORIAL_TEXT

CURVE_SETTINGS = ("curve_size", "curve_seed", "speed")
PREDICTED = {"scratch": "training from scratch", "freeze": "frozen features", "fine-tune": "fine-tuning"}   # in the verdict


class CurvesRun(Run):
    """A Run that waits (``waiting``) while ``ready()`` is false: the learning curves wait for
    the pre-trained network the size sweep is training, and start (``start()`` again) once
    it is there. ``on_start`` is called when it starts waiting too."""

    def __init__(self, section, name, job, ready, on_start, **kwargs):
        super().__init__(section, name, job, on_start=on_start, **kwargs)
        self.ready = ready
        self.clear = on_start
        self.waiting = False

    @Slot()
    def start(self) -> None:
        predictor = self.section.predictor
        if predictor is not None and predictor.holds(self):
            self.restart_timer.stop()
            return                  # (nor wait: waiting clears the curves the class may bring back)
        if self.ready():
            self.waiting = False
            super().start()
            return
        self.restart_timer.stop()
        self.worker.cancel()
        self.waiting = True
        self.ran = True
        self.result = None
        self.events = []
        self.clear(self.values())

    @Slot()
    def cancel(self) -> None:
        self.waiting = False
        super().cancel()

    def is_idle(self) -> bool:
        return super().is_idle() and not self.waiting


class TransferSection(Section):
    key = "transfer"
    title = "Transfer learning"
    lesson = LESSON
    fold_lesson = False        # the page's lesson never folded
    params = (T.RELATEDNESS, T.N_SOURCE, T.TASK_SEED, T.SEEDS, T.STEPS, T.LR, T.CURVE_SIZE, T.CURVE_SEED, T.SPEED)
    key_params = ("relatedness", "seeds", "curve_size")
    column_widths = {False: (360, 470), True: (360, 470)}
    # each method's last test accuracy on the learning curves; a round plays the sweep and the curves
    prediction = Prediction("learning curves", "y", "Click the last test accuracy of {target}",
                            you="you predicted {p} for {target}", happened="it ended at {o}",
                            missing="{target} did not finish", decimals=2, run="sweep", axis=(Y_RANGE[0], 1.01))

    def build(self) -> None:
        self.baseline: T.Baseline | None = None
        self.tally = T.SweepTally(T.SEEDS.default)
        self.changed_methods: set[str] | None = None     # methods with new runs; None: redraw everything
        self.history: dict[str, list[T.CurvePoint]] = {m: [] for m in METHODS}
        self.curve_epochs = 0
        self.big_tally: T.RelatednessTally | None = None
        self.big_settings: dict | None = None

        self.task_form = self._form(("relatedness", "n_source", "task_seed"))
        self.run_form = self._form(("seeds", "steps", "lr"))
        self.curve_form = self._form(CURVE_SETTINGS)
        self.task_note = rich_label("")
        self.sweep = Run(self, "sweep", sweep_job, values=self.sweep_values, on_start=self.sweep_started,
                         on_event=self.sweep_event, draw=self.draw_sweep, show_result=self.show_sweep_result,
                         show_cancelled=self.show_sweep_cancelled, show_failure=self.show_sweep_failure)
        self.curves = CurvesRun(self, "curves", curves_job, ready=self.curves_ready, values=self.curve_values,
                                on_start=self.curves_started, on_event=self.curve_event, draw=self.draw_curves,
                                show_failure=self.show_curves_failure)
        self.big = Run(self, "relatedness-sweep", big_sweep_job, values=self.settings, on_start=self.big_started,
                       on_event=self.big_event, draw=self.draw_big, show_result=self.show_big_result,
                       show_cancelled=self.show_big_cancelled, show_failure=self.show_big_failure)
        self.status_note, self.big_note = self.sweep.note, self.big.note
        self._wire_buttons()
        self.progress = self._progress("Target runs finished in the size sweep")
        self.big_progress = self._progress("Target runs finished in the big sweep")
        self.gain_combo = QComboBox()
        self.gain_combo.addItem("gain of fine-tuning over scratch", "fine-tune")
        self.gain_combo.addItem("gain of frozen features over scratch", "freeze")
        self.gain_combo.setToolTip("Which method's gain the big-sweep plot shows")
        self.gain_combo.currentIndexChanged.connect(self._gain_choice_changed)

        self.size_view = SizeSweepPlot()
        self.table_box = AccuracyTableBox()
        self.curves_view = LearningCurvesPlot()
        self.big_view = RelatednessPlot(self.relatedness())
        top = QSplitter(Qt.Horizontal)
        top.addWidget(self.size_view.widget)
        top.addWidget(self.curves_view.widget)
        top.setSizes([470, 450])
        # presentation: the size sweep and the learning curves take turns (side by side, with their keys,
        # neither got a fifth of a 768 px projector)
        self.deck = self.plot_turns(("Accuracy vs size", self.size_view.widget),
                                    ("Learning curves", self.curves_view.widget))
        self.lower_tabs = QTabWidget()
        self.lower_tabs.addTab(self.table_box, "Accuracy table")
        self.lower_tabs.addTab(self.big_view.widget, "Relatedness × size")
        self.right_split = QSplitter(Qt.Vertical)
        self.right_split.addWidget(top)
        self.right_split.addWidget(self.lower_tabs)
        self.right_split.setSizes([440, 290])
        self.lower_tabs.currentChanged.connect(self._fit_split)
        self.set_body([group("Why not the tutorial's numbers?", lesson_label(TUTORIAL_TEXT)),
                       group("Source and target", self.task_form, lesson_label(RELATEDNESS_TEXT), self.task_note),
                       group("Target runs", lesson_label(METHODS_TEXT), self.run_form, self.sweep.button_row,
                             self.progress, self.status_note),
                       group("Learning curves", self.curve_form),
                       group("Relatedness × size", self.big.button_row, self.big_progress, self.gain_combo,
                             self.big_note)],
                      self.right_split)
        self.draw_sweep()
        self.draw_curves()
        self.draw_big()

    def shown(self) -> None:
        if not self.sweep.ran:
            self.run()        # the page computes its defaults on its first show

    def _form(self, names):
        return compact(self.make_form(names, compact=False), slider_min_width=60)

    @staticmethod
    def _progress(tip: str) -> QProgressBar:
        bar = QProgressBar()
        bar.setFormat("%v / %m runs")
        bar.setToolTip(tip)
        return bar

    def _wire_buttons(self) -> None:
        """The sweep's Run/Cancel pair drives the learning curves too; the big sweep's buttons
        say what they run."""
        self.run_button, self.cancel_button = self.sweep.run_button, self.sweep.cancel_button
        self.run_button.setToolTip("Start (or restart) the size sweep and the learning curves")
        self.cancel_button.setToolTip("Stop the size sweep and the learning curves (Esc stops every run of the tab)")
        self.run_button.clicked.connect(self.curves.start)             # after the sweep has started
        self.sweep.restart_timer.timeout.connect(self.curves.start)
        self.cancel_button.clicked.connect(self.cancel_runs)
        self.big_button, self.big_cancel_button = self.big.run_button, self.big.cancel_button
        self.big_button.setText("Run the big sweep")
        self.big_button.setToolTip("Every relatedness in " + ", ".join(f"{r:g}" for r in RELATEDNESS_GRID)
                                   + " at every size, with the repeats set above")
        self.big_cancel_button.setToolTip("Stop the big sweep")
        for run in self.runs:       # after each Run's own busy slot
            run.worker.busy_changed.connect(self._update_buttons)

    # ============================================================== settings
    def relatedness(self) -> float:
        return self.task_form.values()["relatedness"]

    def settings(self) -> dict:
        """What every job of the page shares (the big sweep's arguments)."""
        values = self.values()
        return {k: values[k] for k in SWEEP_SETTINGS}

    def sweep_values(self) -> dict:
        return {"relatedness": self.relatedness(), **self.settings()}

    def curve_values(self) -> dict:
        values = self.values()
        return {"relatedness": values["relatedness"], **{k: values[k] for k in CURVE_SETTINGS},
                **{k: values[k] for k in SWEEP_SETTINGS if k != "seeds"}}

    def on_change(self, name: str, value) -> None:
        if name in ("steps", "curve_size") and self.predictor.hiding:
            self._predicted_epochs()
        if name == "relatedness":
            self.big_view.r_line.setValue(value)
            self.sweep.schedule_restart()           # the curves restart with the sweep
        elif name in SWEEP_SETTINGS:
            self.sweep.schedule_restart()
            if self.big.busy:
                self.big.schedule_restart()         # a running big sweep restarts with the new settings
            elif self.big_tally is not None:
                self.draw_big()                     # a finished one is marked as computed with other settings
        elif name in ("curve_size", "curve_seed"):
            self.curves.schedule_restart()

    # ============================================================== runs
    @Slot()
    def run(self) -> None:
        """Start (or restart) the size sweep and the learning curves."""
        self.sweep.start()
        self.curves.start()

    def run_defaults(self) -> None:
        """The size sweep and the learning curves at the current settings (a few seconds)."""
        self.run()

    @Slot()
    def cancel_runs(self) -> None:
        """Cancel pressed: the sweep has stopped (its Run), the learning curves stop too."""
        self.curves.cancel()
        self._update_buttons()

    def curves_ready(self) -> bool:
        """The curves may start: the network is pre-trained, or the sweep is not training it."""
        s = self.settings()
        return T.cached_pretrained(s["task_seed"], s["n_source"]) is not None or not self.sweep.busy

    @Slot(bool)
    def _update_buttons(self, _busy: bool = False) -> None:
        running = self.sweep.busy or self.curves.busy or self.curves.waiting
        self.cancel_button.setEnabled(running)
        self.run_button.setText("Restart" if running else "Run")
        self.big_cancel_button.setEnabled(self.big.busy)
        self.big_button.setText("Restart the big sweep" if self.big.busy else "Run the big sweep")

    # ------------------------------------------------------------ the size sweep
    def sweep_started(self, values: dict) -> None:
        self.tally = T.SweepTally(values["seeds"])
        self.baseline = None
        self.changed_methods = None         # every method is redrawn (emptied)
        self.status_note.setText("Running…")
        self.progress.setRange(0, self.tally.total)
        self.progress.setValue(0)

    def sweep_event(self, event) -> None:
        if isinstance(event, T.SweepPoint):
            self.tally.add(event)
            if self.changed_methods is not None:
                self.changed_methods.add(event.method)
            self.progress.setValue(event.index)       # (repaints the bar only; no re-layout)
        elif isinstance(event, T.PretrainEpoch):
            set_text(self.status_note, "Pre-training the network on the source set…")
            self.progress.setFormat(f"pre-training: epoch {event.epoch + 1} / {event.epochs}")
        elif isinstance(event, T.Pretrained):
            self.progress.setFormat("%v / %m runs")
            set_text(self.status_note, "Running…")
            if self.curves.waiting:
                self.curves.start()
        elif isinstance(event, T.Baseline):
            self.baseline = event
            self.changed_methods = None         # the pre-trained line, the key and the note
            self._show_task_note()
            self.draw_curves()

    def draw_sweep(self) -> None:
        """Redraw the methods that received runs since the last frame (all after a restart)."""
        changed, self.changed_methods = self.changed_methods, set()
        if changed == set():
            return                              # (pre-training: nothing new to draw)
        methods = METHODS if changed is None else [m for m in METHODS if m in changed]
        self.size_view.draw(self.tally, self.baseline, methods)
        b = self.baseline
        note = "" if b is None else (
            f"Pre-trained network without target data: <b>{b.pretrained_acc:.3f}</b>. Chance: {T.CHANCE:.2f}. "
            f"{len(SIZES)} sizes × {self.tally.seeds} repeats; each run takes {self.values()['steps']} gradient "
            "steps.")
        self.table_box.show_frame(self.tally.table(SHORT), note)

    def show_sweep_result(self, result: T.SweepResult) -> None:
        gain = result.gain("fine-tune")
        self.status_note.setText(
            f"Done: {result.accuracy.size} runs in {result.seconds:.1f} s. Fine-tuning "
            f"{'gains' if gain[0] >= 0 else 'loses'} <b>{abs(gain[0]):.3f}</b> against scratch at {SIZES[0]} "
            f"samples, {'gains' if gain[-1] >= 0 else 'loses'} <b>{abs(gain[-1]):.3f}</b> at {SIZES[-1]}.")

    def show_sweep_cancelled(self) -> None:
        self.status_note.setText(f"Cancelled after {len(self.tally.points)} of {self.tally.total} runs. "
                                 "Press Run to start again.")

    def show_sweep_failure(self, message: str) -> None:
        self.status_note.setText(f"<b>The run failed:</b> {message}")
        self.curves.waiting = False        # they were waiting for this sweep's network
        self._update_buttons()

    def _show_task_note(self) -> None:
        b = self.baseline
        self.task_note.setText(
            f"At relatedness {b.relatedness:g} the source and target rules give the same class for "
            f"<b>{b.agreement:.0%}</b> of inputs. The pre-trained network scores {b.source_test_acc:.3f} on the "
            f"source and <b>{b.pretrained_acc:.3f}</b> on the target without seeing any target sample.")

    # ------------------------------------------------------------ the learning curves
    def curves_started(self, _values: dict) -> None:
        self.history = {m: [] for m in METHODS}
        self.curve_epochs = 0
        self.draw_curves()
        self._update_buttons()

    def curve_event(self, event) -> None:
        if isinstance(event, T.CurvePoint):
            self.history[event.method].append(event)
            self.curve_epochs = event.epochs
        elif isinstance(event, T.Baseline) and self.baseline is None:
            self.baseline = event
            self._show_task_note()

    def draw_curves(self) -> None:
        self.curves_view.draw(self.history, self.curve_epochs, self.baseline, self.values()["curve_size"])

    def show_curves_failure(self, message: str) -> None:
        self.curves_view.key.setText(f"<b>The learning curves failed:</b> {message}")

    # ------------------------------------------------------------ the big sweep
    def big_started(self, values: dict) -> None:
        self.big_settings = values
        self.big_tally = T.RelatednessTally(values["seeds"])
        total = self.big_tally.total
        self.big_progress.setRange(0, total)
        self.big_progress.setValue(0)
        self.big_note.setText(f"{total} runs ({len(RELATEDNESS_GRID)} relatedness values × {len(SIZES)} sizes × "
                              f"{len(METHODS)} methods × {values['seeds']} repeats)…")
        self.lower_tabs.setCurrentIndex(1)

    def big_event(self, event) -> None:
        if isinstance(event, T.SweepPoint):
            self.big_tally.add(event)
            self.big_progress.setValue(self.big_tally.done)

    def draw_big(self) -> None:
        stale = self.big_settings is not None and self.big_settings != self.settings()
        self.big_view.draw(self.big_tally, self.gain_combo.currentData(), stale)

    def show_big_result(self, result: T.RelatednessSweepResult) -> None:
        gain = result.gain("fine-tune")
        self.big_note.setText(
            f"{result.accuracy.size} runs in {result.seconds:.0f} s. Fine-tuning on {SIZES[0]} samples: "
            f"{gain[0, 0]:+.3f} at relatedness {RELATEDNESS_GRID[0]:g}, {gain[-1, 0]:+.3f} at "
            f"{RELATEDNESS_GRID[-1]:g}.")

    def show_big_cancelled(self) -> None:
        self.big_note.setText(f"Cancelled after {self.big_tally.done} runs.")

    def show_big_failure(self, message: str) -> None:
        self.big_note.setText(f"<b>The big sweep failed:</b> {message}")

    @Slot(int)
    def _gain_choice_changed(self, _index: int) -> None:
        self.draw_big()

    # ============================================================== predict, then reveal (gui/predict.py)
    def prediction_targets(self) -> list:
        return [(PREDICTED[m], COLOURS[m]) for m in METHODS]

    def prediction_outcome(self, target: str):
        method = next(m for m, name in PREDICTED.items() if name == target)
        history = self.history[method]
        return history[-1].test_acc if self.curves.result is not None and history else None

    def prediction_runs(self) -> list:
        return [self.sweep, self.curves]     # the round ends when both have finished

    def prediction_reveal(self) -> None:
        self.run()

    def prediction_span(self, _target: str):
        return last_epochs(T.epochs_for(self.values()["curve_size"], self.values()["steps"]))

    def prediction_hide(self) -> None:
        """Every plot, the table and the notes with accuracies go (the size sweep has the same runs)."""
        super().prediction_hide()
        for widget in (self.table_box, self.big_note):
            self.predictor.hide_widget(widget)
        self._predicted_epochs()

    def _predicted_epochs(self) -> None:
        """The learning curves' axis as long as the run the class predicts (its settings may change)."""
        self.curves_view.plot.setXRange(0, max(self.prediction_span("")[1], 1), padding=0.06)

    # ============================================================== section API
    def plots(self) -> dict:
        return {"size sweep": self.size_view.plot, "learning curves": self.curves_view.plot,
                "relatedness sweep": self.big_view.plot}

    def tables(self) -> dict:
        return {"accuracy": self.tally.table(SHORT)}

    def cancel(self) -> None:
        super().cancel()
        self._update_buttons()

    def shutdown(self) -> None:
        self.curves.waiting = False
        super().shutdown()

    def restyle(self) -> None:
        super().restyle()
        self._fit_editors()
        self.size_view.restyle()
        self.big_view.restyle()
        self.changed_methods = None
        self.draw_sweep()
        self.draw_curves()
        self.draw_big()
        self.table_box.fit()
        self.table_box.place_note()
        self._fit_split()

    def _fit_editors(self) -> None:
        """The page's spin boxes as wide as 0.00001 (its learning rate has five decimals) and the
        column as wide as its widgets then need."""
        lo, hi = self.stage_fold.widths(self.column_widths[theme().presentation])
        fit_column(self.controls_scroll, lo, hi, number_sample="0.00001", fixed_numbers=False,
                   resize_split=self.stage_fold.active)

    @Slot()
    def _fit_split(self, *_args) -> None:
        """With large fonts the streaming plots get most of the height (the table scrolls), unless
        the big sweep's plot is the lower tab shown."""
        if not theme().presentation:
            sizes = [440, 290]
        elif self.lower_tabs.currentIndex() == 1:
            sizes = [360, 370]
        else:
            sizes = [560, 170]
        self.right_split.setSizes(sizes)
