"""Small Qt layout helpers shared by the topic panels (Qt only: no engine logic).

Where panels once had their own copies, a keyword argument keeps each caller's look, its
default being the most common one. The Section model (gui/lab.py) builds on these.
"""
from __future__ import annotations

import math
import numbers

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import (QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea,
                               QSplitter, QToolButton, QVBoxLayout, QWidget)

from gui.hall import spin_arrows_width
from gui.params import ParamForm
from gui.plots import StyledPlot
from gui.theme import theme

# legend symbols (HTML): a solid line, a dashed line, a filled square, a dot
SOLID, DASHED, BOX, DOT = "&#9473;&#9473;", "&#9548;&#9548;", "&#9632;", "&#9679;"


# ------------------------------------------------------------------ lesson text and columns
def lesson_label(html: str) -> QLabel:
    """A word-wrapped explanatory paragraph that follows the theme's font."""
    label = QLabel(html)
    label.setWordWrap(True)
    label.setTextFormat(Qt.RichText)
    label.setOpenExternalLinks(False)
    return label


class Lesson(QWidget):
    """A lesson paragraph under a button that folds it away.

    Folded while presentation mode is on (the lecturer says it; at 18 pt it would push the
    controls below the fold), unfolded in normal mode; either can be toggled by hand.
    """

    def __init__(self, html: str, parent=None):
        super().__init__(parent)
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.toggle.setToolTip("Show or hide the explanation of this section")
        self.label = lesson_label(html)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.toggle)
        lay.addWidget(self.label)
        self.toggle.toggled.connect(self._toggled)
        self.toggle.setChecked(not theme().presentation)
        self._toggled(self.toggle.isChecked())
        theme().changed.connect(self._theme_changed)

    @Slot(bool)
    def _toggled(self, shown: bool) -> None:
        self.label.setVisible(shown)
        self.toggle.setText(("\u25be " if shown else "\u25b8 ") + "Explanation")

    @Slot()
    def _theme_changed(self) -> None:
        self.toggle.setChecked(not theme().presentation)


def controls_column(*widgets, frame: bool = True, always_scroll_bar: bool = True) -> tuple[QScrollArea, QVBoxLayout]:
    """A scrollable column for the lesson text and the controls of one section.

    The vertical scroll bar is always there: appearing when a result text grows, it made the
    sliders reflow at the end of every run. ``always_scroll_bar=False``: only when needed (a
    section without runs); ``frame=False``: no frame around the column."""
    inner = QWidget()
    col = QVBoxLayout(inner)
    col.setContentsMargins(6, 6, 6, 6)
    for w in widgets:
        col.addWidget(w)
    scroll = QScrollArea()
    scroll.setWidget(inner)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
    scroll.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOn if always_scroll_bar else Qt.ScrollBarAsNeeded)
    if not frame:
        scroll.setFrameShape(QScrollArea.NoFrame)
    return scroll, col


def fit_column(scroll: QScrollArea, min_width: int, max_width: int, fit_combos: bool = False,
               number_sample: str = "0.0001", fixed_numbers: bool = True, resize_split: bool = True) -> None:
    """Make a controls column wide enough for its widgets (the fonts differ by mode), at least
    ``min_width`` and never wider than ``max_width``: the plots come first. The one "widen the
    controls" rule of every section.

    Spin boxes are as wide as ``number_sample`` (``fixed_numbers``: exactly; otherwise at most).
    ``fit_combos``: also widen combo boxes to their whole text ("real training▾" hid what it means).
    ``resize_split``: give the splitter holding the column the new width at once."""
    inner = scroll.widget()
    bar = scroll.verticalScrollBar().sizeHint().width()
    for form in inner.findChildren(ParamForm):
        for w in form.widgets.values():
            if w.slider is not None:
                # the spin box's own hint would make room for all its 12 decimals
                width = w.editor.fontMetrics().horizontalAdvance(number_sample) + 36
                if fixed_numbers:
                    w.editor.setFixedWidth(width)
                else:   # never narrower than the number it shows ("0.8" read "0.(" on a projector)
                    shown = w.editor.fontMetrics().horizontalAdvance(w.editor.text() + "0") + spin_arrows_width() + 20
                    w.editor.setMinimumWidth(min(width, shown))
                    w.editor.setMaximumWidth(width)
            elif fit_combos and isinstance(w.editor, QComboBox):
                w.editor.setMinimumWidth(0)
                w.editor.setMinimumWidth(w.editor.sizeHint().width())
    width = min(max(min_width, inner.minimumSizeHint().width() + bar + 6), max_width)
    scroll.setMinimumWidth(width)
    split = scroll.parentWidget()
    if resize_split and isinstance(split, QSplitter):
        total = sum(split.sizes())
        if total > width:
            split.setSizes([width, total - width])


