"""The Hands-on pipeline page driven as a student would: the tutorial's steps, your own pipelines."""
import threading

from PySide6.QtCore import QPoint, Qt

from engine import pipeline as P
from gui.panels.pipeline.results_table import COLUMNS
from gui.panels.pipeline.verdict import BETTER_BG, WORSE_BG
from tests.gui.helpers import type_into
from tests.gui.pipeline.conftest import CLOSED

COL_LABEL, COL_VAL, COL_TEST, COL_DELTA, COL_P = (COLUMNS.index(c) for c in
                                                  ("pipeline", "validation", "test", "Δ test", "McNemar p"))

# the tutorial's figures (section 6), as the table shows them
TUTORIAL_ROWS = [  # pipeline starts with, validation, test
    ("step 1: logistic, C 1 (baseline)", None, "0.9611"),
    ("step 2: MLP, alpha 0.001", "0.9792", None),
    ("step 2: MLP, alpha 0.01", "0.9792", None),
    ("step 2: MLP, alpha 0.1", "0.9861", None),
    ("step 2: MLP, alpha 1", "0.9896", None),
    ("step 3: MLP, alpha 1, early stop", "0.9757", "0.9528"),
]


def points(curve) -> int:
    x, _ = curve.getData()
    return 0 if x is None else len(x)


def choose_model(page, model):
    combo = page.form["model"].editor
    combo.setCurrentIndex(combo.findData(model))


def run(qtbot, page):
    with qtbot.waitSignal(page.yours.done, timeout=60000):
        qtbot.mouseClick(page.yours.run_button, Qt.LeftButton)
    return page.results[-1]


def rows(page) -> list[list[str]]:
    return page.table.table.texts()


def click_row(qtbot, page, result):
    table = page.table.table
    rect = table.visualRect(table.proxy.index(page.row_of(result), COL_LABEL))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())


def no_fit_thread() -> bool:
    return not [t for t in threading.enumerate() if t.name == P.FIT_THREAD]


# ------------------------------------------------------------------ the tutorial's steps
def test_the_steps_stream_and_the_verdict_says_worse_than_the_baseline(qtbot, page):
    # the page starts the steps when it is built: the loss curves grow while they run
    assert page.steps.busy and page.steps.cancel_button.isEnabled()
    assert page.steps.run_button.text() == "Run the four steps"
    qtbot.waitUntil(lambda: points(page.loss_plot.alpha_curves[0]) > 3, timeout=60000)
    assert page.steps.busy and page.tutorial is None
    assert "Step 1: baseline</b>: logistic regression, test <b>0.9611" in page.steps_box.labels[1].text()
    assert "Running the tutorial's four steps" in page.verdict_text()
    with qtbot.waitSignal(page.steps.done, timeout=90000):
        pass
    shown = rows(page)
    assert len(shown) == len(TUTORIAL_ROWS)
    for row, (label, val, test) in zip(shown, TUTORIAL_ROWS):
        assert row[COL_LABEL] == label
        if val:
            assert row[COL_VAL] == val
        if test:
            assert row[COL_TEST] == test
    assert shown[-1][COL_DELTA] == "-0.83 (-3)" and shown[-1][COL_P] == "0.581"
    assert shown[0][COL_DELTA] == "baseline" and shown[0][COL_P] == "–"
    # Step 3 ran 30 iterations, all drawn; Step 2's networks 97, 97, 200, 200
    assert points(page.loss_plot.final_curve) == 30
    assert [points(c) for c in page.loss_plot.alpha_curves] == [97, 97, 200, 200]
    assert "stopped at <b>30</b> iterations, validation <b>0.9757</b>" in page.steps_box.labels[3].text()
    assert "Improvement over baseline: -0.83%" in page.steps_box.labels[4].text()
    # the verdict: the tutorial's final model, in red, worse, within noise, and why
    assert page.pick is page.final
    text = page.verdict_text()
    assert "WORSE than the baseline" in text and "0.9528" in text and "0.9611" in text
    assert "-0.83 points = -3 of 360 images" in text
    assert "McNemar p = 0.58" in text and "within noise" in text
    assert "kept 115 training images" in text and "learned from 1034" in text
    assert "Step 2's alpha 1, scored <b>0.9806</b> on test" in text
    assert page.verdict.background() == WORSE_BG.lower()
    assert page.compare_plot.dots.data.size == 2          # baseline and the tutorial's final model
    assert not page.steps_box.bar.isVisible() and not page.steps.cancel_button.isEnabled()
    assert page.steps.run_button.text() == "Run the four steps"
    assert page.tables()["results"]["pipeline"].tolist() == [label for label, _, _ in TUTORIAL_ROWS]


