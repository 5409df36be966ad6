"""Stalls and memory of the whole app driven as a restless student would.

    python benchmarks/bench_stress.py                 # this tree (and $BENCH_BASELINE, another checkout, side by side)
    python benchmarks/bench_stress.py one [SECONDS]   # one measurement of the tree it runs from (prints JSON)

Each measurement runs in its own process (memory is per process) on the tree it is started from,
1280x800 off-screen. A 10 ms QTimer on the main thread drives everything: each tick records
how long the window was blocked since the previous tick, charged to the last action taken.

1. First show: every topic's tab is shown in turn (it is built then); the longest main-thread
   gap in the 2.5 s after showing it is its first-show stall. Goal: at most 150 ms.
2. Memory after defaults: every topic's defaults run twice (``run_defaults``, waiting until idle);
   the resident set size (RSS) after that. Goal: at most 300 MB.
3. Random use: every 60 ms one action: a random parameter of a random section set to a random
   value of its range (one in three at its minimum or maximum), a random combo box entry, a
   check box toggled, a sub-tab or topic switched. Prints the longest stall and the action
   that caused it, and the peak RSS sampled every tick. Goals: no stall over 300 ms, peak at
   most 450 MB.
4. Regularization's Lasso alpha slider -> repaint of its bar chart, p50/p95 over 60 moves.
   Goal: p95 at most 33 ms (with the refit).
5. Growth: random use goes on for BENCH_GROWTH_MINUTES (default 2; ``--growth 10`` for the
   issue's ten minutes); the RSS every 30 s and its slope (MB per minute, least squares over the
   samples after the first minute). Goal: no growth.

Also printed: the imports floor, the RSS of a process that only imports what the app uses
(numpy, Qt with pyqtgraph, pandas, scikit-learn): no window, no data.

    python benchmarks/bench_stress.py --growth 10     # both trees, ten minutes of growth each
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = os.environ.get("BENCH_BASELINE", "")   # another checkout to measure in the same run


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


FLOOR = """
import numpy, os
from PySide6.QtWidgets import QApplication
import pyqtgraph
app = QApplication([])
import pandas, sklearn.linear_model, sklearn.neural_network
with open("/proc/self/statm") as f:
    print(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20)
