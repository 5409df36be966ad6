"""The race's hyper-parameter map: its group box in the controls column (which optimizer, which
hyper-parameter against the learning rate, the lr range and size, Compute map / Cancel, Hide map,
the verdict) and its plot beside the convergence plot (from Compute map to Hide map).

The map is computed on its own worker (``engine.hyper_map.map_job``, a :class:`gui.runs.Run` of
the race section: progress, Cancel, the failure sentence), from the race's surface, start, steps
and the mapped optimizer's other hyper-parameters; once computed, changing any of those
recomputes it. A click on a cell sets that optimizer's learning rate and hyper-parameter (and
takes it into the race), and the race plays from step 0 with them.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QGroupBox, QPushButton, QSplitter, QVBoxLayout, QWidget

from engine.hyper_map import MAP_PARAMS, MAPPABLE, HyperparameterMap, MapRows, map_job
from engine.surfaces import OPTIMIZER_PARAMS
from gui.panels.optimizers.map_plot import MapPlot
from gui.runs import Run
from gui.turns import lecture_hall
from gui.widgets import lesson_label, set_text

MAP_NAMES = tuple(p.name for p in MAP_PARAMS)
HINT = ("Every cell is a whole race of one optimizer: its final f − f* (log colours; grey ×: diverged) for one "
        "learning rate and one value of its other hyper-parameter. Click a cell to race with it.")


class MapView(QObject):
    """The map's controls (``box``), plot (``plot``) and run (``run``) for the race section."""

    def __init__(self, section):
        super().__init__(section)
        self.section = section
        self.form = section.make_form(MAP_NAMES, compact=True)
        self.run = Run(section, "map", map_job, values=self.job_values, on_start=self._started,
                       on_event=self._event, draw=self._draw, show_result=self._result,
                       show_cancelled=self._cancelled, run_text="Compute map", restart_text="Recompute",
                       restart_ms=300)
        self.plot = MapPlot()
        self.plot.setVisible(False)
        self.plot.cell.connect(self._cell_clicked)
        self.box = QGroupBox("Hyper-parameter map")
        self.box.setToolTip("The final f − f* of one optimizer for a grid of learning rates and values of "
                            "its other hyper-parameter")
        self.hint = lesson_label(HINT)
        self.hide_button = QPushButton("Hide map")
        self.hide_button.setToolTip("Take the map away from beside the paths (Compute map brings it back)")
        self.hide_button.clicked.connect(self.hide)
        lay = QVBoxLayout(self.box)
        lay.setContentsMargins(6, 2, 6, 2)
        # the Compute map row stays in the stage view's strip (gui/stage.py); the rest folds away
        for w in (self.hint, self.form, self.run.button_row, self.hide_button, self.run.note):
            lay.addWidget(w)
        self.shown = False             # whether the map is shown (from Compute map to Hide map)
        self.result: HyperparameterMap | None = None
        self.mapped: tuple[str, str] | None = None    # (optimizer, param) of the map shown
        self._rows: list[MapRows] = []
        self._done = 0.0
        self._play_next = False
        section.done.connect(self._race_done)

    # ------------------------------------------------------------ the job
    def job_values(self) -> dict:
        v = self.section.values()
        name = v["map_optimizer"]
        hyper = {p.name.split(".", 1)[1]: v[p.name] for p in OPTIMIZER_PARAMS[name][1:]}
        return dict(surface=self.section.surface, optimizer=name, hyper=hyper, map_param=v["map_param"],
                    map_lr_from=v["map_lr_from"], map_lr_to=v["map_lr_to"], map_size=v["map_size"],
                    steps=v["steps"], start=(v["start_x"], v["start_y"]))

    def _started(self, values: dict) -> None:
        if not self.shown:
            self.shown = True
            self.sync_plot(front=True)
            self.section.refresh_side()
        self.result = None
        self.mapped = (values["optimizer"], values["map_param"])
        self._rows, self._done = [], 0.0
        self.plot.clear()

    def _event(self, event: MapRows) -> None:
        self._rows.append(event)
        self._done = event.done

    def _draw(self) -> None:
        rows, self._rows = self._rows, []
        for event in rows:
            if self.plot.lrs is None:
                name, param = self.mapped
                steps = self.section.values()["steps"]
                self.plot.start(event.lrs, event.values, param, f"{name}: f − f* after {steps} steps",
                                event.start_gap)
                self._show_current()
            if len(event.gaps):
                self.plot.show_rows(event.first, event.gaps)
        if self.run.busy:
            set_text(self.run.note, f"Computing the map… {self._done:.0%}")

    def _result(self, result: HyperparameterMap) -> None:
        self.result = result
        self.plot.show_best(result.best())
        noise = self.section.values()["noise"]
        extra = (f" <i>(computed without the race's gradient noise σ = {noise:g})</i>" if noise > 0 else "")
        self.run.note.setText(html.escape(result.verdict()) + extra)

    def _cancelled(self) -> None:
        done = int(round(self._done * 100))
        self.run.note.setText(f"Map cancelled at {done}% (Compute map starts it again).")

    # ------------------------------------------------------------ changes
    @Slot()
    def hide(self) -> None:
        self.run.cancel()
        self.shown = False
        self.sync_plot()
        self.section.refresh_side()

    def sync_plot(self, front: bool = False) -> None:
        """The plot beside the paths while the map is shown; in presentation mode and the stage view
        it is the "Map" tab (``front``: brought to the front, when a map starts)."""
        turns = self.section.turns[0]
        turns.set_page_visible(self.plot, self.shown)
        if front and self.shown and turns.tabbed:
            turns.show_page(self.plot)

    def race_changed(self, name: str, value) -> None:
        """A race value changed: fix the mapped parameter to one the optimizer has, move the star,
        recompute a map whose inputs changed."""
        values = self.section.values()
        if name == "map_optimizer" and values["map_param"] not in MAPPABLE[value]:
            self.form["map_param"].set_value(MAPPABLE[value][0])   # (reports its own change)
            return
        mapped = values["map_optimizer"]
        if name in (f"{mapped}.lr", f"{mapped}.{values['map_param']}"):
            self._show_current()
        elif name in MAP_NAMES or name in ("surface", "steps", "start_x", "start_y") or name.startswith(mapped + "."):
            if self.shown:
                self.run.schedule_restart()

    def _show_current(self) -> None:
        if self.mapped is None:
            return
        name, param = self.mapped
        v = self.section.values()
        self.plot.show_current(v[f"{name}.lr"], v[f"{name}.{param}"])

    @Slot(int, int)
    def _cell_clicked(self, i: int, j: int) -> None:
        name, param = self.mapped
        lr, value = float(self.plot.lrs[j]), float(self.plot.values[i])
        new = {name: True, f"{name}.lr": lr, f"{name}.{param}": value}
        before = self.section.values()
        self.section.status.emit(f"{name}: lr {lr:g}, {param} {value:g} (from the map): the race starts again.")
        if all(before[k] == v for k, v in new.items()) and self.section.paths:
            self._play()
            return
        self._play_next = True
        self.section.set_values(new)

    @Slot(object)
    def _race_done(self, _race) -> None:
        if self._play_next:
            self._play_next = False
            self._play()

    def _play(self) -> None:
        transport = self.section.transport
        transport.set_frame(0)
        transport.play()


