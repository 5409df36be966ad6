"""What the Training strategies sections share: colours, the run store, axis ranges, table cells."""
from __future__ import annotations

import math

import numpy as np

from engine import strategies as ST
from gui.lab import RunSection
from gui.plots import StyledPlot, finite_or_nan
from gui.theme import BLACK, BLUE, BLUISH_GREEN, ORANGE, REDDISH_PURPLE, SKY_BLUE, VERMILLION

# Okabe-Ito has no ninth colour readable on white (its yellow is not): the plateau takes a dark violet
SCHEDULE_COLOURS = {"constant": BLACK, "step_decay": BLUE, "exponential_decay": VERMILLION,
                    "cosine_annealing": BLUISH_GREEN, "warmup_linear": REDDISH_PURPLE,
                    "one_cycle": ORANGE, "cosine_warm_restarts": SKY_BLUE, "reduce_on_plateau": "#6A3D9A"}
BATCH_COLOURS = (BLUE, VERMILLION, BLUISH_GREEN, REDDISH_PURPLE, BLACK)
CLIP_COLOURS = {"no clipping": VERMILLION, "clipping": BLUE}
TRAIN_COLOUR, TEST_COLOUR = BLUE, VERMILLION
STOP_RED = "#C0392B"
PENDING = "…"          # a table cell not measured yet


class StrategyRun(RunSection):
    """A section of this topic: streaming curves grow an epoch at a time, so 30 redraws a second
    are plenty (and never fewer than 4); the controls column is 340 px at least."""
    frame_ms = 33
    max_frame_ms = 250
    frame_cost_factor = 6
    column_widths = {False: (340, 420), True: (340, 470)}
    fit_combos = False

    def others_busy(self) -> bool:
        """Does another section of the tab run at the same time (sharing the processor)?"""
        panel = self.panel
        return panel is not None and any(w.busy for w in panel.workers() if w is not self.worker)


class RunEvents:
    """The events of runs trained side by side (engine.strategies RunStart / RunEpoch), by run."""

    def __init__(self):
        self.starts: dict = {}
        self.hist: dict[str, list] = {}

    def clear(self) -> None:
        self.starts, self.hist = {}, {}

    def add(self, event) -> bool:
        """Store a RunStart or RunEpoch; False for any other event."""
        if isinstance(event, ST.RunStart):
            self.starts[event.run] = event
            self.hist.setdefault(event.run, [])
        elif isinstance(event, ST.RunEpoch):
            self.hist.setdefault(event.run, []).append(event)
        else:
            return False
        return True

    def results(self, run: str) -> list:
        """The run's engine.nn.EpochResults so far."""
        return [e.result for e in self.hist.get(run, [])]

    def last(self, run: str):
        """The run's last engine.nn.EpochResult, or None before its first epoch."""
        hist = self.hist.get(run)
        return hist[-1].result if hist else None

    def curve(self, run: str, of_start, of_epoch) -> tuple[np.ndarray, np.ndarray]:
        """(epochs trained, values): the start's value (``of_start(RunStart)``), then each epoch's
        (``of_epoch(RunEpoch)``); non-finite values are NaN."""
        hist = self.hist.get(run, [])
        start = self.starts.get(run)
        values = ([of_start(start)] if start else []) + [of_epoch(e) for e in hist]
        return np.arange(len(values), dtype=float), finite_or_nan(values)

    def epochs_done(self, most: bool = False) -> int:
        """Epochs of the least (``most``: the most) advanced run."""
        return (max if most else min)((len(h) for h in self.hist.values()), default=0)


# ------------------------------------------------------------------ axes
def set_range(plot: StyledPlot, axis: str, lo: float, hi: float, padding: float = 0.0) -> None:
    """setXRange / setYRange, skipped when the plot already shows that range: a range change
    makes the axes lay out and regenerate their ticks, the main cost of a streaming frame."""
    key = (lo, hi, padding)
    ranges = plot.__dict__.setdefault("_requested_ranges", {})
    if ranges.get(axis) == key:
        return
    ranges[axis] = key
    (plot.setXRange if axis == "x" else plot.setYRange)(lo, hi, padding=padding)


def shown_range(plot: StyledPlot, axis: str):
    """The (lo, hi, padding) last set with :func:`set_range`, or None."""
    return plot.__dict__.get("_requested_ranges", {}).get(axis)


def auto_range(plot: StyledPlot, axis: str) -> None:
    plot.__dict__.setdefault("_requested_ranges", {}).pop(axis, None)
    plot.enableAutoRange(axis=axis)


def decade_ticks(lo: float, hi: float, most: int = 6) -> list:
    """Major ticks on a log axis given in log10 units: every decade, or every k-th one so that at
    most ``most`` are shown (pyqtgraph's own log ticks over 150 decades cost 100 ms a repaint)."""
    lo, hi = math.floor(lo), math.ceil(hi)
    step = max(1, math.ceil((hi - lo) / most))
    if step > 1:  # round steps: 2, 5, 10, 20, 50 ... decades
        step = next(s for s in (2, 5, 10, 20, 25, 50, 100, 200, 500, 10**9) if s >= step)
    first = math.ceil(lo / step) * step
    values = range(first, hi + 1, step)
    return [(v, "1" if v == 0 else f"1e{v}" if abs(v) > 3 else f"{10.0 ** v:g}") for v in values]


# ------------------------------------------------------------------ tables
def with_pending(frame):
    """The engine's table for a FrameTable: NaN (not measured yet) reads "…"; None (nothing to
    show) stays the table's "–"."""
    pending = frame.apply(lambda column: column.map(lambda v: isinstance(v, float) and math.isnan(v)))
    return frame.astype(object).mask(pending, PENDING)


def cell(spec: str = "", whole: bool = False):
    """A FrameTable column format: ``spec`` for numbers (``whole``: as an integer), text as it is."""
    def text(value) -> str:
        if isinstance(value, str):
            return value
        return format(int(value) if whole else value, spec)
    return text
