"""The hyper-parameter map of the race: computed on the worker, clicked to race with a cell."""
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from engine import surfaces as S
from engine.hyper_map import default_lrs, default_values
from tests.gui.helpers import plain


@pytest.fixture
def race(window, qtbot):
    p = window.panel_by_key("optimizers")
    race = p.section("race")
    qtbot.waitUntil(lambda: bool(race.paths) and p.is_idle(), timeout=5000)
    return race


def open_map(qtbot, race, **values):
    view = race.map_view
    if values:
        race.set_values(values)
    with qtbot.waitSignal(view.run.done, timeout=10000):
        qtbot.mouseClick(view.run.run_button, Qt.LeftButton)
    return view


def cell_pos(plot, i, j):
    vb = plot.plot.getPlotItem().vb
    return plot.plot.mapFromScene(vb.mapViewToScene(QPointF(j + 0.5, i + 0.5)))


def test_compute_map_shows_the_map_of_the_race_settings_and_hide_takes_it_away(qtbot, race):
    assert not race.map_view.plot.isVisible()
    view = open_map(qtbot, race, map_size=12)
    assert view.plot.isVisible()
    v = race.values()
    lrs, values = default_lrs(v["map_lr_from"], v["map_lr_to"], 12), default_values("momentum", 12)
    expected = S.hyperparameter_map(race.surface, "Momentum", lrs, "momentum", values,
                                    start=(v["start_x"], v["start_y"]), steps=v["steps"])
    np.testing.assert_array_equal(view.plot.gaps, expected)
    np.testing.assert_array_equal(view.result.gaps, expected)
    assert np.isinf(expected).any() and np.isfinite(expected).any()
    assert len(view.plot.crosses.getData()[0]) == np.isinf(expected).sum()   # diverged cells are marked
    assert "Closest to the minimum after 50 steps" in plain(view.run.note)
    # the star is at the race's Momentum setting (lr 0.05, momentum 0.9)
    (x,), (y,) = view.plot.current.getData()
    assert lrs[int(x - 0.5)] <= 0.05 <= lrs[int(x - 0.5) + 1]
    assert values[int(y - 0.5)] <= 0.9 <= values[int(y - 0.5) + 1]
    qtbot.mouseClick(view.hide_button, Qt.LeftButton)
    assert not view.plot.isVisible()
    with qtbot.assertNotEmitted(view.run.worker.busy_changed, wait=400):
        race.set_values({"map_size": 14})   # a hidden map is not recomputed
    assert not view.run.busy


def test_clicking_a_cell_sets_its_values_and_races(qtbot, race):
    view = open_map(qtbot, race, map_size=10)
    i, j = 3, 4
    lr, momentum = view.plot.lrs[j], view.plot.values[i]
    with qtbot.waitSignal(race.done, timeout=5000):
        qtbot.mouseClick(view.plot.plot.viewport(), Qt.LeftButton, pos=cell_pos(view.plot, i, j))
    v = race.values()
    assert v["Momentum.lr"] == lr and v["Momentum.momentum"] == momentum
    path = race.paths["Momentum"]
    assert path.hyperparameters == {"lr": lr, "momentum": momentum}
    assert race.transport.playing
    # the race's final gap is the clicked cell's
    assert path.losses[-1] - race.surface.min_value == view.plot.gaps[i, j]
    (x,), (y,) = view.plot.current.getData()
    assert (x, y) == pytest.approx((j + 0.5, i + 0.5))
    qtbot.waitUntil(lambda: not race.transport.playing, timeout=8000)


def test_clicking_takes_an_optimizer_into_the_race(qtbot, race):
    view = open_map(qtbot, race, map_optimizer="RMSprop", map_size=8)
    assert race.values()["map_param"] == "rho"    # switched to one RMSprop has
    assert not race.boxes["RMSprop"].isChecked()
    with qtbot.waitSignal(race.done, timeout=5000):
        qtbot.mouseClick(view.plot.plot.viewport(), Qt.LeftButton, pos=cell_pos(view.plot, 2, 5))
    assert race.boxes["RMSprop"].isChecked() and "RMSprop" in race.paths
    assert race.values()["RMSprop.rho"] == view.plot.values[2]


def test_the_map_follows_its_settings_and_can_be_cancelled(qtbot, race):
    view = open_map(qtbot, race, map_size=8)
    with qtbot.waitSignal(view.run.done, timeout=10000):
        race.set_values({"map_optimizer": "Adam"})
    assert view.mapped == ("Adam", "beta1") and view.result.optimizer == "Adam"
    race.set_values({"map_size": 120, "steps": 2000})    # a long map
    qtbot.waitUntil(lambda: view.run.busy, timeout=5000)
    qtbot.mouseClick(view.run.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: race.is_idle(), timeout=5000)
    assert "Map cancelled" in plain(view.run.note)


def test_a_bad_lr_range_is_said_in_words(qtbot, race):
    view = open_map(qtbot, race, map_size=6)
    with qtbot.waitSignal(view.run.worker.failed, timeout=5000):
        race.set_values({"map_lr_from": 0.5, "map_lr_to": 0.01})
    qtbot.waitUntil(lambda: race.is_idle(), timeout=5000)
    assert "must be below" in plain(view.run.note)


def test_sgd_cannot_be_mapped():
    from engine.hyper_map import MAP_OPTIMIZER
    assert "SGD" not in MAP_OPTIMIZER.choices and "only a learning rate" in MAP_OPTIMIZER.help
