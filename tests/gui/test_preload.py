"""pandas is imported on a background thread once the window is up, not at a tab's first show."""
import sys
import threading

from gui import preload


def test_preload_imports_on_a_thread_once(monkeypatch):
    monkeypatch.setattr(preload, "_started", False)
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    then = []
    thread = preload.preload(("colorsys", "no_such_module_here"),   # a failure is left to the tab
                             then=lambda: then.append(("colorsys" in sys.modules, threading.current_thread())))
    thread.join(10)
    assert not thread.is_alive() and "colorsys" in sys.modules
    assert then == [(True, thread)]                                # called on that thread, after the imports
    assert preload.preload() is None                               # once only


def test_the_window_starts_the_preload(qtbot, window, monkeypatch):
    started = []
    monkeypatch.setattr(preload, "preload", lambda then=None: started.append(then))
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    assert started == [None]        # a test's window freezes nothing after the imports (gui/memory.py)
    window.panel(0).cancel()