def controls_split(controls: QWidget, plots: QWidget, controls_width: int, collapsible: bool = False) -> QSplitter:
    """The controls column on the left and the plots on the right, which take any extra width.
    ``collapsible=False``: dragging the handle cannot squeeze either side to nothing."""
    split = QSplitter(Qt.Horizontal)
    split.addWidget(controls)
    split.addWidget(plots)
    split.setStretchFactor(1, 1)
    split.setSizes([controls_width, 1280 - controls_width])
    if not collapsible:
        split.setChildrenCollapsible(False)
    return split


class Deferred(QWidget):
    """A page whose widget is made when it is first shown or asked for (:meth:`widget`): a page
    behind a tab costs nothing at its topic's first show."""

    def __init__(self, make, parent=None):
        super().__init__(parent)
        self._make = make
        self._widget: QWidget | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)

    def built(self) -> bool:
        return self._widget is not None

    def widget(self) -> QWidget:
        if self._widget is None:
            self._widget = self._make()
            self.layout().addWidget(self._widget)
            self._widget.show()     # (a child added to a shown widget would stay hidden)
        return self._widget

    def showEvent(self, event) -> None:
        self.widget()
        super().showEvent(event)


def group(title: str, *widgets) -> QGroupBox:
    box = QGroupBox(title)
    lay = QVBoxLayout(box)
    lay.setContentsMargins(6, 4, 6, 4)
    for w in widgets:
        lay.addWidget(w)
    return box


def rich_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.RichText)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


def set_text(widget, text: str) -> None:
    """setText only when the text changes: a new text re-lays out a word-wrapped label's column
    (a few ms each), too much for every streamed event or slider move."""
    if widget.text() != text:
        widget.setText(text)


