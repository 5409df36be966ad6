"""The window as a whole: every registered tab builds, runs its defaults and closes cleanly."""
import subprocess
import sys
from pathlib import Path

import pytest

from gui import panels

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("entry", panels.REGISTRY, ids=lambda e: e.key)
def test_every_panel_builds_runs_its_defaults_and_closes(qtbot, window, entry):
    window.tabs.setCurrentIndex(panels.REGISTRY.index(entry))
    panel = window.panel()
    assert isinstance(panel, entry.load()), window.build_errors
    errors = []
    for w in panel.workers():
        w.failed.connect(errors.append)
    panel.run_defaults()
    qtbot.waitUntil(panel.is_idle, timeout=60000)
    assert errors == []
    window.close()
    assert all(not w.thread.isRunning() for w in panel.workers())


def test_main_window_constructs_without_arguments(qtbot):
    from gui.app import MainWindow
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.tabs.count() == len(panels.REGISTRY)
    w.close()


def test_unknown_tab_is_explained():
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--tab", "nonsense", "--smoke"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "unknown tab" in out.stderr and "optimizers" in out.stderr


def test_smoke_run_passes():
    """The command-line smoke path (start, first paint, a tab's defaults, exit 0). Every tab's
    defaults are run by test_every_panel_builds_runs_its_defaults_and_closes: here one cheap tab."""
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--smoke", "--tab", "reference"],
                         capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "smoke ok" in out.stdout
    assert "time to first paint" in out.stdout


def _slow_job(started):
    started.set()
    while True:
        yield None


def test_status_bar_shows_progress_and_cancels_the_run(qtbot, window):
    import threading
    from PySide6.QtCore import Qt
    panel = window.panel()
    worker = panel.workers()[0]
    started = threading.Event()
    worker.start(_slow_job, started)
    qtbot.waitUntil(started.is_set, timeout=2000)
    assert window.busy_bar.isVisible() and window.cancel_button.isVisible()
    qtbot.mouseClick(window.cancel_button, Qt.LeftButton)
    assert not worker.busy
    assert not window.busy_bar.isVisible()
    assert window.statusBar().currentMessage() == "Cancelled"


def test_presentation_and_fullscreen_toggle_from_the_view_menu(qtbot, window):
    from PySide6.QtWidgets import QApplication
    window.presentation_action.trigger()
    assert window.presentation_action.isChecked() and QApplication.font().pointSize() >= 18
    window.presentation_action.trigger()
    window.fullscreen_action.trigger()
    assert window.isFullScreen()
    window.fullscreen_action.trigger()
    assert not window.isFullScreen()


def test_closing_the_window_during_a_run_stops_every_thread(qtbot, window):
    import threading
    import time
    panel = window.panel()
    started = threading.Event()
    panel.workers()[0].start(_slow_job, started)
    qtbot.waitUntil(started.is_set, timeout=2000)
    t0 = time.perf_counter()
    window.close()
    assert time.perf_counter() - t0 < 1.0
    assert all(not w.thread.isRunning() for w in panel.workers())


def test_a_lab_that_fails_to_open_is_explained_and_the_others_still_work(qtbot, monkeypatch):
    from gui.app import MainWindow
    from gui.panels.base import TopicPanel

    class Broken(TopicPanel):
        def __init__(self, parent=None):
            super().__init__(parent)
            self.make_worker("doomed")
            raise RuntimeError("no data file")

    broken = panels.TopicEntry("broken", "Broken", "x", "y")
    monkeypatch.setattr(broken.__class__, "load", lambda self: Broken if self.key == "broken" else
                        getattr(__import__(self.module, fromlist=[self.cls]), self.cls))
    monkeypatch.setattr(panels, "REGISTRY", [broken] + panels.REGISTRY)
    w = MainWindow()
    qtbot.addWidget(w)
    text = w.panel(0).findChildren(__import__("PySide6.QtWidgets", fromlist=["QLabel"]).QLabel)[0].text()
    assert "could not be opened" in text and "no data file" in text
    assert w.panel(1).title == "Optimizers"
    w.close()


