"""The race: optimizers on a 2-D loss surface, step by step.

The engine computes every path at once on the worker (``engine.surfaces.race_job``, through the
RunSection's worker: a changed parameter restarts it at once, ``restart_ms = 0``); the section
then reveals the paths frame by frame, so play, pause, single steps back and forth and scrubbing
are all free. Changing a hyper-parameter recomputes the paths and keeps the current step.

Its parameters are the engine's race parameters (``engine.surfaces.RACE_PARAMS``: the surface,
steps, noise, seed, the start point, and per optimizer its switch ``"SGD"`` and hyper-parameters
``"SGD.lr"``) plus the animation's speed. Three of them are shown by widgets of the lab's own
rather than a form (see :mod:`gui.panels.optimizers.bound`): the surface's combo box (it lists the
surfaces by title), each optimizer box's check, and the start point (a click on the contour plot).
The combo's last entry, "Custom…", races on the ``formula`` typed in a line edit
(:mod:`gui.panels.optimizers.custom_surface`).

Two views hang off the race: "Explain" on an optimizer's row (:mod:`~gui.panels.optimizers.explain`:
its update rule with the numbers of the current step, arrows at its point) and the hyper-parameter
map (:mod:`~gui.panels.optimizers.map_view`, a second Run of this section), both in the column
right of the paths.
"""
from __future__ import annotations

import html
import json

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from engine import contours as C
from engine import surfaces as S
from engine.explain import EXPLAIN
from engine.hyper_map import MAP_PARAMS
from engine.params import Param
from engine.surfaces import OPTIMIZER_PARAMS, Race
from gui.lab import RunSection
from gui.live_text import LiveText
from gui.panels.optimizers.bound import Bound, BoundForm
from gui.panels.optimizers.custom_surface import FormulaEdit, in_view
from gui.panels.optimizers.explain import Explainer
from gui.panels.optimizers.map_view import MAP_NAMES, MapView, refresh_side, side_splitter
from gui.panels.optimizers.optimizer_box import COLOURS, OptimizerBox
from gui.panels.optimizers.race_plots import RacePlots
from gui.panels.optimizers.transport import Transport
from gui.predict import REVEALING, Prediction
from gui.resources import resource_path
from gui.widgets import lesson_label

SPEED = Param("speed", "speed (steps/s)", 20, kind="int", minimum=1, maximum=240,
              help="How many optimizer steps the animation shows per second.")
TUTORIAL_OPTIMIZERS = ("SGD", "Momentum", "Adam")
ORDER = TUTORIAL_OPTIMIZERS + tuple(n for n in OPTIMIZER_PARAMS if n not in TUTORIAL_OPTIMIZERS)


