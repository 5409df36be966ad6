"""Transfer learning lab (tutorial section 5): from scratch, fine-tuned, or frozen features.

Left: the lesson, the relatedness slider and the run settings, and why the tutorial's own
numbers cannot be shown. Right, four views:

1. Accuracy against target size (log axis) for each method, mean and error bars (one
   standard deviation) over the repeats, streaming one point per finished run; the
   pre-trained network without target data as a dashed line, chance dotted.
2. The same numbers as a table.
3. Learning curves on one target size: test accuracy (solid) and training accuracy
   (dashed) epoch by epoch, the methods side by side, paced so a class can watch them.
4. The big sweep (a button): gain over scratch against relatedness, one curve per size.

Every computation runs on a worker (engine.transfer generators). The size sweep and the
learning curves share the pre-trained network: the curves start once the sweep has it (it
is cached in the engine), so it is never trained twice at once. A parameter change during a
run restarts the affected runs once the slider pauses (150 ms). Streamed events are stored
and the plots redrawn at most every 16 ms.
"""
from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHeaderView,
                               QProgressBar, QScrollArea, QSplitter, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)

from engine import transfer as T
from engine.blas import single_threaded
from engine.params import Param
from gui.params import ParamForm
from gui.panels.base import TopicPanel
from gui.widgets import lesson_label
from gui.plots import StyledPlot, finite_or_nan
from gui.theme import GREY, OKABE_ITO, theme
from gui.widgets import (SOLID, buttons, compact, controls_split, fmt, group, plain_axes, rich_label, set_text, swatch,
                         with_key)

BLUE, ORANGE, GREEN, PINK, YELLOW, SKY, BLACK = OKABE_ITO[:7]
COLOURS = {"scratch": BLUE, "fine-tune": ORANGE, "freeze": GREEN}
SHORT = {"scratch": "scratch", "fine-tune": "fine-tune", "freeze": "frozen"}
METHODS = T.METHODS
SIZES = T.DEFAULT_SIZES
RELATEDNESS_GRID = T.DEFAULT_RELATEDNESS_GRID
FRAME_MS = 16
RESTART_MS = 150
PACE_SLACK_S = 0.016    # the paced learning curves sleep in steps of at least a frame
CONTROLS_WIDTH = 360
MAX_CONTROLS_WIDTH = 470
Y_RANGE = (0.45, 1.0)
X_OFFSET = {"scratch": -0.018, "fine-tune": 0.0, "freeze": 0.018}   # decades: error bars side by side

CURVE_SIZE = Param("curve_size", "target samples", 20, kind="int", minimum=T.SIZE.minimum, maximum=T.SIZE.maximum,
                   help="Size of the target set whose learning curves are drawn (distinct samples).")
CURVE_SEED = Param("curve_seed", "repeat seed", 0, kind="int", minimum=0, maximum=10_000,
                   help="Which repeat (target sample and initial weights) the learning curves show.")
SPEED = Param("speed", "speed (epochs/s)", 200, kind="int", minimum=5, maximum=1000, log=True,
              help="How many epochs of the learning curves are shown per second; 1000 is as fast as the "
                   "computer can train.")
SWEEP_SETTINGS = ("seeds", "steps", "lr", "n_source", "task_seed")

LESSON = (
    "<b>Transfer learning</b> reuses a network pre-trained on a big <i>source</i> task (5000 samples) for a "
    "small <i>target</i> task. It helps most with <b>little</b> target data <b>and</b> a <b>related</b> "
    "source; with more data, training from scratch catches up. With an <b>unrelated</b> source the copied "
    "weights start in the wrong place and frozen features cannot express the new rule: transfer <b>hurts</b> "
    "(<i>negative transfer</i>). Slide relatedness to 0 and watch orange fall below blue.")
METHODS_TEXT = (
    f"<span style='color:{BLUE}'><b>scratch</b></span>: random initial weights. "
    f"<span style='color:{ORANGE}'><b>fine-tune</b></span>: every layer copied from the pre-trained network, all "
    f"trained. <span style='color:{GREEN}'><b>frozen</b></span>: copied, hidden layers frozen, only the output "
    "layer trained. <b>Dashed black</b>: the pre-trained network as it is.")
RELATEDNESS_TEXT = (
    "Both tasks label 20-dimensional inputs with a random teacher network. The target's score is "
    "cos(a)&middot;source score + sin(a)&middot;an independent score, a = (1 &minus; relatedness)&middot;90&deg;.")
