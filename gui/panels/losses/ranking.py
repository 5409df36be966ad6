"""Ranking: the tutorial's four items, editable scores and relevance, one plot row per pair and
the pairwise ranking loss."""
from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QDoubleSpinBox, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QSpinBox, QTableWidget, QVBoxLayout, QWidget)

from engine import losses as L
from gui.panels.losses.common import LossSection, big_label, blocked, checked_list, no_mouse, pane_widths
from gui.panels.losses.live_table import table_item
from gui.plots import StyledPlot
from gui.theme import BLUE, GREY, ORANGE, VERMILLION, theme

TUTORIAL_RELEVANCE = (3, 2, 1, 0)
GOOD_SCORES = (0.9, 0.7, 0.4, 0.1)
BAD_SCORES = (0.2, 0.5, 0.8, 0.9)
N_ITEMS = len(TUTORIAL_RELEVANCE)
RELEVANCE_RANGE = (0, 9)
SCORE_RANGE = (-10.0, 10.0)
# the engine allows margins up to 100; on a slider that long the tutorial's margin of 1 is a
# few pixels from the end, so the slider spans [0, 3] (the engine still validates)
RANKING_MARGIN = dataclasses.replace(L.RANKING_MARGIN, maximum=3.0, decimals=2)
C_MISORDERED, C_INSIDE = VERMILLION, ORANGE
C_NEEDED = (0, 158, 115, 70)     # the margin a pair needs, translucent green
C_SELECTED = (86, 180, 233, 70)  # the table's selected pair, translucent sky blue
C_ITEM = "#303030"
MISORDERED_ROW = QColor("#f8c9c4")
INSIDE_ROW = QColor("#fbe3b0")
OK_ROW = QColor("#d5efe3")


def pair_rows(n_pairs: int) -> np.ndarray:
    """Plot height of each pair, in the table's order from the top; the items row sits above."""
    return np.arange(n_pairs - 1, -1, -1, dtype=float)