def test_cancel_the_steps_closes_their_generator(qtbot, page):
    qtbot.waitUntil(lambda: points(page.loss_plot.alpha_curves[0]) > 0, timeout=60000)
    qtbot.mouseClick(page.steps.cancel_button, Qt.LeftButton)
    assert page.panel.is_idle() and "Cancelled during step 2" in page.steps.note.text()
    n = points(page.loss_plot.alpha_curves[0])
    qtbot.waitUntil(lambda: "steps" in CLOSED, timeout=5000)   # the worker closed the steps' generator
    assert no_fit_thread()                                    # ... which stopped and joined the fit
    assert points(page.loss_plot.alpha_curves[0]) == n and page.tutorial is None


# ------------------------------------------------------------------ your pipelines
def test_tuning_c_on_validation_beats_the_baseline(qtbot, done):
    page = done
    choose_model(page, P.LOGISTIC)
    assert page.form["C"].editor.isVisible() and not page.form["hidden1"].editor.isVisible()
    runs = {}
    for c in ("0.1", "3", "0.3"):
        type_into(qtbot, page.form["C"].editor, c)
        runs[c] = run(qtbot, page)
    assert len(page.results) == len(TUTORIAL_ROWS) + 3
    # the last run is picked: C = 0.3 has the best validation accuracy of the three (0.9792 > 0.9757 > 0.9722)
    pick = page.pick
    assert pick is runs["0.3"]
    assert max(runs.values(), key=lambda r: r.val_mean) is pick
    assert round(pick.test_mean, 4) == 0.9694 > 0.9611
    text = page.verdict_text()
    assert "BETTER than the baseline" in text and "+0.83 points = +3 of 360 images" in text
    assert page.verdict.background() == BETTER_BG.lower()
    assert not page.table.warning.isVisible()
    # clicking C = 3 (worse): red again
    click_row(qtbot, page, runs["3"])
    assert page.pick is runs["3"] and "WORSE than the baseline" in page.verdict_text()


def test_an_mlp_without_early_stopping_beats_the_baseline_and_streams(qtbot, done):
    page = done
    box = page.form["early_stopping"].editor
    box.setFocus()
    qtbot.keyClick(box, Qt.Key_Space)
    assert page.values()["early_stopping"] is False
    assert not page.form["validation_fraction"].editor.isEnabled()
    type_into(qtbot, page.form["max_iter"].editor, "200")
    qtbot.mouseClick(page.yours.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: points(page.loss_plot.your_curves[0]) > 5, timeout=60000)
    assert page.yours.busy and page.run_bar.isVisible() and page.yours.cancel_button.isEnabled()
    assert page.yours.run_button.text() == "Restart"
    with qtbot.waitSignal(page.yours.done, timeout=60000):
        pass
    r = page.results[-1]
    assert points(page.loss_plot.your_curves[0]) == r.fits[0].n_iter == 200
    assert round(r.val_mean, 4) == 0.9896 and round(r.test_mean, 4) == 0.9806   # Step 2's best network
    text = page.verdict_text()
    assert "BETTER than the baseline" in text and "McNemar p = 0.04" in text and "unlikely to be luck" in text
    assert rows(page)[page.row_of(r)][COL_TEST] == "0.9806"
    assert page.yours.run_button.text() == "Run" and not page.run_bar.isVisible()


