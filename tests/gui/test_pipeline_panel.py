"""The Hands-on pipeline tab driven as a student would."""
import threading

import pytest
from PySide6.QtCore import QPoint, Qt

from engine import pipeline as P
from gui.panels.pipeline import (COL_DELTA, COL_LABEL, COL_P, COL_TEST, COL_VAL, WORSE_BG, BETTER_BG,
                                 PipelinePanel)
from tests.gui.helpers import type_into

# the tutorial's figures (section 6), as the table shows them
TUTORIAL_ROWS = [  # pipeline starts with, validation, test
    ("step 1: logistic, C 1 (baseline)", None, "0.9611"),
    ("step 2: MLP, alpha 0.001", "0.9792", None),
    ("step 2: MLP, alpha 0.01", "0.9792", None),
    ("step 2: MLP, alpha 0.1", "0.9861", None),
    ("step 2: MLP, alpha 1", "0.9896", None),
    ("step 3: MLP, alpha 1, early stop", "0.9757", "0.9528"),
]


@pytest.fixture
def panel(monkeypatch, window, qtbot):
    """The panel as built, running the real steps (recorded for the other tests when they finish)."""
    monkeypatch.setattr(P, "tutorial_steps", recording_tutorial_steps)
    p = window.panel_by_key("pipeline")
    assert isinstance(p, PipelinePanel)
    window.tabs.setCurrentWidget(p)
    return p


_RECORDED = {}


def recording_tutorial_steps(data=None):
    """The real steps, streaming; a run that finishes is kept for recorded_tutorial_steps."""
    events = []
    gen = REAL_TUTORIAL_STEPS()
    while True:
        try:
            event = next(gen)
        except StopIteration as stop:
            _RECORDED.setdefault("events", events)
            _RECORDED.setdefault("result", stop.value)
            return stop.value
        events.append(event)
        yield event


def recorded_tutorial_steps(data=None):
    """The tutorial's steps computed once for this module, then replayed: the same events and result.

    Only the tests that watch the steps run use the real generator; the others need their outcome.
    """
    if "events" not in _RECORDED:
        return (yield from recording_tutorial_steps())
    yield from _RECORDED["events"]
    return _RECORDED["result"]


REAL_TUTORIAL_STEPS = P.tutorial_steps


@pytest.fixture
def done(monkeypatch, window, qtbot):
    """The panel after its first run of the tutorial's steps (started when the tab was built)."""
    monkeypatch.setattr(P, "tutorial_steps", recorded_tutorial_steps)
    panel = window.panel_by_key("pipeline")
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.tutorial is not None and panel.is_idle(), timeout=90000)
    return panel


def points(curve) -> int:
    x, _ = curve.getData()
    return 0 if x is None else len(x)


def choose_model(panel, model):
    combo = panel.form["model"].editor
    combo.setCurrentIndex(combo.findData(model))


def run(qtbot, panel):
    with qtbot.waitSignal(panel.run_done, timeout=60000):
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    return panel.results[-1]


def row_of(panel, result) -> int:
    for r in range(panel.table.rowCount()):
        if panel.result_at_row(r) is result:
            return r
    raise AssertionError("result not in the table")


def click_row(qtbot, panel, result):
    r = row_of(panel, result)
    rect = panel.table.visualItemRect(panel.table.item(r, COL_LABEL))
    qtbot.mouseClick(panel.table.viewport(), Qt.LeftButton, pos=rect.center())


