"""Training strategies lab (tutorial section 4): learning-rate schedules, batch size, gradient clipping.

Four inner tabs, every curve from real training runs of engine.nn:

1. LR schedules - the tutorial's four schedules against the epoch (its figure), redrawn
   directly as the sliders move (about a millisecond), then one SGD run per selected schedule
   from the same initial weights, streaming, with the learning rate each epoch really used.
2. Batch size - the gradient noise of batch sizes 8 ... full batch *measured* at fixed
   weights next to its closed form, and one run per batch size: updates and time per epoch,
   accuracies. The tutorial's table of typed-in words is shown beside the measurements.
3. Iterations - the tutorial's "batch size" cell reproduced to the digit and labelled for
   what it is: SGDClassifier's max_iter (passes over the data), with batch size 1 throughout.
4. Gradient clipping - the tutorial's example with editable vectors (computed directly), and
   a too-large learning rate trained without clipping (explodes) and with it (trains).

Each training section has its own worker; events are stored and the plots redrawn at most
every FRAME_MS (axis ranges are only touched when they change). A setting changed while (or after) a section ran restarts it once the
change pauses for RESTART_MS. scikit-learn is only ever imported on a worker.
"""
from __future__ import annotations

import html
import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QGridLayout, QHeaderView,
                               QLabel, QLineEdit, QScrollArea, QSizePolicy, QSplitter, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from engine import schedules as SCH
from engine import strategies as ST
from engine.stream import paced
from engine.params import Param
from gui.params import ParamForm
from gui.panels.base import TopicPanel
from gui.plots import StyledPlot, finite_or_nan
from gui.theme import GREY, OKABE_ITO, theme
from gui.widgets import (BOX, DASHED, DOT, SOLID, Lesson, compact, controls_column, controls_split, fit_column, fmt,
                         group, legend_html, plain_axes, plain_log_ticks, restart_timer, rich_label, run_buttons,
                         set_text, swatch, with_legend)

BLUE, ORANGE, GREEN, PINK, YELLOW, SKY, BLACK = OKABE_ITO[:7]
FRAME_MS = 33          # streaming curves grow an epoch at a time: 30 redraws a second are plenty
MAX_FRAME_MS = 250     # ... and never fewer than 4 (see _redraw)
FRAME_COST_FACTOR = 6
RESTART_MS = 150
CONTROLS_WIDTH = 340
MAX_CONTROLS_WIDTH = {False: 420, True: 470}      # normal, presentation: the plots come first

SCHEDULE_COLOURS = {"constant": BLACK, "step_decay": BLUE, "exponential_decay": ORANGE,
                    "cosine_annealing": GREEN, "warmup_linear": PINK}
SCHEDULE_LABELS = dict(SCH.LABELS, constant="Constant (no schedule)")
BATCH_COLOURS = (BLUE, ORANGE, GREEN, PINK, BLACK)
CLIP_COLOURS = {"no clipping": ORANGE, "clipping": BLUE}
TRAIN_COLOUR, TEST_COLOUR = BLUE, ORANGE
STOP_RED = "#C0392B"

SPEED = Param("speed", "speed (epochs/s)", 60, kind="int", minimum=1, maximum=1000, log=True,
              help="How many epochs per second are shown; 1000 is as fast as the computer can train.")
SCHED_SPEED_DEFAULT, BATCH_SPEED_DEFAULT, CLIP_SPEED_DEFAULT = 60, 20, 30
ZOOM_SKIP = 2          # the zoomed loss axes leave out the first epochs' values
DEMO_MAX_NORM = Param("max_norm", "max_norm", ST.TUTORIAL_MAX_NORM, minimum=0.01, maximum=50.0, log=True,
                      decimals=4, help=ST.DEMO_MAX_NORM.help)
ITER_CHOICES = ("10, 50, 100, 200", "1 … 1000")
ITER_VALUES = {ITER_CHOICES[0]: ST.MAX_ITERS, ITER_CHOICES[1]: (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)}
ITER_SET = Param("values", "max_iter", ITER_CHOICES[0], kind="choice", choices=ITER_CHOICES,
                 help="The tutorial's four values (10, 50, 100, 200), or ten from 1 to 1000 to see the trend.")
TOL_CHOICES = ("None", "1e-3")
TOL = Param("tol", "tol", TOL_CHOICES[0], kind="choice", choices=TOL_CHOICES,
            help="SGDClassifier's stopping tolerance. None (the tutorial's): it runs every epoch and never warns. "
                 "1e-3 (scikit-learn's default): it may stop early, and warns (ConvergenceWarning) when it "
                 "stops at max_iter instead.")
# The tutorial's printed table (section 4.2): max_iter -> (train, test)
TUTORIAL_ITER_TABLE = {10: ("0.83300", "0.828"), 50: ("0.84175", "0.839"), 100: ("0.84050", "0.833"),
                       200: ("0.86650", "0.858")}

# ------------------------------------------------------------------ lessons
LESSON_SCHEDULES = (
    "<b>Learning-rate schedules</b> take big steps early (fast progress) and small steps late (settle "
    "into a minimum instead of bouncing around it). Top: the tutorial's four schedules from initial "
    "lr 0.1 over 100 epochs; move the sliders. Below: the same network trained with SGD once per "
    "schedule, <i>from the same initial weights and the same batches</i>, so the only difference "
    "is the learning rate; the pale band on the top plot grows with the run and shows the rate each "
    "epoch really used.<br>"
    "<b>Note the tutorial's warm-up:</b> lr &times; epoch / warmup_epochs is <b>0 at epoch 0</b>, so the "
    "whole first epoch takes steps of length zero and learns nothing (its loss after epoch 0 is exactly "
    "the starting loss). PyTorch's LinearLR starts at a fraction of the rate instead (start_factor, 1/3 by "
    "default); per-step warm-ups that start at 0 waste one step, not a whole epoch.")
LESSON_BATCH = (
    "<b>Batch size, measured.</b> The tutorial prints a table of words (&lsquo;High / Medium / Low&rsquo;) "
    "chosen by if-statements on the batch size: nothing in it was measured, and 31 and 32 land in "
    "different classes while 32 and 127 are &lsquo;the same&rsquo;. Here every number is measured on "
    "the tutorial's section-4 data (4000 training samples) with one network:<br>"
    "&bull; <b>gradient noise</b>: at the start weights, the distance between a batch's gradient and the "
    "full-batch gradient, averaged over many random batches. It falls smoothly like 1/&radic;B, exactly "
    "as the formula &sigma;&sup2;/B &middot; (N&minus;B)/(N&minus;1) predicts, and is 0 for the full batch;<br>"
    "&bull; <b>time per epoch</b>: small batches are slower per epoch (many small matrix products), but they "
    "make many more updates per epoch, so after the same number of epochs they usually fit better: "
    "&lsquo;fast&rsquo; per epoch is not fast to a good model;<br>"
    "&bull; <b>memory</b> grows in proportion to B (computed: activations and deltas of one batch); for this "
    "small network even the full batch needs only a few MB.<br>"
    "The tutorial's next cell claims to show the batch-size effect but changes max_iter: see tab 3.")
LESSON_ITER = (
    "<b>Not batch size: iterations.</b> The tutorial's cell &lsquo;Different partial_fit iterations to simulate "
    "batch sizes&rsquo; fits <code>SGDClassifier(max_iter=n, tol=None, random_state=42)</code> for n = 10, 50, "
    "100, 200. SGDClassifier always updates the weights after <i>every single sample</i> (batch size 1); "
    "<code>max_iter</code> is the number of passes (epochs) over the data. So the table shows what more "
    "epochs do, and nothing about batch size (tab 2 does that).<br>"
    "<b>Warnings:</b> scikit-learn raises a ConvergenceWarning when a fit stops at max_iter <i>and</i> a "
    "tolerance is set. With the tutorial's tol=None there is no stopping rule, so it never warns; choose "
    "tol 1e-3 to see small max_iter warn (the lab catches the warning on purpose and shows it in the table) "
    "and larger ones stop early.")
LESSON_CLIP = (
    "<b>Gradient clipping</b> rescales all gradients together when their global norm "
    "&radic;(&Sigma; &#8214;g&#8214;&sup2;) exceeds max_norm: the direction stays, the length is capped, "
    "so no single step can be longer than lr &times; max_norm. Edit the tutorial's vectors below.<br>"
    "<b>Training (digits, 64 hidden units, SGD):</b> with learning rate 3, about 30 times too large, the "
    "unclipped run's gradient norm grows epoch after epoch until the numbers overflow; the same run with "
    "clipping trains.")


