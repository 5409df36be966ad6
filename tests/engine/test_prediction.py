"""Predict, then reveal: the error of a prediction and its sentence."""
import math

import pytest

from engine import prediction as PR

EPOCH = dict(you="you predicted epoch {p}", happened="early stopping fired at epoch {o}",
             missing="early stopping never fired", unit="epochs", directions=("earlier", "later"))


def test_an_epoch_predicted_too_late_says_how_many_epochs_earlier_it_fired():
    j = PR.judge_number(40, 27, scale=150, **EPOCH)
    assert j.error == -13 and j.relative == pytest.approx(13 / 150)
    assert j.sentence == "You predicted epoch 40; early stopping fired at epoch 27: 13 epochs earlier. Close."
    assert j.short == "13 epochs earlier" and j.grade == "close"


def test_grades_follow_the_error_relative_to_the_scale():
    assert PR.judge_number(10, 12, scale=100, **EPOCH).grade == "spot on"
    assert PR.judge_number(10, 40, scale=100, **EPOCH).grade == "far off"
    assert PR.judge_number(10, 11, scale=100, **EPOCH).short == "1 epoch later"
    assert PR.judge_number(10, 10, scale=100, **EPOCH).short == "exactly right"


def test_no_outcome_says_so_and_has_no_error():
    j = PR.judge_number(30, None, scale=150, **EPOCH)
    assert j.error is None and j.sentence == "You predicted epoch 30; early stopping never fired."


def test_an_accuracy_with_decimals():
    j = PR.judge_number(0.9, 0.953, scale=0.07, you="you predicted a test accuracy of {p}",
                        happened="the pipeline scored {o}", decimals=3)
    assert j.sentence.startswith("You predicted a test accuracy of 0.900; the pipeline scored 0.953: 0.053 higher.")
    assert j.grade == "far off"


def test_a_point_is_judged_by_its_distance():
    j = PR.judge_point((0.0, 0.0), (3.0, 4.0), scale=40, you="you predicted Adam ends at {p}",
                       happened="it ended at {o}")
    assert j.error == pytest.approx(5.0) and j.grade == "close"
    assert j.sentence == "You predicted Adam ends at (0.00, 0.00); it ended at (3.00, 4.00): 5.00 away. Close."
    gone = PR.judge_point((1, 1), (math.nan, 0), scale=1, you="you said {p}", happened="{o}", missing="it diverged")
    assert gone.error is None and gone.sentence.endswith("it diverged.")


def test_a_bad_scale_is_refused_in_words():
    with pytest.raises(ValueError, match="scale"):
        PR.judge_number(1, 2, scale=0, **EPOCH)
