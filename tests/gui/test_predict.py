"""Predict, then reveal (gui/predict.py): a whole round as a class plays it, on two sections."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine import overfitting as OF
from gui.predict import ASKING, IDLE, REVEALED
from tests.gui.predicting import click_plot, press

STOPPING = 3   # Regularization's early-stopping tab


@pytest.fixture
def stopping(window, qtbot):
    """Early stopping on the tutorial's simulated curve (it stops at epoch 36), run once, fast."""
    panel = window.panel_by_key("regularization")
    window.tabs.setCurrentWidget(panel)
    s = panel.section("early_stopping")
    s.set_values({"speed": OF.SPEED.maximum, "data": OF.DATA_SIMULATED})
    with qtbot.waitSignal(s.done, timeout=30000):
        panel.tabs.setCurrentIndex(STOPPING)
    qtbot.waitUntil(panel.is_idle, timeout=10000)
    assert s.summary.stop_epoch == 36
    return s


@pytest.fixture
def race(window, qtbot):
    panel = window.panel_by_key("optimizers")
    window.tabs.setCurrentWidget(panel)
    r = panel.section("race")
    qtbot.waitUntil(lambda: bool(r.paths) and panel.is_idle(), timeout=10000)
    r.set_values({"speed": 240})
    return r


def hidden(s) -> bool:
    return s.val_curve.opacity() == 0 and s.stop_line.opacity() == 0 and s.note.isHidden() and s.live.isHidden()


def test_early_stopping_round_predict_click_reveal(qtbot, stopping):
    s, p = stopping, stopping.predictor
    assert s.val_curve.opacity() == 1 and not p.reveal_button.isEnabled()
    press(qtbot, p.predict_button)
    # the outcome is out of sight, the class is asked for an epoch
    assert p.state == ASKING and hidden(s)
    assert "Click the epoch at which early stopping fires" in p.label.text()
    assert p.predict_button.isChecked() and not p.reveal_button.isEnabled()
    click_plot(qtbot, s.plot, 40.2, 0.5)
    assert p.points == {"": 40} and p.reveal_button.isEnabled()
    assert [round(m.value()) for m in p.items] == [40]    # the prediction's line, where the class clicked
    press(qtbot, p.reveal_button)
    qtbot.waitUntil(lambda: p.state == REVEALED, timeout=30000)
    assert s.val_curve.opacity() == 1 and not s.note.isHidden() and s.stop_line.value() == 36
    assert "You predicted epoch 40; early stopping fired at epoch 36: 4 epochs earlier." in p.label.text()
    j = p.judgements[""]
    assert j.error == -4 and j.grade == "spot on"
    # the prediction beside the outcome: its line, the band between them and the error's words
    band = [m for m in p.items if hasattr(m, "getRegion")]
    assert band and band[0].getRegion() == (36, 40)
    assert any(getattr(m, "textItem", None) is not None and m.textItem.toPlainText() == "4 epochs earlier"
               for m in p.items)


def test_race_round_one_click_per_optimizer(qtbot, race):
    p = race.predictor
    start = tuple(race.start)
    ends = {name: race.paths[name].points[-1] for name in ("SGD", "Momentum", "Adam")}
    press(qtbot, p.predict_button)
    # the race rewinds to its start and its transport locks: nothing gives the ends away
    assert race.transport.frame == 0 and not race.transport.isEnabled()
    assert [t for t, _ in p.targets] == ["SGD", "Momentum", "Adam"] and "SGD ends" in p.label.text()
    click_plot(qtbot, race.race_plots.contour, 1.0, 1.0)          # SGD: far from where it ends
    assert "Momentum ends" in p.label.text() and not p.reveal_button.isEnabled()
    click_plot(qtbot, race.race_plots.contour, *ends["Momentum"])
    click_plot(qtbot, race.race_plots.contour, *ends["Adam"])
    assert tuple(race.start) == start          # the clicks predicted: they did not move the start point
    assert set(p.points) == {"SGD", "Momentum", "Adam"}
    np.testing.assert_allclose(p.points["Adam"], ends["Adam"], atol=0.05)
    qtbot.keyClick(race, Qt.Key_P)             # P reveals once every optimizer has a prediction
    assert race.transport.playing
    qtbot.waitUntil(lambda: p.state == REVEALED, timeout=10000)
    assert race.transport.frame == race.transport.last and race.transport.isEnabled()
    assert p.judgements["Adam"].grade == "spot on" and p.judgements["SGD"].error > 0.5
    text = p.label.text()
    sx, sy = ends["SGD"]
    assert f"You predicted SGD ends at ({p.points['SGD'][0]:.2f}, {p.points['SGD'][1]:.2f}); it ended at " \
           f"({sx:.2f}, {sy:.2f}): {p.judgements['SGD'].error:.2f} away." in text
    assert text.count("You predicted") == 3
    # a changed parameter starts a new race: the old round's markers go
    with qtbot.waitSignal(race.done, timeout=5000):
        race.set_values({"SGD.lr": 0.02})
    assert p.state == IDLE and not p.items


