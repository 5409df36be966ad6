"""Predict, then reveal: the class clicks its prediction on a plot before the run plays.

Written once against the Section model. A section opts in by declaring ``prediction`` (a
:class:`Prediction`: which of its ``plots()`` the class clicks, what a click means, the words of
the verdict) and implementing ``prediction_outcome(target)`` (the true value, read from its
result). The base (gui/lab.py) then gives it a :class:`Predictor`: "Predict" and "Reveal" in the
Run row of the run named by the declaration (so they stay in the stage view's strip), the P key
(Predict, then Reveal), and Esc / the section's cancel to drop a prediction.

A round: **Predict** hides the outcome (``Section.prediction_hide``: by default every data item
of the section's plots fades to nothing, the Run's note too) and holds the run (a changed
parameter does not replay it); each click on the plot places the prediction of the current
target (a point, an x value or a y value; several targets, e.g. one per optimizer, take the
clicks in turn, and a new click moves that target's marker). **Reveal** plays the run
(``Section.prediction_reveal``: by default the Run starts) and, when it is done
(:meth:`Predictor.finish`), draws each prediction beside the outcome with its error, and says it in
words (``engine.prediction``: the judgement is the engine's).
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton

from engine import prediction as PR
from gui.predict_hide import Hiding
from gui.predict_marks import Marks
from gui.theme import REDDISH_PURPLE, theme
from gui.widgets import rich_label

IDLE, ASKING, REVEALING, REVEALED = "idle", "asking", "revealing", "revealed"
PREDICTION_COLOUR = REDDISH_PURPLE   # one unnamed target: a colour no section's curves use for an outcome
VERDICT_SCROLL_MS = 80
MARK = "&#9670;"                     # a diamond, as the markers (stars are the race's minima, crosses divergence)


LAST_EPOCHS_SHARE = 0.2   # a "where does it end" marker spans the last fifth of the epochs


def last_epochs(epochs: float) -> tuple[float, float]:
    """The span of a run's last epochs: where a "where does it end" prediction is drawn and clicked."""
    return ((1 - LAST_EPOCHS_SHARE) * epochs, epochs)


def default_targets() -> list[tuple[str, str]]:
    return [("", PREDICTION_COLOUR)]


@dataclass(frozen=True)
class Prediction:
    """What a section asks the class to predict (see the module's docstring).

    ``plot``: the key of the plot in ``Section.plots()`` the class clicks; ``kind``: "point"
    (x, y), "x" (an x value: an epoch) or "y" (a y value: an accuracy, a loss); ``ask``: the
    request, ``{target}`` the target's name ("Click where {target} ends"); ``you`` / ``happened``
    / ``missing`` / ``unit`` / ``directions`` / ``decimals``: the verdict's words (see
    :func:`engine.prediction.judge_number`); ``run``: the name of the Run that reveals it
    (RunSection's is "run"); ``hold``: a changed parameter does not restart the run while the
    class predicts (False for a section whose run only computes and whose reveal is an animation);
    ``axis``: the clicked axis's range while the class predicts (see ``PredictHooks.prediction_axis``)."""
    plot: str
    kind: str
    ask: str
    you: str
    happened: str
    missing: str = "there was nothing to compare with"
    unit: str = ""
    directions: tuple[str, str] = ("lower", "higher")
    decimals: int = 0
    run: str = "run"
    hold: bool = True
    axis: tuple[float, float] | None = None

    def __post_init__(self):
        if self.kind not in ("point", "x", "y"):
            raise ValueError(f"Prediction.kind must be 'point', 'x' or 'y', not {self.kind!r}")


class PredictHooks:
    """What a Section declares to predict, then reveal (gui/lab.py's Section inherits these defaults)."""
    prediction: Prediction | None = None   # None: the section has no Predict button

    def prediction_targets(self) -> list[tuple[str, str]]:
        """What the class predicts, as (name, colour), one click each (default: one, unnamed)."""
        return default_targets()

    def prediction_outcome(self, target: str):
        """The true value of ``target`` after the run: a number, (x, y), or None (it never happened:
        early stopping never fired, the path diverged)."""
        raise NotImplementedError

    def prediction_hide(self) -> None:
        """Hide the outcome while the class predicts (default: the plots' data and the Run's note fade out)."""
        self.predictor.fade()

    def prediction_reveal(self) -> None:
        """Play the run (default: the prediction's Run starts; its end, if prediction_reveal_done(), ends the round)."""
        self.predictor.run.start()

    def prediction_reveal_done(self) -> bool:
        return True     # False: the section calls predictor.finish() itself (the race, when its animation ends)

    def prediction_runs(self) -> list:
        """The Runs a round plays: none starts while the class predicts, and the round ends when every
        one has finished (default: the declaration's Run; the Transfer page: its sweep and its curves)."""
        return [self.predictor.run]

    def prediction_axis(self):
        """The clicked axis's (lo, hi) while the class predicts (default: the declaration's ``axis``; None:
        as it is). Not the hidden run's range: an axis fitted to the result gives the answer away."""
        return self.prediction.axis

    def prediction_span(self, target: str):
        """Where along x a kind "y" target's marker is drawn, (lo, hi) in view coordinates (a bar, the
        last epochs), or None: across the plot. A click inside one target's span predicts that target."""
        return None


