"""The Loss functions tab as a whole: run_defaults, presentation mode, the texts a student reads."""
import gc

import pytest
from PySide6.QtCore import Qt

from tests.gui.losses.actions import type_cell


def test_run_defaults_restores_everything(qtbot, panel):
    classification, outlier = panel.section("classification"), panel.section("outlier")
    type_cell(qtbot, classification.table, 0, 0, "7")
    panel.section("regression").delta_widget.set_value(10.0)
    outlier.outlier.setPos(5.0, -5.0)
    qtbot.mouseClick(panel.section("ranking").bad_button, Qt.LeftButton)
    panel.show_section("margins")
    panel.run_defaults()
    assert panel.is_idle()
    assert panel.current_section() == "classification"
    assert classification.losses["good"] == pytest.approx(0.1417, abs=5e-5)
    assert not classification.error.isVisible()
    assert panel.section("regression").results["huber"] == pytest.approx(14.9283, abs=5e-5)
    assert panel.section("ranking").loss == pytest.approx(0.55)
    k = outlier.points.outlier_index
    assert outlier.outlier.pos().y() == pytest.approx(outlier.points.y[k])
    for section in panel.sections.values():      # every section at the tutorial's values
        assert {k: v for k, v in section.values().items() if k in section.tutorial_values()} == \
            section.tutorial_values()


def test_presentation_mode_makes_text_readable(qtbot, window, panel):
    # panels of earlier tests' windows linger in reference cycles, still connected to the
    # theme: collect them so only this window hears the change
    gc.collect()
    label = panel.section("classification").loss_label
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: label.font().pointSizeF() >= 18, timeout=2000)
    assert panel.section("regression").curve_plot.getAxis("bottom").style["tickFont"].pointSizeF() >= 18
    assert panel.section("outlier").lines["squared"].opts["pen"].widthF() >= 3
    # the side panes widen instead of clipping: the window still fits a 1280-pixel screen
    assert window.minimumSizeHint().width() <= 1280
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: label.font().pointSizeF() < 18, timeout=2000)


def visible_texts(panel):
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTableWidget

    from gui.plots import StyledPlot
    for w in panel.findChildren(QLabel):
        if w.textFormat() != Qt.RichText:   # rich text spaces with &nbsp; on purpose
            yield w.text()
    for w in panel.findChildren(QAbstractButton):
        yield w.text()
    for w in panel.findChildren(QGroupBox):
        yield w.title()
    for t in panel.findChildren(QTableWidget):
        for c in range(t.columnCount()):
            if t.horizontalHeaderItem(c) is not None:
                yield t.horizontalHeaderItem(c).text()
    for p in panel.findChildren(StyledPlot):
        yield p._title
        yield from p._labels.values()


def test_no_double_spaces_in_labels(panel):
    panel.build_all()                   # sections are built lazily
    texts = [t for t in visible_texts(panel) if t]
    assert "error = y_true − y_pred" in texts and "Huber δ (in units of σ)" in texts
    assert [t for t in texts if "  " in t] == []


def test_presentation_gives_ranking_plot_and_band_check_room(qtbot, window, panel):
    gc.collect()
    rk = panel.section("ranking")
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: rk.loss_label.font().pointSizeF() >= 18, timeout=2000)
    panel.show_section("ranking")
    qtbot.waitExposed(rk.plot)
    # the plot keeps most of the section's height; in the stage view (presentation's default) the
    # pair table is the next tab, so the plot also gets the width
    qtbot.waitUntil(lambda: rk.plot.height() > 0.7 * rk.height(), timeout=2000)
    assert not rk.table_column.isVisible() and rk.plot.width() > 0.6 * rk.width()
    window.set_stage(False)   # the controls come back; in presentation mode the plots still take turns
    qtbot.waitUntil(lambda: rk.controls_scroll.width() > 300, timeout=2000)
    assert not rk.table_column.isVisible()
    rk.turns[0].setCurrentIndex(1)                        # the pair table's tab
    assert rk.table_column.isVisible() and not rk.plot.isVisible()
    rk.turns[0].setCurrentIndex(0)
    panel.show_section("outlier")
    o = panel.section("outlier")
    qtbot.waitExposed(o.band_check)
    right = o.band_check.mapTo(window, o.band_check.rect().topRight()).x()
    assert right <= window.width() - 12
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: rk.loss_label.font().pointSizeF() < 18, timeout=2000)
