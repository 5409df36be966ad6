"""The big sweep: gain of fine-tuning (or of frozen features) over scratch against
relatedness, one curve per target size, viridis from small to large."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from engine import transfer as T
from gui.plots import StyledPlot
from gui.theme import BLACK, GREY, theme
from gui.widgets import plain_axes, rich_label, with_key
from gui.panels.transfer.style import RELATEDNESS_GRID, SIZES, key_swatch

HINT = "Press “Run the big sweep”"
SYMBOLS = ("o", "s", "t1", "d", "star")                              # one marker per target size
SPOTS = (0.0, 0.3, 0.55, 0.75, 0.9)                                  # where the sizes sit on viridis
SYMBOL_TEXT = ("&#9679;", "&#9632;", "&#9650;", "&#9670;", "&#9733;")   # the same in the key


class RelatednessPlot:
    """The big sweep's plot and its key (``widget``: both); ``r_line`` marks the relatedness set."""

    def __init__(self, relatedness: float):
        self.plot = StyledPlot("Gain over scratch", "relatedness", "accuracy − scratch")
        plain_axes(self.plot, frozen=True)
        self.plot.setXRange(-0.03, 1.03, padding=0)
        self.zero_line = pg.InfiniteLine(pos=0.0, angle=0, pen=pg.mkPen(BLACK, width=1))
        self.plot.addItem(self.zero_line)
        self.r_line = self.plot.vline(GREY)
        self.r_line.setValue(relatedness)
        cmap = pg.colormap.get("viridis")
        # evenly spaced on viridis the two smallest sizes (dark purple, dark blue) looked alike:
        # spread the small end, and give every size its own marker too
        spots = SPOTS if len(SIZES) == len(SPOTS) else np.linspace(0.0, 0.9, len(SIZES))
        self.size_colours = [cmap.map(float(x), mode="qcolor") for x in spots]
        self.curves = []
        for colour, symbol in zip(self.size_colours, SYMBOLS):
            self.curves.append(self.plot.curve(colour.name(), symbol=symbol, symbolBrush=colour, symbolPen=None))
        self.hint = pg.TextItem(HINT, color=GREY, anchor=(0.5, 0.5))
        self.plot.addItem(self.hint)
        self.hint.setPos(0.5, 0.0)
        self.plot.setYRange(-0.35, 0.3, padding=0)
        self.key = rich_label("samples: " + "&nbsp; ".join(
            key_swatch(self.size_colours[i].name(), str(s), SYMBOL_TEXT[i % len(SYMBOLS)])
            for i, s in enumerate(SIZES)))
        self.widget = with_key(self.plot, self.key)
        self._title = ""

    def draw(self, tally: T.RelatednessTally | None, method: str, stale: bool) -> None:
        """The gain of ``method`` so far (``tally`` None: nothing run yet); ``stale``: the settings
        changed since the sweep started."""
        if tally is None:
            for c in self.curves:
                c.setData([], [])
            self.hint.setVisible(True)
            return
        self.hint.setVisible(False)
        gain = tally.gain(method)
        rs = np.array(RELATEDNESS_GRID)
        lo = 0.0
        for k, curve in enumerate(self.curves):
            ok = np.isfinite(gain[:, k])
            curve.setData(rs[ok], gain[ok, k])
            if ok.any():
                lo = min(lo, float(np.min(gain[ok, k])))
        self.plot.setYRange(min(-0.1, lo - 0.03), 0.3, padding=0)
        title = ("Gain of fine-tuning" if method == "fine-tune" else "Gain of frozen features") + " over scratch"
        if stale:
            title += " (older settings)"
        if title != self._title:
            self._title = title
            self.plot.setTitle(title, size=f"{round(theme().font_pt * 1.15)}pt")

    def restyle(self) -> None:
        for c in self.curves:
            c.setSymbolSize(theme().marker_size)
        self.hint.setFont(theme().font())
        self.zero_line.setPen(pg.mkPen(BLACK, width=theme().pen_width * 0.5))
        self._title = ""                 # re-set at the new font size