def side_splitter(*widgets: QWidget) -> QSplitter:
    """The column right of the contour plot: the convergence plot, the explanation and the map,
    one above the other (hidden ones take no room)."""
    split = QSplitter(Qt.Vertical)
    split.setChildrenCollapsible(False)
    for w in widgets:
        split.addWidget(w)
    return split


SIDE_SHARES = (1.0, 1.3, 1.5)   # the convergence plot, the explanation, the map: their shares of the column


def refresh_side(split: QSplitter, outer: QSplitter) -> None:
    """Hide the column when nothing in it is shown (in the stage view the convergence plot is a
    tab); when what it shows changes, share its height out again, and give the paths (``outer``'s
    first widget) 60 % of the width."""
    shown = tuple(not split.widget(i).isHidden() for i in range(split.count()))
    split.setVisible(any(shown))
    vertical = lecture_hall()   # on a projector the column goes under the paths (its text needs the width)
    if (shown, vertical) != getattr(split, "shown", None):
        split.shown = (shown, vertical)
        outer.setOrientation(Qt.Vertical if vertical else Qt.Horizontal)
        if any(shown) and outer.count() == 2:
            room = max(outer.height() if vertical else outer.width(), 400)
            main = 0.62 if vertical else 0.6
            sizes = [int(room * main), int(room * (1 - main))]
            outer.setSizes(sizes)
            # a splitter lays out a child shown again later, with no room for it: once more after that
            QTimer.singleShot(0, outer, lambda: outer.setSizes(sizes))
        total = max(split.height(), 300)
        weights = [share if on else 0.0 for share, on in zip(SIDE_SHARES, shown)]
        if sum(weights):
            split.setSizes([int(total * w / sum(weights)) for w in weights])
