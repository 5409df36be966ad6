import pytest

from gui.panels.regularization import RegularizationPanel


@pytest.fixture
def panel(window, qtbot):
    p = window.panel_by_key("regularization")
    assert isinstance(p, RegularizationPanel)
    window.tabs.setCurrentWidget(p)
    qtbot.waitUntil(lambda: p.section("penalties").result is not None and p.fits is not None and p.is_idle(),
                    timeout=20000)
    return p
