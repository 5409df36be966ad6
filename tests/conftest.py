import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def no_thread_left_running():
    """Fail any test that leaves a worker thread running."""
    yield
    worker = sys.modules.get("gui.worker")
    if worker is not None:
        alive = [w.name for w in worker.live_workers() if w.thread.isRunning()]
        worker.shutdown_all()  # cancel and join them so later tests are not affected, then fail this one
        assert not alive, f"test left worker thread(s) running: {alive}"


@pytest.fixture(autouse=True)
def own_settings(tmp_path, monkeypatch):
    """The window's QSettings in a temporary file: tests never read or write the user's settings."""
    monkeypatch.setenv("TRAINING_LAB_SETTINGS", str(tmp_path / "settings.ini"))


@pytest.fixture
def window(qtbot):
    """The main window at the size used on a 1280x800 screen; closed (threads joined) afterwards."""
    from gui.app import MainWindow
    from gui.theme import theme
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    # as a window manager would: window shortcuts (Esc, F5, Ctrl+1...) wait for an active window
    w.activateWindow()
    qtbot.waitActive(w)
    yield w
    w.close()
    theme().set_presentation(False)
