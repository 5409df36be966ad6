"""The Optimizers tab's race driven as a student would."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication

from gui.panels.optimizers import OptimizersPanel
from tests.gui.helpers import plain, type_into


@pytest.fixture
def panel(window, qtbot):
    p = window.panel_by_key("optimizers")
    assert isinstance(p, OptimizersPanel)
    race = p.section("race")
    qtbot.waitUntil(lambda: bool(race.paths) and p.is_idle(), timeout=5000)
    return p


@pytest.fixture
def race(panel):
    return panel.section("race")


def wait_for_new_paths(qtbot, race, action):
    with qtbot.waitSignal(race.done, timeout=5000):
        action()


def test_one_section_without_a_tab_bar_and_its_declarations(panel, race):
    assert list(panel.sections) == ["race"] and not panel.tabs.tabBar().isVisible()
    assert set(race.key_params) <= set(race.values())
    assert race.values() == race.tutorial_values()
    assert race.tutorial_values()["surface"] == "quadratic" and race.tutorial_values()["SGD.lr"] == 0.05
    assert set(race.plots()) == {"paths", "convergence"}
    table = race.tables()["race"]
    assert list(table["optimizer"]) == ["SGD", "Momentum", "Adam"] and list(table["steps"]) == [50, 50, 50]


def test_defaults_reproduce_the_tutorial(race):
    assert set(race.paths) == {"SGD", "Momentum", "Adam"}
    assert len(race.paths["SGD"].points) == 51
    np.testing.assert_allclose(race.paths["SGD"].points[-1], [0.02577, 0.0], atol=5e-6)
    np.testing.assert_allclose(race.paths["Momentum"].points[-1], [-0.33340, -0.09930], atol=5e-6)
    np.testing.assert_allclose(race.paths["Adam"].points[-1], [-0.38375, -0.00964], atol=5e-6)


def test_changing_a_learning_rate_changes_the_path(qtbot, race):
    before = race.paths["SGD"].points.copy()
    spin = race.boxes["SGD"].form["SGD.lr"].editor
    wait_for_new_paths(qtbot, race, lambda: type_into(qtbot, spin, "0.01"))
    after = race.paths["SGD"].points
    assert race.paths["SGD"].hyperparameters["lr"] == pytest.approx(0.01)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after[1], [5 - 0.01 * 10, 2 - 0.01 * 40])  # one SGD step by hand
    np.testing.assert_allclose(race.paths["Adam"].points[-1], [-0.38375, -0.00964], atol=5e-6)


def test_set_values_validates_orders_the_surface_first_and_reset_restores_the_tutorial(qtbot, race):
    with pytest.raises(ValueError, match="SGD.lr"):
        race.set_values({"SGD.lr": -1.0})
    with pytest.raises(ValueError, match="surface"):
        race.set_values({"surface": "nowhere"})
    # the surface's preset and start come first; the values given with it win
    wait_for_new_paths(qtbot, race, lambda: race.set_values({"Adam.lr": 0.3, "surface": "himmelblau", "Nesterov": True}))
    v = race.values()
    assert v["surface"] == "himmelblau" and race.surface_combo.currentData() == "himmelblau"
    assert v["Adam.lr"] == 0.3 and v["SGD.lr"] == 0.01 and v["steps"] == 100 and (v["start_x"], v["start_y"]) == (0, 0)
    assert race.boxes["Nesterov"].isChecked() and set(race.paths) == {"SGD", "Momentum", "Adam", "Nesterov"}
    wait_for_new_paths(qtbot, race, race.reset)
    assert race.values() == race.tutorial_values() and set(race.paths) == {"SGD", "Momentum", "Adam"}
    np.testing.assert_allclose(race.paths["Adam"].points[-1], [-0.38375, -0.00964], atol=5e-6)


def test_play_to_the_end(qtbot, race):
    race.run_form["speed"].set_value(240)
    t = race.transport
    qtbot.mouseClick(t.play_button, Qt.LeftButton)
    assert t.playing
    qtbot.waitUntil(lambda: t.frame == 50 and not t.playing, timeout=5000)
    assert t.label.text() == "step 50 / 50"
    x, y = race.race_plots.items["Adam"]["path"].getData()
    assert len(x) == 51
    assert "Adam f = 0.1482 at (-0.3838, -0.0096)" in plain(race.summary)


def test_step_back_and_forth_with_buttons(qtbot, race):
    t = race.transport
    qtbot.mouseClick(t.step_button, Qt.LeftButton)
    qtbot.mouseClick(t.step_button, Qt.LeftButton)
    assert t.frame == 2
    qtbot.mouseClick(t.back_button, Qt.LeftButton)
    assert t.frame == 1
    x, _ = race.race_plots.items["SGD"]["path"].getData()
    assert len(x) == 2


def test_keys_and_scrubbing_move_the_frame(qtbot, race):
    t = race.transport
    race.setFocus()
    qtbot.keyClick(race, Qt.Key_Right, Qt.ControlModifier)
    qtbot.keyClick(race, Qt.Key_Right, Qt.ControlModifier)
    assert t.frame == 2
    qtbot.keyClick(race, Qt.Key_Left, Qt.ControlModifier)
    assert t.frame == 1
    qtbot.keyClick(race, Qt.Key_End)
    assert t.frame == 50 and t.slider.value() == 50
    qtbot.keyClick(race, Qt.Key_Home)
    assert t.frame == 0
    qtbot.keyClick(race, Qt.Key_Space)
    assert t.playing
    qtbot.keyClick(race, Qt.Key_Space)
    assert not t.playing
    t.slider.setValue(30)   # a scrub
    assert t.frame == 30 and "Step 30" in plain(race.summary)


def view_to_widget(plot, x, y) -> QPoint:
    vb = plot.getPlotItem().vb
    scene = vb.mapViewToScene(QPointF(x, y))
    return plot.mapFromScene(scene)


def test_click_on_the_contour_moves_the_start(qtbot, race):
    contour = race.race_plots.contour
    pos = view_to_widget(contour, -4.0, -2.0)
    wait_for_new_paths(qtbot, race, lambda: qtbot.mouseClick(contour.viewport(), Qt.LeftButton, pos=pos))
    start = race.paths["SGD"].points[0]
    assert start == pytest.approx([-4.0, -2.0], abs=0.1)
    assert "Start (-4.0" in race.start_label.text() or "Start (-3.9" in race.start_label.text()
    assert (race.values()["start_x"], race.values()["start_y"]) == tuple(start)


def test_a_click_beside_the_shaded_square_moves_the_start_too(qtbot, race):
    """The tooltip says "anywhere": the locked aspect shows more than the surface's view box."""
    contour = race.race_plots.contour
    x0, x1, y0, y1 = race.surface.view
    (vx0, vx1), (vy0, vy1) = contour.viewRange()
    assert vx0 < x0 - 0.5 or vy0 < y0 - 0.5           # there is room beside the shaded square
    x = (vx0 + x0) / 2 if vx0 < x0 - 0.5 else (x0 + x1) / 2
    y = (vy0 + y0) / 2 if vy0 < y0 - 0.5 else (y0 + y1) / 2
    pos = view_to_widget(contour, x, y)
    wait_for_new_paths(qtbot, race, lambda: qtbot.mouseClick(contour.viewport(), Qt.LeftButton, pos=pos))
    assert race.paths["SGD"].points[0] == pytest.approx([x, y], abs=0.1)


