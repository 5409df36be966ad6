"""Transfer learning (tutorial section 5), done so that it measures something.

The tutorial's own cells crash on current scikit-learn, so there are no printed figures to
compare with; these tests check that the copied weights are really used, frozen layers
really stay frozen, every target size is made of distinct samples, and that transfer helps
with a related source and little data but not with an unrelated source.
"""
import math

import numpy as np
import pytest

from engine import transfer as T
from engine.nn import MLP
from engine.stream import drain

STEPS = 300




@pytest.fixture(scope="module")
def pre():
    _, result = drain(T.pretrain(task_seed=0, n_source=5000))
    return result


@pytest.fixture(scope="module")
def task():
    return T.task_pair(0)


# ------------------------------------------------------------------ the tasks
def test_relatedness_sets_the_angle_between_the_rules(task):
    X = task.X_test
    zs, zi = task.source_score(X), task.independent_score(X)
    # both scores standardised, and made uncorrelated on the calibration sample
    assert abs(zs.std() - 1) < 0.05 and abs(zi.std() - 1) < 0.05
    assert abs(np.corrcoef(zs, zi)[0, 1]) < 0.05
    for r in (0.0, 0.3, 0.8, 1.0):
        angle = (1 - r) * math.pi / 2
        np.testing.assert_allclose(task.target_score(X, r), math.cos(angle) * zs + math.sin(angle) * zi)
    assert np.corrcoef(task.target_score(X, 0.5), zs)[0, 1] == pytest.approx(math.cos(math.pi / 4), abs=0.05)
    # relatedness 1: the target rule is the source rule
    np.testing.assert_array_equal(task.target_labels(X, 1.0), task.source_labels(X))
    assert task.agreement(1.0) == 1.0
    # the rules agree more the more related they are, and about half the time when unrelated
    agreements = [task.agreement(r) for r in (0.0, 0.25, 0.5, 0.75, 1.0)]
    assert agreements == sorted(agreements)
    assert 0.45 < agreements[0] < 0.6
    # classes are balanced (odd teachers)
    assert 0.45 < task.target_labels(X, 0.3).mean() < 0.55


def test_tasks_are_seeded(task):
    again = T.TaskPair(0)
    np.testing.assert_array_equal(again.X_test, task.X_test)
    np.testing.assert_array_equal(again.target_labels(again.X_test, 0.6), task.target_labels(task.X_test, 0.6))
    other = T.TaskPair(1)
    assert not np.array_equal(other.source_labels(task.X_test), task.source_labels(task.X_test))


def test_target_sizes_are_distinct_samples(task):
    pool = task.target_pool(500, seed=3)
    assert len(np.unique(pool, axis=0)) == 500
    for size in T.DEFAULT_SIZES:
        X, y = T.training_set(task, 0.8, size, seed=3)
        assert X.shape == (size, T.N_FEATURES) and y.shape == (size,)
        assert len(np.unique(X, axis=0)) == size           # no sample used twice
        np.testing.assert_array_equal(X, pool[:size])       # nested: the first `size` of one pool
    # never a test or source sample, and each repeat has its own samples
    X, _ = T.training_set(task, 0.8, 500, seed=3)
    Xs, _ = task.source_set(5000)
    every = np.vstack([X, task.X_test, Xs, T.training_set(task, 0.8, 500, seed=4)[0]])
    assert len(np.unique(every, axis=0)) == len(every)
    # the engine refuses sizes it cannot fill with distinct samples
    with pytest.raises(ValueError, match="size must be in"):
        T.training_set(task, 0.8, 6000, seed=0)


def test_the_sweep_trains_on_the_first_size_samples_of_each_pool(task, pre):
    """Each SweepPoint's train accuracy is measured on exactly the nested set of that size."""
    events, result = drain(T.size_sweep(0.8, sizes=(20, 40), seeds=2, methods=("scratch",), steps=20))
    points = [e for e in events if isinstance(e, T.SweepPoint)]
    assert [(p.size, p.seed) for p in points] == [(20, 0), (40, 0), (20, 1), (40, 1)]
    for p in points:
        X, y = T.training_set(task, 0.8, p.size, p.seed)
        acc, train_acc, _, _ = T.run_target("scratch", pre, X, y, task.X_test, task.target_labels(task.X_test, 0.8),
                                            steps=20, seed=p.seed)
        assert (p.accuracy, p.train_accuracy) == (acc, train_acc)


# ------------------------------------------------------------------ the methods
def test_pretraining_learns_the_source_and_is_cached(pre):
    assert pre.source_test_acc > 0.9
    again = drain(T.pretrain(task_seed=0, n_source=5000))
    assert again == ([], pre)                      # no epochs, the same object
    assert T.cached_pretrained(0, 5000) is pre


