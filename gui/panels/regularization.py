"""Regularization lab (tutorial section 2): penalties, their strength, dropout, early stopping.

Five inner tabs:

1. Penalties - the four linear models' coefficients as bar charts (informative features in
   blue, noise features in orange, the true values as black dashes) and the tutorial's table.
   The alpha and l1_ratio sliders refit directly on the main thread (about 6 ms).
2. Strength - train/test R2 against alpha for Ridge and Lasso and the coefficient paths,
   computed once; a line at the current alpha follows the sliders (and can be dragged).
3. Dropout - one mask on a matrix of activations (before / after heatmaps and the row
   means), then the over-fitting network trained with and without dropout, streaming.
4. Early stopping - a real training run (or the tutorial's simulated curve) with the best
   epoch, the patience window and the stop marked as soon as they are known.
5. MLP + L2 - the tutorial's MLPClassifier with alpha 0 and 0.01, and one alpha of your own.

scikit-learn is imported on a worker the first time (the "fits" job), never on the main
thread; slider moves that arrive before it is ready are applied when it is. Training runs
each have a worker; every event is stored and the plots are redrawn at most at 60 Hz.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QGridLayout, QHeaderView,
                               QPushButton, QScrollArea, QSizePolicy, QSplitter, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from engine.blas import single_threaded
from engine import early_stopping as ES
from engine import overfitting as OF
from engine.stream import paced
from engine import regularization as R
from engine.params import Param
from gui.params import ParamForm
from gui.panels.base import TopicPanel
from gui.plots import StyledPlot, finite_or_nan
from gui.theme import GREY, OKABE_ITO, theme
from gui.widgets import (BOX, DASHED, SOLID, Lesson, compact, controls_column, controls_split, fit_column, fmt, group,
                         on_white, plain_axes, plain_log_ticks, restart_timer, rich_label, run_buttons,
                         set_param_enabled, swatch, with_legend)

BLUE, ORANGE, GREEN, PINK, YELLOW, SKY, BLACK = OKABE_ITO[:7]
INFORMATIVE, NOISE = BLUE, ORANGE
TRAIN_COLOUR, VAL_COLOUR = BLUE, ORANGE
RUN_COLOURS = {"no dropout": BLUE, "dropout": ORANGE}
STOP_COLOUR = BLACK        # next to the orange validation curve: black reads for every viewer
WINDOW_RGBA = (230, 159, 0, 70)   # the patience window: pale Okabe-Ito orange
FRAME_MS = 16
RESTART_MS = 150          # a parameter dragged during a run restarts it once the drag pauses
CONTROLS_WIDTH = 360
MIN_CONTROLS_WIDTH = {False: CONTROLS_WIDTH, True: 400}   # normal, presentation: room for the sliders
MAX_CONTROLS_WIDTH = {False: 400, True: 430}   # the plots come first
SWEEP_ALPHAS = np.logspace(-4, 3, 71)   # the sliders' whole range, 10 points per decade
PATH_KINDS = {"lasso": "Lasso (L1)", "elasticnet": "ElasticNet", "ridge": "Ridge (L2)"}
KIND_ALPHA = {"ridge": "alpha_ridge", "lasso": "alpha_lasso", "elasticnet": "alpha_enet"}
ZOOM_TOP = 3.0
R2_ZOOM = 0.99
MODEL_ALPHA = {R.MODEL_NAMES[1]: "alpha_ridge", R.MODEL_NAMES[2]: "alpha_lasso", R.MODEL_NAMES[3]: "alpha_enet"}

SPEED = Param("speed", "epochs/s", 30, kind="int", minimum=1, maximum=1000, log=True,
              help="How many epochs per second are shown; 1000 is as fast as the computer can train.")
PATIENCE = Param("patience", "patience", 5, kind="int", minimum=0, maximum=50, help=ES.PATIENCE.help)
MIN_DELTA = Param("min_delta", "min delta", 0.001, minimum=0.0, maximum=0.05, decimals=4, help=ES.MIN_DELTA.help)
DATA_REAL, DATA_SIMULATED = "real network", "tutorial's curve"
DATA = Param("data", "data", DATA_REAL, kind="choice", choices=(DATA_REAL, DATA_SIMULATED),
             help="A real network trained epoch by epoch, or the tutorial's simulated loss curves "
                  "(which stop at epoch 36).")
RESTORE = Param("restore_best", "restore best", True, kind="bool", help=ES.RESTORE_BEST.help)
WHAT_IF = Param("what_if", "show the rest", True, kind="bool",
                help="After the stop, train on to the last epoch without stopping and draw that in grey: "
                     "what early stopping saved you from.")
SIMULATED_EPOCHS = 100   # the length of engine.early_stopping.simulated_curves()
ES_EPOCHS = Param("epochs", "max epochs", 150, kind="int", minimum=5, maximum=500,
                  help="Epochs to run if early stopping never fires.")
MY_ALPHA = Param("alpha", "your alpha", 1.0, minimum=1e-4, maximum=100.0, log=True, decimals=4,
                 help="A third L2 strength to compare with the tutorial's 0 and 0.01.")
MLP_ALPHAS = (0.0, 0.01)

# ------------------------------------------------------------------ lessons
LESSON_PENALTIES = (
    "<b>What to look for.</b> Only 5 of the 20 features carry signal (blue bars; black dashes "
    "are the true values). <b>Lasso</b> (L1) can set a coefficient to exactly zero (grey "
    "&times;): it selects features. <b>Ridge</b> (L2) only shrinks them. At the tutorial's "
    "alpha 0.1 Lasso zeroes just <b>one</b> of the 15 noise coefficients, and the orange noise "
    "bars are too small to see: tick <i>Zoom in</i>. Drag the Lasso alpha up to about 2: the "
    "noise coefficients reach zero first, the real ones only at a much larger alpha. At the "
    "tutorial's values all four models score almost the same: this data has little noise to over-fit.")
LESSON_STRENGTH = (
    "<b>Regularization strength.</b> Small alpha = nearly ordinary least squares; large alpha = "
    "everything shrunk to zero and both R&sup2; fall. The useful range is where the <i>test</i> "
    "score is highest. In the path below, Lasso coefficients hit zero one by one (noise first), "
    "Ridge coefficients approach zero but never reach it. Ridge's alpha is on a different scale "
    "from Lasso's (scikit-learn divides Lasso's loss by 2n): compare shapes, not numbers. "
    "Drag the dashed line or the sliders.")
LESSON_DROPOUT = (
    "<b>Dropout</b> switches each unit off with probability p during training and multiplies the "
    "survivors by 1/(1&minus;p). One mask moves every row's mean (orange bars), but averaged over "
    "many masks (green) the mean is back where it started: the scaling keeps it <i>in "
    "expectation</i>, so nothing needs rescaling at test time. Without the scaling (grey) the mean "
    "shrinks by (1&minus;p).<br><b>Below:</b> 100 training samples, 2&times;128 hidden units: without "
    "dropout the training loss goes to 0 while the validation loss climbs (over-fitting); with "
    "dropout it stays low.")
LESSON_STOPPING = (
    "<b>Early stopping</b> watches the validation loss. An epoch counts as an improvement only if it "
    "beats the best by more than <i>min delta</i>; after <i>patience</i> epochs without one, "
    "training stops (black line) and the weights of the best epoch (green) are restored. The shaded "
    "band is the patience window being counted. Try patience 0, then 20.")
LESSON_MLP = (
    "<b>L2 on a network</b> (scikit-learn's <i>alpha</i>): the tutorial trains the same MLP with "
    "alpha 0 and 0.01. <b>On this data both reach train 1.0000 / test 0.8700: the penalty does not "
    "change test accuracy at 0.01</b>, it is too weak to matter here. Try a much larger alpha of "
    "your own.")


# ------------------------------------------------------------------ jobs (run on workers)
def fits_job():
    """Import scikit-learn off the main thread and compute what does not depend on sliders."""
    yield from ()
    sweep = R.alpha_sweep(SWEEP_ALPHAS)
    paths = {kind: R.coefficient_paths(kind, SWEEP_ALPHAS) for kind in ("ridge", "lasso")}
    return {"sweep": sweep, "paths": paths}


def mlp_job(alphas):
    """The tutorial's MLPs, with BLAS limited to one thread while each network trains.

    A multi-threaded BLAS in scikit-learn's MLP was up to 10x slower on this 2-core machine
    (shared with the GUI thread and other runs). engine.blas scans the native libraries once,
    under a lock: scanning them from a worker while another thread imports scikit-learn
    crashed the process.
    """
    gen = R.mlp_l2_comparison(alphas=alphas)
    try:
        from engine.blas import single_threaded
    except ImportError:  # a checkout without engine.blas: run without the limit
        return (yield from gen)
    return (yield from single_threaded(gen))


def dropout_job(rate, setup, speed):
    gen = OF.dropout_comparison(rate=rate, **setup)
    result = yield from paced(gen, None if speed >= SPEED.maximum else 2.0 * speed)
    return result


@dataclass(frozen=True)
class WhatIf:
    """An epoch after the stop, from the same run continued without early stopping."""
    epoch: int
    train_loss: float
    val_loss: float
    val_acc: float | None


def stopping_job(data, patience, min_delta, restore_best, what_if, epochs, speed):
    """StoppingEpoch events (paced), then the StoppingSummary as an event the moment the run
    ends, then (optionally) WhatIf events for the epochs early stopping skipped (unpaced)."""
    if data == DATA_SIMULATED:
        gen = OF.simulated_early_stopping(patience=patience, min_delta=min_delta)
    else:
        gen = OF.early_stopping_run(patience=patience, min_delta=min_delta, restore_best=restore_best,
                                    epochs=epochs)
    summary = yield from paced(gen, None if speed >= SPEED.maximum else float(speed))
    yield summary
    if what_if and summary.stop_epoch is not None:
        if data == DATA_SIMULATED:
            train, val = ES.simulated_curves()
            for e in range(summary.stop_epoch, len(val)):
                yield WhatIf(e, float(train[e]), float(val[e]), None)
        else:
            for r in OF.plain_run(epochs=epochs):
                if r.epoch >= summary.stop_epoch:
                    yield WhatIf(r.epoch, r.train_loss, r.val_loss, r.val_acc)
    return summary


class RegularizationPanel(TopicPanel):
    title = "Regularization"
    penalties_drawn = Signal()   # bars and table show the current sliders' fit
    fits_ready = Signal()        # sweep and paths drawn
    dropout_done = Signal()
    stopping_done = Signal()
    mlp_done = Signal()
    frame_drawn = Signal()

    SECTIONS = ("penalties", "strength", "dropout", "stopping", "mlp")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.penalties: R.PenaltyComparison | None = None
        self._bar_top = 1.0
        self.fits: dict | None = None
        self._fits_ready = False
        self._refit_pending = False
        self._syncing = False
        self._enet_path: R.CoefficientPath | None = None
        self._enet_ratio: float | None = None
        self.mask_seed = 0
        self.activations = OF.example_activations((5, 10), seed=42)
        self.demo: OF.DropoutDemo | None = None
        # streamed data, redrawn at most every FRAME_MS
        self.drop_history: dict[str, list] = {label: [] for label in OF.RUN_LABELS}
        self.drop_result: OF.ComparisonResult | None = None
        self.stop_events: list[OF.StoppingEpoch] = []
        self.stop_run_settings: dict = {p.name: p.default for p in (DATA, PATIENCE, MIN_DELTA, RESTORE, WHAT_IF,
                                                                    ES_EPOCHS, SPEED)}
        self.what_if: list[WhatIf] = []
        self.stop_summary: OF.StoppingSummary | None = None
        self.mlp_events: list = []
        self.mlp_alphas: tuple = ()
        self._ran: set[str] = set()
        self._columns: list[QScrollArea] = []
        self._dirty: set[str] = set()

        self.fits_worker = self.make_worker("fits", on_finished=self._on_fits)
        self.drop_worker = self.make_worker(
            "dropout", on_event=self._on_drop_event, on_finished=self._on_drop_finished, on_busy=self._on_drop_busy,
            on_failed=self._on_drop_failed)
        self.stop_worker = self.make_worker(
            "early-stopping", on_event=self._on_stop_event, on_finished=self._on_stop_finished, on_busy=self._on_stop_busy,
            on_failed=self._on_stop_failed)
        self.mlp_worker = self.make_worker(
            "mlp", on_event=self._on_mlp_event, on_finished=self._on_mlp_finished, on_busy=self._on_mlp_busy,
            on_failed=self._on_mlp_failed)

        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_MS)
        self.frame_timer.timeout.connect(self._redraw)
        self.drop_restart = self._restart_timer(self.run_dropout)
        self.stop_restart = self._restart_timer(self.run_stopping)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_penalties(), "1 · Penalties")
        self.tabs.addTab(self._build_strength(), "2 · Strength")
        self.tabs.addTab(self._build_dropout(), "3 · Dropout")
        self.tabs.addTab(self._build_stopping(), "4 · Early stopping")
        self.tabs.addTab(self._build_mlp(), "5 · MLP + L2")
        self.tabs.currentChanged.connect(self._section_shown)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)

        self.fits_worker.start(fits_job)
        self._update_demo()
        theme().changed.connect(self._restyle)
        self._restyle()

    def _restart_timer(self, slot) -> QTimer:
        return restart_timer(self, slot, RESTART_MS)

    # ============================================================== 1. penalties
    def _build_penalties(self) -> QWidget:
        self.penalty_forms: list[ParamForm] = []
        form = self._penalty_form()
        self.penalty_form = form
        self.fit_note = rich_label("")
        self.zoom_box = QCheckBox("Zoom in on small bars")
        self.zoom_box.setToolTip("Show |coefficient| up to 3 only: the noise features' bars become visible")
        self.zoom_box.toggled.connect(self._zoom_toggled)
        scroll, col = controls_column(Lesson(LESSON_PENALTIES), group("Penalties", self.zoom_box, form),
                                      self.fit_note)
        col.addStretch(1)

        grid_w = QWidget()
        grid = QGridLayout(grid_w)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        self.bar_plots: dict[str, StyledPlot] = {}
        self.bar_items: dict[str, dict] = {}
        for i, name in enumerate(R.MODEL_NAMES):
            # the same 20 features in every plot: only the bottom row numbers them, which leaves the
            # top row's bars the room of two lines (presentation mode is short of height)
            plot = StyledPlot(name, "feature" if i >= 2 else "", "|coefficient|")
            plot.setMouseEnabled(x=False, y=False)
            plain_axes(plot, x_grid=False)
            if i < 2:
                plot.getAxis("bottom").setStyle(showValues=False)
            informative = pg.BarGraphItem(x=[0], height=[0], width=0.75, brush=INFORMATIVE, pen=pg.mkPen(None))
            noise = pg.BarGraphItem(x=[0], height=[0], width=0.75, brush=NOISE, pen=pg.mkPen(None))
            truth = pg.ScatterPlotItem(symbol="_", size=18, pen=pg.mkPen(BLACK, width=1), brush=pg.mkBrush(BLACK))
            zeros = pg.ScatterPlotItem(symbol="x", size=10, pen=pg.mkPen(GREY, width=1.5), brush=pg.mkBrush(GREY))
            for item in (informative, noise, truth, zeros):
                plot.addItem(item)
            plot.setXRange(-0.7, 19.7, padding=0)
            self.bar_plots[name] = plot
            self.bar_items[name] = {"informative": informative, "noise": noise, "truth": truth, "zeros": zeros}
            grid.addWidget(plot, i // 2, i % 2)
        legend = rich_label("&nbsp;&nbsp;".join((
            swatch(INFORMATIVE, "informative feature"), swatch(NOISE, "noise feature"),
            swatch(BLACK, "true value", "&#9644;"), swatch(GREY, "zeroed", "&times;"))))
        legend.setAlignment(Qt.AlignCenter)

        self.table = QTableWidget(4, 4)
        self.table.setHorizontalHeaderLabels(["Model", "Train R²", "Test R²", "Non-zero coefs"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.setFocusPolicy(Qt.NoFocus)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.table.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        for r, name in enumerate(R.MODEL_NAMES):
            self.table.setItem(r, 0, QTableWidgetItem(name))
            for c in range(1, 4):
                item = QTableWidgetItem("…")
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)

        plots = QWidget()
        rl = QVBoxLayout(plots)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(grid_w, 1)
        rl.addWidget(legend)
        self.penalty_split = right = QSplitter(Qt.Vertical)  # drag the table away for taller bars
        right.addWidget(plots)
        right.addWidget(self.table)
        right.setStretchFactor(0, 1)
        return self._split(scroll, right)

    def _penalty_form(self) -> ParamForm:
        form = compact(ParamForm(R.PARAMS))
        form.changed.connect(self._penalty_changed)
        self.penalty_forms.append(form)
        return form

    def _split(self, left: QScrollArea, right: QWidget) -> QSplitter:
        self._columns.append(left)
        return controls_split(left, right, CONTROLS_WIDTH)

    def penalty_values(self) -> dict:
        return self.penalty_form.values()

    @Slot(str, object)
    def _penalty_changed(self, name: str, value) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            for form in self.penalty_forms:
                if form[name].value() != value:
                    form[name].set_value(value)
        finally:
            self._syncing = False
        self.refit()
        self._update_strength_markers()

    def refit(self) -> None:
        """Refit the four models at the sliders' values (directly: about 6 ms)."""
        if not self._fits_ready:
            self._refit_pending = True  # scikit-learn is still being imported on the worker
            return
        self.penalties = R.compare_penalties(**self.penalty_values())
        self._draw_penalties()

    def _draw_penalties(self) -> None:
        res = self.penalties
        informative = np.zeros(len(res.coefs[R.MODEL_NAMES[0]]), dtype=bool)
        informative[res.informative] = True
        data = R._default_data(None)
        true_scaled = np.abs(res.true_coef * data.scaler_scale) if res.true_coef is not None else None
        x = np.arange(informative.size)
        for r, name in enumerate(R.MODEL_NAMES):
            coef = np.abs(np.asarray(res.coefs[name]))
            items = self.bar_items[name]
            items["informative"].setOpts(x=x[informative], height=coef[informative])
            items["noise"].setOpts(x=x[~informative], height=coef[~informative])
            if true_scaled is not None:
                items["truth"].setData(x[informative], true_scaled[informative])
            zero = coef <= R.NONZERO_THRESHOLD
            items["zeros"].setData(x[zero], np.zeros(int(zero.sum())))
            row = res.table.iloc[r]
            nonzero = int(row["Non-zero Coefs"])
            # the model's name as the table spells it, its alpha and the count: in the title, where
            # no bar can run into it
            # (on two lines at 18 pt: one would be wider than the plot)
            penalty = self._penalty_text(name, res.settings)
            two_lines = theme().presentation
            plot = self.bar_plots[name].getPlotItem()
            plot.setTitle(f"{name}{' ' + penalty if penalty != 'none' else ''}"
                          f"{'<br>' if two_lines else ': '}<b>{nonzero}</b> non-zero", size=f"{theme().font_pt}pt")
            # pyqtgraph gives a title row 30 px, whatever its text
            height = (2 if two_lines else 1) * QFontMetrics(theme().font()).lineSpacing() + 4
            plot.titleLabel.setMaximumHeight(height)
            plot.layout.setRowFixedHeight(0, height)
            self.table.item(r, 1).setText(f"{row['Train R2']:.6f}")
            self.table.item(r, 2).setText(f"{row['Test R2']:.6f}")
            self.table.item(r, 3).setText(str(nonzero))
        top = max(float(np.max(np.abs(c))) for c in res.coefs.values())
        if true_scaled is not None:
            top = max(top, float(true_scaled.max()))
        self._bar_top = top
        self._zoom_toggled(self.zoom_box.isChecked())
        notes = []
        if res.not_converged:
            notes.append("<i>" + ", ".join(res.not_converged) + " stopped at the iteration limit before "
                         "converging (tiny alpha): its coefficients are approximate.</i>")
        lasso = res.table.iloc[2]
        zero = np.abs(np.asarray(res.coefs[R.MODEL_NAMES[2]])) <= R.NONZERO_THRESHOLD
        noise_zero, real_zero = int((zero & ~informative).sum()), int((zero & informative).sum())
        notes.append(f"Lasso (alpha {res.settings['alpha_lasso']:g}) keeps <b>{int(lasso['Non-zero Coefs'])}</b> "
                     f"of 20 coefficients: it zeroes <b>{noise_zero}</b> of the {int((~informative).sum())} noise "
                     f"features and {real_zero} of the {int(informative.sum())} informative ones; "
                     f"test R² {lasso['Test R2']:.4f}.")
        if noise_zero < int((~informative).sum()) and real_zero == 0:
            notes.append("Drag the Lasso alpha up to zero more of the noise.")
        self.fit_note.setText("<br>".join(notes))
        self.penalties_drawn.emit()

    @Slot(bool)
    def _zoom_toggled(self, on: bool) -> None:
        top = ZOOM_TOP if on else self._bar_top * 1.08
        for name, plot in self.bar_plots.items():
            plot.setYRange(0, top, padding=0)

    @staticmethod
    def _penalty_text(name: str, settings: dict) -> str:
        if name == R.MODEL_NAMES[0]:
            return "none"
        text = f"α={settings[MODEL_ALPHA[name]]:g}"
        return text

    def table_rows(self) -> list[list[str]]:
        return [[self.table.item(r, c).text() for c in range(4)] for r in range(4)]

    @Slot(object)
    def _on_fits(self, fits: dict) -> None:
        self.fits = fits
        self._fits_ready = True
        self._refit_pending = False
        self.refit()
        self._draw_strength()
        self.fits_ready.emit()

    # ============================================================== 2. strength
    def _build_strength(self) -> QWidget:
        form = self._penalty_form()
        self.path_combo = QComboBox()
        for kind, text in PATH_KINDS.items():
            self.path_combo.addItem(text, kind)
        self.path_combo.setToolTip("Whose coefficient path to draw")
        self.path_combo.currentIndexChanged.connect(self._path_kind_changed)
        self.strength_note = rich_label("")
        self.r2_zoom = QCheckBox(f"Zoom in on R² ≥ {R2_ZOOM}")
        self.r2_zoom.setToolTip("At small alpha every model scores about 0.996: zoom in to see where test R² peaks")
        self.r2_zoom.toggled.connect(self._r2_zoom_toggled)
        scroll, col = controls_column(Lesson(LESSON_STRENGTH), group("Penalties (same as tab 1)", form,
                                                                           self.r2_zoom),
                                      group("Coefficient path of", self.path_combo), self.strength_note)
        col.addStretch(1)

        self.r2_plots: dict[str, StyledPlot] = {}
        self.r2_items: dict[str, dict] = {}
        for kind, title in (("ridge", "Ridge: R² against alpha"), ("lasso", "Lasso: R² against alpha")):
            plot = StyledPlot(title, "alpha (log scale)", "R²")
            plot.setLogMode(x=True)
            plain_axes(plot, x_grid=False)
            plain_log_ticks(plot)
            train = plot.curve(TRAIN_COLOUR, name="train")
            test = plot.curve(VAL_COLOUR, name="test")
            dots = pg.PlotDataItem([], [], pen=None, symbol="o", symbolBrush=BLACK, symbolPen=None,
                                   symbolSize=theme().marker_size)
            plot.addItem(dots)
            line = plot.vline(BLACK, movable=True)
            line.sigPositionChanged.connect(self._alpha_line_moved)
            line.setToolTip("Drag to change alpha")
            self.r2_plots[kind] = plot
            self.r2_items[kind] = {"train": train, "test": test, "dots": dots, "line": line}
        self.path_plot = StyledPlot("Coefficient path", "alpha (log scale)", "coefficient")
        self.path_plot.setLogMode(x=True)
        plain_axes(self.path_plot, x_grid=False)
        plain_log_ticks(self.path_plot)
        self.path_curves = []
        for j in range(20):
            self.path_curves.append(self.path_plot.plot([], [], connect="finite"))
        self.path_line = self.path_plot.vline(BLACK, movable=True)
        self.path_line.sigPositionChanged.connect(self._alpha_line_moved)
        self.path_line.setToolTip("Drag to change alpha")
        self.path_legend = rich_label("")
        self.path_legend.setAlignment(Qt.AlignCenter)

        top = QSplitter(Qt.Horizontal)
        r2_legend = ((TRAIN_COLOUR, "train", SOLID), (VAL_COLOUR, "test", SOLID), (BLACK, "current α", "&#9679;"))
        top.addWidget(with_legend(self.r2_plots["ridge"], r2_legend))
        top.addWidget(with_legend(self.r2_plots["lasso"], r2_legend))
        path_box = QWidget()
        pl = QVBoxLayout(path_box)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.path_plot, 1)
        pl.addWidget(self.path_legend)
        right = QSplitter(Qt.Vertical)
        right.addWidget(top)
        right.addWidget(path_box)
        right.setSizes([330, 370])
        return self._split(scroll, right)

    @Slot(bool)
    def _r2_zoom_toggled(self, on: bool) -> None:
        for plot in self.r2_plots.values():
            if on:
                plot.setYRange(R2_ZOOM, 1.0, padding=0.02)
            else:
                plot.enableAutoRange(axis="y")

    def path_kind(self) -> str:
        return self.path_combo.currentData()

    @Slot(int)
    def _path_kind_changed(self, _index: int) -> None:
        self._draw_path()

    def _draw_strength(self) -> None:
        if self.fits is None:
            return
        sweep = self.fits["sweep"]
        for kind in ("ridge", "lasso"):
            items = self.r2_items[kind]
            items["train"].setData(sweep["alpha"].to_numpy(), finite_or_nan(sweep[f"{kind}_train"]))
            items["test"].setData(sweep["alpha"].to_numpy(), finite_or_nan(sweep[f"{kind}_test"]))
        self._draw_path()
        self._update_strength_markers()

    def current_path(self) -> R.CoefficientPath | None:
        if self.fits is None:
            return None
        kind = self.path_kind()
        if kind != "elasticnet":
            return self.fits["paths"][kind]
        ratio = self.penalty_values()["l1_ratio"]
        if self._enet_path is None or self._enet_ratio != ratio:
            self._enet_path = R.coefficient_paths("elasticnet", SWEEP_ALPHAS, l1_ratio=ratio)  # ~5 ms
            self._enet_ratio = ratio
        return self._enet_path

    def _draw_path(self) -> None:
        path = self.current_path()
        if path is None:
            return
        informative = set(int(i) for i in R._default_data(None).informative)
        colours = iter(OKABE_ITO[:5])
        width = theme().pen_width
        legend = []
        for j, curve in enumerate(self.path_curves):
            if j in informative:
                c = next(colours)
                curve.setPen(pg.mkPen(c, width=width))
                curve.setZValue(10)
                legend.append(swatch(c, f"x{j}", "&#9644;"))
            else:
                curve.setPen(pg.mkPen(GREY, width=max(1.0, width / 2)))
                curve.setZValue(0)
            curve.setData(path.alphas, finite_or_nan(path.coefs[:, j]))
        legend.append(swatch(GREY, "15 noise features", "&#9644;"))
        self.path_legend.setText("Informative: " + "&nbsp;&nbsp;".join(legend))
        title = PATH_KINDS[path.kind] + " coefficient path"
        if path.kind == "elasticnet":
            title += f" (l1_ratio {path.l1_ratio:g})"
        self.path_plot.setTitle(title, size=f"{round(theme().font_pt * 1.15)}pt")
        self._update_strength_markers()

    def _update_strength_markers(self) -> None:
        values = self.penalty_values()
        self._syncing = True
        try:
            for kind in ("ridge", "lasso"):
                self.r2_items[kind]["line"].setValue(math.log10(values[KIND_ALPHA[kind]]))
            self.path_line.setValue(math.log10(values[KIND_ALPHA[self.path_kind()]]))
        finally:
            self._syncing = False
        if self.path_kind() == "elasticnet" and self._enet_ratio != values["l1_ratio"] and self.fits is not None:
            self._draw_path()
            return
        res = self.penalties
        if res is None:
            return
        lines = []
        for kind, name in (("ridge", R.MODEL_NAMES[1]), ("lasso", R.MODEL_NAMES[2])):
            row = res.table.iloc[R.MODEL_NAMES.index(name)]
            alpha = values[KIND_ALPHA[kind]]
            self.r2_items[kind]["dots"].setData([alpha, alpha], [row["Train R2"], row["Test R2"]])
            lines.append(f"<b>{name}</b> alpha {alpha:g}: train R² {row['Train R2']:.4f}, "
                         f"test R² {row['Test R2']:.4f}, {int(row['Non-zero Coefs'])} non-zero")
        if self.fits is not None:
            sweep = self.fits["sweep"]
            for kind in ("ridge", "lasso"):
                best = int(np.argmax(sweep[f"{kind}_test"].to_numpy()))
                lines.append(f"Best {kind} test R² on the grid: {sweep[f'{kind}_test'].iloc[best]:.4f} "
                             f"at alpha {sweep['alpha'].iloc[best]:.2g}")
        self.strength_note.setText("<br>".join(lines))

    @Slot(object)
    def _alpha_line_moved(self, line) -> None:
        if self._syncing:
            return
        if line is self.path_line:
            name = KIND_ALPHA[self.path_kind()]
        else:
            name = next(KIND_ALPHA[k] for k, items in self.r2_items.items() if items["line"] is line)
        p = R.PARAMS[name]
        alpha = min(max(10 ** line.value(), p.minimum), p.maximum)
        self.penalty_form[name].set_value(float(f"{alpha:.3g}"))

    # ============================================================== 3. dropout
    def _build_dropout(self) -> QWidget:
        self.rate_form = compact(ParamForm((OF.RATE,)))
        self.rate_form.changed.connect(self._rate_changed)
        new_mask = QPushButton("New mask")
        new_mask.setToolTip("Draw another random mask")
        new_mask.clicked.connect(self._new_mask)
        self.mask_note = rich_label("")
        self.drop_form = compact(ParamForm(tuple(OF.SETUP) + (SPEED,), {"speed": 60}))
        self.drop_form.changed.connect(self._drop_setting_changed)
        buttons, self.drop_run_button, self.drop_cancel_button = run_buttons(self.run_dropout, self.cancel_dropout)
        # the key and the result sit under the curves, three lines of fixed height (set in
        # _restyle_later): in the column the result was below the fold and made a scroll bar
        # appear at the end of the run
        self.drop_note = rich_label("")
        self.drop_note.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        self._drop_status = ""       # what the runs are doing while there is no result
        self.drop_verdict = rich_label("")
        scroll, col = controls_column(Lesson(LESSON_DROPOUT), group("Dropout", self.rate_form, new_mask,
                                                                    self.mask_note),
                                      group("Over-fitting set-up", buttons, self.drop_form),
                                      self.drop_verdict)
        col.addStretch(1)

        cmap = pg.colormap.get("CET-CBD1")  # diverging and colour-blind safe: 0 is the neutral middle
        self.heatmaps: dict[str, dict] = {}
        heat_row = QSplitter(Qt.Horizontal)
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
        heat_row.addWidget(heat_box)
        self.means_plot = StyledPlot("Row means", "sample", "mean")
        self.means_plot.setMouseEnabled(x=False, y=False)
        plain_axes(self.means_plot, x_grid=False)
        self.mean_bars = {}
        legend = []
        for i, (key, colour, text) in enumerate((("before", BLUE, "before"), ("after", ORANGE, "one mask"),
                                                 ("average", GREEN, "mean of 10,000 masks"),
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
        heat_row.addWidget(means_box)
        heat_row.setSizes([520, 380])

        self.drop_loss_plot = StyledPlot("Loss", "epoch", "cross-entropy")
        self.drop_acc_plot = StyledPlot("Accuracy", "epoch", "accuracy")
        plain_axes(self.drop_loss_plot, self.drop_acc_plot)
        self.drop_curves = {}
        for label, colour in RUN_COLOURS.items():
            self.drop_curves[label] = {
                "train_loss": self.drop_loss_plot.curve(colour, name=f"{label}: train", style=Qt.DashLine),
                "val_loss": self.drop_loss_plot.curve(colour, name=f"{label}: validation"),
                "train_acc": self.drop_acc_plot.curve(colour, name=f"{label}: train", style=Qt.DashLine),
                "val_acc": self.drop_acc_plot.curve(colour, name=f"{label}: validation"),
            }
        train_split = QSplitter(Qt.Horizontal)
        train_split.addWidget(self.drop_loss_plot)
        train_split.addWidget(self.drop_acc_plot)
        train_row = QWidget()
        tl = QVBoxLayout(train_row)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(train_split, 1)
        tl.addWidget(self.drop_note)
        self.drop_split = right = QSplitter(Qt.Vertical)
        right.addWidget(heat_row)
        right.addWidget(train_row)
        right.setSizes([320, 380])
        return self._split(scroll, right)

    @Slot(str, object)
    def _rate_changed(self, _name, _value) -> None:
        self._update_demo()
        self._schedule(self.drop_restart, "dropout")

    @Slot()
    def _new_mask(self) -> None:
        self.mask_seed += 1
        self._update_demo()

    def _update_demo(self) -> None:
        rate = self.rate_form.values()["rate"]
        self.demo = d = OF.dropout_demo(self.activations, rate, rng=self.mask_seed)
        # one colour scale for both, set by the input: the rescaled survivors come out darker
        top = float(np.max(np.abs(d.activations))) or 1.0
        rows, cols = d.activations.shape
        for key, data in (("before", d.activations), ("after", d.dropped)):
            item = self.heatmaps[key]
            item["image"].setImage(data, levels=(-top, top))
            item["image"].setRect(pg.QtCore.QRectF(-0.5, -0.5, cols, rows))
            item["plot"].setRange(xRange=(-0.5, cols - 0.5), yRange=(-0.5, rows - 0.5), padding=0)
        dropped_r, dropped_c = np.nonzero(~d.keep)
        self.heatmaps["after"]["crosses"].setData(dropped_c, dropped_r)
        x = np.arange(rows)
        for key, (bars, i) in self.mean_bars.items():
            values = {"before": d.row_means_before, "after": d.row_means_after, "average": d.row_means_average,
                      "unscaled": d.row_means_average_unscaled}[key]
            bars.setOpts(x=x + (i - 1.5) * 0.2, height=values)
        self.means_plot.setXRange(-0.6, rows - 0.4, padding=0)
        if self.drop_result is None:
            self._show_drop_note()
        gap_one = np.max(np.abs(d.row_means_after - d.row_means_before))
        gap_avg = np.max(np.abs(d.row_means_average - d.row_means_before))
        self.mask_note.setText(
            f"p = {rate:g}: {int((~d.keep).sum())} of {d.keep.size} units dropped (&times;), the others "
            f"multiplied by {1 / (1 - rate):.3g}. Largest change of a row mean: "
            f"<b>{gap_one:.3f}</b> with this mask, <b>{gap_avg:.3f}</b> averaged over {d.n_masks:,} masks.")

    def drop_settings(self) -> tuple[float, dict, int]:
        values = self.drop_form.values()
        speed = values.pop("speed")
        return self.rate_form.values()["rate"], values, speed

    @Slot(str, object)
    def _drop_setting_changed(self, name, _value) -> None:
        if name == "speed":
            return
        self._schedule(self.drop_restart, "dropout")

    def _schedule(self, timer: QTimer, section: str) -> None:
        """Restart a section's run after a parameter change, if it has run or is running."""
        if section in self._ran:
            timer.start()

    @Slot()
    def run_dropout(self) -> None:
        self.drop_restart.stop()
        rate, setup, speed = self.drop_settings()
        for label in OF.RUN_LABELS:
            self.drop_history[label] = []
        self.drop_result = None
        self._ran.add("dropout")
        self._dirty.add("dropout")
        self._drop_status = "training…"
        self._show_drop_note()
        self.drop_verdict.setText("")
        self.drop_worker.start(dropout_job, rate, setup, speed)
        self._redraw()

    @Slot()
    def cancel_dropout(self) -> None:
        self.drop_restart.stop()
        if self.drop_worker.busy:
            self.drop_worker.cancel()
            n = len(self.drop_history[OF.RUN_LABELS[0]])
            self._drop_status = f"cancelled after {n} epochs (Run starts again)"
            self._show_drop_note()

    @Slot(object)
    def _on_drop_event(self, event: OF.RunEpoch) -> None:
        self.drop_history[event.run].append(event.result)
        self._mark_dirty("dropout")

    @Slot(object)
    def _on_drop_finished(self, result: OF.ComparisonResult) -> None:
        self.drop_result = result
        for label, run in result.runs.items():
            self.drop_history[label] = list(run.history)
        self._dirty.add("dropout")
        self._redraw()
        self._show_drop_note()
        plain, drop = (result.runs[label].history[-1] for label in OF.RUN_LABELS)
        finals = "; ".join(f"{self._run_name(label, result.rate)} {fmt(h.val_loss)} / {fmt(h.val_acc)}"
                           for label, h in zip(OF.RUN_LABELS, (plain, drop)))
        verdict = (" The accuracies differ much less than the losses: without dropout the network is mostly "
                   "<i>over-confident</i> on the examples it gets wrong, which the loss punishes and accuracy "
                   "does not see." if abs(plain.val_acc - drop.val_acc) < 0.03 else "")
        self.drop_verdict.setText(f"Last epoch, validation loss / accuracy: {finals}.{verdict}")
        self.dropout_done.emit()

    @staticmethod
    def _run_name(label: str, rate: float) -> str:
        return label if label == "no dropout" else f"dropout p={rate:g}"

    def _show_drop_note(self) -> None:
        """The key of the training curves with each run's result (or what it is doing): one
        line a run, then the line styles. Short words in presentation mode, to stay on one line."""
        result = self.drop_result
        rate = result.rate if result is not None else self.rate_form.values()["rate"]
        short = theme().presentation
        lines = []
        for label in OF.RUN_LABELS:
            name = swatch(RUN_COLOURS[label], "<b>" + self._run_name(label, rate) + "</b>")
            if result is None:
                lines.append(f"{name}: {self._drop_status}" if self._drop_status else name)
                continue
            run = result.runs[label]
            lines.append(f"{name}: {'lowest val. loss' if short else 'lowest validation loss'} "
                         f"<b>{fmt(run.best_val_loss)}</b> (epoch {run.best_epoch}), "
                         f"{'test acc.' if short else 'test accuracy'} <b>{fmt(result.test_accuracy[label], 2)}</b>")
        lines.append("solid: validation, dashed: training (with dropout on)")
        self.drop_note.setText("<br>".join(lines))

    @Slot(bool)
    def _on_drop_busy(self, busy: bool) -> None:
        self.drop_cancel_button.setEnabled(busy)
        self.drop_run_button.setText("Restart" if busy else "Run")
        self._frame_timer_update()

    def drop_points(self, label: str = "no dropout") -> int:
        x, _ = self.drop_curves[label]["val_loss"].getData()
        return 0 if x is None else len(x)

    # ============================================================== 4. early stopping
    def _build_stopping(self) -> QWidget:
        self.stop_form = compact(ParamForm((DATA, PATIENCE, MIN_DELTA, RESTORE, WHAT_IF, ES_EPOCHS, SPEED),
                                           {"speed": 15}))
        self.stop_form.changed.connect(self._stop_setting_changed)
        self.stop_form["data"].editor.setSizeAdjustPolicy(QComboBox.AdjustToContents)  # short choices: never cut
        buttons, self.stop_run_button, self.stop_cancel_button = run_buttons(self.run_stopping, self.cancel_stopping)
        self.stop_live = rich_label("")
        self.stop_note = rich_label("")
        scroll, col = controls_column(Lesson(LESSON_STOPPING), group("Early stopping", buttons, self.stop_form),
                                      self.stop_live, self.stop_note)
        col.addStretch(1)

        self.stop_plot = StyledPlot("", "epoch", "loss")
        plain_axes(self.stop_plot)
        self.stop_train = self.stop_plot.curve(TRAIN_COLOUR, name="training loss")
        self.stop_val = self.stop_plot.curve(VAL_COLOUR, name="validation loss")
        # both continuations solid, as the legend shows them (the grey training curve stays near 0,
        # the grey validation curve climbs: they cannot be confused)
        self.after_train = self.stop_plot.curve(GREY, name="training, had it continued", width=0.6)
        self.after_val = self.stop_plot.curve(GREY, name="validation, had it continued", width=0.8)
        self.window_region = pg.LinearRegionItem((0, 0), movable=False, brush=pg.mkBrush(*WINDOW_RGBA),
                                                 pen=pg.mkPen(None))
        self.window_region.setZValue(-5)
        self.window_region.setVisible(False)
        self.stop_plot.addItem(self.window_region)
        self.best_line = self.stop_plot.vline(GREEN, style=Qt.DashLine, label="best")
        self.stop_line = self.stop_plot.vline(STOP_COLOUR, style=Qt.SolidLine, label="stop")
        for line, position in ((self.best_line, 0.97), (self.stop_line, 0.78)):
            line.label.setPosition(position)  # at different heights: the two lines are often close
            line.label.anchors = [(0, 0), (0, 0)]
            line.label.fill = pg.mkBrush(255, 255, 255, 170)
        self.best_dot = pg.ScatterPlotItem(size=theme().marker_size * 1.6, brush=pg.mkBrush(GREEN),
                                           pen=pg.mkPen("w", width=1.5))
        self.best_dot.setZValue(20)
        self.stop_plot.addItem(self.best_dot)
        self.best_line.setVisible(False)
        self.stop_line.setVisible(False)
        self.stop_acc_plot = StyledPlot("Validation accuracy", "epoch", "accuracy")
        plain_axes(self.stop_acc_plot)
        self.stop_acc = self.stop_acc_plot.curve(VAL_COLOUR, name="validation accuracy")
        self.after_acc = self.stop_acc_plot.curve(GREY, width=0.8)
        self.stop_acc_plot.setXLink(self.stop_plot)
        right = QSplitter(Qt.Vertical)
        right.addWidget(with_legend(self.stop_plot, (
            (TRAIN_COLOUR, "training loss", SOLID), (VAL_COLOUR, "validation loss", SOLID),
            (GREY, "had training continued", SOLID), (GREEN, "best epoch", DASHED), (STOP_COLOUR, "stop", SOLID),
            (on_white(WINDOW_RGBA), "patience window", BOX))))
        right.addWidget(self.stop_acc_plot)
        right.setSizes([470, 230])
        return self._split(scroll, right)

    def stop_settings(self) -> dict:
        return self.stop_form.values()

    @Slot(str, object)
    def _stop_setting_changed(self, name, _value) -> None:
        if name == "speed":
            return
        if name == "data":
            simulated = self.stop_settings()["data"] == DATA_SIMULATED
            self.stop_acc_plot.setVisible(not simulated)
            set_param_enabled(self.stop_form["restore_best"], not simulated)
            set_param_enabled(self.stop_form["epochs"], not simulated)
        self._schedule(self.stop_restart, "stopping")

    @Slot()
    def run_stopping(self) -> None:
        self.stop_restart.stop()
        s = self.stop_settings()
        self.stop_events = []
        self.stop_summary = None
        self.what_if: list[WhatIf] = []
        self._ran.add("stopping")
        self._dirty.add("stopping")
        self.stop_note.setText("")
        self.what_if = []
        self.stop_run_settings = s
        self.stop_worker.start(stopping_job, s["data"], s["patience"], s["min_delta"], s["restore_best"],
                               s["what_if"], s["epochs"], s["speed"])
        self._redraw()

    @Slot()
    def cancel_stopping(self) -> None:
        self.stop_restart.stop()
        if self.stop_worker.busy:
            self.stop_worker.cancel()
            self.stop_note.setText(f"Cancelled after {len(self.stop_events)} epochs. Press Run to start again.")

    @Slot(object)
    def _on_stop_event(self, event) -> None:
        if isinstance(event, OF.StoppingEpoch):
            self.stop_events.append(event)
        elif isinstance(event, WhatIf):
            self.what_if.append(event)
        else:
            self._show_stop_summary(event)
        self._mark_dirty("stopping")

    @Slot(object)
    def _on_stop_finished(self, summary: OF.StoppingSummary) -> None:
        self._dirty.add("stopping")
        self._redraw()
        self.stopping_done.emit()

    def _show_stop_summary(self, summary: OF.StoppingSummary) -> None:
        self.stop_summary = s = summary
        if s.stop_epoch is not None:
            text = f"<b>Stopped at epoch {s.stop_epoch}</b>; best epoch {s.best_epoch} " \
                   f"(validation loss {fmt(s.best_val_loss, 4)})."
        else:
            text = f"Early stopping never fired: all {s.last_epoch + 1} epochs ran; best epoch {s.best_epoch}."
        if s.simulated:
            text += "<br>A simulated curve has no weights to restore."
            if s.stop_epoch == 36:
                text += " As in the tutorial, training stops at epoch 36."
        else:
            which = f"restored weights of epoch {s.best_epoch}" if s.restored else "final weights"
            text += (f"<br><b>The {which}</b>: validation loss {fmt(s.final_val_loss, 4)}, validation "
                     f"accuracy {fmt(s.final_val_acc)}, test accuracy {fmt(s.final_test_acc, 2)}.")
            if s.restored:
                text += (f"<br>Epoch {s.last_epoch} (the last one) had validation loss {fmt(s.last_val_loss, 4)}, "
                         f"accuracy {fmt(s.last_val_acc)}.")
                if s.last_val_acc is not None and s.final_val_acc is not None and s.last_val_acc > s.final_val_acc:
                    text += (" <i>Accuracy kept creeping up while the loss rose: the loss also punishes "
                             "over-confident mistakes. Early stopping on the loss picks the best-calibrated "
                             "network, not necessarily the most accurate one.</i>")
        if s.stop_epoch is not None and self.stop_settings()["what_if"]:
            text += "<br>Grey: the same run continued without early stopping."
        self.stop_note.setText(text)

    @Slot(bool)
    def _on_stop_busy(self, busy: bool) -> None:
        self.stop_cancel_button.setEnabled(busy)
        self.stop_run_button.setText("Restart" if busy else "Run")
        self._frame_timer_update()

    def stop_points(self) -> int:
        x, _ = self.stop_val.getData()
        return 0 if x is None else len(x)

    # ============================================================== 5. MLP + L2
    def _build_mlp(self) -> QWidget:
        self.mlp_form = compact(ParamForm((MY_ALPHA,)))
        self.mlp_form.changed.connect(self._mlp_setting_changed)
        buttons, self.mlp_run_button, self.mlp_cancel_button = run_buttons(self.run_mlp, self.cancel_mlp)
        self.mlp_note = rich_label("")
        scroll, col = controls_column(Lesson(LESSON_MLP), group("MLPClassifier (100, 50)",
                                                                buttons, self.mlp_form), self.mlp_note)
        col.addStretch(1)
        # an axis label makes the axis reserve room for its 18 pt ticks in presentation mode
        self.mlp_plot = StyledPlot("MLP accuracy by L2 penalty", "L2 alpha", "accuracy")
        self.mlp_plot.setMouseEnabled(x=False, y=False)
        plain_axes(self.mlp_plot, x_grid=False)
        self.mlp_bars = {
            "train": pg.BarGraphItem(x=[0], height=[0], width=0.35, brush=TRAIN_COLOUR, pen=pg.mkPen(None),
                                     name="train accuracy"),
            "test": pg.BarGraphItem(x=[0], height=[0], width=0.35, brush=VAL_COLOUR, pen=pg.mkPen(None),
                                    name="test accuracy"),
        }
        for bars in self.mlp_bars.values():
            bars.setVisible(False)
            self.mlp_plot.addItem(bars)
        self.mlp_plot.setYRange(0, 1.08, padding=0)
        self.mlp_labels: list[pg.TextItem] = []
        self.mlp_table = QTableWidget(0, 5)
        self.mlp_table.setHorizontalHeaderLabels(["alpha", "Train acc", "Test acc", "Iterations", "Seconds"])
        self.mlp_table.verticalHeader().setVisible(False)
        self.mlp_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.mlp_table.setSelectionMode(QAbstractItemView.NoSelection)
        self.mlp_table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.mlp_table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.mlp_table.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(with_legend(self.mlp_plot, ((TRAIN_COLOUR, "train accuracy", BOX),
                                                 (VAL_COLOUR, "test accuracy", BOX))), 1)
        rl.addWidget(self.mlp_table)
        return self._split(scroll, right)

    @Slot(str, object)
    def _mlp_setting_changed(self, _name, _value) -> None:
        if "mlp" in self._ran:
            self.run_mlp()

    @Slot()
    def run_mlp(self) -> None:
        mine = self.mlp_form.values()["alpha"]
        self.mlp_alphas = MLP_ALPHAS + ((mine,) if mine not in MLP_ALPHAS else ())
        self.mlp_events = []
        self._ran.add("mlp")
        self.mlp_note.setText(f"Training {len(self.mlp_alphas)} networks (about 0.2 s each)…")
        self.mlp_table.setRowCount(len(self.mlp_alphas))
        for r, alpha in enumerate(self.mlp_alphas):
            self.mlp_table.setItem(r, 0, QTableWidgetItem(f"{alpha:g}"))
            for c in range(1, 5):
                item = QTableWidgetItem("…")
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.mlp_table.setItem(r, c, item)
        self._fit_table_height(self.mlp_table)
        self._draw_mlp()
        self.mlp_worker.start(mlp_job, self.mlp_alphas)

    @Slot()
    def cancel_mlp(self) -> None:
        if self.mlp_worker.busy:
            self.mlp_worker.cancel()
            self.mlp_note.setText(f"Cancelled after {len(self.mlp_events)} of {len(self.mlp_alphas)} networks.")

    @Slot(object)
    def _on_mlp_event(self, event) -> None:
        self.mlp_events.append(event)
        r = event.index
        for c, text in enumerate((f"{event.train_accuracy:.4f}", f"{event.test_accuracy:.4f}", str(event.n_iter),
                                  f"{event.seconds:.2f}"), start=1):
            self.mlp_table.item(r, c).setText(text)
        self._draw_mlp()

    def _draw_mlp(self) -> None:
        n = len(self.mlp_events)
        x = np.arange(n, dtype=float)
        for key, offset in (("train", -0.19), ("test", 0.19)):
            heights = [getattr(e, f"{key}_accuracy") for e in self.mlp_events]
            self.mlp_bars[key].setOpts(x=x + offset, height=heights)
            self.mlp_bars[key].setVisible(n > 0)
        for label in self.mlp_labels:
            self.mlp_plot.removeItem(label)
        self.mlp_labels = []
        for e in self.mlp_events:
            for key, offset in (("train", -0.19), ("test", 0.19)):
                value = getattr(e, f"{key}_accuracy")
                label = pg.TextItem(f"{value:.2f}", color=BLACK, anchor=(0.5, 1.0))  # 100 test samples
                label.setFont(theme().font(0.9))
                label.setPos(e.index + offset, value)
                self.mlp_plot.addItem(label)
                self.mlp_labels.append(label)
        ticks = [(i, f"{a:g}") for i, a in enumerate(self.mlp_alphas)]
        self.mlp_plot.getAxis("bottom").setTicks([ticks])
        self.mlp_plot.setXRange(-0.6, max(len(self.mlp_alphas), 1) - 0.4, padding=0)

    @Slot(object)
    def _on_mlp_finished(self, table) -> None:
        by_alpha = {e.alpha: e for e in self.mlp_events}
        a, b = by_alpha.get(0.0), by_alpha.get(0.01)
        text = ""
        if a is not None and b is not None:
            same = a.test_accuracy == b.test_accuracy
            text = (f"alpha 0: train {a.train_accuracy:.4f} / test {a.test_accuracy:.4f}; alpha 0.01: train "
                    f"{b.train_accuracy:.4f} / test {b.test_accuracy:.4f}. ")
            text += ("<b>On this data the L2 penalty at 0.01 does not change test accuracy</b> (the tutorial's "
                     "comparison shows no effect, not a benefit)." if same else
                     f"The penalty changed test accuracy by {b.test_accuracy - a.test_accuracy:+.2f}.")
        mine = [e for e in self.mlp_events if e.alpha not in MLP_ALPHAS]
        if mine and a is not None:
            e = mine[0]
            text += (f"<br>Your alpha {e.alpha:g}: train {e.train_accuracy:.4f} / test {e.test_accuracy:.4f} "
                     f"({e.test_accuracy - a.test_accuracy:+.2f} test accuracy against no penalty, "
                     f"one split of 100 test samples: ±0.01 is one sample).")
        not_conv = [f"{e.alpha:g}" for e in self.mlp_events if not e.converged]
        if not_conv:
            text += f"<br><i>alpha {', '.join(not_conv)} stopped at the 500-iteration limit.</i>"
        self.mlp_note.setText(text)
        self.mlp_done.emit()

    @Slot(bool)
    def _on_mlp_busy(self, busy: bool) -> None:
        self.mlp_cancel_button.setEnabled(busy)
        self.mlp_run_button.setText("Restart" if busy else "Run")

    # ============================================================== failures (also in the status bar)
    @Slot(str)
    def _on_drop_failed(self, message: str) -> None:
        self._drop_status = "the run failed (see below the controls)"
        self._show_drop_note()
        self.drop_verdict.setText(f"<b>The run failed:</b> {message}")

    @Slot(str)
    def _on_stop_failed(self, message: str) -> None:
        self.stop_note.setText(f"<b>The run failed:</b> {message}")

    @Slot(str)
    def _on_mlp_failed(self, message: str) -> None:
        self.mlp_note.setText(f"<b>The run failed:</b> {message}")

    # ============================================================== drawing streams
    def _mark_dirty(self, section: str) -> None:
        self._dirty.add(section)
        if not self.frame_timer.isActive():
            self.frame_timer.start()

    def _frame_timer_update(self) -> None:
        if self.drop_worker.busy or self.stop_worker.busy:
            if not self.frame_timer.isActive():
                self.frame_timer.start()
        else:
            self.frame_timer.stop()
            self._redraw()

    @Slot()
    def _redraw(self) -> None:
        if "dropout" in self._dirty:
            self._draw_dropout_curves()
        if "stopping" in self._dirty:
            self._draw_stopping()
        drew = bool(self._dirty)
        self._dirty.clear()
        if drew:
            self.frame_drawn.emit()

    def _draw_dropout_curves(self) -> None:
        for label, history in self.drop_history.items():
            epochs = np.arange(len(history))
            curves = self.drop_curves[label]
            for key, curve in curves.items():
                curve.setData(epochs, finite_or_nan([getattr(e, key) for e in history]))
        epochs = self.drop_settings()[1]["epochs"]
        for plot in (self.drop_loss_plot, self.drop_acc_plot):
            plot.setXRange(0, epochs, padding=0.02)

    def _draw_stopping(self) -> None:
        events = self.stop_events
        epochs = np.arange(len(events))
        self.stop_train.setData(epochs, finite_or_nan([e.train_loss for e in events]))
        self.stop_val.setData(epochs, finite_or_nan([e.val_loss for e in events]))
        self.stop_acc.setData(epochs, finite_or_nan([np.nan if e.val_acc is None else e.val_acc for e in events]))
        after = self.what_if
        ax = [w.epoch for w in after]
        self.after_train.setData(ax, finite_or_nan([w.train_loss for w in after]))
        self.after_val.setData(ax, finite_or_nan([w.val_loss for w in after]))
        self.after_acc.setData(ax, finite_or_nan([np.nan if w.val_acc is None else w.val_acc for w in after]))
        s = self.stop_run_settings
        # the whole run's epochs from the start: an axis that grows makes the curves jump sideways
        last_epoch = (SIMULATED_EPOCHS if s["data"] == DATA_SIMULATED else s["epochs"]) - 1
        self.stop_plot.setXRange(0, last_epoch, padding=0.02)
        last = events[-1] if events else None
        if last is None or last.best_epoch is None:
            self.stop_plot.setTitle("Early stopping", size=f"{round(theme().font_pt * 1.15)}pt")
            self.best_line.setVisible(False)
            self.best_dot.setData([], [])
            self.window_region.setVisible(False)
            self.stop_line.setVisible(False)
            self.stop_live.setText("")
            return
        b = last.best_epoch
        self.best_line.setValue(b)
        self.best_line.label.setFormat(f"best: {b}" if last.should_stop else f"best so far: {b}")
        self.best_line.setVisible(True)
        self.best_dot.setData([b], [last.best_loss])
        if last.window is not None:
            self.window_region.setRegion((b, last.epoch))
            self.window_region.setVisible(True)
        else:
            self.window_region.setVisible(False)
        self.stop_line.setVisible(last.should_stop)
        if last.should_stop:
            self.stop_line.setValue(last.epoch)
            self.stop_line.label.setFormat(f"stop: {last.epoch}")
        counter = f"{last.counter} / {last.patience}"
        self.stop_plot.setTitle(f"Epoch {last.epoch}: no improvement for {counter}" +
                                (" → stop" if last.should_stop else ""), size=f"{round(theme().font_pt * 1.15)}pt")
        why = ""
        gap = last.best_loss - last.val_loss
        if last.counter > 0 and gap > 0:
            # lower than the best, yet not counted: say so, or it looks like a bug
            why = f" (better by only {gap:.4f} &le; min delta {s['min_delta']:g})"
        self.stop_live.setText(
            f"Epoch <b>{last.epoch}</b>: validation loss {last.val_loss:.4f}; best {last.best_loss:.4f} at epoch "
            f"{b}; epochs without improvement <b>{counter}</b>{why}" +
            (" &rarr; <b>stop</b>" if last.should_stop else ""))

    # ============================================================== panel API
    @Slot(int)
    def _section_shown(self, index: int) -> None:
        section = self.SECTIONS[index]
        if section in self._ran:
            return
        if section == "dropout":
            self.run_dropout()
        elif section == "stopping":
            self.run_stopping()
        elif section == "mlp":
            self.run_mlp()

    def run_defaults(self) -> None:
        """The fits (if not done yet) and every training run with the current settings."""
        if not self._fits_ready and not self.fits_worker.busy:
            self.fits_worker.start(fits_job)
        self.run_dropout()
        self.run_stopping()
        self.run_mlp()

    def is_idle(self) -> bool:
        return super().is_idle() and not self.drop_restart.isActive() and not self.stop_restart.isActive()

    def cancel(self) -> None:
        self.cancel_dropout()
        self.cancel_stopping()
        self.cancel_mlp()
        super().cancel()

    def shutdown(self) -> None:
        self.frame_timer.stop()
        self.drop_restart.stop()
        self.stop_restart.stop()
        super().shutdown()

    @staticmethod
    def _fit_table_height(table: QTableWidget) -> None:
        table.resizeRowsToContents()
        height = table.horizontalHeader().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(height)

    @Slot()
    def _restyle(self) -> None:
        QTimer.singleShot(0, self, self._restyle_later)

    @Slot()
    def _restyle_later(self) -> None:
        # after the new application font has reached every widget
        for scroll in self._columns:
            fit_column(scroll, MIN_CONTROLS_WIDTH[theme().presentation], MAX_CONTROLS_WIDTH[theme().presentation],
                       fit_combos=True)
        self._fit_table_height(self.table)
        self._fit_table_height(self.mlp_table)
        total = sum(self.penalty_split.sizes())
        if total > self.table.height():  # the plots take all the height the table does not need
            self.penalty_split.setSizes([total - self.table.height(), self.table.height()])
        # the dropout result: a header and two rows, the same height while running and after
        self.drop_note.setFixedHeight(3 * self.drop_note.fontMetrics().lineSpacing() + 6)
        self._show_drop_note()
        total = sum(self.drop_split.sizes())
        if total > 0:  # the training curves are the main event: at 18 pt they get the larger share
            top = round(total * (0.42 if theme().presentation else 0.45))
            self.drop_split.setSizes([top, total - top])
        for line in (self.best_line, self.stop_line):
            line.label.setFont(theme().font())
        size = theme().marker_size
        self.best_dot.setSize(size * 1.6)
        for items in self.r2_items.values():
            items["dots"].setSymbolSize(size)
        for item in self.bar_items.values():
            item["truth"].setSize(size * 2.2)
            item["zeros"].setSize(size * 1.3)
        self.heatmaps["after"]["crosses"].setSize(size * 1.25)
        for name in R.MODEL_NAMES[:2]:  # no x tick values: room for the half of the y axis' "0" below its tick
            self.bar_plots[name].getAxis("bottom").setHeight(theme().font_pt)
        for name in R.MODEL_NAMES[2:]:  # 18 pt leaves the bars little height: the numbers say "feature"
            self.bar_plots[name].getAxis("bottom").showLabel(not theme().presentation)
        if self.penalties is not None:
            self._draw_penalties()
        self._draw_path()
        self._update_demo()
        if self.mlp_events:
            self._draw_mlp()
        self._draw_stopping()
