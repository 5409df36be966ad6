"""Loss functions lab: every loss of the tutorial's section 1, live, with its gradient.

Inner tabs: classification (BCE curves, an editable table of labels and predictions,
categorical cross-entropy through a softmax), regression (MSE/MAE/Huber curves and the
tutorial's outlier table), the outlier demo (a scatter with one draggable point and the
squared-, absolute- and Huber-loss lines), margins (hinge, logistic, zero-one), ranking (the
tutorial's four items) and the tutorial's selection guide, whose rows open the demos. The
regression part of the tutorial fills two tabs so that each stays readable at 18 pt on a
1280x800 projector.

Everything here is cheap: the engine's losses take microseconds and ``engine.robust_fit``'s
fast solvers refit the three lines in well under a millisecond (benchmarks/bench_losses_gui.py
measures slider-to-repaint and drag-to-repaint), so the panel computes on the UI thread and
needs no worker.
"""
from __future__ import annotations

import dataclasses
import time
from functools import partial

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QScrollArea, QSpinBox,
                               QSplitter, QStyledItemDelegate, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from engine import losses as L
from engine import robust_fit as R
from engine.params import Param
from gui.params import ParamForm
from gui.panels.base import TopicPanel
from gui.widgets import lesson_label
from gui.plots import StyledPlot, finite_or_nan
from gui.theme import GREY, OKABE_ITO, theme

SECTIONS = ("classification", "regression", "outlier", "margins", "ranking", "guide")
SECTION_TITLES = {"classification": "Classification", "regression": "Regression", "outlier": "Drag the outlier",
                  "margins": "Margins", "ranking": "Ranking", "guide": "Selection guide"}

# the tutorial's figures (section 1)
TUTORIAL_LABELS = (1, 0, 1, 1, 0)
TUTORIAL_GOOD = (0.9, 0.1, 0.8, 0.95, 0.2)
TUTORIAL_BAD = (0.4, 0.6, 0.3, 0.5, 0.7)
TUTORIAL_Y_TRUE = (1.0, 2.0, 3.0, 4.0, 5.0, 100.0)
TUTORIAL_Y_PRED = (1.1, 2.2, 2.8, 4.1, 5.2, 10.0)
TUTORIAL_RELEVANCE = (3, 2, 1, 0)
GOOD_SCORES = (0.9, 0.7, 0.4, 0.1)
BAD_SCORES = (0.2, 0.5, 0.8, 0.9)

# one colour per idea, the same in every plot of the tab
C_MSE, C_MAE, C_HUBER = OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2]
C_GOOD, C_BAD = OKABE_ITO[0], OKABE_ITO[1]
C_OUTLIER = OKABE_ITO[3]
C_HINGE, C_LOGISTIC, C_ZERO_ONE = OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[6]
C_MISORDERED, C_INSIDE = "#D55E00", "#E69F00"
# the BCE curves belong to no model: blue and orange are the good and bad model's markers
C_BCE = "#333333"
BAD_CELL = QColor("#f8c9c4")
MISORDERED_ROW = QColor("#f8c9c4")
INSIDE_ROW = QColor("#fbe3b0")
OK_ROW = QColor("#d5efe3")

# logits of the three-class example; declared here because the engine's softmax takes any
# finite logits and only the slider needs a range
LOGITS = tuple(Param(f"z{k}", f"logit z{k}", v, minimum=-6.0, maximum=6.0, decimals=2,
                     help=f"Raw score of class {k}; softmax turns the three logits into probabilities.")
               for k, v in enumerate((2.0, 1.0, 0.1)))
# the engine allows margins up to 100; on a slider that long the tutorial's margin of 1 is a
# few pixels from the end, so the slider spans [0, 3] (the engine still validates)
RANKING_MARGIN = dataclasses.replace(L.RANKING_MARGIN, maximum=3.0, decimals=2)
# a shorter label than the engine's; "Huber" in it, not in a separate label (two labels side by
# side read as a double space)
FIT_DELTA = dataclasses.replace(R.FIT_DELTA, label="Huber δ (in units of σ)")

BCE_P = np.linspace(0.01, 0.99, 197)             # the tutorial's probability range
REGRESSION_ERRORS = np.linspace(-5.0, 5.0, 401)  # the tutorial's error range
MARGIN_RANGE = (-3.0, 3.0)
# the margin plot's top strip holds the region labels: no curve reaches it (in view the hinge
# peaks at 4, the logistic loss in bits at 4.37) and the draggable marker stops below it
MARGIN_CURVES_TOP, MARGIN_VIEW_TOP = 4.5, 5.6
# the marker's dots: a large square behind a small circle, so a hinge value hidden under the
# logistic one (m = 0.5: 0.500 and 0.474) still shows as the square's rim
MARGIN_DOTS = {"hinge": ("s", 1.9), "logistic": ("o", 1.05), "zero_one": ("t1", 1.3)}
MARGIN_GLYPHS = {"hinge": "■", "logistic": "●", "zero_one": "▲"}
DEMO_VIEW = (-0.5, 10.5, -8.0, 20.0)             # x0, x1, y0, y1 of the drag demo
PANE_MAX_WIDTH = 720


def _margin_grid() -> np.ndarray:
    m = np.linspace(*MARGIN_RANGE, 601)
    # a point just right of 0 draws the zero-one loss's jump as a vertical step
    return np.sort(np.concatenate([m, [np.nextafter(0.0, 1.0)]]))


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def _item(text: str, editable: bool = True, align=Qt.AlignRight | Qt.AlignVCenter) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setTextAlignment(align)
    if not editable:
        it.setFlags(it.flags() & ~Qt.ItemIsEditable)
    return it


def _no_mouse(plot: StyledPlot) -> None:
    """Fixed views: a stray drag must not pan a plot the teacher has set up."""
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()


class KeyLabel(QLabel):
    """The key of a plot, as a line of text under it.

    Not a pyqtgraph LegendItem: a LegendItem inside the PlotItem's layout crashes the
    interpreter when the window is destroyed (its Python sizeHint is called while the scene
    is being torn down), and a QLabel follows the theme's font by itself.
    """

    def __init__(self, entries: list[tuple[str, str, bool]]):
        super().__init__()
        self.setTextFormat(Qt.RichText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignCenter)
        self.entries = list(entries)
        self._show()

    def set_text(self, index: int, text: str) -> None:
        colour, _, dashed = self.entries[index]
        self.entries[index] = (colour, text, dashed)
        self._show()

    def _show(self) -> None:
        self.setText(" &nbsp;&nbsp; ".join(
            f"<span style='color:{c}'><b>{'╍╍' if dashed else '━━'}</b></span>&nbsp;{t}"
            for c, t, dashed in self.entries))


def big_label(text: str = "", scale: float = 1.15) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.RichText)
    label.setWordWrap(True)
    label.setProperty("font_scale", scale)
    label.setFont(theme().font(scale, bold=True))
    return label


def error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.RichText)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    label.setVisible(False)
    return label


def _engine_error(fn, *args) -> str | None:
    """The engine's ValueError message for ``fn(*args)``, or None if the input is valid."""
    try:
        fn(*args)
    except ValueError as exc:
        return str(exc)
    return None


def _err_html(messages: list[str]) -> str:
    if not messages:
        return ""
    rows = "".join(f"<li>{m}</li>" for m in dict.fromkeys(messages))
    return f"<span style='color:#b00000'><b>Cannot compute:</b></span><ul style='margin:0'>{rows}</ul>"


