"""Plots that share the plot area at the desk, one tab each in presentation mode.

At 1024x768 with 18 pt text, three or four plots side by side or stacked leave each one a
fraction of the screen (the Regularization penalties' four bar charts got 8 % each). A
:class:`StageTabs` holds the desk's layout (``normal``) and, in presentation mode, shows the same
widgets as tabs of one :class:`QTabWidget` instead, so the plot in view gets the whole area.

A section builds its layout as before, but puts ``tabs.hold(title, page)`` where ``page`` went,
and calls ``tabs.set_tabbed(theme().presentation)`` in its ``restyle()``. The pages move between
the two (a widget has one parent); the desk's layout is exactly what it was.
"""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget


class StageTabs(QWidget):
    """``normal`` at the desk; its held pages as tabs while :meth:`set_tabbed` is on."""

    def __init__(self, normal: QWidget, parent=None):
        super().__init__(parent)
        self.normal = normal
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.hide()
        self.pages: list[tuple[str, QWidget, QWidget]] = []   # (tab title, page, its holder in normal)
        self.hidden: set[int] = set()                         # id() of pages switched off
        self.footer: tuple[QWidget, QWidget] | None = None   # (widget, its holder): under the tabs while tabbed
        self.tabbed = False
        self.box = lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(normal)
        lay.addWidget(self.tabs, 1)

    def hold(self, title: str, page: QWidget) -> QWidget:
        """A holder for ``page`` to put in the desk's layout where ``page`` would go."""
        holder = QWidget()
        lay = QVBoxLayout(holder)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(page)
        self.pages.append((title, page, holder))
        return holder

    def hold_footer(self, widget: QWidget) -> QWidget:
        """Like :meth:`hold`, for a widget (a key, a note) that stays in view under the tabs."""
        holder = QWidget()
        lay = QVBoxLayout(holder)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(widget)
        self.footer = (widget, holder)
        return holder

    def set_tabbed(self, on: bool) -> None:
        on = bool(on)
        if on == self.tabbed:
            return
        self.tabbed = on
        if on:
            for title, page, _holder in self.pages:
                index = self.tabs.addTab(page, title)
                self.tabs.setTabVisible(index, id(page) not in self.hidden)
            if self.footer is not None:
                self.box.addWidget(self.footer[0])
                self.footer[0].show()
            self.normal.hide()
            self.tabs.show()
        else:
            self.tabs.hide()
            while self.tabs.count():
                self.tabs.removeTab(0)
            for _title, page, holder in self.pages:
                holder.layout().addWidget(page)
                page.setVisible(id(page) not in self.hidden)
            if self.footer is not None:
                widget, holder = self.footer
                holder.layout().addWidget(widget)
                widget.show()
            self.normal.show()

    def set_page_visible(self, page: QWidget, visible: bool) -> None:
        """Show or hide ``page`` (its tab while tabbed)."""
        (self.hidden.discard if visible else self.hidden.add)(id(page))
        if self.tabbed:
            self.tabs.setTabVisible(self.tabs.indexOf(page), visible)
        else:
            page.setVisible(visible)

    def show_page(self, page: QWidget) -> None:
        """Bring ``page``'s tab to the front (nothing at the desk: every page is in view)."""
        if self.tabbed:
            self.tabs.setCurrentWidget(page)
