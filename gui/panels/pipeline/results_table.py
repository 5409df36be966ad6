"""The results table: every pipeline run so far, sortable by value; a click makes a row your pick.

The engine gives the numbers (:func:`engine.pipeline.results_frame`); this module shows them as
the table always read ("0.9757 ± 0.0012", "+1.94 (+7)", "200 limit"), each cell sorting by its
number, the Δ column coloured by the engine's verdict.
"""
from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStyledItemDelegate, QToolTip, QVBoxLayout, QWidget

from engine.datasets import DIGITS_TEST, DIGITS_VAL
from gui.panels.pipeline.verdict import pm, verdict_colour
from gui.tables import FrameTable
from gui.widgets import buttons, rich_label

COLUMNS = ("#", "pipeline", "seeds", "validation", "test", "Δ test", "McNemar p", "iter.", "s")
LABEL, DELTA = "pipeline", "Δ test"
TEST_COLUMNS = ("test", "Δ test", "McNemar p")
PRESENTATION_HIDDEN = ("#", "seeds", "McNemar p", "iter.", "s")   # room for the names at 18 pt (p: verdict)
TIPS = {
    "#": "Order in which the runs finished",
    "pipeline": "What was trained",
    "seeds": "How many seeds were trained (mean ± standard deviation over them)",
    "validation": f"Accuracy on the {DIGITS_VAL} validation images: the score to choose by",
    "test": f"Accuracy on the {DIGITS_TEST} test images: look at it once, for the pipeline chosen on validation",
    "Δ test": "Test accuracy minus the baseline's, in percentage points (first seed's images in brackets)",
    "McNemar p": f"McNemar's exact test against the baseline on the same {DIGITS_TEST} test images: "
                 "below 0.05, the difference is unlikely to be luck",
    "iter.": "Passes over the training data (mean over seeds); 'limit' = stopped at max iterations",
    "s": "Training time, all seeds together",
}


class Shown(float):
    """A number that sorts as itself and reads as ``text``."""

    def __new__(cls, value, text: str):
        number = super().__new__(cls, value)
        number.text = text
        return number


def shown_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The engine's results frame as the table shows it (see the module's docstring)."""
    rows = []
    for r in frame.to_dict("records"):
        n = int(r["seeds"])
        baseline = pd.isna(r["verdict"])
        rows.append((
            Shown(r["#"], str(r["#"])), r["pipeline"], Shown(n, str(n)),
            Shown(r["validation"], pm(r["validation"], r["validation sd"], n)),
            Shown(r["test"], pm(r["test"], r["test sd"], n)),
            Shown(0.0, "baseline") if baseline else
            Shown(r["Δ test"], f"{r['Δ test']:+.2f} ({int(r['Δ images']):+d})"),
            Shown(r["McNemar p"], f"{r['McNemar p']:.3f}"),
            Shown(r["iter."], f"{r['iter.']:.0f}" + (" limit" if r["iteration limit"] else "")),
            Shown(r["s"], f"{r['s']:.1f}"),
        ))
    return pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)


class _Cells(QStyledItemDelegate):
    """The Δ column's text in the verdict's colour; the full pipeline name as a cell's tooltip."""

    def __init__(self, table: "ResultsTable"):
        super().__init__(table.table)
        self.results = table

    def initStyleOption(self, option, index) -> None:  # noqa: N802 (Qt name)
        super().initStyleOption(option, index)
        if index.column() == COLUMNS.index(DELTA):
            verdict = self.results.verdict_at(index)
            if verdict is not None:
                option.palette.setColor(QPalette.Text, QColor(verdict_colour(verdict)))

    def helpEvent(self, event, view, option, index) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.ToolTip and index.isValid() and index.column() == COLUMNS.index(LABEL):
            QToolTip.showText(event.globalPos(), index.data(Qt.DisplayRole), view)
            return True
        return super().helpEvent(event, view, option, index)


class ResultsTable(QWidget):
    """Title, "Pick by validation", the test-set warning and the table itself."""
    picked = Signal(int)        # the user selected this row of the frame
    pick_requested = Signal()   # "Pick by validation" was clicked
    sort_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.frame = pd.DataFrame()          # the engine's results frame
        self._updating = False
        self.warning = rich_label("")
        self.warning.setVisible(False)
        self.table = FrameTable(formats={c: (lambda v: v.text) for c in COLUMNS if c != LABEL}, tips=TIPS,
                                sortable=True, select_rows=True, stretch=LABEL)
        self.table.setItemDelegate(_Cells(self))
        self.table.setToolTip("Click a row to make it your pick; click a column title to sort.")
        self.table.set_frame(pd.DataFrame(columns=list(COLUMNS)))
        self.table.fit_columns()
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        self.table.sortByColumn(0, Qt.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        pick_buttons, (self.pick_val_button,) = buttons(
            ("Pick by validation", "Select the run with the best validation accuracy (the honest choice)",
             self.pick_requested))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        title = QLabel("<b>Results</b>: click a row to compare it with the baseline")
        title.setWordWrap(True)
        top.addWidget(title, 1)
        top.addWidget(pick_buttons)
        lay.addLayout(top)
        lay.addWidget(self.warning)
        lay.addWidget(self.table, 1)

    def set_frame(self, frame: pd.DataFrame, pick_row: int | None) -> None:
        """Show the engine's results frame; ``pick_row``: the frame row to select (None: none)."""
        self.frame = frame
        self._updating = True
        self.table.set_frame(shown_frame(frame))
        self.table.fit_columns()
        self._updating = False
        self.select(pick_row)

    def select(self, frame_row: int | None) -> None:
        """Select (and scroll to) a frame row without emitting ``picked``."""
        self._updating = True
        self.table.clearSelection()
        if frame_row is not None and 0 <= frame_row < len(self.frame):
            self.table.select_row(frame_row)
            self.table.scrollTo(self.table.currentIndex())
        self._updating = False

    def frame_row(self, view_row: int) -> int:
        """The frame row shown at ``view_row`` (after sorting)."""
        return self.table.proxy.mapToSource(self.table.proxy.index(view_row, 0)).row()

    def view_row(self, frame_row: int) -> int:
        return self.table.proxy.mapFromSource(self.table.model_.index(frame_row, 0)).row()

    def verdict_at(self, index) -> str | None:
        verdict = self.frame.iloc[self.table.proxy.mapToSource(index).row()]["verdict"]
        return None if pd.isna(verdict) else verdict

    def sorted_by_test(self) -> bool:
        section = self.table.horizontalHeader().sortIndicatorSection()
        return 0 <= section < len(COLUMNS) and COLUMNS[section] in TEST_COLUMNS

    def show_warning(self, text: str) -> None:
        self.warning.setVisible(bool(text))
        if text:
            self.warning.setText(text)

    def set_presentation(self, presenting: bool) -> None:
        for name in PRESENTATION_HIDDEN:
            self.table.setColumnHidden(COLUMNS.index(name), presenting)
        self.table.fit_columns()

    @Slot()
    def _selection_changed(self) -> None:
        row = self.table.selected_row()
        if not self._updating and row is not None:
            self.picked.emit(row)

    @Slot(int, Qt.SortOrder)
    def _sort_changed(self, column: int, order) -> None:
        self.sort_changed.emit()
