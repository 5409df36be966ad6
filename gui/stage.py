"""The stage view: the controls column folds into a slim strip so the plots get the width.

One switch for the whole window (:func:`stage`, View → Stage view, F6), on by default in
presentation mode. Every section (gui/lab.py) folds the same way, from what the Section model
declares: its ``key_params`` rows (label, slider, spin box) and the Run/Cancel row of each of its
Runs stay; the lesson and everything else in the column (other parameters, notes, tables, any
button another feature adds) folds away, and comes back as it was when the view is left.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QBoxLayout, QLabel, QSlider, QSplitter, QTabBar, QTabWidget, QVBoxLayout, QWidget

from gui.theme import theme

# the strip's (minimum, maximum) width: the plots come first
STRIP_WIDTHS = (180, 420)
STRIP_SLIDER = 80   # a kept slider's shortest track in the strip


class Stage(QObject):
    """Whether the window shows the stage view; follows presentation mode until set by hand."""
    changed = Signal(bool)

    def __init__(self):
        super().__init__()
        self.on = theme().presentation
        theme().changed.connect(self._theme_changed)

    def set(self, on: bool) -> None:
        on = bool(on)
        if on != self.on:
            self.on = on
            self.changed.emit(on)

    @Slot()
    def _theme_changed(self) -> None:
        self.set(theme().presentation)   # the default: on in presentation mode, off at the desk


_stage: Stage | None = None


def stage() -> Stage:
    global _stage
    if _stage is None:
        _stage = Stage()
    return _stage


def keep_widgets(section) -> list[QWidget]:
    """What a section's strip keeps: its key parameters' rows and the Run/Cancel row of each Run."""
    kept = []
    for name in section.key_params:
        try:
            w = section.param_widget(name)
        except KeyError:
            continue
        parts = (getattr(w, "label", None), getattr(w, "slider", None), getattr(w, "editor", None))
        kept += [part for part in parts if part is not None]
    kept += [run.button_row for run in section.runs]
    return kept


def fold(container: QWidget, keep: list[QWidget], folded: list[QWidget]) -> None:
    """Hide every child of ``container`` that is neither kept nor holds something kept (those are
    folded the same way); what this hid is appended to ``folded``."""
    for child in container.children():
        if not isinstance(child, QWidget) or child.isWindow() or child.isHidden():
            continue
        if any(child is k for k in keep):
            continue
        if any(child.isAncestorOf(k) for k in keep):
            fold(child, keep, folded)
        else:
            child.hide()
            folded.append(child)


class StageFold(QObject):
    """Folds one section's controls column when the stage view is on (made by Section)."""

    def __init__(self, section):
        super().__init__(section)
        self.section = section
        self.folded: list[QWidget] = []
        self.bar_policy = Qt.ScrollBarAsNeeded
        self.wrapped: list[QLabel] = []
        self.widened: list = []           # (widget, its (minimum, maximum) width before the strip)   # kept labels that wrap in the strip (a long name takes two lines)
        stage().changed.connect(self._changed)
        if stage().on:
            QTimer.singleShot(0, self, self.apply)

    @property
    def active(self) -> bool:
        return bool(self.folded)

    @Slot(bool)
    def _changed(self, _on: bool) -> None:
        QTimer.singleShot(0, self, self.apply)   # after the new fonts (theme changes come first)

    @Slot()
    def apply(self) -> None:
        scroll = self.section.controls_scroll
        if scroll is None:
            return
        inner = scroll.widget()
        if stage().on and not self.folded:
            kept = keep_widgets(self.section)
            fold(inner, kept, self.folded)
            for w in kept:
                if isinstance(w, QLabel) and not w.wordWrap():
                    w.setWordWrap(True)
                    self.wrapped.append(w)
                elif isinstance(w, QSlider):
                    self._widen(w, STRIP_SLIDER)
            if not any(inner.isAncestorOf(w) for w in kept):
                scroll.hide()             # nothing to keep in the column (the key params sit by the plots)
                self.folded.append(scroll)
            self.bar_policy = scroll.verticalScrollBarPolicy()
            scroll.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded)   # the strip is short: no bar's width
        elif not stage().on and self.folded:
            for w in reversed(self.folded):
                w.show()
            for w in self.wrapped:
                w.setWordWrap(False)
            for w, (lo, hi) in self.widened:
                w.setMinimumWidth(lo)
                w.setMaximumWidth(hi)
            self.widened = []
            self.folded, self.wrapped = [], []
            scroll.setVerticalScrollBarPolicy(self.bar_policy)
        self.section.restyle()
        from gui.lab import refresh_layout
        refresh_layout(self.section)

    def _widen(self, w: QWidget, width: int) -> None:
        if width > w.minimumWidth():
            self.widened.append((w, (w.minimumWidth(), w.maximumWidth())))
            w.setMinimumWidth(width)

    def widths(self, normal: tuple[int, int]) -> tuple[int, int]:
        """The column's (minimum, maximum) width: the strip's while folded."""
        return STRIP_WIDTHS if self.folded else normal


