"""The generic worker: events arrive on the main thread, cancel is quick, stale runs are dropped."""
import threading
import time

import pytest

from gui.worker import Worker, live_workers


class Tracker:
    """Records which generators started, and which were closed before finishing (cancelled)."""

    def __init__(self):
        self.started = []
        self.closed = []
        self.finished = []

    def counting(self, n, tag, delay=0.0, gate=None):
        self.started.append(tag)
        if gate is not None:
            gate.wait(10)      # held until the test has made its moves (no timing assumptions)
        try:
            for i in range(n):
                if delay:
                    time.sleep(delay)  # stands in for a slow engine step (runs on the worker thread)
                yield (tag, i)
        except GeneratorExit:
            self.closed.append(tag)
            raise
        self.finished.append(tag)
        return (tag, n)


def endless(started: threading.Event, closed: threading.Event):
    started.set()
    try:
        while True:
            time.sleep(0.001)
            yield None
    finally:
        closed.set()


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
        worker.start(Tracker().counting, 5, "a")
    assert blocker.args == [("a", 5)]
    assert [e for e, _ in events] == [("a", i) for i in range(5)]
    assert all(tid == main for _, tid in events)
    assert not worker.busy


def test_cancel_mid_run_stops_the_generator_within_one_second(qtbot, worker):
    started, closed = threading.Event(), threading.Event()
    worker.start(endless, started, closed)
    qtbot.waitUntil(started.is_set, timeout=2000)
    t0 = time.perf_counter()
    worker.cancel()
    qtbot.waitUntil(closed.is_set, timeout=1000)  # the generator itself was closed, not just forgotten
    with qtbot.waitSignal(worker.finished, timeout=1000):  # and the thread takes new work
        worker.start(Tracker().counting, 1, "next")
    assert time.perf_counter() - t0 < 1.0


def test_hundred_restarts_leave_one_run_and_only_its_events(qtbot, worker):
    tracker = Tracker()
    seen, results, busy_changes = [], [], []
    worker.event.connect(seen.append)
    worker.finished.connect(results.append)
    worker.busy_changed.connect(busy_changes.append)
    gate = threading.Event()   # a run that started waits until all hundred were asked for
    for run in range(100):
        worker.start(tracker.counting, 20, run, 0.0005, gate)
    gate.set()
    qtbot.waitUntil(lambda: len(results) == 1 and not worker.busy, timeout=10000)
    assert results == [(99, 20)]
    assert seen == [(99, i) for i in range(20)]
    assert tracker.finished == [99]  # one run went to the end
    # superseded runs were either never started or closed at their next yield
    assert set(tracker.started) - {99} == set(tracker.closed)
    assert len(tracker.started) < 100
    assert busy_changes == [True, False]  # no flicker between the restarts


def test_failure_becomes_a_sentence_not_a_traceback(qtbot, worker):
    with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
        worker.start(failing)
    assert blocker.args == ["learning rate must be in (0, 10], got -1"]
    assert not worker.busy


def test_shutdown_during_a_run_joins_the_thread_and_later_starts_are_ignored(qtbot):
    w = Worker("shutdown")
    started, closed = threading.Event(), threading.Event()
    w.start(endless, started, closed)
    qtbot.waitUntil(started.is_set, timeout=2000)
    assert w.shutdown(timeout_ms=1000)
    assert not w.thread.isRunning() and closed.is_set()
    assert w not in live_workers()
    assert w.start(Tracker().counting, 1, "late") == -1  # e.g. a spin box committing on focus-out
    assert not w.busy


def test_the_signals_between_the_threads_carry_no_python_objects(worker):
    """Qt copies a queued signal's arguments under a mutex from a shared pool, and copying a Python
    object needs the GIL: a worker emitting one could wait for the GIL while the main thread, holding
    it, waited for a mutex of that pool (the suite hung at random places). Jobs and events travel in
    queues; the two signals between the threads carry nothing."""
    for obj, name in ((worker._executor, "wake"), (worker, "_submit")):
        meta = obj.metaObject()
        signal = next(meta.method(i) for i in range(meta.methodCount()) if meta.method(i).name().data() == name.encode())
        assert signal.parameterCount() == 0, name


def test_an_endless_job_runs_only_so_far_ahead_of_the_window(qtbot, worker):
    """A job yielding faster than the window takes its events pauses once MAX_PENDING_EVENTS wait
    (an endless generator filled 24 GB while the window could not keep up)."""
    from gui.worker import MAX_PENDING_EVENTS
    produced = []

    def endless_events():
        while True:
            produced.append(len(produced))
            yield len(produced)

    worker.start(endless_events)
    deadline = time.monotonic() + 20   # the main thread does not take events here: the worker must stop
    while len(produced) <= MAX_PENDING_EVENTS and time.monotonic() < deadline:
        threading.Event().wait(0.005)
    threading.Event().wait(0.2)         # would have let an unbounded producer yield thousands more
    assert len(produced) == MAX_PENDING_EVENTS + 1 and worker._outbox.qsize() == MAX_PENDING_EVENTS
    seen = []
    worker.event.connect(seen.append)
    qtbot.waitUntil(lambda: len(seen) > 3 * MAX_PENDING_EVENTS, timeout=10000)   # the window takes them: it goes on
    worker.cancel()
    qtbot.waitUntil(lambda: not worker.busy, timeout=5000)
