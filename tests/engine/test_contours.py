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
    # the crossings are the edges' midpoints, and each segment cuts off one corner
    np.testing.assert_allclose(sorted(map(tuple, seg)), [(0.0, 0.5), (0.5, 0.0), (0.5, 1.0), (1.0, 0.5)])


def _side(p0, p1, q):
    """> 0 when q lies left of the directed line p0 -> p1, < 0 right of it."""
    return (p1[0] - p0[0]) * (q[1] - p0[1]) - (p1[1] - p0[1]) * (q[0] - p0[0])


def _saddle_cell(sx, sy, flip):
    """One cell [0, 1]^2 of f = ±(x - sx)(y - sy): a bilinear function, so the corners carry it
    exactly, linear interpolation along an edge is exact, and its saddle is (sx, sy)."""
    xs = ys = np.array([0.0, 1.0])
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    sign = -1.0 if flip else 1.0
    return xs, ys, sign * (X - sx) * (Y - sy), (lambda x, y: sign * (x - sx) * (y - sy))


@pytest.mark.parametrize("flip", [False, True])
@pytest.mark.parametrize("sx, sy, level", [(0.4, 0.6, 0.0), (0.4, 0.6, -0.02), (0.4, 0.6, 0.02),
                                           (0.55, 0.3, 0.0), (0.55, 0.3, 0.01), (0.55, 0.3, -0.01)])
def test_a_saddle_cell_is_split_along_its_level_set(sx, sy, level, flip):
    xs, ys, Z, f = _saddle_cell(sx, sy, flip)
    assert (Z[0, 0] >= level) == (Z[1, 1] >= level) != (Z[1, 0] >= level) == (Z[0, 1] >= level)  # a saddle cell
    seg = contour_segments(xs, ys, Z, level)
    assert seg.shape == (4, 2)
    # every end point lies on the cell's border and on the level set
    on_border = np.isclose(seg, 0.0) | np.isclose(seg, 1.0)
    assert on_border.any(axis=1).all()
    np.testing.assert_allclose([f(x, y) for x, y in seg], level, atol=1e-12)
    # at the saddle's own level the level set is the two lines through the saddle: the crossings of
    # the bottom and top edges lie on x = sx, those of the left and right edges on y = sy
    if level == 0.0:
        horizontal = np.isclose(seg[:, 1], 0.0) | np.isclose(seg[:, 1], 1.0)
        np.testing.assert_allclose(seg[horizontal, 0], sx, atol=1e-12)
        np.testing.assert_allclose(seg[~horizontal, 1], sy, atol=1e-12)
        assert horizontal.sum() == 2
    # each segment cuts off exactly one corner, from the side opposite the cell's centre (whose
    # value, the mean of the corners, decides how the saddle is resolved), and the two cut-off
    # corners are diagonal opposites: the two segments never cross
    corners = {"a": (0, 0), "b": (1, 0), "c": (1, 1), "d": (0, 1)}
    centre_up = Z.mean() >= level
    cut = []
    for p0, p1 in zip(seg[0::2], seg[1::2]):
        centre = _side(p0, p1, (0.5, 0.5))
        alone = [k for k, q in corners.items() if _side(p0, p1, q) * centre < 0]
        assert len(alone) == 1, alone
        i, j = corners[alone[0]]
        assert (Z[i, j] >= level) != centre_up    # the lone corner is on the other side of the level
        cut.append(alone[0])
    assert sorted(cut) in (["a", "c"], ["b", "d"])


def test_a_saddle_surface_is_drawn_as_two_crossing_lines():
    # f = (x - 0.13)(y + 0.07) is bilinear on every cell: its zero level set is the two lines
    # x = 0.13 and y = -0.07, which cross at the saddle (0.13, -0.07)
    xs = np.linspace(-1, 1, 41)
    ys = np.linspace(-1, 1, 37)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    seg = contour_segments(xs, ys, (X - 0.13) * (Y + 0.07), 0.0)
    on_vertical = np.isclose(seg[:, 0], 0.13, atol=1e-12)
    on_horizontal = np.isclose(seg[:, 1], -0.07, atol=1e-12)
    assert (on_vertical | on_horizontal).all()
    # both lines run across the whole grid ...
    assert seg[on_vertical, 1].min() == pytest.approx(-1) and seg[on_vertical, 1].max() == pytest.approx(1)
    assert seg[on_horizontal, 0].min() == pytest.approx(-1) and seg[on_horizontal, 0].max() == pytest.approx(1)
    # ... in pieces no longer than a cell's diagonal, and reach the saddle's cell from all four sides
    cell = np.hypot(xs[1] - xs[0], ys[1] - ys[0])
    assert np.hypot(*(seg[1::2] - seg[0::2]).T).max() <= cell + 1e-12
    d = seg - (0.13, -0.07)
    for quadrant in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        along = d @ np.array(quadrant, dtype=float)
        assert np.any((along > 0) & (np.abs(along) < cell) & (np.hypot(*d.T) < cell))


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
