"""engine.pipeline: the tutorial's hands-on exercise (section 6) and the comparison with the baseline."""
from engine.stream import drain
import math
import threading

import numpy as np
import pandas as pd
import pytest

from engine import pipeline as P
from engine.datasets import DIGITS_SIZES
from engine.pipeline import fitting

# What the tutorial prints (section 6), on load_digits split 80/20 then 80/20, seed 42
SIZES = (1149, 288, 360)
HOLDOUT = 115             # early stopping's ceil(0.1 * 1149) images
BASELINE_TEST = 0.9611
STEP2_VAL = {0.001: 0.9792, 0.01: 0.9792, 0.1: 0.9861, 1.0: 0.9896}
FINAL_ITERATIONS = 30
FINAL_VAL = 0.9757
FINAL_TEST = 0.9528
IMPROVEMENT = "-0.83%"


@pytest.fixture(scope="module")
def tutorial():
    events, result = drain(P.tutorial_steps())
    return events, result


@pytest.fixture(scope="module")
def data():
    from engine.datasets import digits_split
    return digits_split()


# ------------------------------------------------------------------ the tutorial's figures
def test_every_figure_of_the_tutorial(tutorial, data):
    _, r = tutorial
    assert data.sizes == SIZES == DIGITS_SIZES
    assert round(r.baseline.test_mean, 4) == BASELINE_TEST
    assert {a.settings["alpha"]: round(a.val_mean, 4) for a in r.alphas} == STEP2_VAL
    assert r.best_alpha == 1.0
    assert r.final.settings["alpha"] == 1.0 and r.final.settings["early_stopping"]
    assert r.final.fits[0].n_iter == FINAL_ITERATIONS == P.STEP3_ITERATIONS
    assert round(r.final.val_mean, 4) == FINAL_VAL
    assert round(r.final.test_mean, 4) == FINAL_TEST
    assert f"{r.evaluation.improvement_percent:.2f}%" == IMPROVEMENT
    c = r.evaluation.comparison
    assert c.verdict == "worse" and c.difference_images == -3 and not c.significant
    # early stopping held out ceil(0.1 * 1149) = 115 training images: the network learned from 1034
    assert r.final.fits[0].trained_on == 1149 - 115 and r.final.fits[0].stopped_early
    assert r.final.fits[0].held_out == HOLDOUT == P.holdout_size(1149, 0.1)
    # Step 2's two strongest penalties ran into the 200-iteration limit (handled, not a warning)
    assert [a.fits[0].converged for a in r.alphas] == [True, True, False, False]


def test_the_steps_stream_in_order(tutorial):
    events, r = tutorial
    starts = [e.step for e in events if isinstance(e, P.StepStarted)]
    assert starts == [1, 2, 3, 4]
    results = [e for e in events if isinstance(e, P.PipelineResult)]
    assert [e.step for e in results] == [1, 2, 2, 2, 2, 3]
    assert isinstance(events[-1], P.Evaluation) and events[-1] is r.evaluation
    # one Iteration per pass of every network, before that network's result
    final_iters = [e for e in events if isinstance(e, P.Iteration) and e.step == 3]
    assert [e.iteration for e in final_iters] == list(range(1, FINAL_ITERATIONS + 1))
    np.testing.assert_allclose([e.loss for e in final_iters], r.final.fits[0].loss_curve)
    assert all(e.holdout_score is not None for e in final_iters)
    step2 = [e for e in events if isinstance(e, P.Iteration) and e.step == 2]
    assert len(step2) == sum(a.fits[0].n_iter for a in r.alphas)
    assert events.index(final_iters[-1]) < events.index(r.final)


def test_step2s_best_network_already_beat_the_baseline(tutorial):
    """The network chosen on validation in Step 2 (alpha 1.0, 200 iterations) was better on test;
    Step 3's early-stopped refit is what lost."""
    _, r = tutorial
    best = r.alphas[P.best_by_validation(r.alphas)]
    assert best.settings["alpha"] == 1.0
    assert best.test_mean > r.baseline.test_mean
    assert best.comparison.verdict == "better"


