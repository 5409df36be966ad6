"""Ranking: the tutorial's presets, typed scores, one plot row per pair."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine import losses as L


def test_defaults_show_the_tutorials_figures(panel):
    rk = panel.section("ranking")
    assert rk.loss == pytest.approx(0.55)
    assert "0.5500" in rk.loss_label.text()


def test_ranking_presets_report_the_tutorials_losses(qtbot, panel):
    rk = panel.section("ranking")
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
    rk = panel.section("ranking")
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


def test_ranking_draws_each_pair_on_its_own_row(qtbot, panel):
    rk = panel.section("ranking")
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


def test_values_carry_scores_and_relevance(panel):
    rk = panel.section("ranking")
    rk.set_values({"scores": [0.2, 0.5, 0.8, 0.9], "relevance": [3, 2, 1, 0], "margin": 1.0})
    assert rk.loss == pytest.approx(1.40)
    for bad, word in (({"scores": [1, 2]}, "scores"), ({"relevance": [0, 1, 2, 10]}, "relevance"),
                      ({"margin": 5.0, "scores": [0.9, 0.7, 0.4, 0.1]}, "margin")):
        with pytest.raises(ValueError, match=word):
            rk.set_values(bad)
    assert rk.loss == pytest.approx(1.40)          # nothing changed
    rk.reset()
    assert rk.values() == {"margin": 1.0, "scores": [0.9, 0.7, 0.4, 0.1], "relevance": [3, 2, 1, 0]}