def test_a_diverging_learning_rate_is_marked_and_the_others_keep_running(qtbot, race):
    wait_for_new_paths(qtbot, race, lambda: race.boxes["SGD"].form["SGD.lr"].set_value(1.0))
    sgd = race.paths["SGD"]
    assert sgd.diverged_at is not None
    qtbot.mouseClick(race.transport.end_button, Qt.LeftButton)
    items = race.race_plots.items["SGD"]
    note = items["note"]
    assert note.isVisible()
    assert note.textItem.toPlainText() == f"SGD diverged at step {sgd.diverged_at}"
    assert f"SGD diverged at step {sgd.diverged_at}" in plain(race.summary)
    assert len(race.paths["Adam"].points) == 51
    # the mark and its label are inside the plot area, where the student can read them
    contour = race.race_plots.contour
    vb = contour.getPlotItem().vb
    assert vb.sceneBoundingRect().contains(note.sceneBoundingRect())
    assert vb.sceneBoundingRect().contains(items["cross"].sceneBoundingRect())
    # the view stays on the surface: no wheel zoom or auto-range button to blow it up to the diverged path
    assert vb.state["mouseEnabled"] == [False, False]
    assert not contour.getPlotItem().autoBtn.isVisible()
    (x0, x1), (y0, y1) = vb.viewRange()
    assert -10 < x0 < x1 < 10 and -10 < y0 < y1 < 10
    _, ys = race.race_plots.convergence.getPlotItem().vb.viewRange()
    assert np.all(np.isfinite(ys))


