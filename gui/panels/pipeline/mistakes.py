"""The selected row's mistakes: its confusion matrix as a heat map with counts, and a gallery of
the test images it gets wrong (true → predicted, the predicted probability), those the baseline
gets right marked and shown first. On data of your own (no images) the gallery is a table of the
misclassified test rows. Click a cell of the matrix to see only its images; click it again for all.

The engine computes everything (:func:`engine.pipeline.pipeline_mistakes`); this module draws it.
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
from PySide6.QtCore import QSize, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QListView, QListWidget, QListWidgetItem, QStackedWidget, \
    QVBoxLayout, QWidget

from engine import pipeline as P
from gui.panels.pipeline.confusion import ConfusionPlot, digit_icon
from gui.panels.pipeline.verdict import WORSE, WORSE_BG
from gui.tables import FrameTable
from gui.theme import theme
from gui.widgets import rich_label

TILE = 40                 # px of an 8x8 digit at the desk (x1.5 in presentation mode)
TABLE_COLUMNS = ("row", "true", "predicted", "probability", "baseline")


class MistakesView(QWidget):
    """The heat map beside the gallery (or the table of rows), under one sentence from the engine."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.found: P.Mistakes | None = None
        self.images: np.ndarray | None = None
        self.rows: np.ndarray | None = None     # the file's row of each test row (your own data)
        self.cell: tuple[int, int] | None = None
        self.title = rich_label("")
        self.plot = ConfusionPlot()
        self.plot.setMinimumSize(140, 120)
        self.plot.cell_clicked.connect(self.show_cell)
        self.only_baseline = QCheckBox("only those the baseline gets right")
        self.only_baseline.setMinimumWidth(60)
        self.only_baseline.setToolTip("Show only the images this model gets wrong and the baseline right")
        self.only_baseline.toggled.connect(self._fill)
        self.gallery = QListWidget()
        self.gallery.setViewMode(QListView.IconMode)
        self.gallery.setResizeMode(QListView.Adjust)
        self.gallery.setMovement(QListView.Static)
        self.gallery.setWordWrap(True)
        self.gallery.setSelectionMode(QListWidget.NoSelection)
        self.table = FrameTable()
        self.table.setToolTip("The test rows this model gets wrong: 'row' is the row of the file (1 = the first "
                              "under the header); 'baseline': the baseline's answer on that row")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.gallery)
        self.stack.addWidget(self.table)
        self.stack.setMinimumWidth(120)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.plot, 1)
        row.addWidget(self.stack, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.only_baseline)
        lay.addLayout(row, 1)
        self.show_mistakes(None)

    def show_pick(self, pick: P.PipelineResult | None, baseline, data, user=None) -> None:
        """The mistakes of results-table row ``pick`` (None: none) on ``data``'s test set, against
        ``baseline``; ``user``: the data set of your own (File → Open data…), if it is one."""
        if pick is None:
            self.show_mistakes(None)
            return
        found = P.pipeline_mistakes(pick, data.y_test, baseline, None if user is None else user.class_names)
        label = pick.label + (" (first seed)" if pick.n_seeds > 1 else "")
        self.show_mistakes(found, label, P.test_images(data), None if user is None else user.test_rows)

    def show_mistakes(self, found: P.Mistakes | None, label: str = "", images=None, rows=None) -> None:
        """``found``: the engine's mistakes of the selected row; ``images``: the test set's 8x8
        digits (None: not digits); ``rows``: the file row of each test row (your own data)."""
        self.found, self.images, self.rows, self.cell = found, images, rows, None
        self.plot.draw(None if found is None else found.matrix, () if found is None else found.class_names)
        self.stack.setCurrentWidget(self.gallery if images is not None or found is None else self.table)
        self.only_baseline.setVisible(found is not None and found.has_baseline)
        if found is None:
            self.title.setText("<b>Mistakes</b>: select a row of the results table to see which test images it "
                               "gets wrong.")
        else:
            noun = "digits" if images is not None else "rows"
            self.title.setText(f"<b>Mistakes</b> of <i>{html.escape(label)}</i>: "
                               f"{html.escape(found.sentence(noun))}")
        self._fill()

    @Slot(int, int)
    def show_cell(self, true: int, predicted: int) -> None:
        """Only the images of one cell off the diagonal; the same cell again (or the diagonal): all."""
        self.cell = None if true == predicted or self.cell == (true, predicted) else (true, predicted)
        self._fill()

    def shown(self) -> list[P.Mistake]:
        """The mistakes the gallery (or table) shows now, in its order."""
        if self.found is None:
            return []
        return [m for m in self.found.mistakes
                if (not self.only_baseline.isChecked() or m.baseline_right)
                and (self.cell is None or (m.true, m.predicted) == self.cell)]

    @Slot()
    def _fill(self) -> None:
        shown = self.shown()
        names = self.found.class_names if self.found is not None else ()
        if self.images is None and self.found is not None:
            rows = [(int(self.rows[m.index]) if self.rows is not None else m.index + 1, names[m.true],
                     names[m.predicted], f"{m.probability:.2f}",
                     "" if m.baseline_right is None else "right" if m.baseline_right else "wrong") for m in shown]
            self.table.set_frame(pd.DataFrame(rows, columns=list(TABLE_COLUMNS), dtype=object))
            self.table.fit_columns()
            return
        self.gallery.clear()
        if self.images is None:
            return
        size = round(TILE * (1.5 if theme().presentation else 1.0))
        self.gallery.setIconSize(QSize(size, size))
        metrics = self.gallery.fontMetrics()
        self.gallery.setGridSize(QSize(max(size, metrics.horizontalAdvance("10→10 0.00")) + 10,
                                       size + 2 * metrics.lineSpacing() + 12))
        for m in shown:
            caption = f"{names[m.true]}→{names[m.predicted]} {m.probability:.2f}"
            item = QListWidgetItem(digit_icon(self.images[m.index], size),
                                   caption + ("\nbaseline ✓" if m.baseline_right else ""))
            base = "" if m.baseline_right is None else \
                "; the baseline gets it right" if m.baseline_right else "; the baseline gets it wrong too"
            item.setToolTip(f"Test image {m.index}: a {names[m.true]} taken for a {names[m.predicted]} with "
                            f"probability {m.probability:.2f}{base}")
            if m.baseline_right:
                item.setBackground(QBrush(QColor(WORSE_BG)))
                item.setForeground(QBrush(QColor(WORSE)))
            self.gallery.addItem(item)
