"""Selection guide: the tutorial's table of which loss for which task; each row opens its demo."""
from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QPushButton, QScrollArea, QTableWidget, QVBoxLayout,
                               QWidget)

from engine import losses as L
from gui.lab import Section
from gui.panels.losses.classification import ClassificationSection
from gui.panels.losses.live_table import table_item
from gui.panels.losses.margins import MarginsSection
from gui.panels.losses.outlier import OutlierSection
from gui.panels.losses.ranking import RankingSection
from gui.panels.losses.regression import RegressionSection
from gui.widgets import lesson_label

# the title of each demo a row can open
DEMO_TITLES = {cls.key: cls.title for cls in (ClassificationSection, RegressionSection, OutlierSection,
                                               MarginsSection, RankingSection)}

GUIDE_NOTES = (
    "<b>Reading the guide.</b> Start from what the model predicts:"
    "<ul style='margin-top:2px'>"
    "<li><b>a probability of one class</b> (sigmoid output): binary cross-entropy, −log of the probability "
    "given to the true label;</li>"
    "<li><b>one class out of several</b> (softmax output): categorical cross-entropy; its gradient for the "
    "logits is simply p − y;</li>"
    "<li><b>a number</b>: MSE by default. If a few targets are far off (outliers, typos, rare events), MSE "
    "squares them and lets them steer the fit: in the tutorial's table one bad target makes MSE 1350 "
    "against MAE 15 (the outlier is 15.0 of those 15.13: the loss value still grows with its distance). "
    "The line fitted with MAE, though, ignores how far off they are: moving the outlier further does not "
    "move that line. Huber is squared near 0 and linear beyond δ;</li>"
    "<li><b>an order</b> (search results, recommendations): a pairwise loss only compares scores of items "
    "with different relevance, so adding the same number to every score changes nothing. Their scale does "
    "matter: a margin-1 hinge charges every gap smaller than 1, so multiplying all scores by 10 can bring "
    "its cost to 0.</li></ul>")
GUIDE_PRACTICE = (
    "<b>In practice.</b>"
    "<ul style='margin-top:2px'>"
    "<li><b>The loss goes with the last layer:</b> sigmoid with binary cross-entropy, softmax with categorical "
    "cross-entropy, no activation with MSE, MAE or Huber. Libraries also offer the cross-entropies \"from "
    "logits\", which apply the sigmoid or softmax inside the loss, where it is numerically safer.</li>"
    "<li><b>Never take the log of 0:</b> the tutorial clips predicted probabilities to [10<sup>−15</sup>, "
    "1 − 10<sup>−15</sup>]; a true class predicted with probability exactly 0 would cost infinity.</li>"
    "<li><b>Huber's δ is in the target's units:</b> errors up to δ cost like MSE (halved), larger ones like "
    "MAE times δ. On the tutorial's table δ = 1 gives 14.93 and δ = 10 gives 141.68.</li></ul>")


class GuideSection(Section):
    """The tutorial's selection guide; each row's button opens its demo. Rows share one height."""
    key, title = "guide", "Selection guide"
    lesson = ("The tutorial's loss selection guide. Choose from the <i>task</i> first (what kind of target), then "
              "from the data (outliers?). Each row opens its demo; the last row is the lab's addition.")
    fold_lesson = False
    open_demo = Signal(str, str)  # section key, loss name

    EXTRA = L.LossGuideRow("Binary classification", "Hinge / logistic",
                           "Max-margin view (not in the tutorial's guide)", "margins")

    def build(self) -> None:
        self.rows = list(L.SELECTION_GUIDE) + [self.EXTRA]
        # everything in a scroll area: at 18 pt the notes under the table may not fit the window
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        content = QWidget()
        self.scroll.setWidget(content)
        outer.addWidget(self.scroll)
        lay = QVBoxLayout(content)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.lesson_box)
        self.table = QTableWidget(len(self.rows), 4)
        self.table.setHorizontalHeaderLabels(["Task", "Loss function", "When to use", "Demo"])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.buttons: list[QPushButton] = []
        for i, row in enumerate(self.rows):
            for c, t in enumerate((row.task, row.loss, row.when_to_use)):
                it = table_item(t, editable=False, align=Qt.AlignLeft | Qt.AlignVCenter)
                if row is self.EXTRA:
                    f = it.font()
                    f.setItalic(True)
                    it.setFont(f)
                self.table.setItem(i, c, it)
            title = DEMO_TITLES[self.demo_key(row)]
            b = QPushButton(f"{title} ▸")
            b.setToolTip(f"Open the {title} section")
            b.clicked.connect(partial(self.open_row, i))
            self.table.setCellWidget(i, 3, b)
            self.buttons.append(b)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        lay.addWidget(self.table)
        self.notes = lesson_label(GUIDE_NOTES)
        lay.addWidget(self.notes)
        self.practice = lesson_label(GUIDE_PRACTICE)
        lay.addWidget(self.practice)
        lay.addStretch(1)
        self.restyle()

    def tables(self):
        import pandas as pd
        return {"guide": pd.DataFrame([(r.task, r.loss, r.when_to_use) for r in self.rows],
                                      columns=["Task", "Loss function", "When to use"])}

    @staticmethod
    def demo_key(row: L.LossGuideRow) -> str:
        # the engine names the demo; MAE's "robust to outliers" is what the drag demo shows
        if row.loss == "MAE":
            return "outlier"
        return row.demo

    @Slot(int, int)
    def _double_clicked(self, row: int, _col: int) -> None:
        self.open_row(row)

    def open_row(self, i: int, *_args) -> None:
        row = self.rows[i]
        self.open_demo.emit(self.demo_key(row), row.loss)

    def reset(self) -> None:
        self.table.clearSelection()

    def row_height(self) -> int:
        """One height for every row: a button with room around it, or two lines of wrapped text."""
        text = round(2.2 * self.table.fontMetrics().height())
        button = max(b.sizeHint().height() for b in self.buttons) + 8
        return max(text, button, 40)  # roomy rows in normal mode too: the guide has the space

    def restyle(self) -> None:
        hh = self.table.horizontalHeader()
        for c in (0, 1, 3):
            hh.setSectionResizeMode(c, QHeaderView.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.Stretch)
        h = self.row_height()
        self.table.verticalHeader().setDefaultSectionSize(h)
        for r in range(self.table.rowCount()):
            self.table.setRowHeight(r, h)
        self.table.setFixedHeight(hh.sizeHint().height() + h * self.table.rowCount() + 2 * self.table.frameWidth() + 2)
        super().restyle()