# ------------------------------------------------------------------ buttons and forms
def buttons(*specs, columns: int | None = None) -> tuple[QWidget, list[QPushButton]]:
    """A row of push buttons from (text, tooltip, slot) triples (``columns``: a grid that wide)."""
    box = QWidget()
    lay = QHBoxLayout(box) if columns is None else QGridLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    made = []
    for i, (text, tip, slot) in enumerate(specs):
        b = QPushButton(text)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        if columns is None:
            lay.addWidget(b)
        else:
            lay.addWidget(b, i // columns, i % columns)
        made.append(b)
    return box, made


def run_buttons(run_slot, cancel_slot, extra=()) -> tuple[QWidget, QPushButton, QPushButton, list[QPushButton]]:
    """A Run and a Cancel button (Cancel disabled until a run starts); ``extra`` (text, tooltip,
    slot) buttons go on the next lines, two a line."""
    box, (run, cancel, *more) = buttons(("Run", "Start (or restart) this run", run_slot),
                                        ("Cancel", "Stop this run (Esc stops every run of the tab)", cancel_slot),
                                        *extra, columns=2 if extra else None)
    cancel.setEnabled(False)
    return box, run, cancel, more


def restart_timer(parent: QObject, slot, interval_ms: int) -> QTimer:
    """A single-shot timer calling ``slot``: restarting it on every slider move runs once, after
    the user pauses, instead of at every step of a drag."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer


def progress_bar(text: str = "iteration %v of at most %m") -> QProgressBar:
    """A hidden progress bar. Its value changes every frame without re-laying out the column
    (a word-wrapped label whose text changes makes Qt lay out the whole scroll area again)."""
    bar = QProgressBar()
    bar.setRange(0, 1)
    bar.setValue(0)
    bar.setFormat(text)
    bar.setVisible(False)
    return bar


def compact(form: ParamForm, slider_min_width: int = 40) -> ParamForm:
    """Spin boxes as wide as their numbers need (the default fits 12 decimals)."""
    for w in form.widgets.values():
        if w.slider is not None:
            w.slider.setMinimumWidth(slider_min_width)
            w.editor.setMinimumWidth(0)
    return form


def set_param_enabled(widget, enabled: bool) -> None:
    """Enable or grey out one row of a ParamForm (label, slider and editor)."""
    for part in (widget.label, widget.slider, widget.editor):
        if part is not None:
            part.setEnabled(enabled)


# ------------------------------------------------------------------ plots
def plain_axes(*plots: StyledPlot, x_grid: bool = True, y_grid: bool = True, frozen: bool = False) -> None:
    """No automatic SI prefixes (an axis reading '500 (x0.001)' only confuses students) and
    a grid of major and minor ticks only: the default sub-minor grid lines, antialiased and
    translucent, made each axis cost about 4 ms per repaint.

    The grid is only touched when a direction is turned off (a grid set before is kept).
    ``frozen``: no mouse panning/zooming and no "A" auto-range button."""
    for plot in plots:
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            axis.enableAutoSIPrefix(False)
            # a log axis has 8 minor ticks per decade: a grid line per decade is plenty
            axis.setStyle(maxTickLevel=0 if getattr(axis, "logMode", False) else 1)
        if not (x_grid and y_grid):
            plot.grid.show(x=x_grid, y=y_grid)
        if frozen:
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()


def plain_log_ticks(plot: StyledPlot, side: str = "bottom") -> None:
    """Every tick of a log axis written the same way (0.0001 ... 1000), as the sliders show
    the values: pyqtgraph mixes "0.01" with "10²" on one axis. Within a decade only 1, 2 and 5
    are written: all nine ran into each other ("0.90.80.7"), worst at presentation size."""
    def strings(values, scale, _spacing):
        texts = []
        for v in values:
            value = float(f"{10.0 ** v * scale:.3g}")
            leading = f"{value:e}"[0]
            texts.append(f"{value:g}" if leading in "125" else "")
        return texts
    plot.getAxis(side).logTickStrings = strings


def swatch(colour: str, text: str, symbol: str = BOX, bold: bool = False, one_line: bool = False) -> str:
    """A coloured legend symbol and its text (HTML). ``bold``: a bold symbol; ``one_line``: the
    text never wraps inside (non-breaking spaces and hyphens)."""
    if one_line:
        text = text.replace(" ", "&nbsp;").replace("-", "&#8209;")    # (a non-breaking hyphen)
    if bold:
        symbol = f"<b>{symbol}</b>"
    return f"<span style='color:{colour}'>{symbol}</span>&nbsp;{text}"


def on_white(rgba) -> str:
    """The colour a translucent fill shows on the white plot: the legend swatch of a pale band."""
    r, g, b, a = rgba
    return "#" + "".join(f"{round(255 - (255 - c) * a / 255):02x}" for c in (r, g, b))


def legend_html(entries) -> str:
    """``entries``: (colour, text, symbol) triples, symbol e.g. SOLID, DASHED, BOX."""
    return "&nbsp;&nbsp; ".join(swatch(colour, text, symbol) for colour, text, symbol in entries)


def with_key(plot: StyledPlot, label: QLabel) -> QWidget:
    """``plot`` with a word-wrapped key under it: it never covers the data and wraps instead of
    being clipped when presentation mode makes the text large."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(0)
    lay.addWidget(plot, 1)
    label.setAlignment(Qt.AlignCenter)
    lay.addWidget(label)
    return box


def with_legend(plot: StyledPlot, entries) -> QWidget:
    """``plot`` with a legend of ``entries`` (see legend_html) under it; the label is ``.legend_label``."""
    label = rich_label(legend_html(entries))
    box = with_key(plot, label)
    box.legend_label = label
    return box


def over_note(top: QWidget, note: QLabel) -> QWidget:
    """``top`` (it stretches) with ``note`` under it, at the layout's default spacing (with_key: none)."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(top, 1)
    lay.addWidget(note)
    return box


def plots_over_note(note: QLabel, *plots: QWidget) -> QWidget:
    """``plots`` side by side in a horizontal splitter, with ``note`` under them (see over_note)."""
    split = QSplitter(Qt.Horizontal)
    for plot in plots:
        split.addWidget(plot)
    return over_note(split, note)


# ------------------------------------------------------------------ numbers
def fmt(value, digits: int = 3) -> str:
    """A number with ``digits`` decimals; "–" for a missing (None) or non-finite one."""
    if value is None or (isinstance(value, numbers.Real) and not math.isfinite(value)):
        return "–"
    return f"{value:.{digits}f}"
