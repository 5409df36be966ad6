"""The Loss functions tab driven as a student would: typing into tables, moving sliders,
dragging the outlier, clicking presets and the selection guide."""
import gc
import re

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from engine import losses as L
from gui.panels.losses import LossesPanel


@pytest.fixture
def panel(window, qtbot):
    p = window.panel_by_key("losses")
    assert isinstance(p, LossesPanel)
    window.tabs.setCurrentIndex(window.tabs.indexOf(p))
    qtbot.waitUntil(p.is_idle, timeout=2000)
    return p


def start_editing(qtbot, table, row, col) -> QLineEdit:
    """Double-click a cell like a user and return its line editor."""
    table.scrollToItem(table.item(row, col))
    rect = table.visualItemRect(table.item(row, col))
    # a real double-click is press, release, press + double-click, release; QTest's
    # mouseDClick sends only the last part, and the view edits only the cell it saw pressed
    double_click(qtbot, table.viewport(), rect.center())
    index = table.model().index(row, col)
    qtbot.waitUntil(lambda: isinstance(table.indexWidget(index), QLineEdit), timeout=2000)
    editor = table.indexWidget(index)
    editor.selectAll()
    return editor


def commit(qtbot, table, editor) -> None:
    """Return commits through a queued call in Qt's delegate: wait for the editor to close."""
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=2000)


def type_cell(qtbot, table, row, col, text) -> None:
    editor = start_editing(qtbot, table, row, col)
    if text:
        qtbot.keyClicks(editor, text)
    else:
        qtbot.keyClick(editor, Qt.Key_Delete)
    commit(qtbot, table, editor)


def double_click(qtbot, widget, pos) -> None:
    """Press, release, then QTest's double-click: what a user's double-click delivers."""
    qtbot.mouseClick(widget, Qt.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.LeftButton, pos=pos)


def view_to_widget(plot, x, y) -> QPoint:
    vb = plot.getPlotItem().vb
    return plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


# ---------------------------------------------------------------- defaults
def test_defaults_show_the_tutorials_figures(panel):
    assert panel.current_section() == "classification"
    c = panel.classification
    assert c.losses["good"] == pytest.approx(0.1417, abs=5e-5)
    assert c.losses["bad"] == pytest.approx(0.9867, abs=5e-5)
    assert "0.1417" in c.loss_label.text() and "0.9867" in c.loss_label.text()
    r = panel.regression
    assert r.values["mse"] == pytest.approx(1350.0233, abs=5e-5)
    assert r.values["mae"] == pytest.approx(15.1333, abs=5e-5)
    assert r.values["huber"] == pytest.approx(14.9283, abs=5e-5)
    for figure in ("1350.0233", "15.1333", "14.9283"):
        assert figure in r.values_label.text()
    assert r.table.text(5, 3) == "8100"  # the outlier's squared error
    assert panel.ranking.loss == pytest.approx(0.55)
    assert "0.5500" in panel.ranking.loss_label.text()


# ---------------------------------------------------------------- classification
def test_typing_a_prediction_updates_the_loss_as_you_type(qtbot, panel):
    c = panel.classification
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
    c = panel.classification
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
    c = panel.classification
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
    c = panel.classification
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


# ---------------------------------------------------------------- regression
def test_moving_delta_redraws_huber_and_the_table(qtbot, panel):
    r = panel.regression
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
    assert r.values["huber"] == pytest.approx(L.huber(
        [1, 2, 3, 4, 5, 100], [1.1, 2.2, 2.8, 4.1, 5.2, 10], r.delta))
    qtbot.mouseClick(r.delta_buttons[10.0], Qt.LeftButton)
    assert r.delta == 10.0
    assert r.values["huber"] == pytest.approx(141.6783, abs=5e-5)
    assert "141.6783" in r.values_label.text()
    assert r.table.text(5, 5) == "850"  # 10 * (90 - 5)


