"""A topic of sections: :class:`SectionPanel` holds a topic's sub-tabs (gui/lab.py's Sections),
built lazily, and :class:`Sections` is its mapping of them by key."""
from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from gui.lab import Section, refresh_layout
from gui.panels.base import TopicPanel
from gui.theme import theme
from gui.worker import Worker

OPEN_TURN_MS = 1   # a real timer between the steps of a first show (gui/app.py's _open_later)


class Sections(Mapping):
    """A panel's sections by key, in tab order: every key is there; reading one builds it if it is
    not built yet (walking them all builds them all: use :meth:`SectionPanel.built` for the ones
    that exist)."""

    def __init__(self, panel: "SectionPanel"):
        self._panel = panel

    def __getitem__(self, key: str) -> Section:
        return self._panel.section(key)

    def __iter__(self):
        return iter(cls.key for cls in self._panel.section_classes)

    def __len__(self) -> int:
        return len(self._panel.section_classes)

    def __contains__(self, key) -> bool:   # (Mapping's would build it)
        return any(cls.key == key for cls in self._panel.section_classes)


class SectionPanel(TopicPanel):
    """A topic whose sub-tabs are sections, in the order of ``section_classes``; a topic of one
    section shows it without a tab bar.

    Sections are built lazily: the current one when the panel is made, another when its tab is
    first selected or when something asks for it (:meth:`section`, ``sections[key]``). Until then
    its tab holds an empty page, and it is at the tutorial's values (set-ups read
    ``tutorial_values`` of its class). :attr:`section_built` announces each one made."""
    section_classes: tuple[type[Section], ...] = ()
    document_mode = False

    section_built = Signal(object)   # a section was just built (its workers exist now)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._built: dict[str, Section] = {}
        self._made: dict[str, Section] = {}    # built by _make_turn, not yet in their tab
        self._up = False                        # the panel has had its first show (its sections may run)
        self._held = False                      # hold_first_show: the first show waits for the first paint
        self.sections = Sections(self)
        self.tabs = QTabWidget()
        # a one-section topic shows its page without the tab widget's frame (as before there were sections)
        self.tabs.setDocumentMode(self.document_mode or len(self.section_classes) == 1)
        for cls in self.section_classes:
            self.tabs.addTab(QWidget(), cls.title)   # a placeholder until the section is built
        self.tabs.tabBar().setVisible(len(self.section_classes) > 1)
        self.tabs.currentChanged.connect(self._tab_changed)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tabs)
        theme().changed.connect(self._theme_changed)
        self._listening = True
        self._styled = False   # until the first restyle: the fonts are real from then on
        if self.section_classes:
            self.section(self.section_classes[0].key)
        QTimer.singleShot(0, self, self._restyle)  # splitter sizes and column widths need the real fonts
        QTimer.singleShot(0, self, self._first_show)  # the first section runs as soon as the tab is up

    def section(self, key: str) -> Section:
        """The section ``key``, built now if it was not (a ``KeyError`` for an unknown key)."""
        section = self._built.get(key)
        if section is not None:
            return section
        index = next((i for i, cls in enumerate(self.section_classes) if cls.key == key), None)
        if index is None:
            raise KeyError(key)
        section = self._made.pop(key, None) or self._make(index)
        cls = self.section_classes[index]
        section.status.connect(self.status)
        self._built[key] = section
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)   # swapping the placeholder is not a change of sub-tab
        old = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, section, cls.title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        old.deleteLater()
        if self._styled:
            section.restyle()
            refresh_layout(section)
        self.on_section_built(section)
        self.section_built.emit(section)
        if self._up and self.tabs.currentWidget() is section:
            section.shown()     # its tab was chosen before it was built
        return section

    def _make(self, index: int) -> Section:
        section = self.section_classes[index](self)
        section.hide()    # until it takes its tab
        return section

    def _open_later(self, index: int) -> None:
        """A sub-tab shown for the first time: its section is built in one turn of the event loop and
        takes its tab in the next (as MainWindow opens a topic), so its placeholder paints first and
        the window is never blocked by both."""
        key = self.section_classes[index].key
        QTimer.singleShot(OPEN_TURN_MS, self, lambda: self._make_turn(index, key))

    def _make_turn(self, index: int, key: str) -> None:
        if key not in self._built and key not in self._made:
            self._made[key] = self._make(index)
            QTimer.singleShot(OPEN_TURN_MS, self, lambda: self._open_turn(key))

    def _open_turn(self, key: str) -> None:
        if key not in self._built:
            self.section(key)

    def on_section_built(self, section: Section) -> None:
        """A section was just built: wire it to the panel (a subclass's hook)."""

    def built(self) -> dict[str, Section]:
        """The sections built so far, by key (in the order they were built)."""
        return dict(self._built)

    def build_all(self) -> None:
        """Build every section not built yet."""
        for cls in self.section_classes:
            self.section(cls.key)

    def current_section(self) -> str:
        return self.section_classes[self.tabs.currentIndex()].key

    def show_section(self, key: str) -> None:
        self.tabs.setCurrentWidget(self.section(key))

    def hold_first_show(self) -> None:
        self._held = True

    @Slot()
    def release_first_show(self) -> None:
        if self._held:
            self._held = False
            self._first_show()

    @Slot()
    def _first_show(self) -> None:
        """The first show: the section on screen runs (a worker job beside the first layout and paint
        made them 2-3 times slower: pure-Python jobs hold the GIL the painting needs)."""
        if self._held or self._up:
            return
        self._up = True
        self.on_first_show()
        if self.tabs.count():
            self.section(self.current_section()).shown()

    def on_first_show(self) -> None:
        """The panel's first show (a subclass's hook: panel-wide work starts here)."""

    @Slot(int)
    def _tab_changed(self, index: int) -> None:
        if index < 0:
            return
        key = self.section_classes[index].key
        if key in self._built:
            self._built[key].shown()
        else:
            self._open_later(index)

    @Slot()
    def _theme_changed(self) -> None:
        QTimer.singleShot(0, self, self._restyle)  # after the new fonts have reached every widget

    @Slot()
    def _restyle(self) -> None:
        self._styled = True
        for section in self._built.values():
            section.restyle()
            refresh_layout(section)

    def workers(self) -> list[Worker]:
        return super().workers() + [w for s in [*self._built.values(), *self._made.values()] for w in s.workers()]

    def run_defaults(self) -> None:
        """Every section's default computation (building the ones not built yet)."""
        for section in self.sections.values():
            section.run_defaults()

    def is_idle(self) -> bool:
        return super().is_idle() and all(s.is_idle() for s in self._built.values())

    def cancel(self) -> None:
        for section in self._built.values():
            section.cancel()
        super().cancel()

    def shutdown(self) -> None:
        # the theme outlives every window: stop listening to it, once (a window may be closed twice,
        # and a second disconnect warns, an error under the tests' warnings-as-errors)
        if self._listening:
            self._listening = False
            try:
                theme().changed.disconnect(self._theme_changed)
            except (RuntimeError, TypeError):
                pass
        for section in [*self._built.values(), *self._made.values()]:
            section.shutdown()
        super().shutdown()
