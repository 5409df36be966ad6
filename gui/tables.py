"""One table model for every results table: a pandas DataFrame shown in a QTableView.

The engine returns DataFrames; a panel hands them over whole (``table.set_frame(df)``) instead of
filling cells one by one. Columns are formatted by ``formats`` (a format spec such as ``".4f"``
or a function of the value; a string cell is shown as it is, e.g. a "…" while a number is
being computed); numbers are right-aligned, missing values read "–"; sorting (click
a header) sorts by the raw values, not by their text; the table can be as tall as its rows
(:meth:`FrameTable.fit_height`) and its columns as wide as their contents.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable

from PySide6.QtCore import QTimer, QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableView

SORT_ROLE = Qt.UserRole
MISSING = "–"


def _missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return not math.isfinite(float(value))
    return False


class FrameModel(QAbstractTableModel):
    """A read-only model of a DataFrame (rows in the frame's order)."""

    def __init__(self, frame=None, formats: dict[str, str | Callable[[Any], str]] | None = None,
                 tips: dict[str, str] | None = None, parent=None):
        super().__init__(parent)
        import pandas as pd
        self._frame = pd.DataFrame() if frame is None else frame
        self.formats = dict(formats or {})
        self.tips = dict(tips or {})
        self.cell_colours: Callable[[int, str], Any] | None = None   # (row, column name) -> QColor or None
        self.cell_foregrounds: Callable[[int, str], Any] | None = None   # (row, column name) -> text QColor or None
        self.cell_tips: Callable[[int, str], str | None] | None = None   # (row, column name) -> tooltip or None
        self.alignment = None    # every cell's Qt alignment (None: numbers right, text left)

    @property
    def frame(self):
        return self._frame

    def set_frame(self, frame) -> None:
        same_shape = list(frame.columns) == list(self._frame.columns) and len(frame) == len(self._frame)
        self._frame = frame
        if same_shape and len(frame):
            # same rows and columns: repaint the cells, keep selection and scroll position
            self.dataChanged.emit(self.index(0, 0), self.index(len(frame) - 1, len(frame.columns) - 1))
        else:
            self.beginResetModel()
            self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self._frame)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self._frame.columns)

    def text(self, row: int, column: int) -> str:
        name = self._frame.columns[column]
        value = self._frame.iat[row, column]
        if _missing(value):
            return MISSING
        if isinstance(value, str):   # e.g. a placeholder "…" in a number column: a format spec would raise
            return value
        fmt = self.formats.get(name)
        if callable(fmt):
            return fmt(value)
        if fmt is not None:
            return format(value, fmt)
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.DisplayRole:
            return self.text(row, column)
        if role == SORT_ROLE:
            value = self._frame.iat[row, column]
            if _missing(value):
                return -math.inf
            return float(value) if isinstance(value, numbers.Real) else str(value)
        if role == Qt.TextAlignmentRole:
            if self.alignment is not None:
                return int(self.alignment)
            value = self._frame.iat[row, column]
            numeric = isinstance(value, numbers.Real) and not isinstance(value, bool)
            return int((Qt.AlignRight if numeric else Qt.AlignLeft) | Qt.AlignVCenter)
        if role == Qt.BackgroundRole and self.cell_colours is not None:
            return self.cell_colours(row, self._frame.columns[column])
        if role == Qt.ForegroundRole and self.cell_foregrounds is not None:
            return self.cell_foregrounds(row, self._frame.columns[column])
        if role == Qt.ToolTipRole and self.cell_tips is not None:
            return self.cell_tips(row, self._frame.columns[column])
        return None

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):  # noqa: N802 (Qt name)
        if orientation != Qt.Horizontal or section >= len(self._frame.columns):
            return None
        name = str(self._frame.columns[section])
        if role == Qt.DisplayRole:
            return name
        if role == Qt.ToolTipRole:
            return self.tips.get(name)
        return None