def test_cancel_a_prediction_brings_the_outcome_back_without_a_run(qtbot, stopping):
    s, p = stopping, stopping.predictor
    press(qtbot, p.predict_button)
    click_plot(qtbot, s.plot, 20, 0.5)
    assert hidden(s) and p.items
    press(qtbot, p.predict_button)              # pressed in: a second press cancels
    assert p.state == IDLE and not p.items and not hidden(s) and not s.worker.busy
    assert not p.predict_button.isChecked() and p.label.isHidden()
    # Esc (the section's cancel) drops a prediction as well
    qtbot.keyClick(s, Qt.Key_P)
    assert p.state == ASKING
    s.cancel()
    assert p.state == IDLE and not hidden(s)


def test_a_parameter_changed_mid_prediction_waits_for_reveal(qtbot, stopping):
    s, p = stopping, stopping.predictor
    press(qtbot, p.predict_button)
    s.set_values({"patience": 12})
    # the drag's restart comes and goes: the run does not play while the class predicts
    qtbot.waitUntil(lambda: not s.runner.restart_timer.isActive(), timeout=5000)
    assert not s.worker.busy and hidden(s) and p.state == ASKING
    click_plot(qtbot, s.plot, 30, 0.5)
    press(qtbot, p.reveal_button)
    qtbot.waitUntil(lambda: p.state == REVEALED, timeout=30000)
    assert s.run_values["patience"] == 12 and s.summary.stop_epoch != 36
    assert f"early stopping fired at epoch {s.summary.stop_epoch}" in p.label.text()


def test_predict_in_presentation_and_stage_view(qtbot, window, stopping):
    s, p = stopping, stopping.predictor
    race = window.panel_by_key("optimizers").section("race")   # another section with a P key, hidden
    assert race.predictor is not None and not race.isVisible()
    window.set_presentation(True)
    qtbot.waitUntil(lambda: s.stage_fold.active, timeout=5000)
    # Predict and Reveal are in the Run row, which the stage view's strip keeps
    assert p.predict_button.isVisible() and p.reveal_button.isVisible()
    qtbot.keyClick(window, Qt.Key_P)     # wherever the focus is
    assert p.state == ASKING and race.predictor.state == IDLE
    click_plot(qtbot, s.plot, 50, 0.5)
    assert p.label.isVisible()
    qtbot.keyClick(window, Qt.Key_P)
    qtbot.waitUntil(lambda: p.state == REVEALED, timeout=30000)
    assert p.label.isVisible() and "14 epochs earlier" in p.label.text()


@pytest.fixture
def pipeline(monkeypatch, window, qtbot):
    """The Hands-on pipeline after the tutorial's steps (recorded once, as its own tests do)."""
    from engine import pipeline as P
    from tests.gui.pipeline.conftest import recorded_tutorial_steps
    monkeypatch.setattr(P, "tutorial_steps", recorded_tutorial_steps)
    panel = window.panel_by_key("pipeline")
    window.tabs.setCurrentWidget(panel)
    page = panel.section("exercise")
    qtbot.waitUntil(lambda: page.tutorial is not None and panel.is_idle(), timeout=90000)
    return page


def test_pipeline_round_predicts_your_test_accuracy(qtbot, window, pipeline):
    from engine import pipeline as P
    page, p = pipeline, pipeline.predictor
    combo = page.form["model"].editor
    combo.setCurrentIndex(combo.findData(P.LOGISTIC))
    rows = len(page.results)
    # the buttons sit in "Your pipeline"'s Run row, not in the tutorial steps' row
    assert p.run is page.yours and p.predict_button.parent() is page.yours.button_row
    press(qtbot, p.predict_button)
    assert p.state == ASKING and "test accuracy your pipeline will reach" in p.label.text()
    press(qtbot, page.yours.run_button)       # Run is held while the class predicts
    assert not page.yours.busy and len(page.results) == rows
    click_plot(qtbot, page.compare_plot, 0.95, 0.5)
    assert p.points[""] == pytest.approx(0.95, abs=0.002)
    press(qtbot, p.reveal_button)
    qtbot.waitUntil(lambda: p.state == REVEALED, timeout=60000)
    result = page.results[-1]
    assert len(page.results) == rows + 1 and result is page.yours.result
    j = p.judgements[""]
    assert j.outcome == result.test_mean and j.error == pytest.approx(result.test_mean - p.points[""])
    assert f"your pipeline scored {result.test_mean:.3f}" in p.label.text()