def test_editing_the_outlier_target(qtbot, panel):
    r = panel.regression
    panel.show_section("regression")
    type_cell(qtbot, r.table, 5, 0, "10")
    assert r.values["mse"] == pytest.approx(L.mse([1, 2, 3, 4, 5, 10], [1.1, 2.2, 2.8, 4.1, 5.2, 10]))
    assert r.table.text(5, 3) == "0"
    type_cell(qtbot, r.table, 5, 1, "")
    assert "row 5, y_pred: the cell is empty" in r.error.text()
    assert r.values["mse"] is None
    assert r.table.item(5, 0).text() == "10"


def send_mouse(widget, kind, pos: QPoint, button, buttons) -> None:
    local = QPointF(pos)
    event = QMouseEvent(kind, local, QPointF(widget.mapToGlobal(pos)), button, buttons, Qt.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(qtbot, plot, start, end, steps=12):
    """Press on ``start`` (view coordinates), move with the button held, release on ``end``.

    QTest's mouseMove carries no pressed buttons, and pyqtgraph starts a drag only on moves
    with the button down, so the events are built by hand.
    """
    viewport = plot.viewport()
    a, b = view_to_widget(plot, *start), view_to_widget(plot, *end)
    send_mouse(viewport, QEvent.MouseMove, a, Qt.NoButton, Qt.NoButton)
    send_mouse(viewport, QEvent.MouseButtonPress, a, Qt.LeftButton, Qt.LeftButton)
    for k in range(1, steps + 1):
        t = k / steps
        p = QPoint(round(a.x() + t * (b.x() - a.x())), round(a.y() + t * (b.y() - a.y())))
        send_mouse(viewport, QEvent.MouseMove, p, Qt.NoButton, Qt.LeftButton)
        qtbot.wait(1)
    send_mouse(viewport, QEvent.MouseButtonRelease, b, Qt.LeftButton, Qt.NoButton)


def test_dragging_the_outlier_moves_the_squared_line_much_more(qtbot, panel):
    o = panel.outlier
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
    o = panel.outlier
    panel.show_section("outlier")
    qtbot.waitExposed(o.plot)
    view = o.plot.getPlotItem().vb.viewRange()
    drag(qtbot, o.plot, (2.0, 15.0), (6.0, 18.0))
    assert o.plot.getPlotItem().vb.viewRange() == view


# ---------------------------------------------------------------- margins
def test_margin_marker_reads_the_losses(qtbot, panel):
    m = panel.margins
    m.marker.setValue(-1.0)
    assert re.search(r"hinge</span></td><td[^>]*>2\.000</td>", m.readout.text())
    assert f"{np.log1p(np.e):.3f}" in m.readout.text()
    m.base2_check.click()
    assert f"{np.log1p(np.e) / np.log(2):.3f}" in m.readout.text()
    xs, ys = m.curves["zero_one"].getData()
    assert set(np.unique(ys)) == {0.0, 1.0}


# ---------------------------------------------------------------- ranking
def test_ranking_presets_report_the_tutorials_losses(qtbot, panel):
    rk = panel.ranking
    qtbot.mouseClick(rk.bad_button, Qt.LeftButton)
    assert rk.loss == pytest.approx(1.40)
    assert "1.4000" in rk.loss_label.text()
    statuses = [rk.table.item(i, 3).text() for i in range(rk.table.rowCount())]
    assert statuses == ["wrong order"] * 6
    assert "item 3 › item 2 › item 1 › item 0" in rk.order_label.text()
    qtbot.mouseClick(rk.good_button, Qt.LeftButton)
    assert rk.loss == pytest.approx(0.55)
    assert "0.5500" in rk.loss_label.text()
    assert {rk.table.item(i, 3).text() for i in range(6)} == {"too close"}


def test_typing_a_score_and_the_margin(qtbot, panel):
    rk = panel.ranking
    spin = rk.score_spins[3]
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "0.8")
    assert rk.loss == pytest.approx(L.pairwise_ranking([0.9, 0.7, 0.4, 0.8], [3, 2, 1, 0]))
    statuses = {rk.table.item(i, 0).text(): rk.table.item(i, 3).text() for i in range(6)}
    assert statuses["2 › 3"] == "wrong order"   # item 2 is more relevant, but 0.8 > 0.4
    assert statuses["0 › 3"] == "too close"     # in order, gap 0.1
    rk.margin_form["margin"].set_value(0.05)
    assert statuses != {} and rk.loss == pytest.approx(L.pairwise_ranking([0.9, 0.7, 0.4, 0.8], [3, 2, 1, 0], 0.05))
    assert rk.table.item(0, 3).text() in ("ok", "too close", "wrong order")
    assert "ok" in {rk.table.item(i, 3).text() for i in range(6)}