# ------------------------------------------------------------------ statistics by hand
def test_compare_against_a_hand_computation():
    y = np.arange(10)
    base = y.copy()
    base[[0, 1]] = 99          # baseline wrong on images 0, 1
    model = y.copy()
    model[[1, 2, 3, 4]] = 99   # model wrong on 1 (both wrong), 2, 3, 4
    c = P.compare(y, base, model)
    assert c.n == 10
    assert c.baseline_accuracy == 0.8 and c.accuracy == 0.6
    assert c.only_baseline_right == 3 and c.only_model_right == 1
    assert c.difference == pytest.approx(-0.2) and c.difference_images == -2
    assert c.se_baseline == pytest.approx(math.sqrt(0.8 * 0.2 / 10))
    assert c.se_model == pytest.approx(math.sqrt(0.6 * 0.4 / 10))
    # paired: d = (1 - 3) / 10 = -0.2; var = ((3 + 1) / 10 - 0.04) / 10 = 0.036
    assert c.se_difference == pytest.approx(math.sqrt(0.036))
    # McNemar exact: 2 * P(X <= 1), X ~ Bin(4, 1/2) = 2 * (1 + 4) / 16
    assert c.mcnemar_p == pytest.approx(10 / 16)
    assert c.verdict == "worse" and not c.significant


def test_mcnemar_at_the_tutorials_numbers():
    # 8 images only the baseline gets right, 5 only the final MLP: 2 * sum_{k<=5} C(13, k) / 2^13
    assert P.mcnemar_exact(8, 5) == pytest.approx(2 * (1 + 13 + 78 + 286 + 715 + 1287) / 8192)
    assert P.mcnemar_exact(8, 5) == P.mcnemar_exact(5, 8)
    assert P.mcnemar_exact(1, 8) == pytest.approx(2 * 10 / 512)   # < 0.05
    assert P.mcnemar_exact(0, 0) == 1.0
    assert P.mcnemar_exact(3, 3) == 1.0                           # capped at 1
    assert P.mcnemar_exact(0, 10) == pytest.approx(2 / 1024)


def test_mcnemar_matches_scipys_binomial_test():
    stats = pytest.importorskip("scipy.stats")
    for b, c in [(8, 5), (1, 8), (0, 7), (20, 35), (12, 12)]:
        assert P.mcnemar_exact(b, c) == pytest.approx(stats.binomtest(min(b, c), b + c, 0.5).pvalue)


def test_mcnemar_with_a_thousand_disagreements_and_more():
    stats = pytest.importorskip("scipy.stats")
    # 2.0 ** 1024 overflows a float: these raised OverflowError
    for b, c in [(512, 512), (480, 560), (3000, 3300), (10, 5000), (0, 2000)]:
        assert P.mcnemar_exact(b, c) == pytest.approx(stats.binomtest(min(b, c), b + c, 0.5).pvalue, rel=1e-9)
    assert P.mcnemar_exact(512, 512) == 1.0 and P.mcnemar_exact(5000, 10) == P.mcnemar_exact(10, 5000)


def test_compare_on_many_disagreements():
    y = np.zeros(4000, dtype=int)
    base = y.copy()
    base[:1200] = 1            # baseline wrong on the first 1200
    model = y.copy()
    model[1200:2000] = 1       # model wrong on the next 800: b = 800, c = 1200
    c = P.compare(y, base, model)
    assert c.only_baseline_right == 800 and c.only_model_right == 1200
    assert 0.0 <= c.mcnemar_p < 1e-15 and c.significant


def test_binomial_standard_error():
    assert P.binomial_se(0.9611111, 360) == pytest.approx(0.01019, abs=1e-5)
    assert P.binomial_se(0.0, 10) == 0.0 and P.binomial_se(1.0, 10) == 0.0


def test_sentence_says_worse_and_within_noise(tutorial):
    text = tutorial[1].evaluation.comparison.sentence()
    assert text.startswith("Worse than the baseline by 0.83 points (3 of 360 test images)")
    assert "p = 0.58" in text and "within noise" in text and "±1.0 points" in text


