"""The Training strategies tab with small, fast settings, its first section run."""
import pytest

from gui.panels.strategies import StrategiesPanel


@pytest.fixture
def panel(window, qtbot):
    p = window.panel_by_key("strategies")
    assert isinstance(p, StrategiesPanel)
    # small, fast settings before the first run starts (it starts once the event loop turns)
    p.section("schedules").set_values({"total_epochs": 10, "speed": 1000, "hidden": 8, "batch_size": 256})
    p.section("batch_size").set_values({"epochs": 3, "draws": 20, "hidden": 8, "speed": 1000})
    p.section("clipping").set_values({"speed": 1000})
    window.tabs.setCurrentWidget(p)
    qtbot.waitUntil(lambda: p.section("schedules").ran and p.is_idle(), timeout=30000)
    return p


def closing_job(section):
    """Wrap the section's job so a test can see whether the worker closed its generator (cancel)
    rather than letting it run to its end: returns the list "closed" is appended to."""
    closed = []
    job = section.runner.job

    def watched(**values):
        gen = job(**values)
        try:
            return (yield from gen)
        except GeneratorExit:
            closed.append("closed")
            raise

    section.runner.job = watched
    return closed
