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
    text = plain(race.explainer.text)
    buffer = next(t for t in e.terms if t.symbol == "b")
    assert "b = μ·b + g = 0.9·" in text and fmt(buffer.value) in text
    assert "update 3" in plain(race.explainer.title)
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
    assert "update 31" in plain(race.explainer.title)
    m_hat = next(term for term in explain(race.paths["Adam"], 30).terms if term.symbol == "m̂")
    assert fmt(m_hat.value) in plain(race.explainer.text) and "β1^31" in plain(race.explainer.text)
    before = arrow(race, "step")[0].copy()
    qtbot.mouseClick(t.back_button, Qt.LeftButton)
    assert "update 30" in plain(race.explainer.title)
    assert arrow(race, "step")[0][0] == pytest.approx(race.paths["Adam"].points[29][0])
    assert not np.allclose(before, arrow(race, "step")[0])
    qtbot.keyClick(race, Qt.Key_End)
    assert "ends here" in plain(race.explainer.text) and len(arrow(race, "step")[0]) == 0


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
    assert "RMSprop is not in the race" in plain(race.explainer.title)
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
    assert "diverged" in plain(race.explainer.text) and len(arrow(race, "step")[0]) == 0
