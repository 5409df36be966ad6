"""Colours, fonts and pen widths for the desk and for the lecture hall.

Presentation mode raises every font to at least 18 pt and thickens pens so the back row can
read the plots. Line colours are Okabe-Ito in both modes: distinguishable with any kind of
colour blindness and on washed-out projectors.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication
from PySide6.QtWidgets import QApplication

# Okabe & Ito (2008), ordered so the first lines are the most distinct on white; yellow last.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
# The same colours by their Okabe-Ito names (panels used to call "#E69F00" YELLOW and "#D55E00" ORANGE)
BLUE, VERMILLION, BLUISH_GREEN, REDDISH_PURPLE, ORANGE, SKY_BLUE, BLACK, YELLOW = OKABE_ITO
GREY = "#7f7f7f"
SURFACE_COLORMAP = "viridis"

NORMAL_FONT_PT = 10
PRESENTATION_FONT_PT = 18


def device_pixel_ratio() -> float:
    """The primary screen's device-pixel ratio (1 without a screen)."""
    screen = QGuiApplication.primaryScreen() if QGuiApplication.instance() is not None else None
    return screen.devicePixelRatio() if screen is not None else 1.0


def color(index: int) -> QColor:
    return QColor(OKABE_ITO[index % len(OKABE_ITO)])


class Theme(QObject):
    changed = Signal()

    def __init__(self):
        super().__init__()
        self.presentation = False
        self._base_font_pt = None

    @property
    def font_pt(self) -> int:
        return PRESENTATION_FONT_PT if self.presentation else NORMAL_FONT_PT

    @property
    def pen_width(self) -> float:
        # cosmetic pens are drawn in device pixels: times the screen's device-pixel ratio (gui/hall.py)
        return (4.0 if self.presentation else 2.0) * device_pixel_ratio()

    @property
    def marker_size(self) -> float:
        return (14.0 if self.presentation else 8.0) * device_pixel_ratio()

    def font(self, scale: float = 1.0, bold: bool = False) -> QFont:
        f = QFont(QApplication.font())
        f.setPointSizeF(self.font_pt * scale)
        f.setBold(bold)
        return f

    def set_presentation(self, on: bool) -> None:
        on = bool(on)
        if on == self.presentation:
            return
        self.presentation = on
        app = QApplication.instance()
        if app is not None:
            f = QFont(app.font())
            f.setPointSize(self.font_pt)
            app.setFont(f)
        self.changed.emit()

    def apply_base(self) -> None:
        """Set the application font for the current mode (called once at start-up)."""
        app = QApplication.instance()
        if app is not None:
            f = QFont(app.font())
            f.setPointSize(self.font_pt)
            app.setFont(f)


_theme: Theme | None = None


def theme() -> Theme:
    global _theme
    if _theme is None:
        _theme = Theme()
    return _theme
