"""What the Loss functions sections share: their base (a frameless controls column that widens
with its content, state beyond the Params), the colours of the tab and small label helpers."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from gui.lab import Section
from gui.panels.losses.live_table import LiveTable
from gui.params import ParamForm
from gui.plots import StyledPlot
from gui.theme import BLUE, BLUISH_GREEN, VERMILLION, theme

# one colour per idea, the same in every plot of the tab
C_MSE, C_MAE, C_HUBER = BLUE, VERMILLION, BLUISH_GREEN
C_GOOD, C_BAD = BLUE, VERMILLION
# the controls column is as wide as its content (tables, forms) up to this: presentation mode
# widens it instead of cutting text off
PANE_MAX_WIDTH = 720


def pane_widths(preferred: int) -> dict[bool, tuple[int, int]]:
    """A section's column_widths: at least ``preferred``, wider for its content up to PANE_MAX_WIDTH."""
    return {False: (preferred, PANE_MAX_WIDTH), True: (preferred, PANE_MAX_WIDTH)}


class LossSection(Section):
    """A section of the Loss functions tab: instant results, its lesson a plain paragraph in a
    frameless column. State beyond the Params (tables, dragged points, check boxes) comes from
    :meth:`state` and goes back through :meth:`check_state` / :meth:`apply_state`."""
    column_widths = pane_widths(400)
    column_frame = False
    column_scroll_bar_always = False
    fold_lesson = False
    fit_combos = False

    # ------------------------------------------------------------ state beyond the Params
    def state(self) -> dict[str, Any]:
        """The section's state that no Param declares, by name."""
        return {}

    def check_state(self, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` (some of :meth:`state`'s names) checked; raises ``ValueError`` naming a bad one."""
        return values

    def apply_state(self, values: dict[str, Any]) -> None:
        """Show checked ``values`` and redraw."""

    def values(self) -> dict[str, Any]:
        return {**super().values(), **self.state()}

    def _split(self, values: dict[str, Any]) -> tuple[dict, dict]:
        extra_names = set(self.state())
        return ({k: v for k, v in values.items() if k not in extra_names},
                {k: v for k, v in values.items() if k in extra_names})

    def check_values(self, values: dict[str, Any]) -> dict[str, Any]:
        params, extra = self._split(values)
        return {**self.validate(params), **self.check_state(extra)}

    def set_values(self, values: dict[str, Any]) -> None:
        params, extra = self._split(values)
        self.validate(params)
        extra = self.check_state(extra)      # everything checked before anything changes
        super().set_values(params)
        if extra:
            self.apply_state(extra)

    # ------------------------------------------------------------ look
    def restyle(self) -> None:
        for label in self.findChildren(QLabel):
            scale = label.property("font_scale")
            if scale is not None:
                label.setFont(theme().font(float(scale), bold=True))
        for table in self.findChildren(LiveTable):
            table.fit()
        for form in self.findChildren(ParamForm):
            for w in form.widgets.values():
                if w.slider is not None:  # room for "-0.000" at any font size
                    w.editor.setMinimumWidth(w.editor.fontMetrics().horizontalAdvance("-00.000") + 30)
        for plot in self.findChildren(StyledPlot):
            # room right of the view for half a tick label: a tick on the right edge ("1.0", "3")
            # was cut in half by the widget's border
            plot.getPlotItem().layout.setContentsMargins(1, 1, round(theme().font_pt * 1.3), 1)
        super().restyle()


@contextmanager
def blocked(*widgets):
    """Change widgets without their signals (a reset redraws once at the end)."""
    for w in widgets:
        w.blockSignals(True)
    try:
        yield
    finally:
        for w in widgets:
            w.blockSignals(False)


def checked_list(name: str, values, kind=float, length: int | None = None) -> list:
    """``values`` (a list or tuple) as a list of ``kind``; ``ValueError`` naming ``name`` if an item
    has another type (texts must be texts, numbers numbers) or cannot be converted."""
    wanted = (str,) if kind is str else (int, float)
    if not isinstance(values, (list, tuple)) or not all(
            isinstance(v, wanted) and not isinstance(v, bool) for v in values):
        raise ValueError(f"{name}: expected a list of {kind.__name__} values, got {values!r}")
    try:
        out = [kind(v) for v in values]
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name}: expected a list of {kind.__name__} values, got {values!r}") from None
    if length is not None and len(out) != length:
        raise ValueError(f"{name}: expected {length} values, got {len(out)}")
    return out


def checked_bool(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name}: expected true or false, got {value!r}")
    return value


def no_mouse(plot: StyledPlot) -> None:
    """Fixed views: a stray drag must not pan a plot the teacher has set up."""
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()


class KeyLabel(QLabel):
    """The key of a plot, as a line of text under it (no pyqtgraph LegendItem: see ARCHITECTURE)."""

    def __init__(self, entries: list[tuple[str, str, bool]]):
        super().__init__()
        self.setTextFormat(Qt.RichText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignCenter)
        self.entries = list(entries)
        self._show()

    def set_text(self, index: int, text: str) -> None:
        colour, _, dashed = self.entries[index]
        self.entries[index] = (colour, text, dashed)
        self._show()

    def _show(self) -> None:
        self.setText(" &nbsp;&nbsp; ".join(
            f"<span style='color:{c}'><b>{'╍╍' if dashed else '━━'}</b></span>&nbsp;{t}"
            for c, t, dashed in self.entries))


def big_label(text: str = "", scale: float = 1.15) -> QLabel:
    """A bold result line, ``scale`` times the theme's font (restyle follows the theme)."""
    label = QLabel(text)
    label.setTextFormat(Qt.RichText)
    label.setWordWrap(True)
    label.setProperty("font_scale", scale)
    label.setFont(theme().font(scale, bold=True))
    return label


def error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.RichText)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    label.setVisible(False)
    return label


def engine_error(fn, *args) -> str | None:
    """The engine's ValueError message for ``fn(*args)``, or None if the input is valid."""
    try:
        fn(*args)
    except ValueError as exc:
        return str(exc)
    return None


def errors_html(messages: list[str]) -> str:
    if not messages:
        return ""
    rows = "".join(f"<li>{m}</li>" for m in dict.fromkeys(messages))
    return f"<span style='color:#b00000'><b>Cannot compute:</b></span><ul style='margin:0'>{rows}</ul>"


def show_errors(label: QLabel, messages: list[str]) -> None:
    label.setText(errors_html(messages))
    label.setVisible(bool(messages))