"""


def imports_floor_mb() -> float:
    out = subprocess.run([sys.executable, "-c", FLOOR], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return float(out.stdout.split()[-1])


def measure(seconds: float, growth_minutes: float = 0.0) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import main  # noqa: F401  the app's start-up, as `make run` has it (one BLAS thread)
    import numpy as np
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox

    from benchmarks.heartbeat import slider_to_paint
    from gui import panels
    from gui.app import MainWindow
    from gui.section_panel import SectionPanel
    from gui.theme import theme

    app = QApplication.instance() or QApplication([])
    theme().apply_base()
    import inspect
    # as main.py makes it (a baseline checkout from before freeze_long_lived: as it was)
    w = MainWindow(**({"freeze_long_lived": True} if "freeze_long_lived" in inspect.signature(MainWindow).parameters
                      else {}))
    w.resize(1280, 800)
    w.show()
    rng = np.random.default_rng(0)
    state = {"last": "start", "worst": (0.0, ""), "peak": rss_mb(), "tick": time.perf_counter(), "gaps": []}

    def beat():
        now = time.perf_counter()
        gap = (now - state["tick"]) * 1000
        state["tick"] = now
        state["gaps"].append(gap)
        if gap > state["worst"][0]:
            state["worst"] = (gap, state["last"])
        if len(state["gaps"]) % 10 == 0:
            state["peak"] = max(state["peak"], rss_mb())

    def run_loop(ms: int, action=None, every_ms: int = 0, until=None):
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(beat)
        act = QTimer()
        if action is not None and every_ms:
            act.setInterval(every_ms)
            act.timeout.connect(action)
        end = time.perf_counter() + ms / 1000
        stop = QTimer()
        stop.setInterval(20)
        stop.timeout.connect(lambda: loop.quit() if time.perf_counter() > end or (until and until()) else None)
        state["tick"] = time.perf_counter()
        timer.start()
        stop.start()
        if action is not None and every_ms:
            act.start()
        loop.exec()
        for t in (timer, act, stop):
            t.stop()

    # ------------------------------------------------------------ 1. first show
    first_show = {}
    for i, entry in enumerate(panels.REGISTRY):
        state["worst"] = (0.0, "")
        state["last"] = f"show {entry.title}"
        QTimer.singleShot(0, lambda i=i: w.tabs.setCurrentIndex(i))
        run_loop(2500)
        first_show[entry.title] = round(state["worst"][0], 1)
    after_first_show = rss_mb()
    # ------------------------------------------------------------ 2. memory after every topic's defaults
    for _ in range(2):
        for i, entry in enumerate(panels.REGISTRY):
            w.tabs.setCurrentIndex(i)
            p = w.panel(i)
            p.run_defaults()
            run_loop(180_000, until=p.is_idle)
    after_defaults = rss_mb()
    # ------------------------------------------------------------ 3. random use
    state["worst"] = (0.0, "")
    state["peak"] = rss_mb()

    def sections():
        out = []
        for i in range(w.tabs.count()):
            p = w.panel(i)
            if isinstance(p, SectionPanel):
                out += [(i, p, key, s) for key, s in p.sections.items()]
        return out

    all_sections = sections()

    def action():
        i, panel, key, s = all_sections[int(rng.integers(len(all_sections)))]
        roll = rng.random()
        if w.tabs.currentIndex() != i or roll < 0.05:
            w.tabs.setCurrentIndex(i)
            state["last"] = f"show topic {panel.title if hasattr(panel, 'title') else i}"
            if isinstance(panel, SectionPanel):
                panel.show_section(key)
            return
        if panel.current_section() != key:
            panel.show_section(key)
            state["last"] = f"show {key}"
            return
        # (a Bound without a widget, e.g. the race's start point, is set through its Param like a click would)
        widgets = [pw for form in s.forms for pw in form.widgets.values()
                   if pw.editor is None or pw.editor.isEnabled()]
        combos = [c for c in s.findChildren(QComboBox) if c.isVisibleTo(s) and c.isEnabled() and c.count() > 1]
        checks = [c for c in s.findChildren(QCheckBox) if c.isVisibleTo(s) and c.isEnabled()
                  and not any(c is pw.editor for pw in widgets)]
        if roll < 0.75 and widgets:
            pw = widgets[int(rng.integers(len(widgets)))]
            p = pw.param
            if p.kind == "bool":
                value = not pw.value()
            elif p.kind == "choice":
                value = p.choices[int(rng.integers(len(p.choices)))]
            elif pw.slider is not None:
                pos = rng.choice([pw.slider.minimum(), pw.slider.maximum()]) if rng.random() < 1 / 3 else \
                    rng.integers(pw.slider.minimum(), pw.slider.maximum() + 1)
                state["last"] = f"{key}.{p.name} slider -> {int(pos)}"
                pw.slider.setValue(int(pos))
                state["last"] += f" ({pw.value()!r})"
                return
            elif p.kind in ("int", "float"):
                raw = p.minimum + (p.maximum - p.minimum) * float(rng.random())
                value = p.validate(int(round(raw)) if p.kind == "int" else raw)
            else:
                return      # a typed text (the race's formula): the stress types no formulas
            state["last"] = f"{key}.{p.name} = {value!r}"
            pw.set_value(value)
        elif roll < 0.9 and combos:
            c = combos[int(rng.integers(len(combos)))]
            j = int(rng.integers(c.count()))
            state["last"] = f"{key} combo {c.toolTip()[:30]!r} -> {c.itemText(j)!r}"
            c.setCurrentIndex(j)
        elif checks:
            c = checks[int(rng.integers(len(checks)))]
            state["last"] = f"{key} check {c.text()!r} toggled"
            c.toggle()

    t0 = time.perf_counter()
    run_loop(int(seconds * 1000), action, every_ms=60)
    random_s = time.perf_counter() - t0
    worst_gap, worst_action = state["worst"]
    gaps = np.array(state["gaps"])
    # ------------------------------------------------------------ 5. growth under random use
    growth = [(0.0, rss_mb())]
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < growth_minutes * 60:
        run_loop(30_000, action, every_ms=60)
        growth.append(((time.perf_counter() - t0) / 60, rss_mb()))
    for i in range(w.tabs.count()):
        w.panel(i).cancel()
    run_loop(3000, until=lambda: all(w.panel(i).is_idle() for i in range(w.tabs.count())))
    after_random = rss_mb()
    # ------------------------------------------------------------ 4. Lasso alpha slider -> repaint
    reg = w.panel_by_key("regularization")
    w.tabs.setCurrentWidget(reg)
    pen = reg.section("penalties")
    reg.show_section("penalties")
    pen.set_values(pen.tutorial_values())
    run_loop(30_000, until=reg.is_idle)
    times = slider_to_paint(app, pen.param_widget("alpha_lasso").slider,
                            pen.bar_plots["L1 (Lasso)"].viewport(), moves=60, warm_up=10)
    ms = np.asarray(times) * 1000
    w.close()
    return {"first_show_ms": first_show, "rss_after_first_show_mb": round(after_first_show, 1),
            "rss_after_defaults_mb": round(after_defaults, 1),
            "random_s": round(random_s, 1), "worst_stall_ms": round(worst_gap, 1), "worst_action": worst_action,
            "stall_p99_ms": round(float(np.percentile(gaps, 99)), 1), "peak_rss_mb": round(state["peak"], 1),
            "rss_after_random_mb": round(after_random, 1),
            "lasso_p50_ms": round(float(np.percentile(ms, 50)), 1), "lasso_p95_ms": round(float(np.percentile(ms, 95)), 1),
            "growth": [(round(m, 2), round(r, 1)) for m, r in growth]}


def slope(samples) -> float:
    """MB per minute, least squares over the samples after the first minute (nan: too few)."""
    later = [(m, r) for m, r in samples if m >= 1.0]
    if len(later) < 2:
        return float("nan")
    import numpy as np
    m, r = np.array(later).T
    return float(np.polyfit(m, r, 1)[0])


def run(root: str, seconds: float, growth_minutes: float) -> dict:
    """One measurement of the tree at ``root``, in its own process, by this script (the same
    measurement for both trees)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": root}
    out = subprocess.run([sys.executable, __file__, "one", str(seconds), root, str(growth_minutes)],
                         capture_output=True, text=True, env=env, cwd=root,
                         timeout=1800 + growth_minutes * 120)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"the measurement of {root} failed:\n{out.stderr[-3000:]}")
    return json.loads(lines[-1])