def test_copied_weights_are_really_used(task, pre):
    X = task.X_test
    for method in ("fine-tune", "freeze"):
        net = T.make_model(method, pre, seed=7)
        assert net is not pre.model
        np.testing.assert_array_equal(net.params, pre.model.params)
        np.testing.assert_array_equal(net.forward(X), pre.model.forward(X))
    scratch = T.make_model("scratch", pre, seed=7)
    assert not np.allclose(scratch.forward(X), pre.model.forward(X))
    # the learning curves start (epoch 0) where the pre-trained network is
    events, result = drain(T.learning_curves(0.8, size=20, seed=0, steps=20))
    baseline = next(e for e in events if isinstance(e, T.Baseline))
    start = {e.method: e for e in events if isinstance(e, T.CurvePoint) and e.epoch == 0}
    assert start["fine-tune"].test_acc == start["freeze"].test_acc == baseline.pretrained_acc
    assert abs(start["scratch"].test_acc - 0.5) < 0.15         # random weights: about chance
    assert result.test_acc["fine-tune"][0] == baseline.pretrained_acc


def test_frozen_layers_are_unchanged_after_training(task, pre):
    X, y = T.training_set(task, 0.5, 50, seed=1)
    y_test = task.target_labels(task.X_test, 0.5)
    _, _, _, frozen = T.run_target("freeze", pre, X, y, task.X_test, y_test, steps=100, seed=1)
    _, _, _, tuned = T.run_target("fine-tune", pre, X, y, task.X_test, y_test, steps=100, seed=1)
    assert frozen.frozen == (0, 1)
    for layer in (0, 1):
        np.testing.assert_array_equal(frozen.weights[layer], pre.model.weights[layer])
        np.testing.assert_array_equal(frozen.biases[layer], pre.model.biases[layer])
        assert not np.allclose(tuned.weights[layer], pre.model.weights[layer])   # fine-tuning moves them
    assert not np.allclose(frozen.weights[2], pre.model.weights[2])              # the head learned
    # and the pre-trained network itself was never touched
    np.testing.assert_array_equal(T.cached_pretrained(0, 5000).model.params, pre.model.params)


def test_fine_tuning_beats_scratch_with_a_related_source_and_little_data(pre):
    _, res = drain(T.size_sweep(0.9, sizes=(20, 50), seeds=4, methods=("scratch", "fine-tune"), steps=STEPS))
    gain = res.gain("fine-tune")
    # measured: +0.24 at 20 samples and +0.15 at 50; every repeat gains at least +0.14
    assert gain[0] > 0.08 and gain[1] > 0.04
    per_seed = res.accuracy[1] - res.accuracy[0]
    assert (per_seed > 0).all()
    # the pre-trained network alone is already better than scratch on 20 samples
    assert res.baseline.pretrained_acc > res.mean()[0, 0] + 0.05


def test_with_an_unrelated_source_the_benefit_vanishes(pre):
    _, res = drain(T.size_sweep(0.0, sizes=(20, 100), seeds=3, steps=STEPS))
    # measured: fine-tuning 0.14 (20 samples) and 0.10 (100) *worse* than scratch: negative transfer
    assert (res.gain("fine-tune") < 0.02).all()
    # frozen source features cannot express the unrelated rule: near chance
    assert (res.mean()[2] < 0.65).all()
    assert 0.4 < res.baseline.pretrained_acc < 0.6


def test_sweep_streams_one_event_per_run_and_summarises(pre):
    gen = T.size_sweep(0.7, sizes=(30, 10), seeds=2, steps=10)
    events, res = drain(gen)
    points = [e for e in events if isinstance(e, T.SweepPoint)]
    assert isinstance(events[0], T.Pretrained) and isinstance(events[1], T.Baseline)
    assert len(points) == 3 * 2 * 2 == points[-1].total
    assert [p.index for p in points] == list(range(1, 13))
    assert res.sizes == (10, 30) and res.seeds == (0, 1) and res.accuracy.shape == (3, 2, 2)
    for p in points:
        i, j, k = res.methods.index(p.method), res.sizes.index(p.size), res.seeds.index(p.seed)
        assert res.accuracy[i, j, k] == p.accuracy
    np.testing.assert_allclose(res.std(), res.accuracy.std(axis=2, ddof=1))
    assert len(res.rows()) == 6 and res.rows()[0]["n"] == 2
    # reproducible
    assert np.array_equal(drain(T.size_sweep(0.7, sizes=(30, 10), seeds=2, steps=10))[1].accuracy, res.accuracy)


def test_learning_curves_interleave_the_methods(pre):
    events, res = drain(T.learning_curves(0.8, size=64, seed=2, steps=20))
    points = [e for e in events if isinstance(e, T.CurvePoint)]
    epochs = T.epochs_for(64, 20)                       # 2 batches an epoch -> 10 epochs
    assert epochs == 10 and len(points) == 3 * (epochs + 1)
    assert [p.method for p in points[:6]] == list(T.METHODS) * 2
    assert points[-1].step == 20
    for m in T.METHODS:
        assert len(res.test_acc[m]) == epochs + 1