class Predictor(QObject, Marks, Hiding):
    """One section's predict-reveal round (made by the Section when it declares ``prediction``)."""
    changed = Signal(str)     # the new state: idle, asking, revealing, revealed

    def __init__(self, section):
        super().__init__(section)
        self.section = section
        self.spec: Prediction = section.prediction
        self.state = IDLE
        self.run = None
        self.points: dict[str, object] = {}      # target -> predicted value (x, y) or a number
        self.scales: dict[str, float] = {}       # target -> the range the class could click in
        self.judgements: dict[str, PR.Judgement] = {}
        self.dropped: list[str] = []             # targets predicted, then no longer run (a setting changed)
        self.current = 0                         # the index of the target the next click places
        self.targets: list[tuple[str, str]] = []
        self.items: list = []                    # every marker drawn on the plot
        self.faded: list = []                    # what undoes prediction_hide: callables, run by Reveal or cancel
        self.record: tuple[str, dict] | None = None   # the last revealed verdict (plain text) and its settings
        theme().changed.connect(self._restyle)

    # the widgets are looked up, never held: a Python reference to a widget Qt owns once crashed at garbage
    # collection (see Pin's buttons in gui/pins.py)
    def _child(self, kind, name: str):
        return None if self.run is None else self.run.button_row.findChild(kind, name)

    @property
    def predict_button(self) -> QPushButton:
        return self._child(QPushButton, "predict")

    @property
    def reveal_button(self) -> QPushButton:
        return self._child(QPushButton, "reveal")

    @property
    def label(self) -> QLabel:
        """The request, then the verdict in words, under the buttons."""
        return self._child(QLabel, "prediction")

    @property
    def plot(self):
        return self.section.plots()[self.spec.plot]

    @property
    def hiding(self) -> bool:
        """The class is predicting: a section's redraw (a theme change) must not show the outcome."""
        return self.state == ASKING

    def runs(self) -> list:
        return [r for r in self.section.prediction_runs() if r is not None]

    # ------------------------------------------------------------ wiring (by gui/runs.py and gui/lab.py)
    def specs(self) -> tuple:
        return (("Predict", "Hide the outcome, then click your prediction on the plot (P); "
                            "pressed again (or Esc): cancel the prediction", self.predict_clicked),
                ("Reveal", "Play the run and compare it with your prediction (P)", self.reveal))

    def bind(self, run, predict_button, reveal_button) -> None:
        """The Run whose row holds the buttons; the sentence goes under them (it stays in the strip)."""
        self.run = run
        predict_button.setObjectName("predict")
        reveal_button.setObjectName("reveal")
        predict_button.setCheckable(True)
        reveal_button.setEnabled(False)
        label = rich_label("")
        label.setObjectName("prediction")
        label.setVisible(False)
        lay = run.button_row.layout()
        if isinstance(lay, QGridLayout):
            lay.addWidget(label, lay.rowCount(), 0, 1, lay.columnCount())
        else:
            lay.addWidget(label)

    def attach(self) -> None:
        """After the section's build(): find the plot, take its clicks, bind the P key, follow the runs."""
        self.plot.viewport().installEventFilter(self)
        key = QShortcut(QKeySequence(Qt.Key_P), self.section)
        key.setContext(Qt.WindowShortcut)   # (a hidden section's key does not match: the shown one answers)
        key.activated.connect(self.key_pressed)
        for run in self.runs():
            run.done.connect(self._run_done)
            run.stopped.connect(self._run_stopped)
        self.plot.getPlotItem().vb.sigRangeChanged.connect(self._range_changed)

    @Slot()
    def _range_changed(self, *_args) -> None:
        """A revealed round's markers stay in sight when a redraw (a theme change) sets the section's range."""
        if self.state == REVEALED:
            QTimer.singleShot(0, self, self._keep_in_view)

    @Slot()
    def _keep_in_view(self) -> None:
        if self.state == REVEALED:
            self.widen()
            self._draw_revealed()     # (the labels are kept apart in pixels: placed again)

    def holds(self, run) -> bool:
        """Whether ``run`` must not start now (the class is predicting its outcome)."""
        mine = any(run is r for r in self.runs())
        if self.state == REVEALED and mine:
            self._clear_markers()       # a new run: the old round's markers no longer belong to it
            self._set_state(IDLE)
            self._say("")
        return self.spec.hold and self.state == ASKING and mine

    # ------------------------------------------------------------ the round
    @Slot()
    def key_pressed(self) -> None:
        if self.state == ASKING and self.reveal_button.isEnabled():
            self.reveal()
        elif self.state in (IDLE, REVEALED):
            self.predict()

    @Slot()
    def predict_clicked(self) -> None:
        self.cancel() if self.state == ASKING else self.predict()

    def predict(self) -> None:
        """Hide the outcome and wait for the clicks."""
        if self.state == ASKING:
            return
        self._set_state(IDLE)
        for run in self.runs():
            if not run.is_idle():
                run.cancel()            # (a run half drawn would give the answer away)
        self._clear_markers()
        self.points, self.scales, self.judgements, self.dropped, self.current = {}, {}, {}, [], 0
        self.targets = list(self.section.prediction_targets())
        if not self.targets:                          # (the race with every optimizer unticked)
            self._set_state(IDLE)
            self.section.status.emit(f"{self.section.title}: nothing to predict (nothing will run).")
            return
        self._show_plot()
        self.section.prediction_hide()
        self.neutral_axis()
        self._set_state(ASKING)
        self._ask()
        QTimer.singleShot(VERDICT_SCROLL_MS, self, self._show_verdict)   # the request too (P from anywhere)

    def place(self, x: float, y: float) -> None:
        """A click at view coordinates (x, y): the prediction of the target whose span holds x, else of
        the current target (they take the clicks in turn)."""
        if self.state != ASKING:
            return
        index = self._target_at(x)
        index = self.current if index is None else index
        name, _colour = self.targets[index]
        kind, decimals = self.spec.kind, self.spec.decimals
        (x0, x1), (y0, y1) = self.plot.getPlotItem().vb.viewRange()
        if kind == "point":
            self.points[name] = (x, y)
            self.scales[name] = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        else:
            value = x if kind == "x" else y
            self.points[name] = round(value, decimals) if decimals else float(round(value))
            self.scales[name] = (x1 - x0) if kind == "x" else (y1 - y0)
        n = len(self.targets)
        after = [(index + k) % n for k in range(1, n + 1)]
        # the next target without a prediction (all placed: the next in turn, to move a marker again)
        self.current = next((i for i in after if self.targets[i][0] not in self.points), after[0])
        self._draw_predictions()
        self._ask()

    def _target_at(self, x: float):
        """The index of the one target whose span holds ``x`` (None: none, or several)."""
        if self.spec.kind != "y":
            return None
        hits = []
        for i, (name, _c) in enumerate(self.targets):
            span = self.section.prediction_span(name)
            if span is not None and min(span) <= x <= max(span):
                hits.append(i)
        return hits[0] if len(hits) == 1 else None

    def reveal(self) -> None:
        """Play the run; the comparison follows when it is done. Targets changed by a setting since the
        clicks (a schedule unticked, your alpha moved) are dropped, with a word, or asked for."""
        if self.state != ASKING or len(self.points) < len(self.targets):
            return
        if not self._follow_targets():
            return
        self._set_state(REVEALING)
        self._unfade()
        self._say("Revealing…")
        self.section.prediction_reveal()

    def _follow_targets(self) -> bool:
        """The round's targets as the settings now make them; False: a new one waits for its click."""
        now = list(self.section.prediction_targets())
        names = [n for n, _ in now]
        if names == [n for n, _ in self.targets]:
            return True
        for name, _c in self.targets:
            if name not in names and name in self.points:
                self.dropped.append(f"You predicted {name or 'the outcome'}, but a setting changed after your "
                                    f"click and it no longer runs: that prediction is dropped.")
                del self.points[name]
                self.scales.pop(name, None)
        self.targets = now
        missing = [i for i, (n, _c) in enumerate(now) if n not in self.points]
        self._draw_predictions()
        if not now:
            self.cancel()
            self.section.status.emit(f"{self.section.title}: nothing to predict any more (nothing will run).")
            return False
        if missing:
            self.current = missing[0]
            self._set_state(ASKING)
            self._ask("A setting changed since your clicks. ")
            return False
        return True

    def finish(self) -> None:
        """The run has played: draw each prediction beside its outcome and say the error."""
        if self.state != REVEALING:
            return
        sentences = list(self.dropped)
        for name, colour in self.targets:
            outcome = self.section.prediction_outcome(name)
            words = {k: getattr(self.spec, k).replace("{target}", name) for k in ("you", "happened", "missing")}
            if self.spec.kind == "point":
                j = PR.judge_point(self.points[name], outcome, self.scales[name], decimals=self.spec.decimals or 2,
                                   **words)
            else:
                j = PR.judge_number(self.points[name], outcome, self.scales[name], unit=self.spec.unit,
                                    directions=self.spec.directions, decimals=self.spec.decimals, **words)
            self.judgements[name] = j
        self.widen()
        self._draw_revealed()
        self._set_state(REVEALED)
        marked = [f"<span style='color:{colour}'><b>{MARK}</b></span> {self.judgements[name].sentence}"
                  for name, colour in self.targets]
        self._say("<br>".join([html.escape(s) for s in sentences] + marked))
        plain = " ".join(sentences + [j.sentence for j in self.judgements.values()])
        self.record = (plain, dict(self.section.values()))
        self.section.status.emit(plain)
        QTimer.singleShot(VERDICT_SCROLL_MS, self, self._show_verdict)   # once the column has laid it out

    @Slot()
    def cancel(self) -> None:
        """Drop the prediction: the markers go, the outcome shows again (nothing is rerun)."""
        if self.state in (ASKING, REVEALING):
            self._clear_markers()
            self._unfade()
            self._set_state(IDLE)
            self._say("")
            self.section.status.emit(f"{self.section.title}: prediction cancelled")

    @Slot(object)
    def _run_done(self, _result) -> None:
        if (self.state == REVEALING and all(r.is_idle() for r in self.runs())
                and self.section.prediction_reveal_done()):
            self.finish()

    @Slot()
    def _run_stopped(self) -> None:
        """The reveal's run was cancelled or failed: the prediction stays, Reveal may try again."""
        if self.state == REVEALING:
            self._set_state(ASKING)
            self._say("The run stopped before the end: press <b>Reveal</b> (P) to try again.")

    # ------------------------------------------------------------ drawing (the markers: gui/predict_marks.py)
    def _ask(self, prefix: str = "") -> None:
        if len(self.points) == len(self.targets):
            self.reveal_button.setEnabled(True)
        name, colour = self.targets[self.current]
        n = len(self.targets)
        which = f" ({self.current + 1} of {n})" if n > 1 else ""
        done = "; then <b>Reveal</b> (P)" if len(self.points) == n else ""
        ask = self.spec.ask.replace("{target}", name)
        self._say(f"{prefix}<span style='color:{colour}'><b>{MARK} {ask}</b></span>{which}{done}")
        self.section.status.emit(f"{prefix}{ask}{which}")

    @Slot()
    def _say(self, text: str) -> None:
        """The request or the verdict under the buttons (hidden when there is nothing to say)."""
        self.label.setText(text)
        self.label.setVisible(bool(text))

    def _restyle(self) -> None:
        """New pen widths and fonts (presentation mode): the markers are drawn again, and on a projector
        the plot's tab comes to the front (after the section's own restyle: a turn of the event loop)."""
        if self.state in (ASKING, REVEALING):
            self._draw_predictions()
        elif self.state == REVEALED:
            self.widen()                  # (room for the labels in the new font)
            self._draw_revealed()
        if self.state != IDLE:
            QTimer.singleShot(0, self, self._show_plot)

    @Slot()
    def _show_plot(self) -> None:
        self.section.show_plot(self.plot)

    def _set_state(self, state: str) -> None:
        self.state = state
        if self.run is not None:
            # pressed in while the class predicts (a second press cancels): the same word, so the strip keeps its width
            self.predict_button.setChecked(state == ASKING)
            self.reveal_button.setEnabled(state == ASKING and len(self.points) == len(self.targets) > 0)
        self.section.pins.set_allowed(state not in (ASKING, REVEALING))   # a pin would copy hidden or half curves
        self.changed.emit(state)

    # ------------------------------------------------------------ the clicks
    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if self.state != ASKING or event.type() not in (QEvent.MouseButtonPress, QEvent.MouseButtonRelease,
                                                         QEvent.MouseButtonDblClick):
            return False
        if event.button() != Qt.LeftButton:
            return False
        scene = self.plot.mapToScene(event.position().toPoint())
        vb = self.plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene):
            return False
        if event.type() == QEvent.MouseButtonRelease:
            p = vb.mapSceneToView(scene)
            self.place(p.x(), p.y())
        return True     # the plot's own click (the race's start point) does not happen
