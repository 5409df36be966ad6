"""gui/memory.py: a finished job asks for malloc_trim, done off the main thread once jobs pause."""
import threading

import pytest

from gui import memory
from gui.worker import Worker


def job():
    yield [0.0] * 100_000       # a job that allocates and frees
    return 1


@pytest.mark.skipif(memory.libc() is None, reason="not glibc")
def test_a_finished_job_hands_memory_back_on_the_trim_thread(qtbot):
    before = memory.trims
    w = Worker("trim-test")
    try:
        with qtbot.waitSignal(w.finished, timeout=5000):
            w.start(job)
        qtbot.waitUntil(lambda: memory.trims > before, timeout=5000)
        assert any(t.name == "training-lab-trim" for t in threading.enumerate())
    finally:
        w.shutdown()


@pytest.mark.skipif(memory.libc() is None, reason="not glibc")
def test_tune_caps_the_arenas():
    assert memory.tune()


def test_freezing_keeps_live_objects_out_of_collections_but_collects_young_garbage_first():
    import gc
    import weakref

    class Node:
        pass
    garbage = Node()
    garbage.me = garbage                 # a cycle: only the collector frees it
    gone = weakref.ref(garbage)
    del garbage
    kept = Node()
    try:
        memory.freeze_long_lived()
        assert gone() is None            # collected, not frozen for ever
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())   # a full collection no longer walks it
    finally:
        gc.unfreeze()
