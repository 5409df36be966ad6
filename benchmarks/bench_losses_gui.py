"""Loss functions tab: slider change / outlier drag to repainted plot.

    python benchmarks/bench_losses_gui.py

Each move is timed from the input (slider.setValue, or the outlier's setPos as a drag does)
through the panel's handlers (engine call, setData on every item that changes) to the end of
a synchronous ``repaint()`` of the plot's viewport (``PlotWidget.repaint()`` itself paints
nothing: the scene is drawn by the view's viewport widget). Goal: one 60 Hz frame (16 ms)
at p95.

1. Huber delta slider (Regression tab): curves, delta markers, the outlier table and the
   loss values are recomputed; the plot is repainted (and, second row, the whole section:
   plot, table and labels).
2. Outlier drag (Drag the outlier tab): the three lines are refitted on the UI thread with
   engine.robust_fit's exact fast solvers and redrawn. For comparison the same drag with
   the scikit-learn estimators the issue names (LinearRegression, QuantileRegressor,
   HuberRegressor; method="sklearn"): the reason the drag does not use them.

Baseline in the same run: repainting the same plot with nothing changed. Both theme modes
are measured (presentation mode draws thicker pens and larger fonts). The machine is shared:
run twice if one p95 looks odd.
"""
from __future__ import annotations

import itertools
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

GOAL_MS = 16.0


def _timed(step, n: int, warm_up: int = 5) -> np.ndarray:
    for _ in range(warm_up):
        step()
    out = np.empty(n)
    for i in range(n):
        t0 = time.perf_counter()
        step()
        out[i] = time.perf_counter() - t0
    return out * 1e3


def _settle(app, seconds: float = 0.2) -> None:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        app.processEvents()
        time.sleep(0.005)


def _row(name: str, ms: np.ndarray, base_p50: float | None) -> tuple:
    p50, p95, worst = np.percentile(ms, 50), np.percentile(ms, 95), ms.max()
    ratio = f"{p50 / base_p50:.1f}x" if base_p50 else "1.0x"
    verdict = "ok" if p95 <= GOAL_MS else "OVER"
    return name, f"{p50:.2f}", f"{p95:.2f}", f"{worst:.2f}", ratio, verdict


def _repaint(*widgets):
    """Synchronous repaint; a QGraphicsView/QTableView draws in its viewport."""
    def run():
        for w in widgets:
            (w.viewport() if hasattr(w, "viewport") else w).repaint()
    return run


def measure(app, panel, mode: str, moves: int, sklearn_moves: int) -> list[tuple]:
    from engine import robust_fit as R
    from gui.theme import theme

    theme().set_presentation(mode == "presentation")
    _settle(app, 0.3)
    rows = []
    rng = np.random.default_rng(0)

    # 1. delta slider
    panel.show_section("regression")
    _settle(app)
    reg = panel.section("regression")
    plot = reg.curve_plot
    base = _timed(_repaint(plot), moves)
    rows.append(_row(f"[{mode}] baseline: repaint loss plot, no change", base, None))
    slider = reg.delta_widget.slider
    positions = itertools.cycle(rng.integers(slider.minimum(), slider.maximum() + 1, size=moves))

    def delta_move(repaint=_repaint(plot)):
        slider.setValue(int(next(positions)))
        repaint()

    rows.append(_row(f"[{mode}] delta slider -> loss plot repainted", _timed(delta_move, moves), np.median(base)))
    everything = _repaint(plot, reg.table, reg.values_label, slider)
    rows.append(_row(f"[{mode}] delta slider -> plot, table, values repainted",
                     _timed(lambda: delta_move(everything), moves), np.median(base)))

    # 2. outlier drag: a smooth path up and down the view, as a hand would move it
    panel.show_section("outlier")
    _settle(app)
    out = panel.section("outlier")
    plot = out.plot
    repaint = _repaint(plot, out.fit_label)
    base = _timed(repaint, moves)
    rows.append(_row(f"[{mode}] baseline: repaint demo plot + readout, no change", base, None))
    t = np.linspace(0, 4 * np.pi, moves)
    path = itertools.cycle(zip(8.0 + 1.5 * np.sin(t / 2), 6.0 + 12.0 * np.sin(t)))

    def drag_move():
        x, y = next(path)
        out.outlier.setPos(float(x), float(y))
        repaint()

    rows.append(_row(f"[{mode}] outlier drag -> refit (fast) -> repainted", _timed(drag_move, moves),
                     np.median(base)))
    x, y = out.demo_xy()
    rows.append(_row(f"[{mode}]   of which fit_lines(method='fast') alone",
                     _timed(lambda: R.fit_lines(x, y), moves), np.median(base)))

    fast = R.fit_lines
    R.fit_lines = lambda x, y, delta=1.35: fast(x, y, delta, method="sklearn")
    try:
        rows.append(_row(f"[{mode}] outlier drag -> refit (scikit-learn) -> repainted",
                         _timed(drag_move, sklearn_moves, warm_up=2), np.median(base)))
    finally:
        R.fit_lines = fast
    out.reset_outlier()
    panel.section("regression").reset()
    return rows


def main(moves: int = 200, sklearn_moves: int = 40) -> list[tuple]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from gui.panels.losses import LossesPanel
    from gui.theme import theme

    theme().apply_base()
    panel = LossesPanel()
    panel.resize(1280, 760)
    panel.show()
    _settle(app, 0.5)
    import sklearn.linear_model  # noqa: F401  (import cost is not part of a move)

    rows = []
    try:
        for mode in ("normal", "presentation"):
            rows += measure(app, panel, mode, moves, sklearn_moves)
    finally:
        theme().set_presentation(False)
        panel.shutdown()
        panel.close()

    header = ("move", "p50 ms", "p95 ms", "max ms", "p50 / baseline", f"p95 <= {GOAL_MS:g} ms")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    return rows


if __name__ == "__main__":
    main()