# ------------------------------------------------------------------ your own pipelines
def test_tuning_c_on_validation_finds_a_logistic_regression_that_beats_the_baseline(data):
    baseline = P.fit_baseline(data)
    runs = []
    for C in (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0):
        events, result = drain(P.run_pipeline(model=P.LOGISTIC, C=C, baseline=baseline))
        assert events[-1] is result
        runs.append(result)
    pick = runs[P.best_by_validation(runs)]          # chosen on validation only
    assert pick.settings["C"] == 0.3
    assert round(pick.val_mean, 4) == 0.9792 and round(pick.test_mean, 4) == 0.9694
    assert pick.test_mean > round(BASELINE_TEST, 4)
    assert pick.comparison.verdict == "better" and pick.comparison.difference_images == 3
    assert not P.picked_by_test(runs, P.best_by_validation(runs))
    # C = 1 is the baseline itself
    same = runs[4]
    assert same.comparison.verdict == "same" and same.comparison.mcnemar_p == 1.0


def test_picked_by_test():
    def result(val, test):
        fit = P.Fit(seed=0, train_accuracy=1.0, val_accuracy=val, test_accuracy=test, n_iter=1, converged=True,
                    stopped_early=False, seconds=0.0, test_predictions=np.zeros(1))
        return P.PipelineResult(step=0, label="x", settings={}, fits=(fit,))
    runs = [result(0.99, 0.95), result(0.98, 0.97), result(0.99, 0.96)]
    assert P.best_by_validation(runs) == 0                    # tie at 0.99: the earlier, never the better test
    assert P.picked_by_test(runs, 1)                          # lower validation, higher test
    assert not P.picked_by_test(runs, 0) and not P.picked_by_test(runs, 2)
    assert not P.picked_by_test(runs, None) and P.best_by_validation([]) is None


def test_seeds_give_mean_and_spread(data):
    events, r = drain(P.run_pipeline(model=P.NN_MLP, hidden1=16, hidden2=0, early_stopping=False, max_iter=4,
                                       n_seeds=3, seed=7))
    assert [f.seed for f in r.fits] == [7, 8, 9]
    assert r.n_seeds == 3 and r.test_std > 0
    assert r.test_mean == pytest.approx(np.mean([f.test_accuracy for f in r.fits]))
    assert r.test_std == pytest.approx(np.std([f.test_accuracy for f in r.fits], ddof=1))
    assert len(r.differences) == 3
    iters = [e for e in events if isinstance(e, P.Iteration)]
    assert len(iters) == 12 and {e.seed for e in iters} == {7, 8, 9}
    # logistic regression's solver does not depend on the seed: no spread at all
    _, lr = drain(P.run_pipeline(model=P.LOGISTIC, n_seeds=3))
    assert lr.test_std == 0.0


def test_refit_trains_on_train_and_validation(data):
    _, plain = drain(P.run_pipeline(model=P.LOGISTIC, C=0.3))
    _, refit = drain(P.run_pipeline(model=P.LOGISTIC, C=0.3, refit=True))
    assert refit.val_mean == plain.val_mean               # chosen with the train-only model
    assert refit.fits[0].trained_on == 1149 + 288 and refit.fits[0].refit
    assert refit.label.endswith("refit")


def test_engine_nn_early_stopping_streams_every_epoch():
    events, r = drain(P.run_pipeline(model=P.NN_MLP, hidden1=32, hidden2=0, alpha=1e-4, early_stopping=True,
                                       n_iter_no_change=2, max_iter=60))
    iters = [e for e in events if isinstance(e, P.Iteration)]
    assert len(iters) == r.fits[0].n_iter and all(e.holdout_score is not None for e in iters)
    assert r.fits[0].trained_on == 1149 - 115


def test_convergence_warning_is_handled_not_raised():
    # warnings are errors in this project: reaching max_iter must be reported, not warned
    _, r = drain(P.run_pipeline(model=P.SK_MLP, hidden1=8, hidden2=0, early_stopping=False, max_iter=3))
    assert not r.converged and r.n_iter == 3
    _, lr = drain(P.run_pipeline(model=P.LOGISTIC, C=100.0, max_iter=2))
    assert not lr.converged


