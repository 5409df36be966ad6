"""Drag the outlier: the squared-loss line follows it, the view never pans."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.gui.losses.actions import drag


def test_dragging_the_outlier_moves_the_squared_line_much_more(qtbot, panel):
    o = panel.section("outlier")
    panel.show_section("outlier")
    qtbot.waitExposed(o.plot)
    before = o.fit
    start = (o.outlier.pos().x(), o.outlier.pos().y())
    drag(qtbot, o.plot, start, (start[0], -6.0))
    pos = o.outlier.pos()
    assert pos.y() == pytest.approx(-6.0, abs=0.5)
    assert pos.x() == pytest.approx(start[0], abs=0.3)
    after = o.fit
    moved_sq = abs(after.squared.slope - before.squared.slope)
    moved_abs = abs(after.absolute.slope - before.absolute.slope)
    assert moved_sq > 0.2
    assert moved_sq > 10 * moved_abs
    assert abs(after.huber.slope - before.huber.slope) < 0.2 * moved_sq
    xs, ys = o.lines["squared"].getData()
    np.testing.assert_allclose(ys, after.squared.predict(xs))
    assert "three fits took" in o.fit_label.text()
    qtbot.mouseClick(o.put_back, Qt.LeftButton)
    assert o.fit.squared.slope == pytest.approx(before.squared.slope)


def test_dragging_empty_space_does_not_pan_the_view(qtbot, panel):
    o = panel.section("outlier")
    panel.show_section("outlier")
    qtbot.waitExposed(o.plot)
    view = o.plot.getPlotItem().vb.viewRange()
    drag(qtbot, o.plot, (2.0, 15.0), (6.0, 18.0))
    assert o.plot.getPlotItem().vb.viewRange() == view


def test_values_carry_the_outlier_and_the_band(panel):
    o = panel.section("outlier")
    home = o.values()["outlier"]
    o.set_values({"outlier": (5.0, -5.0), "band": True})
    assert o.values()["outlier"] == (5.0, -5.0)
    xs, ys = o.band[0].getData()
    np.testing.assert_allclose(ys, o.fit.huber.predict(xs) - o.fit.huber_threshold)
    with pytest.raises(ValueError, match="outlier"):
        o.set_values({"outlier": (1.0, float("nan"))})
    o.reset()
    assert o.values()["outlier"] == pytest.approx(home) and not o.band_check.isChecked()
