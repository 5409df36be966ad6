"""The results table: the engine's numbers shown as they always read, sorted by value, one pick."""
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QStyleOptionViewItem

from engine import pipeline as P
from engine.datasets import DIGITS_TEST, DIGITS_VAL
from gui.panels.pipeline.results_table import COLUMNS, TIPS, ResultsTable, Shown, shown_frame
from gui.panels.pipeline.verdict import BETTER, WORSE
from tests.gui.pipeline.conftest import recorded_tutorial


def tutorial_frame():
    _, r = recorded_tutorial()
    results = [r.baseline, *r.alphas, r.final]
    return results, P.results_frame(results)


def test_shown_frame_reads_as_the_table_always_read():
    results, frame = tutorial_frame()
    shown = shown_frame(frame)
    assert list(shown.columns) == list(COLUMNS)
    first, last = shown.iloc[0], shown.iloc[-1]
    assert first["Δ test"].text == "baseline" and float(first["Δ test"]) == 0.0   # sorts as no difference
    assert last["Δ test"].text == "-0.83 (-3)" and last["test"].text == "0.9528"
    assert shown.iloc[4]["iter."].text == "200 limit" and last["iter."].text == "30"
    assert isinstance(last["validation"], Shown) and float(last["validation"]) == results[-1].val_mean


def test_mean_and_spread_over_seeds():
    frame = pd.DataFrame([(7, "x", 3, 0.9, 0.01, 0.95, 0.02, 1.5, 2, 0.3, 12.0, False, 1.25, P.BETTER)],
                         columns=list(P.RESULT_COLUMNS))
    row = shown_frame(frame).iloc[0]
    assert row["validation"].text == "0.9000 ± 0.0100" and row["test"].text == "0.9500 ± 0.0200"
    assert row["Δ test"].text == "+1.50 (+2)" and row["s"].text == "1.2" and row["#"].text == "7"


def test_the_table_sorts_by_value_colours_by_the_engines_verdict_and_reports_picks(qtbot):
    table = ResultsTable()
    qtbot.addWidget(table)
    results, frame = tutorial_frame()
    picks = []
    table.picked.connect(picks.append)
    table.set_frame(frame, len(results) - 1)
    view = table.table
    assert view.selected_row() == len(results) - 1 and picks == []        # a programmatic pick is not a click
    assert view.horizontalHeader().sortIndicatorSection() == 0             # by run number, as they finished
    view.sortByColumn(COLUMNS.index("Δ test"), Qt.DescendingOrder)
    assert table.frame_row(0) == 3                                         # alpha 0.1: +2.22, by value
    assert view.column_texts("Δ test")[-1] == "-0.83 (-3)"
    assert table.sorted_by_test()
    view.sortByColumn(COLUMNS.index("validation"), Qt.DescendingOrder)
    assert not table.sorted_by_test() and table.frame_row(0) == 4        # alpha 1: 0.9896
    view.selectRow(0)
    assert picks == [4]
    # the Δ column is drawn in the verdict's colour, the others in the default one
    delegate = view.itemDelegate()
    for frame_row, colour in ((5, WORSE), (4, BETTER)):
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, view.proxy.index(table.view_row(frame_row), COLUMNS.index("Δ test")))
        assert option.palette.color(QPalette.Text).name() == colour.lower()
    assert table.verdict_at(view.proxy.index(table.view_row(0), 0)) is None
    table.set_presentation(True)
    assert [view.isColumnHidden(c) for c in range(len(COLUMNS))] == [True, False, True, False, False, False, True,
                                                                      True, True]


def test_the_column_tips_say_the_datas_sizes():
    assert f"{DIGITS_VAL} validation images" in TIPS["validation"]
    assert f"{DIGITS_TEST} test images" in TIPS["test"] and f"{DIGITS_TEST} test images" in TIPS["McNemar p"]
