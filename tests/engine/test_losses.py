"""engine.losses: tutorial figures, scikit-learn agreement, gradients, ranking, bad input."""
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest
from sklearn.metrics import hinge_loss, log_loss, mean_absolute_error, mean_squared_error, zero_one_loss

from engine import losses as L
from engine.losses import ranking

Y_BCE = [1, 0, 1, 1, 0]
GOOD = [0.9, 0.1, 0.8, 0.95, 0.2]
BAD = [0.4, 0.6, 0.3, 0.5, 0.7]
Y_REG = [1.0, 2.0, 3.0, 4.0, 5.0, 100.0]
P_REG = [1.1, 2.2, 2.8, 4.1, 5.2, 10.0]
RELEVANCE = [3, 2, 1, 0]


# --------------------------------------------------------------------------- tutorial figures
@pytest.mark.parametrize("value, printed", [
    (lambda: L.binary_cross_entropy(Y_BCE, GOOD), "0.1417"),
    (lambda: L.binary_cross_entropy(Y_BCE, BAD), "0.9867"),
    (lambda: L.mse(Y_REG, P_REG), "1350.0233"),
    (lambda: L.mae(Y_REG, P_REG), "15.1333"),
    (lambda: L.huber(Y_REG, P_REG, delta=1.0), "14.9283"),
    (lambda: L.huber(Y_REG, P_REG, delta=10.0), "141.6783"),
    (lambda: L.pairwise_ranking([0.9, 0.7, 0.4, 0.1], RELEVANCE), "0.5500"),
    (lambda: L.pairwise_ranking([0.2, 0.5, 0.8, 0.9], RELEVANCE), "1.4000"),
])
def test_tutorial_figures(value, printed):
    result = value()
    assert type(result) is float
    assert f"{result:.4f}" == printed


def test_regression_closed_forms():
    # errors y - yhat: -0.1, -0.2, 0.2, -0.1, -0.2, 90
    assert L.mse(Y_REG, P_REG) == pytest.approx((0.01 + 0.04 + 0.04 + 0.01 + 0.04 + 8100) / 6)
    assert L.huber(Y_REG, P_REG, 1.0) == pytest.approx((0.5 * 0.14 + 89.5) / 6)
    assert L.huber(Y_REG, P_REG, 10.0) == pytest.approx((0.5 * 0.14 + 10 * 85) / 6)


# --------------------------------------------------------------------------- scikit-learn / scipy
@pytest.mark.parametrize("seed", range(5))
def test_matches_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 60))
    y01 = rng.integers(0, 2, n)
    y01[:2] = [0, 1]
    p = rng.uniform(0.01, 0.99, n)
    assert L.binary_cross_entropy(y01, p) == pytest.approx(log_loss(y01, p, labels=[0, 1]), rel=1e-12)

    y = rng.normal(0, 5, n)
    yhat = y + rng.standard_t(2, n)
    assert L.mse(y, yhat) == pytest.approx(mean_squared_error(y, yhat), rel=1e-12)
    assert L.mae(y, yhat) == pytest.approx(mean_absolute_error(y, yhat), rel=1e-12)

    ypm = 2 * y01 - 1
    f = rng.normal(0, 2, n)
    assert L.hinge(ypm, f) == pytest.approx(hinge_loss(ypm, f), rel=1e-12)
    assert L.logistic_loss(ypm, f) == pytest.approx(log_loss(y01, L.sigmoid(f), labels=[0, 1]), rel=1e-10)
    assert L.zero_one_loss(ypm, f) == pytest.approx(zero_one_loss(ypm, np.where(f > 0, 1, -1)))

    k = int(rng.integers(2, 6))
    labels = rng.integers(0, k, n)
    labels[:k] = np.arange(k) if n >= k else labels[:k]
    onehot = np.eye(k)[labels]
    logits = rng.normal(0, 3, (n, k))
    probs = L.softmax(logits)
    expected = log_loss(labels, probs, labels=np.arange(k))
    assert L.categorical_cross_entropy(onehot, probs) == pytest.approx(expected, rel=1e-10)
    assert L.categorical_cross_entropy_from_logits(onehot, logits) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("delta", [0.3, 1.0, 4.0])
