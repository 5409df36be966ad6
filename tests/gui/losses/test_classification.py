"""Classification: typing into the table of predictions, the gradient overlay, the logit sliders."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine import losses as L
from gui.panels.losses.common import C_BAD, C_GOOD
from tests.gui.losses.actions import colour_name, commit, start_editing, type_cell


def test_defaults_show_the_tutorials_figures(panel):
    assert panel.current_section() == "classification"
    c = panel.section("classification")
    assert c.losses["good"] == pytest.approx(0.1417, abs=5e-5)
    assert c.losses["bad"] == pytest.approx(0.9867, abs=5e-5)
    assert "0.1417" in c.loss_label.text() and "0.9867" in c.loss_label.text()


def test_typing_a_prediction_updates_the_loss_as_you_type(qtbot, panel):
    c = panel.section("classification")
    editor = start_editing(qtbot, c.table, 0, 1)
    qtbot.keyClicks(editor, "0.6")          # not committed yet: the label already follows
    expected = L.binary_cross_entropy([1, 0, 1, 1, 0], [0.6, 0.1, 0.8, 0.95, 0.2])
    assert c.losses["good"] == pytest.approx(expected)
    assert f"{expected:.4f}" in c.loss_label.text()
    commit(qtbot, c.table, editor)
    assert c.table.item(0, 1).text() == "0.6"
    assert c.losses["good"] == pytest.approx(expected)
    assert c.losses["bad"] == pytest.approx(0.9867, abs=5e-5)  # the other column is untouched
    _, ys = c.bce_items[1]["good"].getData()                   # the marker moved on the label-1 curve
    assert -np.log(0.6) == pytest.approx(max(ys))


def test_invalid_cells_are_explained_and_nothing_is_lost(qtbot, panel):
    c = panel.section("classification")
    type_cell(qtbot, c.table, 2, 2, "1.5")
    assert c.error.isVisible()
    with pytest.raises(ValueError) as info:
        L.binary_cross_entropy([1, 0, 1, 1, 0], [0.4, 0.6, 1.5, 0.5, 0.7])
    assert str(info.value) in c.error.text()          # the engine's own words
    assert c.losses["bad"] is None and "—" in c.loss_label.text()
    assert c.losses["good"] == pytest.approx(0.1417, abs=5e-5)  # the good column still computes
    assert c.table.item(2, 2).background().color().name() != c.table.item(1, 2).background().color().name()

    type_cell(qtbot, c.table, 1, 0, "abc")
    assert "'abc' is not a number" in c.error.text()
    assert str(info.value) in c.error.text()          # both problems are listed
    assert c.losses["good"] is None
    assert [c.table.item(r, 1).text() for r in range(5)] == ["0.9", "0.1", "0.8", "0.95", "0.2"]

    type_cell(qtbot, c.table, 1, 0, "2")
    with pytest.raises(ValueError) as label_info:
        L.binary_cross_entropy([1, 2, 1, 1, 0], [0.9, 0.1, 0.8, 0.95, 0.2])
    assert str(label_info.value) in c.error.text()
    assert c.error.text().count("labels 0 or 1") == 1  # said once, not once per column

    type_cell(qtbot, c.table, 1, 0, "0")
    type_cell(qtbot, c.table, 2, 2, "0.3")
    assert not c.error.isVisible()
    assert c.losses["good"] == pytest.approx(0.1417, abs=5e-5)
    assert c.losses["bad"] == pytest.approx(0.9867, abs=5e-5)


def test_adding_a_row_and_the_gradient_overlay(qtbot, panel):
    c = panel.section("classification")
    qtbot.mouseClick(c.add_row_button, Qt.LeftButton)
    assert c.table.rowCount() == 6
    expected = L.binary_cross_entropy([1, 0, 1, 1, 0, 1], [0.9, 0.1, 0.8, 0.95, 0.2, 0.5])
    assert c.losses["good"] == pytest.approx(expected)
    qtbot.mouseClick(c.restore_button, Qt.LeftButton)
    assert c.table.rowCount() == 5
    xs, _ = c.bce_items[1]["grad"].getData()
    assert xs is None or len(xs) == 0
    c.gradient_check.click()
    xs, ys = c.bce_items[1]["grad"].getData()
    np.testing.assert_allclose(ys, -1.0 / xs)


def test_logit_sliders_drive_softmax_and_cce(qtbot, panel):
    c = panel.section("classification")
    z = [2.0, 1.0, 0.1]
    assert c.cce_loss == pytest.approx(-np.log(np.exp(2.0) / np.exp(z).sum()))
    c.logit_form["z2"].slider.setValue(c.logit_form["z2"].slider.maximum())  # z2 -> 6
    z = [2.0, 1.0, 6.0]
    assert c.cce_loss == pytest.approx(L.categorical_cross_entropy_from_logits([1, 0, 0], z))
    heights = c.bars.opts["height"]
    np.testing.assert_allclose(heights, L.softmax(z))
    c.true_class.setCurrentIndex(2)
    assert c.cce_loss == pytest.approx(L.categorical_cross_entropy_from_logits([0, 0, 1], z))
    assert f"{c.cce_loss:.4f}" in c.cce_label.text()


def test_values_carry_the_table_and_set_values_checks_before_changing(panel):
    c = panel.section("classification")
    state = c.values()
    assert state["labels"] == ["1", "0", "1", "1", "0"] and state["z0"] == 2.0 and state["true_class"] == 0
    c.set_values({"labels": ["1", "1"], "p_good": ["0.5", "0.5"], "p_bad": ["0.9", "0.9"], "z2": 6.0,
                  "true_class": 2, "gradient": True})
    assert c.losses["bad"] == pytest.approx(L.binary_cross_entropy([1, 1], [0.9, 0.9]))
    assert c.cce_loss == pytest.approx(L.categorical_cross_entropy_from_logits([0, 0, 1], [2.0, 1.0, 6.0]))
    assert c.gradient_check.isChecked()
    for bad, word in (({"labels": ["1"]}, "one length"), ({"true_class": 5, "z0": 1.0}, "true_class"),
                      ({"z0": 99.0, "gradient": False}, "z0")):
        with pytest.raises(ValueError, match=word):
            c.set_values(bad)
    assert c.values()["z0"] == 2.0 and c.gradient_check.isChecked()   # nothing changed
    c.reset()
    assert c.values() == state


def test_bce_curves_are_neutral_and_the_model_colours_mark_only_the_models(qtbot, panel):
    c = panel.section("classification")
    c.gradient_check.click()
    model_colours = {C_GOOD.lower(), C_BAD.lower()}
    for label, items in c.bce_items.items():
        for key in ("loss", "grad"):
            assert colour_name(items[key].opts["pen"]) not in model_colours, (label, key)
        assert colour_name(items["good"].opts["brush"]) == C_GOOD.lower()
        assert colour_name(items["bad"].opts["brush"]) == C_BAD.lower()
    # both curves drawn alike: the label is in the title, not in a colour
    assert colour_name(c.bce_items[0]["loss"].opts["pen"]) == colour_name(c.bce_items[1]["loss"].opts["pen"])


def test_tiny_probabilities_are_readable_and_the_gradient_has_a_key(panel):
    c = panel.section("classification")
    for name, v in (("z0", -6.0), ("z1", 6.0), ("z2", 6.0)):
        c.logit_form[name].set_value(v)
    # p(class 0) = e^-12 / (2 e^6 ...) ≈ 3e-6: "−log 0.000 = 12.69" could not be decoded
    assert "0.000 " not in c.cce_label.text() and "e-06" in c.cce_label.text()
    assert "0.000" != c.bar_texts[0].toPlainText()
    assert not c.grad_key.isVisibleTo(c)
    c.gradient_check.setChecked(True)
    assert c.grad_key.isVisibleTo(c) and "gradient dL/dp" in c.grad_key.text()
    c.gradient_check.setChecked(False)