def test_a_topic_opens_after_its_placeholder_has_painted_and_needs_no_other_action(qtbot, window):
    """Showing a topic for the first time does not build it inside the click (bench_stress: first show):
    the tab shows its placeholder at once, the panel takes its place in later turns of the event loop."""
    index = next(i for i, e in enumerate(panels.REGISTRY) if e.key == "pipeline")
    window.tabs.setCurrentIndex(index)
    assert window.tabs.currentWidget().text().startswith("Loading")    # nothing was built in the click
    cls = panels.REGISTRY[index].load()
    assert not any(isinstance(p, cls) for p in window.built_panels())
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), cls), timeout=10000)
    assert window.panel() is window.tabs.currentWidget()


def test_a_topic_opened_by_its_tab_paints_before_it_computes(qtbot, window):
    """A worker job beside the first layout and paint made them 2-3 times slower (the pipeline's
    first show: ~180 ms of paint turn with its steps running, ~50 without): the page paints first."""
    from PySide6.QtCore import QEvent, QObject
    index = next(i for i, e in enumerate(panels.REGISTRY) if e.key == "pipeline")
    cls = panels.REGISTRY[index].load()
    busy_at_first_paint = []

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if (event.type() == QEvent.Paint and not busy_at_first_paint and isinstance(obj, cls)):
                busy_at_first_paint.append(any(w.busy for w in obj.workers()))
            return False

    spy = FirstPaint()
    from PySide6.QtWidgets import QApplication
    QApplication.instance().installEventFilter(spy)
    try:
        window.tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda: bool(busy_at_first_paint), timeout=10000)
        panel = window.panel()
        assert busy_at_first_paint == [False]                     # nothing ran while it painted
        qtbot.waitUntil(lambda: panel.section("exercise").steps.ran, timeout=5000)   # then it computes
    finally:
        QApplication.instance().removeEventFilter(spy)
    panel.cancel()


def test_a_topic_that_never_paints_computes_anyway(qtbot):
    """A minimised window paints nothing: the held first show is released after a while regardless."""
    from gui.app import FIRST_SHOW_LATEST_MS, ReleaseAfterPaint
    from gui.panels.base import TopicPanel

    class Held(TopicPanel):
        released = 0

        def release_first_show(self):
            self.released += 1

    panel = Held()                       # never shown
    qtbot.addWidget(panel)
    ReleaseAfterPaint(panel)
    assert panel.released == 0
    qtbot.waitUntil(lambda: panel.released == 1, timeout=FIRST_SHOW_LATEST_MS + 2000)


def test_the_apps_window_freezes_what_lives_as_long_as_it_and_a_test_window_does_not(qtbot, window):
    """Python's full collections walked the imports and every built page (51-96 ms each, gui/memory.py):
    the app's own window hands them to the permanent generation after each topic it builds."""
    import gc
    from gui.app import MainWindow
    assert gc.get_freeze_count() == 0                # the suite's windows do not freeze
    app_window = MainWindow(freeze_long_lived=True)
    try:
        after_start = gc.get_freeze_count()
        assert after_start > 10_000                  # the imports and the first topic
        app_window.panel_by_key("transfer")
        assert gc.get_freeze_count() > after_start   # and each topic it builds
    finally:
        app_window.close()
        gc.unfreeze()


def test_a_topic_asked_for_while_it_opens_is_the_one_that_opens(qtbot, window):
    index = next(i for i, e in enumerate(panels.REGISTRY) if e.key == "losses")
    window.tabs.setCurrentIndex(index)
    panel = window.panel()                      # built now, synchronously
    qtbot.wait(50)                              # the deferred turns find it built and do nothing
    assert window.tabs.currentWidget() is panel and window.panel() is panel
    assert sum(isinstance(p, type(panel)) for p in window.built_panels()) == 1
