"""Explain one optimizer: its rule with the numbers of the current step, and arrows at its point."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.explain import explain, fmt
from tests.gui.helpers import plain


@pytest.fixture
def race(window, qtbot):
    p = window.panel_by_key("optimizers")
    race = p.section("race")
    qtbot.waitUntil(lambda: bool(race.paths) and p.is_idle(), timeout=5000)
    return race


def reads(qtbot, race, *snippets):
    """Wait until the explanation says all of ``snippets`` (the text follows fast frames at most
    every 250 ms, and always catches up with the last one)."""
    qtbot.waitUntil(lambda: all(x in plain(race.explainer.text) for x in snippets), timeout=2000)


def arrow(race, key):
    x, y = race.explainer.items[key].getData()
    return (np.array([]), np.array([])) if x is None else (np.asarray(x), np.asarray(y))


def test_explain_button_shows_the_rule_with_the_engine_numbers(qtbot, race):
    button = race.explainer.buttons["Momentum"]
    assert button.isVisible() and race.values()["explain"] == "none" and not race.explainer.widget.isVisible()
    qtbot.mouseClick(button, Qt.LeftButton)
    assert race.values()["explain"] == "Momentum" and race.explainer.widget.isVisible()
    qtbot.mouseClick(race.transport.step_button, Qt.LeftButton)
    qtbot.mouseClick(race.transport.step_button, Qt.LeftButton)
    path = race.paths["Momentum"]
    e = explain(path, 2)
    buffer = next(t for t in e.terms if t.symbol == "b")
    reads(qtbot, race, "update 3", "b = μ·b + g = 0.9·", fmt(buffer.value))
    # the step's arrow goes from the current point to the next one
    x, y = arrow(race, "step")
    assert (x[0], y[0]) == pytest.approx(tuple(path.points[2])) and (x[1], y[1]) == pytest.approx(tuple(path.points[3]))
    gx, gy = arrow(race, "gradient")
    g = -path.trace.grads[2]
    direction = np.array([gx[1] - gx[0], gy[1] - gy[0]])
    cosine = direction @ g / (np.linalg.norm(direction) * np.linalg.norm(g))
    assert cosine == pytest.approx(1.0)    # along −g (scaled to the view)
    assert len(arrow(race, "velocity")[0]) == 6


def test_stepping_back_and_scrubbing_update_the_explanation(qtbot, race):
    race.set_values({"explain": "Adam"})
    t = race.transport
    t.slider.setValue(30)   # a scrub
    m_hat = next(term for term in explain(race.paths["Adam"], 30).terms if term.symbol == "m̂")
    reads(qtbot, race, "update 31", fmt(m_hat.value), "β1^31")
    before = arrow(race, "step")[0].copy()
    qtbot.mouseClick(t.back_button, Qt.LeftButton)
    reads(qtbot, race, "update 30")
    assert arrow(race, "step")[0][0] == pytest.approx(race.paths["Adam"].points[29][0])
    assert not np.allclose(before, arrow(race, "step")[0])
    qtbot.keyClick(race, Qt.Key_End)
    assert len(arrow(race, "step")[0]) == 0     # the arrows follow every frame at once
    reads(qtbot, race, "ends here")


def test_one_optimizer_at_a_time_and_off_again(qtbot, race):
    buttons = race.explainer.buttons
    qtbot.mouseClick(buttons["SGD"], Qt.LeftButton)
    qtbot.mouseClick(buttons["Adam"], Qt.LeftButton)
    assert race.values()["explain"] == "Adam" and not buttons["SGD"].isChecked() and buttons["Adam"].isChecked()
    assert len(arrow(race, "velocity")[0]) == 6    # Adam's m̂
    qtbot.mouseClick(buttons["Adam"], Qt.LeftButton)
    assert race.values()["explain"] == "none" and not race.explainer.widget.isVisible()
    assert all(len(arrow(race, key)[0]) == 0 for key in ("gradient", "velocity", "step"))


def test_taking_the_explained_optimizer_out_stops_explaining_and_reset_restores_none(qtbot, race):
    race.set_values({"explain": "SGD"})
    assert race.explainer.buttons["SGD"].isChecked()
    with qtbot.waitSignal(race.done, timeout=5000):
        race.boxes["SGD"].setChecked(False)
    assert race.values()["explain"] == "none" and not race.explainer.buttons["SGD"].isVisible()
    race.set_values({"explain": "RMSprop"})   # not racing: the view says so
    reads(qtbot, race, "RMSprop is not in the race")
    with pytest.raises(ValueError, match="explain"):
        race.set_values({"explain": "Lion"})
    with qtbot.waitSignal(race.done, timeout=5000):
        race.reset()
    assert race.values()["explain"] == "none"


def test_a_diverging_step_is_explained_in_words(qtbot, race):
    race.set_values({"explain": "SGD"})
    with qtbot.waitSignal(race.done, timeout=5000):
        race.boxes["SGD"].form["SGD.lr"].set_value(1.0)
    path = race.paths["SGD"]
    race.transport.set_frame(len(path.points) - 1)
    reads(qtbot, race, "diverged")
    assert len(arrow(race, "step")[0]) == 0


def test_fast_frames_rewrite_the_text_sparingly_and_it_catches_up(qtbot, race):
    race.set_values({"explain": "Adam"})
    count = []
    race.explainer.text.setText = lambda text, f=race.explainer.text.setText: (count.append(1), f(text))
    for k in range(1, 41):   # a quick scrub: 40 frames in a few milliseconds
        race.transport.set_frame(k)
    assert len(count) <= 2
    reads(qtbot, race, "update 41")
