import pytest

from gui.panels.losses import LossesPanel


@pytest.fixture
def panel(window, qtbot):
    p = window.panel_by_key("losses")
    assert isinstance(p, LossesPanel)
    window.tabs.setCurrentIndex(window.tabs.indexOf(p))
    qtbot.waitUntil(p.is_idle, timeout=2000)
    return p
