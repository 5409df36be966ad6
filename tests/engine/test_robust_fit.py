"""engine.robust_fit: the fast exact solvers against scikit-learn, the demo data, bad input."""
import subprocess
import sys

import numpy as np
import pytest

from engine import robust_fit as R


def _datasets():
    out = []
    for seed in range(6):
        d = R.default_points(seed)
        out.append((d.x, d.y))
    rng = np.random.default_rng(42)
    for n in (5, 12, 40, 120):
        x = rng.uniform(-5, 5, n)
        y = -1.3 * x + 4 + rng.standard_t(1.5, n)  # heavy tails: several outliers
        out.append((x, y))
    x = np.repeat(np.arange(6.0), 3)  # ties in x
    out.append((x, 2 * x + rng.normal(0, 1, x.size)))
    return out


def _lad_cost(x, y, line):
    return float(np.abs(y - line.predict(x)).sum())


@pytest.mark.parametrize("index", range(11))
@pytest.mark.parametrize("delta", [1.0, 1.35, 3.0])
def test_fast_solvers_match_scikit_learn(index, delta):
    x, y = _datasets()[index]
    fast = R.fit_lines(x, y, delta=delta)
    ref = R.fit_lines(x, y, delta=delta, method="sklearn")
    assert fast.method == "fast" and ref.method == "sklearn"
    np.testing.assert_allclose(fast.squared, ref.squared, rtol=1e-9, atol=1e-9)
    # LAD: same optimal cost (the optimum may be a segment, then any vertex of it is right)
    assert _lad_cost(x, y, fast.absolute) == pytest.approx(_lad_cost(x, y, ref.absolute), rel=1e-9, abs=1e-9)
    # Huber: at least as low an objective as L-BFGS-B, and the same line
    ours = R.huber_objective(x, y, *fast.huber, fast.huber_scale, delta)
    theirs = R.huber_objective(x, y, *ref.huber, ref.huber_scale, delta)
    assert ours <= theirs + 1e-9 * abs(theirs)
    if ref.huber_scale > 1e-6:
        np.testing.assert_allclose(fast.huber, ref.huber, rtol=1e-4, atol=1e-4)
        assert fast.huber_scale == pytest.approx(ref.huber_scale, rel=1e-3)
    else:  # scikit-learn stopped at its lower bound for sigma: the infimum is sigma -> 0, the LAD line
        assert fast.huber == fast.absolute and fast.huber_scale == 0.0


def test_delta_one_is_least_absolute_deviations():
    d = R.default_points(2)
    fit = R.fit_lines(d.x, d.y, delta=1.0)
    assert fit.huber == fit.absolute
    assert fit.huber_scale == 0.0 and fit.huber_threshold == 0.0
    # every term sigma + H(r / sigma) sigma is >= 2 |r| at epsilon = 1, so nothing beats 2 * LAD cost
    rng = np.random.default_rng(0)
    lad = 2.0 * _lad_cost(d.x, d.y, fit.absolute)
    for _ in range(100):
        b, a, s = np.array([*fit.absolute, 0.1]) + rng.normal(0, 0.05, 3)
        assert R.huber_objective(d.x, d.y, b, a, abs(s) + 1e-9, 1.0) >= lad - 1e-12


def test_huber_sweep_never_worse_than_scikit_learn():
    rng = np.random.default_rng(11)
    compared = 0
    for _ in range(40):
        n = int(rng.integers(4, 40))
        x = rng.uniform(-3, 3, n) * 10 ** rng.uniform(-1, 1)
        y = rng.normal() * x + rng.normal() + rng.standard_t(rng.uniform(0.8, 5), n) * 10 ** rng.uniform(-2, 1)
        delta = float(rng.choice([1.02, 1.1, 1.35, 2.0, 4.0, 10.0]))
        fast = R.fit_lines(x, y, delta)
        try:
            ref = R.fit_lines(x, y, delta, method="sklearn")
        except ValueError as exc:  # L-BFGS-B failed even at the loosest tolerance: nothing to compare
            assert "convergence failed" in str(exc)
            continue
        compared += 1
        ours = R.huber_objective(x, y, *fast.huber, fast.huber_scale, delta)
        theirs = R.huber_objective(x, y, *ref.huber, ref.huber_scale, delta)
        assert ours <= theirs + 1e-9 * abs(theirs)
    assert compared >= 35


def test_lad_is_unique_on_generic_data():
    for x, y in _datasets()[:6]:
        np.testing.assert_allclose(R.fit_lines(x, y).absolute, R.fit_lines(x, y, method="sklearn").absolute,
                                   rtol=1e-7, atol=1e-9)


def test_huber_objective_is_minimal_around_the_solution():
    d = R.default_points(3)
    fit = R.fit_lines(d.x, d.y, delta=1.35)
    best = R.huber_objective(d.x, d.y, *fit.huber, fit.huber_scale, 1.35)
    rng = np.random.default_rng(0)
    for _ in range(200):
        b, a, s = np.array([*fit.huber, fit.huber_scale]) + rng.normal(0, 1e-3, 3)
        assert R.huber_objective(d.x, d.y, b, a, s, 1.35) >= best - 1e-12


