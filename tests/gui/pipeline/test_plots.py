"""The exercise's plots draw what they are given."""
from engine import pipeline as P
from gui.panels.pipeline.plots import AlphaPlot, ComparePlot, LossPlot
from tests.gui.pipeline.conftest import recorded_tutorial


def test_the_plots_draw_the_tutorials_results(qtbot):
    _, r = recorded_tutorial()
    alpha, loss, compare = AlphaPlot(), LossPlot(), ComparePlot()
    for plot in (alpha, loss, compare):
        qtbot.addWidget(plot)
    alpha.draw(list(r.alphas))
    assert alpha.dots.data.size == 4 and [t.toPlainText() for t in alpha.texts][-1] == "0.9896"
    assert [t.isVisible() for t in alpha.texts] == [True] * 4
    assert "288 images" in alpha.toolTip()
    loss.draw([list(a.fits[0].loss_curve) for a in r.alphas], list(r.final.fits[0].loss_curve), [])
    assert [len(c.getData()[0]) for c in loss.alpha_curves] == [97, 97, 200, 200]
    assert not loss.your_curves[0].isVisible() and "yours" not in " ".join(loss.legend.text_entries())
    loss.draw([], [], [[1.0, 0.5], [1.0, 0.4, 0.3]])
    assert loss.your_curves[0].isVisible() and [len(c.getData()[0]) for c in loss.your_curves] == [2, 3]
    assert "ends at 30" in loss.toolTip() and "up to 200 passes" in loss.toolTip()
    compare.draw(P.accuracy_rows(r.baseline, r.final, r.final))
    assert compare.dots.data.size == 2 and compare.base_line.value() == r.baseline.test_mean
    assert [t.toPlainText() for t in compare.texts if t.isVisible()] == ["baseline: 0.9611", "tutorial: 0.9528"]