def segments(x0, x1, y) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal segments (x0 -> x1 at height y), NaN-separated for one curve item."""
    x0, x1, y = np.asarray(x0, float), np.asarray(x1, float), np.asarray(y, float)
    if x0.size == 0:
        return np.array([]), np.array([])
    nan = np.full(x0.size, np.nan)
    return np.column_stack([x0, x1, nan]).ravel(), np.column_stack([y, y, nan]).ravel()


class RankingSection(LossSection):
    """The tutorial's four items: editable scores and relevance, one plot row per pair, the loss.

    Each pair gets its own row of the plot, in the table's order: a green bar from the less
    relevant item's score one margin to the right (where the more relevant item must be), a
    hollow dot for the less and a filled dot for the more relevant item, and, when the pair
    costs something, a thick segment from the filled dot to the end of the bar: its length is
    the pair's loss. Straight rows never cross, so every pair can be counted; selecting a row
    of the table highlights its pair.
    """
    key, title = "ranking", "Ranking"
    lesson = ("Each pair with different relevance costs max(0, margin − gap), gap = s<sub>more</sub> − "
              "s<sub>less</sub>: the more relevant item must score a margin higher. The good scores cost 0.55 "
              "although their order is right: no gap reaches the margin of 1.")
    params = (RANKING_MARGIN,)
    key_params = ("margin",)
    column_widths = pane_widths(360)

    def build(self) -> None:
        self.loss = float("nan")
        self.pairs = None
        self.rows_y = np.array([])
        items_box = QGroupBox("Items")
        grid = QGridLayout(items_box)
        grid.addWidget(QLabel("relevance"), 0, 1)
        grid.addWidget(QLabel("score"), 0, 2)
        self.relevance_spins: list[QSpinBox] = []
        self.score_spins: list[QDoubleSpinBox] = []
        for i in range(N_ITEMS):
            grid.addWidget(QLabel(f"item {i}"), i + 1, 0)
            rs = QSpinBox()
            rs.setRange(*RELEVANCE_RANGE)
            rs.setToolTip("Higher is more relevant: it should be ranked higher.")
            rs.valueChanged.connect(self.recompute)
            ss = QDoubleSpinBox()
            ss.setRange(*SCORE_RANGE)
            ss.setDecimals(2)
            ss.setSingleStep(0.05)
            ss.setToolTip("The model's score; items are ranked by it, highest first.")
            ss.valueChanged.connect(self.recompute)
            grid.addWidget(rs, i + 1, 1)
            grid.addWidget(ss, i + 1, 2)
            self.relevance_spins.append(rs)
            self.score_spins.append(ss)
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
        self.margin_form = self.make_form(compact=False)
        self.loss_label = big_label()
        self.set_body([items_box, pw, self.margin_form, self.loss_label], self._build_plot_and_table())
        self.reset()

    def _build_plot_and_table(self) -> QWidget:
        """The plot (one row per pair) beside the table of pairs, so both get the full height."""
        right = QWidget()
        rl = QHBoxLayout(right)
        rl.setContentsMargins(0, 0, 6, 6)
        plot_widget = QWidget()
        plot_column = QVBoxLayout(plot_widget)
        plot_column.setContentsMargins(0, 0, 0, 0)
        self.plot = StyledPlot("Pairs against the margin", "score", "pair: more › less relevant")
        no_mouse(self.plot)
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
        self.item_dots = pg.ScatterPlotItem(pen=pg.mkPen("k", width=1), brush=pg.mkBrush(BLUE))
        self.item_dots.setZValue(10)
        self.plot.addItem(self.item_dots)
        self.item_texts = []
        for i in range(N_ITEMS):
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
        rl.addWidget(plot_widget, 1)

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
        # on a projector the plot gets the whole width, the table of pairs is the next tab
        self.plot_turns(("Pairs", plot_widget), ("Table of pairs", self.table_column))
        return right

    def plots(self) -> dict[str, QWidget]:
        return {"pairs": self.plot}

    def tables(self) -> dict[str, Any]:
        return {"pairs": self.pairs}

    # ----------------------------------------------------------------- state
    def state(self) -> dict[str, Any]:
        return {"scores": [s.value() for s in self.score_spins],
                "relevance": [r.value() for r in self.relevance_spins]}

    def check_state(self, values: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name, kind, (lo, hi) in (("scores", float, SCORE_RANGE), ("relevance", int, RELEVANCE_RANGE)):
            if name in values:
                out[name] = checked_list(name, values[name], kind, length=N_ITEMS)
                if not all(lo <= v <= hi for v in out[name]):
                    raise ValueError(f"{name}: every value must be in [{lo:g}, {hi:g}], got {out[name]}")
        return out

    def apply_state(self, values: dict[str, Any]) -> None:
        with blocked(*self.relevance_spins, *self.score_spins):
            for name, spins in (("scores", self.score_spins), ("relevance", self.relevance_spins)):
                for spin, v in zip(spins, values.get(name, ())):
                    spin.setValue(v)
        self.recompute()

    def reset(self) -> None:
        super().reset()
        self.table.clearSelection()
        self.apply_state({"relevance": TUTORIAL_RELEVANCE, "scores": GOOD_SCORES})

    def set_scores(self, scores, *_args) -> None:
        self.apply_state({"scores": scores})

    def scores(self) -> np.ndarray:
        return np.array([s.value() for s in self.score_spins])

    def relevance(self) -> np.ndarray:
        return np.array([r.value() for r in self.relevance_spins])

    def on_change(self, name: str, value) -> None:
        self.recompute()

    # ----------------------------------------------------------------- drawing
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
        order = L.ranking_order(s, r)
        self.order_label.setText(
            "<b>Ranked by score:</b> " + " › ".join(f"item {i}" for i in order.by_score) +
            (" &nbsp;(the ideal order)" if order.in_order else
             " &nbsp;<b>ideal:</b> " + " › ".join(f"item {i}" for i in order.ideal)) + "<br>" + counts)
        self._draw(s, margin, wrong, near)
        self._fill_table(pairs)
        self.drawn.emit()

    def _draw(self, s: np.ndarray, margin: float, wrong: np.ndarray, near: np.ndarray) -> None:
        pairs = self.pairs
        n = len(pairs)
        self.rows_y = pair_rows(n)
        items_y = float(n)
        s_more, s_less = pairs["score_more"].to_numpy(), pairs["score_less"].to_numpy()
        needed = s_less + margin
        ms = theme().marker_size
        self.item_dots.setData(s, np.full(s.size, items_y), size=ms * 1.5)
        for i, t in enumerate(self.item_texts):
            t.setPos(s[i], items_y)
        self.needed_bars.setOpts(x0=s_less, x1=needed, y=self.rows_y, height=0.4)
        self.gap_lines.setData(*segments(s_less, s_more, self.rows_y), connect="finite")
        for item, mask in ((self.bad_pairs, wrong), (self.near_pairs, near)):
            # from the more relevant item's score to where it would have to be: the pair's loss
            item.setData(*segments(s_more[mask], needed[mask], self.rows_y[mask]), connect="finite")
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
                it = table_item(t, editable=False, align=Qt.AlignCenter)
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
