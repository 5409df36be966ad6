"""One streamed engine job's state machine (:class:`Run`), used by the Section model (gui/lab.py).

A :class:`~gui.lab.RunSection` has one Run; a section that streams several jobs side by side
(e.g. a sweep and learning curves on one page) holds several.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gui.widgets import restart_timer, rich_label, run_buttons


class Run(QObject):
    """The state machine of one streamed engine job, owned by a section.

    ``job(**values)`` returns the engine generator (called on the worker thread: no widgets
    there); ``values()`` gives its arguments at start, ``on_start(values)`` clears what the last
    run drew. The run keeps the events (``events``)
    and the result, calls ``on_event`` for each event (store it: cheap), ``draw`` at most once
    a frame while events arrive (adaptive: ``frame_cost_factor`` times the last draw's cost,
    between ``frame_ms`` and ``max_frame_ms``), then ``show_result(result)``, and on a failure
    or a cancel writes a sentence in ``note``. It owns a Run/Cancel pair of buttons (Run reads
    "Restart" while busy; ``run_text`` and ``restart_text`` change those words) and a restart
    debounce: :meth:`schedule_restart` after a parameter change restarts a run that has run
    once the drag pauses (``restart_ms``).

    A section with one run is a :class:`RunSection`; a section may also hold several Runs.
    """
    done = Signal(object)   # the result, after show_result()
    drawn = Signal()        # after a redraw
    stopped = Signal()      # cancelled or failed before its end

    def __init__(self, section, name: str, job, values=None, on_start=None, on_event=None, draw=None,
                 show_result=None, show_cancelled=None, show_failure=None, frame_ms: int = 16,
                 max_frame_ms: int = 250, frame_cost_factor: float = 6, restart_ms: int = 150,
                 run_text: str = "Run", restart_text: str = "Restart"):
        super().__init__(section)
        self.name = name
        self.job = job
        self.values = values or section.values
        self._on_start = on_start
        self._on_event = on_event
        self._draw = draw
        self._show_result = show_result
        self._show_cancelled = show_cancelled
        self._show_failure = show_failure
        self.frame_ms, self.max_frame_ms, self.frame_cost_factor = frame_ms, max_frame_ms, frame_cost_factor
        self.ran = False
        self.result = None
        self.events: list = []
        self._dirty = False
        self.run_text, self.restart_text = run_text, restart_text   # the Run button's text when idle / busy
        self.section = section
        first = not section.runs   # the section's first Run row also pins its runs (gui/pins.py)
        predictor = section.predictor if section.predictor is not None and section.predictor.spec.run == name else None
        self.button_row, self.run_button, self.cancel_button, more = run_buttons(
            self.start, self.cancel, (section.pins.specs() if first else ()) + (predictor.specs() if predictor else ()))
        if first:
            section.pins.bind(*more[:2])
        self.button_row.setObjectName(f"{name}_row")
        self.run_button.setText(run_text)
        self.note = rich_label("")   # the summary, or the failure sentence
        self.worker = section.make_worker(name, on_event=self._event, on_finished=self._finished,
                                          on_failed=self._failed, on_busy=self._busy)
        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(frame_ms)
        self.frame_timer.timeout.connect(self._streamed_frame)
        self.restart_timer = restart_timer(self, self.start, restart_ms)
        section.runs.append(self)   # the section's cancel, is_idle and shutdown cover this run
        if predictor is not None:   # Predict / Reveal (gui/predict.py) under Run / Cancel
            predictor.bind(self, *more[-2:])

    @property
    def busy(self) -> bool:
        return self.worker.busy

    @Slot()
    def start(self) -> None:
        """Start (or restart) the job with the current values (not while the class predicts its outcome)."""
        self.restart_timer.stop()
        if self.section.predictor is not None and self.section.predictor.holds(self):
            return
        values = self.values()
        self.ran = True
        self.result = None
        self.events = []
        self.note.setText("")
        if self._on_start is not None:
            self._on_start(values)
        self.worker.start(self.job, **values)
        self._dirty = True
        self._frame()

    def schedule_restart(self) -> None:
        """A parameter changed: restart once the drag pauses, if this run has run."""
        if self.ran:
            self.restart_timer.start()

    @Slot()
    def cancel(self) -> None:
        self.restart_timer.stop()
        if self.worker.busy:
            self.worker.cancel()
            if self._show_cancelled is not None:
                self._show_cancelled()
            else:
                self.note.setText(f"Cancelled after {len(self.events)} steps (Run starts again).")
            self.stopped.emit()

    def is_idle(self) -> bool:
        return not self.worker.busy and not self.restart_timer.isActive()

    def stop_timers(self) -> None:
        self.frame_timer.stop()
        self.restart_timer.stop()

    @Slot(object)
    def _event(self, event) -> None:
        self.events.append(event)
        if self._on_event is not None:
            self._on_event(event)
        self._dirty = True
        if not self.frame_timer.isActive():
            self.frame_timer.start()

    @Slot()
    def _streamed_frame(self) -> None:
        """A frame while the job streams: drawn only if the section is on screen (a run in a hidden
        tab stays dirty, and its next frame after the tab is shown draws it; its end always draws)."""
        if self.section.isVisible():
            self._frame()

    def _frame(self) -> None:
        if not self._dirty:
            return
        t0 = time.perf_counter()
        self._dirty = False
        if self._draw is not None:
            self._draw()
        # the repaint that follows costs about as much again: an interval of a few times this work
        # keeps the main thread mostly free for the user even when the machine is busy
        spent_ms = (time.perf_counter() - t0) * 1000
        self.frame_timer.setInterval(int(min(self.max_frame_ms, max(self.frame_ms, self.frame_cost_factor * spent_ms))))
        self.drawn.emit()

    @Slot(object)
    def _finished(self, result) -> None:
        self.result = result
        self._dirty = True
        self._frame()
        if self._show_result is not None:
            self._show_result(result)
        self.done.emit(result)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._frame()
        if self._show_failure is not None:
            self._show_failure(message)
        else:
            self.note.setText(f"<b>The run failed:</b> {message}")
        self.stopped.emit()

    @Slot(bool)
    def _busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.run_button.setText(self.restart_text if busy else self.run_text)
        if busy:
            if not self.frame_timer.isActive():
                self.frame_timer.start()
        else:
            self.frame_timer.stop()
            self._frame()
