"""Fixtures of the Hands-on pipeline tests: the page as built, and the page after the tutorial's steps.

The tutorial's steps are computed once for this package and replayed by the tests that only
need their outcome; the jobs are wrapped so a test can see that a cancel closed the generator.
"""
import pytest

from engine import pipeline as P
from gui.panels.pipeline import PipelinePanel

REAL_TUTORIAL_STEPS = P.tutorial_steps
REAL_RUN_PIPELINE = P.run_pipeline
_RECORDED = {}
CLOSED = []          # the names of the jobs whose generator was closed before its end


def closing_recorded(name, gen):
    """``gen``, re-yielded; a close (a cancel on the worker) is written into CLOSED."""
    try:
        return (yield from gen)
    except GeneratorExit:
        CLOSED.append(name)
        raise


def recording_tutorial_steps(data=None):
    """The real steps, streaming; a run that finishes is kept for recorded_tutorial_steps."""
    events = []
    gen = REAL_TUTORIAL_STEPS()
    while True:
        try:
            event = next(gen)
        except StopIteration as stop:
            _RECORDED.setdefault("events", events)
            _RECORDED.setdefault("result", stop.value)
            return stop.value
        events.append(event)
        yield event


def recorded_tutorial_steps(data=None):
    """The tutorial's steps computed once for this package, then replayed: the same events and result.

    Only the tests that watch the steps run use the real generator; the others need their outcome.
    """
    if "events" not in _RECORDED:
        return (yield from recording_tutorial_steps())
    yield from _RECORDED["events"]
    return _RECORDED["result"]


def recorded_tutorial():
    """(events, result) of the tutorial's steps (run once for the package)."""
    events, result = [], None
    gen = recorded_tutorial_steps()
    while True:
        try:
            events.append(next(gen))
        except StopIteration as stop:
            result = stop.value
            return events, result


def watched_run_pipeline(*args, **kwargs):
    return closing_recorded("pipeline", REAL_RUN_PIPELINE(*args, **kwargs))


def section_of(window):
    panel = window.panel_by_key("pipeline")
    assert isinstance(panel, PipelinePanel)
    window.tabs.setCurrentWidget(panel)
    return panel.section("exercise")


@pytest.fixture
def page(monkeypatch, window, qtbot):
    """The page as built, running the real steps (recorded for the other tests when they finish)."""
    CLOSED.clear()
    monkeypatch.setattr(P, "tutorial_steps", lambda data=None: closing_recorded("steps", recording_tutorial_steps()))
    monkeypatch.setattr(P, "run_pipeline", watched_run_pipeline)
    return section_of(window)


@pytest.fixture
def done(monkeypatch, window, qtbot):
    """The page after its first run of the tutorial's steps (started when the page was built)."""
    CLOSED.clear()
    monkeypatch.setattr(P, "tutorial_steps", recorded_tutorial_steps)
    monkeypatch.setattr(P, "run_pipeline", watched_run_pipeline)
    section = section_of(window)
    qtbot.waitUntil(lambda: section.tutorial is not None and section.panel.is_idle(), timeout=90000)
    return section
