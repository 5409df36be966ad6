"""The transport bar of the race's animation: Reset, Back, Play/Pause, Step, End, a slider to
scrub through the steps, and their keys (Space, Ctrl+Left/Right, Home, End).

Playing advances by the speed's worth of steps per second: each tick of a display-rate timer adds
its share to a budget and moves on by the whole steps in it, so any speed from 1 to 240 steps/s
plays evenly without redrawing faster than the display.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSlider, QStyle, QWidget

from gui.live_text import LiveText

from gui.theme import theme

FRAME_MS = 16  # the animation never redraws faster than a 60 Hz display


class Transport(QWidget):
    """Moves through the frames 0 .. ``last``; ``moved`` asks for a frame to be drawn."""
    moved = Signal(int)

    def __init__(self, speed: Callable[[], float], parent=None):
        super().__init__(parent)
        self.speed = speed   # steps per second, read at every tick
        self.frame = 0
        self.last = 0
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._tick)
        self._budget = 0.0
        self.shortcuts: list[QShortcut] = []

        icon = self.style().standardIcon
        self.reset_button = self._button(icon(QStyle.SP_MediaSkipBackward), "Reset", "Back to step 0 (Home)",
                                         self.to_start)
        self.back_button = self._button(icon(QStyle.SP_MediaSeekBackward), "Back", "One step back (Ctrl+Left)",
                                        self.step_back)
        self._play_icon, self._pause_icon = icon(QStyle.SP_MediaPlay), icon(QStyle.SP_MediaPause)
        self.play_button = self._button(self._play_icon, "Play", "Play or pause the race (Space)", self.toggle_play)
        self.step_button = self._button(icon(QStyle.SP_MediaSeekForward), "Step", "One step forward (Ctrl+Right)",
                                        self.step_forward)
        self.end_button = self._button(icon(QStyle.SP_MediaSkipForward), "End", "Jump to the last step (End)",
                                       self.to_end)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setToolTip("Drag to scrub through the steps")
        self.slider.valueChanged.connect(self._scrubbed)
        self.label = LiveText(alignment=Qt.AlignRight)  # new every frame; width set with the step count
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.reset_button, self.back_button, self.play_button, self.step_button, self.end_button):
            lay.addWidget(w)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.label)
        theme().changed.connect(self._show_texts)
        self._show_texts()

    @Slot()
    def _show_texts(self) -> None:
        """Icons with words at the desk; icons only in presentation mode (the words are the tooltips),
        so the step slider keeps its room on a projector."""
        words = not theme().presentation
        # the step slider keeps its room beside a long key; on a projector without the stage view the
        # whole row must fit beside a 505 px controls column in 1024 px
        self.slider.setMinimumWidth(160 if words else 90)
        self.show_frame()
        for button, text in ((self.reset_button, "Reset"), (self.back_button, "Back"),
                             (self.play_button, "Pause" if self.playing else "Play"), (self.step_button, "Step"),
                             (self.end_button, "End")):
            button.setText(text if words else "")

    @staticmethod
    def _button(icon, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(icon, text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def bind_keys(self, widget: QWidget) -> None:
        """The transport's keys work wherever the focus is inside ``widget``."""
        for key, slot in ((Qt.Key_Space, self.toggle_play), (QKeySequence("Ctrl+Right"), self.step_forward),
                          (QKeySequence("Ctrl+Left"), self.step_back), (Qt.Key_Home, self.to_start),
                          (Qt.Key_End, self.to_end)):
            shortcut = QShortcut(QKeySequence(key), widget)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)

    def set_locked(self, locked: bool) -> None:
        """Buttons, slider and keys off (while the class predicts where the race ends) or on again."""
        self.setEnabled(not locked)
        for shortcut in self.shortcuts:
            shortcut.setEnabled(not locked)

    # ------------------------------------------------------------ moving
    def set_last(self, last: int) -> None:
        """The last frame (the race's step count); the current frame stays where it can."""
        self.last = last
        self.slider.blockSignals(True)
        self.slider.setRange(0, last)
        self.slider.blockSignals(False)
        self.frame = min(self.frame, last)

    def set_frame(self, frame: int) -> None:
        self.frame = int(min(max(frame, 0), self.last))
        self.moved.emit(self.frame)

    def step(self, delta: int) -> None:
        self.pause()
        self.set_frame(self.frame + delta)

    @Slot()
    def step_forward(self) -> None:
        self.step(1)

    @Slot()
    def step_back(self) -> None:
        self.step(-1)

    @Slot()
    def to_start(self) -> None:
        self.set_frame(0)

    @Slot()
    def to_end(self) -> None:
        self.set_frame(self.last)

    def show_frame(self) -> None:
        """The slider and the step label at the current frame (without moving again)."""
        self.slider.blockSignals(True)
        self.slider.setValue(self.frame)
        self.slider.blockSignals(False)
        # "step" only at the desk: on a projector the row must fit beside the controls in 1024 px
        word = "" if theme().presentation else "step "
        self.label.setText(f"{word}{self.frame} / {self.last}")
        # as wide as its longest text, so a growing number never re-lays out the transport bar
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance(f"{word}{self.last} / {self.last}") + 4)

    # ------------------------------------------------------------ playing
    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def play(self) -> None:
        if self.frame >= self.last:
            self.frame = 0
        self._budget = 0.0
        self.timer.start()
        self.play_button.setIcon(self._pause_icon)
        self._show_texts()

    def pause(self) -> None:
        self.timer.stop()
        self.play_button.setIcon(self._play_icon)
        self._show_texts()

    @Slot()
    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    @Slot()
    def _tick(self) -> None:
        self._budget += self.speed() * FRAME_MS / 1000.0
        advance = int(self._budget)
        if advance == 0:
            return
        self._budget -= advance
        self.set_frame(self.frame + advance)
        if self.frame >= self.last:
            self.pause()

    @Slot(int)
    def _scrubbed(self, value: int) -> None:
        self.pause()
        self.set_frame(value)
