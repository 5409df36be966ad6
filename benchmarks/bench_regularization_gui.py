"""Regularization tab: slider-to-repaint latency and main-thread smoothness while training streams.

    python benchmarks/bench_regularization_gui.py

1. Slider to repaint: the Lasso alpha slider is moved to a new position (as a drag does,
   one position per move, across the whole log range) and the clock runs until the bar
   chart it changes has been repainted by the event loop. Baseline in the same run: the
   engine refit alone (compare_penalties). Goal: under 100 ms including the refit.
   Measured on the Penalties page and on the Strength page (alpha lines and R2 dots move).
   The machine is shared: run it twice if p95 looks odd (another process's burst shows as
   one slow move).
2. Heartbeat: a 10 ms QTimer on the main thread while each of the tab's training runs
   streams into the panel (the real workers, events and redraws), run as fast as the
   computer allows (speed 1000 = unpaced; the default 30-60 epochs/s is far lighter).
   Baseline in the same run: the same event loop with nothing running. Goal: largest gap
   under 50 ms.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from benchmarks.heartbeat import open_tab, slider_to_paint, ticks_until, wait_until  # noqa: E402


def _pct(values, q):
    return float(np.percentile(np.asarray(values) * 1000, q)) if len(values) else float("nan")


def _wait(app, condition, timeout=60.0):
    wait_until(app, condition, timeout, sleep_s=0.001)


def slider_to_repaint(app, section, plot, moves: int = 100, warm_up: int = 10) -> list[float]:
    """Seconds from the Lasso alpha slider's setValue (in ``section``'s form) to the end of the
    repaint of ``plot``."""
    return slider_to_paint(app, section.param_widget("alpha_lasso").slider, plot.viewport(), moves, warm_up)


def heartbeat_during(app, panel, start, busy, interval_ms=10) -> dict:
    """Run the event loop (QEventLoop.exec) while ``start()``'s run streams; tick statistics."""
    elapsed, ticks = ticks_until(start, lambda: not busy(), interval_ms)
    gaps = np.diff(ticks) * 1000
    return {"seconds": elapsed, "ticks": len(ticks), "max": float(gaps.max()),
            "p99": float(np.percentile(gaps, 99)), "p50": float(np.median(gaps))}


def idle_heartbeat(app, seconds: float) -> dict:
    end = time.perf_counter() + seconds
    return heartbeat_during(app, None, lambda: None, lambda: time.perf_counter() < end)


def main() -> dict:
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    from engine.regularization import compare_penalties
    from gui.theme import theme

    w, panel = open_tab("regularization")
    penalties, strength = panel.section("penalties"), panel.section("strength")
    dropout, stopping, mlp = panel.section("dropout"), panel.section("early_stopping"), panel.section("mlp_l2")
    _wait(app, lambda: penalties.result is not None and panel.fits is not None and panel.is_idle())
    results = {}

    # ------------------------------------------------------------ 1. slider to repaint
    rng = np.random.default_rng(1)
    refit = []
    for a in 10 ** rng.uniform(-4, 3, size=100):
        t0 = time.perf_counter()
        compare_penalties(alpha_lasso=float(a))
        refit.append(time.perf_counter() - t0)
    results["refit"] = refit
    for mode in ("normal", "presentation"):
        theme().set_presentation(mode == "presentation")
        for _ in range(5):
            app.processEvents()
        for key, section, plot in (("penalties", penalties, penalties.bar_plots["L1 (Lasso)"]),
                                   ("strength", strength, strength.r2_plots["lasso"])):
            panel.show_section(key)
            section.show_plot(plot)   # (in presentation mode the plots take turns on a tab bar)
            for _ in range(5):
                app.processEvents()
            results[f"{key}_{mode}"] = slider_to_repaint(app, section, plot)
    theme().set_presentation(False)
    panel.show_section("penalties")
    for _ in range(5):
        app.processEvents()

    # ------------------------------------------------------------ 2. heartbeat
    dropout.set_values({"speed": 1000})
    stopping.set_values({"speed": 1000})
    runs = {}
    runs["idle event loop (baseline)"] = idle_heartbeat(app, 2.0)
    dropout.set_values({"speed": 60})
    runs["dropout comparison, default set-up, paced 60 epochs/s"] = heartbeat_during(
        app, panel, dropout.run, lambda: dropout.worker.busy)
    dropout.set_values({"speed": 1000})
    runs["dropout comparison, default (2x128, 100 samples), unpaced"] = heartbeat_during(
        app, panel, dropout.run, lambda: dropout.worker.busy)
    runs["early stopping + continuation, unpaced"] = heartbeat_during(
        app, panel, stopping.run, lambda: stopping.worker.busy)
    runs["MLP + L2 (scikit-learn, 3 fits)"] = heartbeat_during(
        app, panel, mlp.run, lambda: mlp.worker.busy)
    dropout.set_values({"hidden": 1024, "n_train": 390, "epochs": 60})
    runs["dropout comparison, largest (2x1024, 390 samples, 60 ep)"] = heartbeat_during(
        app, panel, dropout.run, lambda: dropout.worker.busy)
    dropout.set_values({"hidden": 128, "n_train": 100, "epochs": 150})
    runs["all three at once (run_defaults, unpaced)"] = heartbeat_during(
        app, panel, panel.run_defaults, lambda: not panel.is_idle())
    results["heartbeat"] = runs
    w.close()

    base = float(np.median(refit)) * 1000
    print("Regularization tab, 1280x800 off-screen")
    print("1. Lasso alpha slider -> repainted chart (ms), 100 random slider positions (after 10 unmeasured)")
    print(f"   {'':52s} {'p50':>7s} {'p95':>7s} {'max':>7s} {'p50 / refit':>12s}")
    print(f"   {'engine refit alone (compare_penalties)':52s} {_pct(refit, 50):7.1f} {_pct(refit, 95):7.1f} "
          f"{_pct(refit, 100):7.1f} {1.0:12.2f}")
    for key, label in (("penalties_normal", "Penalties page (4 bar charts + table)"),
                       ("strength_normal", "Strength page (lines, dots)"),
                       ("penalties_presentation", "Penalties page, presentation mode"),
                       ("strength_presentation", "Strength page, presentation mode")):
        t = results[key]
        print(f"   {label + f' ({len(t)} repainted)':52s} {_pct(t, 50):7.1f} {_pct(t, 95):7.1f} {_pct(t, 100):7.1f} "
              f"{_pct(t, 50) / base:12.2f}")
    print("   goal: p95 under 33 ms including the refit (issue 12)")
    print("2. 10 ms main-thread heartbeat while a run streams into the panel (ms)")
    print(f"   {'':58s} {'run s':>6s} {'max gap':>8s} {'p99':>6s} {'p50':>6s}")
    for label, r in runs.items():
        print(f"   {label:58s} {r['seconds']:6.2f} {r['max']:8.1f} {r['p99']:6.1f} {r['p50']:6.1f}")
    print("   goal: largest gap under 50 ms")
    return results


if __name__ == "__main__":
    main()
