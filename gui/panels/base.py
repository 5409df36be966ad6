"""What every topic panel provides to the main window."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from gui.worker import Worker, owned_worker


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
        return owned_worker(self, f"{self.title}-{name}", self._workers, on_event, on_finished, on_failed, on_busy)

    def workers(self) -> list[Worker]:
        return list(self._workers)

    def hold_first_show(self) -> None:
        """The window opens this panel in turns (gui/app.py): what it computes on its first show
        waits for :meth:`release_first_show`, after the panel's first paint."""

    def release_first_show(self) -> None:
        """The panel has painted: its first show's runs may start."""

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

