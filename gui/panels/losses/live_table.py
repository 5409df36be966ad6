"""LiveTable: a short table of numbers whose owner hears every keystroke (the Classification
and Regression sections' editable tables), and ``parse`` turning its cells into numbers."""
from __future__ import annotations

from functools import partial

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLineEdit, QStyledItemDelegate, QTableWidget,
                               QTableWidgetItem)

BAD_CELL = QColor("#f8c9c4")


def table_item(text: str, editable: bool = True, align=Qt.AlignRight | Qt.AlignVCenter) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setTextAlignment(align)
    if not editable:
        it.setFlags(it.flags() & ~Qt.ItemIsEditable)
    return it


class _LiveDelegate(QStyledItemDelegate):
    """Line-edit editor that reports every keystroke to its table."""

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt name)
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        editor.textEdited.connect(partial(self.parent().typed, index.row(), index.column()))
        return editor


class LiveTable(QTableWidget):
    """A table of numbers whose owner hears every keystroke, not only committed edits.

    ``text(row, col)`` returns what the cell shows right now, including text still being
    typed; ``edited`` fires on each keystroke, each commit and when an editor closes.
    Rows are numbered from 0, like the positions in the engine's messages.
    """
    edited = Signal()

    def __init__(self, headers: list[str], read_only: tuple[int, ...] = (), parent=None):
        super().__init__(0, len(headers), parent)
        self.read_only = set(read_only)
        self._live: dict[tuple[int, int], str] = {}
        self.setHorizontalHeaderLabels(headers)
        self.setItemDelegate(_LiveDelegate(self))
        self.itemChanged.connect(self._committed)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                             | QAbstractItemView.AnyKeyPressed)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)

    def _number_rows(self) -> None:
        self.setVerticalHeaderLabels([str(i) for i in range(self.rowCount())])

    def text(self, row: int, col: int) -> str:
        if (row, col) in self._live:
            return self._live[(row, col)]
        it = self.item(row, col)
        return it.text() if it is not None else ""

    def column_texts(self, col: int) -> list[str]:
        return [self.text(r, col) for r in range(self.rowCount())]

    def typed(self, row: int, col: int, text: str) -> None:
        self._live[(row, col)] = text
        self.edited.emit()

    @Slot(object)
    def _committed(self, _item) -> None:
        self.edited.emit()

    def closeEditor(self, editor, hint) -> None:  # noqa: N802 (Qt name)
        super().closeEditor(editor, hint)
        if self._live:
            self._live.clear()
            self.edited.emit()

    def set_cell(self, row: int, col: int, text: str) -> None:
        """Set one cell without emitting ``edited`` (the caller recomputes once)."""
        self.blockSignals(True)
        it = self.item(row, col)
        if it is None:
            self.setItem(row, col, table_item(text, col not in self.read_only))
        elif it.text() != text:
            it.setText(text)
        self.blockSignals(False)

    def set_columns(self, columns: dict[int, list[str]]) -> None:
        n = len(next(iter(columns.values())))
        self.blockSignals(True)
        self._live.clear()
        self.setRowCount(n)
        self._number_rows()
        for col, texts in columns.items():
            for row, t in enumerate(texts):
                self.setItem(row, col, table_item(t, col not in self.read_only))
        self.blockSignals(False)
        self.fit()

    def append_row(self, texts: list[str]) -> None:
        r = self.rowCount()
        self.blockSignals(True)
        self.insertRow(r)
        self._number_rows()
        for c, t in enumerate(texts):
            self.setItem(r, c, table_item(t, c not in self.read_only))
        self.blockSignals(False)
        self.fit()

    def mark(self, bad: set[tuple[int, int]]) -> None:
        """Tint the cells in ``bad``; clear the tint elsewhere (no signal).

        A cell with an open editor is left alone: any change to its item makes the view
        reload the editor from the model, which would throw away what is being typed.
        It is tinted when the editor closes (``closeEditor`` emits ``edited`` again).
        """
        self.blockSignals(True)
        for r in range(self.rowCount()):
            for c in range(self.columnCount()):
                it = self.item(r, c)
                if (it is not None and c not in self.read_only
                        and self.indexWidget(self.model().index(r, c)) is None):
                    want = (r, c) in bad
                    if want != (it.background().style() != Qt.NoBrush):
                        it.setBackground(QBrush(BAD_CELL) if want else QBrush())
        self.blockSignals(False)

    def fit(self) -> None:
        """Show every row and column without scroll bars (the tables here are short)."""
        self.resizeRowsToContents()
        frame = 2 * self.frameWidth()
        h = self.horizontalHeader().height() + frame + sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(h + 2)
        header = self.horizontalHeader()
        # each column as wide as its own content (one width for all, the widest's, made the tables of
        # presentation mode 720 px wide: the page was wider than a 1024 px projector); the extra
        # width of the column goes to every column in proportion (Interactive + resizeEvent)
        pad = 2 * self.style().pixelMetric(self.style().PixelMetric.PM_FocusFrameHMargin) + 8
        self._widths = [max(self.sizeHintForColumn(c), header.sectionSizeHint(c)) + pad
                        for c in range(self.columnCount())]
        self.setMinimumWidth(self.verticalHeader().sizeHint().width() + frame + sum(self._widths) + 2)
        self._spread()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._spread()

    def _spread(self) -> None:
        widths = getattr(self, "_widths", None)
        if not widths:
            return
        extra = max(0, self.viewport().width() - sum(widths))
        total = sum(widths)
        for c, w in enumerate(widths):
            self.horizontalHeader().resizeSection(c, w + extra * w // total)


def parse(texts: list[str], col: int, column_name: str) -> tuple[list[float], list[str], set]:
    """Numbers from cell texts; a cell that is not a number gets a sentence and a tint."""
    values, errors, bad = [], [], set()
    for row, t in enumerate(texts):
        try:
            values.append(float(t.strip().replace("\u2212", "-")))
        except ValueError:
            shown = t.strip()
            errors.append(f"row {row}, {column_name}: " +
                          ("the cell is empty; type a number" if not shown else
                           f"'{shown}' is not a number (use a dot for decimals, e.g. 0.75)"))
            bad.add((row, col))
            values.append(np.nan)
    return values, errors, bad
