"""The one generic runner: any engine generator, on a dedicated QThread.

A panel owns a :class:`Worker`; ``worker.start(fn, *args)`` cancels whatever it was running
and runs ``fn(*args)`` (a generator) on the worker thread. Every yielded event reaches the
panel through the main-thread signal ``event``; the generator's return value arrives through
``finished``; an exception arrives through ``failed`` as a sentence, never as a traceback.

- Cancel is cooperative: a ``threading.Event`` checked between yields (a queued "stop"
  signal would never reach a thread busy inside the generator).
- Each run has a generation number. Only the latest run's events are forwarded, so after a
  fast series of restarts the panel draws the last run only.
- ``shutdown()`` cancels, stops the thread and waits for it; the main window calls it for
  every worker on close.
- Jobs and events cross the threads in queues, and the signals between the threads carry no
  arguments (see :class:`_Executor`: a queued signal carrying a Python object can deadlock).
"""
from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from gui import memory

log = logging.getLogger(__name__)

# Strong references until shutdown: a QThread garbage-collected while running aborts the process.
_live_workers: "set[Worker]" = set()
_quit_hook_installed = False

# Python-level loops on the worker hold the GIL; the main thread asks for it every switch interval,
# and waits up to that long each time it calls back into Python while it lays out and paints (pyqtgraph
# items, the style's metrics). The default 5 ms stretched UI frames; 1 ms left a page's repaint 2-3x
# slower beside a pure-Python job (pipeline: 162-189 ms); 0.1 ms: 116-139 ms. Two workers competing
# lose nothing measurable (2 x 3000 small numpy steps: 0.24 s at 1 ms and at 0.1 ms).
GIL_SWITCH_INTERVAL_S = 0.0001
MAX_PENDING_EVENTS = 256   # events a job may run ahead of the window (see _Executor)


def live_workers() -> list["Worker"]:
    return list(_live_workers)


def shutdown_all() -> None:
    """Stop every worker thread; waits without limit for a job that does not yield in time."""
    for w in list(_live_workers):
        if not w.shutdown():
            w.thread.wait()
            _live_workers.discard(w)


def _install_quit_hook() -> None:
    global _quit_hook_installed
    app = QCoreApplication.instance()
    if app is not None and not _quit_hook_installed:
        app.aboutToQuit.connect(shutdown_all)
        _quit_hook_installed = True


@dataclass
class _Job:
    generation: int
    fn: Callable
    args: tuple
    kwargs: dict
    cancel: threading.Event