def test_picking_by_test_accuracy_is_flagged(qtbot, done):
    page = done
    by_alpha = {r.settings["alpha"]: r for r in page.results if r.step == 2}
    # alpha 0.1 has the best TEST accuracy (0.9833) but not the best validation (alpha 1: 0.9896)
    click_row(qtbot, page, by_alpha[0.1])
    assert page.pick is by_alpha[0.1]
    warning = page.table.warning
    assert warning.isVisible() and "Choosing on the test set" in warning.text()
    assert "lower validation accuracy" in warning.text()
    # the honest choice
    qtbot.mouseClick(page.table.pick_val_button, Qt.LeftButton)
    assert page.pick is by_alpha[1.0] and not warning.isVisible()
    assert "BETTER than the baseline" in page.verdict_text()
    # ranking the table by test accuracy is flagged too, ranking by validation is not
    table = page.table.table
    header = table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(COL_TEST) + 5, header.height() // 2))
    assert header.sortIndicatorSection() == COL_TEST
    assert warning.isVisible() and "ranked by a test column" in warning.text()
    table.sortByColumn(COL_VAL, Qt.DescendingOrder)
    assert not warning.isVisible()
    assert page.result_at_row(0) is by_alpha[1.0]    # sorted numerically, best validation first
    assert page.pick is by_alpha[1.0] and table.selected_row() == page.results.index(by_alpha[1.0])


def test_seeds_show_the_spread(qtbot, done):
    page = done
    choose_model(page, P.NN_MLP)
    page.form.set_values({"hidden1": 16, "hidden2": 0, "early_stopping": False, "max_iter": 5, "alpha": 0.001})
    type_into(qtbot, page.form["n_seeds"].editor, "3")
    r = run(qtbot, page)
    assert r.n_seeds == 3 and [f.seed for f in r.fits] == [42, 43, 44]
    row = rows(page)[page.row_of(r)]
    assert "±" in row[COL_VAL] and "±" in row[COL_TEST]
    assert "over 3 seeds" in page.verdict_text()
    assert page.compare_plot.seed_dots.data.size == 3
    assert [points(c) for c in page.loss_plot.your_curves[:3]] == [5, 5, 5]


def test_cancel_a_run_closes_its_generator(qtbot, done):
    page = done
    page.form.set_values({"early_stopping": False, "max_iter": 2000, "hidden1": 64, "hidden2": 0})
    n_rows = len(rows(page))
    qtbot.mouseClick(page.yours.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: points(page.loss_plot.your_curves[0]) > 3, timeout=60000)
    qtbot.mouseClick(page.yours.cancel_button, Qt.LeftButton)
    assert page.panel.is_idle() and "Cancelled" in page.yours.note.text()
    n = points(page.loss_plot.your_curves[0])
    qtbot.waitUntil(lambda: "pipeline" in CLOSED, timeout=5000)   # the worker closed the run's generator
    assert no_fit_thread()                                       # ... which stopped and joined the fit
    assert points(page.loss_plot.your_curves[0]) == n < 2000
    assert len(rows(page)) == n_rows


def test_presentation_mode_keeps_the_verdict(qtbot, window, done):
    page = done
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: "font-size:22pt" in page.verdict_text(), timeout=5000)
    assert "WORSE than the baseline" in page.verdict_text()
    assert not page.alpha_plot.isVisible() and page.table.table.isColumnHidden(COLUMNS.index("seeds"))
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: page.alpha_plot.isVisible(), timeout=5000)
    assert not page.table.table.isColumnHidden(COLUMNS.index("seeds"))


def test_rerunning_the_steps_numbers_their_rows_as_before(qtbot, done):
    page = done
    first = list(page.numbers)
    assert first == list(range(1, len(first) + 1))
    page.steps.start()                      # the four steps again
    qtbot.waitUntil(lambda: page.tutorial is not None and page.panel.is_idle(), timeout=90000)
    assert page.numbers == first            # 1-6 again, not 7-12
    assert list(page.table.frame.iloc[:, 0]) == first