def test_huber_matches_scipy(delta):
    from scipy.special import huber as scipy_huber

    rng = np.random.default_rng(1)
    y, yhat = rng.normal(0, 3, 40), rng.normal(0, 3, 40)
    assert L.huber(y, yhat, delta) == pytest.approx(np.mean(scipy_huber(delta, y - yhat)), rel=1e-12)


def test_huber_limits():
    rng = np.random.default_rng(2)
    y, yhat = rng.normal(0, 1, 30), rng.normal(0, 1, 30)
    # huge delta: half the MSE; tiny delta: delta times the MAE
    assert L.huber(y, yhat, 1000.0) == pytest.approx(0.5 * L.mse(y, yhat))
    assert L.huber(y, yhat, 1e-3) == pytest.approx(1e-3 * L.mae(y, yhat), rel=1e-3)


def test_softmax_is_stable_and_normalised():
    p = L.softmax([1000.0, 1001.0, 1002.0])
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p, L.softmax([0.0, 1.0, 2.0]))
    np.testing.assert_allclose(p, np.exp([0, 1, 2]) / np.exp([0, 1, 2]).sum())
    rows = L.softmax(np.random.default_rng(0).normal(0, 50, (7, 4)))
    np.testing.assert_allclose(rows.sum(axis=1), 1.0)
    assert L.categorical_cross_entropy_from_logits([0, 0, 1], [-1000.0, 0.0, 1000.0]) == 0.0
    assert L.categorical_cross_entropy_from_logits([1, 0, 0], [-1000.0, 0.0, 1000.0]) == pytest.approx(2000.0)


def test_sigmoid_extremes():
    s = L.sigmoid([-1000.0, 0.0, 1000.0])
    np.testing.assert_array_equal(s, [0.0, 0.5, 1.0])


def test_bce_clipping():
    assert L.binary_cross_entropy([1], [0.0]) == pytest.approx(-np.log(1e-15))
    assert L.binary_cross_entropy([1], [0.0], eps=1e-7) == pytest.approx(-np.log(1e-7))
    assert L.binary_cross_entropy([1, 0], [1.0, 0.0]) < 1e-14


# --------------------------------------------------------------------------- gradients
def _fd(f, x, h=1e-6):
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        g[idx] = (f(up) - f(down)) / (2 * h)
    return g


@pytest.mark.parametrize("seed", range(3))
def test_gradients_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    n = 9
    y01 = rng.integers(0, 2, n).astype(float)
    p = rng.uniform(0.05, 0.95, n)
    np.testing.assert_allclose(L.bce_grad(y01, p), _fd(lambda q: L.binary_cross_entropy(y01, q), p), rtol=1e-6)

    y = rng.normal(0, 3, n)
    yhat = y + rng.choice([-1, 1], n) * rng.uniform(0.1, 4.0, n)  # no error exactly 0 or +-delta
    np.testing.assert_allclose(L.mse_grad(y, yhat), _fd(lambda q: L.mse(y, q), yhat), rtol=1e-6)
    np.testing.assert_allclose(L.mae_grad(y, yhat), _fd(lambda q: L.mae(y, q), yhat), rtol=1e-6)
    for delta in (0.5, 1.7):
        np.testing.assert_allclose(L.huber_grad(y, yhat, delta),
                                   _fd(lambda q: L.huber(y, q, delta), yhat), rtol=1e-6, atol=1e-9)

    ypm = 2 * y01 - 1
    f = rng.normal(0, 2, n)
    np.testing.assert_allclose(L.hinge_grad(ypm, f), _fd(lambda q: L.hinge(ypm, q), f), atol=1e-8)
    np.testing.assert_allclose(L.logistic_grad(ypm, f), _fd(lambda q: L.logistic_loss(ypm, q), f), rtol=1e-6)
    np.testing.assert_array_equal(L.zero_one_grad(ypm, f), _fd(lambda q: L.zero_one_loss(ypm, q), f))


