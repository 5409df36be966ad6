"""3 · Iterations ≠ batch size: the tutorial's max_iter table reproduced to the digit."""
from PySide6.QtCore import Qt

from engine.strategies import ITER_CHOICES, TOL_CHOICES
from tests.gui.helpers import plain

ITERATIONS = 2
# the tutorial's printed SGDClassifier table (section 4.2): max_iter, train, test
TUTORIAL_ITER_ROWS = [("10", "0.83300", "0.828"), ("50", "0.84175", "0.839"), ("100", "0.84050", "0.833"),
                      ("200", "0.86650", "0.858")]


def test_the_tutorials_max_iter_table_is_reproduced(qtbot, panel):
    s = panel.section("iterations")
    with qtbot.waitSignal(s.done, timeout=30000):
        panel.tabs.setCurrentIndex(ITERATIONS)
    rows = s.table.texts()
    assert [(r[0], r[4], r[5]) for r in rows] == TUTORIAL_ITER_ROWS
    assert all(r[3] == "1" for r in rows)                      # batch size 1 in every row
    assert all(r[6].endswith("✓") for r in rows)
    assert all(r[8] == "–" for r in rows)                      # tol=None: scikit-learn does not warn
    assert "4 of 4" in plain(s.note)
    # with a tolerance the small max_iter warn: the warning is caught and shown, not raised
    with qtbot.waitSignal(s.done, timeout=30000):
        s.param_widget("tol").set_value(TOL_CHOICES[1])
    rows = s.table.texts()
    assert rows[0][8] == "ConvergenceWarning" and "max_iter" in s.table.proxy.index(0, 8).data(Qt.ToolTipRole)
    assert int(rows[-1][1]) < 200                              # stopped early by the tolerance
    with qtbot.waitSignal(s.done, timeout=30000):
        s.param_widget("values").set_value(ITER_CHOICES[1])
    assert len(s.table.texts()) == 10


def test_predict_the_test_accuracy_at_max_iter_200(qtbot, panel):
    import math

    import pytest
    from tests.gui.predicting import check_verdicts, click_plot, inside_view, reveal, start_round
    s = panel.section("iterations")
    with qtbot.waitSignal(s.done, timeout=30000):
        panel.tabs.setCurrentIndex(ITERATIONS)
    p = start_round(qtbot, s)
    # the points, the tutorial's crosses and the table go; the axis is 0-1, not the fitted accuracies'
    assert s.test_curve.opacity() == 0 and s.tutorial_marks.opacity() == 0 and s.table.isHidden()
    assert s.plot.getPlotItem().vb.viewRange()[1] == pytest.approx([0, 1])
    click_plot(qtbot, s.plot, math.log10(200), 0.8)
    p = reveal(qtbot, s)
    check_verdicts(p, {"max_iter 200": 0.858}, decimals=2)
    assert "You predicted max_iter 200 scores 0.80; it scored 0.86: 0.06 higher. Close." in plain(p.label)
    assert inside_view(p) and not s.table.isHidden() and s.test_curve.opacity() == 1
