"""A predict-reveal round (gui/predict.py) as a class plays it, shared by every section's tests:
Predict, one click per target on the plot, Reveal, then the verdict read against the real outcome."""
import pytest
from PySide6.QtCore import QPointF, Qt

from gui.predict import ASKING, REVEALED
from tests.gui.helpers import plain


def click_plot(qtbot, plot, x, y):
    """A left click on the plot's viewport where the data point (x, y) is drawn."""
    scene = plot.getPlotItem().vb.mapViewToScene(QPointF(x, y))
    qtbot.mouseClick(plot.viewport(), Qt.LeftButton, pos=plot.mapFromScene(scene))


def press(qtbot, button):
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.LeftButton)


def start_round(qtbot, section):
    """Press Predict: the outcome hides, the class is asked; returns the predictor."""
    p = section.predictor
    press(qtbot, p.predict_button)
    assert p.state == ASKING and p.predict_button.isChecked() and not p.reveal_button.isEnabled()
    return p


def view_y(plot, fraction):
    """The y value ``fraction`` of the way up the plot's view (0: bottom, 1: top)."""
    y0, y1 = plot.getPlotItem().vb.viewRange()[1]
    return y0 + fraction * (y1 - y0)


def reveal(qtbot, section, timeout=60000):
    p = section.predictor
    press(qtbot, p.reveal_button)
    qtbot.waitUntil(lambda: p.state == REVEALED, timeout=timeout)
    return p


def check_verdicts(p, outcomes: dict, decimals: int):
    """Each target judged against its real outcome: the error, and the sentence the class reads."""
    text = plain(p.label)
    for name, outcome in outcomes.items():
        j = p.judgements[name]
        assert j.outcome == pytest.approx(outcome)
        assert j.error == pytest.approx(outcome - p.points[name])
        assert j.sentence in text
        assert f"{outcome:.{decimals}f}" in j.sentence
    assert text.count("You predicted") == len(outcomes)


def inside_view(p):
    """Every prediction and outcome inside the plot's visible range of the clicked axis."""
    axis = 0 if p.spec.kind == "x" else 1
    lo, hi = p.plot.getPlotItem().vb.viewRange()[axis]
    values = list(p.points.values()) + [j.outcome for j in p.judgements.values() if j.outcome is not None]
    return all(lo <= v <= hi for v in values)