def describe_error(exc: BaseException) -> str:
    """A sentence for the status bar: ValueErrors from the engine already are sentences."""
    if isinstance(exc, ValueError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "Not enough memory for this run: try a smaller data set or network."
    if isinstance(exc, FloatingPointError):
        return f"The numbers overflowed ({exc}): try a smaller learning rate."
    return f"{type(exc).__name__}: {exc}"


class _Executor(QObject):
    """Lives on the worker thread; runs the jobs found in ``inbox``, one at a time, and puts what
    they produce into ``outbox`` ((kind, generation, payload)), waking the main thread.

    No Python object crosses the threads inside a queued signal: Qt copies a queued signal's
    arguments while it holds a mutex from a shared pool, and copying a Python object needs the GIL,
    so a worker emitting one could wait for the GIL while the main thread, holding the GIL, waited
    for a mutex of the same pool (disconnecting any signal): a deadlock that hung the test suite at
    random places. Both signals here carry nothing; the objects travel in thread-safe queues."""
    wake = Signal()   # to the main thread: the outbox has something

    def __init__(self, inbox: queue.SimpleQueue, outbox: queue.SimpleQueue):
        super().__init__()
        self.inbox, self.outbox = inbox, outbox
        self.wake_pending = threading.Event()   # one wake at a time is enough: the main thread drains all
        # a job may yield faster than the window takes its events: past this many waiting it pauses
        # (an endless generator filled the memory, 24 GB, while the window could not keep up)
        self.room = threading.Semaphore(MAX_PENDING_EVENTS)

    def post(self, kind: str, generation: int, payload, cancel: threading.Event | None = None) -> bool:
        """Hand ``payload`` to the main thread; an event waits for room (False: cancelled meanwhile)."""
        if kind == "event":
            while not self.room.acquire(timeout=0.05):
                if cancel is not None and cancel.is_set():
                    return False
        self.outbox.put((kind, generation, payload))
        if not self.wake_pending.is_set():
            self.wake_pending.set()
            self.wake.emit()
        return True

    @Slot()
    def execute(self) -> None:
        while True:
            try:
                job = self.inbox.get_nowait()
            except queue.Empty:
                return
            self._run(job)

    def _run(self, job: _Job) -> None:
        if job.cancel.is_set():
            return
        try:
            gen = job.fn(*job.args, **job.kwargs)
            while True:
                if job.cancel.is_set():
                    gen.close()
                    return
                try:
                    item = next(gen)
                except StopIteration as stop:
                    self.post("done", job.generation, stop.value)
                    return
                self.post("event", job.generation, item, job.cancel)
        except Exception as exc:  # reported to the user as a sentence, logged for developers
            log.exception("worker job failed")
            self.post("error", job.generation, describe_error(exc))
        finally:
            memory.request_trim()   # the job's arrays are freed: hand the memory back (gui/memory.py)


class Worker(QObject):
    """Main-thread handle of one worker thread. Signals are emitted on the main thread."""
    event = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    busy_changed = Signal(bool)
    _submit = Signal()   # to the worker thread: the inbox has a job (no arguments: see _Executor)

    def __init__(self, name: str = "worker", parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self.generation = 0
        self._job: _Job | None = None
        self._busy = False
        self.started_at = 0.0
        self.thread = QThread()
        self.thread.setObjectName(f"training-lab-{name}")
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._executor = _Executor(self._inbox, self._outbox)
        self._executor.moveToThread(self.thread)
        self._submit.connect(self._executor.execute)
        self._executor.wake.connect(self._drain)
        self.thread.finished.connect(self._executor.deleteLater)
        self.thread.start()
        self._shut_down = False
        _live_workers.add(self)
        _install_quit_hook()
        if sys.getswitchinterval() > GIL_SWITCH_INTERVAL_S:
            sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)

    @property
    def busy(self) -> bool:
        return self._busy

    def start(self, fn: Callable, *args, **kwargs) -> int:
        """Cancel the current run and start ``fn(*args, **kwargs)``; returns the new generation."""
        if self._shut_down:
            # e.g. a spin box committing its edit on focus-out while the window closes
            log.info("worker %s is shut down; %s not started", self.name, getattr(fn, "__name__", fn))
            return -1
        if self._job is not None:
            self._job.cancel.set()  # no busy False/True flicker between runs
        self.generation += 1
        self._job = _Job(self.generation, fn, args, kwargs, threading.Event())
        self.started_at = time.perf_counter()
        self._set_busy(True)
        self._inbox.put(self._job)
        self._submit.emit()
        return self.generation

    def cancel(self) -> None:
        """Ask the current run to stop at its next yield; its later events are dropped."""
        if self._job is not None:
            self._job.cancel.set()
            self._job = None
        self._set_busy(False)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel, stop the thread and wait for it. Returns whether the thread ended in time.

        A thread that did not end stays referenced (and is waited for at application exit), so it
        is never destroyed while running.
        """
        self.cancel()
        self._shut_down = True
        if self.thread.isRunning():
            self.thread.quit()
            if not self.thread.wait(timeout_ms):
                log.error("worker %s did not stop within %d ms", self.name, timeout_ms)
                return False
        _live_workers.discard(self)
        return True

    def _current(self, generation: int) -> bool:
        return self._job is not None and generation == self._job.generation

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    @Slot()
    def _drain(self) -> None:
        """Everything the worker produced since the last wake, in order."""
        self._executor.wake_pending.clear()
        handlers = {"event": self._on_event, "done": self._on_done, "error": self._on_error}
        for _ in range(self._outbox.qsize()):   # what is there now: later ones come with the next wake
            try:
                kind, generation, payload = self._outbox.get_nowait()
            except queue.Empty:
                return
            if kind == "event":
                self._executor.room.release()
            handlers[kind](generation, payload)

    def _on_event(self, generation: int, item: object) -> None:
        if self._current(generation):
            self.event.emit(item)

    def _on_done(self, generation: int, result: object) -> None:
        if self._current(generation):
            self._job = None
            self._set_busy(False)
            self.finished.emit(result)

    def _on_error(self, generation: int, message: str) -> None:
        if self._current(generation):
            self._job = None
            self._set_busy(False)
            self.failed.emit(message)


def owned_worker(owner: QObject, name: str, workers: list, on_event=None, on_finished=None, on_failed=None,
                 on_busy=None) -> Worker:
    """A worker named ``name``, a child of ``owner`` and appended to ``workers`` (the owner's list:
    it stops them with itself), its signals connected to the given ``@Slot`` methods. Failures
    reach ``owner.status`` (the status bar) as well."""
    worker = Worker(name, owner)
    worker.failed.connect(owner.status)
    for signal, slot in ((worker.event, on_event), (worker.finished, on_finished),
                         (worker.failed, on_failed), (worker.busy_changed, on_busy)):
        if slot is not None:
            signal.connect(slot)
    workers.append(worker)
    return worker