# ---------------------------------------------------------------- guide
def test_selection_guide_rows_open_their_demos(qtbot, panel):
    g = panel.guide
    panel.show_section("guide")
    losses = [row.loss for row in g.rows]
    assert losses[:6] == ["Binary cross-entropy", "Categorical cross-entropy", "MSE", "MAE", "Huber", "Pairwise loss"]
    qtbot.mouseClick(g.buttons[losses.index("Pairwise loss")], Qt.LeftButton)
    assert panel.current_section() == "ranking"
    panel.show_section("guide")
    with qtbot.waitSignal(panel.status) as blocker:
        qtbot.mouseClick(g.buttons[losses.index("MAE")], Qt.LeftButton)
    assert panel.current_section() == "outlier"
    assert "MAE" in blocker.args[0]
    panel.show_section("guide")
    rect = g.table.visualItemRect(g.table.item(losses.index("Huber"), 1))
    double_click(qtbot, g.table.viewport(), rect.center())
    assert panel.current_section() == "regression"
    panel.show_section("guide")
    qtbot.mouseClick(g.buttons[-1], Qt.LeftButton)
    assert panel.current_section() == "margins"


# ---------------------------------------------------------------- panel
def test_run_defaults_restores_everything(qtbot, panel):
    type_cell(qtbot, panel.classification.table, 0, 0, "7")
    panel.regression.delta_widget.set_value(10.0)
    panel.outlier.outlier.setPos(5.0, -5.0)
    qtbot.mouseClick(panel.ranking.bad_button, Qt.LeftButton)
    panel.show_section("margins")
    panel.run_defaults()
    assert panel.is_idle()
    assert panel.current_section() == "classification"
    assert panel.classification.losses["good"] == pytest.approx(0.1417, abs=5e-5)
    assert not panel.classification.error.isVisible()
    assert panel.regression.values["huber"] == pytest.approx(14.9283, abs=5e-5)
    assert panel.ranking.loss == pytest.approx(0.55)
    k = panel.outlier.points.outlier_index
    assert panel.outlier.outlier.pos().y() == pytest.approx(panel.outlier.points.y[k])


def test_presentation_mode_makes_text_readable(qtbot, window, panel):
    # panels of earlier tests' windows linger in reference cycles, still connected to the
    # theme: collect them so only this window hears the change
    gc.collect()
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: panel.classification.loss_label.font().pointSizeF() >= 18, timeout=2000)
    assert panel.regression.curve_plot.getAxis("bottom").style["tickFont"].pointSizeF() >= 18
    assert panel.outlier.lines["squared"].opts["pen"].widthF() >= 3
    # the side panes widen instead of clipping: the window still fits a 1280-pixel screen
    assert window.minimumSizeHint().width() <= 1280
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: panel.classification.loss_label.font().pointSizeF() < 18, timeout=2000)


# ---------------------------------------------------------------- UI review fixes
def view_rect(plot, item):
    """An item's bounds in the plot's view coordinates (y up: top() is the lowest y)."""
    return plot.getPlotItem().vb.mapSceneToView(item.sceneBoundingRect()).boundingRect()


def colour_name(pen_or_brush) -> str:
    return pen_or_brush.color().name().lower()


def test_bce_curves_are_neutral_and_the_model_colours_mark_only_the_models(qtbot, panel):
    from gui.panels.losses import C_BAD, C_GOOD
    c = panel.classification
    c.gradient_check.click()
    model_colours = {C_GOOD.lower(), C_BAD.lower()}
    for label, items in c.bce_items.items():
        for key in ("loss", "grad"):
            assert colour_name(items[key].opts["pen"]) not in model_colours, (label, key)
        assert colour_name(items["good"].opts["brush"]) == C_GOOD.lower()
        assert colour_name(items["bad"].opts["brush"]) == C_BAD.lower()
    # both curves drawn alike: the label is in the title, not in a colour
    assert colour_name(c.bce_items[0]["loss"].opts["pen"]) == colour_name(c.bce_items[1]["loss"].opts["pen"])


