"""The stage view: the controls column folds into a slim strip so the plots get the width.

One switch for the whole window (:func:`stage`, View → Stage view, F6), on by default in
presentation mode. Every section (gui/lab.py) folds the same way, from what the Section model
declares: its ``key_params`` rows (label, slider, spin box) and the Run/Cancel row of each of its
Runs stay; the lesson and everything else in the column (other parameters, notes, tables, any
button another feature adds) folds away, and comes back as it was when the view is left.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QSlider, QWidget

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
