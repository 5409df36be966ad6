"""Typed formulas (engine.formula, engine.surfaces.from_formula): costs against same-run baselines.

- refusing an input (the worst of the hostile inputs and of 2000 fuzzed token strings): goal a few ms,
  against parsing a valid formula with Python's ``ast`` alone
- from_formula (parse, differentiate, estimate the minimum on a 201^2 grid, pick a start): the check the
  panel makes after typing pauses; goal about a frame (16 ms), against one 201^2 grid of the built-in surface
- a race's gradient call at one point, typed Rosenbrock / built-in Rosenbrock (hand-written lambdas)
- a whole 7-optimizer race of 2000 steps, typed Rosenbrock / built-in Rosenbrock
"""
import ast
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"


def best_of(fn, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> dict:
    from engine import optimizers as O
    from engine import surfaces as S
    from engine.formula import parse
    from engine.stream import drain
    from tests.engine.test_formula import HOSTILE

    def refuse(text):
        try:
            parse(text)
        except ValueError:
            pass

    rng = np.random.default_rng(0)
    tokens = ["x", "y", "(", ")", "**", "9", "sin(", "lambda", "[", ".", "+", "'", "-"]
    fuzz = ["".join(rng.choice(tokens, size=rng.integers(1, 60))) for _ in range(2000)]
    worst_refusal = max(best_of(lambda t=t: refuse(t), 3) for t in HOSTILE + fuzz)
    ast_alone = best_of(lambda: ast.parse(ROSENBROCK, mode="eval"), 50)
    results = {"worst refusal (ms)": worst_refusal * 1e3, "ast.parse alone (ms)": ast_alone * 1e3}

    texts = iter(f"{ROSENBROCK} + {k}*0" for k in range(10_000))   # new texts: from_formula is cached
    built_in = S.get("rosenbrock")
    results["from_formula (ms)"] = best_of(lambda: S.from_formula(next(texts))) * 1e3
    results["built-in 201^2 grid (ms)"] = best_of(lambda: built_in.grid(201)) * 1e3

    typed = S.from_formula(ROSENBROCK)
    point = np.array([0.3, -0.2])
    n = 20_000
    grad_typed = best_of(lambda: [typed.grad(point) for _ in range(n)], 3) / n
    grad_built = best_of(lambda: [built_in.grad(point) for _ in range(n)], 3) / n
    results["gradient call, typed (us)"] = grad_typed * 1e6
    results["gradient call, built-in (us)"] = grad_built * 1e6

    def race(surface):
        drain(S.race_stream(surface, {name: {"lr": 1e-4} for name in O.ALL}, (-1.5, 2.5), 2000))

    race_typed, race_built = best_of(lambda: race(typed), 3), best_of(lambda: race(built_in), 3)
    results["7 x 2000-step race, typed (ms)"] = race_typed * 1e3
    results["7 x 2000-step race, built-in (ms)"] = race_built * 1e3
    for name, value in results.items():
        print(f"{name:38s} {value:10.3f}")
    print(f"{'ratio gradient typed / built-in':38s} {grad_typed / grad_built:10.2f}")
    print(f"{'ratio race typed / built-in':38s} {race_typed / race_built:10.2f}")
    print(f"{'ratio from_formula / built-in grid':38s} {results['from_formula (ms)'] / results['built-in 201^2 grid (ms)']:10.2f}")
    return results


if __name__ == "__main__":
    main()
