"""Measure how smoothly the main thread keeps ticking while a worker job runs.

A 10 ms QTimer on the main thread records the time between its ticks; the largest gap is
how long the window was frozen (a user notices ~50 ms; 100 ms feels broken).
"""
from __future__ import annotations

import time

import numpy as np


def heartbeat_gaps(app, worker, fn, *args, interval_ms: int = 10, timeout_s: float = 120.0, **kwargs) -> dict:
    """Run ``fn(*args)`` on ``worker`` and return main-thread tick statistics in ms."""
    from PySide6.QtCore import QTimer
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    events = [0]
    worker.event.connect(lambda _e: events.__setitem__(0, events[0] + 1))
    done = []
    worker.finished.connect(lambda r: done.append(r))
    worker.failed.connect(lambda m: done.append(m))
    timer.start()
    t0 = time.perf_counter()
    worker.start(fn, *args, **kwargs)
    while not done and time.perf_counter() - t0 < timeout_s:
        app.processEvents()
        time.sleep(0.0005)
    timer.stop()
    elapsed = time.perf_counter() - t0
    gaps = np.diff(ticks) * 1000 if len(ticks) > 1 else np.array([np.nan])
    return {"job_s": elapsed, "events": events[0], "ticks": len(ticks),
            "max_gap_ms": float(np.max(gaps)), "p99_gap_ms": float(np.percentile(gaps, 99)),
            "median_gap_ms": float(np.median(gaps))}
