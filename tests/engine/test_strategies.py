"""engine.strategies: the tutorial's section 4 figures, and the measurements it should have made."""
import math

import numpy as np
import pytest

from engine import strategies as S
from engine.nn import MLP
from engine.stream import drain




# ------------------------------------------------------------------ 1. schedules
def test_schedule_curves_are_the_tutorials_figure():
    curves = S.schedule_curves()           # initial lr 0.1, 100 epochs
    assert list(curves) == ["step_decay", "exponential_decay", "cosine_annealing", "warmup_linear"]
    assert all(c.shape == (100,) for c in curves.values())
    np.testing.assert_allclose(curves["step_decay"][[0, 9, 10, 19, 20, 99]],
                               [0.1, 0.1, 0.05, 0.05, 0.025, 0.1 * 0.5 ** 9])
    np.testing.assert_allclose(curves["exponential_decay"], 0.1 * 0.95 ** np.arange(100))
    np.testing.assert_allclose(curves["cosine_annealing"][[0, 50]], [0.1, 0.05])
    np.testing.assert_allclose(curves["cosine_annealing"][99], 0.1 * (1 + math.cos(math.pi * 0.99)) / 2)
    np.testing.assert_allclose(curves["warmup_linear"][:7], [0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.1 * (1 - 1 / 95)])
    assert curves["warmup_linear"][0] == 0.0   # the tutorial's warm-up: epoch 0 has learning rate 0


def test_schedule_settings_reach_only_their_schedule():
    curves = S.schedule_curves(0.2, 40, {"decay_rate": 0.5, "warmup_epochs": 10, "epochs_drop": 5, "drop_rate": 0.1,
                                         "min_lr": 0.02})
    np.testing.assert_allclose(curves["exponential_decay"][:3], [0.2, 0.1, 0.05])
    np.testing.assert_allclose(curves["warmup_linear"][[0, 5, 10]], [0.0, 0.1, 0.2])
    np.testing.assert_allclose(curves["step_decay"][[4, 5, 10]], [0.2, 0.02, 0.002])
    np.testing.assert_allclose(curves["cosine_annealing"][20], 0.02 + 0.18 / 2)
    assert S.schedule_kwargs("cosine_annealing", {"decay_rate": 0.5}) == {"min_lr": 0.0}


@pytest.mark.parametrize("kwargs, match", [
    ({"initial_lr": 0}, "initial_lr"),
    ({"total_epochs": 5}, "total_epochs"),
    ({"settings": {"decay_rate": 1.5}}, "decay_rate"),
    ({"settings": {"momentum": 0.9}}, "unknown"),
    ({"settings": {"warmup_epochs": 100}}, "total_epochs"),
    ({"names": ["cosine", "step_decay"]}, "schedule"),
    ({"names": []}, "at least one"),
])
def test_bad_schedule_input_raises(kwargs, match):
    with pytest.raises(ValueError, match=match):
        S.schedule_curves(**kwargs)


def test_schedule_runs_differ_only_in_the_learning_rate(small_schedule_runs):
    events, result = small_schedule_runs
    starts = [e for e in events if isinstance(e, S.RunStart)]
    assert [s.run for s in starts] == list(S.RUN_SCHEDULES)
    assert len({(s.train_loss, s.val_loss) for s in starts}) == 1       # the same initial weights
    epochs = [e for e in events if isinstance(e, S.RunEpoch)]
    assert len(epochs) == 5 * 10
    assert [e.run for e in epochs[:5]] == list(S.RUN_SCHEDULES)          # side by side, round by round
    curves = S.schedule_curves(0.1, 10, {"warmup_epochs": 2}, names=S.RUN_SCHEDULES)
    for name, run in result.runs.items():
        np.testing.assert_allclose(run.curve("lr"), curves[name])
        assert result.curve(name, "val_loss").shape == (11,)            # the start, then 10 epochs
    # the warm-up run's first epoch has lr 0: it learns nothing, its loss is exactly the start's
    warm = result.runs["warmup_linear"].history[0]
    assert warm.lr == 0.0
    assert warm.val_loss == result.starts["warmup_linear"].val_loss
    first_warm = next(e for e in epochs if e.run == "warmup_linear")
    assert first_warm.train_loss == result.starts["warmup_linear"].train_loss   # end-of-epoch training loss
    first_const = next(e for e in epochs if e.run == "constant")
    assert first_const.train_loss < first_const.result.train_loss   # after the epoch < mean during it
    assert result.runs["constant"].history[0].val_loss < warm.val_loss
    # same schedule and seed: the same run again
    _, again = drain(S.schedule_runs(names=["constant"], initial_lr=0.1, total_epochs=10, batch_size=256, hidden=8))
    np.testing.assert_array_equal(again.runs["constant"].curve("val_loss"), result.runs["constant"].curve("val_loss"))


