"""4 · Gradient clipping: the tutorial's example, and a run that explodes without clipping."""
import numpy as np
import pytest

from tests.gui.helpers import curve_y, plain, type_into

CLIPPING = 3


def test_clipping_demo_and_a_run_that_explodes_without_clipping(qtbot, panel):
    s = panel.section("clipping")
    panel.tabs.setCurrentIndex(CLIPPING)
    text = plain(s.demo_label)
    assert "Original gradient norm: 13.9284" in text
    assert "Was clipped: True" in text and "Clipped gradient norm: 5.0000" in text
    np.testing.assert_allclose(s.demo_after.opts["height"], [1.7949, 4.6667, 5.0], atol=5e-5)  # ‖g1‖, ‖g2‖, total
    with qtbot.waitSignal(s.demo_drawn, timeout=1000):
        s.vec_edits[1].clear()
        qtbot.keyClicks(s.vec_edits[1], "0, 1")              # norms 5 and 1: total sqrt(26)
    assert "Original gradient norm: 5.0990" in plain(s.demo_label)
    type_into(qtbot, s.param_widget("demo_max_norm").editor, "10")
    text = plain(s.demo_label)
    assert "Was clipped: False" in text and "nothing changes" in text
    assert not s.restart_timer.isActive()                     # the example is not the run: no restart
    qtbot.keyClicks(s.vec_edits[0], ", x")
    assert "Cannot clip" in plain(s.demo_label) and "gradient 1" in plain(s.demo_label)
    # the chart no longer shows the result of the vector before it was half-typed
    assert len(s.demo_after.opts["height"]) == 0 and not s.demo_texts
    # the training run (started when the section was shown)
    qtbot.waitUntil(lambda: s.result is not None, timeout=30000)
    result = s.result
    assert result.runs["no clipping"].diverged and not result.runs["clipping"].diverged
    norms = curve_y(s.norm_curves["no clipping"])              # log10 of the norms (a log axis)
    np.testing.assert_allclose(norms, np.log10(result.runs["no clipping"].curve("grad_norm")))
    assert norms[-1] > 100                                     # exploded beyond 1e100
    assert s.max_norm_line.value() == pytest.approx(np.log10(0.5))
    heights = s.clip_bars.opts["height"]
    assert len(heights) == 30 and sum(heights) > 0
    assert curve_y(s.acc_curves["clipping"])[-1] > 0.9
    text = plain(s.note)
    assert "No clipping: the gradient norm grew" in text and "were clipped" in text
    # a new max_norm restarts the run and moves the line
    with qtbot.waitSignal(s.done, timeout=30000):
        type_into(qtbot, s.param_widget("max_norm").editor, "2")
    assert s.result.settings["max_norm"] == 2.0
    assert s.max_norm_line.value() == pytest.approx(np.log10(2))


def test_predict_the_clipped_runs_last_accuracy(qtbot, panel):
    from tests.gui.predicting import check_verdicts, click_plot, inside_view, reveal, start_round
    s = panel.section("clipping")
    s.set_values({"epochs": 8})
    with qtbot.waitSignal(s.done, timeout=30000):
        panel.tabs.setCurrentIndex(CLIPPING)
    p = start_round(qtbot, s)
    assert s.acc_curves["clipping"].opacity() == 0 and s.norm_curves["clipping"].opacity() == 0
    assert s.demo_after.opacity() == 1 and s.note.isHidden()      # the example is not the answer: it stays
    click_plot(qtbot, s.acc_plot, 7.5, 0.5)
    p = reveal(qtbot, s)
    last = s.run_events.results("clipping")[-1].val_acc
    check_verdicts(p, {"the clipped run": last}, decimals=2)
    assert f"You predicted the clipped run ends at 0.50; it ended at {last:.2f}" in plain(p.label)
    assert inside_view(p) and not s.note.isHidden()