def test_switching_surface_loads_its_presets(qtbot, race):
    messages = []
    race.status.connect(messages.append)
    combo = race.surface_combo
    wait_for_new_paths(qtbot, race, lambda: combo.setCurrentIndex(combo.findData("rosenbrock")))
    assert race.run_form["steps"].value() == 1000
    assert race.boxes["SGD"].form["SGD.lr"].value() == pytest.approx(0.001)
    assert race.paths["SGD"].points[0] == pytest.approx([-1.5, 2.5])
    assert race.values()["surface"] == "rosenbrock"
    assert messages == ["Rosenbrock valley: learning rates set to values that suit this surface."]
    qtbot.waitUntil(lambda: race.background_key == "rosenbrock", timeout=5000)


def test_enabling_all_seven(qtbot, race):
    for name, box in race.boxes.items():
        if not box.isChecked():
            wait_for_new_paths(qtbot, race, lambda b=box: b.setChecked(True))
    assert len(race.paths) == 7
    assert all(race.values()[name] for name in race.boxes)


def test_close_during_a_long_race_computation_exits_cleanly(qtbot, window, race):
    for box in race.boxes.values():
        box.setChecked(True)
    race.run_form["steps"].set_value(2000)  # about a second of work on the worker
    qtbot.waitUntil(lambda: race.worker.busy, timeout=2000)
    window.close()
    assert all(not w.thread.isRunning() for w in race.workers())


def test_a_slider_pushed_to_its_end_stays_valid(qtbot, race):
    widget = race.boxes["Momentum"].form["Momentum.momentum"]
    wait_for_new_paths(qtbot, race, lambda: widget.slider.setValue(widget.slider.maximum()))
    assert 0.99 < widget.value() < 1.0
    assert race.problems == {}
    assert race.paths["Momentum"].hyperparameters["momentum"] == widget.value()


def test_the_lesson_text_is_shown_whole(race):
    assert plain(race.lesson_text) == race.surface.lesson
    assert "lr < 2 / 20 = 0.1" in plain(race.lesson_text)


def test_close_mid_animation_exits_cleanly(qtbot, window, race):
    race.run_form["speed"].set_value(5)
    race.transport.play()
    qtbot.waitUntil(lambda: race.transport.frame >= 1, timeout=3000)
    window.close()
    assert not race.transport.playing
    assert all(not w.thread.isRunning() for w in race.workers())


def test_presentation_mode_makes_text_readable(qtbot, window, race):
    window.presentation_action.trigger()
    assert QApplication.font().pointSize() >= 18
    tick_font = race.race_plots.contour.getAxis("bottom").style["tickFont"]
    assert tick_font.pointSizeF() >= 18
    assert race.race_plots.items["SGD"]["path"].opts["pen"].widthF() >= 3
    window.presentation_action.trigger()
    assert QApplication.font().pointSize() < 18


