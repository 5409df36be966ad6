"""The hyper-parameter map (engine.surfaces.hyperparameter_map) against running its cells one by one
with run_path, in the same run: a 60x60 map of 200 steps, goal at least 30 times faster.

- Momentum on the Rosenbrock valley (41 % of the cells diverge): every cell run one by one;
- Adam on the bowl: one cell in 16 (every 4th row and column) run one by one, the time scaled by 16;
- the streamed map (map_stream, the GUI's job, in bands of rows) against the map computed at once.
The maps are checked equal to the cells run one by one.
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def one_by_one(surface, name, lrs, param, values, steps, stride=1):
    from engine import optimizers as O
    from engine import surfaces as S
    out = np.full((len(values), len(lrs)), np.nan)
    t = time.perf_counter()
    for i in range(0, len(values), stride):
        for j in range(0, len(lrs), stride):
            path = S.run_path(surface, O.make(name, lr=lrs[j], **{param: values[i]}), surface.default_start, steps)
            out[i, j] = np.inf if path.diverged_at is not None else path.losses[-1] - surface.min_value
    return out, (time.perf_counter() - t) * stride * stride


def best_of(fn, repeats=3):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return result, min(times)


def main() -> dict:
    from engine import surfaces as S
    from engine.hyper_map import default_values
    from engine.stream import drain
    results = {}
    print("Hyper-parameter map, 60x60 cells, 200 steps (goal: at least 30x faster than cell by cell)")
    print(f"  {'case':32s} {'map s':>8s} {'cells s':>9s} {'ratio':>8s}  equal  diverged")
    cases = (("rosenbrock", "Momentum", "momentum", np.logspace(-5, -1, 60), 1),
             ("quadratic", "Adam", "beta1", np.logspace(-4, 0.5, 60), 4))
    for key, name, param, lrs, stride in cases:
        surface = S.get(key)
        values = default_values(param, 60)
        gaps, t_map = best_of(lambda: S.hyperparameter_map(surface, name, lrs, param, values, steps=200))
        cells, t_cells = one_by_one(surface, name, lrs, param, values, 200, stride)
        sampled = ~np.isnan(cells)
        equal = np.array_equal(gaps[sampled], cells[sampled])
        label = f"{name} on {key}" + (" (1 cell in 16)" if stride > 1 else "")
        ratio = t_cells / t_map
        print(f"  {label:32s} {t_map:8.3f} {t_cells:9.2f} {ratio:7.0f}x  {str(equal):5s}  "
              f"{np.mean(np.isinf(gaps)):.0%}")
        results[f"{name}_{key}_ratio"] = ratio
        results[f"{name}_{key}_equal"] = equal
    surface = S.get("rosenbrock")
    values = default_values("momentum", 60)
    lrs = np.logspace(-5, -1, 60)
    (_, streamed), t_stream = best_of(lambda: drain(S.map_stream(surface, "Momentum", lrs, "momentum", values,
                                                                 steps=200)))
    _, t_map = best_of(lambda: S.hyperparameter_map(surface, "Momentum", lrs, "momentum", values, steps=200))
    print(f"  streamed in bands of rows (the GUI's job): {t_stream:.3f} s, {t_stream / t_map:.1f}x the map at once")
    results["stream_over_map"] = t_stream / t_map
    return results


if __name__ == "__main__":
    main()
