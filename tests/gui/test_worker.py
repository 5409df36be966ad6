"""The generic worker: events arrive on the main thread, cancel is quick, stale runs are dropped."""
import threading
import time

import pytest

from gui.worker import Worker, running_threads


def counting(n, delay=0.0, tag=None):
    for i in range(n):
        if delay:
            time.sleep(delay)  # stands in for a slow engine step (runs on the worker thread)
        yield (tag, i)
    return (tag, n)


def endless(started: threading.Event):
    started.set()
    i = 0
    while True:
        i += 1
        time.sleep(0.001)
        yield i


def failing():
    yield 1
    raise ValueError("learning rate must be in (0, 10], got -1")


@pytest.fixture
def worker(qtbot):
    w = Worker("test")
    yield w
    assert w.shutdown()


def test_events_and_result_reach_the_main_thread(qtbot, worker):
    events = []
    main = threading.get_ident()
    worker.event.connect(lambda e: events.append((e, threading.get_ident())))
    with qtbot.waitSignal(worker.finished, timeout=5000) as blocker:
        worker.start(counting, 5, tag="a")
    assert blocker.args == [("a", 5)]
    assert [e for e, _ in events] == [("a", i) for i in range(5)]
    assert all(tid == main for _, tid in events)
    assert not worker.busy


def test_cancel_mid_run_frees_the_thread_within_one_second(qtbot, worker):
    started = threading.Event()
    worker.start(endless, started)
    qtbot.waitUntil(started.is_set, timeout=2000)
    t0 = time.perf_counter()
    worker.cancel()
    assert not worker.busy
    # the thread is free again when a new job runs to completion
    with qtbot.waitSignal(worker.finished, timeout=1000):
        worker.start(counting, 1)
    assert time.perf_counter() - t0 < 1.0


def test_hundred_restarts_leave_one_run_and_only_its_events(qtbot, worker):
    seen = []
    worker.event.connect(seen.append)
    results = []
    worker.finished.connect(results.append)
    for run in range(100):
        worker.start(counting, 20, 0.0005, tag=run)
    qtbot.waitUntil(lambda: len(results) == 1 and not worker.busy, timeout=10000)
    assert results == [(99, 20)]
    assert seen == [(99, i) for i in range(20)]
    assert len(running_threads()) >= 1  # the one thread, idle, still alive for the next run


def test_failure_becomes_a_sentence_not_a_traceback(qtbot, worker):
    with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
        worker.start(failing)
    assert blocker.args == ["learning rate must be in (0, 10], got -1"]
    assert not worker.busy


def test_shutdown_during_a_run_joins_the_thread(qtbot):
    w = Worker("shutdown")
    started = threading.Event()
    w.start(endless, started)
    qtbot.waitUntil(started.is_set, timeout=2000)
    assert w.shutdown(timeout_ms=1000)
    assert not w.thread.isRunning()
    with pytest.raises(RuntimeError):
        w.start(counting, 1)
