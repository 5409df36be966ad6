"""1 · Penalties: the bar charts, the tutorial's table, the sliders that refit."""
import numpy as np
import pyqtgraph as pg
import pytest

from tests.gui.helpers import type_into

# The tutorial's table (section 2.1), as it prints it
TUTORIAL_TABLE = [
    ["No Regularization", "0.995856", "0.996210", "20"],
    ["L2 (Ridge)", "0.995819", "0.996214", "20"],
    ["L1 (Lasso)", "0.995844", "0.996270", "19"],
    ["ElasticNet", "0.993655", "0.993697", "20"],
]


def title(plot) -> str:
    return plot.getPlotItem().titleLabel.text


def test_the_table_at_the_defaults_is_the_tutorials(panel):
    s = panel.section("penalties")
    assert s.table.texts() == TUTORIAL_TABLE
    assert list(s.tables()["penalties"].columns) == ["Model", "Train R²", "Test R²", "Non-zero coefs"]
    # every informative feature is drawn in the informative colour, the other 15 as noise
    items = s.bar_items["L1 (Lasso)"]
    assert len(items["informative"].opts["x"]) == 5
    assert len(items["noise"].opts["x"]) == 15


def test_each_plot_title_names_the_model_as_the_table_does_and_counts_its_coefficients(qtbot, panel):
    s = panel.section("penalties")
    # the count is in the title, where no bar can run into it (it sat on the 100 gridline)
    for row in s.table.texts():
        text = title(s.bar_plots[row[0]])
        assert text.startswith(row[0]) and f"<b>{row[3]}</b> non-zero" in text
        assert not any(isinstance(item, pg.TextItem) for item in s.bar_plots[row[0]].getPlotItem().items)
    # the lesson's honest claim: at alpha 0.1 Lasso zeroes only one noise coefficient ...
    assert "zeroes <b>1</b> of the 15 noise features and 0 of the 5 informative" in s.fit_note.text()
    # ... and at about 2 all 15, keeping the five real ones
    with qtbot.waitSignal(s.drawn, timeout=2000):
        type_into(qtbot, s.param_widget("alpha_lasso").editor, "2")
    assert "zeroes <b>15</b> of the 15 noise features and 0 of the 5 informative" in s.fit_note.text()
    assert "<b>5</b> non-zero" in title(s.bar_plots["L1 (Lasso)"])


def test_moving_the_lasso_alpha_refits_and_removes_features(qtbot, panel):
    s, strength = panel.section("penalties"), panel.section("strength")
    before = np.array(s.result.coefs["L1 (Lasso)"])
    with qtbot.waitSignal(s.drawn, timeout=2000):
        type_into(qtbot, s.param_widget("alpha_lasso").editor, "10")
    after = np.array(s.result.coefs["L1 (Lasso)"])
    assert not np.allclose(before, after)
    assert int(s.table.texts()[2][3]) <= 5  # only (some of) the 5 informative features survive
    assert s.table.texts()[0] == TUTORIAL_TABLE[0]  # the other models are untouched
    # the slider moved with the spin box, the Strength tab's copy and its alpha lines follow
    assert strength.values()["alpha_lasso"] == pytest.approx(10)
    assert strength.r2_items["lasso"]["line"].value() == pytest.approx(1.0)
    # dragging the slider to its right end: Lasso keeps nothing
    slider = s.param_widget("alpha_lasso").slider
    with qtbot.waitSignal(s.drawn, timeout=2000):
        slider.setValue(slider.maximum())
    assert s.table.texts()[2][3] == "0"
    assert len(s.bar_items["L1 (Lasso)"]["zeros"].data) == 20


def test_values_are_validated_and_reset_to_the_tutorials(qtbot, panel):
    s, strength = panel.section("penalties"), panel.section("strength")
    with pytest.raises(ValueError, match="l1_ratio"):
        s.set_values({"l1_ratio": 2.0})
    with qtbot.waitSignal(s.drawn, timeout=2000):
        s.set_values({"alpha_ridge": 100.0})
    assert strength.values()["alpha_ridge"] == 100.0
    s.reset()
    assert s.values() == strength.values() == s.tutorial_values()
    assert s.table.texts() == TUTORIAL_TABLE