def tabbed() -> bool:
    """Whether a section's :class:`StageTabs` show their pages as tabs: the stage view of
    presentation mode (at the desk everything stays side by side, as before)."""
    return stage().on and theme().presentation


class StageTabs(QObject):
    """Widgets shown side by side at the desk (in a QSplitter or a box layout) become the tabs of
    one QTabWidget in the stage view of presentation mode, so the main one (the first page) gets
    the whole room on a projector; leaving the view puts each back where it was.

    Made by :meth:`gui.lab.Section.stage_tabs`; the Section applies it before its own restyle."""

    def __init__(self, parent: QObject, pages: list[tuple[str, QWidget]]):
        super().__init__(parent)
        self.pages = pages
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.homes: list[tuple] = []      # (container, index, stretch) of each page while tabbed
        self.sizes: dict = {}             # a splitter's sizes before its pages left

    @property
    def active(self) -> bool:
        return bool(self.homes)

    def apply(self, on: bool | None = None) -> None:
        on = tabbed() if on is None else on
        if on and not self.homes:
            self._into_tabs()
        elif not on and self.homes:
            self._back()

    def _into_tabs(self) -> None:
        homes = []
        for _, w in self.pages:
            parent = w.parentWidget()
            if isinstance(parent, QSplitter):
                self.sizes.setdefault(id(parent), (parent, parent.sizes()))
                homes.append((parent, parent.indexOf(w), None))
            else:
                lay = parent.layout()
                i = lay.indexOf(w)
                homes.append((lay, i, lay.stretch(i) if isinstance(lay, QBoxLayout) else 0))
        container, index, stretch = homes[0]
        if isinstance(container, QSplitter):
            container.insertWidget(index, self.tabs)
        else:
            container.insertWidget(index, self.tabs, stretch or 1)
        self.tabs.show()
        for title, w in self.pages:
            self.tabs.addTab(w, title)
        self.tabs.setCurrentIndex(0)
        self.homes = homes

    def _back(self) -> None:
        while self.tabs.count():
            self.tabs.removeTab(0)
        self.tabs.hide()
        self.tabs.setParent(None)
        order = sorted(range(len(self.pages)), key=lambda k: self.homes[k][1])
        for k in order:
            container, index, stretch = self.homes[k]
            w = self.pages[k][1]
            if isinstance(container, QSplitter):
                container.insertWidget(index, w)
            else:
                container.insertWidget(index, w, stretch)
            w.show()
        for splitter, sizes in self.sizes.values():
            splitter.setSizes(sizes)
        self.homes, self.sizes = [], {}


class ProjectorTabs(QTabBar):
    """Plots that share the page at the desk take turns in presentation mode: a projector has room
    for one large plot, and the others are a click away on this tab bar.

    ``pages`` are (widget, tab title), placed in the page as at the desk; the bar sits above them
    (``above(content)``, or the section's own layout) and is hidden at the desk. ``set_tabbed(True)``
    shows the bar and only the current tab's page; ``set_tabbed(False)`` hides the bar and shows
    every page again. Nothing is moved: splitters keep their sizes and grids their cells, so the
    desk looks exactly as before. The section calls it from ``restyle()``."""

    def __init__(self, pages):
        super().__init__()
        self.pages = list(pages)
        for _w, title in self.pages:
            self.addTab(title)
        self.setExpanding(False)
        self.tabbed = False
        self.hide()
        self.currentChanged.connect(self._show_current)

    def above(self, content: QWidget) -> QWidget:
        """``content`` with this bar over it (no margins: at the desk the box is ``content``'s size)."""
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self)
        lay.addWidget(content, 1)
        return box

    def set_tabbed(self, on: bool) -> None:
        if bool(on) != self.tabbed:
            self.tabbed = bool(on)
            self.setVisible(self.tabbed)
            self._show_current()

    def _show_current(self, *_args) -> None:
        for i, (w, _title) in enumerate(self.pages):
            w.setVisible(not self.tabbed or i == self.currentIndex())