# ------------------------------------------------------------------ jobs (run on workers)
def _pace(speed: int, runs: int):
    return None if speed >= SPEED.maximum else float(speed) * runs


def schedules_job(names, initial_lr, total_epochs, settings, batch_size, hidden, seed, speed):
    gen = ST.schedule_runs(names, initial_lr, total_epochs, settings, batch_size, hidden, seed)
    return (yield from paced(gen, _pace(speed, len(names))))


def batch_job(lr, epochs, hidden, draws, seed, speed):
    gen = ST.batch_size_study(ST.BATCH_SIZES, epochs, lr, hidden, seed, draws)
    return (yield from paced(gen, _pace(speed, len(ST.BATCH_SIZES))))


def iterations_job(max_iters, tol):
    return (yield from ST.sgd_iterations(max_iters, tol))


def clipping_job(lr, max_norm, epochs, batch_size, speed):
    gen = ST.clipping_runs(lr, max_norm, epochs, batch_size)
    return (yield from paced(gen, _pace(speed, len(ST.CLIP_RUNS))))


# ------------------------------------------------------------------ small helpers (the shared ones: gui/widgets.py)
def set_range(plot: StyledPlot, axis: str, lo: float, hi: float, padding: float = 0.0) -> None:
    """setXRange / setYRange, skipped when the plot already shows that range: a range change
    makes the axes lay out and regenerate their ticks, the main cost of a streaming frame."""
    key = (lo, hi, padding)
    ranges = plot.__dict__.setdefault("_requested_ranges", {})
    if ranges.get(axis) == key:
        return
    ranges[axis] = key
    (plot.setXRange if axis == "x" else plot.setYRange)(lo, hi, padding=padding)


def auto_range(plot: StyledPlot, axis: str) -> None:
    plot.__dict__.setdefault("_requested_ranges", {}).pop(axis, None)
    plot.enableAutoRange(axis=axis)


def decade_ticks(lo: float, hi: float, most: int = 6) -> list:
    """Major ticks on a log axis given in log10 units: every decade, or every k-th one so that at
    most ``most`` are shown (pyqtgraph's own log ticks over 150 decades cost 100 ms a repaint)."""
    lo, hi = math.floor(lo), math.ceil(hi)
    step = max(1, math.ceil((hi - lo) / most))
    if step > 1:  # round steps: 2, 5, 10, 20, 50 ... decades
        step = next(s for s in (2, 5, 10, 20, 25, 50, 100, 200, 500, 10**9) if s >= step)
    first = math.ceil(lo / step) * step
    values = range(first, hi + 1, step)
    return [(v, "1" if v == 0 else f"1e{v}" if abs(v) > 3 else f"{10.0 ** v:g}") for v in values]


def make_table(headers, tips=()) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    for c, tip in enumerate(tips):
        table.horizontalHeaderItem(c).setToolTip(tip)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.NoSelection)
    table.setFocusPolicy(Qt.NoFocus)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.Stretch)
    header.setDefaultAlignment(Qt.AlignCenter)
    table.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
    return table


def set_rows(table: QTableWidget, rows: int) -> None:
    table.setRowCount(rows)
    for r in range(rows):
        for c in range(table.columnCount()):
            item = QTableWidgetItem("…" if c else "")
            item.setTextAlignment(Qt.AlignCenter)
            table.setItem(r, c, item)


def fit_table_height(table: QTableWidget) -> None:
    table.resizeRowsToContents()
    header = table.horizontalHeader()
    height = max(header.sizeHint().height(), header.height()) + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    if table.horizontalScrollBar().isVisible():
        height += table.horizontalScrollBar().height()
    table.setFixedHeight(height)


def set_cell(table: QTableWidget, row: int, column: int, text: str) -> None:
    item = table.item(row, column)
    if item.text() != text:
        item.setText(text)


def fit_columns(table: QTableWidget) -> None:
    """Columns as wide as their contents, the last one taking the rest of the width."""
    table.resizeColumnsToContents()
    fit_table_height(table)


