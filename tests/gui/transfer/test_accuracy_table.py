"""The accuracy table: the engine's frame, right-aligned, the methods' headers in their colours."""
from PySide6.QtCore import Qt

from engine import transfer as T
from gui.panels.transfer.accuracy_table import WIDEST, AccuracyTableBox
from gui.panels.transfer.style import COLOURS, SHORT


def test_the_table_shows_the_tallys_frame_as_wide_as_a_full_cell(qtbot):
    box = AccuracyTableBox()
    qtbot.addWidget(box)
    tally = T.SweepTally(2)
    box.show_frame(tally.table(SHORT), "")
    table = box.table
    assert table.texts()[0] == ["20", "…", "…", "…"]
    model = table.model_
    for c, m in enumerate(T.METHODS, start=1):
        assert model.headerData(c, Qt.Horizontal) == SHORT[m]
        assert model.headerData(c, Qt.Horizontal, Qt.ForegroundRole).name().lower() == COLOURS[m].lower()
        assert model.data(model.index(0, c), Qt.TextAlignmentRole) == int(Qt.AlignRight | Qt.AlignVCenter)
    box.fit()
    assert table.texts()[0] == ["20", "…", "…", "…"]       # the real texts are back after sizing
    width = table.fontMetrics().horizontalAdvance(WIDEST)
    assert all(table.columnWidth(c) >= width for c in range(1, 4))
    assert table.width() >= table.horizontalHeader().length()
    box.show_frame(tally.table(SHORT), "a note")
    assert box.note.text() == "a note"
