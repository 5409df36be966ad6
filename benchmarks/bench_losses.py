"""Loss functions: how fast are pairwise_ranking and fit_lines?

1. ``pairwise_ranking`` against the tutorial's double loop (written out below) at n = 1,500:
   goal at least 500x faster.
2. ``pairwise_ranking`` (and its gradient) at n = 100,000: goal well under a second.
3. ``fit_lines`` on the demo data while the outlier is dragged: median and p95 in ms, fast
   solvers against the scikit-learn estimators, against the 16 ms of one 60 Hz frame.

Run: ``python benchmarks/bench_losses.py``
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.losses import pairwise_ranking, pairwise_ranking_grad  # noqa: E402
from engine.robust_fit import default_points, fit_lines  # noqa: E402

FRAME_MS = 1000.0 / 60.0


def tutorial_double_loop(scores, relevance):
    """The tutorial's pairwise ranking loss, margin 1: one Python iteration per pair."""
    n = len(scores)
    loss = 0
    pairs = 0
    for i in range(n):
        for j in range(i + 1, n):
            if relevance[i] != relevance[j]:
                if relevance[i] > relevance[j]:
                    diff = scores[j] - scores[i]
                else:
                    diff = scores[i] - scores[j]
                loss += max(0, 1 + diff)
                pairs += 1
    return loss / pairs if pairs > 0 else 0


def _times(fn, repeat: int) -> np.ndarray:
    out = np.empty(repeat)
    for k in range(repeat):
        start = time.perf_counter()
        fn()
        out[k] = time.perf_counter() - start
    return out * 1e3  # ms


def bench_ranking_vs_loop(n: int = 1500, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    scores = rng.normal(0, 1, n)
    relevance = rng.integers(0, 5, n)
    loop_ms = _times(lambda: tutorial_double_loop(scores, relevance), 3)
    fast_ms = _times(lambda: pairwise_ranking(scores, relevance), 50)
    expected = tutorial_double_loop(scores, relevance)
    got = pairwise_ranking(scores, relevance)
    assert abs(got - expected) <= 1e-9 * abs(expected), (got, expected)
    return {"loop_ms": float(np.median(loop_ms)), "fast_ms": float(np.median(fast_ms)),
            "speedup": float(np.median(loop_ms) / np.median(fast_ms))}


def bench_ranking_large(n: int = 100_000, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    scores = rng.normal(0, 1, n)
    out = {}
    for name, relevance in (("5 relevance levels", rng.integers(0, 5, n)),
                            ("all relevance distinct", rng.permutation(n).astype(float))):
        out[name] = {
            "loss_ms": float(np.median(_times(lambda: pairwise_ranking(scores, relevance), 5))),
            "grad_ms": float(np.median(_times(lambda: pairwise_ranking_grad(scores, relevance), 5))),
        }
    return out


def bench_fit_lines(seed: int = 0) -> dict:
    demo = default_points(seed)
    drag = np.linspace(demo.y.min() - 10.0, demo.y.max() + 15.0, 60)  # outlier dragged up and down

    def run(method, deltas):
        times = []
        for delta in deltas:
            for value in drag:
                y = demo.y.copy()
                y[demo.outlier_index] = value
                start = time.perf_counter()
                fit_lines(demo.x, y, delta=delta, method=method)
                times.append(time.perf_counter() - start)
        return np.array(times) * 1e3

    start = time.perf_counter()
    fit_lines(demo.x, demo.y, method="sklearn")  # first call: imports scikit-learn
    first_sklearn_ms = (time.perf_counter() - start) * 1e3
    results = {"first sklearn call (import)": {"median": first_sklearn_ms, "p95": first_sklearn_ms,
                                               "max": first_sklearn_ms}}
    for label, method, deltas in (("fast, delta 1.35", "fast", [1.35]),
                                  ("fast, delta 1.0 .. 10", "fast", [1.0, 1.01, 1.1, 1.35, 2.0, 5.0, 10.0]),
                                  ("sklearn, delta 1.35", "sklearn", [1.35])):
        ms = run(method, deltas)
        results[label] = {"median": float(np.median(ms)), "p95": float(np.percentile(ms, 95)),
                          "max": float(ms.max())}
    return results


def main() -> dict:
    print("pairwise_ranking vs the tutorial's double loop (n = 1,500, relevance 0..4)")
    r = bench_ranking_vs_loop()
    print(f"  {'double loop':<24}{r['loop_ms']:>12.1f} ms")
    print(f"  {'pairwise_ranking':<24}{r['fast_ms']:>12.3f} ms")
    print(f"  {'speed-up':<24}{r['speedup']:>12.0f} x   (goal >= 500 x)")
    print()
    print("pairwise_ranking at n = 100,000 (median of 5)")
    big = bench_ranking_large()
    print(f"  {'relevance':<26}{'loss ms':>10}{'grad ms':>10}")
    for name, v in big.items():
        print(f"  {name:<26}{v['loss_ms']:>10.1f}{v['grad_ms']:>10.1f}")
    print()
    print(f"fit_lines on the demo data (20 points), outlier dragged over 60 positions; frame = {FRAME_MS:.1f} ms")
    fits = bench_fit_lines()
    print(f"  {'solver':<30}{'median ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, v in fits.items():
        print(f"  {name:<30}{v['median']:>10.2f}{v['p95']:>10.2f}{v['max']:>10.2f}")
    fast, ref = fits["fast, delta 1.35"], fits["sklearn, delta 1.35"]
    print(f"  fast vs sklearn median: {ref['median'] / fast['median']:.0f} x faster; "
          f"fast p95 is {100 * fast['p95'] / FRAME_MS:.0f} % of a frame")
    return {"ranking_vs_loop": r, "ranking_100k": big, "fit_lines": fits}


if __name__ == "__main__":
    main()
