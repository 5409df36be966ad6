"""5 · MLP + L2: the tutorial's two networks and one alpha of your own."""
MLP = 4


def test_mlp_with_and_without_l2_as_in_the_tutorial(qtbot, panel):
    s = panel.section("mlp_l2")
    with qtbot.waitSignal(s.done, timeout=30000):
        panel.tabs.setCurrentIndex(MLP)
    rows = [row[:3] for row in s.table.texts()]
    assert rows[:2] == [["0", "1.0000", "0.8700"], ["0.01", "1.0000", "0.8700"]]
    assert rows[2][0] == "1"
    assert "does not change test accuracy" in s.note.text()
    # 100 test samples: two decimals on the bars
    assert [label.toPlainText() for label in s.labels[:4]] == ["1.00", "0.87", "1.00", "0.87"]
    assert list(s.tables()["mlp"]["alpha"]) == [0.0, 0.01, 1.0]
    # a 0-1 axis hid 0.87 against 0.89: the axis starts just below the lowest bar, and says so
    low, high = s.plot.viewRange()[1]
    lowest = min(float(label.toPlainText()) for label in s.labels)
    assert 0.0 < low < lowest and lowest - low <= 0.1 and high > 1.0
    assert f"axis from {low:g}" in s.plot.getAxis("left").labelText


def test_predict_each_networks_test_accuracy_over_its_bar(qtbot, panel):
    import pytest
    from tests.gui.predicting import check_verdicts, click_plot, inside_view, reveal, start_round
    s = panel.section("mlp_l2")
    with qtbot.waitSignal(s.done, timeout=30000):
        panel.tabs.setCurrentIndex(MLP)
    p = start_round(qtbot, s)
    # bars, numbers and table out of sight; the axis from 0, not from just below the hidden bars
    assert s.bars["test"].opacity() == 0 and s.table.isHidden()
    assert s.lesson_box.isHidden()          # it says both tutorial networks score 0.87
    assert s.plot.viewRange()[1] == pytest.approx([0, 1.04]) and s.plot.getAxis("left").labelText == "accuracy"
    assert [t for t, _ in p.targets] == ["alpha 0", "alpha 0.01", "alpha 1"]
    # a click over a bar predicts that bar, whichever the turn: the last bar first
    click_plot(qtbot, s.plot, 2.19, 0.6)
    assert set(p.points) == {"alpha 1"} and "alpha 0" in p.label.text()
    click_plot(qtbot, s.plot, 0.19, 0.9)
    click_plot(qtbot, s.plot, 1.19, 0.8)
    assert p.points == {"alpha 0": 0.9, "alpha 0.01": 0.8, "alpha 1": 0.6}
    p = reveal(qtbot, s)
    check_verdicts(p, {f"alpha {e.alpha:g}": e.test_accuracy for e in s.events}, decimals=2)
    assert "You predicted alpha 0 scores 0.90; it scored 0.87: 0.03 lower. Spot on." in p.label.text()
    assert inside_view(p) and not s.table.isHidden() and not s.lesson_box.isHidden()
    low = s.plot.viewRange()[1][0]
    assert low <= 0.6 and f"axis from {low:g}" in s.plot.getAxis("left").labelText
