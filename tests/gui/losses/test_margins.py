"""Margins: the draggable reader, the base-2 logistic loss, labels clear of the curves."""
import re

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.losses.actions import view_rect


def test_margin_marker_reads_the_losses(qtbot, panel):
    m = panel.section("margins")
    m.marker.setValue(-1.0)
    assert re.search(r"hinge</span></td><td[^>]*>2\.000</td>", m.readout.text())
    assert f"{np.log1p(np.e):.3f}" in m.readout.text()
    m.base2_check.click()
    assert f"{np.log1p(np.e) / np.log(2):.3f}" in m.readout.text()
    xs, ys = m.curves["zero_one"].getData()
    assert set(np.unique(ys)) == {0.0, 1.0}


def test_margin_region_labels_clear_the_marker_and_the_dots_all_show(qtbot, panel):
    m = panel.section("margins")
    panel.show_section("margins")
    qtbot.waitExposed(m.plot)
    vb = m.plot.getPlotItem().vb
    qtbot.waitUntil(lambda: vb.height() > 200, timeout=2000)
    m.marker.setValue(0.5)                   # the default, in the middle of "right but inside margin"
    for slopes in (False, True):
        if m.slopes_check.isChecked() != slopes:
            m.slopes_check.click()
        QApplication.processEvents()
        (_, _), (y0, y1) = vb.viewRange()
        marker_top = y0 + m.marker.span[1] * (y1 - y0)
        middle = view_rect(m.plot, m.region_texts[1])
        assert middle.left() < 0.5 < middle.right()     # the label does straddle the marker's x ...
        for text in m.region_texts:
            r = view_rect(m.plot, text)
            assert r.top() > marker_top, (text.toPlainText(), r.top(), marker_top)  # ... but sits above its end
            for key, curve in m.curves.items():
                xs, ys = curve.getData()
                inside = (xs >= r.left()) & (xs <= r.right())
                assert np.nanmax(ys[inside]) < r.top(), key
    # hinge (0.500) and logistic (0.474) nearly coincide at m = 0.5: a big square behind a small circle
    symbols = list(m.dots.data["symbol"])
    sizes = list(m.dots.data["size"])
    assert symbols[0] != symbols[1] and sizes[0] > 1.5 * sizes[1]   # hinge first: drawn underneath
    assert "■" in m.readout.text() and "●" in m.readout.text()


def test_values_carry_the_check_boxes_and_the_marker(panel):
    m = panel.section("margins")
    m.set_values({"base2": True, "margin": -1.0})
    assert m.values() == {"base2": True, "slopes": False, "margin": -1.0}
    assert f"{np.log1p(np.e) / np.log(2):.3f}" in m.readout.text()
    with pytest.raises(ValueError, match="margin"):
        m.set_values({"margin": 7.0})
    m.reset()
    assert m.values() == {"base2": False, "slopes": False, "margin": 0.5}