def test_hovering_the_contour_reads_out_the_loss(qtbot, race):
    pos = view_to_widget(race.race_plots.contour, 1.0, 0.5)
    qtbot.mouseMove(race.race_plots.contour.viewport(), pos)
    qtbot.waitUntil(lambda: "f = " in race.cursor_label.text(), timeout=2000)
    value = float(race.cursor_label.text().split("f = ")[1].split()[0])
    assert value == pytest.approx(1.0 + 10 * 0.25, rel=0.05)


def test_run_defaults_plays_the_race_to_its_end_and_cancel_pauses_it(qtbot, panel, race):
    race.run_form["speed"].set_value(240)
    panel.run_defaults()
    assert race.transport.playing and not panel.is_idle()
    qtbot.waitUntil(panel.is_idle, timeout=5000)
    assert race.transport.frame == 50
    race.transport.set_frame(0)
    panel.run_defaults()
    panel.cancel()
    assert not race.transport.playing and panel.is_idle()


def test_labels_of_paths_diverging_together_do_not_cover_each_other(qtbot, race):
    def diverge_both():
        race.set_values({"SGD.lr": 1.0, "Momentum.lr": 1.0})

    wait_for_new_paths(qtbot, race, diverge_both)
    qtbot.waitUntil(lambda: race.paths["SGD"].diverged_at is not None
                    and race.paths["Momentum"].diverged_at is not None, timeout=5000)
    qtbot.mouseClick(race.transport.end_button, Qt.LeftButton)
    notes = [race.race_plots.items[name]["note"] for name in ("SGD", "Momentum")]
    assert all(note.isVisible() for note in notes)
    first, second = (note.sceneBoundingRect() for note in notes)
    assert not first.intersects(second)
    vb = race.race_plots.contour.getPlotItem().vb
    assert all(vb.sceneBoundingRect().intersects(note.sceneBoundingRect()) for note in notes)


def test_a_paused_race_exports_and_pins_what_it_shows(qtbot, race):
    """Animation frames hand the points straight to the lines (gui.plots.GrowingCurve): what the
    plots show mid-race is still what an export writes, a pin copies and auto-range fits."""
    from gui.export import curves_frame
    with qtbot.waitSignal(race.done, timeout=5000):
        race.set_values({"steps": 200})   # no dot per step: the fast path
    race.transport.set_frame(120)
    conv = race.race_plots.items["Adam"]["conv"]
    gap = race.race_plots.gaps["Adam"][:121]
    x, y = conv.xData, conv.yData
    assert len(x) == 121 and x[-1] == 120
    np.testing.assert_allclose(y, gap)                               # f − f*, as an export writes it
    np.testing.assert_allclose(conv.getData()[1], np.log10(gap))     # what the log axis draws
    # drawn in the optimizer's colour (the line only gets its pen with data)
    assert conv.curve.opts["pen"].color().name() == race.race_plots.items["Adam"]["path"].opts["pen"].color().name()
    assert conv.curve.opts["pen"].color().name() != "#ffffff"
    frame = curves_frame(race.race_plots.convergence)
    assert (frame["curve"] == "Adam").sum() == 121
    # a theme change sets every pen again: pyqtgraph redraws the lines from its own (older) data
    for plot in (race.race_plots.contour, race.race_plots.convergence):
        plot.restyle()
    assert len(conv.curve.getData()[0]) == len(race.race_plots.items["Adam"]["path"].curve.getData()[0]) == 121
    path_x, path_y = race.race_plots.items["Adam"]["path"].getData()
    np.testing.assert_allclose(np.c_[path_x, path_y], race.paths["Adam"].points[:121])
    # auto-range fits the drawn curve (log10 of its gaps), not a stale or empty one
    lo, hi = conv.dataBounds(1)
    assert lo == pytest.approx(np.log10(gap).min()) and hi == pytest.approx(np.log10(gap).max())
    race.set_values({"steps": 200, "SGD.lr": 0.04})
    qtbot.waitUntil(lambda: race.is_idle(), timeout=5000)
    race.transport.set_frame(30)
    assert len(race.race_plots.items["Adam"]["conv"].xData) == 31   # a new race starts its curves again
