"""2 · Strength: R² against alpha, the coefficient paths, the draggable alpha lines."""
import numpy as np
import pytest

from tests.gui.helpers import curve_y

STRENGTH = 1


def test_log_axes_write_every_tick_the_same_way(panel):
    s = panel.section("strength")
    for plot in (*s.r2_plots.values(), s.path_plot):
        axis = plot.getAxis("bottom")
        assert axis.tickStrings([-4.0, -2.0, 0.0, 2.0, 3.0], 1.0, 1.0) == ["0.0001", "0.01", "1", "100", "1000"]


def test_the_note_shows_the_penalties_fit_and_the_best_alpha_on_the_grid(panel):
    s = panel.section("strength")
    text = s.note.text()
    assert "<b>L1 (Lasso)</b> alpha 0.1: train R² 0.9958, test R² 0.9963, 19 non-zero" in text
    alpha, r2 = panel.fits.best("ridge")
    assert f"Best ridge test R² on the grid: {r2:.4f} at alpha {alpha:.2g}" in text
    x, _ = s.r2_items["lasso"]["dots"].getData()    # the plot's x axis is log10(alpha)
    assert list(x) == pytest.approx([-1.0, -1.0])


def test_dragging_the_line_on_the_path_sets_alpha(qtbot, panel):
    s, penalties = panel.section("strength"), panel.section("penalties")
    panel.tabs.setCurrentIndex(STRENGTH)
    s.path_combo.setCurrentIndex(s.path_combo.findData("ridge"))
    with qtbot.waitSignal(penalties.drawn, timeout=2000):
        s.path_line.setValue(2.0)  # log10(alpha): what a drag does
    assert penalties.values()["alpha_ridge"] == pytest.approx(100)
    assert penalties.table.texts()[1][0] == "L2 (Ridge)"
    assert float(penalties.table.texts()[1][1]) < 0.99  # a strong penalty costs training fit


def test_elasticnet_path_follows_l1_ratio(qtbot, panel):
    s, penalties = panel.section("strength"), panel.section("penalties")
    panel.tabs.setCurrentIndex(STRENGTH)
    s.path_combo.setCurrentIndex(s.path_combo.findData("elasticnet"))
    first = curve_y(s.path_curves[13]).copy()
    with qtbot.waitSignal(penalties.drawn, timeout=2000):
        s.param_widget("l1_ratio").set_value(0.9)
    assert s.current_path().l1_ratio == pytest.approx(0.9)
    assert not np.allclose(first, curve_y(s.path_curves[13]))
    assert penalties.values()["l1_ratio"] == pytest.approx(0.9)


def test_r2_starts_zoomed_and_test_above_train_is_explained(panel):
    s = panel.section("strength")
    assert s.r2_zoom.isChecked()
    low, high = s.r2_plots["lasso"].viewRange()[1]
    assert low > 0.95 and high < 1.01
    # on the tutorial's split every model scores a little higher on test than on train
    assert "not a mistake" in s.note.text()
    assert "not a mistake" in panel.section("penalties").fit_note.text()
