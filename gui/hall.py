"""The lecture hall: what makes presentation mode fit a 1024x768 projector.

- :class:`HallStyle`, a QProxyStyle: check-box and radio indicators, slider grooves and handles, icons,
  and spin-box arrows grow with the application font. (Not a style sheet: an app-wide style
  sheet broke presentation mode before, and a widget with its own style sheet stops following
  ``QApplication.setFont``.) Pixel metrics are asked again whenever the font changes.
- :func:`fit_topic_tabs`: the main tab bar shows every topic. When the full titles do not fit
  the window, the tabs show their short titles (the full one is the tooltip), and the bar's font
  shrinks as far as needed; the bar never scrolls.
- ``theme.device_pixel_ratio``: pens and markers are multiplied by it (gui/theme.py), as cosmetic
  pens are drawn in device pixels: on a ratio-2 screen a 4 px line looked 2 px thick.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QTimer, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QTabWidget

from gui import panels
from gui.theme import NORMAL_FONT_PT, theme

SHORT_TITLES = {"losses": "Losses", "strategies": "Strategies", "transfer": "Transfer", "pipeline": "Pipeline"}
SMALLEST_TAB_PT = 11

_SCALED = {QStyle.PM_IndicatorWidth, QStyle.PM_IndicatorHeight, QStyle.PM_ExclusiveIndicatorWidth,
           QStyle.PM_ExclusiveIndicatorHeight, QStyle.PM_SliderThickness, QStyle.PM_SliderLength,
           QStyle.PM_SliderControlThickness, QStyle.PM_ButtonIconSize, QStyle.PM_SmallIconSize}
SPIN_ARROWS = 16   # the spin-box buttons' width at the normal font size


def control_scale() -> float:
    """How much larger than at the desk the controls are drawn: the font's growth, at most 1.8."""
    app = QApplication.instance()
    pt = app.font().pointSizeF() if app is not None else NORMAL_FONT_PT
    return min(max(pt / NORMAL_FONT_PT, 1.0), 1.8)


class HallStyle(QProxyStyle):
    """The platform's style with indicators, sliders, scroll bars and spin-box arrows that grow
    with the font."""

    def pixelMetric(self, metric, option=None, widget=None):
        base = super().pixelMetric(metric, option, widget)
        if metric in _SCALED:
            return round(base * control_scale())
        return base

    def subControlRect(self, control, option, sub, widget=None):
        rect = super().subControlRect(control, option, sub, widget)
        scale = control_scale()
        if control != QStyle.CC_SpinBox or scale <= 1.0:
            return rect
        frame = option.rect
        extra = round(SPIN_ARROWS * (scale - 1.0))
        if sub in (QStyle.SC_SpinBoxUp, QStyle.SC_SpinBoxDown):
            return QRect(rect.x() - extra, rect.y(), rect.width() + extra, rect.height())
        if sub == QStyle.SC_SpinBoxEditField:
            return QRect(rect.x(), rect.y(), max(0, rect.width() - extra), rect.height())
        if sub == QStyle.SC_SpinBoxFrame:
            return frame
        return rect

    def sizeFromContents(self, kind, option, size, widget=None):
        out = super().sizeFromContents(kind, option, size, widget)
        if kind == QStyle.CT_SpinBox:
            out.setWidth(out.width() + round(SPIN_ARROWS * (control_scale() - 1.0)))
        return out


def spin_arrows_width() -> int:
    """The width the spin-box buttons take at the current font (fit_column's number boxes)."""
    return round(SPIN_ARROWS * control_scale())


def install_style(app: QApplication) -> None:
    """Wrap the application's style in HallStyle (once)."""
    if not isinstance(app.style(), HallStyle):
        app.setStyle(HallStyle(QStyleFactory.create(app.style().name())))


# ------------------------------------------------------------------ the topic tabs
def fit_topic_tabs(tabs: QTabWidget) -> None:
    """Every topic's tab inside the bar: short titles, then a smaller font, never scroll buttons."""
    bar = tabs.tabBar()
    room = tabs.width() - 8
    short = False
    font = QFont(QApplication.font())
    bar.setFont(font)

    def titles(short_ones: bool) -> None:
        for i, entry in enumerate(panels.REGISTRY[:bar.count()]):
            text = SHORT_TITLES.get(entry.key, entry.title) if short_ones else entry.title
            if bar.tabText(i) != text:
                bar.setTabText(i, text)
            bar.setTabToolTip(i, entry.title)

    def needed() -> int:
        return sum(bar.tabSizeHint(i).width() for i in range(bar.count()))

    titles(False)
    if needed() > room:
        short = True
        titles(True)
    pt = font.pointSizeF()
    while needed() > room and pt > SMALLEST_TAB_PT:
        pt -= 1
        font.setPointSizeF(pt)
        bar.setFont(font)
    bar.setProperty("short_titles", short)


class TabFitter(QObject):
    """Refits the topic tabs when the window is resized, the font changes or a tab is rebuilt."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        window.tabs.installEventFilter(self)
        window.panel_built.connect(self.schedule)
        theme().changed.connect(self.schedule)
        self.schedule()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Resize:
            self.schedule()
        return False

    @Slot()
    @Slot(object)
    def schedule(self, *_args) -> None:
        QTimer.singleShot(0, self, self.fit)

    @Slot()
    def fit(self) -> None:
        fit_topic_tabs(self.window.tabs)


def install(window) -> None:
    """Everything the lecture hall needs on a main window."""
    install_style(QApplication.instance())
    window.tabs.tabBar().setUsesScrollButtons(True)   # the last resort; fit_topic_tabs makes room first
    window.tab_fitter = TabFitter(window)