# ============================================================================ tables
class _LiveDelegate(QStyledItemDelegate):
    """Line-edit editor that reports every keystroke to its table."""

    def createEditor(self, parent, option, index):
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
        self.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
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
            self.setItem(row, col, _item(text, col not in self.read_only))
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
                self.setItem(row, col, _item(t, col not in self.read_only))
        self.blockSignals(False)
        self.fit()

    def append_row(self, texts: list[str]) -> None:
        r = self.rowCount()
        self.blockSignals(True)
        self.insertRow(r)
        self._number_rows()
        for c, t in enumerate(texts):
            self.setItem(r, c, _item(t, c not in self.read_only))
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
        # Stretch gives every column the same width, so each needs room for the widest
        pad = 2 * self.style().pixelMetric(self.style().PixelMetric.PM_FocusFrameHMargin) + 8
        widest = max(max(self.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(self.columnCount()))
        columns = self.columnCount() * (widest + pad)
        self.setMinimumWidth(self.verticalHeader().sizeHint().width() + frame + columns + 2)


def _parse(texts: list[str], col: int, column_name: str) -> tuple[list[float], list[str], set]:
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


# ============================================================================ layout helpers
class SidePane(QScrollArea):
    """The controls-and-text column of a section: scrolls vertically, never clips sideways.

    Its minimum width follows its content (tables, forms, check boxes), up to PANE_MAX_WIDTH,
    so presentation mode widens it instead of cutting text off.
    """

    def __init__(self, preferred: int):
        super().__init__()
        self.preferred = preferred
        self.content = QWidget()
        self.column = QVBoxLayout(self.content)
        self.column.setContentsMargins(6, 6, 6, 6)
        self.setWidget(self.content)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.setFrameShape(QScrollArea.NoFrame)

    def add(self, widget: QWidget, stretch: int = 0) -> QWidget:
        self.column.addWidget(widget, stretch)
        return widget

    def refit(self) -> int:
        bar = self.verticalScrollBar().sizeHint().width()
        need = self.content.minimumSizeHint().width() + bar + 4
        self.setMinimumWidth(min(need, PANE_MAX_WIDTH))
        return max(self.minimumWidth(), self.preferred)


class Section(QWidget):
    """One inner tab: a SidePane on the left and plots on the right, in a splitter."""

    def __init__(self, pane_width: int, parent=None):
        super().__init__(parent)
        self.pane = SidePane(pane_width)
        self.split = QSplitter(Qt.Horizontal)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.pane)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.split)

    def set_main(self, widget: QWidget) -> None:
        self.split.addWidget(widget)
        self.split.setStretchFactor(1, 1)
        self.balance()

    def balance(self) -> None:
        left = self.pane.refit()
        total = self.split.width() if self.split.width() > 400 else 1280
        self.split.setSizes([left, max(total - left, 200)])

    def reset(self) -> None:
        pass

    def restyle(self) -> None:
        """Called after the theme's fonts have reached every widget."""
        for label in self.findChildren(QLabel):
            scale = label.property("font_scale")
            if scale is not None:
                label.setFont(theme().font(float(scale), bold=True))
        for table in self.findChildren(LiveTable):
            table.fit()
        for form in self.findChildren(ParamForm):
            for w in form.widgets.values():
                if w.slider is not None:  # room for "-0.000" at any font size
                    w.editor.setMinimumWidth(w.editor.fontMetrics().horizontalAdvance("-00.000") + 30)
        for plot in self.findChildren(StyledPlot):
            # room right of the view for half a tick label: a tick on the right edge ("1.0", "3")
            # was cut in half by the widget's border
            plot.getPlotItem().layout.setContentsMargins(1, 1, round(theme().font_pt * 1.3), 1)
        self.balance()