def table_texts(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


class StrategiesPanel(TopicPanel):
    title = "Training strategies"
    schedule_drawn = Signal()     # the schedule figure shows the current sliders
    schedules_done = Signal()
    batch_done = Signal()
    iterations_done = Signal()
    demo_drawn = Signal()
    clipping_done = Signal()
    frame_drawn = Signal()

    SECTIONS = ("schedules", "batch", "iterations", "clipping")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ran: set[str] = set()
        self._dirty: set[str] = set()
        self._columns: list[QScrollArea] = []
        self._tables: list[QTableWidget] = []
        # streamed state
        self.sched_names: tuple[str, ...] = ()
        self.sched_starts: dict = {}
        self.sched_hist: dict[str, list] = {}
        self.sched_result: ST.Comparison | None = None
        self.batch_noise: list[ST.NoiseRow] = []
        self.batch_starts: dict = {}
        self.batch_hist: dict[str, list] = {}
        self.batch_study: ST.BatchStudy | None = None
        self._batch_table_shape = None
        self._batch_contended = False     # did another run train while the batch sizes were timed?
        self.iter_rows: list[ST.IterationRow] = []
        self.iter_values: tuple = ()
        self.clip_starts: dict = {}
        self.clip_hist: dict[str, list] = {}
        self.clip_result: ST.Comparison | None = None
        self.demo: ST.ClipDemo | None = None
        self.curves_now: dict[str, np.ndarray] = {}

        self.sched_worker = self.make_worker(
            "schedules", on_event=self._on_sched_event, on_finished=self._on_sched_finished,
            on_busy=self._on_sched_busy, on_failed=self._on_sched_failed)
        self.batch_worker = self.make_worker(
            "batch-size", on_event=self._on_batch_event, on_finished=self._on_batch_finished,
            on_busy=self._on_batch_busy, on_failed=self._on_batch_failed)
        self.iter_worker = self.make_worker(
            "iterations", on_event=self._on_iter_event, on_finished=self._on_iter_finished,
            on_busy=self._on_iter_busy, on_failed=self._on_iter_failed)
        self.clip_worker = self.make_worker(
            "clipping", on_event=self._on_clip_event, on_finished=self._on_clip_finished,
            on_busy=self._on_clip_busy, on_failed=self._on_clip_failed)

        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_MS)
        self.frame_timer.timeout.connect(self._redraw)
        self.sched_restart = self._restart_timer(self.run_schedules)
        self.batch_restart = self._restart_timer(self.run_batch)
        self.iter_restart = self._restart_timer(self.run_iterations)
        self.clip_restart = self._restart_timer(self.run_clipping)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_schedules(), "1 · LR schedules")
        self.tabs.addTab(self._build_batch(), "2 · Batch size")
        self.tabs.addTab(self._build_iterations(), "3 · Iterations ≠ batch size")
        self.tabs.addTab(self._build_clipping(), "4 · Gradient clipping")
        self.tabs.currentChanged.connect(self._section_shown)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)

        self.update_schedule_figure()
        self.update_demo()
        theme().changed.connect(self._restyle)
        self._restyle()
        # the first section runs as soon as the tab is up (the others when they are first shown)
        QTimer.singleShot(0, self, self._first_show)

    def _restart_timer(self, slot) -> QTimer:
        return restart_timer(self, slot, RESTART_MS)

    def _split(self, left: QScrollArea, right: QWidget) -> QSplitter:
        self._columns.append(left)
        return controls_split(left, right, CONTROLS_WIDTH)

    def _schedule(self, timer: QTimer, section: str) -> None:
        """Restart a section's run after a setting changed, if it has run or is running."""
        if section in self._ran:
            timer.start()

    # ============================================================== 1. schedules
    def _build_schedules(self) -> QWidget:
        self.sched_checks: dict[str, QCheckBox] = {}
        checks = QWidget()
        cl = QVBoxLayout(checks)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(2)
        for name in ST.RUN_SCHEDULES:
            box = QCheckBox(SCHEDULE_LABELS[name])
            box.setChecked(True)
            box.setToolTip(SCH.SCHEDULES[name].__doc__ or "")
            box.toggled.connect(self._sched_selection_changed)
            self.sched_checks[name] = box
            cl.addWidget(box)
        self.sched_form = compact(ParamForm((ST.INITIAL_LR, ST.SCHED_EPOCHS) + tuple(ST.LAB_SCHEDULE_SETTINGS)))
        self.sched_form.changed.connect(self._sched_setting_changed)
        self.sched_problem = rich_label("")
        self.sched_run_form = compact(ParamForm((ST.SCHED_BATCH, ST.SCHED_HIDDEN, ST.SEED, SPEED),
                                                {"speed": SCHED_SPEED_DEFAULT}))
        self.sched_run_form.changed.connect(self._sched_run_setting_changed)
        buttons, self.sched_run_button, self.sched_cancel_button = run_buttons(self.run_schedules,
                                                                               self.cancel_schedules)
        self.sched_zoom = QCheckBox("Zoom on later epochs")
        self.sched_zoom.setToolTip("Leave out the first epochs' high losses so the schedules' differences show")
        self.sched_zoom.setChecked(True)
        self.sched_zoom.toggled.connect(self._sched_zoom_toggled)
        self.sched_note = rich_label("")
        scroll, col = controls_column(Lesson(LESSON_SCHEDULES), group("Schedules", checks),
                                      group("Schedule settings", self.sched_form, self.sched_problem),
                                      group("Training run (SGD)", buttons, self.sched_run_form, self.sched_zoom),
                                      self.sched_note)
        col.addStretch(1)

        self.lr_plot = StyledPlot("Learning Rate Schedulers", "epoch", "learning rate")
        plain_axes(self.lr_plot)
        self.lr_curves, self.lr_dots = {}, {}
        for name in ST.RUN_SCHEDULES:
            style = Qt.DashLine if name == "constant" else Qt.SolidLine
            # the learning rate the run really used, epoch by epoch: a wide pale band under the
            # schedule's line that grows as the run goes (a band, not dots: 500 symbols cost
            # more to repaint at every streamed frame than all the curves together)
            band = pg.mkColor(SCHEDULE_COLOURS[name])
            band.setAlpha(90)
            self.lr_dots[name] = self.lr_plot.curve(band, width=3.5)
            self.lr_dots[name].setZValue(-1)
            self.lr_curves[name] = self.lr_plot.curve(SCHEDULE_COLOURS[name], style=style)
        self.lr_box = with_legend(self.lr_plot, ())

        self.sched_loss_plot = StyledPlot("Validation loss", "epochs trained", "cross-entropy")
        self.sched_train_plot = StyledPlot("Training loss", "epochs trained", "cross-entropy")
        plain_axes(self.sched_loss_plot, self.sched_train_plot)
        self.sched_val_curves, self.sched_train_curves = {}, {}
        for name in ST.RUN_SCHEDULES:
            self.sched_val_curves[name] = self.sched_loss_plot.curve(SCHEDULE_COLOURS[name])
            self.sched_train_curves[name] = self.sched_train_plot.curve(SCHEDULE_COLOURS[name])
        bottom = QSplitter(Qt.Horizontal)
        bottom.addWidget(self.sched_loss_plot)
        bottom.addWidget(self.sched_train_plot)
        bottom_box = QWidget()
        bl = QVBoxLayout(bottom_box)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(bottom, 1)
        self.sched_legend = rich_label("")
        self.sched_legend.setAlignment(Qt.AlignCenter)
        bl.addWidget(self.sched_legend)
        right = QSplitter(Qt.Vertical)
        right.addWidget(self.lr_box)
        right.addWidget(bottom_box)
        right.setSizes([330, 370])
        return self._split(scroll, right)

    def selected_schedules(self) -> tuple[str, ...]:
        return tuple(n for n, box in self.sched_checks.items() if box.isChecked())

    def schedule_settings(self) -> tuple[float, int, dict]:
        values = self.sched_form.values()
        return values.pop("initial_lr"), values.pop("total_epochs"), values

    @Slot(bool)
    def _sched_selection_changed(self, _on: bool) -> None:
        self.update_schedule_figure()
        self._schedule(self.sched_restart, "schedules")

    @Slot(str, object)
    def _sched_setting_changed(self, _name, _value) -> None:
        self.update_schedule_figure()
        self._schedule(self.sched_restart, "schedules")

    @Slot(str, object)
    def _sched_run_setting_changed(self, name, _value) -> None:
        if name != "speed":
            self._schedule(self.sched_restart, "schedules")

    def update_schedule_figure(self) -> None:
        """Recompute and draw the schedule curves (directly: about a millisecond)."""
        initial_lr, total, settings = self.schedule_settings()
        problems = []
        curves = {}
        for name in ST.RUN_SCHEDULES:
            try:
                curves[name] = ST.schedule_curves(initial_lr, total, settings, names=(name,))[name]
            except ValueError as exc:
                problems.append(f"{SCHEDULE_LABELS[name]}: {html.escape(str(exc))}")
        self.curves_now = curves
        selected = self.selected_schedules()
        epochs = np.arange(total)
        for name, curve in self.lr_curves.items():
            shown = name in selected and name in curves
            curve.setVisible(shown)
            self.lr_dots[name].setVisible(shown)
            if name in curves:
                curve.setData(epochs, curves[name])
        set_range(self.lr_plot, "x", 0, total, 0.02)
        set_range(self.lr_plot, "y", 0, initial_lr, 0.05)
        entries = [(SCHEDULE_COLOURS[n], SCHEDULE_LABELS[n], DASHED if n == "constant" else SOLID)
                   for n in selected if n in curves]
        if self.sched_names:
            entries.append((GREY, "pale band: the lr each epoch of the run used", SOLID))
        set_text(self.lr_box.legend_label, legend_html(entries))
        set_text(self.sched_legend, legend_html([(SCHEDULE_COLOURS[n], SCHEDULE_LABELS[n], SOLID)
                                               for n in (self.sched_names or selected)]))
        warm = curves.get("warmup_linear")
        text = ""
        if warm is not None and warm[0] == 0.0:
            text = (f"Warm-up + linear: lr at epoch 0 = <b>{warm[0]:g}</b>, epoch 1 = {warm[1]:.4g}: "
                    "the first epoch learns nothing.")
        if problems:
            text = "<b>Not drawn:</b> " + "<br>".join(problems) + ("<br>" + text if text else "")
        set_text(self.sched_problem, text)
        self.schedule_drawn.emit()

    @Slot()
    def run_schedules(self) -> None:
        self.sched_restart.stop()
        initial_lr, total, settings = self.schedule_settings()
        names = tuple(n for n in self.selected_schedules() if n in self.curves_now)
        self._ran.add("schedules")
        self.sched_hist = {}
        self.sched_starts = {}
        self.sched_result = None
        self._dirty.add("schedules")
        if not names:
            self.sched_worker.cancel()
            self.sched_names = ()
            self.sched_note.setText("Tick at least one schedule (whose settings are valid) to train.")
            self._redraw()
            return
        self.sched_names = names
        run = self.sched_run_form.values()
        self.sched_note.setText(f"Training {len(names)} networks for {total} epochs…")
        self.sched_worker.start(schedules_job, names, initial_lr, total, settings, run["batch_size"],
                                run["hidden"], run["seed"], run["speed"])
        self.update_schedule_figure()
        self._redraw()

    @Slot()
    def cancel_schedules(self) -> None:
        self.sched_restart.stop()
        if self.sched_worker.busy:
            self.sched_worker.cancel()
            done = min((len(h) for h in self.sched_hist.values()), default=0)
            self.sched_note.setText(f"Cancelled after {done} epochs. Press Run to start again.")

    @Slot(object)
    def _on_sched_event(self, event) -> None:
        if isinstance(event, ST.RunStart):
            self.sched_starts[event.run] = event
            self.sched_hist.setdefault(event.run, [])
        else:
            self.sched_hist.setdefault(event.run, []).append(event)
        self._mark_dirty("schedules")

    @Slot(object)
    def _on_sched_finished(self, result: ST.Comparison) -> None:
        self.sched_result = result
        self._dirty.add("schedules")
        self._redraw()
        lines = []
        for name, run in result.runs.items():
            last = run.history[-1] if run.history else None
            if last is None:
                continue
            val = run.curve("val_loss")
            best = int(np.nanargmin(val))
            lines.append(f"{swatch(SCHEDULE_COLOURS[name], '<b>' + SCHEDULE_LABELS[name] + '</b>')}: validation "
                         f"loss {fmt(last.val_loss, 4)} at the end (lowest {fmt(val[best], 4)} after epoch "
                         f"{best}), accuracy {fmt(last.val_acc)}; final training loss {fmt(last.train_loss, 4)}"
                         + (" <i>(diverged)</i>" if run.diverged else ""))
        warm = result.runs.get("warmup_linear")
        if warm is not None and warm.history and warm.history[0].lr == 0.0:
            start = result.starts["warmup_linear"].val_loss
            after = warm.history[0].val_loss
            lines.append(f"<b>Warm-up, epoch 0:</b> lr = 0, validation loss {start:.4f} before and {after:.4f} "
                         f"after: {'identical, ' if after == start else ''}the epoch was wasted.")
        if "constant" in result.runs and len(result.runs) > 1:
            lines.append("Constant lr keeps the training loss falling fastest, but its validation loss drifts "
                         "up again late in the run (over-fitting, and noisy steps that never settle); the "
                         "decaying schedules settle lower.")
        self.sched_note.setText("<br>".join(lines))
        self.schedules_done.emit()

    @Slot(bool)
    def _on_sched_busy(self, busy: bool) -> None:
        self.sched_cancel_button.setEnabled(busy)
        self.sched_run_button.setText("Restart" if busy else "Run")
        self._frame_timer_update()

    @Slot(str)
    def _on_sched_failed(self, message: str) -> None:
        self.sched_note.setText(f"<b>The run failed:</b> {html.escape(message)}")

    def _draw_schedules(self) -> None:
        late = {"val": [], "train": []}
        for name in ST.RUN_SCHEDULES:
            hist = self.sched_hist.get(name, [])
            start = self.sched_starts.get(name)
            x = np.arange(len(hist) + (start is not None), dtype=float)
            val = finite_or_nan(([start.val_loss] if start else []) + [e.result.val_loss for e in hist])
            train = finite_or_nan(([start.train_loss] if start else []) + [e.train_loss for e in hist])
            self.sched_val_curves[name].setData(x, val)
            self.sched_train_curves[name].setData(x, train)
            self.lr_dots[name].setData([e.result.epoch for e in hist], finite_or_nan([e.result.lr for e in hist]))
            skip = ZOOM_SKIP + (start is not None)
            late["val"].extend(val[skip:])
            late["train"].extend(train[skip:])
        total = self.sched_result.settings["total_epochs"] if self.sched_result else self.schedule_settings()[1]
        streaming = self.sched_worker.busy
        for key, plot in (("val", self.sched_loss_plot), ("train", self.sched_train_plot)):
            set_range(plot, "x", 0, total, 0.02)
            values = np.asarray(late[key], dtype=float)
            values = values[np.isfinite(values)]
            if self.sched_zoom.isChecked() and values.size:
                lo, hi = float(values.min()), float(values.max())
                pad = max(hi - lo, 1e-6) * 0.08
                lo, hi = lo - pad, hi + pad
                shown = plot.__dict__.get("_requested_ranges", {}).get("y")
                if streaming and shown is not None and shown[0] <= lo and hi <= shown[1]:
                    continue            # while streaming the zoom only grows: no re-layout every frame
                if streaming:           # grow in steps of a quarter of the span, not a hair per frame
                    span = hi - lo
                    lo, hi = lo - span / 4, hi + span / 4
                set_range(plot, "y", lo, hi)
            else:
                auto_range(plot, "y")

    @Slot(bool)
    def _sched_zoom_toggled(self, _on: bool) -> None:
        self._dirty.add("schedules")
        self._redraw()

    def sched_points(self, name: str) -> int:
        x, _ = self.sched_val_curves[name].getData()
        return 0 if x is None else len(x)

    # ============================================================== 2. batch size
    BATCH_HEADERS = ("Batch\nsize", "Updates\n/ epoch", "Noise\nmeasured", "Noise\nformula",
                     "Noise\n/ ‖g‖", "ms\n/ epoch", "Memory\n/ batch", "Train\nacc", "Val\nacc",
                     "Tutorial's text:\nnoise/memory/speed")
    BATCH_PRESENTATION_HIDDEN = (3, 4, 6)     # formula, noise / ‖g‖, memory: in the tooltips and normal mode
    BATCH_TIPS = ("Samples per gradient step; full = all 4000 training samples",
                  "Weight updates in one pass over the data: ceil(4000 / B)",
                  "RMS distance ‖g_B − g‖ between a random batch's gradient and the full-batch gradient at the "
                  "start weights, over the drawn batches",
                  "√(σ²/B · (N−B)/(N−1)) from the per-sample gradients: the exact expectation",
                  "Measured noise divided by the full gradient's norm ‖g‖: above 1, a batch's gradient is "
                  "more noise than signal",
                  "Median wall time of one epoch (training plus one validation pass), on this machine while "
                  "whatever else runs: compare the rows, not the absolute numbers",
                  "Memory of one batch's layer outputs and their gradients (computed from the shapes, float64)",
                  "Training accuracy after the last epoch", "Validation accuracy after the last epoch",
                  "What the tutorial's table prints: if-statements on the batch size, not measurements")

    def _build_batch(self) -> QWidget:
        self.batch_form = compact(ParamForm((ST.BATCH_LR, ST.BATCH_EPOCHS, ST.HIDDEN, ST.DRAWS, ST.SEED, SPEED),
                                            {"speed": BATCH_SPEED_DEFAULT}))
        self.batch_form.changed.connect(self._batch_setting_changed)
        buttons, self.batch_run_button, self.batch_cancel_button = run_buttons(self.run_batch, self.cancel_batch)
        self.batch_note = rich_label("")
        scroll, col = controls_column(Lesson(LESSON_BATCH), group("Runs (SGD, constant lr)", buttons,
                                                                  self.batch_form), self.batch_note)
        col.addStretch(1)

        self.batch_labels = [ST.batch_label(b if b is not None else 4000, b is None) for b in ST.BATCH_SIZES]
        self.batch_table = make_table(self.BATCH_HEADERS, self.BATCH_TIPS)
        header = self.batch_table.horizontalHeader()
        # widths fitted at the start and the end of a run, and on a theme change: ResizeToContents
        # would measure every cell again at every streamed update (16 ms a frame)
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(len(self.BATCH_HEADERS) - 1, QHeaderView.Stretch)
        self.batch_table.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        set_rows(self.batch_table, len(self.batch_labels))
        self._tables.append(self.batch_table)
        self._reset_batch_table()

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
        self.batch_loss_plot = StyledPlot("Training loss", "epochs trained", "cross-entropy")
        self.batch_acc_plot = StyledPlot("Validation accuracy", "epochs trained", "accuracy")
        plain_axes(self.batch_loss_plot, self.batch_acc_plot)
        self.batch_loss_curves, self.batch_acc_curves = {}, {}
        for label, colour in zip(self.batch_labels, BATCH_COLOURS):
            self.batch_loss_curves[label] = self.batch_loss_plot.curve(colour)
            self.batch_acc_curves[label] = self.batch_acc_plot.curve(colour)
        plots = QSplitter(Qt.Horizontal)
        plots.addWidget(with_legend(self.noise_plot, ((GREY, "measured (full batch: 0, off the log axis)", DOT),
                                                      (BLACK, "formula", SOLID), (GREY, "σ²/B", DASHED))))
        plots.addWidget(self.batch_loss_plot)
        plots.addWidget(self.batch_acc_plot)   # hidden in presentation mode: three plots do not fit
        plots.setSizes([330, 300, 300])
        self.batch_legend = rich_label(legend_html([(c, f"B = {l}", SOLID)
                                                    for l, c in zip(self.batch_labels, BATCH_COLOURS)]))
        self.batch_legend.setAlignment(Qt.AlignCenter)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.batch_table)
        rl.addWidget(plots, 1)
        rl.addWidget(self.batch_legend)
        return self._split(scroll, right)

    @staticmethod
    def tutorial_claims(batch_size: int | None) -> str:
        """What the tutorial's table prints for a batch size (its if-statements); '—' for the full batch."""
        if batch_size is None:
            return "— (no row)"
        noise = "High" if batch_size < 32 else "Medium" if batch_size < 128 else "Low"
        memory = "Low" if batch_size < 64 else "Medium" if batch_size < 256 else "High"
        speed = "Slow" if batch_size < 32 else "Medium" if batch_size < 128 else "Fast"
        return f"{noise}/{memory}/{speed}"

    def _reset_batch_table(self) -> None:
        for r, (label, b) in enumerate(zip(self.batch_labels, ST.BATCH_SIZES)):
            texts = [label if b is not None else "full"] + ["…"] * (len(self.BATCH_HEADERS) - 2) + \
                [self.tutorial_claims(b)]
            for c, text in enumerate(texts):
                self.batch_table.item(r, c).setText(text)
            self.batch_table.item(r, 0).setToolTip("all 4000 training samples in one batch" if b is None else "")
            self.batch_table.item(r, len(texts) - 1).setForeground(pg.mkColor(GREY))

    @Slot(str, object)
    def _batch_setting_changed(self, name, _value) -> None:
        if name != "speed":
            self._schedule(self.batch_restart, "batch")

    @Slot()
    def run_batch(self) -> None:
        self.batch_restart.stop()
        v = self.batch_form.values()
        self._ran.add("batch")
        self.batch_noise = []
        self.batch_starts = {}
        self.batch_hist = {}
        self.batch_study = None
        self._batch_contended = self._others_busy(self.batch_worker)
        self._reset_batch_table()
        self._dirty.add("batch")
        self.batch_note.setText(f"Measuring the gradient noise ({v['draws']} batches per size), then training "
                                f"{len(self.batch_labels)} networks for {v['epochs']} epochs…")
        self.batch_worker.start(batch_job, v["lr"], v["epochs"], v["hidden"], v["draws"], v["seed"], v["speed"])
        self._redraw()

    @Slot()
    def cancel_batch(self) -> None:
        self.batch_restart.stop()
        if self.batch_worker.busy:
            self.batch_worker.cancel()
            done = min((len(h) for h in self.batch_hist.values()), default=0)
            self.batch_note.setText(f"Cancelled after {done} epochs. Press Run to start again.")

    def _others_busy(self, mine) -> bool:
        return any(w.busy for w in (self.sched_worker, self.batch_worker, self.iter_worker, self.clip_worker)
                   if w is not mine)

    @Slot(object)
    def _on_batch_event(self, event) -> None:
        self._batch_contended |= self._others_busy(self.batch_worker)
        if isinstance(event, ST.NoiseRow):
            self.batch_noise.append(event)
        elif isinstance(event, ST.RunStart):
            self.batch_starts[event.run] = event
        else:
            self.batch_hist.setdefault(event.run, []).append(event)
        self._mark_dirty("batch")

    @Slot(object)
    def _on_batch_finished(self, study: ST.BatchStudy) -> None:
        self.batch_study = study
        self._dirty.add("batch")
        self._redraw()
        rows = {r.label: r for r in study.rows}
        small, full = rows[self.batch_labels[0]], rows[self.batch_labels[-1]]
        epochs = study.comparison.settings["epochs"]
        ratio = small.noise / rows[self.batch_labels[2]].noise if rows[self.batch_labels[2]].noise else math.nan
        worst = max(abs(r.noise / r.predicted_noise - 1) for r in study.rows if r.predicted_noise > 0)
        text = (f"Measured noise matches the formula within <b>{worst:.0%}</b>. From B = 8 to B = 128 (16 times "
                f"larger) the noise falls by <b>{ratio:.2f}&times;</b> (&radic;16 = 4, a little more because "
                f"the batch is a larger share of the data). At B = 8 the noise is "
                f"<b>{small.relative_noise:.1f}&times;</b> the gradient itself.<br>"
                f"Same {epochs} epochs: B = 8 made {small.updates_per_epoch * epochs:,} updates "
                f"({fmt(small.seconds_per_epoch * 1000, 1)} ms per epoch) and reached training accuracy "
                f"<b>{fmt(small.train_acc)}</b>; the full batch made {full.updates_per_epoch * epochs} updates "
                f"({fmt(full.seconds_per_epoch * 1000, 1)} ms per epoch) and reached <b>{fmt(full.train_acc)}</b>.")
        if full.train_acc is not None and small.train_acc is not None and small.train_acc > full.train_acc:
            text += " Small batches are slow per epoch and fast per epoch of progress."
        if self._batch_contended:
            text += ("<br><i>Other runs of this tab trained at the same time and shared the processor (and "
                     "Python's interpreter lock): the times per epoch are inflated. Press Run for clean "
                     "timings.</i>")
        self.batch_note.setText(text)
        self.batch_done.emit()

    @Slot(bool)
    def _on_batch_busy(self, busy: bool) -> None:
        self.batch_cancel_button.setEnabled(busy)
        self.batch_run_button.setText("Restart" if busy else "Run")
        self._frame_timer_update()

    @Slot(str)
    def _on_batch_failed(self, message: str) -> None:
        self.batch_note.setText(f"<b>The run failed:</b> {html.escape(message)}")

    def _draw_batch(self) -> None:
        t = self.batch_table
        for r, label in enumerate(self.batch_labels):
            if r < len(self.batch_noise):
                n = self.batch_noise[r]
                set_cell(t, r, 2, f"{n.measured:.4f}")
                set_cell(t, r, 3, f"{n.predicted:.4f}")
                set_cell(t, r, 4, f"{n.relative:.2f}")
                hidden = self.batch_form.values()["hidden"]
                set_cell(t, r, 6, _kb(ST.batch_memory_kb((20, hidden, 2), n.batch_size)))
            hist = [e.result for e in self.batch_hist.get(label, [])]
            if hist:
                last = hist[-1]
                set_cell(t, r, 1, str(last.n_batches))
                set_cell(t, r, 5, fmt(float(np.median([e.seconds for e in hist])) * 1000, 1))
                set_cell(t, r, 7, fmt(last.train_acc))
                set_cell(t, r, 8, fmt(last.val_acc))
        # refit the column widths when a new kind of number arrives (not at every update)
        shape = (len(self.batch_noise), sum(1 for h in self.batch_hist.values() if h), self.batch_study is not None)
        if shape != self._batch_table_shape:
            self._batch_table_shape = shape
            QTimer.singleShot(0, self, self._fit_batch_columns)
        if self.batch_study is not None:
            for r, row in enumerate(self.batch_study.rows):
                set_cell(t, r, 6, _kb(row.activation_kb))
                set_cell(t, r, 5, fmt(row.seconds_per_epoch * 1000, 1))
        # noise plot (log-log: pyqtgraph takes the data and shows log10 of it)
        if self.batch_noise:
            sizes = np.array([n.batch_size for n in self.batch_noise], dtype=float)
            measured = np.array([n.measured for n in self.batch_noise])
            keep = measured > 0
            brushes = [pg.mkBrush(c) for c, k in zip(BATCH_COLOURS, keep) if k]
            self.noise_dots.setData(sizes[keep], measured[keep], symbolBrush=brushes)
            first = self.batch_noise[0]
            n_train = 4000
            # up to 3/4 of the data: beyond, the formula plunges to 0 at N (the full batch, noise 0)
            b = np.unique(np.round(np.logspace(0, math.log10(0.75 * n_train), 80)))
            sigma = first.predicted_with_replacement * math.sqrt(first.batch_size)
            self.noise_formula.setData(b, sigma / np.sqrt(b) * np.sqrt((n_train - b) / (n_train - 1)))
            self.noise_replace.setData(b, sigma / np.sqrt(b))
        else:
            self.noise_dots.setData([], [])
            self.noise_formula.setData([], [])
            self.noise_replace.setData([], [])
        for label in self.batch_labels:
            hist = self.batch_hist.get(label, [])
            start = self.batch_starts.get(label)
            x = np.arange(len(hist) + (start is not None), dtype=float)
            loss = ([start.train_loss] if start else []) + [e.train_loss for e in hist]
            acc = ([start.val_acc] if start else []) + [e.result.val_acc for e in hist]
            self.batch_loss_curves[label].setData(x, finite_or_nan(loss))
            self.batch_acc_curves[label].setData(x, finite_or_nan(acc))
        for plot in (self.batch_loss_plot, self.batch_acc_plot):
            set_range(plot, "x", 0, self.batch_form.values()["epochs"], 0.02)

    @Slot()
    def _fit_batch_columns(self) -> None:
        fit_columns(self.batch_table)

    def batch_rows(self) -> list[list[str]]:
        return table_texts(self.batch_table)

    def batch_points(self, label: str) -> int:
        x, _ = self.batch_acc_curves[label].getData()
        return 0 if x is None else len(x)

    # ============================================================== 3. iterations
    ITER_HEADERS = ("max_iter", "Epochs\nrun", "Weight\nupdates", "Batch\nsize", "Train\nacc", "Test\nacc",
                    "Tutorial:\ntrain/test", "Seconds", "Warning\n(caught)")
    ITER_TIPS = ("SGDClassifier's max_iter: the most passes over the data it may make",
                 "Passes scikit-learn actually made (n_iter_)", "Weight updates: one per sample per pass",
                 "SGDClassifier updates after every single sample, whatever max_iter is",
                 "Accuracy on the 4000 training samples", "Accuracy on the 1000 test samples",
                 "What the tutorial prints for this max_iter; ✓ when this row matches it to the digit",
                 "Wall time of the fit", "A ConvergenceWarning scikit-learn raised, caught and reported here "
                                         "(hover over a cell for its message)")
    ITER_PRESENTATION_HIDDEN = (2, 7)

    def _build_iterations(self) -> QWidget:
        self.iter_form = compact(ParamForm((ITER_SET, TOL)))
        self.iter_form.changed.connect(self._iter_setting_changed)
        buttons, self.iter_run_button, self.iter_cancel_button = run_buttons(self.run_iterations,
                                                                             self.cancel_iterations)
        self.iter_note = rich_label("")
        scroll, col = controls_column(Lesson(LESSON_ITER), group("SGDClassifier fits", buttons, self.iter_form),
                                      self.iter_note)
        col.addStretch(1)
        self.iter_table = make_table(self.ITER_HEADERS, self.ITER_TIPS)
        header = self.iter_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(len(self.ITER_HEADERS) - 1, QHeaderView.Stretch)
        self.iter_table.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self._tables.append(self.iter_table)
        self.iter_plot = StyledPlot("Accuracy against max_iter", "max_iter = passes over the data (log scale)",
                                    "accuracy")
        self.iter_plot.setLogMode(x=True)
        plain_axes(self.iter_plot)
        self.iter_train = self.iter_plot.curve(TRAIN_COLOUR, symbol="o", symbolBrush=TRAIN_COLOUR, symbolPen=None)
        self.iter_test = self.iter_plot.curve(TEST_COLOUR, symbol="s", symbolBrush=TEST_COLOUR, symbolPen=None)
        self.iter_tutorial = pg.PlotDataItem([], [], pen=None, symbol="x", symbolSize=theme().marker_size * 1.6,
                                             symbolPen=pg.mkPen(BLACK, width=2), symbolBrush=BLACK)
        self.iter_plot.addItem(self.iter_tutorial)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.iter_table)
        rl.addWidget(with_legend(self.iter_plot, ((TRAIN_COLOUR, "train accuracy", SOLID),
                                                  (TEST_COLOUR, "test accuracy", SOLID),
                                                  (BLACK, "tutorial's printed values", "&times;"))), 1)
        return self._split(scroll, right)

    @Slot(str, object)
    def _iter_setting_changed(self, _name, _value) -> None:
        self._schedule(self.iter_restart, "iterations")

    @Slot()
    def run_iterations(self) -> None:
        self.iter_restart.stop()
        v = self.iter_form.values()
        self.iter_values = tuple(ITER_VALUES[v["values"]])
        tol = None if v["tol"] == TOL_CHOICES[0] else 1e-3
        self._ran.add("iterations")
        self.iter_rows = []
        set_rows(self.iter_table, len(self.iter_values))
        for r, m in enumerate(self.iter_values):
            self.iter_table.item(r, 0).setText(str(m))
            tut = TUTORIAL_ITER_TABLE.get(m)
            self.iter_table.item(r, 6).setText(f"{tut[0]}/{tut[1]}" if tut and tol is None else "–")
        fit_table_height(self.iter_table)
        self.iter_note.setText(f"Fitting {len(self.iter_values)} SGDClassifiers…")
        self._draw_iterations()
        self.iter_worker.start(iterations_job, self.iter_values, tol)

    @Slot()
    def cancel_iterations(self) -> None:
        self.iter_restart.stop()
        if self.iter_worker.busy:
            self.iter_worker.cancel()
            self.iter_note.setText(f"Cancelled after {len(self.iter_rows)} fits.")

    @Slot(object)
    def _on_iter_event(self, row: ST.IterationRow) -> None:
        r = len(self.iter_rows)
        self.iter_rows.append(row)
        texts = (str(row.max_iter), str(row.n_iter), f"{row.updates:,}", "1", f"{row.train_acc:.5f}",
                 f"{row.test_acc:.3f}", None, f"{row.seconds:.3f}",
                 "ConvergenceWarning" if row.warning else "–")
        for c, text in enumerate(texts):
            if text is not None:
                self.iter_table.item(r, c).setText(text)
        tut = TUTORIAL_ITER_TABLE.get(row.max_iter)
        if tut and self.iter_table.item(r, 6).text() != "–":
            same = (f"{row.train_acc:.5f}", f"{row.test_acc:.3f}") == tut
            self.iter_table.item(r, 6).setText(f"{tut[0]}/{tut[1]} {'✓' if same else '✗'}")
        self.iter_table.item(r, 8).setToolTip(row.warning or "scikit-learn raised no warning for this fit")
        fit_columns(self.iter_table)
        self._draw_iterations()

    def _draw_iterations(self) -> None:
        rows = self.iter_rows
        x = [r.max_iter for r in rows]
        self.iter_train.setData(x, [r.train_acc for r in rows])
        self.iter_test.setData(x, [r.test_acc for r in rows])
        tut = [(m, float(v)) for m, pair in TUTORIAL_ITER_TABLE.items() for v in pair
               if m in self.iter_values and self.iter_form.values()["tol"] == TOL_CHOICES[0]]
        self.iter_tutorial.setData([m for m, _ in tut], [v for _, v in tut])
        if self.iter_values:
            lo, hi = math.log10(min(self.iter_values)), math.log10(max(self.iter_values))
            self.iter_plot.setXRange(lo, hi, padding=0.08)
            self.iter_plot.getAxis("bottom").setTicks([[(math.log10(m), str(m)) for m in self.iter_values]])

    @Slot(object)
    def _on_iter_finished(self, rows) -> None:
        matches = [r for r in rows if TUTORIAL_ITER_TABLE.get(r.max_iter) == (f"{r.train_acc:.5f}", f"{r.test_acc:.3f}")]
        warned = [r for r in rows if r.warning]
        text = ""
        if self.iter_form.values()["tol"] == TOL_CHOICES[0]:
            tut = [m for m in self.iter_values if m in TUTORIAL_ITER_TABLE]
            text += (f"<b>{len(matches)} of {len(tut)}</b> rows reproduce the tutorial's printed table to the "
                     f"digit. ") if tut else ""
            text += "With tol=None scikit-learn raised no ConvergenceWarning: every fit ran all its epochs."
        else:
            early = [r for r in rows if r.n_iter < r.max_iter]
            text += (f"With tol=1e-3, {len(warned)} fit(s) stopped at max_iter and warned (caught, shown in the "
                     f"table)" + (f"; {len(early)} stopped early, after {early[0].n_iter} epochs, because the loss "
                                  f"stopped improving" if early else "") + ".")
        text += ("<br>Every row updates the weights after each of the 4000 samples: the batch size is 1 "
                 "throughout. More epochs help here (train 0.833 &rarr; 0.867), not a batch size.")
        self.iter_note.setText(text)
        self.iterations_done.emit()

    @Slot(bool)
    def _on_iter_busy(self, busy: bool) -> None:
        self.iter_cancel_button.setEnabled(busy)
        self.iter_run_button.setText("Restart" if busy else "Run")

    @Slot(str)
    def _on_iter_failed(self, message: str) -> None:
        self.iter_note.setText(f"<b>The fits failed:</b> {html.escape(message)}")

    def iteration_rows(self) -> list[list[str]]:
        return table_texts(self.iter_table)

    # ============================================================== 4. clipping
    def _build_clipping(self) -> QWidget:
        vec_box = QWidget()
        grid = QGridLayout(vec_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.vec_edits: list[QLineEdit] = []
        for i, vector in enumerate(ST.TUTORIAL_VECTORS):
            edit = QLineEdit(", ".join(f"{v:g}" for v in vector))
            edit.setToolTip("Numbers separated by commas: one parameter's gradient")
            edit.textChanged.connect(self._demo_changed)
            grid.addWidget(QLabel(f"gradient {i + 1}"), i, 0)
            grid.addWidget(edit, i, 1)
            self.vec_edits.append(edit)
        self.demo_form = compact(ParamForm((DEMO_MAX_NORM,)))
        self.demo_form.changed.connect(self._demo_form_changed)
        self.demo_label = rich_label("")
        self.clip_form = compact(ParamForm((ST.CLIP_LR, ST.CLIP_MAX_NORM, ST.CLIP_EPOCHS, ST.CLIP_BATCH, SPEED),
                                           {"speed": CLIP_SPEED_DEFAULT}))
        self.clip_form.changed.connect(self._clip_setting_changed)
        buttons, self.clip_run_button, self.clip_cancel_button = run_buttons(self.run_clipping, self.cancel_clipping)
        self.clip_note = rich_label("")
        scroll, col = controls_column(Lesson(LESSON_CLIP),
                                      group("The tutorial's example", vec_box, self.demo_form, self.demo_label),
                                      group("Training run (digits)", buttons, self.clip_form), self.clip_note)
        col.addStretch(1)

        self.demo_plot = StyledPlot("The example's norms", "", "L2 norm")
        self.demo_plot.setMouseEnabled(x=False, y=False)
        plain_axes(self.demo_plot, x_grid=False)
        self.demo_before = pg.BarGraphItem(x=[0], height=[0], width=0.36, brush=pg.mkBrush(GREY), pen=pg.mkPen(None))
        self.demo_after = pg.BarGraphItem(x=[0], height=[0], width=0.36, brush=pg.mkBrush(BLUE), pen=pg.mkPen(None))
        self.demo_plot.addItem(self.demo_before)
        self.demo_plot.addItem(self.demo_after)
        self.demo_line = pg.InfiniteLine(angle=0, pen=self.demo_plot.pen(STOP_RED, 1.0, Qt.DashLine))
        self.demo_plot.addItem(self.demo_line)
        self.demo_texts: list[pg.TextItem] = []

        self.norm_plot = StyledPlot("Gradient norm", "epoch", "mean ‖g‖ (log)")
        self.norm_plot.setLogMode(y=True)
        self.clip_acc_plot = StyledPlot("Validation accuracy", "epochs trained", "accuracy")
        self.clip_count_plot = StyledPlot("Clipped batches", "epoch", "batches")
        plain_axes(self.clip_acc_plot, self.clip_count_plot)
        # across 150 decades a line per decade is a grey wall: horizontal grid lines off
        plain_axes(self.norm_plot, y_grid=False)
        self.max_norm_line = pg.InfiniteLine(angle=0, pen=self.norm_plot.pen(STOP_RED, 1.0, Qt.DashLine))
        self.norm_plot.addItem(self.max_norm_line)
        self.max_norm_line.setValue(math.log10(ST.CLIP_MAX_NORM.default))   # the axis shows log10
        self.norm_curves, self.clip_acc_curves = {}, {}
        for run, colour in CLIP_COLOURS.items():
            self.norm_curves[run] = self.norm_plot.curve(colour, symbol="o", symbolSize=theme().marker_size * 0.6,
                                                         symbolBrush=colour, symbolPen=None)
            self.clip_acc_curves[run] = self.clip_acc_plot.curve(colour)
        self.clip_bars = pg.BarGraphItem(x=[0], height=[0], width=0.8, brush=pg.mkBrush(CLIP_COLOURS["clipping"]),
                                         pen=pg.mkPen(None))
        self.clip_count_plot.addItem(self.clip_bars)
        self.batches_line = pg.InfiniteLine(angle=0, pen=self.clip_count_plot.pen(GREY, 0.6, Qt.DashLine))
        self.clip_count_plot.addItem(self.batches_line)
        grid_w = QWidget()
        g = QGridLayout(grid_w)
        g.setContentsMargins(0, 0, 0, 0)
        g.setSpacing(4)
        runs_legend = ((CLIP_COLOURS["no clipping"], "no clipping", SOLID), (CLIP_COLOURS["clipping"], "clipping",
                                                                               SOLID))
        self.norm_plot.setToolTip("The mean over each epoch's batches of the gradient norm before clipping")
        g.addWidget(with_legend(self.demo_plot, ((GREY, "before", BOX), (BLUE, "after clipping", BOX),
                                                 (STOP_RED, "max_norm", DASHED))), 0, 0)
        g.addWidget(with_legend(self.norm_plot, runs_legend + ((STOP_RED, "max_norm", DASHED),)), 0, 1)
        g.addWidget(with_legend(self.clip_acc_plot, runs_legend), 1, 0)
        g.addWidget(with_legend(self.clip_count_plot, ((CLIP_COLOURS["clipping"], "clipped", BOX),
                                                       (GREY, "batches per epoch", DASHED))), 1, 1)
        return self._split(scroll, grid_w)

    @Slot(str)
    def _demo_changed(self, _text: str) -> None:
        self.update_demo()

    @Slot(str, object)
    def _demo_form_changed(self, _name, _value) -> None:
        self.update_demo()

    def update_demo(self) -> None:
        """Clip the vectors typed in (directly: a few microseconds) and show the tutorial's printout."""
        try:
            vectors = [ST.parse_vector(e.text(), f"gradient {i + 1}") for i, e in enumerate(self.vec_edits)]
            demo = ST.clipping_demo(vectors, self.demo_form.values()["max_norm"])
        except ValueError as exc:
            self.demo = None
            self.demo_label.setText(f"<b>Cannot clip:</b> {html.escape(str(exc))}")
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
        norms_before = [float(np.linalg.norm(v)) for v in demo.vectors] + [demo.total_norm]
        norms_after = [float(np.linalg.norm(v)) for v in demo.clipped] + [demo.new_norm]
        x = np.arange(len(norms_before), dtype=float)
        self.demo_before.setOpts(x=x - 0.19, height=norms_before)
        self.demo_after.setOpts(x=x + 0.19, height=norms_after)
        self.demo_line.setValue(demo.max_norm)
        for item in self.demo_texts:
            self.demo_plot.removeItem(item)
        self.demo_texts = []
        for xi, (b, a) in enumerate(zip(norms_before, norms_after)):
            for offset, value in ((-0.19, b), (0.19, a)):
                label = pg.TextItem(f"{value:.4g}", color=BLACK, anchor=(0.5, 1.0))
                label.setFont(theme().font(0.85))
                label.setPos(xi + offset, value)
                self.demo_plot.addItem(label)
                self.demo_texts.append(label)
        ticks = [(i, f"‖g{i + 1}‖") for i in range(len(demo.vectors))] + [(len(demo.vectors), "total")]
        self.demo_plot.getAxis("bottom").setTicks([ticks])
        self.demo_plot.setXRange(-0.6, len(norms_before) - 0.4, padding=0)
        self.demo_plot.setYRange(0, max(norms_before + [demo.max_norm]) * 1.18, padding=0)
        self.demo_drawn.emit()

    @Slot(str, object)
    def _clip_setting_changed(self, name, _value) -> None:
        if name == "max_norm":
            self.max_norm_line.setValue(math.log10(self.clip_form.values()["max_norm"]))
        if name != "speed":
            self._schedule(self.clip_restart, "clipping")

    @Slot()
    def run_clipping(self) -> None:
        self.clip_restart.stop()
        v = self.clip_form.values()
        self._ran.add("clipping")
        self.clip_starts = {}
        self.clip_hist = {}
        self.clip_result = None
        self._dirty.add("clipping")
        self.max_norm_line.setValue(math.log10(v["max_norm"]))
        self.clip_note.setText(f"Training with learning rate {v['lr']:g}, without and with clipping to "
                               f"{v['max_norm']:g}…")
        self.clip_worker.start(clipping_job, v["lr"], v["max_norm"], v["epochs"], v["batch_size"], v["speed"])
        self._redraw()

    @Slot()
    def cancel_clipping(self) -> None:
        self.clip_restart.stop()
        if self.clip_worker.busy:
            self.clip_worker.cancel()
            done = max((len(h) for h in self.clip_hist.values()), default=0)
            self.clip_note.setText(f"Cancelled after {done} epochs. Press Run to start again.")

    @Slot(object)
    def _on_clip_event(self, event) -> None:
        if isinstance(event, ST.RunStart):
            self.clip_starts[event.run] = event
        else:
            self.clip_hist.setdefault(event.run, []).append(event.result)
        self._mark_dirty("clipping")

    @Slot(object)
    def _on_clip_finished(self, result: ST.Comparison) -> None:
        self.clip_result = result
        self._dirty.add("clipping")
        self._redraw()
        plain, clipped = result.runs["no clipping"], result.runs["clipping"]
        s = result.settings
        parts = []
        if plain.diverged:
            norms = plain.curve("grad_norm")
            parts.append(f"<b>No clipping:</b> the gradient norm grew from {norms[0]:.3g} to {norms[-1]:.3g} in "
                         f"{len(norms)} epochs, then {html.escape(plain.reason.split(': ', 1)[-1].split('. ')[0])}.")
        else:
            last = plain.history[-1]
            parts.append(f"<b>No clipping:</b> did not overflow this time; final validation accuracy "
                         f"{fmt(last.val_acc)}, mean gradient norm {last.grad_norm:.3g}.")
        if clipped.history:
            total = sum(e.clipped_batches for e in clipped.history)
            batches = sum(e.n_batches for e in clipped.history)
            last = clipped.history[-1]
            parts.append(f"<b>Clipping to {s['max_norm']:g}:</b> {total} of {batches} batch gradients were "
                         f"clipped (no step longer than {s['lr'] * s['max_norm']:.3g}); final validation accuracy "
                         f"<b>{fmt(last.val_acc)}</b>" + (" (it diverged too)" if clipped.diverged else "") + ".")
        self.clip_note.setText("<br>".join(parts))
        self.clipping_done.emit()

    @Slot(bool)
    def _on_clip_busy(self, busy: bool) -> None:
        self.clip_cancel_button.setEnabled(busy)
        self.clip_run_button.setText("Restart" if busy else "Run")
        self._frame_timer_update()

    @Slot(str)
    def _on_clip_failed(self, message: str) -> None:
        self.clip_note.setText(f"<b>The run failed:</b> {html.escape(message)}")

    def _draw_clipping(self) -> None:
        v = self.clip_form.values()
        for run in ST.CLIP_RUNS:
            hist = self.clip_hist.get(run, [])
            start = self.clip_starts.get(run)
            # a norm must be > 0 on the log axis
            norms = finite_or_nan([e.grad_norm if e.grad_norm > 0 else np.nan for e in hist])
            self.norm_curves[run].setData(np.arange(len(hist), dtype=float), norms)
            x = np.arange(len(hist) + (start is not None), dtype=float)
            acc = ([start.val_acc] if start else []) + [e.val_acc for e in hist]
            self.clip_acc_curves[run].setData(x, finite_or_nan(acc))
        hist = self.clip_hist.get("clipping", [])
        self.clip_bars.setOpts(x=np.arange(len(hist), dtype=float), height=[e.clipped_batches for e in hist])
        n_batches = -(-1149 // v["batch_size"])
        self.batches_line.setValue(n_batches)
        set_range(self.clip_count_plot, "y", 0, n_batches * 1.1)
        set_range(self.clip_count_plot, "x", -0.5, v["epochs"], 0.02)
        set_range(self.norm_plot, "x", -0.5, v["epochs"], 0.02)
        set_range(self.clip_acc_plot, "x", 0, v["epochs"], 0.02)
        set_range(self.clip_acc_plot, "y", 0, 1, 0.02)
        # the norm axis: its own decade ticks, grown in whole decades (see decade_ticks)
        logs = [math.log10(v["max_norm"])]
        for run in ST.CLIP_RUNS:
            logs.extend(math.log10(e.grad_norm) for e in self.clip_hist.get(run, [])
                        if math.isfinite(e.grad_norm) and e.grad_norm > 0)
        lo, hi = math.floor(min(logs)) - 0.5, math.ceil(max(logs)) + 0.5
        if hi - lo > 12:  # far beyond: round the top up to whole 10-decade steps, so it changes rarely
            hi = math.ceil(hi / 10) * 10 + 0.5
        set_range(self.norm_plot, "y", lo, hi)
        ticks = decade_ticks(lo, hi)
        if self.norm_plot.__dict__.get("_ticks") != ticks:
            self.norm_plot._ticks = ticks
            self.norm_plot.getAxis("left").setTicks([ticks, []])

    def clip_points(self, run: str) -> int:
        x, _ = self.clip_acc_curves[run].getData()
        return 0 if x is None else len(x)

    # ============================================================== streaming
    def _mark_dirty(self, section: str) -> None:
        self._dirty.add(section)
        if not self.frame_timer.isActive():
            self.frame_timer.start()

    def _frame_timer_update(self) -> None:
        if self.sched_worker.busy or self.batch_worker.busy or self.clip_worker.busy:
            if not self.frame_timer.isActive():
                self.frame_timer.start()
        else:
            self.frame_timer.stop()
            self._redraw()

    @Slot()
    def _redraw(self) -> None:
        t0 = time.perf_counter()
        if "schedules" in self._dirty:
            self._draw_schedules()
        if "batch" in self._dirty:
            self._draw_batch()
        if "clipping" in self._dirty:
            self._draw_clipping()
        drew = bool(self._dirty)
        self._dirty.clear()
        if drew:
            # Adaptive frame rate: the repaint that follows costs about as much again, so a frame
            # interval of FRAME_COST_FACTOR times this work keeps the main thread mostly free for
            # the user even when the machine is busy (30 Hz on a quiet one).
            spent_ms = (time.perf_counter() - t0) * 1000
            self.frame_timer.setInterval(int(min(MAX_FRAME_MS, max(FRAME_MS, FRAME_COST_FACTOR * spent_ms))))
            self.frame_drawn.emit()

    # ============================================================== panel API
    @Slot(int)
    def _section_shown(self, index: int) -> None:
        section = self.SECTIONS[index]
        if section in self._ran:
            return
        {"schedules": self.run_schedules, "batch": self.run_batch, "iterations": self.run_iterations,
         "clipping": self.run_clipping}[section]()

    @Slot()
    def _first_show(self) -> None:
        if not self._ran:
            self._section_shown(self.tabs.currentIndex())

    def run_defaults(self) -> None:
        """Every section's run with the current settings."""
        self.run_schedules()
        self.run_batch()
        self.run_iterations()
        self.run_clipping()

    def is_idle(self) -> bool:
        return super().is_idle() and not any(t.isActive() for t in (self.sched_restart, self.batch_restart,
                                                                    self.iter_restart, self.clip_restart))

    def cancel(self) -> None:
        self.cancel_schedules()
        self.cancel_batch()
        self.cancel_iterations()
        self.cancel_clipping()
        super().cancel()

    def shutdown(self) -> None:
        self.frame_timer.stop()
        for timer in (self.sched_restart, self.batch_restart, self.iter_restart, self.clip_restart):
            timer.stop()
        super().shutdown()

    @Slot()
    def _restyle(self) -> None:
        QTimer.singleShot(0, self, self._restyle_later)

    @Slot()
    def _restyle_later(self) -> None:
        for scroll in self._columns:
            fit_column(scroll, CONTROLS_WIDTH, MAX_CONTROLS_WIDTH[theme().presentation])

        size = theme().marker_size
        self.noise_dots.setSymbolSize(size * 1.4)
        self.iter_tutorial.setSymbolSize(size * 1.6)
        for curve in self.norm_curves.values():
            curve.setSymbolSize(size * 0.6)
        for line, plot, colour, width in ((self.demo_line, self.demo_plot, STOP_RED, 1.0),
                                          (self.max_norm_line, self.norm_plot, STOP_RED, 1.0),
                                          (self.batches_line, self.clip_count_plot, GREY, 0.6)):
            line.setPen(plot.pen(colour, width, Qt.DashLine))
        # presentation mode: fewer, larger columns (the hidden ones stay in the tooltips and normal mode)
        self.batch_acc_plot.setVisible(not theme().presentation)
        for table, hidden in ((self.batch_table, self.BATCH_PRESENTATION_HIDDEN),
                              (self.iter_table, self.ITER_PRESENTATION_HIDDEN)):
            for c in hidden:
                table.setColumnHidden(c, theme().presentation)
        for table in self._tables:
            table.resizeColumnsToContents()
            fit_table_height(table)
        self.update_demo()
        self._dirty.update(("schedules", "batch", "clipping"))
        self._redraw()



def _kb(kb: float) -> str:
    return f"{kb:,.0f} KB" if kb < 1024 else f"{kb / 1024:.1f} MB"