def test_hinge_grad_signs():
    # margin 2 (satisfied): 0; margin 0.5 (inside): -y/n; margin exactly 1: subgradient 0
    np.testing.assert_array_equal(L.hinge_grad([1, -1, 1], [2.0, -0.5, 1.0]), [0.0, 1 / 3, 0.0])


def test_cce_gradients():
    rng = np.random.default_rng(4)
    n, k = 5, 3
    onehot = np.eye(k)[rng.integers(0, k, n)]
    logits = rng.normal(0, 2, (n, k))
    g_logits = L.cce_logits_grad(onehot, logits)
    np.testing.assert_allclose(g_logits, (L.softmax(logits) - onehot) / n)
    np.testing.assert_allclose(
        g_logits, _fd(lambda z: L.categorical_cross_entropy_from_logits(onehot, z), logits), rtol=1e-6, atol=1e-10)
    # through the probabilities: directional derivatives along directions that keep each row summing to 1
    p = L.softmax(logits)
    g = L.cce_grad(onehot, p)
    np.testing.assert_allclose(g, -onehot / p / n)
    h = 1e-6
    for _ in range(5):
        d = rng.normal(0, 1, (n, k))
        d -= d.mean(axis=1, keepdims=True)
        fd = (L.categorical_cross_entropy(onehot, p + h * d) - L.categorical_cross_entropy(onehot, p - h * d)) / (2 * h)
        assert np.sum(g * d) == pytest.approx(fd, rel=1e-6)
    # a single example as a 1-D vector keeps its shape
    assert L.cce_logits_grad([0, 1, 0], [0.1, 0.2, 0.3]).shape == (3,)
    assert L.cce_grad([0, 1, 0], [0.2, 0.5, 0.3]).shape == (3,)


def test_bce_grad_is_finite_at_the_edges():
    g = L.bce_grad([1, 0], [0.0, 1.0])
    assert np.all(np.isfinite(g)) and g[0] < -1e10 and g[1] > 1e10


# --------------------------------------------------------------------------- ranking
def _loop_ranking(scores, relevance, margin):
    """The tutorial's double loop, with the margin as a parameter, and its gradient."""
    n = len(scores)
    total, pairs = 0.0, 0
    grad = np.zeros(n)
    for i in range(n):
        for j in range(i + 1, n):
            if relevance[i] != relevance[j]:
                more, less = (i, j) if relevance[i] > relevance[j] else (j, i)
                term = margin + scores[less] - scores[more]
                if term > 0:
                    total += term
                    grad[less] += 1
                    grad[more] -= 1
                pairs += 1
    if pairs == 0:
        return 0.0, grad
    return total / pairs, grad / pairs


@pytest.fixture(params=["levels", "bits"])
def ranking_method(request, monkeypatch):
    """Run a ranking test through the level sweep and through the bit split."""
    monkeypatch.setattr(ranking, "RANKING_LEVEL_SWEEP_MAX", 10**9 if request.param == "levels" else 0)
    return request.param