# ============================================================================ classification
class ClassificationSection(Section):
    """BCE curves, the editable table of the tutorial's predictions, and CCE through a softmax."""
    recomputed = Signal()

    def __init__(self, parent=None):
        super().__init__(400, parent)
        self.losses: dict[str, float | None] = {"good": None, "bad": None}
        self.cce_loss = float("nan")
        self._build()
        self.reset()

    def _build(self) -> None:
        pane = self.pane
        pane.add(lesson_label(
            "<b>Binary cross-entropy</b> is −log of the probability given to the true label. A confident "
            "<i>wrong</i> prediction costs far more than a timid right one and its slope dL/dp explodes: "
            "training pushes hardest on the worst mistakes. Markers: the table's predictions."))
        table_box = QGroupBox("BCE of the tutorial's examples")
        tl = QVBoxLayout(table_box)
        self.table = LiveTable(["label y", "p (good)", "p (bad)"])
        self.table.setToolTip("Double-click a cell to edit it. Labels must be 0 or 1, predictions "
                              "probabilities between 0 and 1. The losses update as you type.")
        self.table.edited.connect(self.recompute)
        tl.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_row_button = QPushButton("+ row")
        self.add_row_button.setToolTip("Add an example")
        self.add_row_button.clicked.connect(self.add_row)
        self.remove_row_button = QPushButton("− row")
        self.remove_row_button.setToolTip("Remove the last example")
        self.remove_row_button.clicked.connect(self.remove_row)
        self.restore_button = QPushButton("Tutorial values")
        self.restore_button.clicked.connect(self.reset_table)
        for b in (self.add_row_button, self.remove_row_button, self.restore_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        tl.addLayout(buttons)
        self.loss_label = big_label()
        tl.addWidget(self.loss_label)
        self.error = error_label()
        tl.addWidget(self.error)
        pane.add(table_box)
        self.gradient_check = QCheckBox("Overlay the gradient dL/dp")
        self.gradient_check.setToolTip("Dashed: what an optimizer feels, −1/p for label 1 and 1/(1 − p) for "
                                       "label 0 (−100 at p = 0.01, off the chart).")
        self.gradient_check.toggled.connect(self.draw_curves)
        pane.add(self.gradient_check)
        pane.add(lesson_label(
            "<b>Categorical cross-entropy</b> (below the curves): softmax turns three logits into "
            "probabilities; the loss is −log of the true class's probability (the green bar). Its gradient "
            "for the logits is p − y: the true class is pushed up, the others down, each by how wrong it is."))
        pane.column.addStretch(1)

        # right: BCE plots on top, CCE below
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 6, 6)
        self.bce_plots: dict[int, StyledPlot] = {}
        self.bce_items: dict[int, dict] = {}
        plots_row = QWidget()
        pr = QHBoxLayout(plots_row)
        pr.setContentsMargins(0, 0, 0, 0)
        for label in (1, 0):
            colour = C_BCE
            plot = StyledPlot(f"BCE, true label {label}", "predicted probability p", "loss")
            _no_mouse(plot)
            plot.vline(GREY).setValue(0.5)
            items = {"loss": plot.curve(colour), "grad": plot.curve(colour, width=0.75, style=Qt.DashLine)}
            items["zero"] = pg.InfiniteLine(pos=0.0, angle=0, pen=pg.mkPen(GREY, width=1))
            plot.addItem(items["zero"])
            for key, colour_dot, symbol in (("good", C_GOOD, "o"), ("bad", C_BAD, "s")):
                dots = pg.ScatterPlotItem(symbol=symbol, pen=pg.mkPen("k", width=1), brush=pg.mkBrush(colour_dot))
                dots.setZValue(10)
                plot.addItem(dots)
                items[key] = dots
            self.bce_plots[label] = plot
            self.bce_items[label] = items
            pr.addWidget(plot)
        self.right_split = QSplitter(Qt.Vertical)
        self.right_split.setChildrenCollapsible(False)
        self.right_split.addWidget(plots_row)

        cce_box = QGroupBox("Categorical cross-entropy: logits → softmax → probabilities")
        cl = QHBoxLayout(cce_box)
        controls = QWidget()
        cc = QVBoxLayout(controls)
        cc.setContentsMargins(0, 0, 0, 0)
        self.true_class = QComboBox()
        for k in range(3):
            self.true_class.addItem(f"class {k}", k)
        self.true_class.setToolTip("The correct answer for this example (its one-hot label).")
        self.true_class.currentIndexChanged.connect(self.recompute_cce)
        tc = QHBoxLayout()
        tc.addWidget(QLabel("true class"))
        tc.addWidget(self.true_class)
        tc.addStretch(1)
        cc.addLayout(tc)
        self.logit_form = ParamForm(LOGITS)
        self.logit_form.changed.connect(self.recompute_cce)
        cc.addWidget(self.logit_form)
        self.cce_label = big_label(scale=1.0)
        cc.addWidget(self.cce_label)
        self.cce_grad_label = QLabel()
        self.cce_grad_label.setTextFormat(Qt.RichText)
        cc.addWidget(self.cce_grad_label)
        self.cce_plot = StyledPlot("", "", "")
        _no_mouse(self.cce_plot)
        self.cce_plot.setYRange(0, 1.18, padding=0)
        self.cce_plot.setXRange(-0.6, 2.6, padding=0)
        self.cce_plot.set_labels(x_label="class")
        self.cce_plot.getAxis("bottom").setTicks([[(k, str(k)) for k in range(3)]])
        self.cce_plot.getAxis("left").setTicks([[(v, f"{v:g}") for v in (0, 0.5, 1)]])
        self.bars = pg.BarGraphItem(x=np.arange(3), height=np.zeros(3), width=0.6, brushes=[GREY] * 3,
                                    pen=pg.mkPen("k", width=1))
        self.cce_plot.addItem(self.bars)
        self.bar_texts = []
        for _ in range(3):
            t = pg.TextItem("", color="k", anchor=(0.5, 1.0))
            self.cce_plot.addItem(t)
            self.bar_texts.append(t)
        cl.addWidget(controls, 3)
        cl.addWidget(self.cce_plot, 2)
        self.right_split.addWidget(cce_box)
        self.cce_box = cce_box
        rl.addWidget(self.right_split)
        self.set_main(right)

    # ----------------------------------------------------------------- state
    def reset(self) -> None:
        self.gradient_check.blockSignals(True)
        self.gradient_check.setChecked(False)
        self.gradient_check.blockSignals(False)
        self.logit_form.blockSignals(True)
        self.logit_form.set_values({p.name: p.default for p in LOGITS})
        self.logit_form.blockSignals(False)
        self.true_class.blockSignals(True)
        self.true_class.setCurrentIndex(0)
        self.true_class.blockSignals(False)
        self.reset_table()
        self.draw_curves()
        self.recompute_cce()

    def reset_table(self) -> None:
        self.table.set_columns({0: [str(v) for v in TUTORIAL_LABELS], 1: [str(v) for v in TUTORIAL_GOOD],
                                2: [str(v) for v in TUTORIAL_BAD]})
        self.recompute()

    def add_row(self) -> None:
        self.table.append_row(["1", "0.5", "0.5"])
        self.recompute()

    def remove_row(self) -> None:
        if self.table.rowCount() > 1:
            self.table.setRowCount(self.table.rowCount() - 1)
            self.table.fit()
            self.recompute()

    @Slot()
    def recompute(self) -> None:
        labels, errors, bad = _parse(self.table.column_texts(0), 0, "label y")
        messages = list(errors)
        n = len(labels)
        # the engine reports the first problem it meets; asking it about the labels and about
        # each prediction column separately reports every column's problem at once
        label_msg = None if errors else _engine_error(L.binary_cross_entropy, labels, np.full(n, 0.5))
        if label_msg:
            messages.append(f"label y column: {label_msg}")
            bad |= {(int(r), 0) for r in np.flatnonzero(~np.isin(np.asarray(labels), (0.0, 1.0)))}
        lines = []
        for key, col, name, colour, glyph in (("good", 1, "good", C_GOOD, "●"), ("bad", 2, "bad", C_BAD, "■")):
            preds, p_errors, p_bad = _parse(self.table.column_texts(col), col, f"p ({name})")
            messages += p_errors
            bad |= p_bad
            loss = None
            if not p_errors:
                p_msg = _engine_error(L.binary_cross_entropy, np.zeros(n), preds)
                if p_msg:
                    messages.append(f"p ({name}) column: {p_msg}")
                    p = np.asarray(preds)
                    bad |= {(int(r), col) for r in np.flatnonzero(~((p >= 0) & (p <= 1)))}
                elif not errors and not label_msg:
                    loss = L.binary_cross_entropy(labels, preds)
            self.losses[key] = loss
            shown = f"{loss:.4f}" if loss is not None else "—"
            lines.append(f"<span style='color:{colour}'>{glyph} {name} model: {shown}</span>")
            self._draw_dots(key, labels, preds, ok=loss is not None)
        self.table.mark(bad)
        self.loss_label.setText("<br>".join(lines))
        self.error.setText(_err_html(messages))
        self.error.setVisible(bool(messages))
        self.recomputed.emit()

    def _draw_dots(self, key: str, labels, preds, ok: bool) -> None:
        for label, items in self.bce_items.items():
            if not ok:
                items[key].setData([], [])
                continue
            y, p = np.asarray(labels), np.asarray(preds)
            p = p[y == label]
            items[key].setData(p, L.bce_curve(p, label) if p.size else [], size=theme().marker_size * 1.3)

    @Slot()
    def draw_curves(self, *_args) -> None:
        grad = self.gradient_check.isChecked()
        for label, items in self.bce_items.items():
            items["loss"].setData(BCE_P, L.bce_curve(BCE_P, label))
            if grad:
                items["grad"].setData(BCE_P, finite_or_nan(L.bce_curve_slope(BCE_P, label)))
            else:
                items["grad"].setData([], [])
            items["zero"].setVisible(grad)
            plot = self.bce_plots[label]
            plot.setXRange(0, 1, padding=0.02)
            plot.setYRange(-6.0 if grad else 0.0, 6.0 if grad else 5.0, padding=0)

    @Slot()
    def recompute_cce(self, *_args) -> None:
        v = self.logit_form.values()
        z = np.array([v[p.name] for p in LOGITS])
        k = self.true_class.currentData()
        onehot = np.eye(3)[k]
        p = L.softmax(z)
        self.cce_loss = L.categorical_cross_entropy_from_logits(onehot, z)
        g = L.cce_logits_grad(onehot, z)
        self.bars.setOpts(height=p, brushes=[pg.mkBrush(OKABE_ITO[2] if j == k else "#b0b0b0") for j in range(3)])
        for j, t in enumerate(self.bar_texts):
            t.setText(f"{p[j]:.3f}")
            t.setPos(j, p[j] + 0.01)
        self.cce_label.setText(f"CCE = −log {p[k]:.3f} = {self.cce_loss:.4f}")
        self.cce_grad_label.setText("dL/dz = p − y = [" + ", ".join(f"{x:+.3f}" for x in g) + "]")

    def balance(self) -> None:
        super().balance()
        total = self.right_split.height() if self.right_split.height() > 300 else 660
        cce = min(self.cce_box.minimumSizeHint().height() + 10, total // 2)
        self.right_split.setSizes([total - cce, cce])

    def restyle(self) -> None:
        for t in self.bar_texts:
            t.setFont(theme().font())
        self.recompute()
        super().restyle()


# ============================================================================ regression
class RegressionSection(Section):
    """MSE/MAE/Huber against the error, with delta, and the tutorial's outlier table."""
    recomputed = Signal()

    def __init__(self, parent=None):
        super().__init__(560, parent)
        self.values: dict[str, float | None] = {}
        self._build()
        self.reset()

    def _build(self) -> None:
        pane = self.pane
        pane.add(lesson_label(
            "<b>MSE</b> squares the error, <b>MAE</b> takes its size, <b>Huber</b> squares errors up to δ and "
            "grows linearly beyond. In the table one bad target (100 predicted as 10) has squared error 8100: "
            "MSE is ruled by that one point. Move δ: small δ makes Huber MAE-like, large δ MSE-like (half of it)."))
        table_box = QGroupBox("The tutorial's targets, one outlier")
        tl = QVBoxLayout(table_box)
        self.table = LiveTable(["y_true", "y_pred", "error", "error²", "|error|", "Huber"], read_only=(2, 3, 4, 5))
        self.table.setToolTip("Double-click a y_true or y_pred cell to edit it; the other columns and the "
                              "losses follow.")
        self.table.edited.connect(self.recompute)
        tl.addWidget(self.table)
        self.values_label = big_label()
        tl.addWidget(self.values_label)
        self.error = error_label()
        tl.addWidget(self.error)
        buttons = QHBoxLayout()
        restore = QPushButton("Tutorial values")
        restore.clicked.connect(self.reset_table)
        buttons.addWidget(restore)
        self.buttons_row = buttons
        tl.addLayout(buttons)
        pane.add(table_box)
        pane.column.addStretch(1)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 6, 6)
        self.curve_plot = StyledPlot("Loss against the error", "error = y_true − y_pred", "loss")
        _no_mouse(self.curve_plot)
        self.curve_plot.vline(GREY).setValue(0.0)
        self.curves = {"mse": self.curve_plot.curve(C_MSE), "mae": self.curve_plot.curve(C_MAE),
                       "huber": self.curve_plot.curve(C_HUBER)}
        self.curve_key = KeyLabel([(C_MSE, "MSE", False), (C_MAE, "MAE", False), (C_HUBER, "Huber δ = 1", False)])
        self.delta_lines = [self.curve_plot.vline(C_HUBER, width=0.5, style=Qt.DotLine) for _ in range(2)]
        self.curve_plot.setXRange(-5, 5, padding=0.02)
        self.curve_plot.setYRange(0, 10, padding=0)
        rl.addWidget(self.curve_plot, 1)
        rl.addWidget(self.curve_key)
        self.delta_form = ParamForm((L.HUBER_DELTA,))
        self.delta_form.changed.connect(self._delta_changed)
        self.delta_widget = self.delta_form["delta"]
        rl.addWidget(self.delta_form)
        self.delta_buttons = {}
        for d in (1.0, 10.0):  # the tutorial's two Huber values, next to its table
            b = QPushButton(f"δ = {d:g}")
            b.setToolTip(f"The tutorial's Huber (delta={d:g})")
            b.clicked.connect(partial(self.delta_widget.set_value, d))
            self.buttons_row.addWidget(b)
            self.delta_buttons[d] = b
        self.buttons_row.addStretch(1)
        self.set_main(right)

    def reset(self) -> None:
        self.delta_form.blockSignals(True)
        self.delta_form.set_values({"delta": L.HUBER_DELTA.default})
        self.delta_form.blockSignals(False)
        self.reset_table()
        self.draw_curves()

    def reset_table(self) -> None:
        blank = [""] * len(TUTORIAL_Y_TRUE)
        self.table.set_columns({0: [f"{v:g}" for v in TUTORIAL_Y_TRUE], 1: [f"{v:g}" for v in TUTORIAL_Y_PRED],
                                2: blank, 3: blank, 4: blank, 5: blank})
        self.recompute()
        self.table.fit()

    @property
    def delta(self) -> float:
        return self.delta_form.values()["delta"]

    @Slot(str, object)
    def _delta_changed(self, _name, _value) -> None:
        self.draw_curves()
        self.recompute()

    def draw_curves(self) -> None:
        d = self.delta
        curves = L.regression_loss_curves(REGRESSION_ERRORS, d)
        for key, item in self.curves.items():
            if key == "huber" or item.xData is None:  # only Huber depends on delta
                item.setData(REGRESSION_ERRORS, curves[key])
        for line, sign in zip(self.delta_lines, (-1, 1)):
            line.setValue(sign * d)
            line.setVisible(d <= 5.0)
        self.curve_key.set_text(2, f"Huber δ = {d:g}")

    @Slot()
    def recompute(self) -> None:
        y_true, e1, bad = _parse(self.table.column_texts(0), 0, "y_true")
        y_pred, e2, bad2 = _parse(self.table.column_texts(1), 1, "y_pred")
        messages, bad = e1 + e2, bad | bad2
        d = self.delta
        self.values = {"mse": None, "mae": None, "huber": None}
        if not messages:
            try:
                self.values = {"mse": L.mse(y_true, y_pred), "mae": L.mae(y_true, y_pred),
                               "huber": L.huber(y_true, y_pred, d)}
            except ValueError as exc:
                messages.append(str(exc))
                bad |= {(int(r), c) for c, v in ((0, y_true), (1, y_pred)) for r in np.flatnonzero(~np.isfinite(v))}
        self.table.mark(bad)
        if self.values["mse"] is not None:
            e = np.asarray(y_true) - np.asarray(y_pred)
            cols = {2: e, 3: e * e, 4: np.abs(e), 5: L.regression_loss_curves(e, d)["huber"]}
        else:
            cols = {c: [np.nan] * self.table.rowCount() for c in (2, 3, 4, 5)}
        for c, vals in cols.items():
            for r, v in enumerate(vals):
                self.table.set_cell(r, c, _fmt(v) if np.isfinite(v) else "—")

        def show(key):
            v = self.values[key]
            return f"{v:.4f}" if v is not None else "—"
        self.values_label.setText(
            f"<span style='color:{C_MSE}'>MSE {show('mse')}</span> &nbsp; "
            f"<span style='color:{C_MAE}'>MAE {show('mae')}</span><br>"
            f"<span style='color:{C_HUBER}'>Huber (δ = {d:g}) {show('huber')}</span>")
        self.error.setText(_err_html(messages))
        self.error.setVisible(bool(messages))
        self.recomputed.emit()

    def restyle(self) -> None:
        self.draw_curves()
        super().restyle()


