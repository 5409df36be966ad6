"""The selected row's mistakes: the confusion matrix as a heat map with counts, the gallery of misclassified digits."""
import numpy as np
from PySide6.QtCore import QPointF, Qt
from sklearn.metrics import confusion_matrix

from engine.datasets import digits_split
from tests.gui.pipeline.test_exercise import click_row


def gallery_texts(page) -> list[str]:
    g = page.mistakes.gallery
    return [g.item(i).text() for i in range(g.count())]


def matrix_texts(page, k=10) -> np.ndarray:
    return np.array([int(t.toPlainText()) for t in page.mistakes.plot.texts[:k * k]]).reshape(k, k)


def test_the_mistakes_view_is_made_when_first_shown_not_with_the_page(qtbot, page):
    """A fifth of the page's build was the mistakes' view, behind a tab at its first show."""
    assert not page.mistakes_page.built() and page.pick is None
    page.top_bar.setCurrentIndex(1)      # "Mistakes of the selected row"
    assert page.mistakes_page.built() and page.mistakes.isVisible()
    assert page.mistakes.found is None and page.mistakes.gallery.count() == 0   # nothing picked yet
    page.panel.cancel()


def test_the_final_models_mistakes_show_after_the_steps(qtbot, done):
    page, y = done, digits_split().y_test
    final = page.final.fits[0]
    wrong = int(np.sum(final.test_predictions != y))
    assert page.pick is page.final and page.plot_split.isVisible() and not page.mistakes.isVisible()
    page.top_bar.setCurrentIndex(1)      # "Mistakes of the selected row"
    assert page.mistakes.isVisible() and not page.loss_plot.isVisible()
    # the heat map's counts are scikit-learn's confusion matrix, its labels the digits
    assert np.array_equal(matrix_texts(page), confusion_matrix(y, final.test_predictions))
    assert [label for _, label in page.mistakes.plot.getAxis("bottom")._tickLevels[0]] == [str(d) for d in range(10)]
    # one tile per misclassified digit: "true→predicted" and the predicted probability
    texts = gallery_texts(page)
    assert len(texts) == wrong > 0
    first = page.mistakes.shown()[0]
    assert texts[0].startswith(f"{first.true}→{first.predicted} {first.probability:.2f}")
    assert first.probability == final.test_probabilities[first.index, first.predicted]
    # those the baseline gets right come first and say so; as many as McNemar's b
    b = page.final.comparison.only_baseline_right
    marked = [t for t in texts if "baseline ✓" in t]
    assert len(marked) == b > 0 and texts[:b] == marked
    assert f"{wrong} of 360 test digits wrong; the baseline gets {b} of them right" in page.mistakes.title.text()
    assert page.mistakes.title.text() in page.verdicts()     # the handout says it too


def test_only_those_the_baseline_gets_right_and_one_cell(qtbot, done):
    page = done
    b = page.final.comparison.only_baseline_right
    page.mistakes.only_baseline.setChecked(True)
    assert len(gallery_texts(page)) == b
    page.mistakes.only_baseline.setChecked(False)
    # a click on the largest cell off the diagonal shows only its images; a second click all again
    matrix = matrix_texts(page)
    np.fill_diagonal(matrix, 0)
    true, pred = np.unravel_index(np.argmax(matrix), matrix.shape)
    plot = page.mistakes.plot
    vb = plot.getPlotItem().vb
    pos = plot.mapFromScene(vb.mapViewToScene(QPointF(pred, true)))
    qtbot.mouseClick(plot.viewport(), Qt.LeftButton, pos=pos)
    assert len(gallery_texts(page)) == matrix[true, pred]
    assert all(t.startswith(f"{true}→{pred}") for t in gallery_texts(page))
    qtbot.mouseClick(plot.viewport(), Qt.LeftButton, pos=pos)
    assert len(gallery_texts(page)) == int(matrix.sum())


def test_selecting_the_baseline_shows_its_own_mistakes(qtbot, done):
    page = done
    click_row(qtbot, page, page.baseline)
    qtbot.waitUntil(lambda: page.pick is page.baseline, timeout=5000)
    wrong = int(np.sum(page.baseline.fits[0].test_predictions != digits_split().y_test))
    assert len(gallery_texts(page)) == wrong
    assert not any("baseline ✓" in t for t in gallery_texts(page))
    assert page.mistakes.only_baseline.isHidden()
    assert "the baseline gets" not in page.mistakes.title.text()


def test_the_gallery_grows_in_presentation_mode(qtbot, done, window):
    page = done
    small = page.mistakes.gallery.iconSize().width()
    window.set_presentation(True)
    qtbot.waitUntil(lambda: page.mistakes.gallery.iconSize().width() > small, timeout=5000)
    assert len(gallery_texts(page)) == page.mistakes.found.n_wrong


def test_the_mistakes_fit_a_projector_with_and_without_the_stage_view(qtbot, done, window):
    from gui.fit_check import measure
    page = done
    window.set_presentation(True)    # with and without the stage view the mistakes are a tab of their own
    for stage_on in (True, False):
        window.set_stage(stage_on)
        page.plot_tabs.show_page(page.mistakes)
        for width, height in ((1024, 768), (1280, 720)):
            window.resize(width, height)
            qtbot.waitUntil(lambda: page.mistakes.isVisible(), timeout=5000)
            fit = measure(window, f"mistakes at {width}x{height}, stage {stage_on}")
            assert not [p for p in fit.problems(width, height) if "plot" not in p]
            assert page.mistakes.plot.width() >= 120 and page.mistakes.gallery.count() == page.mistakes.found.n_wrong