# ------------------------------------------------------------------ the tutorial's steps
def test_the_steps_stream_and_the_verdict_says_worse_than_the_baseline(qtbot, panel):
    # the tab starts the steps when it is built: the loss curves grow while they run
    assert panel.steps_worker.busy and panel.steps_cancel.isEnabled()
    qtbot.waitUntil(lambda: points(panel.alpha_curves[0]) > 3, timeout=60000)
    assert panel.steps_worker.busy and panel.tutorial is None
    assert "Step 1: baseline</b>: logistic regression, test <b>0.9611" in panel.step_labels[1].text()
    assert "Running the tutorial's four steps" in panel.verdict_text()
    with qtbot.waitSignal(panel.tutorial_done, timeout=90000):
        pass
    rows = panel.table_rows()
    assert len(rows) == len(TUTORIAL_ROWS)
    for row, (label, val, test) in zip(rows, TUTORIAL_ROWS):
        assert row[COL_LABEL] == label
        if val:
            assert row[COL_VAL] == val
        if test:
            assert row[COL_TEST] == test
    assert rows[-1][COL_DELTA] == "-0.83 (-3)" and rows[-1][COL_P] == "0.581"
    # Step 3 ran 30 iterations, all drawn; Step 2's networks 97, 97, 200, 200
    assert points(panel.final_curve) == 30
    assert [points(c) for c in panel.alpha_curves] == [97, 97, 200, 200]
    assert "stopped at <b>30</b> iterations, validation <b>0.9757</b>" in panel.step_labels[3].text()
    assert "Improvement over baseline: -0.83%" in panel.step_labels[4].text()
    # the verdict: the tutorial's final model, in red, worse, within noise, and why
    assert panel.pick is panel.final
    text = panel.verdict_text()
    assert "WORSE than the baseline" in text and "0.9528" in text and "0.9611" in text
    assert "-0.83 points = -3 of 360 images" in text
    assert "McNemar p = 0.58" in text and "within noise" in text
    assert "kept 115 training images" in text and "learned from 1034" in text
    assert "Step 2's alpha 1, scored <b>0.9806</b> on test" in text
    assert panel.verdict.palette().window().color().name() == WORSE_BG.lower()
    assert panel.compare_dots.data.size == 2          # baseline and the tutorial's final model
    assert not panel.steps_bar.isVisible() and not panel.steps_cancel.isEnabled()


def test_cancel_the_steps(qtbot, panel):
    qtbot.waitUntil(lambda: points(panel.alpha_curves[0]) > 0, timeout=60000)
    qtbot.mouseClick(panel.steps_cancel, Qt.LeftButton)
    assert panel.is_idle() and "Cancelled during step 2" in panel.steps_progress.text()
    n = points(panel.alpha_curves[0])
    qtbot.wait(300)
    assert points(panel.alpha_curves[0]) == n and panel.tutorial is None
    qtbot.waitUntil(lambda: not [t for t in threading.enumerate() if t.name == "pipeline-fit"], timeout=5000)


# ------------------------------------------------------------------ your pipelines
def test_tuning_c_on_validation_beats_the_baseline(qtbot, done):
    panel = done
    choose_model(panel, P.LOGISTIC)
    assert panel.form["C"].editor.isVisible() and not panel.form["hidden1"].editor.isVisible()
    runs = {}
    for c in ("0.1", "3", "0.3"):
        type_into(qtbot, panel.form["C"].editor, c)
        runs[c] = run(qtbot, panel)
    assert len(panel.results) == len(TUTORIAL_ROWS) + 3
    # the last run is picked: C = 0.3 has the best validation accuracy of the three (0.9792 > 0.9757 > 0.9722)
    pick = panel.pick
    assert pick is runs["0.3"]
    assert max(runs.values(), key=lambda r: r.val_mean) is pick
    assert round(pick.test_mean, 4) == 0.9694 > 0.9611
    text = panel.verdict_text()
    assert "BETTER than the baseline" in text and "+0.83 points = +3 of 360 images" in text
    assert panel.verdict.palette().window().color().name() == BETTER_BG.lower()
    assert not panel.warning.isVisible()
    # clicking C = 3 (worse): red again
    click_row(qtbot, panel, runs["3"])
    assert panel.pick is runs["3"] and "WORSE than the baseline" in panel.verdict_text()


