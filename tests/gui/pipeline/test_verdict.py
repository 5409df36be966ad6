"""The verdict box words and colours the engine's verdict, and nothing else decides it."""
import numpy as np

from engine import pipeline as P
from gui.panels.pipeline.plots import ComparePlot
from gui.panels.pipeline.verdict import (BETTER, SAME, SAME_BG, WORSE, WORSE_BG, VerdictBox, pm, verdict_colour,
                                         warning_html)


def seeds_result(tests, base=0.5, n=10):
    """A pipeline whose first seed is compared with a baseline at ``base`` on ``n`` images."""
    y = np.arange(n)
    base_pred = np.where(y < round(base * n), y, -1)
    fits = tuple(P.Fit(seed=k, train_accuracy=1.0, val_accuracy=0.9, test_accuracy=t, n_iter=3, converged=True,
                       stopped_early=False, seconds=0.1, test_predictions=np.where(y < round(t * n), y, -1),
                       trained_on=n, available=n, n_val=100) for k, t in enumerate(tests))
    return P.PipelineResult(step=0, label="mine", settings={"model": P.SK_MLP, "early_stopping": False},
                            fits=fits, comparison=P.compare(y, base_pred, fits[0].test_predictions),
                            differences=tuple(t - base for t in tests))


def test_colours_and_small_texts():
    assert [verdict_colour(v) for v in (P.BETTER, P.WORSE, P.SAME, None)] == [BETTER, WORSE, SAME, SAME]
    assert pm(0.5, 0.1, 1) == "0.5000" and pm(0.5, 0.1, 3) == "0.5000 ± 0.1000"
    assert warning_html(False, False) == ""
    assert "lower validation accuracy" in warning_html(True, False)
    assert "ranked by a test column" in warning_html(False, True)


def test_box_and_plot_agree_when_the_mean_over_seeds_and_the_first_seed_disagree(qtbot):
    r = seeds_result([0.4, 0.8, 0.8])        # first seed worse by one image, the mean over seeds better
    box = VerdictBox()
    plot = ComparePlot()
    qtbot.addWidget(box)
    qtbot.addWidget(plot)
    box.show_pick(r, [], steps_running=False)
    assert "WORSE than the baseline" in box.text() and box.background() == WORSE_BG.lower()
    assert "over 3 seeds; 2 of 3 seeds beat it" in box.text() and "mean +16.67" in box.text()
    plot.draw(P.accuracy_rows(pick=r))
    brushes = [b.color().name() for b in plot.dots.data["brush"]]
    assert brushes[-1] == WORSE.lower()      # the plot's dot says what the box says
    assert plot.seed_dots.data.size == 3 and plot.base_line.isVisible()


def test_the_box_before_and_without_a_comparison(qtbot):
    box = VerdictBox()
    qtbot.addWidget(box)
    box.show_pick(None, [], steps_running=True)
    assert "Running the tutorial's four steps" in box.text()
    box.show_pick(None, [], steps_running=False)
    assert "Pick a row" in box.text() and box.background() == SAME_BG.lower()
    baseline = P.PipelineResult(step=1, label="step 1: logistic", settings={}, fits=seeds_result([0.5]).fits)
    box.show_pick(baseline, [], steps_running=False)
    assert "is the baseline itself" in box.text()
