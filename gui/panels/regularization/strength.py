"""2 · Strength: train/test R² against alpha for Ridge and Lasso, and the coefficient paths.

The sweep and the paths are computed once (the panel's "fits" job: :meth:`set_fits`); a line at
the current alpha follows the sliders and can be dragged. The sliders are the Penalties tab's
(the panel keeps both forms in step); the dots and the note show the Penalties tab's fit
(:meth:`set_penalties`).
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QSplitter

from engine import regularization as R
from gui.panels.regularization.penalties import PenaltyValuesSection
from gui.plots import StyledPlot, finite_or_nan
from gui.theme import BLACK, BLUE, GREY, OKABE_ITO, VERMILLION, theme
from gui.widgets import SOLID, group, over_note, plain_axes, plain_log_ticks, rich_label, swatch, with_legend

TRAIN_COLOUR, TEST_COLOUR = BLUE, VERMILLION
PATH_KINDS = {"lasso": "Lasso (L1)", "elasticnet": "ElasticNet", "ridge": "Ridge (L2)"}
R2_ZOOM = 0.99

LESSON = (
    "<b>Regularization strength.</b> Small alpha = nearly ordinary least squares; large alpha = "
    "everything shrunk to zero and both R&sup2; fall. The useful range is where the <i>test</i> "
    "score is highest. In the path below, Lasso coefficients hit zero one by one (noise first), "
    "Ridge coefficients approach zero but never reach it. Ridge's alpha is on a different scale "
    "from Lasso's (scikit-learn divides Lasso's loss by 2n): compare shapes, not numbers. "
    "Drag the dashed line or the sliders.")


class StrengthSection(PenaltyValuesSection):
    key, title, lesson = "strength", "2 · Strength", LESSON

    def build(self) -> None:
        self.fits: R.StrengthFits | None = None
        self.penalties: R.PenaltyComparison | None = None
        self._syncing = False
        self._enet_path: R.CoefficientPath | None = None
        form = self.make_form()
        self.path_combo = QComboBox()
        for kind, text in PATH_KINDS.items():
            self.path_combo.addItem(text, kind)
        self.path_combo.setToolTip("Whose coefficient path to draw")
        self.path_combo.currentIndexChanged.connect(self._path_kind_changed)
        self.note = rich_label("")
        self.r2_zoom = QCheckBox(f"Zoom in on R² ≥ {R2_ZOOM}")
        self.r2_zoom.setToolTip("At small alpha every model scores about 0.996: zoom in to see where test R² peaks")
        self.r2_zoom.toggled.connect(self._r2_zoom_toggled)

        self.r2_plots: dict[str, StyledPlot] = {}
        self.r2_items: dict[str, dict] = {}
        for kind, title in (("ridge", "Ridge: R² against alpha"), ("lasso", "Lasso: R² against alpha")):
            plot = self._log_plot(title, "R²")
            train = plot.curve(TRAIN_COLOUR, name="train")
            test = plot.curve(TEST_COLOUR, name="test")
            dots = pg.PlotDataItem([], [], pen=None, symbol="o", symbolBrush=BLACK, symbolPen=None,
                                   symbolSize=theme().marker_size)
            plot.addItem(dots)
            self.r2_plots[kind] = plot
            self.r2_items[kind] = {"train": train, "test": test, "dots": dots, "line": self._alpha_line(plot)}
        self.path_plot = self._log_plot("Coefficient path", "coefficient")
        self.path_curves = [self.path_plot.plot([], [], connect="finite") for _ in range(20)]
        self.path_line = self._alpha_line(self.path_plot)
        self.path_legend = rich_label("")
        self.path_legend.setAlignment(Qt.AlignCenter)

        top = QSplitter(Qt.Horizontal)
        right = QSplitter(Qt.Vertical)
        # in presentation mode one plot a tab (three at 1024x768 left the largest 21 % of the screen)
        r2_legend = ((TRAIN_COLOUR, "train", SOLID), (TEST_COLOUR, "test", SOLID), (BLACK, "current α", "&#9679;"))
        ridge_page = with_legend(self.r2_plots["ridge"], r2_legend)
        lasso_page = with_legend(self.r2_plots["lasso"], r2_legend)
        top.addWidget(ridge_page)
        top.addWidget(lasso_page)
        path_box = over_note(self.path_plot, self.path_legend)
        right.addWidget(top)
        right.addWidget(path_box)
        self.plot_tabs = self.plot_turns(("Ridge R²", ridge_page), ("Lasso R²", lasso_page),
                                         ("Coefficient path", path_box))
        right.setSizes([330, 370])
        self.r2_zoom.setChecked(True)   # unzoomed, R² against alpha looks flat until it collapses
        self.set_body([group("Penalties (same as tab 1)", form, self.r2_zoom),
                       group("Coefficient path of", self.path_combo), self.note], right)

    @staticmethod
    def _log_plot(title: str, y_label: str) -> StyledPlot:
        plot = StyledPlot(title, "alpha (log scale)", y_label)
        plot.setLogMode(x=True)
        plain_axes(plot, x_grid=False)
        plain_log_ticks(plot)
        return plot

    def _alpha_line(self, plot: StyledPlot):
        line = plot.vline(BLACK, movable=True)
        line.sigPositionChanged.connect(self._alpha_line_moved)
        line.setToolTip("Drag to change alpha")
        return line

    def plots(self) -> dict:
        return {**{f"r2_{kind}": plot for kind, plot in self.r2_plots.items()}, "path": self.path_plot}

    def tables(self) -> dict:
        return {"sweep": self.fits.sweep} if self.fits is not None else {}

    # ------------------------------------------------------------ inputs
    @Slot(object)
    def set_fits(self, fits: R.StrengthFits) -> None:
        """The sweep and the Ridge/Lasso paths (computed once, on the panel's worker)."""
        self.fits = fits
        sweep = fits.sweep
        for kind in ("ridge", "lasso"):
            items = self.r2_items[kind]
            items["train"].setData(sweep["alpha"].to_numpy(), finite_or_nan(sweep[f"{kind}_train"]))
            items["test"].setData(sweep["alpha"].to_numpy(), finite_or_nan(sweep[f"{kind}_test"]))
        self._draw_path()
        self._write_note()

    @Slot(object)
    def set_penalties(self, res: R.PenaltyComparison) -> None:
        """The Penalties tab's fit at the current alphas: the dots and the note show it."""
        self.penalties = res
        for kind, name in (("ridge", R.MODEL_NAMES[1]), ("lasso", R.MODEL_NAMES[2])):
            row = res.table.iloc[R.MODEL_NAMES.index(name)]
            alpha = res.alpha(name)
            self.r2_items[kind]["dots"].setData([alpha, alpha], [row["Train R2"], row["Test R2"]])
        self._write_note()
        self.drawn.emit()

    def on_change(self, name: str, value) -> None:
        self._move_lines()
        if name == "l1_ratio" and self.path_kind() == "elasticnet":
            self._draw_path()

    # ------------------------------------------------------------ drawing
    def path_kind(self) -> str:
        return self.path_combo.currentData()

    @Slot(int)
    def _path_kind_changed(self, _index: int) -> None:
        self._draw_path()

    def current_path(self) -> R.CoefficientPath | None:
        if self.fits is None:
            return None
        kind = self.path_kind()
        if kind != "elasticnet":
            return self.fits.paths[kind]
        ratio = self.values()["l1_ratio"]
        if self._enet_path is None or self._enet_path.l1_ratio != ratio:
            self._enet_path = R.coefficient_paths("elasticnet", R.SWEEP_ALPHAS, l1_ratio=ratio)  # ~5 ms
        return self._enet_path

    def _draw_path(self) -> None:
        path = self.current_path()
        if path is None:
            return
        informative = set(int(i) for i in R.default_data().informative)
        colours = iter(OKABE_ITO[:5])
        width = theme().pen_width
        legend = []
        for j, curve in enumerate(self.path_curves):
            if j in informative:
                c = next(colours)
                curve.setPen(pg.mkPen(c, width=width))
                curve.setZValue(10)
                legend.append(swatch(c, f"x{j}", "&#9644;"))
            else:
                curve.setPen(pg.mkPen(GREY, width=max(1.0, width / 2)))
                curve.setZValue(0)
            curve.setData(path.alphas, finite_or_nan(path.coefs[:, j]))
        legend.append(swatch(GREY, "15 noise features", "&#9644;"))
        self.path_legend.setText("Informative: " + "&nbsp;&nbsp;".join(legend))
        title = PATH_KINDS[path.kind] + " coefficient path"
        if path.kind == "elasticnet":
            title += f" (l1_ratio {path.l1_ratio:g})"
        self.path_plot.setTitle(title, size=f"{round(theme().font_pt * 1.15)}pt")
        self._move_lines()

    def _move_lines(self) -> None:
        values = self.values()
        self._syncing = True
        try:
            for kind in ("ridge", "lasso"):
                self.r2_items[kind]["line"].setValue(math.log10(values[R.ALPHA_OF[kind]]))
            self.path_line.setValue(math.log10(values[R.ALPHA_OF[self.path_kind()]]))
        finally:
            self._syncing = False

    def _write_note(self) -> None:
        res = self.penalties
        if res is None:
            return
        lines = []
        why = ""
        for name in R.MODEL_NAMES[1:3]:
            row = res.table.iloc[R.MODEL_NAMES.index(name)]
            lines.append(f"<b>{name}</b> alpha {res.alpha(name):g}: train R² {row['Train R2']:.4f}, "
                         f"test R² {row['Test R2']:.4f}, {int(row['Non-zero Coefs'])} non-zero")
            why = why or R.test_above_train_note(row["Train R2"], row["Test R2"])
        if why:
            lines.append(f"<i>{why}</i>")
        if self.fits is not None:
            for kind in ("ridge", "lasso"):
                alpha, r2 = self.fits.best(kind)
                lines.append(f"Best {kind} test R² on the grid: {r2:.4f} at alpha {alpha:.2g}")
        self.note.setText("<br>".join(lines))

    @Slot(bool)
    def _r2_zoom_toggled(self, on: bool) -> None:
        for plot in self.r2_plots.values():
            if on:
                plot.setYRange(R2_ZOOM, 1.0, padding=0.02)
            else:
                plot.enableAutoRange(axis="y")

    @Slot(object)
    def _alpha_line_moved(self, line) -> None:
        if self._syncing:
            return
        if line is self.path_line:
            name = R.ALPHA_OF[self.path_kind()]
        else:
            name = next(R.ALPHA_OF[k] for k, items in self.r2_items.items() if items["line"] is line)
        p = R.PARAMS[name]
        alpha = min(max(10 ** line.value(), p.minimum), p.maximum)
        self.set_values({name: float(f"{alpha:.3g}")})

    # ------------------------------------------------------------ theme
    def restyle(self) -> None:
        super().restyle()
        for items in self.r2_items.values():
            items["dots"].setSymbolSize(theme().marker_size)
        self._draw_path()