def test_huber_converges_from_a_poor_start():
    d = R.default_points(1)
    line, sigma = R.huber_line(d.x, d.y, 1.35, start=R.Line(-10.0, 50.0))
    reference = R.fit_lines(d.x, d.y, 1.35)
    np.testing.assert_allclose(line, reference.huber, rtol=1e-8, atol=1e-10)
    assert sigma == pytest.approx(reference.huber_scale, rel=1e-8)


def test_lad_recovers_an_exact_line_despite_an_outlier():
    x = np.arange(10.0)
    y = 3.0 - 0.5 * x
    y[7] += 40.0
    fit = R.fit_lines(x, y)
    assert fit.absolute.slope == pytest.approx(-0.5)
    assert fit.absolute.intercept == pytest.approx(3.0)
    assert fit.squared.slope > 0.5  # least squares is dragged far off


def test_large_inputs_fall_back_to_scikit_learn_for_lad():
    rng = np.random.default_rng(7)
    n = R.EXACT_LAD_MAX_POINTS + 1
    x = rng.uniform(0, 1, n)
    y = x + rng.laplace(0, 0.1, n)
    fit = R.fit_lines(x, y)
    ref = R.fit_lines(x, y, method="sklearn")
    assert _lad_cost(x, y, fit.absolute) == pytest.approx(_lad_cost(x, y, ref.absolute), rel=1e-9)


def test_dragging_the_outlier_moves_squared_far_more_than_absolute():
    d = R.default_points(0)
    y = d.y.copy()
    before = R.fit_lines(d.x, y)
    y[d.outlier_index] += 25.0
    after = R.fit_lines(d.x, y)
    moved = {k: abs(after.lines()[k].slope - before.lines()[k].slope) for k in ("squared", "absolute", "huber")}
    assert moved["squared"] > 0.2
    assert moved["squared"] > 20 * moved["absolute"]
    assert moved["squared"] > 20 * moved["huber"]


def test_default_points():
    a, b = R.default_points(5), R.default_points(5)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.y, R.default_points(6).y)
    assert a.x.shape == a.y.shape == (20,)
    assert np.all(np.diff(a.x) >= 0) and a.x.min() >= 0 and a.x.max() <= 10
    residual = a.y - (0.5 * a.x + 1.0)
    assert int(np.argmax(np.abs(residual))) == a.outlier_index
    assert residual[a.outlier_index] > 6.0
    others = np.delete(residual, a.outlier_index)
    assert np.abs(others).max() < 1.5
    assert 0.6 * 19 < a.outlier_index < 19
    d = R.default_points(np.random.default_rng(1), n=25, outlier_shift=-5.0)
    assert d.x.size == 25 and d.y[d.outlier_index] < 0.5 * d.x[d.outlier_index] + 1.0 - 3.0


def test_result_helpers():
    d = R.default_points(0)
    fit = R.fit_lines(d.x, d.y, delta=2.0)
    assert fit.huber_threshold == pytest.approx(2.0 * fit.huber_scale)
    np.testing.assert_allclose(fit.squared.predict([0.0, 1.0]),
                               [fit.squared.intercept, fit.squared.intercept + fit.squared.slope])
    slope, intercept = fit.absolute
    assert (slope, intercept) == (fit.absolute.slope, fit.absolute.intercept)
    assert set(fit.lines()) == {"squared", "absolute", "huber"}


@pytest.mark.parametrize("call, message", [
    (lambda: R.fit_lines([1, 2, 3], [1, 2]), "x has 3 values but y has 2"),
    (lambda: R.fit_lines([1, 2], [1, 2]), "at least 3 points"),
    (lambda: R.fit_lines([1, 1, 1], [1, 2, 3]), "two different x"),
    (lambda: R.fit_lines([1, 2, np.nan], [1, 2, 3]), "NaN or infinity"),
    (lambda: R.fit_lines([1, 2, 3], [1, np.inf, 3]), "NaN or infinity"),
    (lambda: R.fit_lines([[1, 2, 3]], [[1, 2, 3]]), "1-D"),
    (lambda: R.fit_lines([1, 2, 3], [1, 2, 3], delta=0.5), "delta must be"),
    (lambda: R.fit_lines([1, 2, 3], [1, 2, 3], delta=-1), "delta must be"),
    (lambda: R.fit_lines([1, 2, 3], [1, 2, 3], method="magic"), "method must be"),
    (lambda: R.default_points(0, n=2), "n must be"),
])
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_fast_path_does_not_import_scikit_learn():
    code = ("import sys\nfrom engine.robust_fit import fit_lines, default_points\n"
            "d = default_points(0)\nfit_lines(d.x, d.y)\nprint('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------ the public helpers check their input
@pytest.mark.parametrize("fit", [R.lad_line, R.least_squares_line], ids=["lad", "least_squares"])
def test_line_helpers_name_the_problem(fit):
    with pytest.raises(ValueError, match="all x values are equal"):
        fit(np.array([2.0, 2.0, 2.0]), np.array([1.0, 2.0, 3.0]))    # lad: IndexError; lsq: NaN line
    with pytest.raises(ValueError, match="at least 2 points"):
        fit(np.array([]), np.array([]))                              # lad: ZeroDivisionError
    with pytest.raises(ValueError, match="one y per x"):
        fit(np.array([1.0, 2.0]), np.array([1.0, 2.0, 3.0]))
    line = fit(np.array([0.0, 1.0]), np.array([1.0, 3.0]))
    assert line.slope == pytest.approx(2.0) and line.intercept == pytest.approx(1.0)