def test_schedules_round_one_final_loss_per_schedule(qtbot, window):
    from engine import strategies as ST
    panel = window.panel_by_key("strategies")
    s = panel.section("schedules")
    s.set_values({"total_epochs": 10, "speed": 1000, "hidden": 8, "batch_size": 256})
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: s.ran and panel.is_idle(), timeout=30000)
    p = s.predictor
    press(qtbot, p.predict_button)
    names = ST.runnable_schedules(s.values())
    assert [t for t, _ in p.targets] == [ST.SCHEDULE_LABELS[n] for n in names] and len(names) > 1
    # the loss curves go, the schedule figure (what the class reasons from) stays
    assert s.val_curves[names[0]].opacity() == 0 and s.lr_curves[names[0]].opacity() == 1
    # and the axis is neutral: the zoom on the hidden curves would tell where they end
    assert s.loss_plot.getPlotItem().vb.viewRange()[1] == pytest.approx([0, 1.5])
    (x0, x1), (y0, y1) = s.loss_plot.getPlotItem().vb.viewRange()
    for k in range(len(names)):
        click_plot(qtbot, s.loss_plot, x0 + 0.5 * (x1 - x0), y0 + (0.2 + 0.1 * k) * (y1 - y0))
    press(qtbot, p.reveal_button)
    qtbot.waitUntil(lambda: p.state == REVEALED, timeout=60000)
    table = ST.schedule_summary(s.result).table
    for name, row in zip(names, table.itertuples()):
        j = p.judgements[ST.SCHEDULE_LABELS[name]]
        assert row.schedule == name and j.outcome == pytest.approx(row.final_val_loss)
        assert f"it ended at {row.final_val_loss:.3f}" in j.sentence
    assert p.label.text().count("You predicted") == len(names)


def test_nothing_to_predict_says_so(qtbot, race):
    statuses = []
    race.status.connect(statuses.append)
    race.set_values({name: False for name in ("SGD", "Momentum", "Adam")})
    qtbot.waitUntil(lambda: not race.paths, timeout=5000)
    press(qtbot, race.predictor.predict_button)
    assert race.predictor.state == IDLE and not race.predictor.predict_button.isChecked()
    assert race.transport.isEnabled() and "nothing to predict" in statuses[-1]


def test_a_setting_changed_mid_round_is_said_in_words(qtbot, window):
    """Your alpha moved after the clicks: its old prediction is dropped with a sentence, the new
    network is asked for before the run plays (no "was not trained" verdict)."""
    from tests.gui.helpers import plain
    panel = window.panel_by_key("regularization")
    window.tabs.setCurrentWidget(panel)
    s = panel.section("mlp_l2")
    with qtbot.waitSignal(s.done, timeout=30000):
        panel.tabs.setCurrentIndex(4)
    p = s.predictor
    press(qtbot, p.predict_button)
    for x in (0.19, 1.19, 2.19):
        click_plot(qtbot, s.plot, x, 0.8)
    s.set_values({"alpha": 0.5})
    assert not s.worker.busy
    press(qtbot, p.reveal_button)
    # not revealed yet: the new network needs a click of its own
    assert p.state == ASKING and "A setting changed since your clicks" in plain(p.label)
    assert "alpha 0.5" in plain(p.label) and "alpha 1" not in p.points
    assert not p.reveal_button.isEnabled()
    click_plot(qtbot, s.plot, 2.19, 0.7)
    press(qtbot, p.reveal_button)
    qtbot.waitUntil(lambda: p.state == REVEALED, timeout=30000)
    text = plain(p.label)
    assert "You predicted alpha 1, but a setting changed after your click and it no longer runs: that " \
           "prediction is dropped." in text
    assert "was not trained" not in text and text.count("You predicted") == 4
    assert p.judgements["alpha 0.5"].outcome == next(e.test_accuracy for e in s.events if e.alpha == 0.5)