def test_schedule_runs_check_arguments_at_the_call():
    with pytest.raises(ValueError, match="batch_size"):
        S.schedule_runs(batch_size=0)
    with pytest.raises(ValueError, match="decay_rate"):
        S.schedule_runs(settings={"decay_rate": 0})


# ------------------------------------------------------------------ 2. gradient noise
def linear_problem(n=300, d=3, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 + rng.normal(scale=0.8, size=n)
    model = MLP([d, 1], output="linear", seed=seed)      # random weights, not the optimum
    return model, X, y


def per_sample_gradients_by_hand(model, X, y):
    """Linear model, loss 0.5 (x.w + b - y)^2: the gradient of one sample is r * [x, 1]."""
    w, b = model.weights[0][:, 0], model.biases[0][0]
    r = X @ w + b - y
    return r[:, None] * np.hstack([X, np.ones((len(X), 1))])


def test_per_sample_gradient_norms_linear_closed_form():
    model, X, y = linear_problem()
    G = per_sample_gradients_by_hand(model, X, y)
    np.testing.assert_allclose(S.per_sample_gradient_sq_norms(model, X, y), (G ** 2).sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(G.mean(axis=0), model.gradient(X, y), rtol=1e-12)  # layout: [w, b]


def test_per_sample_gradient_norms_of_a_hidden_layer_network():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(25, 4))
    y = rng.integers(0, 3, size=25)
    for activation in ("relu", "tanh"):
        net = MLP([4, 6, 5, 3], activation=activation, seed=2)
        by_sample = [float(np.sum(net.gradient(X[i:i + 1], y[i:i + 1]) ** 2)) for i in range(25)]
        np.testing.assert_allclose(S.per_sample_gradient_sq_norms(net, X, y), by_sample, rtol=1e-10)


def test_measured_noise_matches_the_finite_population_formula():
    model, X, y = linear_problem()
    n = len(X)
    G = per_sample_gradients_by_hand(model, X, y)
    g = G.mean(axis=0)
    sigma2 = np.mean(np.sum((G - g) ** 2, axis=1))
    rows = S.gradient_noise(model, X, y, batch_sizes=[1, 10, 100, 290, None], draws=3000, seed=0)
    assert [r.batch_size for r in rows] == [1, 10, 100, 290, 300]
    for r in rows:
        exact = sigma2 / r.batch_size * (n - r.batch_size) / (n - 1)
        assert r.predicted ** 2 == pytest.approx(exact, rel=1e-10)
        assert r.full_norm == pytest.approx(np.linalg.norm(g), rel=1e-12)
        if r.full_batch:
            assert r.measured == 0.0 and r.draws == 1 and r.cosine == 1.0
        else:
            # 3000 draws: the mean squared distance lands within a few percent of its expectation
            assert r.measured_sq == pytest.approx(exact, rel=0.08), r
    # the noise falls like 1/sqrt(B) (times the correction): B 10 -> 100 is about sqrt(10) less
    ratio = rows[1].measured / rows[2].measured
    assert ratio == pytest.approx(math.sqrt(10 * (n - 10) / (n - 100)), rel=0.06)


def test_with_replacement_the_variance_is_sigma2_over_b():
    model, X, y = linear_problem()
    G = per_sample_gradients_by_hand(model, X, y)
    sigma2 = np.mean(np.sum((G - G.mean(axis=0)) ** 2, axis=1))
    rows = S.gradient_noise(model, X, y, batch_sizes=[5, None], draws=3000, seed=1, replace=True)
    assert rows[0].measured_sq == pytest.approx(sigma2 / 5, rel=0.08)
    assert rows[1].measured_sq == pytest.approx(sigma2 / len(X), rel=0.08)   # the full batch is noisy too
    assert rows[1].predicted == 0.0 < rows[1].predicted_with_replacement


@pytest.mark.parametrize("kwargs, match", [
    ({"batch_sizes": [0]}, "batch size"),
    ({"batch_sizes": [301]}, "batch size"),
    ({"batch_sizes": [2.5]}, "batch size"),
    ({"batch_sizes": []}, "at least one"),
    ({"batch_sizes": [5], "draws": 1}, "draws"),
])
def test_gradient_noise_bad_input(kwargs, match):
    model, X, y = linear_problem()
    with pytest.raises(ValueError, match=match):
        S.gradient_noise(model, X, y, **kwargs)


def test_gradient_noise_needs_the_plain_data_loss():
    _, X, y = linear_problem()
    with pytest.raises(ValueError, match="l2=0"):
        S.gradient_noise(MLP([3, 1], output="linear", l2=0.1), X, y)
    with pytest.raises(ValueError, match="MLP"):
        S.gradient_noise("net", X, y)


@pytest.fixture(scope="module")
def small_study():
    return drain(S.batch_size_study(epochs=2, hidden=8, draws=20))


@pytest.fixture(scope="module")
def clipping_comparison():
    return drain(S.clipping_runs())             # digits, SGD lr 3, max_norm 0.5, 30 epochs


@pytest.fixture(scope="module")
def small_schedule_runs():
    return drain(S.schedule_runs(initial_lr=0.1, total_epochs=10, batch_size=256, hidden=8,
                                 settings={"warmup_epochs": 2}))


def test_batch_size_study_measures_every_batch_size(small_study):
    events, study = small_study
    noise_events = [e for e in events if isinstance(e, S.NoiseRow)]
    assert len(noise_events) == 5 and events[:5] == noise_events     # the noise first, then the runs
    assert [r.label for r in study.rows] == ["8", "32", "128", "512", "full (4000)"]
    assert [r.updates_per_epoch for r in study.rows] == [500, 125, 32, 8, 1]
    noise = [r.noise for r in study.rows]
    assert noise == sorted(noise, reverse=True) and noise[-1] == 0.0 and noise[0] > 0
    for r in study.rows:
        assert r.noise == pytest.approx(r.predicted_noise, rel=0.35)    # 20 draws only
        assert r.seconds_per_epoch > 0 and 0 < r.val_acc <= 1 and 0 < r.train_acc <= 1
        assert len(study.comparison.runs[r.label].history) == 2
    # the same 2 epochs: 1000 small steps learn more than 2 full-batch steps
    assert study.rows[0].train_acc > study.rows[-1].train_acc
    starts = [e for e in events if isinstance(e, S.RunStart)]
    assert len({s.val_loss for s in starts}) == 1                       # one set of initial weights


def test_batch_size_study_bad_input():
    with pytest.raises(ValueError, match="twice"):
        S.batch_size_study(batch_sizes=[4000, None])
    with pytest.raises(ValueError, match="batch size"):
        S.batch_size_study(batch_sizes=[8, 5000])
    with pytest.raises(ValueError, match="epochs"):
        S.batch_size_study(epochs=0)


# ------------------------------------------------------------------ 2c. the tutorial's SGDClassifier cell
def test_sgd_iterations_reproduce_the_tutorials_table():
    events, rows = drain(S.sgd_iterations())
    assert list(events) == list(rows)
    assert [r.max_iter for r in rows] == [10, 50, 100, 200]
    assert [f"{r.train_acc:.5f}" for r in rows] == ["0.83300", "0.84175", "0.84050", "0.86650"]
    assert [f"{r.test_acc:.3f}" for r in rows] == ["0.828", "0.839", "0.833", "0.858"]
    # tol=None: no stopping rule, every fit runs all its epochs, one update per sample
    assert [r.n_iter for r in rows] == [10, 50, 100, 200]
    assert [r.updates for r in rows] == [40_000, 200_000, 400_000, 800_000]
    assert all(r.warning is None for r in rows)


def test_sgd_iterations_report_the_convergence_warning_scikit_learn_gives():
    # with a tolerance, fits that stop at max_iter warn; the row reports it with scikit-learn's words
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDClassifier
    _, rows = drain(S.sgd_iterations(max_iters=[10, 200], tol=1e-3))
    assert "max_iter" in rows[0].warning and rows[0].n_iter == 10
    assert rows[1].warning is None and rows[1].n_iter < 200
    data = S.section4_data()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        SGDClassifier(max_iter=10, tol=1e-3, random_state=42).fit(data.X_train, data.y_train)
    assert [str(w.message) for w in caught] == [rows[0].warning]


def test_sgd_iterations_report_non_convergence_while_another_thread_swaps_the_warning_filters():
    # CI once failed here: the main thread left a catch_warnings block during the worker's fit, which
    # undid the worker's filter; the warning must not decide the row (nor raise half-way)
    import threading
    import warnings
    stop = threading.Event()

    def swap():
        while not stop.is_set():
            with warnings.catch_warnings():   # on leaving, restores the filters it found: the suite's
                pass
    t = threading.Thread(target=swap)
    t.start()
    try:
        _, rows = drain(S.sgd_iterations(max_iters=[1, 2, 3, 10] * 3, tol=1e-3))
    finally:
        stop.set()
        t.join()
    assert all(r.warning is not None for r in rows if r.n_iter == r.max_iter)


def test_sgd_iterations_bad_input():
    with pytest.raises(ValueError, match="max_iter"):
        S.sgd_iterations([0])
    with pytest.raises(ValueError, match="max_iters"):
        S.sgd_iterations(None)
    with pytest.raises(ValueError, match="tol"):
        S.sgd_iterations(tol=-1)


# ------------------------------------------------------------------ 3. clipping
def test_clipping_demo_tutorial_figures():
    demo = S.clipping_demo()
    assert f"{demo.total_norm:.4f}" == "13.9284" and demo.total_norm == pytest.approx(math.sqrt(194))
    assert demo.was_clipped
    assert f"{demo.new_norm:.4f}" == "5.0000"
    np.testing.assert_allclose(demo.clipped[0], np.array([3, 4]) * 5 / (math.sqrt(194) + 1e-6))
    np.testing.assert_allclose(demo.clipped[1], np.array([5, 12]) * 5 / (math.sqrt(194) + 1e-6))


def test_clipping_demo_leaves_small_gradients_alone():
    demo = S.clipping_demo([[3, 4], [5, 12]], max_norm=20)
    assert not demo.was_clipped and demo.new_norm == pytest.approx(demo.total_norm)
    np.testing.assert_array_equal(demo.clipped[1], [5, 12])
    demo = S.clipping_demo([[1, 2, 2]], max_norm=1)               # one vector of norm 3
    assert demo.was_clipped and demo.clipped[0] == pytest.approx([1 / 3, 2 / 3, 2 / 3], rel=1e-6)


@pytest.mark.parametrize("vectors, max_norm, match", [
    ([[3, 4]], 0, "max_norm"),
    ([[3, 4]], -1, "max_norm"),
    ([], 5, "at least one"),
    ([[3, float("nan")]], 5, "finite"),
    ([["a"]], 5, "vectors"),
])
def test_clipping_demo_bad_input(vectors, max_norm, match):
    with pytest.raises(ValueError, match=match):
        S.clipping_demo(vectors, max_norm)


def test_parse_vector():
    np.testing.assert_array_equal(S.parse_vector("3, 4"), [3, 4])
    np.testing.assert_array_equal(S.parse_vector(" [5 12] "), [5, 12])
    np.testing.assert_array_equal(S.parse_vector("1e-3;-2"), [0.001, -2])
    for bad in ("", "3, x", "inf, 1", None):
        with pytest.raises(ValueError):
            S.parse_vector(bad)


def test_too_large_learning_rate_explodes_without_clipping_and_trains_with_it(clipping_comparison):
    events, result = clipping_comparison
    plain, clipped = result.runs["no clipping"], result.runs["clipping"]
    assert plain.diverged and "diverged" in plain.reason
    norms = plain.curve("grad_norm")
    assert norms[-1] > 1e100 * norms[0]                    # the gradient norm exploded, epoch after epoch
    assert not clipped.diverged and clipped.epochs_run == 30
    assert clipped.history[-1].val_acc > 0.9
    assert sum(e.clipped_batches for e in clipped.history) > 0
    assert all(e.clipped_batches == 0 for e in plain.history)
    assert {e.run for e in events if isinstance(e, S.RunEpoch)} == set(S.CLIP_RUNS)


def test_clipping_runs_bad_input():
    with pytest.raises(ValueError, match="max_norm"):
        S.clipping_runs(max_norm=0)
    with pytest.raises(ValueError, match="lr"):
        S.clipping_runs(lr=1000)


# ------------------------------------------------------------------ what the lab reads from the engine
def test_the_sizes_the_lab_knows_without_building_the_data():
    data = S.section4_data()
    assert data.X_train.shape == (S.SECTION4_TRAIN_SIZE, S.SECTION4_FEATURES)
    assert len(data.X_train) + len(data.X_test) == S.SECTION4_SAMPLES
    assert len(np.unique(data.y_train)) == S.SECTION4_CLASSES
    assert S.digits_data().sizes[0] == S.DIGITS_TRAIN_SIZE
    assert S.batches_per_epoch(32) == -(-S.DIGITS_TRAIN_SIZE // 32) == 36
    assert S.lab_labels() == ["8", "32", "128", "512", "full (4000)"]


def test_schedule_figure_draws_what_it_can_and_explains_the_rest():
    figure = S.schedule_figure(0.1, 10, {"warmup_epochs": 10})
    assert "warmup_linear" in figure.problems and "total_epochs" in figure.problems["warmup_linear"]
    assert set(figure.curves) == set(S.RUN_SCHEDULES) - {"warmup_linear"} and not figure.warmup_wasted
    assert S.schedule_figure().warmup_wasted                     # the tutorial's warm-up: lr 0 at epoch 0
    values = dict(S.SCHEDULE_CHOICE.defaults(), constant=False, initial_lr=0.1, total_epochs=10, warmup_epochs=10)
    assert S.split_values(values)[0] == S.TUTORIAL_SCHEDULES
    assert S.runnable_schedules(values) == ("step_decay", "exponential_decay", "cosine_annealing")


def test_schedule_summary_reads_the_runs(small_schedule_runs):
    _, result = small_schedule_runs
    summary = S.schedule_summary(result)
    assert list(summary.table["schedule"]) == list(S.RUN_SCHEDULES)
    const = summary.table.set_index("schedule").loc["constant"]
    val = result.runs["constant"].curve("val_loss")
    assert const.best_val_loss == val.min() and const.best_epoch == int(np.argmin(val))
    assert summary.warmup_identical and summary.warmup_start_loss == result.starts["warmup_linear"].val_loss
    assert summary.constant_compared


def test_paced_runs_checks_the_speed_and_runs_unpaced_at_its_maximum():
    def three():
        yield from (1, 2, 3)
        return "done"
    assert drain(S.paced_runs(three(), S.SPEED.maximum, runs=2)) == ([1, 2, 3], "done")
    with pytest.raises(ValueError, match="speed"):
        drain(S.paced_runs(three(), 0, runs=2))


def test_batch_table_grows_with_the_measurements_and_keeps_the_tutorials_words(small_study):
    empty = S.batch_table()
    assert list(empty["batch"]) == ["8", "32", "128", "512", "full"]
    assert list(empty["tutorial"]) == [S.tutorial_claims(b) for b in S.BATCH_SIZES]
    assert S.tutorial_claims(31) == "High/Low/Slow" and S.tutorial_claims(32) == "Medium/Low/Medium"
    assert empty.drop(columns=["batch", "tutorial"]).isna().all().all()    # nothing measured yet
    events, study = small_study
    noise = [e for e in events if isinstance(e, S.NoiseRow)]
    partial = S.batch_table(noise[:2], hidden=8)
    assert partial["noise"].notna().tolist() == [True, True, False, False, False]
    assert partial.loc[0, "memory_kb"] == S.batch_memory_kb((20, 8, 2), 8)
    hist = {label: list(run.history) for label, run in study.comparison.runs.items()}
    done = S.batch_table(noise, hist, 8, study)
    assert done["updates"].tolist() == [500, 125, 32, 8, 1]
    assert done["ms_per_epoch"].tolist() == [r.seconds_per_epoch * 1000 for r in study.rows]
    summary = S.batch_summary(study)
    assert summary.small is study.rows[0] and summary.full is study.rows[-1] and summary.epochs == 2
    assert summary.noise_ratio == pytest.approx(study.rows[0].noise / study.rows[2].noise)
    assert 0 <= summary.worst_formula_error < 0.35 and summary.small_fits_better
    b, formula, with_replacement = S.noise_formula_curve(noise[0])
    assert b[0] == 1 and b[-1] <= 0.75 * S.SECTION4_TRAIN_SIZE and np.all(formula <= with_replacement)
    np.testing.assert_allclose(np.interp(8, b, formula), noise[0].predicted, rtol=1e-3)


def test_iteration_table_compares_every_fit_with_the_tutorial():
    assert S.iteration_choices() == ((10, 50, 100, 200), None)
    assert S.iteration_choices("1 … 1000", "1e-3") == ((1, 2, 5, 10, 20, 50, 100, 200, 500, 1000), 1e-3)
    with pytest.raises(ValueError, match="tol"):
        S.iteration_choices(tol="0.5")
    same = S.IterationRow(10, 10, 40_000, 0.833, 0.828, 0.1, None)
    other = S.IterationRow(50, 50, 200_000, 0.9, 0.9, 0.1, "ConvergenceWarning: ... max_iter ...")
    table = S.iteration_table((10, 50, 7), [same, other])
    assert table["tutorial"].tolist() == ["0.83300/0.828 ✓", "0.84175/0.839 ✗", None]
    assert table["warning"].tolist()[:2] == [None, "ConvergenceWarning"]                # None: no warning
    assert math.isnan(table.loc[2, "warning"]) and math.isnan(table.loc[2, "epochs_run"])   # NaN: not fitted yet
    assert S.iteration_table((10,), [same], tol=1e-3)["tutorial"].tolist() == [None]     # nothing to compare
    summary = S.iteration_summary([same, other], (10, 50, 7))
    assert (summary.comparable, summary.reproduced, summary.warned) == (2, 1, 1) and summary.tutorial_tol
    early = S.IterationRow(200, 12, 48_000, 0.85, 0.85, 0.1, None)
    assert S.iteration_summary([early], (200,), 1e-3).stopped_early == (early,)


def test_clipping_summary_and_the_examples_bars(clipping_comparison):
    demo = S.clipping_demo()
    np.testing.assert_allclose(demo.norms_before, [5, 13, math.sqrt(194)])
    np.testing.assert_allclose(demo.norms_after[-1], 5.0, rtol=1e-6)
    _, result = clipping_comparison
    s = S.clipping_summary(result)
    assert s.plain_diverged and "epoch" in s.plain_failure and "Try" not in s.plain_failure
    assert s.batches == 30 * S.batches_per_epoch(32) and 0 < s.clipped_batches <= s.batches
    assert s.longest_step == 3.0 * 0.5 and not s.clipped_diverged and s.clipped_val_acc > 0.5


def test_the_labs_schedule_runs_train_the_ticked_valid_schedules_or_nothing():
    values = dict(S.SCHEDULE_CHOICE.defaults(), initial_lr=0.1, total_epochs=10)
    assert drain(S.lab_schedule_runs({**values, **{n: False for n in S.RUN_SCHEDULES}})) == ([], None)
    gen = S.lab_schedule_runs({**values, "constant": False, "warmup_epochs": 10}, batch_size=256, hidden=8)
    assert [next(gen).run for _ in range(3)] == ["step_decay", "exponential_decay", "cosine_annealing"]
    gen.close()
