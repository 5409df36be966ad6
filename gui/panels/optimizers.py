"""Optimizers lab: optimizers race on a loss surface, step by step.

The engine computes every path at once on the worker (``engine.surfaces.race``); the panel
then reveals them frame by frame, so play, pause, single steps back and forth and scrubbing
are all free. Changing a hyper-parameter recomputes the paths and keeps the current step.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSlider,
                               QSplitter, QStyle, QVBoxLayout, QWidget)

from engine import optimizers as O
from engine import surfaces as S
from engine.contours import background, square_box
from engine.params import Param
from gui.params import ParamForm
from gui.panels.base import TopicPanel
from gui.widgets import lesson_label
from gui.plots import StyledPlot
from gui.resources import resource_path
from gui.theme import OKABE_ITO, SURFACE_COLORMAP, theme

# colour of each optimizer: the tutorial's three get the most distinct colours
COLOURS = {"SGD": OKABE_ITO[0], "Momentum": OKABE_ITO[1], "Adam": OKABE_ITO[2], "Nesterov": OKABE_ITO[3],
           "AdaGrad": OKABE_ITO[4], "RMSprop": OKABE_ITO[5], "AdamW": OKABE_ITO[6]}
TUTORIAL_OPTIMIZERS = ("SGD", "Momentum", "Adam")
SPEED = Param("speed", "speed (steps/s)", 20, kind="int", minimum=1, maximum=240,
              help="How many optimizer steps the animation shows per second.")
FRAME_MS = 16  # the animation never redraws faster than a 60 Hz display
MARKERS_UP_TO = 150  # draw a dot at every step only while paths are short enough to read them
MAX_CONTROLS_WIDTH = {False: 420, True: 520}  # normal, presentation
GAP_FLOOR = 1e-16    # f - f* is drawn on a log axis: exact zeros are shown at this floor


def load_presets() -> dict:
    with open(resource_path("optimizer_presets.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    data.pop("_comment", None)
    return data


@dataclass(frozen=True)
class Race:
    paths: dict            # name -> engine.surfaces.Path
    problems: dict         # name -> why that optimizer could not run (its other paths still do)


def race_job(surface_key: str, settings: dict, start, steps: int, noise: float, seed: int):
    """Worker job: one Path event per optimizer, then the whole race as the result."""
    surface = S.get(surface_key)
    paths, problems = {}, {}
    for name, hyper in settings.items():
        try:
            optimizer = O.make(name, **hyper)
        except ValueError as exc:
            problems[name] = str(exc)
            continue
        paths[name] = S.run_path(surface, optimizer, start, steps, noise, seed, name)
        yield paths[name]
    return Race(paths, problems)


def background_job(surface_key: str):
    surface = S.get(surface_key)
    yield from ()
    # x and y share one scale, so the plot may show more than the view box: shade the square around it
    return surface_key, background(surface, box=square_box(surface.view))


class OptimizerBox(QGroupBox):
    """A check box to enable one optimizer plus the form of its hyper-parameters."""

    def __init__(self, name: str, values: dict, enabled: bool):
        super().__init__(name)
        self.name = name
        self.setCheckable(True)
        self.setChecked(enabled)
        self.restyle()
        theme().changed.connect(self.restyle)
        self.form = ParamForm(O.ALL[name].PARAMS, values)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        lay.addWidget(self.form)
        self.setToolTip(O.ALL[name].__doc__ or name)
        self.form.setVisible(enabled)
        self.toggled.connect(self.form.setVisible)  # a switched-off optimizer takes one line

    @Slot()
    def restyle(self) -> None:
        # a widget with a style sheet no longer follows QApplication.setFont, so the size is set here
        self.setStyleSheet(f"QGroupBox, QGroupBox * {{ font-size: {theme().font_pt}pt; }} "
                           f"QGroupBox::title {{ color: {COLOURS[self.name]}; font-weight: bold; }}")


class OptimizersPanel(TopicPanel):
    title = "Optimizers"
    frame_drawn = Signal(int)
    paths_ready = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.presets = load_presets()
        self.surface = S.get("quadratic")
        self.start_point = np.array(self.surface.default_start, dtype=float)
        self.paths: dict[str, S.Path] = {}
        self.problems: dict[str, str] = {}
        self.frame = 0
        self._background_key: str | None = None
        self._items: dict[str, dict] = {}
        self._gaps: dict[str, np.ndarray] = {}

        self.race_worker = self.make_worker("race", on_finished=self._on_race_finished)
        self.bg_worker = self.make_worker("contours", on_finished=self._on_background)

        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._tick)
        self._play_budget = 0.0

        self._build_ui()
        self._build_plot_items()
        self._bind_keys()
        self.recompute()
        self.bg_worker.start(background_job, self.surface.key)
        theme().changed.connect(self._restyle)

    # ---------------------------------------------------------------- layout
    def _build_ui(self) -> None:
        controls = QWidget()
        col = QVBoxLayout(controls)
        col.setContentsMargins(6, 6, 6, 6)

        surface_box = QGroupBox("Loss surface")
        sl = QVBoxLayout(surface_box)
        self.surface_combo = QComboBox()
        for key, surf in S.SURFACES.items():
            self.surface_combo.addItem(surf.title, key)
        self.surface_combo.setToolTip("The function the optimizers minimise. Switching also loads learning rates "
                                      "that make that surface instructive.")
        self.surface_combo.currentIndexChanged.connect(self._surface_changed)
        self.formula_label = QLabel()
        self.formula_label.setWordWrap(True)
        self.lesson = lesson_label("")
        self.start_label = QLabel()
        self.start_label.setWordWrap(True)
        sl.addWidget(self.surface_combo)
        sl.addWidget(self.formula_label)
        sl.addWidget(self.lesson)
        sl.addWidget(self.start_label)
        col.addWidget(surface_box)

        run_box = QGroupBox("Run")
        rl = QVBoxLayout(run_box)
        self.run_form = ParamForm((S.STEPS, S.NOISE, S.SEED, SPEED), {"steps": self.presets["quadratic"]["steps"]})
        self.run_form.changed.connect(self._run_setting_changed)
        rl.addWidget(self.run_form)
        col.addWidget(run_box)

        self.boxes: dict[str, OptimizerBox] = {}
        quad = self.presets["quadratic"]["optimizers"]
        for name in list(TUTORIAL_OPTIMIZERS) + [n for n in O.ALL if n not in TUTORIAL_OPTIMIZERS]:
            box = OptimizerBox(name, quad.get(name, {}), name in TUTORIAL_OPTIMIZERS)
            box.toggled.connect(self._enabled_changed)
            box.form.changed.connect(lambda *_: self.recompute())
            self.boxes[name] = box
            col.addWidget(box)
        col.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self._controls, self._scroll = controls, scroll
        self._fit_controls()

        self.contour = StyledPlot("Paths on the loss surface", "x", "y")
        # one unit is as long in x as in y: the tutorial's bowl must look ten times steeper in y
        self.contour.setAspectLocked(True)
        # the view is the surface's box: no auto-range button or wheel zoom to lose it (a diverged
        # path would auto-range to 1e6); a click sets the start point instead
        self.contour.setMouseEnabled(x=False, y=False)
        self.contour.hideButtons()
        self.contour.setToolTip("Click anywhere to start every optimizer from that point.")
        self.contour.scene().sigMouseClicked.connect(self._contour_clicked)
        self.contour.scene().sigMouseMoved.connect(self._contour_hovered)
        self.convergence = StyledPlot("Convergence", "step", "f − f*  (log scale)")
        self.convergence.setLogMode(y=True)
        plots = QSplitter(Qt.Horizontal)
        plots.addWidget(self.contour)
        plots.addWidget(self.convergence)
        plots.setSizes([560, 400])

        # transport bar
        icon = self.style().standardIcon
        self.reset_button = QPushButton(icon(QStyle.SP_MediaSkipBackward), "Reset")
        self.reset_button.setToolTip("Back to step 0 (Home)")
        self.reset_button.clicked.connect(lambda: self.set_frame(0))
        self.back_button = QPushButton(icon(QStyle.SP_MediaSeekBackward), "Back")
        self.back_button.setToolTip("One step back (Ctrl+Left)")
        self.back_button.clicked.connect(lambda: self.step(-1))
        self._play_icon, self._pause_icon = icon(QStyle.SP_MediaPlay), icon(QStyle.SP_MediaPause)
        self.play_button = QPushButton(self._play_icon, "Play")
        self.play_button.setToolTip("Play or pause the race (Space)")
        self.play_button.clicked.connect(self.toggle_play)
        self.step_button = QPushButton(icon(QStyle.SP_MediaSeekForward), "Step")
        self.step_button.setToolTip("One step forward (Ctrl+Right)")
        self.step_button.clicked.connect(lambda: self.step(1))
        self.end_button = QPushButton(icon(QStyle.SP_MediaSkipForward), "End")
        self.end_button.setToolTip("Jump to the last step (End)")
        self.end_button.clicked.connect(lambda: self.set_frame(self.n_frames - 1))
        self.frame_slider = QSlider(Qt.Horizontal)
        self.frame_slider.setToolTip("Drag to scrub through the steps")
        self.frame_slider.valueChanged.connect(self._scrubbed)
        self.frame_label = QLabel()
        self.frame_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)  # width set with the step count
        self.cursor_label = QLabel()
        self.cursor_label.setToolTip("The loss under the mouse pointer")
        transport = QHBoxLayout()
        for w in (self.reset_button, self.back_button, self.play_button, self.step_button, self.end_button):
            transport.addWidget(w)
        transport.addWidget(self.frame_slider, 1)
        transport.addWidget(self.frame_label)

        self.summary = QLabel()  # the legend: each optimizer's colour, current loss and position
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.RichText)

        right = QVBoxLayout()
        right.addWidget(plots, 1)
        right.addWidget(self.cursor_label)
        right.addLayout(transport)
        right.addWidget(self.summary)
        right_w = QWidget()
        right_w.setLayout(right)

        split = QSplitter(Qt.Horizontal)
        split.addWidget(scroll)
        split.addWidget(right_w)
        split.setStretchFactor(1, 1)
        split.setSizes([360, 920])
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)
        self._show_surface_text()

    def _bind_keys(self) -> None:
        for key, slot in ((Qt.Key_Space, self.toggle_play), (QKeySequence("Ctrl+Right"), lambda: self.step(1)),
                          (QKeySequence("Ctrl+Left"), lambda: self.step(-1)), (Qt.Key_Home, lambda: self.set_frame(0)),
                          (Qt.Key_End, lambda: self.set_frame(self.n_frames - 1))):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)

    def _build_plot_items(self) -> None:
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setColorMap(pg.colormap.get(SURFACE_COLORMAP))
        self.image.setOpacity(0.45)
        self.image.setZValue(-20)
        self.contour.addItem(self.image)
        self.contour_lines = pg.PlotDataItem([], [], connect="pairs", pen=pg.mkPen((60, 60, 60, 150), width=1))
        self.contour_lines.setZValue(-10)
        self.contour.addItem(self.contour_lines)
        self.minima = pg.ScatterPlotItem(symbol="star", size=22, brush=pg.mkBrush("w"), pen=pg.mkPen("k", width=1.5))
        self.minima.setZValue(5)
        self.contour.addItem(self.minima)
        self.start_marker = pg.ScatterPlotItem(symbol="o", size=16, brush=pg.mkBrush(255, 255, 255, 200),
                                               pen=pg.mkPen("k", width=2))
        self.start_marker.setZValue(6)
        self.contour.addItem(self.start_marker)
        for name in O.ALL:
            colour = COLOURS[name]
            path = self.contour.curve(colour, width=0.75)
            path.setZValue(10)
            head = pg.ScatterPlotItem(size=theme().marker_size * 1.6, brush=pg.mkBrush(colour),
                                      pen=pg.mkPen("w", width=1.5))
            head.setZValue(20)
            self.contour.addItem(head)
            cross = pg.ScatterPlotItem(symbol="x", size=26, brush=pg.mkBrush(colour), pen=pg.mkPen(colour, width=2))
            cross.setZValue(21)
            self.contour.addItem(cross)
            note = pg.TextItem("", color=colour, anchor=(0, 1), fill=pg.mkBrush(255, 255, 255, 210))
            note.setZValue(30)
            note.setFont(theme().font(bold=True))
            self.contour.addItem(note)
            conv = self.convergence.curve(colour, name=name)
            self._items[name] = {"path": path, "head": head, "cross": cross, "note": note, "conv": conv}
        self._apply_view()

    # ------------------------------------------------------------- state
    @property
    def n_frames(self) -> int:
        return self.run_form.values()["steps"] + 1

    def enabled(self) -> list[str]:
        return [name for name, box in self.boxes.items() if box.isChecked()]

    def settings(self) -> dict[str, dict]:
        return {name: self.boxes[name].form.values() for name in self.enabled()}

    def recompute(self) -> None:
        """Recompute every enabled path on the worker; the current step is kept."""
        run = self.run_form.values()
        self.race_worker.start(race_job, self.surface.key, self.settings(), self.start_point.copy(),
                               run["steps"], run["noise"], run["seed"])

    @Slot(object)
    def _on_race_finished(self, race: Race) -> None:
        paths = race.paths
        self.paths = paths
        self.problems = race.problems
        for name, why in race.problems.items():
            self.status.emit(f"{name} left out: {why}")
        steps = self.run_form.values()["steps"]
        self.frame_slider.blockSignals(True)
        self.frame_slider.setRange(0, steps)
        self.frame_slider.blockSignals(False)
        self.frame = min(self.frame, steps)
        for name, items in self._items.items():
            visible = name in paths
            for item in items.values():
                item.setVisible(visible)
            if visible:
                path = paths[name]
                items["path"].setSymbol("o" if steps <= MARKERS_UP_TO else None)
                items["path"].setSymbolSize(theme().marker_size * 0.6)
                items["path"].setSymbolBrush(COLOURS[name])
                items["path"].setSymbolPen(None)
                self._gaps[name] = np.maximum(path.losses - self.surface.min_value, GAP_FLOOR)
        self.convergence.setXRange(0, steps, padding=0.02)
        # the whole race's range from the start: the axis stays put while the curves grow
        # (and no auto-range pass per animation frame)
        if paths:
            gaps = np.concatenate([self._gaps[name] for name in paths])
            lo, hi = np.log10(gaps.min()), np.log10(gaps.max())
            self.convergence.getPlotItem().vb.enableAutoRange(y=False)
            self.convergence.setYRange(lo, hi if hi > lo else lo + 1, padding=0.05)
        self.draw_frame()
        self.paths_ready.emit()

    @Slot(object)
    def _on_background(self, result) -> None:
        key, bg = result
        if key != self.surface.key:
            return
        self._background_key = key
        x0, x1, y0, y1 = bg.xs[0], bg.xs[-1], bg.ys[0], bg.ys[-1]
        self.image.setImage(bg.shade, autoLevels=True)
        self.image.setRect(pg.QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))
        self.contour_lines.setData(bg.segments[:, 0], bg.segments[:, 1])

    def _apply_view(self) -> None:
        x0, x1, y0, y1 = self.surface.view
        self.contour.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.contour.disableAutoRange()
        m = np.array(self.surface.minima)
        self.minima.setData(m[:, 0], m[:, 1])
        self.start_marker.setData([self.start_point[0]], [self.start_point[1]])

    def _show_surface_text(self) -> None:
        self.formula_label.setText(f"<b>{self.surface.formula}</b>")
        self.lesson.setText(html.escape(self.surface.lesson))
        x, y = self.start_point
        self.start_label.setText(f"Start ({x:.2f}, {y:.2f}). <i>Click the contour plot to move it.</i>")

    # ----------------------------------------------------------- drawing
    def draw_frame(self) -> None:
        k_frame = self.frame
        (x0, x1), (y0, y1) = self.contour.getPlotItem().vb.viewRange()  # what is visible, not just the box
        rows = []
        for name, path in self.paths.items():
            items = self._items[name]
            k = min(k_frame, len(path.points) - 1)
            pts = path.points[:k + 1]
            items["path"].setData(pts[:, 0], pts[:, 1])
            items["head"].setData([pts[-1, 0]], [pts[-1, 1]])
            items["conv"].setData(np.arange(k + 1), self._gaps[name][:k + 1])
            gone = path.diverged_at is not None and k_frame >= path.diverged_at
            if gone:
                # the last sensible point, pulled just inside the view so the mark is always visible,
                # with its label turned towards the middle of the plot
                px_w, px_h = self.contour.getPlotItem().vb.viewPixelSize()
                mx, my = max(0.03 * (x1 - x0), 20 * px_w), max(0.03 * (y1 - y0), 20 * px_h)
                px = min(max(pts[-1, 0], x0 + mx), x1 - mx)
                py = min(max(pts[-1, 1], y0 + my), y1 - my)
                items["cross"].setData([px], [py])
                items["note"].setText(f"{name} diverged at step {path.diverged_at}")
                # beside the cross, never over it, and turned towards the middle of the plot
                items["note"].setAnchor((1.1 if px > (x0 + x1) / 2 else -0.1, -0.3 if py > (y0 + y1) / 2 else 1.3))
                items["note"].setPos(QPointF(px, py))
                items["note"].setVisible(True)
                rows.append(f"<span style='color:{COLOURS[name]}'><b>━━&nbsp;{name}</b></span>&nbsp;diverged&nbsp;at&nbsp;step&nbsp;"
                            f"{path.diverged_at} (lr&nbsp;{path.hyperparameters['lr']:g} is too large here)")
            else:
                items["cross"].setData([], [])
                items["note"].setVisible(False)
                loss = path.losses[k]
                rows.append(f"<span style='color:{COLOURS[name]}'><b>━━&nbsp;{name}</b></span>&nbsp;f&nbsp;=&nbsp;{loss:.4g}"
                            f"&nbsp;at&nbsp;({pts[-1, 0]:.4f},&nbsp;{pts[-1, 1]:.4f})")
        self.summary.setText(f"<b>Step {k_frame}</b> &nbsp; " + " &nbsp;&nbsp; ".join(rows))
        self.frame_slider.blockSignals(True)
        self.frame_slider.setValue(k_frame)
        self.frame_slider.blockSignals(False)
        self.frame_label.setText(f"step {k_frame} / {self.n_frames - 1}")
        # as wide as its longest text, so a growing number never re-lays out the transport bar
        self.frame_label.setMinimumWidth(self.frame_label.fontMetrics().horizontalAdvance(
            f"step {self.n_frames - 1} / {self.n_frames - 1}") + 4)
        self.frame_drawn.emit(k_frame)

    # ---------------------------------------------------------- transport
    def set_frame(self, frame: int) -> None:
        self.frame = int(min(max(frame, 0), self.n_frames - 1))
        self.draw_frame()

    def step(self, delta: int) -> None:
        self.pause()
        self.set_frame(self.frame + delta)

    def play(self) -> None:
        if self.frame >= self.n_frames - 1:
            self.frame = 0
        self._play_budget = 0.0
        self.timer.start()
        self.play_button.setText("Pause")
        self.play_button.setIcon(self._pause_icon)

    def pause(self) -> None:
        self.timer.stop()
        self.play_button.setText("Play")
        self.play_button.setIcon(self._play_icon)

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    @Slot()
    def _tick(self) -> None:
        self._play_budget += self.run_form["speed"].value() * FRAME_MS / 1000.0
        advance = int(self._play_budget)
        if advance == 0:
            return
        self._play_budget -= advance
        self.set_frame(self.frame + advance)
        if self.frame >= self.n_frames - 1:
            self.pause()

    @Slot(int)
    def _scrubbed(self, value: int) -> None:
        self.pause()
        self.set_frame(value)

    # ------------------------------------------------------------ inputs
    @Slot(str, object)
    def _run_setting_changed(self, name: str, _value) -> None:
        if name != "speed":
            self.recompute()

    @Slot(bool)
    def _enabled_changed(self, _checked: bool) -> None:
        self.recompute()

    @Slot(int)
    def _surface_changed(self, index: int) -> None:
        self.set_surface(self.surface_combo.itemData(index))

    def set_surface(self, key: str) -> None:
        if self.surface_combo.currentData() != key:
            self.surface_combo.setCurrentIndex(self.surface_combo.findData(key))  # re-enters here
            return
        self.pause()
        self.surface = S.get(key)
        self.start_point = np.array(self.surface.default_start, dtype=float)
        preset = self.presets.get(key, {})
        forms = [self.run_form] + [b.form for b in self.boxes.values()]
        for f in forms:
            f.blockSignals(True)
        self.run_form.set_values({"steps": preset.get("steps", 50)})
        for name, values in preset.get("optimizers", {}).items():
            self.boxes[name].form.set_values(values)
        for f in forms:
            f.blockSignals(False)
        self.frame = 0
        self.paths = {}
        self.contour_lines.setData([], [])
        self.image.clear()
        self._apply_view()
        self._show_surface_text()
        self.bg_worker.start(background_job, key)
        self.recompute()
        self.status.emit(f"{self.surface.title}: learning rates set to values that suit this surface.")

    def set_start(self, x: float, y: float) -> None:
        self.start_point = np.array([x, y], dtype=float)
        self.start_marker.setData([x], [y])
        self._show_surface_text()
        self.frame = 0
        self.recompute()

    def _contour_clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or event.double():
            return
        vb = self.contour.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        x0, x1, y0, y1 = self.surface.view
        if x0 <= p.x() <= x1 and y0 <= p.y() <= y1:
            self.set_start(p.x(), p.y())

    def _contour_hovered(self, scene_pos) -> None:
        vb = self.contour.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            self.cursor_label.setText("")
            return
        p = vb.mapSceneToView(scene_pos)
        self.cursor_label.setText(f"pointer ({p.x():.3f}, {p.y():.3f}): f = {self.surface.f((p.x(), p.y())):.5g}"
                                  "   (click to start there)")

    def _fit_controls(self) -> None:
        # the plots come first: the controls never take more than MAX_CONTROLS_WIDTH
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        cap = MAX_CONTROLS_WIDTH[theme().presentation]
        self._scroll.setMinimumWidth(min(self._controls.minimumSizeHint().width() + bar + 4, cap))

    @Slot()
    def _restyle(self) -> None:
        QTimer.singleShot(0, self, self._fit_controls)  # after the new fonts have reached every widget
        for items in self._items.values():
            items["head"].setSize(theme().marker_size * 1.6)
            items["note"].setFont(theme().font(bold=True))
        if self.paths:
            self._on_race_finished(Race(self.paths, self.problems))

    # ------------------------------------------------------- panel API
    def run_defaults(self) -> None:
        """Play the current race from step 0 to the end (the smoke run waits for it)."""
        self.set_frame(0)
        self.play()

    def is_idle(self) -> bool:
        return super().is_idle() and not self.playing

    def cancel(self) -> None:
        self.pause()
        super().cancel()

    def shutdown(self) -> None:
        self.timer.stop()
        super().shutdown()
