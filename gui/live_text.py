"""LiveText: rich text that changes every frame without re-laying out the window.

``QLabel.setText`` always asks the layout for a new geometry (``updateGeometry``). During an
animation that re-lays out the column around the label and repaints its neighbours every frame:
on a real X server (xcb) the optimizer race's frame cost 15-20 ms as the app painted it, against
6-8 ms for one repaint of the whole window. A LiveText repaints only itself, and asks for a new
geometry only when the height its text needs at its width changes (a key that wraps onto one
more line), never for a new number.

A *steady* LiveText (``steady=True``) goes further: its height only grows until
:meth:`reset_height` (or a resize). Numbers of changing widths made the race's legend wrap onto
one line more, then one less, every few frames, and each change re-laid out the window: those
frames were the race's p95 under xcb (12-13 ms against 8 ms without them).
"""
from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument, QTextOption
from PySide6.QtWidgets import QSizePolicy, QWidget


class LiveText(QWidget):
    """Word-wrapped rich text (HTML), aligned by ``alignment``; ``text()`` / ``setText()`` as a QLabel."""

    def __init__(self, text: str = "", alignment=Qt.AlignLeft, parent=None, steady: bool = False):
        super().__init__(parent)
        self._steady = steady
        self._floor = 0          # a steady text's tallest height at this width since reset_height()
        self._doc = QTextDocument(self)
        self._doc.setDocumentMargin(0)
        self._doc.setUndoRedoEnabled(False)
        option = QTextOption(alignment)
        option.setWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
        self._doc.setDefaultTextOption(option)
        self._doc.setDefaultFont(self.font())
        self._text = ""
        self._height = 0
        policy = QSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setText(text)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (the QLabel name, so it stands in for one)
        if text == self._text:
            return
        self._text = text
        self._doc.setHtml(text)
        height = self.heightForWidth(self.width()) if self.width() > 0 else -1
        if height != self._height:
            self._height = height
            self.updateGeometry()
        self.update()

    # ------------------------------------------------------------ size
    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        self._doc.setTextWidth(max(width, 1))
        height = math.ceil(self._doc.size().height())
        if self._steady and width == self.width():
            self._floor = height = max(height, self._floor)
        return height

    def reset_height(self) -> None:
        """A steady text takes the height its text needs now (a new race: its legend may be shorter)."""
        self._floor = 0
        self._height = -1
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        self._doc.setTextWidth(-1)
        ideal = math.ceil(self._doc.idealWidth())
        width = self.width() if self.width() > 0 else ideal
        return QSize(ideal, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(0, self.fontMetrics().lineSpacing())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._floor = 0
        self._height = self.heightForWidth(self.width())

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.FontChange:
            self._doc.setDefaultFont(self.font())
            self._floor = 0
            self._height = -1
            self.updateGeometry()
        super().changeEvent(event)

    # ------------------------------------------------------------ painting
    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        self._doc.setTextWidth(self.width())
        painter = QPainter(self)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.Text, self.palette().color(QPalette.WindowText))
        top = max(0, (self.height() - math.ceil(self._doc.size().height())) // 2)
        painter.translate(0, top)
        self._doc.documentLayout().draw(painter, context)
        painter.end()