TUTORIAL_TEXT = (
    "The tutorial's code for this section <b>crashes</b> on current scikit-learn (copying <tt>coefs_</tt> into a "
    "new MLPClassifier), so it printed no numbers. Even run, it would not measure transfer: <tt>fit</tt> without "
    "<tt>warm_start</tt> re-initialises the copied weights, sizes 500 and 1000 slice a 200-sample set, and its "
    "two tasks are unrelated. <b>Here</b> the weights are really copied (fine-tuned curves start at the "
    "pre-trained accuracy), every size uses distinct samples, and you set how related the tasks are.")


# ------------------------------------------------------------------ jobs (run on workers)
# Every job runs its engine generator with BLAS limited to one thread while it computes
# (engine.blas.single_threaded): idle multi-threaded BLAS spins on the cores the window needs.
def sweep_job(relatedness, settings):
    return (yield from single_threaded(T.size_sweep(relatedness, SIZES, settings["seeds"], METHODS,
                                                    settings["steps"], settings["lr"], settings["n_source"],
                                                    settings["task_seed"])))


def curves_job(relatedness, size, seed, settings, speed):
    """The learning curves, one epoch of every method at a time, at most ``speed`` epochs a second."""
    gen = single_threaded(T.learning_curves(relatedness, size, seed, METHODS, settings["steps"], settings["lr"],
                                            settings["n_source"], settings["task_seed"]))
    period = None if speed >= SPEED.maximum else 1.0 / speed
    due = time.perf_counter()
    while True:
        try:
            event = next(gen)
        except StopIteration as done:
            return done.value
        if period is not None and isinstance(event, T.CurvePoint) and event.method == METHODS[-1]:
            due += period
            wait = due - time.perf_counter()
            if wait > PACE_SLACK_S:
                # sleep only once a frame's worth ahead: every sleep hands the GIL to the window and
                # waits to get it back, and one sleep per epoch made 200 epochs/s run at 100
                time.sleep(wait)       # between epochs: a cancel takes effect at the next yield
            elif wait < -PACE_SLACK_S:
                due = time.perf_counter()      # behind: do not catch up with a burst
        yield event


def big_sweep_job(settings):
    return (yield from single_threaded(T.relatedness_sweep(RELATEDNESS_GRID, SIZES, settings["seeds"], METHODS,
                                                           settings["steps"], settings["lr"], settings["n_source"],
                                                           settings["task_seed"])))


# ------------------------------------------------------------------ small widgets (the shared ones: gui/widgets.py)
def key_swatch(colour: str, text: str, symbol: str = SOLID) -> str:
    """A bold coloured line symbol and its text, kept on one line."""
    return swatch(colour, text, symbol, bold=True, one_line=True)


def size_ticks():
    return [[(math.log10(s), str(s)) for s in SIZES]]