# ============================================================================ the outlier demo
class DraggablePoint(pg.TargetItem):
    """The outlier: a dot the student drags; it cannot leave ``bounds`` (x0, x1, y0, y1)."""

    def __init__(self, pos, bounds, **kwargs):
        self.bounds = bounds
        super().__init__(pos=pos, **kwargs)

    def setPos(self, *args):  # noqa: N802 (Qt name)
        p = pg.Point(*args)
        x0, x1, y0, y1 = self.bounds
        super().setPos(pg.Point(min(max(p.x(), x0), x1), min(max(p.y(), y0), y1)))

    def set_size(self, pixels: float) -> None:
        self.prepareGeometryChange()
        self.scale = pixels  # TargetItem keeps its on-screen size in ``scale``
        self._shape = None
        self.update()


class OutlierSection(Section):
    """Scatter with one draggable outlier; squared-, absolute- and Huber-loss lines refitted live."""
    refitted = Signal()

    def __init__(self, parent=None):
        super().__init__(400, parent)
        self.points = R.default_points(0)
        self.fit: R.FitResult | None = None
        self.last_fit_ms = 0.0
        self._build()
        self.reset()

    def _build(self) -> None:
        pane = self.pane
        pane.add(lesson_label(
            "<b>Drag the pink point.</b> The <span style='color:%s'><b>squared-loss</b></span> line chases it: "
            "squared, one far point is worth bending the whole line. The <span style='color:%s'><b>absolute-loss"
            "</b></span> (median) line barely moves: the point costs only its distance. "
            "<span style='color:%s'><b>Huber</b></span> counts errors beyond δ·σ linearly and stays with the "
            "crowd too." % (C_MSE, C_MAE, C_HUBER)))
        self.put_back = QPushButton("Put the outlier back")
        self.put_back.clicked.connect(self.reset_outlier)
        pane.add(self.put_back)
        self.fit_label = QLabel()
        self.fit_label.setTextFormat(Qt.RichText)
        self.fit_label.setWordWrap(True)
        pane.add(self.fit_label)
        pane.add(lesson_label(
            "<small>HuberRegressor measures δ in units of the noise scale σ it estimates (its <i>epsilon</i>, at "
            "least 1), not in units of y like the Regression tab's δ.</small>"))
        pane.column.addStretch(1)

        self.plot = StyledPlot("Three fitted lines, one draggable outlier", "x", "y")
        _no_mouse(self.plot)
        x0, x1, y0, y1 = DEMO_VIEW
        self.plot.setXRange(x0, x1, padding=0)
        self.plot.setYRange(y0, y1, padding=0)
        self.lines = {"squared": self.plot.curve(C_MSE), "absolute": self.plot.curve(C_MAE, style=Qt.DashLine),
                      "huber": self.plot.curve(C_HUBER)}
        self.key = KeyLabel([(C_MSE, "squared loss", False), (C_MAE, "absolute loss", True), (C_HUBER, "Huber", False)])
        self.band = [self.plot.curve(C_HUBER, width=0.4, style=Qt.DotLine) for _ in range(2)]
        self.inliers = pg.ScatterPlotItem(pen=pg.mkPen("w", width=1), brush=pg.mkBrush("#404040"))
        self.inliers.setZValue(5)
        self.plot.addItem(self.inliers)
        self.outlier = DraggablePoint((0, 0), (0.0, 10.0, y0 + 0.5, y1 - 0.5), size=theme().marker_size * 2,
                                      symbol="o", pen=pg.mkPen("k", width=2), brush=pg.mkBrush(C_OUTLIER),
                                      hoverBrush=pg.mkBrush("#e8a8d0"), label="drag me",
                                      labelOpts={"color": "k", "offset": (14, -4), "anchor": (0, 1)})
        self.outlier.setZValue(20)
        self.outlier.sigPositionChanged.connect(self._outlier_moved)
        self.plot.addItem(self.outlier)

        self.fit_form = ParamForm((FIT_DELTA,))
        self.fit_form.setToolTip(FIT_DELTA.help)
        self.fit_form.changed.connect(self._fit_delta_changed)
        self.band_check = QCheckBox("band ±δσ")
        self.band_check.setToolTip("Show the Huber band: points outside the dotted lines count linearly "
                                   "in the Huber fit.")
        self.band_check.toggled.connect(self.refit)
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 4, 16, 0)  # the check box's text must not touch the window's edge
        controls.setSpacing(12)
        controls.addWidget(self.fit_form, 1)
        controls.addWidget(self.band_check)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 6, 6)
        rl.addWidget(self.plot, 1)
        rl.addWidget(self.key)
        rl.addLayout(controls)
        self.set_main(right)

    def reset(self) -> None:
        self.fit_form.blockSignals(True)
        self.fit_form.set_values({"delta": FIT_DELTA.default})
        self.fit_form.blockSignals(False)
        self.band_check.blockSignals(True)
        self.band_check.setChecked(False)
        self.band_check.blockSignals(False)
        self.reset_outlier()

    def _draw_inliers(self) -> None:
        x, y = self.points.x, self.points.y
        keep = np.arange(x.size) != self.points.outlier_index
        self.inliers.setData(x[keep], y[keep], size=theme().marker_size * 1.2)

    def reset_outlier(self) -> None:
        self._draw_inliers()
        k = self.points.outlier_index
        self.outlier.setPos(self.points.x[k], self.points.y[k])
        self.refit()

    def demo_xy(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.points.x.copy(), self.points.y.copy()
        pos = self.outlier.pos()
        k = self.points.outlier_index
        x[k], y[k] = pos.x(), pos.y()
        return x, y

    @Slot(object)
    def _outlier_moved(self, _item) -> None:
        self.refit()

    @Slot(str, object)
    def _fit_delta_changed(self, _name, _value) -> None:
        self.refit()

    @Slot()
    def refit(self, *_args) -> None:
        """Refit the three lines on the UI thread: well under a millisecond for 20 points."""
        x, y = self.demo_xy()
        t0 = time.perf_counter()
        self.fit = R.fit_lines(x, y, self.fit_form.values()["delta"])
        self.last_fit_ms = (time.perf_counter() - t0) * 1e3
        xs = np.array(DEMO_VIEW[:2])
        lines = self.fit.lines()
        for key, line in lines.items():
            self.lines[key].setData(xs, line.predict(xs))
        for item, sign in zip(self.band, (-1, 1)):
            if self.band_check.isChecked():
                item.setData(xs, self.fit.huber.predict(xs) + sign * self.fit.huber_threshold)
            else:
                item.setData([], [])
        rows = [f"<span style='color:{colour}'><b>━ {name}</b></span>: slope {lines[key].slope:.3f}, "
                f"intercept {lines[key].intercept:.2f} <small>({estimator})</small>"
                for key, name, estimator, colour in (
                    ("squared", "squared loss", "LinearRegression", C_MSE),
                    ("absolute", "absolute loss", "median, QuantileRegressor", C_MAE),
                    ("huber", "Huber", "HuberRegressor", C_HUBER))]
        pos = self.outlier.pos()
        self.fit_label.setText("<br>".join(rows) +
                               f"<br><i>The points were drawn around slope 0.5, intercept 1.<br>Outlier at "
                               f"({pos.x():.1f}, {pos.y():.1f}); three fits took {self.last_fit_ms:.2f} ms.</i>")
        self.refitted.emit()

    def restyle(self) -> None:
        self.outlier.set_size(theme().marker_size * 2)
        if self.outlier.label() is not None:
            self.outlier.label().setFont(theme().font())
        self._draw_inliers()
        super().restyle()


# ============================================================================ margins
class MarginsSection(Section):
    """Hinge, logistic and zero-one loss against the margin y·f(x)."""

    def __init__(self, parent=None):
        super().__init__(400, parent)
        self.m = _margin_grid()
        self._build()
        self.reset()

    def _build(self) -> None:
        pane = self.pane
        pane.add(lesson_label(
            "With labels −1/+1 and a raw score f(x), the <b>margin</b> m = y·f(x) is positive when the prediction "
            "is right, large when it is confidently right.<br>"
            "<b>Zero-one</b> counts mistakes but is flat: gradient 0, nothing to learn from. <b>Hinge</b> (SVM) is "
            "zero once m ≥ 1: confidently right examples stop mattering. <b>Logistic</b> (BCE written with the "
            "margin) never reaches zero: it keeps pushing every example.<br>"
            "<i>Drag the grey line to read the losses.</i>"))
        self.base2_check = QCheckBox("Logistic in bits (log₂)")
        self.base2_check.setToolTip("Divided by ln 2 the logistic loss is 1 at m = 0 and lies above the "
                                    "zero-one loss everywhere: an upper bound on the error rate.")
        self.base2_check.toggled.connect(self.draw)
        self.slopes_check = QCheckBox("Overlay the slopes dL/dm")
        self.slopes_check.setToolTip("Dashed: the derivative of each loss with respect to the margin.")
        self.slopes_check.toggled.connect(self.draw)
        pane.add(self.base2_check)
        pane.add(self.slopes_check)
        self.readout = big_label(scale=1.0)
        pane.add(self.readout)
        pane.column.addStretch(1)

        self.plot = StyledPlot("Classification losses against the margin", "margin m = y · f(x)", "loss")
        _no_mouse(self.plot)
        regions = ((MARGIN_RANGE[0], 0.0, (213, 94, 0, 28), "wrong"),
                   (0.0, 1.0, (230, 159, 0, 40), "right but\ninside margin"),
                   (1.0, MARGIN_RANGE[1], (0, 158, 115, 28), "right and\nconfident"))
        self.region_texts = []
        for a, b, rgba, text in regions:
            reg = pg.LinearRegionItem((a, b), movable=False, brush=pg.mkBrush(*rgba), pen=pg.mkPen(None))
            reg.setZValue(-10)
            self.plot.addItem(reg)
            t = pg.TextItem(text, color=(80, 80, 80), anchor=(0.5, 0))
            t.setPos((a + b) / 2, MARGIN_VIEW_TOP)
            self.plot.addItem(t)
            self.region_texts.append(t)
        self.curves = {"hinge": self.plot.curve(C_HINGE), "logistic": self.plot.curve(C_LOGISTIC),
                       "zero_one": self.plot.curve(C_ZERO_ONE)}
        self.key = KeyLabel([(C_HINGE, "hinge", False), (C_LOGISTIC, "logistic (ln)", False),
                             (C_ZERO_ONE, "zero-one", False)])
        self.slopes = {k: self.plot.curve(c, width=0.6, style=Qt.DashLine)
                       for k, c in (("hinge", C_HINGE), ("logistic", C_LOGISTIC), ("zero_one", C_ZERO_ONE))}
        self.zero = pg.InfiniteLine(pos=0.0, angle=0, pen=pg.mkPen(GREY, width=1))
        self.plot.addItem(self.zero)
        self.marker = pg.InfiniteLine(pos=0.5, angle=90, movable=True, pen=pg.mkPen("#505050", width=3),
                                      hoverPen=pg.mkPen("k", width=5), bounds=MARGIN_RANGE)
        self.marker.setZValue(15)
        self.marker.sigPositionChanged.connect(self._marker_moved)
        self.plot.addItem(self.marker)
        self.dots = pg.ScatterPlotItem(pen=pg.mkPen("k", width=1))
        self.dots.setZValue(16)
        self.plot.addItem(self.dots)
        self.plot.setXRange(*MARGIN_RANGE, padding=0)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 6, 6)
        rl.addWidget(self.plot, 1)
        rl.addWidget(self.key)
        self.set_main(right)

    def reset(self) -> None:
        for box in (self.base2_check, self.slopes_check):
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        self.marker.setValue(0.5)
        self.draw()

    @Slot()
    def draw(self, *_args) -> None:
        base2 = self.base2_check.isChecked()
        show_slopes = self.slopes_check.isChecked()
        curves = L.margin_curves(self.m, base2=base2)
        slopes = L.margin_curve_slopes(self.m, base2=base2)
        for key, item in self.curves.items():
            item.setData(self.m, curves[key])
            if show_slopes:
                self.slopes[key].setData(self.m, slopes[key])
            else:
                self.slopes[key].setData([], [])
        self.zero.setVisible(show_slopes)
        y0 = -1.6 if show_slopes else 0.0
        self.plot.setYRange(y0, MARGIN_VIEW_TOP, padding=0)
        # the marker ends where the curves end: the region labels above it are never crossed
        self.marker.setSpan(0.0, (MARGIN_CURVES_TOP - y0) / (MARGIN_VIEW_TOP - y0))
        self.marker.viewTransformChanged()  # setSpan alone keeps the old end points until the view moves
        self.key.set_text(1, "logistic (log₂)" if base2 else "logistic (ln)")
        self._marker_moved()

    @Slot()
    def _marker_moved(self, *_args) -> None:
        m = float(self.marker.value())
        base2 = self.base2_check.isChecked()
        vals = L.margin_curves([m], base2=base2)
        slopes = L.margin_curve_slopes([m], base2=base2)
        keys = ("hinge", "logistic", "zero_one")
        colours = (C_HINGE, C_LOGISTIC, C_ZERO_ONE)
        self.dots.setData([m] * 3, [vals[k][0] for k in keys], brush=[pg.mkBrush(c) for c in colours],
                          symbol=[MARGIN_DOTS[k][0] for k in keys],
                          size=[theme().marker_size * MARGIN_DOTS[k][1] for k in keys])
        # a table: the numbers line up and "slope" is said once, so no row wraps at 18 pt
        cell = "<td align='right' style='padding-left:12px'>"
        rows = [f"<tr><td><span style='color:{c}'>{MARGIN_GLYPHS[k]} {n}</span></td>{cell}{vals[k][0]:.3f}</td>"
                f"{cell}<span style='font-weight:normal'>{slopes[k][0]:+.3f}</span></td></tr>"
                for k, n, c in zip(keys, ("hinge", "logistic", "zero-one"), colours)]
        head = f"<tr><td></td>{cell}loss</td>{cell}<span style='font-weight:normal'>slope</span></td></tr>"
        self.readout.setText(f"At margin m = {m:.2f}:<table cellspacing='0'>{head}{''.join(rows)}</table>")

    def restyle(self) -> None:
        for t in self.region_texts:
            t.setFont(theme().font(0.9))
        self.draw()
        super().restyle()