def test_closing_the_generator_stops_the_fit_thread():
    gen = P.run_pipeline(model=P.SK_MLP, hidden1=64, hidden2=0, early_stopping=False, max_iter=2000)
    first = [next(gen) for _ in range(3)]
    assert [e.iteration for e in first] == [1, 2, 3]
    gen.close()
    assert not [t for t in threading.enumerate() if t.name == P.FIT_THREAD]


def test_iterations_are_reported_without_the_hook(monkeypatch):
    """A scikit-learn that no longer calls the per-iteration method: iterations come from loss_curve_."""
    from sklearn.neural_network import MLPClassifier
    monkeypatch.setattr(fitting, "streaming_mlp_class", lambda: MLPClassifier)
    events, r = drain(P.run_pipeline(model=P.SK_MLP, hidden1=8, hidden2=0, early_stopping=True, max_iter=5))
    iters = [e for e in events if isinstance(e, P.Iteration)]
    assert [e.iteration for e in iters] == list(range(1, r.fits[0].n_iter + 1))
    assert all(e.holdout_score is not None for e in iters)


def test_describe():
    assert P.describe({"model": P.LOGISTIC, "C": 0.3}) == "logistic, C 0.3"
    assert P.describe(P.STEP3_SETTINGS | {"alpha": 1.0}) == "MLP (100, 50), alpha 1, early stop"
    assert P.describe({"model": P.NN_MLP, "hidden2": 0, "early_stopping": False, "max_iter": 200,
                       "refit": True}) == "nn MLP (100), alpha 1, max 200, refit"


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("kwargs, word", [
    ({"model": "svm"}, "model"),
    ({"C": 0}, "C"),
    ({"hidden1": 0}, "hidden1"),
    ({"hidden2": -1}, "hidden2"),
    ({"alpha": -1.0}, "alpha"),
    ({"max_iter": 0}, "max_iter"),
    ({"n_seeds": 0}, "n_seeds"),
    ({"validation_fraction": 0.9}, "validation_fraction"),
    ({"seed": 1.5}, "seed"),
    ({"early_stopping": "yes"}, "early_stopping"),
    ({"epochs": 3}, "epochs"),
])
def test_bad_settings_raise_value_errors_at_the_call(kwargs, word):
    with pytest.raises(ValueError, match=word):
        P.run_pipeline(**kwargs)


