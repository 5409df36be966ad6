"""The Optimizers tab driven as a student would."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from gui.panels.optimizers import OptimizersPanel
from tests.gui.helpers import plain, type_into


@pytest.fixture
def panel(window, qtbot):
    p = window.panel_by_key("optimizers")
    assert isinstance(p, OptimizersPanel)
    qtbot.waitUntil(lambda: bool(p.paths) and p.is_idle(), timeout=5000)
    return p


def wait_for_new_paths(qtbot, panel, action):
    with qtbot.waitSignal(panel.paths_ready, timeout=5000):
        action()


def test_defaults_reproduce_the_tutorial(panel):
    assert set(panel.paths) == {"SGD", "Momentum", "Adam"}
    assert len(panel.paths["SGD"].points) == 51
    np.testing.assert_allclose(panel.paths["SGD"].points[-1], [0.02577, 0.0], atol=5e-6)
    np.testing.assert_allclose(panel.paths["Momentum"].points[-1], [-0.33340, -0.09930], atol=5e-6)
    np.testing.assert_allclose(panel.paths["Adam"].points[-1], [-0.38375, -0.00964], atol=5e-6)


def test_changing_a_learning_rate_changes_the_path(qtbot, panel):
    before = panel.paths["SGD"].points.copy()
    spin = panel.boxes["SGD"].form["lr"].editor
    wait_for_new_paths(qtbot, panel, lambda: type_into(qtbot, spin, "0.01"))
    after = panel.paths["SGD"].points
    assert panel.paths["SGD"].hyperparameters["lr"] == pytest.approx(0.01)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after[1], [5 - 0.01 * 10, 2 - 0.01 * 40])  # one SGD step by hand
    np.testing.assert_allclose(panel.paths["Adam"].points[-1], [-0.38375, -0.00964], atol=5e-6)


def test_play_to_the_end(qtbot, panel):
    panel.run_form["speed"].set_value(240)
    qtbot.mouseClick(panel.play_button, Qt.LeftButton)
    assert panel.playing
    qtbot.waitUntil(lambda: panel.frame == 50 and not panel.playing, timeout=5000)
    assert panel.frame_label.text() == "step 50 / 50"
    x, y = panel._items["Adam"]["path"].getData()
    assert len(x) == 51
    assert "Adam f = 0.1482 at (-0.3838, -0.0096)" in plain(panel.summary)


def test_step_back_and_forth_with_buttons(qtbot, panel):
    qtbot.mouseClick(panel.step_button, Qt.LeftButton)
    qtbot.mouseClick(panel.step_button, Qt.LeftButton)
    assert panel.frame == 2
    qtbot.mouseClick(panel.back_button, Qt.LeftButton)
    assert panel.frame == 1
    x, _ = panel._items["SGD"]["path"].getData()
    assert len(x) == 2


def view_to_widget(plot, x, y) -> QPoint:
    vb = plot.getPlotItem().vb
    scene = vb.mapViewToScene(QPointF(x, y))
    return plot.mapFromScene(scene)


def test_click_on_the_contour_moves_the_start(qtbot, panel):
    pos = view_to_widget(panel.contour, -4.0, -2.0)
    wait_for_new_paths(qtbot, panel, lambda: qtbot.mouseClick(panel.contour.viewport(), Qt.LeftButton, pos=pos))
    start = panel.paths["SGD"].points[0]
    assert start == pytest.approx([-4.0, -2.0], abs=0.1)
    assert "Start (-4.0" in panel.start_label.text() or "Start (-3.9" in panel.start_label.text()


def test_a_diverging_learning_rate_is_marked_and_the_others_keep_running(qtbot, panel):
    wait_for_new_paths(qtbot, panel, lambda: panel.boxes["SGD"].form["lr"].set_value(1.0))
    sgd = panel.paths["SGD"]
    assert sgd.diverged_at is not None
    qtbot.mouseClick(panel.end_button, Qt.LeftButton)
    note = panel._items["SGD"]["note"]
    assert note.isVisible()
    assert note.textItem.toPlainText() == f"SGD diverged at step {sgd.diverged_at}"
    assert f"SGD diverged at step {sgd.diverged_at}" in plain(panel.summary)
    assert len(panel.paths["Adam"].points) == 51
    # the mark and its label are inside the plot area, where the student can read them
    vb = panel.contour.getPlotItem().vb
    assert vb.sceneBoundingRect().contains(note.sceneBoundingRect())
    assert vb.sceneBoundingRect().contains(panel._items["SGD"]["cross"].sceneBoundingRect())
    # the view stays on the surface: no wheel zoom or auto-range button to blow it up to the diverged path
    assert vb.state["mouseEnabled"] == [False, False]
    assert not panel.contour.getPlotItem().autoBtn.isVisible()
    (x0, x1), (y0, y1) = vb.viewRange()
    assert -10 < x0 < x1 < 10 and -10 < y0 < y1 < 10
    _, ys = panel.convergence.getPlotItem().vb.viewRange()
    assert np.all(np.isfinite(ys))


def test_switching_surface_loads_its_presets(qtbot, panel):
    wait_for_new_paths(qtbot, panel, lambda: panel.set_surface("rosenbrock"))
    assert panel.run_form["steps"].value() == 1000
    assert panel.boxes["SGD"].form["lr"].value() == pytest.approx(0.001)
    assert panel.paths["SGD"].points[0] == pytest.approx([-1.5, 2.5])
    qtbot.waitUntil(lambda: panel._background_key == "rosenbrock", timeout=5000)


def test_enabling_all_seven(qtbot, panel):
    for name, box in panel.boxes.items():
        if not box.isChecked():
            wait_for_new_paths(qtbot, panel, lambda b=box: b.setChecked(True))
    assert len(panel.paths) == 7


def test_close_during_a_long_race_computation_exits_cleanly(qtbot, window, panel):
    for box in panel.boxes.values():
        box.setChecked(True)
    panel.run_form["steps"].set_value(2000)  # about a second of work on the worker
    assert panel.race_worker.busy
    window.close()
    assert all(not w.thread.isRunning() for w in panel.workers())


def test_a_slider_pushed_to_its_end_stays_valid(qtbot, panel):
    widget = panel.boxes["Momentum"].form["momentum"]
    wait_for_new_paths(qtbot, panel, lambda: widget.slider.setValue(widget.slider.maximum()))
    assert 0.99 < widget.value() < 1.0
    assert panel.problems == {}
    assert panel.paths["Momentum"].hyperparameters["momentum"] == widget.value()


def test_the_lesson_text_is_shown_whole(panel):
    assert plain(panel.lesson) == panel.surface.lesson
    assert "lr < 2 / 20 = 0.1" in plain(panel.lesson)


def test_close_mid_animation_exits_cleanly(qtbot, window, panel):
    panel.run_form["speed"].set_value(5)
    panel.play()
    qtbot.waitUntil(lambda: panel.frame >= 1, timeout=3000)
    window.close()
    assert not panel.playing
    assert all(not w.thread.isRunning() for w in panel.workers())


def test_presentation_mode_makes_text_readable(qtbot, window, panel):
    window.presentation_action.trigger()
    assert QApplication.font().pointSize() >= 18
    tick_font = panel.contour.getAxis("bottom").style["tickFont"]
    assert tick_font.pointSizeF() >= 18
    assert panel._items["SGD"]["path"].opts["pen"].widthF() >= 3
    window.presentation_action.trigger()
    assert QApplication.font().pointSize() < 18


def test_hovering_the_contour_reads_out_the_loss(qtbot, panel):
    pos = view_to_widget(panel.contour, 1.0, 0.5)
    qtbot.mouseMove(panel.contour.viewport(), pos)
    qtbot.waitUntil(lambda: "f = " in panel.cursor_label.text(), timeout=2000)
    value = float(panel.cursor_label.text().split("f = ")[1].split()[0])
    assert value == pytest.approx(1.0 + 10 * 0.25, rel=0.05)
