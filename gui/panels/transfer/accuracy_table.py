"""The size sweep's numbers as a table: mean test accuracy ± sd over the repeats, one row per
target size, the methods' headers in their colours; a note beside it (under it in
presentation mode)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractScrollArea, QGridLayout, QHeaderView, QScrollArea, QWidget

from gui.tables import FrameModel, FrameTable
from gui.theme import theme
from gui.widgets import rich_label, set_text
from gui.panels.transfer.style import COLOURS, SHORT

WIDEST = "0.000 ± 0.000"    # the widest cell a column is sized for


class AccuracyModel(FrameModel):
    """Every cell right-aligned (like the numbers), each method's header in its colour."""

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.header_colours = {SHORT[m]: QColor(c) for m, c in COLOURS.items()}

    def data(self, index, role: int = Qt.DisplayRole):
        if role == Qt.TextAlignmentRole and index.isValid():
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return super().data(index, role)

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):  # noqa: N802 (Qt name)
        if role == Qt.ForegroundRole and orientation == Qt.Horizontal and section < len(self.frame.columns):
            return self.header_colours.get(str(self.frame.columns[section]))
        return super().headerData(section, orientation, role)


class AccuracyTableBox(QScrollArea):
    """The title, the table (``table``, a :class:`FrameTable`) and the note (``note``)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = FrameTable(stretch="")          # no column stretches: the table is as wide as its cells
        self.table.model_ = AccuracyModel(parent=self.table)
        self.table.proxy.setSourceModel(self.table.model_)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.note = rich_label("")
        inner = QWidget()
        self.grid = QGridLayout(inner)
        self.grid.setContentsMargins(4, 0, 4, 4)
        self.grid.addWidget(rich_label("<b>Mean test accuracy ± sd over repeats</b>"), 0, 0)
        self.grid.addWidget(self.table, 1, 0, Qt.AlignTop | Qt.AlignLeft)
        self.note.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.place_note()
        self.setWidget(inner)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)

    def show_frame(self, frame, note: str) -> None:
        """The table's rows (a DataFrame from engine.transfer.SweepTally.table) and the note."""
        first = self.table.frame.empty
        self.table.set_frame(frame)
        if first:
            self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Fixed)
            if not frame.empty:
                self.fit()   # sized before any row came (at the first restyle): its cells were elided
        set_text(self.note, note)

    def fit(self) -> None:
        """The table as large as its contents, every column wide enough for a full "mean ± sd"."""
        real = self.table.frame
        widest = real.copy()
        for column in real.columns[1:]:
            widest[column] = WIDEST
        self.table.set_frame(widest)
        self.table.resizeColumnsToContents()
        self.table.fit_height()
        self.table.set_frame(real)                   # the real texts back
        header = self.table.horizontalHeader()
        width = sum(header.sectionSize(c) for c in range(len(real.columns))) + 2 * self.table.frameWidth()
        if theme().presentation:
            # as wide as its cells where there is room; narrower (the columns share the width, no
            # scroll bar) on a 1024 px projector
            self.table.setSizeAdjustPolicy(QAbstractScrollArea.AdjustToContents)
            self.table.setMinimumWidth(0)
            self.table.setMaximumWidth(width + 2)
        else:
            self.table.setFixedWidth(width + 2)

    def place_note(self) -> None:
        """The note beside the table at normal size, under it in presentation mode."""
        grid = self.grid
        grid.removeWidget(self.note)
        if theme().presentation:
            grid.addWidget(self.note, 2, 0, 1, 2)
            grid.setColumnStretch(0, 1)
            grid.setColumnStretch(1, 0)
        else:
            grid.addWidget(self.note, 1, 1)
            grid.setColumnStretch(0, 0)
            grid.setColumnStretch(1, 1)
        grid.setRowStretch(3, 1)
