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
