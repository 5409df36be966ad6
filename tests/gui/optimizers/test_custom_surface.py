"""The race's "Custom…" surface: a formula typed by a student, checked while typing."""
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine import surfaces as S
from tests.gui.helpers import plain

ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"


@pytest.fixture
def race(window, qtbot):
    race = window.panel_by_key("optimizers").section("race")
    qtbot.waitUntil(lambda: bool(race.paths) and race.is_idle(), timeout=5000)
    return race


def pick_custom(qtbot, race):
    combo = race.surface_combo
    with qtbot.waitSignal(race.done, timeout=5000):
        combo.setCurrentIndex(combo.findData("custom"))
    qtbot.waitUntil(lambda: race.background_key == "custom", timeout=5000)


def type_formula(qtbot, race, text):
    """Select the line edit's text and type over it, as a student would (the check follows the pause)."""
    line = race.formula_edit.line
    line.selectAll()
    qtbot.keyClicks(line, text)


def test_custom_races_on_the_default_formula_and_shows_its_line_edit(qtbot, race):
    assert race.formula_edit.isHidden()
    pick_custom(qtbot, race)
    assert not race.formula_edit.isHidden() and race.formula_label.isHidden()
    assert race.values()["surface"] == "custom" and race.values()["formula"] == S.FORMULA.default
    assert race.surface.min_value == pytest.approx(-2.0)
    # the preset: Momentum rolls past the local minimum that holds SGD
    assert race.paths["Momentum"].losses[-1] < -1.9 < race.paths["SGD"].losses[-1]
    assert "Estimated minimum f* = -2" in plain(race.lesson_text)
    assert np.isfinite(race.race_plots.convergence.getPlotItem().vb.viewRange()[1]).all()


def test_typing_rosenbrock_races_like_the_built_in_one(qtbot, race):
    pick_custom(qtbot, race)
    race.set_values({"SGD.lr": 0.001, "start_x": -1.5, "start_y": 2.5})
    qtbot.waitUntil(lambda: race.is_idle(), timeout=5000)
    with qtbot.waitSignal(race.done, timeout=5000):
        type_formula(qtbot, race, ROSENBROCK)
    assert race.values()["formula"] == ROSENBROCK and race.formula_edit.error_text() == ""
    assert race.start == [-1.5, 2.5]   # still in the view: the start stays
    built = S.race(S.get("rosenbrock"), {"SGD": {"lr": 0.001}}, start=(-1.5, 2.5), steps=race.values()["steps"])
    np.testing.assert_allclose(race.paths["SGD"].points, built["SGD"].points, rtol=1e-9)
    assert race.surface.minima[0] == pytest.approx((1, 1), abs=1e-4)
    qtbot.waitUntil(lambda: race.race_plots.contour_lines.getData()[0] is not None
                    and len(race.race_plots.contour_lines.getData()[0]) > 0, timeout=5000)


@pytest.mark.parametrize("bad, words", [("x + foo", "'foo'"), ("x ^ 2", "**"), ("log(-1 - x**2)", "no finite value"),
                                         ("__import__('os')", "not allowed")])
def test_a_bad_formula_shows_its_message_and_keeps_the_old_surface(qtbot, race, bad, words):
    pick_custom(qtbot, race)
    before, paths = race.surface, race.paths
    type_formula(qtbot, race, bad)
    qtbot.waitUntil(lambda: race.formula_edit.error.isVisible(), timeout=3000)
    message = plain(race.formula_edit.error)
    assert words in message and "last valid one" in message
    assert race.surface is before and race.paths is paths and race.values()["formula"] == S.FORMULA.default
    assert race.formula_edit.line.text() == bad   # nothing the student typed is lost
    # fixing it clears the message and the race follows
    with qtbot.waitSignal(race.done, timeout=5000):
        type_formula(qtbot, race, "x**2 + y**2")
    assert not race.formula_edit.error.isVisible() and race.values()["formula"] == "x**2 + y**2"
    assert race.surface.min_value == pytest.approx(0, abs=1e-12)


def test_typing_is_debounced(qtbot, race):
    pick_custom(qtbot, race)
    checks = []
    race.formula_edit.accepted.connect(checks.append)
    type_formula(qtbot, race, "x**2 + 2*y**2")   # every keystroke but the last leaves a valid formula too
    qtbot.waitUntil(lambda: bool(checks), timeout=3000)
    assert checks == ["x**2 + 2*y**2"]


