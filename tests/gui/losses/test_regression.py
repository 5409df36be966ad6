"""Regression: the δ slider, the tutorial's δ buttons, editing the outlier's target."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine import losses as L
from tests.gui.losses.actions import type_cell


def test_defaults_show_the_tutorials_figures(panel):
    r = panel.section("regression")
    assert r.results["mse"] == pytest.approx(1350.0233, abs=5e-5)
    assert r.results["mae"] == pytest.approx(15.1333, abs=5e-5)
    assert r.results["huber"] == pytest.approx(14.9283, abs=5e-5)
    for figure in ("1350.0233", "15.1333", "14.9283"):
        assert figure in r.values_label.text()
    assert r.table.text(5, 3) == "8100"  # the outlier's squared error


def test_moving_delta_redraws_huber_and_the_table(qtbot, panel):
    r = panel.section("regression")
    _, huber_before = r.curves["huber"].getData()
    huber_before = huber_before.copy()
    _, mse_before = r.curves["mse"].getData()
    mse_before = mse_before.copy()
    slider = r.delta_widget.slider
    slider.setFocus()
    for _ in range(40):
        qtbot.keyClick(slider, Qt.Key_Right)
    assert r.delta > 1.0
    _, huber_after = r.curves["huber"].getData()
    assert not np.allclose(huber_before, huber_after)
    np.testing.assert_allclose(r.curves["mse"].getData()[1], mse_before)
    np.testing.assert_allclose(huber_after, L.regression_loss_curves(np.linspace(-5, 5, 401), r.delta)["huber"])
    assert r.results["huber"] == pytest.approx(L.huber(
        [1, 2, 3, 4, 5, 100], [1.1, 2.2, 2.8, 4.1, 5.2, 10], r.delta))
    qtbot.mouseClick(r.delta_buttons[10.0], Qt.LeftButton)
    assert r.delta == 10.0
    assert r.results["huber"] == pytest.approx(141.6783, abs=5e-5)
    assert "141.6783" in r.values_label.text()
    assert r.table.text(5, 5) == "850"  # 10 * (90 - 5)


def test_editing_the_outlier_target(qtbot, panel):
    r = panel.section("regression")
    panel.show_section("regression")
    type_cell(qtbot, r.table, 5, 0, "10")
    assert r.results["mse"] == pytest.approx(L.mse([1, 2, 3, 4, 5, 10], [1.1, 2.2, 2.8, 4.1, 5.2, 10]))
    assert r.table.text(5, 3) == "0"
    type_cell(qtbot, r.table, 5, 1, "")
    assert "row 5, y_pred: the cell is empty" in r.error.text()
    assert r.results["mse"] is None
    assert r.table.item(5, 0).text() == "10"


def test_values_carry_the_targets(panel):
    r = panel.section("regression")
    r.set_values({"y_true": ["1", "3"], "y_pred": ["2", "1"], "delta": 10.0})
    assert r.results["mse"] == pytest.approx(2.5) and r.table.rowCount() == 2
    assert r.values() == {"delta": 10.0, "y_true": ["1", "3"], "y_pred": ["2", "1"]}
    with pytest.raises(ValueError, match="one length"):
        r.set_values({"y_true": ["1"]})
    r.reset()
    assert r.results["mse"] == pytest.approx(1350.0233, abs=5e-5) and r.delta == 1.0
