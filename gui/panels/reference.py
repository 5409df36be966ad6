"""Reference: the tutorial's summary tables and the lab's notes on where the tutorial is wrong."""
from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout

from gui.panels.base import TopicPanel
from gui.resources import resource_path
from gui.theme import theme


class ReferencePanel(TopicPanel):
    title = "Reference"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.html = resource_path("reference.html").read_text(encoding="utf-8")
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser)
        self._restyle()
        theme().changed.connect(self._restyle)

    @Slot()
    def _restyle(self) -> None:
        # rich text keeps its own sizes unless the document's default font is reset
        self.browser.document().setDefaultFont(theme().font())
        self.browser.setHtml(self.html)
