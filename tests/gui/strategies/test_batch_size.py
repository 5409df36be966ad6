"""2 · Batch size: a measured row per batch size next to the tutorial's words."""
import pytest

from gui.theme import theme
from tests.gui.helpers import plain

BATCH = 1


def test_batch_table_has_a_measured_row_per_batch_size(qtbot, panel):
    s = panel.section("batch_size")
    with qtbot.waitSignal(s.done, timeout=30000):
        panel.tabs.setCurrentIndex(BATCH)                     # showing the section starts its run
    rows = s.table.texts()
    assert [r[0] for r in rows] == ["8", "32", "128", "512", "full"]
    assert [r[1] for r in rows] == ["500", "125", "32", "8", "1"]
    measured = [float(r[2]) for r in rows]
    formula = [float(r[3]) for r in rows]
    assert measured == sorted(measured, reverse=True) and measured[-1] == 0.0 < measured[-2]
    for m, f in zip(measured[:-1], formula[:-1]):
        assert m == pytest.approx(f, rel=0.35)                # 20 batches drawn per size
    for r in rows:
        assert float(r[5]) > 0 and 0 < float(r[7]) <= 1 and 0 < float(r[8]) <= 1
    # the tutorial's typed-in words, for comparison
    assert [r[9] for r in rows] == ["High/Low/Slow", "Medium/Low/Medium", "Low/Medium/Fast", "Low/High/Fast",
                                    "— (no row)"]
    study = s.result
    assert [f"{n.measured:.4f}" for n in study.noise] == [r[2] for r in rows]
    assert s.points("8") == 4                                 # the start, then 3 epochs
    assert "matches the formula" in plain(s.note)
    # presentation mode: fewer, larger columns; the tutorial's words stay
    iterations = panel.section("iterations")
    theme().set_presentation(True)
    qtbot.waitUntil(lambda: s.table.isColumnHidden(3), timeout=2000)
    # the tutorial's three-line words too: five rows of them did not fit a 1280x720 projector
    assert iterations.table.isColumnHidden(7) and s.table.isColumnHidden(9)
    theme().set_presentation(False)
    qtbot.waitUntil(lambda: not s.table.isColumnHidden(3), timeout=2000)


def test_the_noise_key_names_what_the_axis_shows(panel):
    s = panel.section("batch_size")
    key = s.noise_plot.parentWidget().legend_label.text()
    assert "√(σ²/B)" in key and "(N−B)/(N−1)" in key
    assert "σ²/B</span>" not in key and "&nbsp;σ²/B" not in key   # the old key: σ² on an RMS axis


def test_predict_the_smallest_and_the_full_batchs_last_accuracy(qtbot, panel):
    from tests.gui.predicting import check_verdicts, click_plot, inside_view, reveal, start_round
    s = panel.section("batch_size")
    with qtbot.waitSignal(s.done, timeout=30000):
        panel.tabs.setCurrentIndex(BATCH)
    p = start_round(qtbot, s)
    assert s.acc_curves["8"].opacity() == 0 and s.loss_curves["8"].opacity() == 0 and s.table.isHidden()
    assert s.noise_dots.opacity() == 1                        # the measured noise stays
    assert s.acc_plot.getPlotItem().vb.viewRange()[1] == pytest.approx([0, 1])
    assert [t for t, _ in p.targets] == ["B = 8", "the full batch (4000)"]
    click_plot(qtbot, s.acc_plot, 2.9, 0.9)
    click_plot(qtbot, s.acc_plot, 2.9, 0.4)
    p = reveal(qtbot, s)
    last = {"B = 8": s.run_events.results("8")[-1].val_acc,
            "the full batch (4000)": s.run_events.results("full (4000)")[-1].val_acc}
    check_verdicts(p, last, decimals=2)
    assert "You predicted B = 8 ends at 0.90; it ended at" in plain(p.label)
    assert inside_view(p) and not s.table.isHidden()