class FrameTable(QTableView):
    """A QTableView of a :class:`FrameModel` behind a sort proxy.

    ``sortable``: a click on a header sorts by that column's raw values. ``select_rows``: one row
    can be selected (``selected_row()`` gives its index in the frame). ``stretch``: the column
    that takes the width left over (by name; None: every column stretches)."""

    def __init__(self, formats=None, tips=None, sortable: bool = False, select_rows: bool = False,
                 stretch: str | None = None, parent=None):
        super().__init__(parent)
        self.model_ = FrameModel(formats=formats, tips=tips, parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model_)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.stretch = stretch
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSortingEnabled(sortable)
        if sortable:  # frame order until the user clicks a header
            self.horizontalHeader().setSortIndicator(-1, Qt.AscendingOrder)
        if select_rows:
            self.setSelectionBehavior(QAbstractItemView.SelectRows)
            self.setSelectionMode(QAbstractItemView.SingleSelection)
        else:
            self.setSelectionMode(QAbstractItemView.NoSelection)
            self.setFocusPolicy(Qt.NoFocus)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignCenter)
        self.setContextMenuPolicy(Qt.CustomContextMenu)   # right click: Export CSV… (gui/export.py)
        self.customContextMenuRequested.connect(self._context_menu)

    def context_menu(self):
        from gui.export import table_menu
        return table_menu(self)

    def _context_menu(self, pos) -> None:
        self.context_menu().popup(self.viewport().mapToGlobal(pos))

    # ------------------------------------------------------------ content
    @property
    def frame(self):
        return self.model_.frame

    def set_frame(self, frame) -> None:
        columns_changed = list(frame.columns) != list(self.model_.frame.columns)
        self.model_.set_frame(frame)
        if columns_changed:
            self._resize_modes()

    def text(self, row: int, column: int) -> str:
        """The text shown in view row ``row`` (after sorting) and column ``column``."""
        return self.proxy.index(row, column).data(Qt.DisplayRole)

    def texts(self) -> list[list[str]]:
        return [[self.text(r, c) for c in range(self.proxy.columnCount())] for r in range(self.proxy.rowCount())]

    def column_texts(self, name: str) -> list[str]:
        column = list(self.frame.columns).index(name)
        return [self.text(r, column) for r in range(self.proxy.rowCount())]

    def selected_row(self) -> int | None:
        """The selected row's position in the frame (not in the sorted view), or None."""
        rows = self.selectionModel().selectedRows()
        return self.proxy.mapToSource(rows[0]).row() if rows else None

    def select_row(self, frame_row: int) -> None:
        index = self.proxy.mapFromSource(self.model_.index(frame_row, 0))
        self.selectRow(index.row())

    # ------------------------------------------------------------ size
    def _resize_modes(self) -> None:
        header = self.horizontalHeader()
        columns = list(self.frame.columns)
        for c, name in enumerate(columns):
            if self.stretch is None:
                header.setSectionResizeMode(c, QHeaderView.Stretch)
            elif name == self.stretch:
                header.setSectionResizeMode(c, QHeaderView.Stretch)
            else:
                header.setSectionResizeMode(c, QHeaderView.Interactive)

    def fit_columns(self) -> None:
        """Columns as wide as their contents now (not at every update: ResizeToContents measures
        every cell on every change), the stretch column taking the rest."""
        self.resizeColumnsToContents()
        self._resize_modes()
        self._squeeze()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._squeeze()

    def _squeeze(self) -> None:
        """Never a horizontal scroll bar (a projector at 1024x768): columns wider together than
        the view share its width instead; fit_columns() gives them their own widths back."""
        header = self.horizontalHeader()
        count = header.count()
        if count and header.length() > self.viewport().width() + 1 and self.viewport().width() > 0:
            self.setWordWrap(False)   # a squeezed cell elides (its tooltip holds it) rather than grow its row
            for c in range(count):
                header.setSectionResizeMode(c, QHeaderView.Stretch)
            if self.sizePolicy().verticalPolicy() == QSizePolicy.Fixed:
                QTimer.singleShot(0, self, self.fit_height)   # one line a row again (not from within a resize)

    def fit_height(self) -> None:
        """Exactly as tall as the header and the rows: no inner scroll bar."""
        self.resizeRowsToContents()
        header = self.horizontalHeader()
        height = max(header.sizeHint().height(), header.height()) + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.proxy.rowCount()))
        if self.horizontalScrollBar().isVisible():
            height += self.horizontalScrollBar().height()
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setFixedHeight(height)
