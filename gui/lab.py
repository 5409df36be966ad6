"""The Section model: one class for every sub-tab of every topic.

A :class:`Section` is a sub-tab with instant results. It declares

- ``key`` (its module's name), ``title`` (the tab's text) and ``lesson`` (foldable HTML);
- ``params``: engine :class:`~engine.params.Param` declarations, from which its forms are built,
  and ``initial``: the values it starts with where they differ from the Params' defaults
  (together: :meth:`tutorial_values`, the tutorial's set-up);
- ``key_params``: the 2-3 parameters that stay visible when the controls are folded away;
- :meth:`plots` and :meth:`tables`: what it shows, for export and reports.

Its state is :meth:`values` / :meth:`set_values` (validated by the Params first: a bad value
raises ``ValueError`` naming it and nothing changes). A subclass implements :meth:`build` (make
its forms with :meth:`make_form`, its plots, and lay them out with :meth:`set_body`) and
:meth:`on_change` (what a changed parameter redraws).

A :class:`RunSection` streams an engine generator. It adds only :meth:`RunSection.job` (the
generator, called on the worker thread: it must not touch widgets), :meth:`RunSection.on_event`
(store an event), :meth:`RunSection.draw` (redraw what was stored) and
:meth:`RunSection.show_result` (the summary). The base owns the worker, the restart debounce,
the adaptive frame timer, Run/Cancel (Run reads "Restart" while busy), the busy state and the
failure sentence.

A topic with sub-tabs is a :class:`~gui.section_panel.SectionPanel`: a list of section classes in tabs.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QLayout, QPushButton, QVBoxLayout, QWidget

from engine.params import Param
from gui.params import ParamForm, ParamWidget
from gui.pins import PinBoard
from gui.predict import PredictHooks, Predictor
from gui.theme import theme
from gui.runs import Run
from gui.stage import StageFold
from gui.turns import PlotTurns, lecture_hall
from gui.widgets import Lesson, compact as compact_form, controls_column, controls_split, fit_column, lesson_label
from gui.worker import Worker, owned_worker


def refresh_layout(section: QWidget) -> None:
    """Drop the sizes a hidden sub-tab's layout cached: Qt lays out only visible widgets, and the
    stale minimum of a hidden tab (sized for the other mode's fonts) kept the window too tall."""
    if section.isVisible():
        return   # Qt keeps a shown tab's layout up to date itself
    for widget in section.findChildren(QWidget):
        widget.updateGeometry()     # (clears the size its parent's layout item cached)
    for layout in section.findChildren(QLayout) + ([section.layout()] if section.layout() else []):
        layout.invalidate()
    section.updateGeometry()


class Section(QWidget, PredictHooks):
    """A sub-tab with instant results (see the module's docstring); ``prediction`` and its hooks: gui/predict.py."""
    key = ""
    title = ""
    lesson = ""
    params: tuple[Param, ...] = ()
    initial: dict[str, Any] = {}
    key_params: tuple[str, ...] = ()
    # the controls column's (minimum, maximum) width, normal and presentation mode: the plots come first
    column_widths = {False: (360, 400), True: (400, 430)}
    fit_combos = True
    column_frame = True              # a frame around the controls column
    column_scroll_bar_always = True  # its vertical scroll bar always shown (False: when needed)
    fold_lesson = True               # the lesson under a fold button (False: a plain paragraph)

    changed = Signal(str, object)   # a parameter changed (after the section reacted)
    status = Signal(str)            # a sentence for the status bar
    drawn = Signal()                # the plots show the current state

    def __init__(self, parent=None):
        super().__init__(parent)
        self.panel = parent
        self.forms: list[ParamForm] = []
        self._workers: list[Worker] = []
        self.runs: list[Run] = []   # every Run made for this section registers here
        self.lesson_box = None
        if self.lesson:
            self.lesson_box = Lesson(self.lesson) if self.fold_lesson else lesson_label(self.lesson)
        self.controls_scroll = None
        self.split = None
        self.pins = PinBoard(self)   # pinned runs (gui/pins.py): a streaming section's Run row shows its buttons
        self.tutorial_button = self._tutorial_button()
        self.turns: list[PlotTurns] = []   # plots that take turns in the lecture hall (plot_turns)
        # predict, then reveal: its buttons join the Run row made by _setup() or build()
        self.predictor = Predictor(self) if self.prediction is not None else None
        self._setup()
        self.build()
        if self.predictor is not None:
            self.predictor.attach()
        placed = [name for form in self.forms for name in form.widgets]
        missing = [p.name for p in self.params if p.name not in placed]
        if missing or len(placed) != len(set(placed)):
            raise TypeError(f"{type(self).__name__}: every param in exactly one form (missing: {missing})")
        for turns in self.turns:
            turns.place()
        self.stage_fold = StageFold(self)   # the stage view: the column folds to key params + Run (gui/stage.py)

    def plot_turns(self, *pages: tuple[str, QWidget]) -> PlotTurns:
        """``pages`` (title, widget; the first the main one), laid out side by side or stacked at the
        desk, take turns on a tab bar in presentation mode and the stage view (gui/turns.py). The
        bar goes above the widget holding them once :meth:`build` is done; :meth:`restyle` switches it."""
        turns = PlotTurns(pages)
        self.turns.append(turns)
        return turns

    def show_plot(self, plot: QWidget) -> None:
        """In the lecture hall ``plot`` may be a tab behind another: its tab to the front."""
        for turns in self.turns:
            page = next((w for _, w in turns.pages if w is plot or w.isAncestorOf(plot)), None)
            if turns.tabbed and page is not None:
                turns.show_page(page)

    def _setup(self) -> None:
        """What the base makes before build() (RunSection: its buttons and worker)."""

    def _tutorial_button(self) -> QPushButton:
        """"Tutorial values": :meth:`reset` (Ctrl+R for the current section). :meth:`set_body` puts
        it at the top of the controls column; a section laying out its own column places it there."""
        button = QPushButton("Tutorial values", self)
        button.setToolTip("Back to the tutorial's values for this section (Ctrl+R)")
        button.clicked.connect(self._tutorial_clicked)
        button.setVisible(False)   # until a layout takes it
        return button

    @Slot()
    def _tutorial_clicked(self) -> None:
        self.reset()
        self.status.emit(f"{self.title}: the tutorial's values")

    def tutorial_row(self) -> list[QWidget]:
        """The "Tutorial values" button for the top of a controls column (nothing for a section
        without values)."""
        if not self.has_values():
            return []
        self.tutorial_button.setVisible(True)
        return [self.tutorial_button]

    def has_values(self) -> bool:
        """Whether the section has anything for "Tutorial values" to reset."""
        return bool(self.params) or bool(self.values())

    # ------------------------------------------------------------ declared by a section
    def build(self) -> None:
        """Make the forms, plots and layout (called once by the constructor)."""
        raise NotImplementedError

    def on_change(self, name: str, value) -> None:
        """A parameter changed: redraw what depends on it."""

    def plots(self) -> dict[str, QWidget]:
        """The section's plots by name (for export and reports)."""
        return {}

    def tables(self) -> dict[str, Any]:
        """The section's tables by name, as pandas DataFrames (for export and reports)."""
        return {}

    def show_whole_run(self):
        """Draw the whole finished run, for a pin to copy; returns a callable that restores the
        view, or None. An animated section (the race reveals its paths step by step) overrides it."""
        return None

    def verdicts(self) -> list[str]:
        """The verdicts and summaries shown now (rich text), for reports: every Run's note."""
        return [run.note.text() for run in self.runs if run.note.text()]

    def restyle(self) -> None:
        """Called after a theme change, once the new fonts have reached every widget."""
        for turns in self.turns:
            turns.set_tabbed(lecture_hall())
        if self.controls_scroll is not None:
            lo, hi = self.stage_fold.widths(self.column_widths[theme().presentation])
            fit_column(self.controls_scroll, lo, hi, fit_combos=self.fit_combos)

    def shown(self) -> None:
        """The section's tab was shown."""

    # ------------------------------------------------------------ state
    @classmethod
    def tutorial_values(cls) -> dict[str, Any]:
        """The tutorial's set-up: every parameter's default, with ``initial`` where it differs (a
        class method: set-ups read it for topics not built yet)."""
        return {p.name: cls.initial.get(p.name, p.default) for p in cls.params}

    def values(self) -> dict[str, Any]:
        out = {}
        for form in self.forms:
            out.update(form.values())
        return out

    @classmethod
    def validate(cls, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` checked against the Params: an unknown key or a bad value raises
        ``ValueError`` naming it (a class method: set-ups check topics not built yet)."""
        declared = {p.name: p for p in cls.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            raise ValueError(f"{cls.key}: unknown parameter(s): {', '.join(unknown)}")
        return {name: declared[name].validate(value) for name, value in values.items()}

    def check_values(self, values: dict[str, Any]) -> dict[str, Any]:
        """Everything :meth:`set_values` would accept, checked without changing anything: the
        Params, and in a section holding state beyond them, that state too."""
        return self.validate(values)

    def set_values(self, values: dict[str, Any]) -> None:
        """Set some or all parameters; all are validated before any changes."""
        checked = self.validate(values)
        for name, value in checked.items():
            self.param_widget(name).set_value(value)

    def reset(self) -> None:
        """Back to the tutorial's values."""
        self.set_values(self.tutorial_values())

    def param_widget(self, name: str) -> ParamWidget:
        for form in self.forms:
            if name in form.widgets:
                return form.widgets[name]
        raise KeyError(name)

    # ------------------------------------------------------------ building blocks
    def make_form(self, names=None, compact: bool = True) -> ParamForm:
        """A form of the named params (default: all of them), starting at the tutorial's values."""
        chosen = self.params if names is None else tuple(p for p in self.params if p.name in names)
        form = ParamForm(chosen, self.tutorial_values())
        form.changed.connect(self._param_changed)
        form.rejected.connect(self.status)      # a typed value out of range: the status bar says why
        self.forms.append(form)
        return compact_form(form) if compact else form

    def set_body(self, controls, plots: QWidget, stretch: bool = True) -> None:
        """The lesson and ``controls`` in a scrolling column on the left, ``plots`` on the right."""
        widgets = self.tutorial_row() + ([self.lesson_box] if self.lesson_box is not None else []) + list(controls)
        self.controls_scroll, column = controls_column(*widgets, frame=self.column_frame,
                                                       always_scroll_bar=self.column_scroll_bar_always)
        if stretch:
            column.addStretch(1)
        self.split = controls_split(self.controls_scroll, plots, self.column_widths[False][0])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.split)

    def make_worker(self, name: str, on_event=None, on_finished=None, on_failed=None, on_busy=None) -> Worker:
        """An extra worker owned by this section (stopped with it), its signals connected to the
        given ``@Slot`` methods. Failures reach the status bar as well."""
        return owned_worker(self, f"{self.key}-{name}", self._workers, on_event, on_finished, on_failed, on_busy)

    def workers(self) -> list[Worker]:
        return list(self._workers)

    # ------------------------------------------------------------ life cycle
    def run_defaults(self) -> None:
        """Start the section's default computation (the smoke run waits for is_idle())."""

    def is_idle(self) -> bool:
        return not any(w.busy for w in self._workers) and all(run.is_idle() for run in self.runs)

    @Slot()
    def cancel(self) -> None:
        for run in self.runs:
            run.cancel()      # says "Cancelled after ..." where a run was busy
        for w in self._workers:
            w.cancel()
        if self.predictor is not None:
            self.predictor.cancel()      # a prediction in progress is dropped too

    def shutdown(self) -> None:
        for run in self.runs:
            run.stop_timers()
        for w in self._workers:
            w.shutdown()

    @Slot(str, object)
    def _param_changed(self, name: str, value) -> None:
        self.on_change(name, value)
        self.changed.emit(name, value)


class RunSection(Section):
    """A sub-tab that streams one engine generator (see the module's docstring): a Section with
    one :class:`Run` whose job, event store, drawing and summary are this class's methods."""
    frame_ms = 16          # the shortest interval between redraws while a run streams
    max_frame_ms = 250
    frame_cost_factor = 6  # adaptive: the interval is this many times the last redraw's cost
    restart_ms = 150       # a parameter dragged during a run restarts it once the drag pauses
    live_params: tuple[str, ...] = ()   # changes that take effect without a restart (e.g. speed)
    auto_run = True        # run the first time the tab is shown

    done = Signal(object)   # the run's result, after show_result()

    def _setup(self) -> None:
        self.runner = Run(self, "run", self.job, on_start=self.started, on_event=self.on_event, draw=self.draw,
                          show_result=self.show_result, show_cancelled=self.show_cancelled,
                          show_failure=self.show_failure, frame_ms=self.frame_ms, max_frame_ms=self.max_frame_ms,
                          frame_cost_factor=self.frame_cost_factor, restart_ms=self.restart_ms)
        self.runner.done.connect(self.done)
        self.runner.drawn.connect(self.drawn)
        self.run_row, self.run_button, self.cancel_button = (self.runner.button_row, self.runner.run_button,
                                                             self.runner.cancel_button)
        self.note = self.runner.note
        self.worker = self.runner.worker
        self.frame_timer = self.runner.frame_timer
        self.restart_timer = self.runner.restart_timer

    # the run's state, read by tests and by the cross-cutting features
    @property
    def ran(self) -> bool:
        return self.runner.ran

    @property
    def result(self):
        return self.runner.result

    @property
    def events(self) -> list:
        return self.runner.events

    # ------------------------------------------------------------ declared by a run section
    def job(self, **values):
        """The engine generator for these values. Runs on the worker thread: no widgets here."""
        raise NotImplementedError

    def started(self, values: dict) -> None:
        """A run is starting with ``values``: clear what the last one drew."""

    def on_event(self, event) -> None:
        """An event arrived (already in ``self.events``): store derived data (drawing happens in
        draw(), at most once a frame)."""

    def draw(self) -> None:
        """Redraw the plots from what was stored."""

    def show_result(self, result) -> None:
        """The run ended with ``result``: show its summary."""

    def show_cancelled(self) -> None:
        self.note.setText(f"Cancelled after {len(self.events)} steps (Run starts again).")

    def show_failure(self, message: str) -> None:
        self.note.setText(f"<b>The run failed:</b> {message}")

    def on_live_change(self, name: str, value) -> None:
        """A live parameter changed (it does not restart the run)."""

    # ------------------------------------------------------------ behaviour
    def on_change(self, name: str, value) -> None:
        if name in self.live_params:
            self.on_live_change(name, value)
        else:
            self.runner.schedule_restart()

    def shown(self) -> None:
        if self.auto_run and not self.ran:
            self.run()

    def run_defaults(self) -> None:
        self.run()

    @Slot()
    def run(self) -> None:
        self.runner.start()
