"""What the LR schedules section draws for reduce on plateau, and its lists of check boxes.

Reduce on plateau has no curve before training: its line on the schedule plot is the rate its
run used, epoch by epoch, and every cut is a down-pointing triangle, on the schedule plot where
the smaller rate starts and on its validation-loss curve at the epoch whose loss decided it
(both at "epochs trained" = the cut epoch + 1)."""
from __future__ import annotations

import pyqtgraph as pg

from gui.panels.strategies.common import SCHEDULE_COLOURS
from gui.params import ParamForm
from gui.plots import StyledPlot
from gui.theme import theme

CUT = "&#9660;"           # the key's symbol for a cut (the plots' "t" triangle)
CUT_KEY = "plateau&nbsp;cut&nbsp;the&nbsp;lr"


def check_list(form: ParamForm) -> ParamForm:
    """A form of bool Params shown as a list of check boxes with their text (no labels beside)."""
    form.layout().setVerticalSpacing(2)
    for w in form.widgets.values():
        w.label.hide()
        w.editor.setText(w.param.label)
        w.editor.setToolTip(w.param.help)
    return form


class PlateauMarks:
    """The plateau run's learning-rate line and its cuts (triangles) on the schedule and loss plots."""

    def __init__(self, lr_plot: StyledPlot, loss_plot: StyledPlot):
        colour = SCHEDULE_COLOURS["reduce_on_plateau"]
        self.line = lr_plot.curve(colour)
        self.lr_cuts, self.loss_cuts = (self._marks(plot, colour) for plot in (lr_plot, loss_plot))
        self.cuts: list[tuple[int, float]] = []     # (epochs trained, validation loss) of each cut

    @staticmethod
    def _marks(plot: StyledPlot, colour: str) -> pg.PlotDataItem:
        item = pg.PlotDataItem([], [], pen=None, symbol="t", symbolSize=theme().marker_size * 1.5,
                               symbolPen=pg.mkPen("w", width=1), symbolBrush=colour)
        item.setZValue(5)
        plot.addItem(item)
        return item

    def clear(self) -> None:
        self.cuts = []
        for item in (self.line, self.lr_cuts, self.loss_cuts):
            item.setData([], [])

    def set_visible(self, shown: bool) -> None:
        for item in (self.line, self.lr_cuts, self.loss_cuts):
            item.setVisible(shown)

    def draw(self, results: list) -> None:
        """``results``: the plateau run's engine.nn.EpochResults so far."""
        self.line.setData([e.epoch for e in results], [e.lr for e in results])
        self.cuts = [(e.epoch + 1, e.val_loss) for e in results if e.lr_reduced]
        self.loss_cuts.setData([x for x, _ in self.cuts], [y for _, y in self.cuts])
        # on the schedule plot: where the smaller rate starts (known once that epoch has run)
        lr_at = {e.epoch: e.lr for e in results}
        shown = [(x, lr_at[x]) for x, _ in self.cuts if x in lr_at]
        self.lr_cuts.setData([x for x, _ in shown], [y for _, y in shown])

    def restyle(self) -> None:
        for item in (self.lr_cuts, self.loss_cuts):
            item.setSymbolSize(theme().marker_size * 1.5)
