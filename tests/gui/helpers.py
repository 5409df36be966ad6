"""Small actions and readings the panel tests share: what a user types, what a user reads."""
import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from engine.stream import drain  # noqa: F401 (re-exported for the panel tests)


def type_into(qtbot, spin, text):
    """Type a value into a spin box and press Enter, as a user would."""
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    qtbot.keyClick(spin.lineEdit(), Qt.Key_Return)


def plain(label) -> str:
    """What the student reads in a rich-text label."""
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText().replace("\xa0", " ")


def curve_y(curve):
    _, y = curve.getData()
    return np.array([] if y is None else y)