def load_presets() -> dict:
    """Per surface, the steps and hyper-parameters that make it instructive (resources/optimizer_presets.json)."""
    with open(resource_path("optimizer_presets.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    data.pop("_comment", None)
    return data


def preset_values(presets: dict, key: str) -> dict:
    """A surface's preset as race values ({"steps": 50, "SGD.lr": 0.05, ...})."""
    preset = presets.get(key, {})
    values = {"steps": preset.get("steps", S.STEPS.default)}
    for name, hyper in preset.get("optimizers", {}).items():
        values.update({f"{name}.{k}": v for k, v in hyper.items()})
    return values


PRESETS = load_presets()


class RaceSection(RunSection):
    key = "race"
    title = "Optimizers"
    params = S.RACE_PARAMS.params + (SPEED, EXPLAIN) + MAP_PARAMS
    initial = {**preset_values(PRESETS, S.SURFACE.default), **{name: True for name in TUTORIAL_OPTIMIZERS}}
    key_params = ("surface", "SGD.lr", "Momentum.lr", "Adam.lr", "noise")   # the tutorial's three racers
    live_params = ("speed", EXPLAIN.name) + MAP_NAMES   # the map recomputes itself (map_view.py)
    restart_ms = 0   # a race takes milliseconds: follow a dragged slider at once
    column_widths = {False: (360, 420), True: (480, 520)}   # the plots come first
    fit_combos = False
    # the race is computed at once and revealed by its animation: a changed parameter recomputes it
    prediction = Prediction("paths", "point", "Click where {target} ends", you="you predicted {target} ends at {p}",
                            happened="it ended at {o}", missing="{target} diverged", decimals=2, hold=False)

    def build(self) -> None:
        self.presets = PRESETS
        values = self.tutorial_values()
        self.surface = S.race_surface(values["surface"], values["formula"], values["view"])
        self.start = [values["start_x"], values["start_y"]]
        self.paths: dict = {}
        self.problems: dict = {}
        self.background_key: str | None = None
        self.bg_worker = self.make_worker("contours", on_finished=self._on_background)

        own = BoundForm()   # the parameters this section shows by widgets of its own
        self.surface_combo = QComboBox()
        for key, surf in S.SURFACES.items():
            self.surface_combo.addItem(surf.title, key)
        self.surface_combo.addItem("Custom…", S.CUSTOM)
        self.surface_combo.setToolTip("The function the optimizers minimise. Switching also loads learning rates "
                                      "that make that surface instructive.")
        own.add(Bound(S.SURFACE, self.surface_combo.currentData,
                      lambda key: self.surface_combo.setCurrentIndex(self.surface_combo.findData(key)),
                      self.surface_combo))
        self.surface_combo.currentIndexChanged.connect(self._surface_picked)
        self.view_form = self.make_form(("view",))
        self.formula_edit = FormulaEdit(values["formula"], self._formula_surface)
        self.formula_edit.accepted.connect(self._formula_typed)
        own.add(Bound(S.FORMULA, self.formula_edit.text, self._set_formula, self.formula_edit))
        for i, param in enumerate((S.START_X, S.START_Y)):
            own.add(Bound(param, lambda i=i: self.start[i], lambda v, i=i: self._move_start(i, v)))
        self.formula_label = QLabel()
        self.formula_label.setWordWrap(True)
        self.lesson_text = lesson_label("")
        self.start_label = QLabel()
        self.start_label.setWordWrap(True)
        surface_box = QGroupBox("Loss surface")
        sl = QVBoxLayout(surface_box)
        for w in (self.surface_combo, self.formula_edit, self.view_form, self.formula_label, self.lesson_text,
                  self.start_label):
            sl.addWidget(w)

        run_box = QGroupBox("Run")
        self.run_form = self.make_form(("steps", "noise", "seed", "speed"), compact=False)
        run_layout = QVBoxLayout(run_box)
        run_layout.addWidget(self.run_form)
        # the race recomputes by itself: its Run row keeps Pin and Predict / Reveal (they stay in the stage view)
        self.run_button.hide()
        self.cancel_button.hide()
        run_layout.addWidget(self.run_row)

        self.boxes: dict[str, OptimizerBox] = {}
        for name in ORDER:
            names = [p.name for p in OPTIMIZER_PARAMS[name][1:]]
            box = OptimizerBox(name, self.make_form(names, compact=False), values[name])
            own.add(Bound(OPTIMIZER_PARAMS[name][0], box.isChecked, box.setChecked))
            box.toggled.connect(lambda on, name=name: self._own_changed(name, on))
            self.boxes[name] = box
        self.forms.append(own)

        self.race_plots = RacePlots()
        self.race_plots.clicked.connect(self._contour_clicked)
        self.race_plots.hovered.connect(self._contour_hovered)
        # on a projector the paths get the whole room; the convergence plot is the next tab
        self.explainer = Explainer(self)   # "Explain" on each optimizer's row, its text and arrows
        own.add(self.explainer.bound)
        self.map_view = MapView(self)      # the hyper-parameter map: a box in the column, a plot beside
        self.side = side_splitter(self.race_plots.convergence, self.explainer.widget, self.map_view.plot)
        self.race_plots.addWidget(self.side)
        # on a projector the paths get the whole room; the convergence plot and the map are the next tabs
        self.plot_turns(("Paths", self.race_plots.contour), ("Convergence", self.race_plots.convergence),
                        ("Map", self.map_view.plot))
        self.race_plots.setSizes([560, 400])
        self.cursor_label = QLabel()
        self.cursor_label.setToolTip("The loss under the mouse pointer")
        self.transport = Transport(lambda: self.run_form["speed"].value())
        self.transport.moved.connect(self.draw_frame)
        self.transport.bind_keys(self)
        # the legend: each optimizer's colour, current loss and position, new every frame
        self.summary = LiveText(steady=True)   # numbers of changing widths must not re-lay out the window
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.race_plots, 1)
        for w in (self.cursor_label, self.transport, self.summary):
            rl.addWidget(w)
        self.set_body([surface_box, run_box, *self.boxes.values(), self.map_view.box], right)
        self._show_surface()
        self.run()

    # ------------------------------------------------------------ the section's declarations
    def plots(self) -> dict:
        return {"paths": self.race_plots.contour, "convergence": self.race_plots.convergence}

    def tables(self) -> dict:
        return {"race": Race(self.paths, self.problems).table()}

    def show_whole_run(self):
        self.race_plots.draw(self.paths, self.transport.last)   # a pin keeps the whole paths
        return self.draw_frame

    def verdicts(self) -> list[str]:
        return ([self.summary.text()] if self.summary.text() else []) + (
            [self.map_view.run.note.text()] if self.map_view.result is not None else [])

    def set_values(self, values: dict) -> None:
        """As Section's, but the formula and its view, then the surface first: a new surface loads its preset
        and its start, which the other values given may then override."""
        checked = self.validate(values)
        first = {"formula": 0, "view": 0, "surface": 1}
        super().set_values(dict(sorted(checked.items(), key=lambda item: first.get(item[0], 2))))

    # ------------------------------------------------------------ predict, then reveal (gui/predict.py)
    def prediction_targets(self) -> list:
        return [(name, COLOURS[name]) for name in ORDER if self.boxes[name].isChecked()]

    def prediction_outcome(self, target: str):
        path = self.paths.get(target)
        return None if path is None or path.diverged_at is not None else tuple(path.points[-1])

    def prediction_hide(self) -> None:
        """The race rewinds to its start and the transport locks until Reveal."""
        self.transport.pause()
        self.transport.set_frame(0)
        self.transport.set_locked(True)
        self.predictor.on_restore(lambda: self.transport.set_locked(False))

    def prediction_reveal(self) -> None:
        self.transport.set_frame(0)
        self.transport.play()

    def prediction_reveal_done(self) -> bool:
        return False     # the animation's last frame is (draw_frame)

    def job(self, speed, explain, map_optimizer, map_param, map_lr_from, map_lr_to, map_size, **values):
        return S.race_job(**values)   # (the map's values are the map's job's: map_view.py)

    def show_result(self, race: Race) -> None:
        for name, why in race.problems.items():
            self.status.emit(f"{name} left out: {why}")
        self._show_race(race)

    def show_cancelled(self) -> None:
        """The race is recomputed at the next change: nothing to say."""

    def on_change(self, name: str, value) -> None:
        if name == "surface":
            self._load_surface(value)
        elif name in ("formula", "view") and self.surface_combo.currentData() == S.CUSTOM:
            self._load_formula()
        self.map_view.race_changed(name, value)
        super().on_change(name, value)

    def on_live_change(self, name: str, value) -> None:
        if name == EXPLAIN.name:
            self.draw_frame()
            self.refresh_side()

    def refresh_side(self) -> None:
        refresh_side(self.side, self.race_plots)

    # ------------------------------------------------------------ drawing
    def _show_race(self, race: Race) -> None:
        self.paths, self.problems = race.paths, race.problems
        steps = self.run_form["steps"].value()
        self.transport.set_last(steps)
        self.race_plots.show_race(race.paths, steps, self.surface.min_value)
        self.summary.reset_height()
        self.draw_frame()

    @Slot()
    def draw_frame(self) -> None:
        k = self.transport.frame
        rows = self.race_plots.draw(self.paths, k)
        self.explainer.draw(self.paths, k)
        if self.race_plots.compact:   # two to a line (the step also reads beside the slider)
            cells = [f"<td>{row}</td>" for row in rows]
            lines = ("<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2))
            self.summary.setText("<table cellspacing='0' cellpadding='2' width='100%'>" + "".join(lines) + "</table>")
        else:
            self.summary.setText(f"<b>Step {k}</b> &nbsp; " + " &nbsp;&nbsp; ".join(rows))
        self.transport.show_frame()
        if self.predictor.state == REVEALING and k >= self.transport.last:
            self.predictor.finish()

    def restyle(self) -> None:
        super().restyle()
        self.race_plots.restyle()
        self.explainer.restyle()
        self.map_view.sync_plot()
        self.refresh_side()
        if self.paths:
            self._show_race(Race(self.paths, self.problems))

    def _show_surface(self) -> None:
        self.race_plots.show_surface(self.surface, self.start)
        custom = self.surface.key == S.CUSTOM
        self.formula_edit.setVisible(custom)
        self.view_form.setVisible(custom)
        self.formula_label.setVisible(not custom)
        self.formula_label.setText(f"<b>{html.escape(self.surface.formula)}</b>")
        self.lesson_text.setText(html.escape(self.surface.lesson))
        self._show_start()
        self.bg_worker.start(C.background_job, self.surface)

    def _show_start(self) -> None:
        x, y = self.start
        self.start_label.setText(f"Start ({x:.2f}, {y:.2f}). <i>Click the contour plot to move it.</i>")
        self.race_plots.show_start(x, y)

    # ------------------------------------------------------------ inputs
    def _own_changed(self, name: str, value) -> None:
        """A parameter shown by a widget of the section's own changed (as a form's change)."""
        self.on_change(name, value)
        self.changed.emit(name, value)

    @Slot(int)
    def _surface_picked(self, index: int) -> None:
        self._own_changed("surface", self.surface_combo.itemData(index))

    def _load_surface(self, key: str) -> None:
        self.transport.pause()
        self.surface = (self._custom_surface() or self.surface) if key == S.CUSTOM else S.get(key)
        self.paths = {}
        self.transport.frame = 0
        self.set_values({**preset_values(self.presets, key),
                         "start_x": self.surface.default_start[0], "start_y": self.surface.default_start[1]})
        self._show_surface()
        self.status.emit(f"{self.surface.title}: learning rates set to values that suit this surface.")

    @Slot(str)
    def _formula_typed(self, text: str) -> None:
        """A valid formula typed: the race follows it (the line edit already holds it)."""
        self._own_changed(S.FORMULA.name, text)

    def _set_formula(self, text: str) -> None:
        self.formula_edit.set_text(text)
        self._own_changed(S.FORMULA.name, text)

    def _formula_surface(self, text: str):
        return S.race_surface(S.CUSTOM, text, self.view_form["view"].value())

    def _custom_surface(self):
        """The formula's surface on the view set, or None with the reason under the formula (a
        formula not finite anywhere on a new view: the race then fails with the same reason)."""
        try:
            surface = self._formula_surface(self.formula_edit.text())
        except ValueError as exc:
            self.formula_edit.show_error(str(exc))
            return None
        self.formula_edit.show_error("")
        return surface

    def _load_formula(self) -> None:
        """The custom surface follows a new formula or view; the start stays where it is if it is
        still in the view with a finite value and gradient there."""
        self.transport.pause()
        surface = self._custom_surface()
        if surface is None:
            return
        self.surface = surface
        self.paths = {}
        self.transport.frame = 0
        if not in_view(self.surface, self.start):
            self.set_values({"start_x": self.surface.default_start[0], "start_y": self.surface.default_start[1]})
        self._show_surface()

    def _move_start(self, i: int, value: float) -> None:
        self.start[i] = value
        self._show_start()
        self.transport.frame = 0
        self._own_changed(S.START_Y.name if i else S.START_X.name, value)

    def set_start(self, x: float, y: float) -> None:
        """Every optimizer starts from (x, y)."""
        self.set_values({"start_x": x, "start_y": y})

    @Slot(float, float)
    def _contour_clicked(self, x: float, y: float) -> None:
        # anywhere in the plot, as its tooltip says: the locked aspect shows more than the shaded
        # square of the surface's view, and a click beside it used to be ignored
        self.set_start(*(min(max(v, p.minimum), p.maximum) for v, p in ((x, S.START_X), (y, S.START_Y))))

    @Slot(object)
    def _contour_hovered(self, point) -> None:
        if point is None:
            self.cursor_label.setText("")
            return
        x, y = point
        f = self.surface.f((x, y))   # a typed formula may be undefined (nan) or overflow there
        value = f"f = {f:.5g}" if f == f else "f is not defined here"
        self.cursor_label.setText(f"pointer ({x:.3f}, {y:.3f}): {value}   (click to start there)")

    @Slot(object)
    def _on_background(self, bg) -> None:
        self.background_key = self.surface.key
        self.race_plots.set_background(bg)

    # ------------------------------------------------------------ life cycle
    def run_defaults(self) -> None:
        """Play the current race from step 0 to the end (the smoke run waits for it), to the last
        step set even while the race is still being computed."""
        self.transport.set_last(self.run_form["steps"].value())
        self.transport.set_frame(0)
        self.transport.play()

    def is_idle(self) -> bool:
        return super().is_idle() and not self.transport.playing

    def cancel(self) -> None:
        self.transport.pause()
        super().cancel()

    def shutdown(self) -> None:
        self.transport.timer.stop()
        super().shutdown()