# ============================================================================ ranking
C_NEEDED = (0, 158, 115, 70)     # the margin a pair needs, translucent green
C_SELECTED = (86, 180, 233, 70)  # the table's selected pair, translucent sky blue
C_ITEM = "#303030"


def _pair_rows(n_pairs: int) -> np.ndarray:
    """Plot height of each pair, in the table's order from the top; the items row sits above."""
    return np.arange(n_pairs - 1, -1, -1, dtype=float)


def _segments(x0, x1, y) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal segments (x0 -> x1 at height y), NaN-separated for one curve item."""
    x0, x1, y = np.asarray(x0, float), np.asarray(x1, float), np.asarray(y, float)
    if x0.size == 0:
        return np.array([]), np.array([])
    nan = np.full(x0.size, np.nan)
    return np.column_stack([x0, x1, nan]).ravel(), np.column_stack([y, y, nan]).ravel()


class RankingSection(Section):
    """The tutorial's four items: editable scores and relevance, one plot row per pair, the loss.

    Each pair gets its own row of the plot, in the table's order: a green bar from the less
    relevant item's score one margin to the right (where the more relevant item must be), a
    hollow dot for the less and a filled dot for the more relevant item, and, when the pair
    costs something, a thick segment from the filled dot to the end of the bar: its length is
    the pair's loss. Straight rows never cross, so every pair can be counted; selecting a row
    of the table highlights its pair.
    """
    recomputed = Signal()

    def __init__(self, parent=None):
        super().__init__(360, parent)
        self.loss = float("nan")
        self.pairs = None
        self.rows_y = np.array([])
        self._build()
        self.reset()

    def _build(self) -> None:
        pane = self.pane
        pane.add(lesson_label(
            "Each pair with different relevance costs max(0, margin − gap), gap = s<sub>more</sub> − "
            "s<sub>less</sub>: the more relevant item must score a margin higher. The good scores cost 0.55 "
            "although their order is right: no gap reaches the margin of 1."))
        items_box = QGroupBox("Items")
        grid = QGridLayout(items_box)
        grid.addWidget(QLabel("relevance"), 0, 1)
        grid.addWidget(QLabel("score"), 0, 2)
        self.relevance_spins: list[QSpinBox] = []
        self.score_spins: list[QDoubleSpinBox] = []
        for i in range(len(TUTORIAL_RELEVANCE)):
            grid.addWidget(QLabel(f"item {i}"), i + 1, 0)
            rs = QSpinBox()
            rs.setRange(0, 9)
            rs.setToolTip("Higher is more relevant: it should be ranked higher.")
            rs.valueChanged.connect(self.recompute)
            ss = QDoubleSpinBox()
            ss.setRange(-10.0, 10.0)
            ss.setDecimals(2)
            ss.setSingleStep(0.05)
            ss.setToolTip("The model's score; items are ranked by it, highest first.")
            ss.valueChanged.connect(self.recompute)
            grid.addWidget(rs, i + 1, 1)
            grid.addWidget(ss, i + 1, 2)
            self.relevance_spins.append(rs)
            self.score_spins.append(ss)
        pane.add(items_box)
        presets = QHBoxLayout()
        self.good_button = QPushButton("Good scores")
        self.good_button.setToolTip("The tutorial's good ranking: " + ", ".join(map(str, GOOD_SCORES)))
        self.good_button.clicked.connect(partial(self.set_scores, GOOD_SCORES))
        self.bad_button = QPushButton("Bad scores")
        self.bad_button.setToolTip("The tutorial's bad ranking: " + ", ".join(map(str, BAD_SCORES)))
        self.bad_button.clicked.connect(partial(self.set_scores, BAD_SCORES))
        presets.addWidget(self.good_button)
        presets.addWidget(self.bad_button)
        presets.addStretch(1)
        pw = QWidget()
        presets.setContentsMargins(0, 0, 0, 0)
        pw.setLayout(presets)
        pane.add(pw)
        self.margin_form = ParamForm((RANKING_MARGIN,))
        self.margin_form.changed.connect(self.recompute)
        pane.add(self.margin_form)
        self.loss_label = big_label()
        pane.add(self.loss_label)
        pane.column.addStretch(1)

        # right: the plot (one row per pair) beside the table of pairs, so both get the full height
        right = QWidget()
        rl = QHBoxLayout(right)
        rl.setContentsMargins(0, 0, 6, 6)
        plot_column = QVBoxLayout()
        self.plot = StyledPlot("Pairs against the margin", "score", "pair: more › less relevant")
        _no_mouse(self.plot)
        self.plot.grid.show(x=True, y=False)
        self.selected_band = pg.LinearRegionItem((0, 0), orientation="horizontal", movable=False,
                                                 brush=pg.mkBrush(*C_SELECTED), pen=pg.mkPen(None))
        self.selected_band.setZValue(-20)
        self.selected_band.setVisible(False)
        self.plot.addItem(self.selected_band)
        self.needed_bars = pg.BarGraphItem(x0=[], x1=[], y=[], height=0.4, brush=pg.mkBrush(*C_NEEDED),
                                           pen=pg.mkPen(None))
        self.needed_bars.setZValue(-5)
        self.plot.addItem(self.needed_bars)
        self.gap_lines = self.plot.curve(GREY, width=0.6)
        self.bad_pairs = self.plot.curve(C_MISORDERED, width=2.2)
        self.near_pairs = self.plot.curve(C_INSIDE, width=2.2)
        self.pair_dots = pg.ScatterPlotItem(pen=pg.mkPen(C_ITEM, width=1.5))
        self.pair_dots.setZValue(10)
        self.plot.addItem(self.pair_dots)
        self.item_dots = pg.ScatterPlotItem(pen=pg.mkPen("k", width=1), brush=pg.mkBrush(OKABE_ITO[0]))
        self.item_dots.setZValue(10)
        self.plot.addItem(self.item_dots)
        self.item_texts = []
        for i in range(len(TUTORIAL_RELEVANCE)):
            t = pg.TextItem(str(i), color="k", anchor=(0.5, 1.1))
            t.setZValue(11)
            self.plot.addItem(t)
            self.item_texts.append(t)
        plot_column.addWidget(self.plot, 1)
        self.key = QLabel()
        self.key.setTextFormat(Qt.RichText)
        self.key.setWordWrap(True)
        nb = "&nbsp;"
        self.key.setText(  # no-break spaces inside each entry: a wrap falls only between entries
            f"○{nb}less, ●{nb}more{nb}relevant{nb}item &nbsp; <span style='color:rgb{C_NEEDED[:3]}'><b>▬</b></span>"
            f"{nb}the{nb}margin{nb}●{nb}must{nb}clear<br><span style='color:{C_INSIDE}'><b>━━</b></span>{nb}too"
            f"{nb}close, <span style='color:{C_MISORDERED}'><b>━━</b></span>{nb}wrong{nb}order: "
            f"length{nb}={nb}pair{nb}loss")
        plot_column.addWidget(self.key)
        rl.addLayout(plot_column, 1)

        table_column = QVBoxLayout()
        # compact columns, so the table fits beside the plot at 18 pt; "0 › 1" as on the plot's axis
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["pair", "gap", "loss", "status"])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setToolTip("Click a pair to highlight its row in the plot.")
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.table.itemSelectionChanged.connect(self._show_selected)
        table_column.addWidget(self.table)
        self.order_label = QLabel()
        self.order_label.setTextFormat(Qt.RichText)
        self.order_label.setWordWrap(True)
        table_column.addWidget(self.order_label)
        table_column.addStretch(1)
        self.table_column = QWidget()
        self.table_column.setLayout(table_column)
        table_column.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.table_column)
        self.set_main(right)

    def _block(self, on: bool) -> None:
        for w in self.relevance_spins + self.score_spins + [self.margin_form]:
            w.blockSignals(on)

    def reset(self) -> None:
        self._block(True)
        for rs, r in zip(self.relevance_spins, TUTORIAL_RELEVANCE):
            rs.setValue(r)
        for ss, s in zip(self.score_spins, GOOD_SCORES):
            ss.setValue(s)
        self.margin_form.set_values({"margin": RANKING_MARGIN.default})
        self._block(False)
        self.table.clearSelection()
        self.recompute()

    def set_scores(self, scores, *_args) -> None:
        self._block(True)
        for ss, s in zip(self.score_spins, scores):
            ss.setValue(s)
        self._block(False)
        self.recompute()

    def scores(self) -> np.ndarray:
        return np.array([s.value() for s in self.score_spins])

    def relevance(self) -> np.ndarray:
        return np.array([r.value() for r in self.relevance_spins])

    @Slot()
    def recompute(self, *_args) -> None:
        s, r = self.scores(), self.relevance()
        margin = self.margin_form.values()["margin"]
        self.loss = L.pairwise_ranking(s, r, margin)
        pairs = L.ranking_pair_table(s, r, margin)
        self.pairs = pairs
        wrong = pairs["misordered"].to_numpy()
        near = (pairs["violated"] & ~pairs["misordered"]).to_numpy()
        self.loss_label.setText(f"Ranking loss = {self.loss:.4f}")
        if len(pairs):
            counts = (f"Mean over {len(pairs)} pairs: {int(wrong.sum())} in the wrong order, "
                      f"{int(near.sum())} too close.")
        else:
            counts = "No two items differ in relevance, so no pair counts: the loss is 0."
        order = np.argsort(-s, kind="stable")
        in_order = bool(np.all(np.diff(r[order]) <= 0))
        ideal = np.argsort(-r, kind="stable")
        self.order_label.setText(
            "<b>Ranked by score:</b> " + " › ".join(f"item {i}" for i in order) +
            (" &nbsp;(the ideal order)" if in_order else
             " &nbsp;<b>ideal:</b> " + " › ".join(f"item {i}" for i in ideal)) + "<br>" + counts)
        self._draw(s, margin, wrong, near)
        self._fill_table(pairs)
        self.recomputed.emit()

    def _draw(self, s: np.ndarray, margin: float, wrong: np.ndarray, near: np.ndarray) -> None:
        pairs = self.pairs
        n = len(pairs)
        self.rows_y = _pair_rows(n)
        items_y = float(n)
        s_more, s_less = pairs["score_more"].to_numpy(), pairs["score_less"].to_numpy()
        needed = s_less + margin
        ms = theme().marker_size
        self.item_dots.setData(s, np.full(s.size, items_y), size=ms * 1.5)
        for i, t in enumerate(self.item_texts):
            t.setPos(s[i], items_y)
        self.needed_bars.setOpts(x0=s_less, x1=needed, y=self.rows_y, height=0.4)
        self.gap_lines.setData(*_segments(s_less, s_more, self.rows_y), connect="finite")
        for item, mask in ((self.bad_pairs, wrong), (self.near_pairs, near)):
            # from the more relevant item's score to where it would have to be: the pair's loss
            item.setData(*_segments(s_more[mask], needed[mask], self.rows_y[mask]), connect="finite")
        self.pair_dots.setData(np.concatenate([s_less, s_more]), np.concatenate([self.rows_y, self.rows_y]),
                               brush=[pg.mkBrush("w")] * n + [pg.mkBrush(C_ITEM)] * n, size=ms * 1.2)
        ticks = [(items_y, "items")] + [(y, f"{p.more} › {p.less}")
                                         for y, p in zip(self.rows_y, pairs.itertuples(index=False))]
        self.plot.getAxis("left").setTicks([ticks])
        lo = min(s.min(), 0.0)
        hi = max(s.max(), needed.max() if n else s.max(), 1.0)
        pad = 0.06 * (hi - lo)
        self.plot.setXRange(lo - pad, hi + pad, padding=0)
        self.plot.setYRange(-0.6, items_y + 0.95, padding=0)
        self._show_selected()

    def _fill_table(self, pairs) -> None:
        self.table.setRowCount(len(pairs))
        for row, p in enumerate(pairs.itertuples(index=False)):
            if p.misordered:
                status, colour = "wrong order", MISORDERED_ROW
            elif p.violated:
                status, colour = "too close", INSIDE_ROW
            else:
                status, colour = "ok", OK_ROW
            texts = (f"{p.more} › {p.less}", f"{p.score_more - p.score_less:+.2f}", f"{p.term:.2f}", status)
            tip = (f"item {p.more} is more relevant than item {p.less}: it should score at least the margin "
                   f"higher. Click to highlight the pair in the plot.")
            for c, t in enumerate(texts):
                it = _item(t, editable=False, align=Qt.AlignCenter)
                it.setBackground(QBrush(colour))
                it.setToolTip(tip)
                self.table.setItem(row, c, it)
        self.fit_table()

    def fit_table(self) -> None:
        """Every row and column of the pair table without scroll bars; the plot gets the rest."""
        t = self.table
        t.resizeColumnsToContents()
        t.resizeRowsToContents()
        frame = 2 * t.frameWidth()
        rows_h = sum(t.rowHeight(i) for i in range(t.rowCount()))
        t.setFixedHeight(t.horizontalHeader().sizeHint().height() + rows_h + frame + 2)
        width = sum(t.columnWidth(c) for c in range(t.columnCount())) + frame + 2
        t.setFixedWidth(width)
        self.table_column.setFixedWidth(width)

    def selected_pair(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return rows[0].row() if rows else None

    @Slot()
    def _show_selected(self) -> None:
        row = self.selected_pair()
        if row is None or row >= len(self.rows_y):
            self.selected_band.setVisible(False)
            return
        y = self.rows_y[row]
        self.selected_band.setRegion((y - 0.5, y + 0.5))
        self.selected_band.setVisible(True)

    def restyle(self) -> None:
        for t in self.item_texts:
            t.setFont(theme().font())
        self.recompute()
        super().restyle()


# ============================================================================ guide
GUIDE_NOTES = (
    "<b>Reading the guide.</b> Start from what the model predicts:"
    "<ul style='margin-top:2px'>"
    "<li><b>a probability of one class</b> (sigmoid output): binary cross-entropy, −log of the probability "
    "given to the true label;</li>"
    "<li><b>one class out of several</b> (softmax output): categorical cross-entropy; its gradient for the "
    "logits is simply p − y;</li>"
    "<li><b>a number</b>: MSE by default. If a few targets are far off (outliers, typos, rare events), MSE "
    "squares them and lets them steer the fit: in the tutorial's table one bad target makes MSE 1350 "
    "against MAE 15. MAE ignores how far they are; Huber is squared near 0 and linear beyond δ;</li>"
    "<li><b>an order</b> (search results, recommendations): a pairwise loss only compares scores of items "
    "with different relevance, so the scores' scale does not matter, only their gaps.</li></ul>")
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


class GuideSection(QWidget):
    """The tutorial's selection guide; each row's button opens its demo. Rows share one height."""
    open_demo = Signal(str, str)  # section key, loss name

    EXTRA = L.LossGuideRow("Binary classification", "Hinge / logistic",
                           "Max-margin view (not in the tutorial's guide)", "margins")

    def __init__(self, parent=None):
        super().__init__(parent)
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
        lay.addWidget(lesson_label(
            "The tutorial's loss selection guide. Choose from the <i>task</i> first (what kind of target), then "
            "from the data (outliers?). Each row opens its demo; the last row is the lab's addition."))
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
                it = _item(t, editable=False, align=Qt.AlignLeft | Qt.AlignVCenter)
                if row is self.EXTRA:
                    f = it.font()
                    f.setItalic(True)
                    it.setFont(f)
                self.table.setItem(i, c, it)
            b = QPushButton(f"{SECTION_TITLES[self.demo_key(row)]} ▸")
            b.setToolTip(f"Open the {SECTION_TITLES[self.demo_key(row)]} section")
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


# ============================================================================ the panel
DEMO_HINTS = {
    "Binary cross-entropy": "Binary cross-entropy: the two curves and the table of the tutorial's predictions.",
    "Categorical cross-entropy": "Categorical cross-entropy: the three logit sliders and the softmax bars.",
    "MSE": "MSE: the blue curve; the outlier's squared error dominates the table.",
    "MAE": "MAE: drag the outlier; the dashed absolute-loss line barely moves.",
    "Huber": "Huber: the green curve; move δ between the tutorial's 1 and 10.",
    "Pairwise loss": "Pairwise ranking loss: try the good and the bad scores.",
    "Hinge / logistic": "Hinge and logistic loss against the margin; drag the grey line.",
}


class LossesPanel(TopicPanel):
    title = "Loss functions"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.classification = ClassificationSection()
        self.regression = RegressionSection()
        self.outlier = OutlierSection()
        self.margins = MarginsSection()
        self.ranking = RankingSection()
        self.guide = GuideSection()
        self.sections = {"classification": self.classification, "regression": self.regression,
                         "outlier": self.outlier, "margins": self.margins, "ranking": self.ranking,
                         "guide": self.guide}
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for key in SECTIONS:
            self.tabs.addTab(self.sections[key], SECTION_TITLES[key])
        self.guide.open_demo.connect(self.open_demo)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tabs)
        theme().changed.connect(self._theme_changed)
        QTimer.singleShot(0, self, self._restyle)  # splitter sizes need the real widths

    def current_section(self) -> str:
        return SECTIONS[self.tabs.currentIndex()]

    def show_section(self, key: str) -> None:
        self.tabs.setCurrentIndex(SECTIONS.index(key))

    @Slot(str, str)
    def open_demo(self, key: str, loss: str) -> None:
        self.show_section(key)
        self.status.emit(DEMO_HINTS.get(loss, SECTION_TITLES[key]))

    @Slot()
    def _theme_changed(self) -> None:
        QTimer.singleShot(0, self, self._restyle)  # after the new fonts have reached every widget

    @Slot()
    def _restyle(self) -> None:
        for section in self.sections.values():
            section.restyle()

    def shutdown(self) -> None:
        # the theme outlives every window: stop listening to it
        try:
            theme().changed.disconnect(self._theme_changed)
        except (RuntimeError, TypeError):
            pass
        super().shutdown()

    def run_defaults(self) -> None:
        """Every section back to the tutorial's values; nothing runs in the background."""
        for section in self.sections.values():
            section.reset()
        self.show_section("classification")
