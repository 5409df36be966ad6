import math

import pytest

from engine.schedules import (LABELS, PARAMS, SCHEDULES, constant, cosine_annealing, exponential_decay,
                              make_schedule, step_decay, warmup_linear)


def test_step_decay_halves_every_ten_epochs():
    assert [step_decay(0.1, e) for e in (0, 9, 10, 19, 20, 25, 99)] == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.1 * 0.5 ** 9])
    assert step_decay(1.0, 6, drop_rate=0.1, epochs_drop=3) == pytest.approx(0.01)


def test_exponential_decay():
    assert exponential_decay(0.1, 0) == 0.1
    assert exponential_decay(0.1, 10) == pytest.approx(0.1 * 0.95 ** 10)
    assert exponential_decay(2.0, 3, decay_rate=0.5) == pytest.approx(0.25)


def test_cosine_annealing_tutorial_formula():
    assert cosine_annealing(0.1, 0, 100) == pytest.approx(0.1)
    assert cosine_annealing(0.1, 50, 100) == pytest.approx(0.05)
    assert cosine_annealing(0.1, 25, 100) == pytest.approx(0.1 * (1 + math.cos(math.pi / 4)) / 2)
    assert cosine_annealing(0.1, 100, 100) == pytest.approx(0.0, abs=1e-18)


def test_cosine_annealing_min_lr_and_hold_after_end():
    assert cosine_annealing(0.1, 0, 10, min_lr=0.01) == pytest.approx(0.1)
    assert cosine_annealing(0.1, 5, 10, min_lr=0.01) == pytest.approx(0.055)
    assert cosine_annealing(0.1, 10, 10, min_lr=0.01) == pytest.approx(0.01)
    assert cosine_annealing(0.1, 15, 10, min_lr=0.01) == pytest.approx(0.01)  # the raw formula climbs back
    with pytest.raises(ValueError, match="min_lr"):
        cosine_annealing(0.1, 0, 10, min_lr=0.2)


def test_warmup_linear_tutorial_formula():
    lrs = [warmup_linear(0.1, e) for e in range(100)]
    assert lrs[:6] == pytest.approx([0.0, 0.02, 0.04, 0.06, 0.08, 0.1])
    assert lrs[50] == pytest.approx(0.1 * (1 - 45 / 95))
    assert lrs[99] == pytest.approx(0.1 / 95)
    assert warmup_linear(0.1, 100) == pytest.approx(0.0, abs=1e-18)


def test_warmup_linear_never_negative():
    # the tutorial's formula gives 0.1 * (1 - 145/95) < 0 at epoch 150
    assert warmup_linear(0.1, 150) == 0.0
    assert warmup_linear(0.1, 3, warmup_epochs=0, total_epochs=10) == pytest.approx(0.07)


def test_warmup_needs_room():
    with pytest.raises(ValueError, match="total_epochs"):
        warmup_linear(0.1, 0, warmup_epochs=10, total_epochs=10)


def test_constant():
    assert constant(0.3, 77) == 0.3


@pytest.mark.parametrize("call, name", [
    (lambda: step_decay(0.0, 1), "initial_lr"),
    (lambda: step_decay(-0.1, 1), "initial_lr"),
    (lambda: step_decay(0.1, -1), "epoch"),
    (lambda: step_decay(0.1, 1.5), "epoch"),
    (lambda: step_decay(0.1, 1, drop_rate=0.0), "drop_rate"),
    (lambda: step_decay(0.1, 1, drop_rate=1.5), "drop_rate"),
    (lambda: step_decay(0.1, 1, epochs_drop=0), "epochs_drop"),
    (lambda: exponential_decay(0.1, 1, decay_rate=-0.9), "decay_rate"),
    (lambda: cosine_annealing(0.1, 1, 0), "total_epochs"),
    (lambda: cosine_annealing(0.1, 1, 10, min_lr=-1.0), "min_lr"),
    (lambda: warmup_linear(0.1, 1, warmup_epochs=-1), "warmup_epochs"),
    (lambda: constant(float("nan"), 1), "initial_lr"),
])
def test_bad_arguments_raise_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_registry_is_consistent():
    assert set(SCHEDULES) == set(LABELS) == set(PARAMS)
    assert SCHEDULES["step_decay"] is step_decay


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_make_schedule_matches_the_function(name):
    schedule = make_schedule(name, initial_lr=0.1, total_epochs=40)
    fn = SCHEDULES[name]
    uses_total = name in ("cosine_annealing", "warmup_linear")
    for epoch in (0, 1, 7, 20, 39):
        expected = fn(0.1, epoch, total_epochs=40) if uses_total else fn(0.1, epoch)
        assert schedule(epoch) == expected
    assert len(schedule.values()) == 40
    assert schedule.label == LABELS[name]


def test_make_schedule_passes_and_checks_keywords():
    s = make_schedule("step_decay", 1.0, 100, drop_rate=0.1, epochs_drop=2)
    assert s(4) == pytest.approx(0.01)
    with pytest.raises(ValueError, match="drop_rate"):
        make_schedule("step_decay", 1.0, 100, drop_rate=2.0)
    with pytest.raises(ValueError, match="unknown parameter"):
        make_schedule("step_decay", 1.0, 100, decay_rate=0.9)
    with pytest.raises(ValueError, match="schedule must be one of"):
        make_schedule("triangle", 1.0, 100)
    # cross-argument checks fail at construction, not mid-training
    with pytest.raises(ValueError, match="total_epochs"):
        make_schedule("warmup_linear", 0.1, 5, warmup_epochs=5)
    with pytest.raises(ValueError, match="min_lr"):
        make_schedule("cosine_annealing", 0.1, 5, min_lr=1.0)
