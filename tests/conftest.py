import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from engine.blas import single_thread_environment  # noqa: E402

single_thread_environment()   # as main.py does, before numpy loads: see engine/blas.py

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


def open_window(qtbot):
    """A main window at the size used on a 1280x800 screen, shown and active."""
    from gui.app import MainWindow
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    # as a window manager would: window shortcuts (Esc, F5, Ctrl+1...) wait for an active window
    w.activateWindow()
    qtbot.waitActive(w)
    return w


@pytest.fixture
def window(qtbot):
    """The main window at the size used on a 1280x800 screen; closed (threads joined) afterwards."""
    from gui.theme import theme
    w = open_window(qtbot)
    yield w
    w.close()
    theme().set_presentation(False)


@pytest.fixture
def new_window(qtbot):
    """Makes more main windows (a second one, e.g. to open a saved set-up); all closed afterwards."""
    from gui.theme import theme
    made = []

    def make():
        made.append(open_window(qtbot))
        return made[-1]
    yield make
    for w in made:
        w.close()
    theme().set_presentation(False)
