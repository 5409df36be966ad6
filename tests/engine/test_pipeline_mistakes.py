"""The pipeline's mistakes: scikit-learn's confusion matrix, the misclassified test images, the baseline's answers."""
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.metrics import confusion_matrix

from engine import pipeline as P
from engine.datasets import digits_split
from engine.stream import drain


@pytest.fixture(scope="module")
def data():
    return digits_split()


@pytest.fixture(scope="module")
def baseline(data):
    return P.fit_baseline(data)


@pytest.fixture(scope="module")
def strong_penalty(data, baseline):
    _, result = drain(P.run_pipeline({"model": P.LOGISTIC, "C": 0.002}, data, baseline))
    return result


def test_the_fit_keeps_read_only_test_probabilities_that_agree_with_its_predictions(baseline, data):
    fit = baseline.fits[0]
    proba = fit.test_probabilities
    assert proba.shape == (len(data.y_test), 10)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(proba.argmax(axis=1), fit.test_predictions)
    for array in (proba, fit.test_predictions):
        with pytest.raises(ValueError):
            array[0] = 0


def test_the_confusion_matrix_is_scikit_learns(strong_penalty, data):
    fit = strong_penalty.fits[0]
    found = P.pipeline_mistakes(strong_penalty, data.y_test)
    assert np.array_equal(found.matrix, confusion_matrix(data.y_test, fit.test_predictions))
    assert found.n == len(data.y_test) and found.n_wrong == np.sum(fit.test_predictions != data.y_test)
    assert not found.matrix.flags.writeable


def test_every_class_has_a_row_and_a_column_even_when_never_predicted():
    found = P.mistakes([0, 1, 2, 2], [0, 0, 0, 2], class_names=["cat", "dog", "bird"])
    assert found.matrix.tolist() == [[1, 0, 0], [1, 0, 0], [1, 0, 1]]
    assert found.confusions() == [("dog", "cat", 1), ("bird", "cat", 1)]
    assert "2 of 4 test images wrong" in found.sentence()


def test_the_mistakes_the_baseline_gets_right_are_mcnemars_b(strong_penalty, baseline, data):
    found = P.pipeline_mistakes(strong_penalty, data.y_test, baseline)
    c = strong_penalty.comparison
    assert found.has_baseline
    assert len(found.baseline_right) == c.only_baseline_right > 0
    assert len(found.only_model_right) == c.only_model_right
    base_pred = baseline.fits[0].test_predictions
    for m in found.mistakes:
        assert m.predicted != m.true == data.y_test[m.index]
        assert m.baseline_right == (base_pred[m.index] == m.true)
        assert m.probability == pytest.approx(strong_penalty.fits[0].test_probabilities[m.index, m.predicted])
    # those the baseline gets right come first, each group from the most confident mistake down
    flags = [m.baseline_right for m in found.mistakes]
    assert flags == sorted(flags, reverse=True)
    first = [m.probability for m in found.baseline_right]
    assert first == sorted(first, reverse=True)
    words = found.sentence("digits")
    assert f"{found.n_wrong} of 360 test digits wrong" in words
    assert f"the baseline gets {c.only_baseline_right} of them right" in words


def test_the_baseline_against_itself_has_no_comparison(baseline, data):
    found = P.pipeline_mistakes(baseline, data.y_test, baseline)
    assert not found.has_baseline and all(m.baseline_right is None for m in found.mistakes)
    assert "the baseline gets" not in found.sentence()


def test_the_gallery_images_are_the_original_digits(data):
    images = P.test_images(data)
    assert images.shape == (360, 8, 8) and not images.flags.writeable
    originals = load_digits().images
    for i in range(0, 360, 45):
        assert np.min(np.abs(originals - images[i]).reshape(len(originals), -1).max(axis=1)) < 1e-9


def test_other_data_have_no_images():
    from engine.datasets import classification_split
    assert P.test_images(classification_split()) is None


def test_an_engine_nn_network_keeps_its_probabilities_too(data, baseline):
    _, result = drain(P.run_pipeline({"model": P.NN_MLP, "hidden1": 8, "hidden2": 0, "max_iter": 3,
                                      "early_stopping": False}, data, baseline))
    fit = result.fits[0]
    assert fit.test_probabilities.shape == (360, 10)
    assert np.array_equal(fit.test_probabilities.argmax(axis=1), fit.test_predictions)


@pytest.mark.parametrize("bad, words", [
    (dict(y_true=[0, 1], predictions=[0]), "1 entries for 2"),
    (dict(y_true=[0, 1], predictions=[0, -1]), "class indices"),
    (dict(y_true=[0, 1], predictions=[0, 1], probabilities=np.ones((2, 1))), "shape"),
    (dict(y_true=[0, 1], predictions=[0, 1], class_names=["a"]), "names 1 classes"),
])
def test_bad_arguments_are_named(bad, words):
    with pytest.raises(ValueError, match=words):
        P.mistakes(**bad)