def test_bad_comparisons_raise_value_errors():
    with pytest.raises(ValueError, match="same length"):
        P.compare([1, 2, 3], [1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="non-empty"):
        P.compare([], [], [])
    with pytest.raises(ValueError, match="1-D"):
        P.compare(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="accuracy"):
        P.binomial_se(1.5, 10)
    with pytest.raises(ValueError, match="test images"):
        P.binomial_se(0.5, 0)
    with pytest.raises(ValueError, match="b must"):
        P.mcnemar_exact(-1, 2)
    with pytest.raises(ValueError, match="baseline"):
        P.run_pipeline(baseline="logistic")


def test_data_without_validation_set_is_refused():
    from engine.datasets import classification_split
    with pytest.raises(ValueError, match="validation set"):
        P.fit_baseline(classification_split())
    with pytest.raises(ValueError, match="validation set"):
        P.tutorial_steps(classification_split())




# ------------------------------------------------------------------ the one verdict and what the app shows
def _result(val, tests, base=0.5, n=10, step=0, label="x"):
    """A result with one fit per test accuracy; the first seed is compared with a baseline at ``base``."""
    y = np.arange(n)
    base_pred = np.where(np.arange(n) < round(base * n), y, -1)
    fits = []
    for k, test in enumerate(tests):
        pred = np.where(np.arange(n) < round(test * n), y, -1)
        fits.append(P.Fit(seed=k, train_accuracy=1.0, val_accuracy=val, test_accuracy=test, n_iter=3, converged=True,
                          stopped_early=False, seconds=0.5, test_predictions=pred, n_val=100))
    comparison = P.compare(y, base_pred, fits[0].test_predictions)
    return P.PipelineResult(step=step, label=label, settings={}, fits=tuple(fits), comparison=comparison,
                            differences=tuple(t - base for t in tests))


def test_a_pipelines_verdict_is_its_first_seeds_comparison_even_when_the_mean_disagrees():
    r = _result(0.9, [0.4, 0.8, 0.8])          # first seed worse, mean over seeds better
    assert r.comparison.verdict == r.verdict == P.WORSE
    assert r.difference_mean == pytest.approx(0.5 / 3) and r.seeds_better == 2
    assert r.difference_std == pytest.approx(np.std([-0.1, 0.3, 0.3], ddof=1))
    rows = P.accuracy_rows(pick=r)
    assert [row.name for row in rows] == ["baseline", "your pick"]
    assert rows[1].verdict == P.WORSE          # the plot colours by the same verdict as the verdict box
    assert rows[1].accuracy == pytest.approx(2 / 3) and rows[1].seeds == (0.4, 0.8, 0.8)
    assert rows[1].se == pytest.approx(P.binomial_se(2 / 3, 10))
    assert rows[0].accuracy == 0.5 and rows[0].verdict is None and rows[0].se == pytest.approx(P.binomial_se(0.5, 10))
    baseline = P.PipelineResult(step=1, label="b", settings={}, fits=r.fits[:1])
    assert baseline.verdict is None and baseline.difference_mean == 0.0 and baseline.seeds_better == 0


def test_accuracy_rows_at_the_tutorials_end(tutorial):
    _, r = tutorial
    rows = P.accuracy_rows(r.baseline, r.final, r.final)      # the tutorial's final model is the pick
    assert [(row.name, row.verdict) for row in rows] == [("baseline", None), ("tutorial", P.WORSE)]
    assert round(rows[0].accuracy, 4) == BASELINE_TEST and round(rows[1].accuracy, 4) == FINAL_TEST
    assert rows[0].se == pytest.approx(P.binomial_se(rows[0].accuracy, 360))
    best = r.alphas[P.best_by_validation(r.alphas)]
    rows = P.accuracy_rows(r.baseline, r.final, best)
    assert [(row.name, row.verdict) for row in rows][-1] == ("your pick", P.BETTER)
    assert [row.name for row in P.accuracy_rows(r.baseline)] == ["baseline"]
    assert P.accuracy_rows() == []


def test_results_frame_holds_the_numbers_the_table_shows(tutorial):
    _, r = tutorial
    results = [r.baseline, *r.alphas, r.final]
    frame = P.results_frame(results, numbers=[5, 6, 7, 8, 9, 10])
    assert list(frame.columns) == list(P.RESULT_COLUMNS)
    assert list(frame["#"]) == [5, 6, 7, 8, 9, 10]
    assert list(frame["pipeline"]) == [x.label for x in results]
    last = frame.iloc[-1]
    assert round(last["test"], 4) == FINAL_TEST and round(last["validation"], 4) == FINAL_VAL
    assert f"{last['Δ test']:+.2f}" == "-0.83" and last["Δ images"] == -3 and round(last["McNemar p"], 3) == 0.581
    assert last["verdict"] == P.WORSE and last["iter."] == FINAL_ITERATIONS and not last["iteration limit"]
    first = frame.iloc[0]
    assert np.isnan(first["Δ test"]) and np.isnan(first["McNemar p"]) and pd.isna(first["verdict"])
    assert list(frame["iteration limit"]) == [False, False, False, True, True, False]
    assert list(P.results_frame([]).columns) == list(P.RESULT_COLUMNS)


def test_validation_standard_error_uses_the_validation_images(tutorial):
    _, r = tutorial
    a = r.alphas[-1]
    assert a.fits[0].n_val == 288
    assert a.val_se == pytest.approx(math.sqrt(a.val_mean * (1 - a.val_mean) / 288))


def test_settings_helpers():
    assert P.holdout_size(1149, 0.1) == 115 and P.holdout_size(10, 0.25) == 3
    assert P.early_stopping_on({"model": P.SK_MLP, "early_stopping": True})
    assert not P.early_stopping_on({"model": P.LOGISTIC, "early_stopping": True})
    assert not P.early_stopping_on({"model": P.NN_MLP, "early_stopping": False})
    # the help texts say the data's sizes as the data module knows them
    assert "115 of 1149" in P.VALIDATION_FRACTION.help and "1437 images" in P.REFIT.help
    assert not hasattr(P, "Comparison")   # one name, one class: engine.strategies has its own Comparison
