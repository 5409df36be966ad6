"""The race's "Custom…" surface: a line edit for a formula in x and y, checked while typing.

:class:`FormulaEdit` checks the text 300 ms after the typing pauses (or at once on Return) with
``engine.surfaces.from_formula``: a formula it refuses shows the engine's sentence under the
line edit while the previous surface stays; a good one is reported by ``accepted(text)``. The
surface is made by the function given (the race's: the formula on the view box set).
"""
from __future__ import annotations

import html
from typing import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from engine import surfaces as S
from engine.formula import FUNCTIONS, MAX_LENGTH
from gui.widgets import rich_label, restart_timer

DEBOUNCE_MS = 300
ERROR_COLOUR = "#b00000"
EXAMPLES = ("x**2 + 10*y**2", "(1 - x)**2 + 100*(y - x**2)**2", "x**2 - y**2", "abs(x) + abs(y)",
            "log(1 + x**2 + y**2) - exp(-(x - 2)**2 - y**2)")


class FormulaEdit(QWidget):
    """``f(x, y) =`` and a line edit, the error (if any) under it; ``accepted`` carries a formula
    that makes a surface, ``text()`` is the one last accepted."""
    accepted = Signal(str)

    def __init__(self, text: str, make_surface: Callable[[str], object] = S.from_formula):
        super().__init__()
        self._accepted = text
        self.make_surface = make_surface
        self.line = QLineEdit(text)
        self.line.setMaxLength(MAX_LENGTH)
        self.line.setClearButtonEnabled(True)
        self.line.setPlaceholderText("a formula in x and y, such as x**2 + 10*y**2")
        self.line.setToolTip(
            "Your own loss surface: numbers, x, y, pi, e, + - * / ** (power), parentheses and "
            + ", ".join(FUNCTIONS) + ". Examples: " + ";  ".join(EXAMPLES)
            + ". It is checked as you type; the race follows once it is valid.")
        self.error = rich_label("")
        self.error.setVisible(False)
        self.timer = restart_timer(self, self.check, DEBOUNCE_MS)
        self.line.textEdited.connect(self._edited)
        self.line.returnPressed.connect(self.check)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("f(x, y) ="))
        row.addWidget(self.line, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.error)

    def text(self) -> str:
        """The formula last accepted (what the race runs on)."""
        return self._accepted

    def set_text(self, text: str) -> None:
        """Show ``text`` (already valid) as the accepted formula, without reporting it."""
        self.timer.stop()
        self._accepted = text
        if self.line.text() != text:
            self.line.setText(text)
        self.show_error("")

    def error_text(self) -> str:
        """The engine's sentence for the text typed, or "" while it is valid."""
        return self.error.property("message") or ""

    @Slot(str)
    def _edited(self, _text: str) -> None:
        self.timer.start()

    @Slot()
    def check(self) -> None:
        """Check the typed text now: show why it is refused, or report it."""
        self.timer.stop()
        text = self.line.text()
        try:
            self.make_surface(text)
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        if text != self._accepted:
            self._accepted = text
            self.accepted.emit(text)

    def show_error(self, message: str) -> None:
        """Show the engine's ``message`` under the line edit ("" hides it)."""
        self.error.setProperty("message", message)
        self.error.setText(f"<span style='color:{ERROR_COLOUR}'>{html.escape(message)[:1].upper()}"
                           f"{html.escape(message)[1:]}. The surface shown is the last valid one.</span>"
                           if message else "")
        self.error.setVisible(bool(message))
        self.line.setProperty("invalid", bool(message))


def in_view(surface, point) -> bool:
    """Whether ``point`` lies in ``surface``'s view with a finite value and gradient there."""
    x0, x1, y0, y1 = surface.view
    x, y = point
    return bool(x0 <= x <= x1 and y0 <= y <= y1 and abs(surface.f(point)) < float("inf")
                and all(abs(g) < float("inf") for g in surface.grad(point)))

