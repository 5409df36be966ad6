"""Export what the lab shows: a plot as PNG, SVG or CSV, a tab as an image, a table as CSV.

Written once for the whole app: :class:`~gui.plots.StyledPlot` opens :func:`plot_menu` on a
right click, :class:`~gui.tables.FrameTable` opens :func:`table_menu`, and the window's File menu
calls :func:`widget_image` for the current tab. The report (gui/report.py) uses the same images.

- PNG: the widget rendered at twice the screen resolution (its overlay legend included, which a
  pyqtgraph ImageExporter, drawing only the scene, would leave out);
- SVG: the widget drawn by Qt's SVG generator (vectors; the legend and pin labels included);
- CSV: every curve of the plot (StyledPlot.curve items, pinned ghosts included) in long form,
  one row per point: ``curve, x, y``, written with pandas.
"""
from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QWidget

PLOT_FORMATS = {".png": "PNG image (*.png)", ".svg": "SVG drawing (*.svg)", ".csv": "CSV of the curves (*.csv)"}
MIN_FIGURE_WIDTH = 600   # px: a figure for a slide or the handout is at least this wide


# ------------------------------------------------------------------ images
def widget_image(widget: QWidget, scale: float = 2.0, min_width: int = 0) -> QImage:
    """``widget`` as it looks now (its child widgets included), at ``scale`` times its size in
    pixels, at least ``min_width`` pixels wide."""
    w, h = max(1, widget.width()), max(1, widget.height())
    scale = max(scale, min_width / w)
    image = QImage(math.ceil(w * scale), math.ceil(h * scale), QImage.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(widget.palette().window().color())
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    QWidget.render(widget, painter, QPoint(0, 0))   # QGraphicsView.render draws only the scene
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def save_image(image: QImage, path) -> Path:
    path = Path(path)
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def save_svg(widget: QWidget, path) -> Path:
    """``widget`` drawn as vectors into an SVG file (Qt's SVG generator: pyqtgraph's SVGExporter
    fails on curves with gaps, and would leave the overlay legend out)."""
    from PySide6.QtCore import QRect, QSize
    from PySide6.QtSvg import QSvgGenerator
    path = Path(path)
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(widget.width(), widget.height()))
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle("Training Lab")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"could not write {path}")
    QWidget.render(widget, painter, QPoint(0, 0))
    painter.end()
    return path


def copy_image(image: QImage) -> None:
    QApplication.clipboard().setImage(image)


# ------------------------------------------------------------------ plots
def curves_frame(plot):
    """Every curve of ``plot`` (StyledPlot.curve items and pinned ghosts) as a long DataFrame:
    one row per point, columns ``curve``, ``x``, ``y``; hidden or empty curves are left out."""
    import numpy as np
    import pandas as pd
    parts = []
    for i, (item, name) in enumerate(plot.export_curves()):
        x, y = item.xData, item.yData
        if x is None or y is None or not item.isVisible() or len(x) == 0:
            continue
        parts.append(pd.DataFrame({"curve": name or f"curve {i + 1}", "x": np.asarray(x, dtype=float),
                                   "y": np.asarray(y, dtype=float)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["curve", "x", "y"])


def export_plot(plot, path) -> Path:
    """Write ``plot`` to ``path``; the format follows its suffix (.png, .svg or .csv)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        return save_image(widget_image(plot, 2.0, MIN_FIGURE_WIDTH), path)
    if suffix == ".svg":
        return save_svg(plot, path)
    if suffix == ".csv":
        curves_frame(plot).to_csv(path, index=False)
        return path
    raise ValueError(f"unknown export format {suffix!r}: choose one of {', '.join(PLOT_FORMATS)}")


def ask_path(parent: QWidget, title: str, name: str, filters: list[str]) -> str | None:
    """A save dialog; None when the user cancels."""
    path, _ = QFileDialog.getSaveFileName(parent, title, name, ";;".join(filters))
    return path or None


def _file_name(text: str) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in (text or "figure").lower())
    return "-".join(filter(None, keep.split("-"))) or "figure"


def _report(widget: QWidget, message: str) -> None:
    """A sentence in the window's status bar (every export says where it went or why it failed)."""
    window = widget.window()
    if hasattr(window, "statusBar"):
        window.statusBar().showMessage(message, 8000)


def save_plot_as(plot, suffix: str) -> Path | None:
    """Ask where, then export ``plot`` in the format of ``suffix``; failures become a status sentence."""
    name = _file_name(getattr(plot, "_title", "")) + suffix
    path = ask_path(plot, "Export plot", name, [PLOT_FORMATS[suffix]])
    if path is None:
        return None
    if not path.lower().endswith(suffix):
        path += suffix
    try:
        out = export_plot(plot, path)
    except (OSError, ValueError) as exc:
        _report(plot, f"Export failed: {exc}")
        return None
    _report(plot, f"Exported {out}")
    return out


def plot_menu(plot) -> QMenu:
    """The plot's right-click menu: export as PNG, SVG or CSV, or copy the image."""
    menu = QMenu(plot)
    for suffix, text in ((".png", "Export PNG image…"), (".svg", "Export SVG drawing…"),
                         (".csv", "Export CSV of the curves…")):
        menu.addAction(text).triggered.connect(lambda _=False, s=suffix: save_plot_as(plot, s))
    menu.addSeparator()
    menu.addAction("Copy image").triggered.connect(lambda: copy_image(widget_image(plot, 2.0, MIN_FIGURE_WIDTH)))
    return menu


# ------------------------------------------------------------------ tables
def save_table_as(table, path: str | None = None) -> Path | None:
    """Write ``table``'s DataFrame as CSV (asks where when ``path`` is None)."""
    path = path or ask_path(table, "Export table", "table.csv", ["CSV table (*.csv)"])
    if path is None:
        return None
    if not path.lower().endswith(".csv"):
        path += ".csv"
    try:
        table.frame.to_csv(path, index=False)
    except OSError as exc:
        _report(table, f"Export failed: {exc}")
        return None
    _report(table, f"Exported {path}")
    return Path(path)


def table_menu(table) -> QMenu:
    menu = QMenu(table)
    action = menu.addAction("Export CSV…")
    action.setEnabled(len(table.frame.columns) > 0)
    action.triggered.connect(lambda: save_table_as(table))
    return menu
