"""Selection guide: its rows open their demos and share one height."""
from PySide6.QtCore import Qt

from tests.gui.losses.actions import double_click


def test_selection_guide_rows_open_their_demos(qtbot, panel):
    g = panel.section("guide")
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


def test_selection_guide_rows_share_one_height(qtbot, panel):
    g = panel.section("guide")
    panel.show_section("guide")
    qtbot.waitExposed(g.table)
    heights = {g.table.rowHeight(r) for r in range(g.table.rowCount())}
    assert len(heights) == 1
    h = heights.pop()
    assert all(b.sizeHint().height() <= h for b in g.buttons)
    # the whole table shows, and the notes follow it instead of a blank area
    assert g.table.height() >= g.table.horizontalHeader().height() + h * g.table.rowCount()
    assert g.notes.isVisible() and g.notes.y() >= g.table.geometry().bottom()


def test_the_guide_says_only_what_is_true():
    from gui.panels.losses.guide import GUIDE_NOTES
    # a margin-1 pairwise hinge is shift-invariant only: scores x10 change its cost
    assert "scale does not matter" not in GUIDE_NOTES and "Their scale does matter" in GUIDE_NOTES
    # "MAE ignores how far they are" was true of the fitted line, not of the loss value
    assert "15.0 of those 15.13" in GUIDE_NOTES and "The line fitted with MAE" in GUIDE_NOTES
