import numpy as np
import pytest

from engine import optimizers as O
from engine import surfaces as S


@pytest.mark.parametrize("key", list(S.SURFACES))
def test_gradient_matches_finite_differences(key):
    surf = S.get(key)
    rng = np.random.default_rng(1)
    x0, x1, y0, y1 = surf.view
    h = 1e-6
    for _ in range(20):
        p = np.array([rng.uniform(x0, x1), rng.uniform(y0, y1)])
        fd = np.array([(surf.f(p + e) - surf.f(p - e)) / (2 * h) for e in (np.array([h, 0]), np.array([0, h]))])
        np.testing.assert_allclose(surf.grad(p), fd, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("key", list(S.SURFACES))
def test_known_minima_are_stationary_and_minimal(key):
    surf = S.get(key)
    for m in surf.minima:
        assert np.linalg.norm(surf.grad(m)) < 1e-3
        assert surf.f(m) == pytest.approx(surf.min_value, abs=1e-6)
        x0, x1, y0, y1 = surf.view
        assert x0 <= m[0] <= x1 and y0 <= m[1] <= y1
    _, _, Z = surf.grid(150)
    assert Z.min() >= surf.min_value - 1e-9


def test_grid_orientation():
    surf = S.get("quadratic")
    xs, ys, Z = surf.grid(11)
    assert Z[0, 5] == pytest.approx(xs[0] ** 2)  # y = 0 in the middle column
    assert Z[5, 0] == pytest.approx(10 * ys[0] ** 2)


def test_race_reproduces_tutorial_paths():
    paths = S.race(S.get("quadratic"), {"SGD": O.SGD(0.05), "Momentum": O.Momentum(0.05, 0.9), "Adam": O.Adam(0.2)},
                   (5.0, 2.0), 50)
    assert paths["SGD"].points.shape == (51, 2)
    np.testing.assert_allclose(paths["Momentum"].points[-1], [-0.33340, -0.09930], atol=5e-6)
    np.testing.assert_allclose(paths["Adam"].points[-1], [-0.38375, -0.00964], atol=5e-6)
    np.testing.assert_allclose(paths["SGD"].losses, [S.get("quadratic").f(p) for p in paths["SGD"].points])
    assert all(p.diverged_at is None for p in paths.values())


def test_divergence_is_cut_cleanly_without_warnings():
    path = S.run_path(S.get("quadratic"), O.SGD(1.0), (5.0, 2.0), 50)
    # y is multiplied by (1 - 20) = -19 each step: the loss explodes within a few steps
    assert path.diverged_at is not None and 1 <= path.diverged_at <= 6
    assert len(path.points) == path.diverged_at
    assert np.all(np.isfinite(path.points)) and np.all(np.isfinite(path.losses))


def test_noise_is_seeded_and_changes_the_path():
    surf = S.get("quadratic")
    a = S.run_path(surf, O.SGD(0.05), (5, 2), 30, noise=2.0, seed=3)
    b = S.run_path(surf, O.SGD(0.05), (5, 2), 30, noise=2.0, seed=3)
    c = S.run_path(surf, O.SGD(0.05), (5, 2), 30, noise=2.0, seed=4)
    clean = S.run_path(surf, O.SGD(0.05), (5, 2), 30)
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.allclose(a.points, c.points)
    assert not np.allclose(a.points, clean.points)


def test_saddle_momentum_escapes_faster_than_sgd():
    surf = S.get("saddle")
    sgd = S.run_path(surf, O.SGD(0.05), surf.default_start, 60)
    mom = S.run_path(surf, O.Momentum(0.05, 0.9), surf.default_start, 60)
    assert abs(mom.points[-1, 1]) > abs(sgd.points[-1, 1])


@pytest.mark.parametrize("bad, word", [
    (dict(steps=0), "steps"), (dict(noise=-1.0), "noise"), (dict(start=(np.nan, 0)), "start")])
def test_bad_race_arguments(bad, word):
    kwargs = dict(start=(1.0, 1.0), steps=10, noise=0.0)
    kwargs.update(bad)
    with pytest.raises(ValueError, match=word):
        S.run_path(S.get("quadratic"), O.SGD(0.1), **kwargs)


def test_unknown_surface():
    with pytest.raises(ValueError, match="surface"):
        S.get("moon")


def test_race_stream_yields_each_path_and_leaves_out_an_optimizer_it_cannot_make():
    from engine.stream import drain
    surf = S.get("quadratic")
    events, result = drain(S.race_stream(surf, {"SGD": {"lr": 0.05}, "Adam": O.Adam(0.2), "Momentum": {"lr": -1.0}},
                                         (5.0, 2.0), 50))
    assert [p.name for p in events] == ["SGD", "Adam"] and isinstance(result, S.Race)
    assert result.paths == dict(zip(["SGD", "Adam"], events))
    assert set(result.problems) == {"Momentum"} and "lr" in result.problems["Momentum"]
    np.testing.assert_allclose(result.paths["Adam"].points[-1], [-0.38375, -0.00964], atol=5e-6)
    with pytest.raises(ValueError, match="Momentum: lr"):
        S.race(surf, {"Momentum": {"lr": -1.0}}, (5.0, 2.0))
    table = result.table()
    assert list(table["optimizer"]) == ["SGD", "Adam"] and list(table["steps"]) == [50, 50]
    assert table["loss"].iloc[1] == pytest.approx(result.paths["Adam"].losses[-1])
    assert table["diverged_at"].isna().all()


def test_race_job_runs_the_race_from_flat_values():
    from engine.stream import drain
    names = [p.name for p in S.RACE_PARAMS]
    assert len(names) == len(set(names)) and {"surface", "SGD", "SGD.lr", "Momentum.momentum"} <= set(names)
    tutorial = {"SGD": True, "SGD.lr": 0.05, "Momentum": True, "Momentum.lr": 0.05, "Adam": True, "Adam.lr": 0.2}
    events, result = drain(S.race_job(**tutorial))      # the rest at their defaults: the bowl, 50 steps from (5, 2)
    assert [p.name for p in events] == ["SGD", "Momentum", "Adam"] and not result.problems
    np.testing.assert_allclose(result.paths["Momentum"].points[-1], [-0.33340, -0.09930], atol=5e-6)
    _, noisy = drain(S.race_job(**tutorial, surface="saddle", steps=7, noise=1.0, seed=3, start_x=1.0, start_y=0.5))
    assert noisy.paths["SGD"].points[0] == pytest.approx([1.0, 0.5]) and noisy.paths["SGD"].steps_taken == 7
    assert noisy.paths["SGD"].losses[0] == pytest.approx(S.get("saddle").f((1.0, 0.5)))
    for bad, word in (({"SGD.lr": 0.0}, "SGD.lr"), ({"surface": "flat"}, "surface"), ({"nope": 1}, "nope")):
        with pytest.raises(ValueError, match=word):
            S.race_job(**bad)


def test_background_job_shades_the_square_around_the_view():
    from engine.contours import background_job, square_box
    from engine.stream import drain
    surf = S.get("quadratic")
    events, bg = drain(background_job(surf))
    assert events == [] and (bg.xs[0], bg.xs[-1], bg.ys[0], bg.ys[-1]) == square_box(surf.view)