@pytest.mark.parametrize("seed", range(12))
def test_ranking_matches_double_loop_with_ties(seed, ranking_method):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 70))
    levels = int(rng.integers(1, 9)) if seed % 3 else int(rng.integers(20, 60))
    relevance = rng.integers(0, levels, n).astype(float)
    # multiples of 0.25 and margins on the same grid: ties in scores and pairs exactly at the kink
    scores = rng.integers(-6, 7, n) / 4.0
    margin = float(rng.choice([0.0, 0.25, 1.0, 2.5]))
    value, grad = _loop_ranking(scores, relevance, margin)
    assert L.pairwise_ranking(scores, relevance, margin) == pytest.approx(value, rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(L.pairwise_ranking_grad(scores, relevance, margin), grad, atol=1e-15)


@pytest.mark.parametrize("seed", range(6))
def test_ranking_matches_double_loop_continuous(seed, ranking_method):
    rng = np.random.default_rng(100 + seed)
    n = 120
    relevance = rng.normal(0, 1, n) if seed % 2 else rng.integers(0, 5, n)  # all distinct or graded
    scores = rng.normal(0, 1, n)
    margin = float(rng.uniform(0, 2))
    value, grad = _loop_ranking(scores, relevance, margin)
    assert L.pairwise_ranking(scores, relevance, margin) == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(L.pairwise_ranking_grad(scores, relevance, margin), grad, atol=1e-15)
    np.testing.assert_allclose(
        L.pairwise_ranking_grad(scores, relevance, margin),
        _fd(lambda s: L.pairwise_ranking(s, relevance, margin), scores, h=1e-7), atol=1e-7)


def test_ranking_edge_cases(ranking_method):
    assert L.pairwise_ranking([0.5], [1]) == 0.0
    assert L.pairwise_ranking([0.1, 0.9, 0.3], [2, 2, 2]) == 0.0
    np.testing.assert_array_equal(L.pairwise_ranking_grad([0.1, 0.9], [1, 1]), [0.0, 0.0])
    # perfectly separated by more than the margin: no loss
    assert L.pairwise_ranking([10.0, 5.0, 0.0], [2, 1, 0]) == 0.0
    # margin 0 and the tutorial's good order: no loss; reversed order: mean score gap
    assert L.pairwise_ranking([0.9, 0.7, 0.4, 0.1], RELEVANCE, margin=0.0) == 0.0
    assert L.pairwise_ranking([0.1, 0.4, 0.7, 0.9], RELEVANCE, margin=0.0) == pytest.approx(
        (0.3 + 0.6 + 0.8 + 0.3 + 0.5 + 0.2) / 6)


@pytest.mark.parametrize("levels", [5, None])
def test_ranking_is_linear_memory(levels):
    rng = np.random.default_rng(0)
    n = 50_000
    scores = rng.normal(0, 1, n)
    relevance = rng.integers(0, levels, n) if levels else rng.permutation(n)
    tracemalloc.start()
    try:
        L.pairwise_ranking_grad(scores, relevance)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * n * 8  # an n x n matrix would need 20 GB; this stays a few MB


def test_ranking_pair_table():
    scores = [0.2, 0.5, 0.8, 0.9]
    table = L.ranking_pair_table(scores, RELEVANCE)
    assert list(table.columns) == ["i", "j", "more", "less", "score_more", "score_less",
                                   "term", "violated", "misordered"]
    assert len(table) == 6
    assert table["term"].mean() == pytest.approx(1.4)
    assert table["misordered"].all() and table["violated"].all()
    good = L.ranking_pair_table([0.9, 0.7, 0.4, 0.1], RELEVANCE)
    assert not good["misordered"].any()
    assert good["violated"].all()  # correctly ordered but closer than the margin of 1
    np.testing.assert_allclose(good["term"], [0.8, 0.5, 0.2, 0.7, 0.4, 0.7])
    # ties in relevance are skipped; more/less follow relevance, not position
    t = L.ranking_pair_table([0.3, 0.1, 0.2], [0, 1, 1])
    assert t[["more", "less"]].values.tolist() == [[1, 0], [2, 0]]
    assert L.ranking_pair_table([0.3, 0.1, 0.2], [0, 1, 1], margin=0.0)["violated"].tolist() == [True, True]
    rng = np.random.default_rng(3)
    s, r = rng.normal(0, 1, 15), rng.integers(0, 3, 15)
    assert L.ranking_pair_table(s, r, 0.7)["term"].mean() == pytest.approx(L.pairwise_ranking(s, r, 0.7))
    with pytest.raises(ValueError, match="at most 200"):
        L.ranking_pair_table(np.zeros(201), np.arange(201))


# --------------------------------------------------------------------------- curves
def test_curves_agree_with_the_losses():
    p = np.linspace(0.01, 0.99, 100)
    np.testing.assert_allclose(L.bce_curve(p, 1), -np.log(p))
    np.testing.assert_allclose(L.bce_curve(p, 0), -np.log(1 - p))
    for label in (0, 1):
        assert L.bce_curve(p, label)[37] == pytest.approx(L.binary_cross_entropy([label], [p[37]]))
        np.testing.assert_allclose(L.bce_curve_slope(p, label),
                                   [L.bce_grad([label], [q])[0] for q in p])
    assert np.all(np.isfinite(L.bce_curve([0.0, 1.0], 1)))

    y, yhat = np.array(Y_REG), np.array(P_REG)
    for delta in (1.0, 10.0):
        curves = L.regression_loss_curves(y - yhat, delta)
        assert curves["mse"].mean() == pytest.approx(L.mse(y, yhat))
        assert curves["mae"].mean() == pytest.approx(L.mae(y, yhat))
        assert curves["huber"].mean() == pytest.approx(L.huber(y, yhat, delta))
        slopes = L.regression_loss_curve_slopes(y - yhat, delta)
        np.testing.assert_allclose(-slopes["huber"] / y.size, L.huber_grad(y, yhat, delta))
        np.testing.assert_allclose(-slopes["mse"] / y.size, L.mse_grad(y, yhat))

    rng = np.random.default_rng(5)
    ypm, f = rng.choice([-1.0, 1.0], 30), rng.normal(0, 2, 30)
    curves = L.margin_curves(ypm * f)
    assert curves["hinge"].mean() == pytest.approx(L.hinge(ypm, f))
    assert curves["logistic"].mean() == pytest.approx(L.logistic_loss(ypm, f))
    assert curves["zero_one"].mean() == pytest.approx(L.zero_one_loss(ypm, f))


def test_margin_curve_shapes_and_slopes():
    m = np.array([-2.0, -0.3, 0.0, 0.4, 2.0])
    np.testing.assert_array_equal(L.hinge_margin(m), [3.0, 1.3, 1.0, 0.6, 0.0])
    np.testing.assert_array_equal(L.zero_one_margin(m), [1, 1, 1, 0, 0])
    bits = L.logistic_margin(m, base2=True)
    assert bits[2] == pytest.approx(1.0)
    assert np.all(bits >= L.zero_one_margin(m))  # the base-2 logistic loss bounds the 0-1 loss
    assert np.all(np.isfinite(L.logistic_margin([-1000.0, 1000.0])))
    assert L.logistic_margin([-1000.0])[0] == pytest.approx(1000.0)
    grid = np.array([-1.7, -0.2, 0.3, 1.6])  # away from the kinks
    slopes = L.margin_curve_slopes(grid, base2=True)
    for name, values in L.margin_curves(grid, base2=True).items():
        fd = (L.margin_curves(grid + 1e-6, base2=True)[name] - L.margin_curves(grid - 1e-6, base2=True)[name]) / 2e-6
        np.testing.assert_allclose(slopes[name], fd, rtol=1e-6, atol=1e-9)
    e = np.array([-3.0, -0.4, 0.5, 2.0])
    s = L.regression_loss_curve_slopes(e, 1.0)
    for name, values in L.regression_loss_curves(e, 1.0).items():
        fd = (L.regression_loss_curves(e + 1e-6, 1.0)[name] - L.regression_loss_curves(e - 1e-6, 1.0)[name]) / 2e-6
        np.testing.assert_allclose(s[name], fd, rtol=1e-6)


def test_selection_guide_follows_the_tutorial():
    rows = [(r.task, r.loss) for r in L.SELECTION_GUIDE]
    assert ("Regression", "Huber") in rows and ("Ranking", "Pairwise loss") in rows
    assert len(rows) == 6
    assert {r.demo for r in L.SELECTION_GUIDE} <= {"classification", "regression", "margins", "ranking"}


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call, message", [
    (lambda: L.mse([1, 2, 3], [1, 2]), r"shape \(3,\) but y_pred has shape \(2,\)"),
    (lambda: L.mae([], []), "empty"),
    (lambda: L.huber([1.0, np.nan], [1.0, 2.0]), "NaN or infinity"),
    (lambda: L.mse([1.0, 2.0], [np.inf, 2.0]), "NaN or infinity"),
    (lambda: L.mse(["a", "b"], [1, 2]), "only numbers"),
    (lambda: L.huber([1.0], [2.0], delta=0.0), "delta must be"),
    (lambda: L.huber([1.0], [2.0], delta=-1.0), "delta must be"),
    (lambda: L.huber_grad([1.0], [2.0], delta=np.nan), "delta must be"),
    (lambda: L.binary_cross_entropy([1, 0], [1.2, 0.1]), "probabilities between 0 and 1"),
    (lambda: L.binary_cross_entropy([1, 0], [0.5, -0.1]), "probabilities between 0 and 1"),
    (lambda: L.binary_cross_entropy([1, 2], [0.5, 0.5]), "labels 0 or 1"),
    (lambda: L.bce_grad([-1, 1], [0.5, 0.5]), "labels 0 or 1"),
    (lambda: L.binary_cross_entropy([1], [0.5], eps=0.0), "eps must be"),
    (lambda: L.hinge([0, 1], [0.3, 0.2]), r"labels -1 or \+1"),
    (lambda: L.logistic_loss([2, 1], [0.3, 0.2]), r"labels -1 or \+1"),
    (lambda: L.categorical_cross_entropy([[1, 1, 0]], [[0.2, 0.3, 0.5]]), "one-hot"),
    (lambda: L.categorical_cross_entropy([[0, 0, 0]], [[0.2, 0.3, 0.5]]), "one-hot"),
    (lambda: L.categorical_cross_entropy([[0.5, 0.5, 0]], [[0.2, 0.3, 0.5]]), "labels 0 or 1"),
    (lambda: L.categorical_cross_entropy([[1, 0, 0]], [[0.2, 0.3, 0.6]]), "add up to 1"),
    (lambda: L.categorical_cross_entropy([[1, 0, 0]], [[1.2, -0.2, 0.0]]), "probabilities between"),
    (lambda: L.categorical_cross_entropy([[1, 0, 0]], [[0.5, 0.5]]), "shape"),
    (lambda: L.categorical_cross_entropy(np.ones((1, 1, 1)), np.ones((1, 1, 1))), "2-D"),
    (lambda: L.cce_logits_grad([[1, 0]], [[np.nan, 0.0]]), "NaN or infinity"),
    (lambda: L.softmax([]), "empty"),
    (lambda: L.pairwise_ranking([0.1, 0.2], [1]), "shape"),
    (lambda: L.pairwise_ranking([0.1, 0.2], [1, np.nan]), "NaN or infinity"),
    (lambda: L.pairwise_ranking([], []), "empty"),
    (lambda: L.pairwise_ranking([0.1, 0.2], [1, 0], margin=-1), "margin must be"),
    (lambda: L.pairwise_ranking([[0.1, 0.2]], [[1, 0]]), "1-D"),
    (lambda: L.bce_curve([0.5], 2), "label must be 0 or 1"),
    (lambda: L.bce_curve([1.5], 1), "probabilities between"),
    (lambda: L.regression_loss_curves([1.0], delta=0), "delta must be"),
    (lambda: L.margin_curves([np.inf]), "NaN or infinity"),
])
def test_bad_input_raises_a_readable_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_messages_name_the_function_and_position():
    with pytest.raises(ValueError) as info:
        L.binary_cross_entropy([1, 0, 1], [0.2, 0.4, 3.0])
    text = str(info.value)
    assert text.startswith("binary_cross_entropy:") and "position 2" in text and "3" in text


def test_import_is_light():
    code = ("import sys, engine.losses, engine.robust_fit\n"
            "print(sorted(m for m in ('sklearn', 'pandas', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_ranking_order_names_the_order_and_the_ideal_one():
    good = L.ranking_order([0.9, 0.7, 0.4, 0.1], RELEVANCE)
    assert good.by_score == (0, 1, 2, 3) and good.ideal == (0, 1, 2, 3) and good.in_order
    bad = L.ranking_order([0.2, 0.5, 0.8, 0.9], RELEVANCE)
    assert bad.by_score == (3, 2, 1, 0) and not bad.in_order
    assert L.ranking_order([0.1, 0.5], [1, 1]).in_order          # ties in relevance: any order is ideal
    with pytest.raises(ValueError, match="ranking_order"):
        L.ranking_order([0.1, 0.5], [1])
