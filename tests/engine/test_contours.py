import numpy as np
import pytest

from engine.contours import background, contour_segments
from engine.surfaces import SURFACES


def test_circle_contour_lies_on_the_circle():
    xs = np.linspace(-2, 2, 121)
    ys = np.linspace(-2, 2, 101)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    seg = contour_segments(xs, ys, X ** 2 + Y ** 2, 1.0)
    r = np.hypot(seg[:, 0], seg[:, 1])
    assert len(seg) > 100 and len(seg) % 2 == 0
    np.testing.assert_allclose(r, 1.0, atol=2e-3)
    # segments are short (inside one cell), so they draw a closed curve, not chords
    lengths = np.hypot(*(seg[1::2] - seg[0::2]).T)
    assert lengths.max() < 0.06


def test_saddle_cells_give_two_segments():
    xs = ys = np.array([0.0, 1.0])
    Z = np.array([[1.0, 0.0], [0.0, 1.0]])  # a and c above, b and d below the level
    seg = contour_segments(xs, ys, Z, 0.5)
    assert seg.shape == (4, 2)


def test_no_crossing_gives_nothing():
    xs = ys = np.linspace(0, 1, 5)
    assert contour_segments(xs, ys, np.zeros((5, 5)), 1.0).shape == (0, 2)


def test_shape_mismatch():
    with pytest.raises(ValueError, match="shape"):
        contour_segments(np.zeros(3), np.zeros(4), np.zeros((4, 3)), 0.0)


@pytest.mark.parametrize("key", list(SURFACES))
def test_every_surface_gets_a_finite_background(key):
    bg = background(SURFACES[key], resolution=80)
    assert np.all(np.isfinite(bg.shade))
    assert len(bg.segments) > 0 and np.all(np.isfinite(bg.segments))


def test_square_box_contains_the_view_and_is_square():
    from engine.contours import square_box
    x0, x1, y0, y1 = square_box((-6, 6, -3, 3))
    assert (x0, x1, y0, y1) == (-6, 6, -6, 6)
    bg = background(SURFACES["quadratic"], resolution=50, box=(x0, x1, y0, y1))
    assert bg.ys[0] == -6 and bg.ys[-1] == 6