def test_margin_region_labels_clear_the_marker_and_the_dots_all_show(qtbot, panel):
    m = panel.margins
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


def test_ranking_draws_each_pair_on_its_own_row(qtbot, panel):
    rk = panel.ranking
    panel.show_section("ranking")
    for scores in ((0.9, 0.7, 0.4, 0.1), (0.2, 0.5, 0.8, 0.9), (0.9, 0.7, 0.4, 0.8)):
        rk.set_scores(scores)
        pairs = rk.pairs
        assert len(set(rk.rows_y)) == len(pairs) == 6
        # one straight bar per violated pair, at its own height, as long as the pair's loss
        for item, mask in ((rk.bad_pairs, pairs["misordered"]), (rk.near_pairs, pairs["violated"] &
                                                                 ~pairs["misordered"])):
            xs, ys = item.getData()
            xs = np.zeros((0, 2)) if xs is None or not len(xs) else xs.reshape(-1, 3)[:, :2]
            ys = np.zeros((0, 2)) if ys is None or not len(ys) else ys.reshape(-1, 3)[:, :2]
            np.testing.assert_allclose(ys[:, 0], ys[:, 1])           # horizontal
            np.testing.assert_allclose(ys[:, 0], rk.rows_y[mask.to_numpy()])
            np.testing.assert_allclose(np.abs(xs[:, 1] - xs[:, 0]), pairs["term"][mask])
        ticks = [t for _, t in rk.plot.getAxis("left")._tickLevels[0]]
        assert ticks[1:] == [rk.table.item(i, 0).text() for i in range(6)]  # plot rows in the table's order
    # clicking a pair in the table highlights its row of the plot
    assert not rk.selected_band.isVisible()
    rect = rk.table.visualItemRect(rk.table.item(4, 2))
    qtbot.mouseClick(rk.table.viewport(), Qt.LeftButton, pos=rect.center())
    assert rk.selected_pair() == 4
    assert rk.selected_band.isVisible()
    lo, hi = rk.selected_band.getRegion()
    assert lo < rk.rows_y[4] < hi and not lo < rk.rows_y[3] < hi


def test_selection_guide_rows_share_one_height(qtbot, panel):
    g = panel.guide
    panel.show_section("guide")
    qtbot.waitExposed(g.table)
    heights = {g.table.rowHeight(r) for r in range(g.table.rowCount())}
    assert len(heights) == 1
    h = heights.pop()
    assert all(b.sizeHint().height() <= h for b in g.buttons)
    # the whole table shows, and the notes follow it instead of a blank area
    assert g.table.height() >= g.table.horizontalHeader().height() + h * g.table.rowCount()
    assert g.notes.isVisible() and g.notes.y() >= g.table.geometry().bottom()


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
    texts = [t for t in visible_texts(panel) if t]
    assert "error = y_true − y_pred" in texts and "Huber δ (in units of σ)" in texts
    assert [t for t in texts if "  " in t] == []


def test_presentation_gives_ranking_plot_and_band_check_room(qtbot, window, panel):
    gc.collect()
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: panel.ranking.loss_label.font().pointSizeF() >= 18, timeout=2000)
    panel.show_section("ranking")
    rk = panel.ranking
    qtbot.waitExposed(rk.plot)
    # the pair table sits beside the plot, so the plot keeps most of the section's height
    qtbot.waitUntil(lambda: rk.plot.height() > 0.7 * rk.height(), timeout=2000)
    assert rk.table_column.x() > rk.plot.x() + rk.plot.width() - 1
    panel.show_section("outlier")
    o = panel.outlier
    qtbot.waitExposed(o.band_check)
    right = o.band_check.mapTo(window, o.band_check.rect().topRight()).x()
    assert right <= window.width() - 12
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: panel.ranking.loss_label.font().pointSizeF() < 18, timeout=2000)
