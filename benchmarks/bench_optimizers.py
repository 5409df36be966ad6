"""Optimizers lab: animation frame cost and main-thread responsiveness while the worker computes.

- one animation frame with all seven optimizers at 1280x800 off-screen: set_frame, then either the event loop's
  paint of what changed (what the app does) or a synchronous repaint of the whole window (worst case); goal p95 < 8 ms
- the largest gap of a 10 ms main-thread heartbeat while the worker runs a long engine job (a 7-optimizer race of
  2000 steps, repeated): goal well under 50 ms
"""
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402


def long_race(repeats: int = 5):
    from engine import optimizers as O
    from engine import surfaces as S
    surface = S.get("rosenbrock")
    for r in range(repeats):
        yield from S.race_stream(surface, {name: {"lr": 1e-4} for name in O.ALL}, surface.default_start, 2000)
    return repeats


def main() -> dict:
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    from benchmarks.heartbeat import heartbeat_gaps
    from gui.app import MainWindow
    from gui.theme import theme
    theme().apply_base()
    w = MainWindow()
    w.resize(1280, 800)
    w.show()
    panel = w.panel_by_key("optimizers")
    race = panel.section("race")
    race.set_values({name: True for name in race.boxes} | {"steps": 200})
    t0 = time.perf_counter()
    while (len(race.paths) < 7 or not panel.is_idle()) and time.perf_counter() - t0 < 10:
        app.processEvents()
    results = {}
    def settle(seconds: float) -> None:
        """Run the event loop a while: deferred work (a mode switch's restyle, the window's
        background import of pandas 1.5 s after it is up) must not land in the measurements."""
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            app.processEvents()

    settle(2.5)
    for mode in ("normal", "presentation"):
        theme().set_presentation(mode == "presentation")
        settle(1.0)
        for how in ("update", "repaint"):
            times = []
            for k in list(range(201)) * 2:
                t = time.perf_counter()
                race.transport.set_frame(k)
                if how == "repaint":
                    w.repaint()  # the whole window, controls included: the worst case
                else:
                    app.processEvents()  # what the app does: Qt repaints only what changed
                times.append((time.perf_counter() - t) * 1000)
            times = np.array(times[20:])
            results[f"frame_{mode}_{how}_p50_ms"] = float(np.percentile(times, 50))
            results[f"frame_{mode}_{how}_p95_ms"] = float(np.percentile(times, 95))
    theme().set_presentation(False)
    settle(1.0)   # the heartbeat measures the worker's job, not the mode switch's restyle

    from gui.worker import Worker
    worker = Worker("bench")
    hb = heartbeat_gaps(worker, long_race, 5)
    worker.shutdown()
    results.update({f"heartbeat_{k}": v for k, v in hb.items()})
    w.close()

    print(f"Optimizers lab (7 optimizers, 200 steps, 1280x800, Qt platform {app.platformName()})")
    print("  one animation frame (set_frame + paint)     p50 ms   p95 ms   (goal p95 < 8 ms)")
    for mode in ("normal", "presentation"):
        for how, what in (("update", "changed regions, as the app paints"), ("repaint", "whole window repainted")):
            print(f"  {mode:12s} {what:34s} {results[f'frame_{mode}_{how}_p50_ms']:6.2f}   "
                  f"{results[f'frame_{mode}_{how}_p95_ms']:6.2f}")
    print(f"  heartbeat during a {hb['job_s']:.1f} s race job on the worker ({hb['events']} events): "
          f"max gap {hb['max_gap_ms']:.1f} ms, p99 {hb['p99_gap_ms']:.1f} ms, median {hb['median_gap_ms']:.1f} ms")
    return results


if __name__ == "__main__":
    main()