class TransferPanel(TopicPanel):
    title = "Transfer learning"
    sweep_drawn = Signal()       # the size-sweep plot shows the stored points
    sweep_done = Signal()
    curves_done = Signal()
    big_done = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.baseline: T.Baseline | None = None
        self.pretrained_info: T.Pretrained | None = None
        self.sweep_acc = self._empty_sweep()
        self.sweep_points: list[T.SweepPoint] = []
        self.sweep_result: T.SweepResult | None = None
        self.curve_history: dict[str, list[T.CurvePoint]] = {m: [] for m in METHODS}
        self.curve_result: T.CurveResult | None = None
        self.curve_epochs = 0
        self.big_acc: np.ndarray | None = None
        self.big_result: T.RelatednessSweepResult | None = None
        self.big_settings: dict | None = None
        self._curves_pending = False
        self._dirty: set[str] = set()
        self._pretrain_epoch: T.PretrainEpoch | None = None
        self._big_title = ""
        self._changed_methods: set[str] = set()     # empty: redraw every method

        self.sweep_worker = self.make_worker(
            "sweep", on_event=self._on_sweep_event, on_finished=self._on_sweep_finished, on_failed=self._on_sweep_failed, on_busy=self._on_busy)
        self.curve_worker = self.make_worker(
            "curves", on_event=self._on_curve_event, on_finished=self._on_curves_finished, on_failed=self._on_curves_failed, on_busy=self._on_busy)
        self.big_worker = self.make_worker(
            "relatedness-sweep", on_event=self._on_big_event, on_finished=self._on_big_finished, on_failed=self._on_big_failed, on_busy=self._on_busy)

        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_MS)
        self.frame_timer.timeout.connect(self._redraw)
        self.restart_timer = QTimer(self)
        self.restart_timer.setSingleShot(True)
        self.restart_timer.setInterval(RESTART_MS)
        self.restart_timer.timeout.connect(self._restart)
        self._restart_what: set[str] = set()

        self._build_ui()
        self._draw_sweep()
        self._draw_curves()
        self._draw_big()
        theme().changed.connect(self._restyle)
        self._restyle()
        self.run()

    # ============================================================== layout
    def _build_ui(self) -> None:
        self.task_form = compact(ParamForm((T.RELATEDNESS, T.N_SOURCE, T.TASK_SEED)), slider_min_width=60)
        self.task_form.changed.connect(self._setting_changed)
        self.task_note = rich_label("")
        self.run_form = compact(ParamForm((T.SEEDS, T.STEPS, T.LR)), slider_min_width=60)
        self.run_form.changed.connect(self._setting_changed)
        run_row, (self.run_button, self.cancel_button) = buttons(
            ("Run", "Start (or restart) the size sweep and the learning curves", self.run),
            ("Cancel", "Stop the size sweep and the learning curves (Esc stops every run of the tab)",
             self.cancel_runs))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m runs")
        self.progress.setToolTip("Target runs finished in the size sweep")
        self.curve_form = compact(ParamForm((CURVE_SIZE, CURVE_SEED, SPEED)), slider_min_width=60)
        self.curve_form.changed.connect(self._curve_setting_changed)
        big_row, (self.big_button, self.big_cancel_button) = buttons(
            ("Run the big sweep", "Every relatedness in " + ", ".join(f"{r:g}" for r in RELATEDNESS_GRID)
             + " at every size, with the repeats set above", self.run_big),
            ("Cancel", "Stop the big sweep", self.cancel_big))
        self.big_cancel_button.setEnabled(False)
        self.big_progress = QProgressBar()
        self.big_progress.setFormat("%v / %m runs")
        self.big_progress.setToolTip("Target runs finished in the big sweep")
        self.big_note = rich_label("")
        self.gain_combo = QComboBox()
        self.gain_combo.addItem("gain of fine-tuning over scratch", "fine-tune")
        self.gain_combo.addItem("gain of frozen features over scratch", "freeze")
        self.gain_combo.setToolTip("Which method's gain the big-sweep plot shows")
        self.gain_combo.currentIndexChanged.connect(self._gain_choice_changed)
        self.status_note = rich_label("")

        inner = QWidget()
        col = QVBoxLayout(inner)
        col.setContentsMargins(6, 6, 6, 6)
        for w in (lesson_label(LESSON),
                  group("Why not the tutorial's numbers?", lesson_label(TUTORIAL_TEXT)),
                  group("Source and target", self.task_form, lesson_label(RELATEDNESS_TEXT), self.task_note),
                  group("Target runs", lesson_label(METHODS_TEXT), self.run_form, run_row, self.progress,
                        self.status_note),
                  group("Learning curves", self.curve_form),
                  group("Relatedness × size", big_row, self.big_progress, self.gain_combo, self.big_note)):
            col.addWidget(w)
        col.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(inner)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)

        # 1. accuracy against target size
        self.size_plot = StyledPlot("Accuracy vs target size", "target samples (log axis)", "test accuracy")
        plain_axes(self.size_plot, frozen=True)
        self.size_plot.getAxis("bottom").setTicks(size_ticks())
        self.size_plot.grid.show(x=False, y=True)
        lo, hi = math.log10(SIZES[0]), math.log10(SIZES[-1])
        self._x_span = (lo - 0.12, hi + 0.12)
        self.size_plot.setXRange(*self._x_span, padding=0)
        self.size_plot.setYRange(*Y_RANGE, padding=0)
        self.chance_line = pg.InfiniteLine(pos=T.CHANCE, angle=0, pen=pg.mkPen(GREY, width=1.5, style=Qt.DotLine))
        self.size_plot.addItem(self.chance_line)
        self.pre_line = self.size_plot.curve(BLACK, width=0.75, style=Qt.DashLine)
        self.size_items: dict[str, dict] = {}
        for m in METHODS:
            curve = self.size_plot.curve(COLOURS[m], symbol="o", symbolBrush=COLOURS[m], symbolPen=None)
            bars = pg.ErrorBarItem(x=np.array([]), y=np.array([]), height=np.array([]), beam=0.02,
                                   pen=pg.mkPen(COLOURS[m], width=1.5))
            self.size_plot.addItem(bars)
            dots = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(QColor(COLOURS[m]).red(),
                                                                        QColor(COLOURS[m]).green(),
                                                                        QColor(COLOURS[m]).blue(), 90))
            self.size_plot.addItem(dots)
            self.size_items[m] = {"curve": curve, "bars": bars, "dots": dots}
        self.size_key = rich_label("")

        # 2. the table
        self.table = QTableWidget(len(SIZES), len(METHODS) + 1)
        self.table.setHorizontalHeaderLabels(["samples"] + [SHORT[m] for m in METHODS])
        for c, m in enumerate(METHODS, start=1):
            self.table.horizontalHeaderItem(c).setForeground(QColor(COLOURS[m]))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.setFocusPolicy(Qt.NoFocus)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Fixed)
        for r, s in enumerate(SIZES):
            item = QTableWidgetItem(str(s))
            item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.table.setItem(r, 0, item)
            for c in range(1, len(METHODS) + 1):
                item = QTableWidgetItem("…")
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table_note = rich_label("")
        table_inner = QWidget()
        self.table_grid = QGridLayout(table_inner)
        self.table_grid.setContentsMargins(4, 0, 4, 4)
        self.table_grid.addWidget(rich_label("<b>Mean test accuracy ± sd over repeats</b>"), 0, 0)
        self.table_grid.addWidget(self.table, 1, 0, Qt.AlignTop | Qt.AlignLeft)
        self.table_note.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self._place_table_note()
        table_box = QScrollArea()
        table_box.setWidget(table_inner)
        table_box.setWidgetResizable(True)
        table_box.setFrameShape(QScrollArea.NoFrame)
        table_box.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.table_scroll = table_box

        # 3. learning curves
        self.curve_plot = StyledPlot("Learning curves", "epoch", "accuracy")
        self.curve_plot.setToolTip("One epoch is one pass over the target samples; every run takes the same "
                                   "number of gradient steps, so small sets get more epochs.")
        plain_axes(self.curve_plot, frozen=True)
        self.curve_plot.setYRange(Y_RANGE[0], 1.01, padding=0)
        self.curve_items: dict[str, dict] = {}
        for m in METHODS:
            self.curve_items[m] = {
                "test": self.curve_plot.curve(COLOURS[m]),
                "train": self.curve_plot.curve(COLOURS[m], width=0.5, style=Qt.DashLine),
            }
        self.curve_pre = self.curve_plot.curve(BLACK, width=0.75, style=Qt.DashLine)
        self.curve_key = rich_label("")

        # 4. the big sweep
        self.big_plot = StyledPlot("Gain over scratch", "relatedness", "accuracy − scratch")
        plain_axes(self.big_plot, frozen=True)
        self.big_plot.setXRange(-0.03, 1.03, padding=0)
        self.zero_line = pg.InfiniteLine(pos=0.0, angle=0, pen=pg.mkPen(BLACK, width=1))
        self.big_plot.addItem(self.zero_line)
        self.r_line = self.big_plot.vline(GREY)
        self.r_line.setValue(self.relatedness())
        cmap = pg.colormap.get("viridis")
        self.size_colours = [cmap.map(0.85 * i / (len(SIZES) - 1), mode="qcolor") for i in range(len(SIZES))]
        self.big_curves = []
        for i in range(len(SIZES)):
            c = self.big_plot.curve(self.size_colours[i].name(), symbol="o", symbolBrush=self.size_colours[i],
                                    symbolPen=None)
            self.big_curves.append(c)
        self.big_hint = pg.TextItem("Press “Run the big sweep”", color=GREY, anchor=(0.5, 0.5))
        self.big_plot.addItem(self.big_hint)
        self.big_hint.setPos(0.5, 0.0)
        self.big_plot.setYRange(-0.35, 0.3, padding=0)
        self.big_key = rich_label("samples: " + "&nbsp; ".join(
            key_swatch(self.size_colours[i].name(), str(s)) for i, s in enumerate(SIZES)))

        top = QSplitter(Qt.Horizontal)
        top.addWidget(with_key(self.size_plot, self.size_key))
        top.addWidget(with_key(self.curve_plot, self.curve_key))
        top.setSizes([470, 450])
        self.lower_tabs = QTabWidget()
        self.lower_tabs.addTab(table_box, "Accuracy table")
        self.lower_tabs.addTab(with_key(self.big_plot, self.big_key), "Relatedness × size")
        right = QSplitter(Qt.Vertical)
        right.addWidget(top)
        right.addWidget(self.lower_tabs)
        right.setSizes([440, 290])
        self.right_split = right
        self.lower_tabs.currentChanged.connect(self._fit_split)
        split = controls_split(self.scroll, right, CONTROLS_WIDTH)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)

    # ============================================================== settings
    def relatedness(self) -> float:
        return self.task_form.values()["relatedness"]

    def settings(self) -> dict:
        values = {**self.task_form.values(), **self.run_form.values()}
        return {k: values[k] for k in SWEEP_SETTINGS}

    @Slot(str, object)
    def _setting_changed(self, name: str, _value) -> None:
        if name == "relatedness":
            self.r_line.setValue(self.relatedness())
            self._restart_what.update(("sweep", "curves"))
        else:
            self._restart_what.update(("sweep", "curves", "big"))
        self.restart_timer.start()

    @Slot(str, object)
    def _curve_setting_changed(self, name: str, _value) -> None:
        if name == "speed":
            return
        self._restart_what.add("curves")
        self.restart_timer.start()

    @Slot()
    def _restart(self) -> None:
        what, self._restart_what = self._restart_what, set()
        if "sweep" in what:
            self.run_sweep()
        if "curves" in what:
            self.run_curves()
        if "big" in what:
            if self.big_worker.busy:
                self.run_big()          # a running big sweep restarts with the new settings
            elif self.big_result is not None or self.big_acc is not None:
                self._draw_big()        # a finished one is marked as computed with other settings

    # ============================================================== runs
    @Slot()
    def run(self) -> None:
        """Start (or restart) the size sweep and the learning curves."""
        self.restart_timer.stop()
        self._restart_what.clear()
        self.run_sweep()
        self.run_curves()

    def run_sweep(self) -> None:
        s = self.settings()
        self.sweep_acc = self._empty_sweep(s["seeds"])
        self.sweep_points = []
        self.sweep_result = None
        self.baseline = None
        self._pretrain_epoch = None
        self.status_note.setText("Running…")
        self.progress.setRange(0, self._total_runs())
        self.progress.setValue(0)
        self.sweep_worker.start(sweep_job, self.relatedness(), s)
        self._changed_methods = set()      # every method is redrawn (emptied)
        self._mark_dirty("sweep")
        self._redraw()                     # the old run's points go at once

    def run_curves(self) -> None:
        """Start the learning curves now if the pre-trained network is ready, else once it is."""
        for m in METHODS:
            self.curve_history[m] = []
        self.curve_result = None
        self.curve_epochs = 0
        s = self.settings()
        ready = T.cached_pretrained(s["task_seed"], s["n_source"]) is not None
        if not ready and self.sweep_worker.busy:
            self.curve_worker.cancel()
            self._curves_pending = True      # the sweep is pre-training; _on_sweep_event starts us
        else:
            self._start_curves()
        self._mark_dirty("curves")
        self._redraw()

    def _start_curves(self) -> None:
        self._curves_pending = False
        c = self.curve_form.values()
        self.curve_worker.start(curves_job, self.relatedness(), c["curve_size"], c["curve_seed"], self.settings(),
                                c["speed"])

    @Slot()
    def cancel_runs(self) -> None:
        self.restart_timer.stop()
        self._restart_what.clear()
        self._curves_pending = False
        if self.sweep_worker.busy:
            self.sweep_worker.cancel()
            self.status_note.setText(f"Cancelled after {len(self.sweep_points)} of "
                                     f"{self._total_runs()} runs. Press Run to start again.")
        self.curve_worker.cancel()
        self._update_buttons()

    @Slot()
    def run_big(self) -> None:
        s = self.settings()
        self.big_settings = s
        self.big_acc = np.full((len(RELATEDNESS_GRID), len(METHODS), len(SIZES), s["seeds"]), np.nan)
        self.big_result = None
        total = self.big_acc.size
        self.big_progress.setRange(0, total)
        self.big_progress.setValue(0)
        self.big_note.setText(f"{total} runs ({len(RELATEDNESS_GRID)} relatedness values × {len(SIZES)} sizes × "
                              f"{len(METHODS)} methods × {s['seeds']} repeats)…")
        self.big_worker.start(big_sweep_job, s)
        self.lower_tabs.setCurrentIndex(1)
        self._mark_dirty("big")
        self._redraw()

    @Slot()
    def cancel_big(self) -> None:
        if self.big_worker.busy:
            self.big_worker.cancel()
            done = 0 if self.big_acc is None else int(np.isfinite(self.big_acc).sum())
            self.big_note.setText(f"Cancelled after {done} runs.")
        self._update_buttons()

    def _total_runs(self) -> int:
        return self.sweep_acc["scratch"].size * len(METHODS)

    @staticmethod
    def _empty_sweep(seeds: int = T.SEEDS.default) -> dict[str, np.ndarray]:
        return {m: np.full((len(SIZES), seeds), np.nan) for m in METHODS}

    # ============================================================== events
    @Slot(object)
    def _on_sweep_event(self, event) -> None:
        if isinstance(event, T.SweepPoint):
            j, k = SIZES.index(event.size), event.seed
            self.sweep_acc[event.method][j, k] = event.accuracy
            self.sweep_points.append(event)
            self._changed_methods.add(event.method)
            self.progress.setValue(event.index)       # (repaints the bar only; no re-layout)
            self._mark_dirty("sweep")
        elif isinstance(event, T.PretrainEpoch):
            self._pretrain_epoch = event
            set_text(self.status_note, "Pre-training the network on the source set…")
            self.progress.setFormat(f"pre-training: epoch {event.epoch + 1} / {event.epochs}")
        elif isinstance(event, T.Pretrained):
            self.pretrained_info = event
            self.progress.setFormat("%v / %m runs")
            set_text(self.status_note, "Running…")
            if self._curves_pending:
                self._start_curves()
        elif isinstance(event, T.Baseline):
            self.baseline = event
            self._show_task_note()
            self._mark_dirty("sweep")
            self._mark_dirty("curves")

    @Slot(object)
    def _on_sweep_finished(self, result: T.SweepResult) -> None:
        self.sweep_result = result
        gain = result.gain("fine-tune")
        self.status_note.setText(
            f"Done: {result.accuracy.size} runs in {result.seconds:.1f} s. Fine-tuning "
            f"{'gains' if gain[0] >= 0 else 'loses'} <b>{abs(gain[0]):.3f}</b> against scratch at {SIZES[0]} "
            f"samples, {'gains' if gain[-1] >= 0 else 'loses'} <b>{abs(gain[-1]):.3f}</b> at {SIZES[-1]}.")
        self._mark_dirty("sweep")
        self._redraw()
        self.sweep_done.emit()

    @Slot(str)
    def _on_sweep_failed(self, message: str) -> None:
        self.status_note.setText(f"<b>The run failed:</b> {message}")
        if self._curves_pending:
            self._curves_pending = False

    @Slot(object)
    def _on_curve_event(self, event) -> None:
        if isinstance(event, T.CurvePoint):
            self.curve_history[event.method].append(event)
            self.curve_epochs = event.epochs
            self._mark_dirty("curves")
        elif isinstance(event, T.Baseline) and self.baseline is None:
            self.baseline = event
            self._show_task_note()
            self._mark_dirty("curves")

    @Slot(object)
    def _on_curves_finished(self, result: T.CurveResult) -> None:
        self.curve_result = result
        self._mark_dirty("curves")
        self._redraw()
        self.curves_done.emit()

    @Slot(str)
    def _on_curves_failed(self, message: str) -> None:
        self.curve_key.setText(f"<b>The learning curves failed:</b> {message}")

    @Slot(object)
    def _on_big_event(self, event) -> None:
        if isinstance(event, T.SweepPoint) and self.big_acc is not None:
            i = RELATEDNESS_GRID.index(event.relatedness)
            self.big_acc[i, METHODS.index(event.method), SIZES.index(event.size), event.seed] = event.accuracy
            self.big_progress.setValue(int(np.isfinite(self.big_acc).sum()))
            self._mark_dirty("big")

    @Slot(object)
    def _on_big_finished(self, result: T.RelatednessSweepResult) -> None:
        self.big_result = result
        gain = result.gain("fine-tune")
        self.big_note.setText(
            f"{result.accuracy.size} runs in {result.seconds:.0f} s. Fine-tuning on {SIZES[0]} samples: "
            f"{gain[0, 0]:+.3f} at relatedness {RELATEDNESS_GRID[0]:g}, {gain[-1, 0]:+.3f} at "
            f"{RELATEDNESS_GRID[-1]:g}.")
        self._mark_dirty("big")
        self._redraw()
        self.big_done.emit()

    @Slot(str)
    def _on_big_failed(self, message: str) -> None:
        self.big_note.setText(f"<b>The big sweep failed:</b> {message}")

    @Slot(bool)
    def _on_busy(self, _busy: bool) -> None:
        self._update_buttons()
        if self.sweep_worker.busy or self.curve_worker.busy or self.big_worker.busy:
            if not self.frame_timer.isActive():
                self.frame_timer.start()
        else:
            self.frame_timer.stop()
            self._redraw()

    def _update_buttons(self) -> None:
        running = self.sweep_worker.busy or self.curve_worker.busy or self._curves_pending
        self.cancel_button.setEnabled(running)
        self.run_button.setText("Restart" if running else "Run")
        self.big_cancel_button.setEnabled(self.big_worker.busy)
        self.big_button.setText("Restart the big sweep" if self.big_worker.busy else "Run the big sweep")

    @Slot(int)
    def _gain_choice_changed(self, _index: int) -> None:
        self._mark_dirty("big")
        self._redraw()

    def _show_task_note(self) -> None:
        b = self.baseline
        if b is None:
            return
        self.task_note.setText(
            f"At relatedness {b.relatedness:g} the source and target rules give the same class for "
            f"<b>{b.agreement:.0%}</b> of inputs. The pre-trained network scores {b.source_test_acc:.3f} on the "
            f"source and <b>{b.pretrained_acc:.3f}</b> on the target without seeing any target sample.")

    # ============================================================== drawing
    def _mark_dirty(self, what: str) -> None:
        self._dirty.add(what)
        if not self.frame_timer.isActive():
            self.frame_timer.start()

    @Slot()
    def _redraw(self) -> None:
        if "sweep" in self._dirty:
            self._draw_sweep()
        if "curves" in self._dirty:
            self._draw_curves()
        if "big" in self._dirty:
            self._draw_big()
        self._dirty.clear()
        if not (self.sweep_worker.busy or self.curve_worker.busy or self.big_worker.busy):
            self.frame_timer.stop()

    def sweep_stats(self, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per size: mean, sd (NaN below two repeats) and number of finished repeats."""
        acc = self.sweep_acc[method]
        n = np.isfinite(acc).sum(axis=1)
        mean = np.full(len(SIZES), np.nan)
        sd = np.full(len(SIZES), np.nan)
        for j in range(len(SIZES)):
            vals = acc[j][np.isfinite(acc[j])]
            if vals.size:
                mean[j] = vals.mean()
            if vals.size >= 2:
                sd[j] = vals.std(ddof=1)
        return mean, sd, n

    def sweep_points_drawn(self, method: str = "scratch") -> int:
        """How many sizes of ``method`` the plot shows a mean for."""
        x, y = self.size_items[method]["curve"].getData()
        return 0 if y is None else int(np.isfinite(y).sum())

    def _draw_sweep(self) -> None:
        """Redraw the methods that received runs since the last frame (all after a restart)."""
        logs = np.log10(np.array(SIZES, dtype=float))
        changed, self._changed_methods = self._changed_methods, set()
        for r, m in enumerate(METHODS):
            if changed and m not in changed:
                continue
            mean, sd, n = self.sweep_stats(m)
            x = logs + X_OFFSET[m]
            items = self.size_items[m]
            shown = np.isfinite(mean)
            items["curve"].setData(x[shown], finite_or_nan(mean[shown]))
            has_bar = np.isfinite(sd)
            items["bars"].setData(x=x[has_bar], y=mean[has_bar], height=2 * sd[has_bar])
            acc = self.sweep_acc[m]
            px = np.repeat(x, acc.shape[1])
            py = acc.ravel()
            ok = np.isfinite(py)
            items["dots"].setData(px[ok], py[ok])
            for j in range(len(SIZES)):
                text = "…" if n[j] == 0 else (fmt(mean[j]) if n[j] < 2 else f"{mean[j]:.3f} ± {sd[j]:.3f}")
                set_text(self.table.item(j, r + 1), text)
        b = self.baseline
        if b is not None:
            self.pre_line.setData(list(self._x_span), [b.pretrained_acc] * 2)
        else:
            self.pre_line.setData([], [])
        seeds = self.sweep_acc["scratch"].shape[1]
        set_text(self.size_key,
            (f"<b>relatedness {b.relatedness:g}</b>: " if b is not None else "") + "&nbsp; ".join(key_swatch(COLOURS[m], SHORT[m]) for m in METHODS) + "&nbsp; "
            + key_swatch(BLACK, "pre-trained only", "&#9548;&#9548;") + "&nbsp; "
            + key_swatch(GREY, "chance", "&#8943;") + f"<br>bars: ± 1 sd ({seeds} repeats), dots: single runs")
        if b is not None:
            set_text(self.table_note, f"Pre-trained network without target data: <b>{b.pretrained_acc:.3f}</b>. "
                                    f"Chance: {T.CHANCE:.2f}. {len(SIZES)} sizes × {seeds} repeats; each run "
                                    f"takes {self.settings()['steps']} gradient steps.")
        else:
            set_text(self.table_note, "")
        self.sweep_drawn.emit()

    def curve_points(self, method: str = "fine-tune") -> int:
        x, _ = self.curve_items[method]["test"].getData()
        return 0 if x is None else len(x)

    def _draw_curves(self) -> None:
        for m in METHODS:
            hist = self.curve_history[m]
            x = np.array([p.epoch for p in hist], dtype=float)
            self.curve_items[m]["test"].setData(x, finite_or_nan([p.test_acc for p in hist]))
            self.curve_items[m]["train"].setData(x, finite_or_nan([p.train_acc for p in hist]))
        epochs = max(self.curve_epochs, 1)
        self.curve_plot.setXRange(0, epochs, padding=0.06)   # room for the last tick's label
        b = self.baseline
        if b is not None and self.curve_epochs:
            self.curve_pre.setData([0, epochs], [b.pretrained_acc] * 2)
        else:
            self.curve_pre.setData([], [])
        c = self.curve_form.values()
        set_text(self.curve_key, f"<b>{c['curve_size']} target samples</b>: solid test, dashed training accuracy")

    def _draw_big(self) -> None:
        method = self.gain_combo.currentData()
        acc = self.big_acc
        if acc is None:
            for c in self.big_curves:
                c.setData([], [])
            self.big_hint.setVisible(True)
            return
        self.big_hint.setVisible(False)
        i, j = METHODS.index(method), METHODS.index("scratch")
        diff = acc[:, i] - acc[:, j]                       # (relatedness, size, seed), paired by seed
        with np.errstate(invalid="ignore"):
            counts = np.isfinite(diff).sum(axis=-1)
            gain = np.where(counts > 0, np.nansum(diff, axis=-1) / np.maximum(counts, 1), np.nan)
        rs = np.array(RELATEDNESS_GRID)
        lo = 0.0
        for k, curve in enumerate(self.big_curves):
            ok = np.isfinite(gain[:, k])
            curve.setData(rs[ok], gain[ok, k])
            if ok.any():
                lo = min(lo, float(np.min(gain[ok, k])))
        self.big_plot.setYRange(min(-0.1, lo - 0.03), 0.3, padding=0)
        stale = self.big_settings is not None and self.big_settings != self.settings()
        title = ("Gain of fine-tuning" if method == "fine-tune" else "Gain of frozen features") + " over scratch"
        if stale:
            title += " (older settings)"
        if title != self._big_title:
            self._big_title = title
            self.big_plot.setTitle(title, size=f"{round(theme().font_pt * 1.15)}pt")

    # ============================================================== panel API
    def run_defaults(self) -> None:
        """The size sweep and the learning curves at the current settings (a few seconds)."""
        self.run()

    def is_idle(self) -> bool:
        return super().is_idle() and not self.restart_timer.isActive() and not self._curves_pending

    def cancel(self) -> None:
        self.cancel_runs()
        self.cancel_big()
        super().cancel()

    def shutdown(self) -> None:
        self.frame_timer.stop()
        self.restart_timer.stop()
        self._curves_pending = False
        super().shutdown()

    def _fit_table(self) -> None:
        """The table as large as its contents (widest text: a full "0.000 ± 0.000")."""
        for r in range(self.table.rowCount()):          # size the columns for the widest possible cell
            for c in range(1, self.table.columnCount()):
                if self.table.item(r, c).text() in ("…", ""):
                    self.table.item(r, c).setText("0.000 ± 0.000")
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        self._draw_sweep()                               # the real texts back
        header = self.table.horizontalHeader()
        width = sum(header.sectionSize(c) for c in range(self.table.columnCount())) + 2 * self.table.frameWidth()
        height = header.height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedSize(width + 2, height)

    def _fit_controls(self) -> None:
        inner = self.scroll.widget()
        for form in (self.task_form, self.run_form, self.curve_form):
            for w in form.widgets.values():
                if w.slider is not None:
                    w.editor.setMaximumWidth(w.editor.fontMetrics().horizontalAdvance("0.00001") + 36)
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        self.scroll.setMinimumWidth(max(CONTROLS_WIDTH, min(inner.minimumSizeHint().width() + bar + 6,
                                                            MAX_CONTROLS_WIDTH)))

    @Slot()
    def _restyle(self) -> None:
        QTimer.singleShot(0, self, self._restyle_later)

    @Slot()
    def _restyle_later(self) -> None:
        # after the new application font has reached every widget
        self._fit_controls()
        size = theme().marker_size
        for m in METHODS:
            self.size_items[m]["curve"].setSymbolSize(size)
            self.size_items[m]["dots"].setSize(size * 0.6)
            self.size_items[m]["bars"].setData(pen=pg.mkPen(COLOURS[m], width=theme().pen_width * 0.75))
        for c in self.big_curves:
            c.setSymbolSize(size)
        self.big_hint.setFont(theme().font())
        self.chance_line.setPen(pg.mkPen(GREY, width=theme().pen_width * 0.75, style=Qt.DotLine))
        self.zero_line.setPen(pg.mkPen(BLACK, width=theme().pen_width * 0.5))
        self._big_title = ""                 # re-set at the new font size
        self._draw_sweep()
        self._draw_curves()
        self._draw_big()
        self._fit_table()
        self._place_table_note()
        self._fit_split()

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

    def _place_table_note(self) -> None:
        """The note beside the table at normal size, under it in presentation mode."""
        grid = self.table_grid
        grid.removeWidget(self.table_note)
        if theme().presentation:
            grid.addWidget(self.table_note, 2, 0, 1, 2)
            grid.setColumnStretch(0, 1)
            grid.setColumnStretch(1, 0)
        else:
            grid.addWidget(self.table_note, 1, 1)
            grid.setColumnStretch(0, 0)
            grid.setColumnStretch(1, 1)
        grid.setRowStretch(3, 1)
