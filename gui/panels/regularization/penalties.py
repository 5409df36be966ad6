"""1 · Penalties: the four linear models' coefficients as bar charts and the tutorial's table.

Informative features in blue, noise features in vermillion, the true values as black dashes,
zeroed coefficients as grey crosses. The alpha and l1_ratio sliders refit directly on the main
thread (about 6 ms) once scikit-learn has been imported on a worker (the panel's "fits" job:
:meth:`set_ready`); a move before that is applied when it is.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHeaderView, QSplitter, QVBoxLayout, QWidget

from engine import regularization as R
from gui.lab import Section
from gui.plots import StyledPlot
from gui.tables import FrameTable
from gui.theme import BLACK, BLUE, GREY, VERMILLION, theme
from gui.widgets import group, plain_axes, rich_label, swatch

INFORMATIVE, NOISE = BLUE, VERMILLION
ZOOM_TOP = 3.0
TAB_TITLES = ("None", "Ridge", "Lasso", "ElasticNet")   # presentation mode: one model a tab
# the engine's column names as the table shows them
HEADERS = {"Train R2": "Train R²", "Test R2": "Test R²", "Non-zero Coefs": "Non-zero coefs"}

LESSON = (
    "<b>What to look for.</b> Only 5 of the 20 features carry signal (blue bars; black dashes "
    "are the true values). <b>Lasso</b> (L1) can set a coefficient to exactly zero (grey "
    "&times;): it selects features. <b>Ridge</b> (L2) only shrinks them. At the tutorial's "
    "alpha 0.1 Lasso zeroes just <b>one</b> of the 15 noise coefficients, and the orange noise "
    "bars are too small to see: tick <i>Zoom in</i>. Drag the Lasso alpha up to about 2: the "
    "noise coefficients reach zero first, the real ones only at a much larger alpha. At the "
    "tutorial's values all four models score almost the same: this data has little noise to over-fit.")


class PenaltyValuesSection(Section):
    """A section on the one set of penalty values the Penalties and Strength sections share (the
    panel keeps their forms in step)."""
    params = tuple(R.PARAMS)
    key_params = ("alpha_lasso", "alpha_ridge")


class PenaltiesSection(PenaltyValuesSection):
    key, title, lesson = "penalties", "1 · Penalties", LESSON

    fitted = Signal(object)   # a new PenaltyComparison (after it was drawn)

    def build(self) -> None:
        self.result: R.PenaltyComparison | None = None
        self.ready = False          # scikit-learn imported (on the panel's worker)
        self._bar_top = 1.0
        self.form = self.make_form()
        self.fit_note = rich_label("")
        self.zoom_box = QCheckBox("Zoom in on small bars")
        self.zoom_box.setToolTip("Show |coefficient| up to 3 only: the noise features' bars become visible")
        self.zoom_box.toggled.connect(self._zoom_toggled)

        grid_w = QWidget()
        grid = QGridLayout(grid_w)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        # in presentation mode one model a tab (a quarter of 1024x768 left each chart 8 % of the screen)
        self.bar_plots: dict[str, StyledPlot] = {}
        self.bar_items: dict[str, dict] = {}
        for i, name in enumerate(R.MODEL_NAMES):
            # the same 20 features in every plot: only the bottom row numbers them, which leaves the
            # top row's bars the room of two lines (presentation mode is short of height)
            plot = StyledPlot(name, "feature" if i >= 2 else "", "|coefficient|")
            plot.setMouseEnabled(x=False, y=False)
            plain_axes(plot, x_grid=False)
            if i < 2:
                plot.getAxis("bottom").setStyle(showValues=False)
            informative = pg.BarGraphItem(x=[0], height=[0], width=0.75, brush=INFORMATIVE, pen=pg.mkPen(None))
            noise = pg.BarGraphItem(x=[0], height=[0], width=0.75, brush=NOISE, pen=pg.mkPen(None))
            truth = pg.ScatterPlotItem(symbol="_", size=18, pen=pg.mkPen(BLACK, width=1), brush=pg.mkBrush(BLACK))
            zeros = pg.ScatterPlotItem(symbol="x", size=10, pen=pg.mkPen(GREY, width=1.5), brush=pg.mkBrush(GREY))
            for item in (informative, noise, truth, zeros):
                plot.addItem(item)
            plot.setXRange(-0.7, 19.7, padding=0)
            self.bar_plots[name] = plot
            self.bar_items[name] = {"informative": informative, "noise": noise, "truth": truth, "zeros": zeros}
            grid.addWidget(plot, i // 2, i % 2)
        legend = rich_label("&nbsp;&nbsp;".join((
            swatch(INFORMATIVE, "informative feature"), swatch(NOISE, "noise feature"),
            swatch(BLACK, "true value", "&#9644;"), swatch(GREY, "zeroed", "&times;"))))
        legend.setAlignment(Qt.AlignCenter)

        self.table = FrameTable(formats={"Train R²": ".6f", "Test R²": ".6f"})
        waiting = ["…"] * len(R.MODEL_NAMES)
        self.table.set_frame(pd.DataFrame({"Model": R.MODEL_NAMES, **{h: waiting for h in HEADERS.values()}}))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.table.fit_height()

        plots = QWidget()
        rl = QVBoxLayout(plots)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(grid_w, 1)
        self.plot_tabs = self.plot_turns(*((TAB_TITLES[i], self.bar_plots[name]) for i, name in enumerate(R.MODEL_NAMES)))
        rl.addWidget(legend)
        self.plots_split = right = QSplitter(Qt.Vertical)  # drag the table away for taller bars
        right.addWidget(plots)
        right.addWidget(self.table)
        right.setStretchFactor(0, 1)
        self.set_body([group("Penalties", self.zoom_box, self.form), self.fit_note], right)

    def plots(self) -> dict:
        return dict(self.bar_plots)

    def tables(self) -> dict:
        return {"penalties": self.table.frame} if self.result is not None else {}

    # ------------------------------------------------------------ fitting
    @Slot(object)
    def set_ready(self, _fits=None) -> None:
        """scikit-learn is imported: fit at the current values."""
        self.ready = True
        self.refit()

    def on_change(self, name: str, value) -> None:
        self.refit()

    def refit(self) -> None:
        """Refit the four models at the sliders' values (directly: about 6 ms)."""
        if not self.ready:
            return   # scikit-learn is still being imported on the worker: set_ready() fits
        self.result = R.compare_penalties(**self.values())
        self.draw()
        self.fitted.emit(self.result)

    def draw(self) -> None:
        res = self.result
        if res is None:
            return
        informative = res.is_informative()
        data = R.default_data()
        true_scaled = np.abs(res.true_coef * data.scaler_scale) if res.true_coef is not None else None
        x = np.arange(informative.size)
        two_lines = theme().presentation and not self.plot_tabs.tabbed   # a tab is wide enough for one
        drawn = getattr(self, "_drawn", {})
        for name in R.MODEL_NAMES:
            coef = np.abs(np.asarray(res.coefs[name]))
            alpha = res.alpha(name)
            # a slider moves one model's alpha: the other three charts are not touched (no repaint)
            key = (alpha, two_lines, theme().font_pt, coef.tobytes())
            if drawn.get(name) == key:
                continue
            drawn[name] = key
            items = self.bar_items[name]
            items["informative"].setOpts(x=x[informative], height=coef[informative])
            items["noise"].setOpts(x=x[~informative], height=coef[~informative])
            if true_scaled is not None:
                items["truth"].setData(x[informative], true_scaled[informative])
            zero = coef <= R.NONZERO_THRESHOLD
            items["zeros"].setData(x[zero], np.zeros(int(zero.sum())))
            nonzero = int(res.table.iloc[R.MODEL_NAMES.index(name)]["Non-zero Coefs"])
            # the model's name as the table spells it, its alpha and the count: in the title, where
            # no bar can run into it (on two lines at 18 pt: one would be wider than the plot)
            plot = self.bar_plots[name].getPlotItem()
            plot.setTitle(f"{name}{'' if alpha is None else f' α={alpha:g}'}"
                          f"{'<br>' if two_lines else ': '}<b>{nonzero}</b> non-zero", size=f"{theme().font_pt}pt")
            # pyqtgraph gives a title row 30 px, whatever its text
            height = (2 if two_lines else 1) * QFontMetrics(theme().font()).lineSpacing() + 4
            plot.titleLabel.setMaximumHeight(height)
            plot.layout.setRowFixedHeight(0, height)
        self._drawn = drawn
        self.table.set_frame(res.table.rename(columns=HEADERS))
        top = max(float(np.max(np.abs(c))) for c in res.coefs.values())
        if true_scaled is not None:
            top = max(top, float(true_scaled.max()))
        self._bar_top = top
        self._zoom_toggled(self.zoom_box.isChecked())
        self._write_note(res, informative)
        self.drawn.emit()

    def _write_note(self, res: R.PenaltyComparison, informative: np.ndarray) -> None:
        notes = []
        if res.not_converged:
            notes.append("<i>" + ", ".join(res.not_converged) + " stopped at the iteration limit before "
                         "converging (tiny alpha): its coefficients are approximate.</i>")
        lasso_name = R.MODEL_NAMES[2]
        lasso = res.table.iloc[2]
        noise_zero, real_zero = res.zeroed(lasso_name)
        n_noise, n_real = int((~informative).sum()), int(informative.sum())
        notes.append(f"Lasso (alpha {res.alpha(lasso_name):g}) keeps <b>{int(lasso['Non-zero Coefs'])}</b> "
                     f"of 20 coefficients: it zeroes <b>{noise_zero}</b> of the {n_noise} noise "
                     f"features and {real_zero} of the {n_real} informative ones; "
                     f"test R² {lasso['Test R2']:.4f}.")
        why = next((R.test_above_train_note(r["Train R2"], r["Test R2"]) for _, r in res.table.iterrows()
                    if r["Test R2"] > r["Train R2"]), "")
        if why:
            notes.append(f"<i>{why}</i>")
        if noise_zero < n_noise and real_zero == 0:
            notes.append("Drag the Lasso alpha up to zero more of the noise.")
        self.fit_note.setText("<br>".join(notes))

    @Slot(bool)
    def _zoom_toggled(self, on: bool) -> None:
        top = ZOOM_TOP if on else self._bar_top * 1.08
        for plot in self.bar_plots.values():
            plot.setYRange(0, top, padding=0)

    # ------------------------------------------------------------ theme
    def restyle(self) -> None:
        super().restyle()
        tabbed = self.plot_tabs.tabbed
        self.table.fit_height()
        total = sum(self.plots_split.sizes())
        if tabbed and total > 0:   # the table folds under the plots (its splitter handle brings it back)
            self.plots_split.setSizes([total, 0])
        elif total > self.table.height():  # the plots take all the height the table does not need
            self.plots_split.setSizes([total - self.table.height(), self.table.height()])
        size = theme().marker_size
        for item in self.bar_items.values():
            item["truth"].setSize(size * 2.2)
            item["zeros"].setSize(size * 1.3)
        for name in R.MODEL_NAMES[:2]:  # no x tick values: room for the half of the y axis' "0" below its tick
            axis = self.bar_plots[name].getAxis("bottom")
            axis.setStyle(showValues=tabbed)   # alone in its tab, a chart numbers its features
            axis.setHeight(None if tabbed else theme().font_pt)
        for name in R.MODEL_NAMES[2:]:  # 18 pt leaves the bars little height: the numbers say "feature"
            self.bar_plots[name].getAxis("bottom").showLabel(not theme().presentation)
        self.draw()
