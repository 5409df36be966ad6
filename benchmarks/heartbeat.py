"""Measurement helpers: main-thread heartbeat while a worker job runs; slider-to-paint latency.

A 10 ms QTimer on the main thread records the time between its ticks while the Qt event
loop runs (QEventLoop.exec, as in the app); the largest gap is how long the window was
frozen (a user notices ~50 ms; 100 ms feels broken).
"""
from __future__ import annotations

import time

import numpy as np


def heartbeat_gaps(worker, fn, *args, interval_ms: int = 10, timeout_s: float = 120.0, **kwargs) -> dict:
    """Run ``fn(*args)`` on ``worker`` and return main-thread tick statistics in ms."""
    from PySide6.QtCore import QEventLoop, QTimer
    ticks: list[float] = []
    events = [0]
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    worker.event.connect(lambda _e: events.__setitem__(0, events[0] + 1))
    outcome = []
    worker.finished.connect(lambda r: (outcome.append("finished"), loop.quit()))
    worker.failed.connect(lambda m: (outcome.append(f"failed: {m}"), loop.quit()))
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    timer.start()
    t0 = time.perf_counter()
    worker.start(fn, *args, **kwargs)
    loop.exec()
    timer.stop()
    elapsed = time.perf_counter() - t0
    gaps = np.diff(ticks) * 1000
    if gaps.size == 0:  # the job ended before two ticks: nothing was frozen for longer than the job
        gaps = np.array([elapsed * 1000])
    return {"job_s": elapsed, "events": events[0], "ticks": len(ticks), "outcome": outcome[0] if outcome else "timeout",
            "max_gap_ms": float(np.max(gaps)), "p99_gap_ms": float(np.percentile(gaps, 99)),
            "median_gap_ms": float(np.median(gaps))}


def ticks_until(start, done, interval_ms: int = 10, timeout_s: float | None = None) -> tuple[float, list[float]]:
    """Run the event loop (QEventLoop.exec, as the app does) with an ``interval_ms`` timer recording
    its ticks: ``start()``, then until ``done()`` (checked every 5 ms) or ``timeout_s``.
    Returns the seconds it ran and the tick times (for a run a panel starts itself: its button's slot)."""
    from PySide6.QtCore import QEventLoop, QTimer
    ticks: list[float] = []
    loop = QEventLoop()
    beat = QTimer()
    beat.setInterval(interval_ms)
    beat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    check = QTimer()
    check.setInterval(5)
    check.timeout.connect(lambda: loop.quit() if done() else None)
    if timeout_s is not None:
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    beat.start()
    t0 = time.perf_counter()
    start()
    check.start()
    loop.exec()
    elapsed = time.perf_counter() - t0
    beat.stop()
    check.stop()
    return elapsed, ticks


def wait_until(app, condition, timeout: float, sleep_s: float, must: bool = True) -> None:
    """Process events until ``condition()`` holds; after ``timeout`` seconds, TimeoutError (``must``)
    or, if not ``must``, go on regardless."""
    t0 = time.perf_counter()
    while not condition():
        app.processEvents()
        time.sleep(sleep_s)
        if time.perf_counter() - t0 > timeout:
            if not must:
                return
            raise TimeoutError("the panel did not become idle")


NO_PAINT_AFTER_S = 1.0   # a slider move not repainted within this changed nothing on screen


def slider_to_paint(app, slider, viewport, moves: int = 100, warm_up: int = 10, after_each=None) -> list[float]:
    """Seconds from ``slider.setValue`` to the end of ``viewport``'s next repaint, over random positions."""
    from PySide6.QtCore import QEvent, QObject

    painted = []

    class PaintSpy(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint:
                painted.append(True)
            return False

    spy = PaintSpy()
    viewport.installEventFilter(spy)
    rng = np.random.default_rng(0)
    positions = rng.integers(slider.minimum(), slider.maximum() + 1, size=moves + warm_up)
    times = []
    for i, pos in enumerate(positions):
        if pos == slider.value():
            continue
        app.processEvents()
        painted.clear()
        t0 = time.perf_counter()
        slider.setValue(int(pos))
        # the paint happens inside processEvents: when it returns, it is done. A move that changes
        # nothing drawn (Lasso's bars are all zero for every large alpha) paints nothing: not timed
        deadline = t0 + NO_PAINT_AFTER_S
        while not painted and time.perf_counter() < deadline:
            app.processEvents()
        if not painted:
            continue
        if i >= warm_up:
            times.append(time.perf_counter() - t0)
        if after_each is not None:
            after_each()
    viewport.removeEventFilter(spy)
    return times


def open_tab(key: str):
    """The main window (1280 x 800, shown, normal mode) opened on tab ``key``, and that tab's panel."""
    from gui.app import MainWindow
    from gui.theme import theme
    theme().apply_base()
    window = MainWindow(initial_tab=key)
    window.resize(1280, 800)
    window.show()
    return window, window.panel_by_key(key)
