"""What every topic panel provides to the main window."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from gui.worker import Worker


class TopicPanel(QWidget):
    """Base of a topic tab.

    A panel binds parameter widgets to the engine, draws what the engine returns, and owns
    its workers (created with :meth:`make_worker`, so the window can stop them on close).
    """
    title = "Topic"
    status = Signal(str)  # a sentence for the status bar

    def __init__(self, parent=None):
        super().__init__(parent)
        self._workers: list[Worker] = []

    def make_worker(self, name: str, on_event=None, on_finished=None, on_failed=None, on_busy=None) -> Worker:
        """A worker owned by this panel, its signals connected to the given (``@Slot``) methods.

        Failures always reach the status bar as well.
        """
        worker = Worker(f"{self.title}-{name}", self)
        worker.failed.connect(self.status)
        for signal, slot in ((worker.event, on_event), (worker.finished, on_finished),
                             (worker.failed, on_failed), (worker.busy_changed, on_busy)):
            if slot is not None:
                signal.connect(slot)
        self._workers.append(worker)
        return worker

    def workers(self) -> list[Worker]:
        return list(self._workers)

    def run_defaults(self) -> None:
        """Start (or restart) the tab's default computation; the smoke run waits for is_idle()."""

    def is_idle(self) -> bool:
        return not any(w.busy for w in self._workers)

    def cancel(self) -> None:
        for w in self._workers:
            w.cancel()

    def shutdown(self) -> None:
        """Stop timers and join every worker thread (called by the window's closeEvent)."""
        for w in self._workers:
            w.shutdown()

