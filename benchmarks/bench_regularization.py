"""Regularization lab: cost of an alpha-slider move, and warm-started paths against cold fits.

    python benchmarks/bench_regularization.py

1. "Alpha slider moved": what the Penalties/Strength pages recompute when a slider moves:
   the four-model table at the new alphas (compare_penalties) plus the coefficients at the
   new alpha on an already computed path (CoefficientPath.at). Also the worst case, an
   l1_ratio move, which must recompute the ElasticNet path too. Goal: under 100 ms
   including the refit (the repaint is measured with the GUI).
2. coefficient_paths (one warm-started enet_path run; one SVD for Ridge) against the
   tutorial's way, 50 cold fits, measured in the same run: the ratio is the speed-up.
"""
from __future__ import annotations

import itertools
import os
import statistics
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402


def _timed(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _ms(times):
    return statistics.median(times) * 1e3, max(times) * 1e3


def main(repeat=20) -> list[tuple]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import Lasso, Ridge

    from engine.datasets import regression_split
    from engine.regularization import alpha_sweep, coefficient_paths, compare_penalties, default_alphas

    data = regression_split()            # cached after this: the app loads it once
    compare_penalties()                   # warm up imports
    alphas = default_alphas()
    lasso_path_ = coefficient_paths("lasso", alphas, data=data)
    rng = np.random.default_rng(0)
    rows = []

    # 1. slider moves: random alphas over the slider's range, as a drag would produce
    moves = 10 ** rng.uniform(-4, 2, size=(repeat, 3))

    next_move = itertools.cycle(moves).__next__

    def one_alpha_move():
        a = next_move()
        compare_penalties(alpha_ridge=a[0], alpha_lasso=a[1], alpha_enet=a[2], data=data)
        lasso_path_.at(a[1])

    med, worst = _ms(_timed(one_alpha_move, repeat))
    rows.append(("alpha slider move: 4 refits + path position", f"{med:.1f} ms", f"max {worst:.1f} ms",
                 "goal < 100 ms"))

    ratios = rng.uniform(0.05, 1.0, size=repeat)

    next_ratio = itertools.cycle(ratios).__next__

    def one_ratio_move():
        r = next_ratio()
        compare_penalties(l1_ratio=r, data=data)
        coefficient_paths("elasticnet", alphas, l1_ratio=r, data=data).at(0.1)

    med, worst = _ms(_timed(one_ratio_move, repeat))
    rows.append(("l1_ratio slider move: 4 refits + new enet path", f"{med:.1f} ms", f"max {worst:.1f} ms",
                 "goal < 100 ms"))

    # 2. paths against cold fits
    def cold_lasso():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for a in alphas:
                Lasso(alpha=a, max_iter=10000).fit(data.X_train, data.y_train)

    def cold_ridge():
        for a in alphas:
            Ridge(alpha=a).fit(data.X_train, data.y_train)

    def cold_sweep():  # the tutorial's strength analysis: 100 fits, 4 scores each
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for a in alphas:
                for model in (Ridge(alpha=a), Lasso(alpha=a, max_iter=10000)):
                    model.fit(data.X_train, data.y_train)
                    model.score(data.X_train, data.y_train)
                    model.score(data.X_test, data.y_test)

    reps = max(3, repeat // 4)
    for label, fast, slow in (
        ("lasso path (enet_path, warm starts) vs 50 cold Lasso fits",
         lambda: coefficient_paths("lasso", alphas, data=data), cold_lasso),
        ("ridge path (one SVD) vs 50 Ridge fits",
         lambda: coefficient_paths("ridge", alphas, data=data), cold_ridge),
        ("alpha_sweep vs the tutorial's 100 fits + scores",
         lambda: alpha_sweep(alphas, data=data), cold_sweep),
    ):
        t_fast = statistics.median(_timed(fast, reps))
        t_slow = statistics.median(_timed(slow, reps))
        rows.append((label, f"{t_fast * 1e3:.1f} ms", f"{t_slow * 1e3:.1f} ms", f"{t_slow / t_fast:.1f}x faster"))

    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}}  {'ours':>10}  {'baseline/max':>14}  note")
    print("-" * (width + 44))
    for name, a, b, note in rows:
        print(f"{name:<{width}}  {a:>10}  {b:>14}  {note}")
    print(f"\n({lasso_path_.coefs.shape[0]} alphas, {data.X_train.shape[0]} x {data.X_train.shape[1]} "
          f"training set; median of {repeat} slider moves, {reps} path runs)")
    return rows


if __name__ == "__main__":
    main()