def test_relatedness_sweep_shapes_and_gain(pre):
    events, res = drain(T.relatedness_sweep((0.0, 1.0), sizes=(20,), seeds=2, steps=STEPS))
    assert res.accuracy.shape == (2, 3, 1, 2)
    gain = res.gain("fine-tune")
    assert gain[1, 0] > gain[0, 0] + 0.1                 # related: big gain; unrelated: none
    assert res.pretrained_acc[1] > 0.9 > res.pretrained_acc[0]


# ------------------------------------------------------------------ statistics while a sweep streams
def test_sweep_stats_ignore_runs_not_done_yet():
    nan = float("nan")
    acc = np.array([[0.7, 0.8, 0.9], [0.6, nan, nan], [nan, nan, nan], [0.5, nan, 0.7]])
    mean, sd, n = T.sweep_stats(acc)
    np.testing.assert_allclose(mean[[0, 1, 3]], [0.8, 0.6, 0.6])
    assert np.isnan(mean[2])
    np.testing.assert_allclose(sd[[0, 3]], [0.1, np.std([0.5, 0.7], ddof=1)])
    assert np.isnan(sd[1]) and np.isnan(sd[2])              # below two repeats: no spread
    assert n.tolist() == [3, 1, 0, 2]
    # any leading shape: the statistics are over the last axis
    mean3, _, n3 = T.sweep_stats(np.stack([acc, acc]))
    assert mean3.shape == n3.shape == (2, 4) and n3[1].tolist() == [3, 1, 0, 2]
    assert [T.mean_sd_text(m, s, k) for m, s, k in zip(mean, sd, n)] == [
        "0.800 ± 0.100", "0.600", "…", f"0.600 ± {np.std([0.5, 0.7], ddof=1):.3f}"]


def test_a_tally_of_a_finished_sweep_agrees_with_its_result(pre):
    events, res = drain(T.size_sweep(0.7, sizes=(10, 30), seeds=2, steps=10))
    tally = T.SweepTally(2, sizes=(30, 10))
    assert tally.total == 12 and tally.table().iloc[:, 1:].map(lambda t: t == "…").all().all()
    points = [e for e in events if isinstance(e, T.SweepPoint)]
    for p in points[:4]:
        tally.add(p)
    mean, sd, n = tally.stats("scratch")
    assert n.tolist() == [1, 1] and np.isnan(sd).all()
    for p in points[4:]:
        tally.add(p)
    assert tally.points == points
    for i, m in enumerate(T.METHODS):
        mean, sd, n = tally.stats(m)
        np.testing.assert_array_equal(mean, res.mean()[i])
        np.testing.assert_allclose(sd, res.std()[i])
        assert n.tolist() == [2, 2]
    table = tally.table({"scratch": "scratch", "fine-tune": "fine-tune", "freeze": "frozen"})
    assert list(table.columns) == ["samples", "scratch", "fine-tune", "frozen"]
    assert table["samples"].tolist() == [10, 30]
    assert table["frozen"].tolist() == [f"{res.mean()[2, j]:.3f} ± {res.std()[2, j]:.3f}" for j in range(2)]


def test_a_relatedness_tally_gains_only_over_pairs_done(pre):
    tally = T.RelatednessTally(2, relatednesses=(0.0, 1.0), sizes=(20,))
    assert tally.total == 12 and tally.done == 0 and np.isnan(tally.gain()).all()

    def point(r, method, seed, acc):
        return T.SweepPoint(method, 20, seed, r, acc, acc, 1, 0.0, 1, 12)

    tally.add(point(1.0, "scratch", 0, 0.7))
    tally.add(point(1.0, "fine-tune", 0, 0.9))
    tally.add(point(1.0, "fine-tune", 1, 0.95))      # its scratch partner is not done: not counted
    assert tally.done == 3
    np.testing.assert_allclose(tally.gain("fine-tune")[1], [0.2])
    assert np.isnan(tally.gain("fine-tune")[0]).all() and np.isnan(tally.gain("freeze")).all()
    tally.add(point(1.0, "scratch", 1, 0.85))
    np.testing.assert_allclose(tally.gain("fine-tune")[1], [0.15])