def test_an_mlp_without_early_stopping_beats_the_baseline_and_streams(qtbot, done):
    panel = done
    box = panel.form["early_stopping"].editor
    box.setFocus()
    qtbot.keyClick(box, Qt.Key_Space)
    assert panel.settings()["early_stopping"] is False
    assert not panel.form["validation_fraction"].editor.isEnabled()
    type_into(qtbot, panel.form["max_iter"].editor, "200")
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: points(panel.your_curves[0]) > 5, timeout=60000)
    assert panel.run_worker.busy and panel.run_bar.isVisible() and panel.run_cancel.isEnabled()
    with qtbot.waitSignal(panel.run_done, timeout=60000):
        pass
    r = panel.results[-1]
    assert points(panel.your_curves[0]) == r.fits[0].n_iter == 200
    assert round(r.val_mean, 4) == 0.9896 and round(r.test_mean, 4) == 0.9806   # Step 2's best network
    text = panel.verdict_text()
    assert "BETTER than the baseline" in text and "McNemar p = 0.04" in text and "unlikely to be luck" in text
    assert panel.table_rows()[row_of(panel, r)][COL_TEST] == "0.9806"


def test_picking_by_test_accuracy_is_flagged(qtbot, done):
    panel = done
    by_alpha = {r.settings["alpha"]: r for r in panel.results if r.step == 2}
    # alpha 0.1 has the best TEST accuracy (0.9833) but not the best validation (alpha 1: 0.9896)
    click_row(qtbot, panel, by_alpha[0.1])
    assert panel.pick is by_alpha[0.1]
    assert panel.warning.isVisible() and "Choosing on the test set" in panel.warning.text()
    assert "lower validation accuracy" in panel.warning.text()
    # the honest choice
    qtbot.mouseClick(panel.pick_val_button, Qt.LeftButton)
    assert panel.pick is by_alpha[1.0] and not panel.warning.isVisible()
    assert "BETTER than the baseline" in panel.verdict_text()
    # ranking the table by test accuracy is flagged too, ranking by validation is not
    header = panel.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(COL_TEST) + 5, header.height() // 2))
    assert header.sortIndicatorSection() == COL_TEST
    assert panel.warning.isVisible() and "ranked by a test column" in panel.warning.text()
    panel.table.sortByColumn(COL_VAL, Qt.DescendingOrder)
    assert not panel.warning.isVisible()
    assert panel.result_at_row(0) is by_alpha[1.0]    # sorted numerically, best validation first


def test_seeds_show_the_spread(qtbot, done):
    panel = done
    choose_model(panel, P.NN_MLP)
    panel.form.set_values({"hidden1": 16, "hidden2": 0, "early_stopping": False, "max_iter": 5, "alpha": 0.001})
    type_into(qtbot, panel.form["n_seeds"].editor, "3")
    r = run(qtbot, panel)
    assert r.n_seeds == 3 and [f.seed for f in r.fits] == [42, 43, 44]
    row = panel.table_rows()[row_of(panel, r)]
    assert "±" in row[COL_VAL] and "±" in row[COL_TEST]
    assert "over 3 seeds" in panel.verdict_text()
    assert panel.seed_dots.data.size == 3
    assert [points(c) for c in panel.your_curves[:3]] == [5, 5, 5]


def test_cancel_a_run(qtbot, done):
    panel = done
    panel.form.set_values({"early_stopping": False, "max_iter": 2000, "hidden1": 64, "hidden2": 0})
    n_rows = panel.table.rowCount()
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: points(panel.your_curves[0]) > 3, timeout=60000)
    qtbot.mouseClick(panel.run_cancel, Qt.LeftButton)
    assert panel.is_idle() and "Cancelled" in panel.run_progress.text()
    n = points(panel.your_curves[0])
    qtbot.wait(300)
    assert points(panel.your_curves[0]) == n < 2000
    assert panel.table.rowCount() == n_rows
    qtbot.waitUntil(lambda: not [t for t in threading.enumerate() if t.name == "pipeline-fit"], timeout=5000)


def test_presentation_mode_keeps_the_verdict(qtbot, window, done):
    panel = done
    window.presentation_action.trigger()
    qtbot.wait(50)
    assert "WORSE than the baseline" in panel.verdict_text()
    assert "font-size:22pt" in panel.verdict_text()
    window.presentation_action.trigger()
