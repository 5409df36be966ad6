import math

import numpy as np
import pytest

from engine.clipping import clip_by_global_norm, clip_by_value, global_norm


def norm_of(arrays):
    return math.sqrt(sum(float(np.sum(np.asarray(g) ** 2)) for g in arrays))


def test_tutorial_figures():
    grads = [np.array([3.0, 4.0]), np.array([5.0, 12.0])]
    clipped, total, was_clipped = clip_by_global_norm(grads, max_norm=5.0)
    assert round(total, 4) == 13.9284
    assert was_clipped is True
    assert round(norm_of(clipped), 4) == 5.0
    assert isinstance(total, float)


def test_pytorch_rule_coefficient():
    grads = [np.array([3.0, 4.0]), np.array([5.0, 12.0])]
    clipped, total, _ = clip_by_global_norm(grads, 5.0)
    coef = 5.0 / (math.sqrt(194.0) + 1e-6)
    np.testing.assert_allclose(clipped[0], [3.0 * coef, 4.0 * coef], rtol=1e-15)
    np.testing.assert_allclose(clipped[1], [5.0 * coef, 12.0 * coef], rtol=1e-15)
    assert norm_of(clipped) < 5.0  # the epsilon makes it a hair below


def test_inputs_untouched():
    a, b = np.array([3.0, 4.0]), np.array([[5.0], [12.0]])
    before = a.copy(), b.copy()
    clipped, _, _ = clip_by_global_norm([a, b], 1.0)
    np.testing.assert_array_equal(a, before[0])
    np.testing.assert_array_equal(b, before[1])
    assert clipped[1].shape == (2, 1)
    clip_by_value([a, b], 1.0)
    np.testing.assert_array_equal(a, before[0])


def test_no_clip_below_max_norm():
    grads = [np.array([0.3, 0.4])]
    clipped, total, was_clipped = clip_by_global_norm(grads, 1.0)
    assert total == pytest.approx(0.5)
    assert was_clipped is False
    np.testing.assert_array_equal(clipped[0], grads[0])


def test_norm_equal_to_max_is_scaled_by_a_hair():
    # coef = 5 / (5 + 1e-6) < 1 strictly: PyTorch's rule does scale (by a hair)
    _, _, was_clipped = clip_by_global_norm(np.array([3.0, 4.0]), 5.0)
    assert was_clipped is True
    _, _, was_clipped = clip_by_global_norm(np.array([3.0, 4.0]), 5.0 + 2e-6)
    assert was_clipped is False


def test_single_array_in_single_array_out():
    g = np.array([[6.0, 8.0]])
    clipped, total, was_clipped = clip_by_global_norm(g, 1.0)
    assert isinstance(clipped, np.ndarray) and clipped.shape == (1, 2)
    assert total == pytest.approx(10.0)
    assert np.linalg.norm(clipped) == pytest.approx(1.0, abs=1e-6)
    assert was_clipped


def test_huge_but_finite_gradients_do_not_overflow():
    g = [np.array([3e200, 4e200])]
    assert global_norm(g) == pytest.approx(5e200)
    clipped, total, was_clipped = clip_by_global_norm(g, 1.0)
    assert total == pytest.approx(5e200) and was_clipped
    np.testing.assert_allclose(clipped[0], [0.6, 0.8])


def test_non_finite_gradients_are_reported_not_rescaled():
    g = [np.array([1.0, np.nan])]
    clipped, total, was_clipped = clip_by_global_norm(g, 1.0)
    assert math.isnan(total) and was_clipped is False
    g = [np.array([1.0, np.inf])]
    _, total, was_clipped = clip_by_global_norm(g, 1.0)
    assert total == math.inf and was_clipped is False
    with pytest.raises(ValueError, match="diverged"):
        clip_by_global_norm(g, 1.0, error_if_nonfinite=True)


def test_empty_arrays_have_zero_norm():
    clipped, total, was_clipped = clip_by_global_norm([np.zeros(0), np.zeros(3)], 1.0)
    assert total == 0.0 and not was_clipped


def test_clip_by_value():
    grads = [np.array([-3.0, 0.5, 2.0]), np.array([[10.0, -0.1]])]
    out = clip_by_value(grads, 1.0)
    np.testing.assert_array_equal(out[0], [-1.0, 0.5, 1.0])
    np.testing.assert_array_equal(out[1], [[1.0, -0.1]])
    single = clip_by_value(np.array([5.0, -5.0]), 2.0)
    np.testing.assert_array_equal(single, [2.0, -2.0])


@pytest.mark.parametrize("value", [0.0, -1.0, float("nan"), float("inf"), "big"])
def test_bad_thresholds_raise(value):
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm([np.ones(2)], value)
    with pytest.raises(ValueError, match="clip_value"):
        clip_by_value([np.ones(2)], value)