def main(seconds: float | None = None, growth_minutes: float | None = None) -> dict:
    seconds = float(os.environ.get("BENCH_STRESS_SECONDS", 90)) if seconds is None else seconds
    if growth_minutes is None:
        growth_minutes = float(os.environ.get("BENCH_GROWTH_MINUTES", 2))
    results = {}
    for label, root in (("this tree", str(ROOT)), ("baseline", BASELINE)):
        if label == "baseline" and (not root or not Path(root).is_dir() or Path(root).resolve() == ROOT):
            continue
        results[label] = run(root, seconds, growth_minutes)
    print(f"Whole app, 1280x800 off-screen, {seconds:g} s of random use (one action every 60 ms), "
          f"then {growth_minutes:g} min more for growth")
    print(f"   imports floor (numpy, Qt + pyqtgraph, pandas, scikit-learn; no window): {imports_floor_mb():.0f} MB")
    labels = list(results)
    print(f"   {'':44s}" + "".join(f"{k:>14s}" for k in labels) + "   goal")
    rows = [("first show, worst topic (ms)", lambda r: max(r["first_show_ms"].values()), "<= 150"),
            ("RSS after every topic's first show (MB)", lambda r: r.get("rss_after_first_show_mb", float("nan")), ""),
            ("RSS after every topic's defaults x2 (MB)", lambda r: r["rss_after_defaults_mb"], "<= 300"),
            ("longest main-thread stall, random use (ms)", lambda r: r["worst_stall_ms"], "<= 300"),
            ("p99 tick gap, random use (ms)", lambda r: r["stall_p99_ms"], ""),
            ("peak RSS, random use (MB)", lambda r: r["peak_rss_mb"], "<= 450"),
            ("RSS after random use (MB)", lambda r: r["rss_after_random_mb"], ""),
            ("Lasso alpha -> repaint p50 (ms)", lambda r: r["lasso_p50_ms"], ""),
            ("Lasso alpha -> repaint p95 (ms)", lambda r: r["lasso_p95_ms"], "<= 33"),
            ("RSS growth after the first minute (MB/min)", lambda r: slope(r["growth"]), "~ 0")]
    for name, get, goal in rows:
        print(f"   {name:44s}" + "".join(f"{get(results[k]):14.1f}" for k in labels) + f"   {goal}")
    for k in labels:
        print(f"   {k}: first show per topic (ms): " +
              ", ".join(f"{t} {v:.0f}" for t, v in results[k]["first_show_ms"].items()))
        print(f"   {k}: longest stall after: {results[k]['worst_action']}")
        print(f"   {k}: RSS (MB) every 30 s of growth: " + ", ".join(f"{r:.0f}" for _, r in results[k]["growth"]))
    return results


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "one":
        if len(sys.argv) > 3:
            ROOT = Path(sys.argv[3])
        print(json.dumps(measure(float(sys.argv[2]) if len(sys.argv) > 2 else 90.0,
                                 float(sys.argv[4]) if len(sys.argv) > 4 else 0.0)))
    elif len(sys.argv) > 2 and sys.argv[1] == "--growth":
        main(growth_minutes=float(sys.argv[2]))
    else:
        main()
