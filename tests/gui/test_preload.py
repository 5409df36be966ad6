"""pandas is imported on a background thread once the window is up, not at a tab's first show."""
import sys

from gui import preload


def test_preload_imports_on_a_thread_once(monkeypatch):
    monkeypatch.setattr(preload, "_started", False)
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    thread = preload.preload(("colorsys", "no_such_module_here"))   # a failure is left to the tab
    thread.join(10)
    assert not thread.is_alive() and "colorsys" in sys.modules
    assert preload.preload() is None                               # once only


def test_the_window_starts_the_preload(qtbot, window, monkeypatch):
    started = []
    monkeypatch.setattr(preload, "preload", lambda: started.append(True))
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    window.panel(0).cancel()