def test_paced_curves_count_one_epoch_of_every_method(pre):
    """At 10 epochs/s the pacer waits 0.1 s per epoch (the last method's point), not per event."""
    class Clock:
        now = 0.0

        def __call__(self):
            return self.now

    def timing():
        clock, sleeps = Clock(), []

        def sleep(s):
            sleeps.append(s)
            clock.now += s
        return sleeps, {"clock": clock, "sleep": sleep}

    sleeps, kw = timing()
    points = [T.CurvePoint(m, e, 2, e, None, 0.5, 0.5) for e in range(3) for m in T.METHODS]
    events, result = drain(T.paced_curves(iter(points), 10, **kw))
    assert events == points and sleeps == pytest.approx([0.1, 0.1, 0.1])
    sleeps, kw = timing()                              # two methods: the second one's points count
    drain(T.paced_curves(iter(points), 10, methods=("scratch", "fine-tune"), **kw))
    assert sleeps == pytest.approx([0.1, 0.1, 0.1])
    # the real job: the same events and result as unpaced, and at the maximum speed no waiting at all
    sleeps, kw = timing()
    fast, res = drain(T.paced_curves(T.learning_curves(0.8, size=64, seed=2, steps=10), T.SPEED.maximum, **kw))
    unpaced, expected = drain(T.learning_curves(0.8, size=64, seed=2, steps=10))
    assert fast == unpaced and sleeps == []
    np.testing.assert_array_equal(res.test_acc["freeze"], expected.test_acc["freeze"])
    with pytest.raises(ValueError, match="speed must be in"):
        T.paced_curves(iter(()), 1)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("kwargs, match", [
    ({"relatedness": 1.5}, "relatedness must be in"),
    ({"sizes": []}, "at least one"),
    ({"sizes": [20, 20]}, "different"),
    ({"sizes": [5]}, "size must be in"),
    ({"sizes": 50}, "list of target sizes"),
    ({"seeds": 0}, "seeds must be in"),
    ({"methods": ("scratch", "transfer")}, "method must be one of"),
    ({"steps": 2.5}, "whole number"),
    ({"lr": -1}, "lr must be in"),
    ({"task_seed": -1}, "task_seed must be in"),
])
def test_bad_sweep_arguments_are_explained(kwargs, match):
    with pytest.raises(ValueError, match=match):
        T.size_sweep(**kwargs)        # checked at the call, before any work


def test_other_bad_arguments(pre):
    with pytest.raises(ValueError, match="needs the pre-trained network"):
        T.make_model("fine-tune", None)
    with pytest.raises(ValueError, match="method must be one of"):
        T.make_model("pretrained", pre)
    with pytest.raises(ValueError, match="size must be in"):
        T.learning_curves(size=3)
    with pytest.raises(ValueError, match="include 'scratch'"):
        T.relatedness_sweep(methods=("fine-tune",))
    with pytest.raises(ValueError, match="relatedness must be in"):
        T.relatedness_sweep(relatednesses=(0.5, -0.1))
    with pytest.raises(ValueError, match="n_source must be in"):
        T.pretrain(n_source=10)
    assert isinstance(T.make_model("scratch", None), MLP)


def test_run_target_names_empty_data(task, pre):
    X, y = task.X_test[:10], task.target_labels(task.X_test[:10], 0.5)
    with pytest.raises(ValueError, match="X is empty"):            # was ZeroDivisionError
        T.run_target("scratch", pre, X[:0], y[:0], X, y)
    with pytest.raises(ValueError, match="one label per row"):
        T.run_target("scratch", pre, X, y[:5], X, y)


def test_relatedness_means_what_the_tooltip_says(task):
    """The tooltip: labels agree on about (1 + r) / 2 of the inputs, the scores' correlation is
    cos((1 - r) x 90 degrees) (not r, as an earlier tooltip said)."""
    assert "(1 + r) / 2" in T.RELATEDNESS.help and "cos((1 - r) x 90 degrees)" in T.RELATEDNESS.help
    X = task.X_test
    for r in (0.0, 0.5, 0.8):
        assert task.agreement(r) == pytest.approx((1 + r) / 2, abs=0.03)
        corr = np.corrcoef(task.source_score(X), task.target_score(X, r))[0, 1]
        assert corr == pytest.approx(math.cos((1 - r) * math.pi / 2), abs=0.03)


def test_the_caches_are_bounded():
    from engine.transfer import tasks, training
    for seed in range(100, 100 + tasks.TASKS_KEPT + 3):
        T.task_pair(seed)
    assert len(tasks._tasks) == tasks.TASKS_KEPT
    assert 100 not in tasks._tasks and 100 + tasks.TASKS_KEPT + 2 in tasks._tasks
    kept = dict(training._pretrained)
    try:
        for seed in range(100, 100 + training.PRETRAINED_KEPT + 2):
            drain(T.pretrain(task_seed=seed, n_source=200))
        assert len(training._pretrained) == training.PRETRAINED_KEPT
        assert T.cached_pretrained(100, 200) is None and T.cached_pretrained(101 + training.PRETRAINED_KEPT, 200)
    finally:
        training._pretrained.clear()
        training._pretrained.update(kept)
