"""Plots that share a page at the desk take turns in the lecture hall, on one tab bar.

At 1024x768 with 18 pt text, two to four plots side by side or stacked leave each a fraction of
the screen (the Regularization penalties' four bar charts got 8 % each). A section declares which
widgets take turns (:meth:`gui.lab.Section.plot_turns`); in presentation mode or the stage view a
:class:`PlotTurns` bar above them shows one page at a time, and at the desk the bar is hidden and
every page is back in view.

Nothing is moved: the pages stay in their splitters, grids and boxes; the bar only hides the pages
that are not the current one (and the containers that hiding leaves empty), so splitters keep their
sizes and grids their cells, and the desk looks exactly as before.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Slot
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QSplitter, QSplitterHandle, QTabBar, QVBoxLayout, QWidget

from gui.stage import stage
from gui.theme import theme


def lecture_hall() -> bool:
    """Whether plots take turns: in presentation mode and in the stage view."""
    return theme().presentation or stage().on


def _common_ancestor(widgets: list[QWidget]) -> QWidget:
    w = widgets[0].parentWidget()
    while w is not None and not all(w.isAncestorOf(other) for other in widgets):
        w = w.parentWidget()
    if w is None:
        raise TypeError("the pages that take turns must be laid out in one widget")
    return w


def _shown_children(w: QWidget) -> list[QWidget]:
    return [c for c in w.children() if isinstance(c, QWidget) and not c.isWindow()
            and not isinstance(c, QSplitterHandle) and not c.isHidden()]


class PlotTurns(QTabBar):
    """A tab bar over ``pages`` ((title, widget), the first the main one), shown while tabbed."""

    def __init__(self, pages, parent=None):
        super().__init__(parent)
        self.pages: list[tuple[str, QWidget]] = list(pages)
        if len(self.pages) < 2:
            raise TypeError("plots take turns with two pages or more")
        for title, _w in self.pages:
            self.addTab(title)
        self.setExpanding(False)
        self.setDocumentMode(True)
        self.tabbed = False
        self.hidden: set[int] = set()          # id() of pages switched off by their section
        self.collapsed: list[tuple] = []       # (container, its splitter, the splitter's sizes): hid as emptied
        self._updating = False
        self.hide()
        self.currentChanged.connect(self._current_changed)

    # ------------------------------------------------------------ placement
    def place(self) -> None:
        """Put the bar above the widget that holds every page (once, after the section is laid out)."""
        if self.parentWidget() is not None:
            return
        holder = _common_ancestor([w for _t, w in self.pages])
        parent = holder.parentWidget()
        box = QWidget()
        box.setSizePolicy(holder.sizePolicy())   # a splitter's stretch factor lives there
        sizes = parent.sizes() if isinstance(parent, QSplitter) else None
        if isinstance(parent, QSplitter):
            # (not replaceWidget: it hands the replaced widget to Python, which deletes it with its wrapper)
            parent.insertWidget(parent.indexOf(holder), box)
        elif parent is not None and isinstance(parent.layout(), QBoxLayout):
            lay = parent.layout()
            i = lay.indexOf(holder)
            lay.insertWidget(i, box, lay.stretch(i))
        elif parent is not None and isinstance(parent.layout(), QGridLayout):
            lay = parent.layout()
            lay.addWidget(box, *lay.getItemPosition(lay.indexOf(holder)))
        else:
            raise TypeError(f"cannot put a tab bar over a {type(holder).__name__} in a {type(parent).__name__}")
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self)
        lay.addWidget(holder, 1)   # which takes it out of its old place
        if sizes is not None:
            parent.setSizes(sizes)

    # ------------------------------------------------------------ state
    def set_tabbed(self, on: bool) -> None:
        if bool(on) != self.tabbed:
            self.tabbed = bool(on)
            self.refresh()

    def set_page_visible(self, page: QWidget, visible: bool) -> None:
        """Show or hide ``page`` for good (its tab too), whether tabbed or not."""
        (self.hidden.discard if visible else self.hidden.add)(id(page))
        self.refresh()

    def show_page(self, page: QWidget) -> None:
        """Bring the tab of ``page`` (or of the page holding it) to the front (at the desk every
        page is in view already)."""
        self.setCurrentIndex(self.index_of(page))

    def index_of(self, page: QWidget) -> int:
        return next(i for i, (_t, w) in enumerate(self.pages) if w is page or w.isAncestorOf(page))

    def current_page(self) -> QWidget | None:
        """The page in view while tabbed (None at the desk, where every page is)."""
        return self.pages[self.currentIndex()][1] if self.tabbed else None

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:
            self.updateGeometry()

    @Slot(int)
    def _current_changed(self, _index: int) -> None:
        if not self._updating:
            self.refresh()

    def refresh(self) -> None:
        """Show what the state says: the bar and the current page while tabbed, every page at the desk."""
        self._updating = True
        try:
            for w, splitter, sizes in self.collapsed:
                w.show()
                if splitter is not None:   # a splitter gives a re-shown widget no room by itself
                    splitter.setSizes(sizes)
                    QTimer.singleShot(0, splitter, lambda s=splitter, z=sizes: s.setSizes(z))
            self.collapsed = []
            for i, (_t, w) in enumerate(self.pages):
                self.setTabVisible(i, id(w) not in self.hidden)
            if id(self.pages[self.currentIndex()][1]) in self.hidden:
                shown = [i for i, (_t, w) in enumerate(self.pages) if id(w) not in self.hidden]
                if shown:
                    self.setCurrentIndex(shown[0])
            for i, (_t, w) in enumerate(self.pages):
                w.setVisible(id(w) not in self.hidden and (not self.tabbed or i == self.currentIndex()))
            self.setVisible(self.tabbed)
            self.updateGeometry()   # its height follows a font that changed while it was hidden
            if self.tabbed:
                self._collapse_emptied()
        finally:
            self._updating = False

    def _collapse_emptied(self) -> None:
        """Hide the containers between a hidden page and the holder that now show nothing (a splitter
        holding only hidden plots would otherwise keep its room, empty)."""
        holder = _common_ancestor([w for _t, w in self.pages])
        for _t, page in self.pages:
            w = page.parentWidget()
            while w is not None and w is not holder and not w.isHidden() and not _shown_children(w):
                splitter = w.parentWidget() if isinstance(w.parentWidget(), QSplitter) else None
                self.collapsed.append((w, splitter, splitter.sizes() if splitter is not None else None))
                w.hide()
                w = w.parentWidget()