def test_no_minimum_in_view_is_said_and_the_race_still_runs(qtbot, race):
    pick_custom(qtbot, race)
    with qtbot.waitSignal(race.done, timeout=5000):
        type_formula(qtbot, race, "x + y")
        qtbot.keyClick(race.formula_edit.line, Qt.Key_Return)
    assert "No minimum inside the view" in plain(race.lesson_text)
    assert all(np.all(np.isfinite(p.losses)) for p in race.paths.values())
    race.transport.set_frame(race.transport.last)   # the last step, as the animation ends
    assert "nan" not in race.summary.text() and "too large" not in race.summary.text()
    # past the edge's f* a path leaves the log axis: no false "arrival" at the floor
    momentum = race.paths["Momentum"].losses
    assert momentum[-1] < race.surface.min_value
    _, shown = race.race_plots.items["Momentum"]["conv"].getData()
    assert np.isnan(shown[-1]) and np.nanmin(shown) > -15   # log10 of what is drawn


def test_leaving_where_the_formula_is_defined_is_said_in_words(qtbot, race):
    pick_custom(qtbot, race)
    race.set_values({"Adam.lr": 0.1})
    with qtbot.waitSignal(race.done, timeout=5000):
        type_formula(qtbot, race, "sqrt(x) + (y - 1)**2")
        qtbot.keyClick(race.formula_edit.line, Qt.Key_Return)
    assert race.paths["Adam"].stopped == "left the region where f is defined"
    race.transport.set_frame(race.transport.last)
    assert "Adam left the region where f is defined at step" in plain(race.summary)
    assert "too large" not in plain(race.summary).split("Adam")[-1]
    race.race_plots.hovered.emit((-2.0, 1.0))   # the pointer over the blank half
    assert "f is not defined here" in race.cursor_label.text()


def test_a_setup_restores_the_formula(qtbot, window, race, tmp_path):
    pick_custom(qtbot, race)
    with qtbot.waitSignal(race.done, timeout=5000):
        type_formula(qtbot, race, "abs(x) + 3*abs(y)")
    saved = window.setup()
    assert saved["topics"]["optimizers"]["race"]["formula"] == "abs(x) + 3*abs(y)"
    path = tmp_path / "mine.json"
    window.setup_commands.save_to(path)
    with qtbot.waitSignal(race.done, timeout=5000):
        race.reset()
    assert race.values()["surface"] == "quadratic" and race.formula_edit.text() == S.FORMULA.default
    window.setup_commands.open_from(path)
    qtbot.waitUntil(lambda: race.is_idle() and race.surface.key == "custom", timeout=5000)
    assert race.values()["formula"] == "abs(x) + 3*abs(y)" and race.formula_edit.line.text() == "abs(x) + 3*abs(y)"
    assert race.surface.formula == "f(x, y) = abs(x) + 3*abs(y)"
    # a set-up file with a forbidden formula is refused whole, with the reason, nothing changed
    bad = json.loads(path.read_text())
    bad["topics"]["optimizers"]["race"].update(formula="__import__('os').system('true')", noise=2.0)
    with pytest.raises(ValueError, match="formula.*not allowed"):
        window.apply_setup(bad)
    assert race.values()["noise"] == saved["topics"]["optimizers"]["race"]["noise"]
    with pytest.raises(ValueError, match="expected a text"):
        window.apply_setup({**bad, "topics": {"optimizers": {"race": {"formula": 3}}}})


def test_the_view_box_zooms_and_a_formula_needing_a_wider_view_says_so(qtbot, race):
    pick_custom(qtbot, race)
    assert not race.view_form.isHidden() and race.surface.view == (-5, 5, -5, 5)
    type_formula(qtbot, race, "log(x - 6) + y**2")   # defined only right of x = 6
    qtbot.waitUntil(lambda: race.formula_edit.error.isVisible(), timeout=3000)
    assert "no finite value anywhere on the view" in plain(race.formula_edit.error)
    with qtbot.waitSignal(race.done, timeout=5000):
        race.view_form["view"].set_value(10.0)   # the old formula on the wider view
    assert race.surface.view == (-10, 10, -10, 10) and race.surface.formula.endswith(S.FORMULA.default)
    with qtbot.waitSignal(race.done, timeout=5000):
        qtbot.keyClick(race.formula_edit.line, Qt.Key_Return)   # the typed one, checked on the new view
    assert race.values()["formula"] == "log(x - 6) + y**2" and race.values()["view"] == 10
    assert race.surface.minima[0][0] > 6 and not race.formula_edit.error.isVisible()
    assert race.start[0] > 6 and np.isfinite(race.surface.f(race.start))   # a start where f is defined
