"""Widgets built from engine.params declarations: a labelled slider plus spin box per value.

Tooltips come from the declaration's help text and range; log-scale parameters (learning
rates, penalties) slide on a log scale; the spin box accepts typed values such as ``1e-3``.
"""
from __future__ import annotations

import math
from typing import Any, Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel,
                               QSlider, QSpinBox, QWidget)

from engine.params import Param

SLIDER_STEPS = 1000


def widget_range(param: Param) -> tuple[float, float]:
    """The range a widget may reach: exclusive bounds (momentum < 1) stop one display step short."""
    step = 10.0 ** -param.decimals
    lo = param.minimum if param.min_inclusive else param.minimum + step
    hi = param.maximum if param.max_inclusive else param.maximum - step
    return lo, hi


def out_of_range_message(param: Param, text: str, kept: str) -> str:
    """Why a typed value was not taken ("" when ``text`` is no number or is in range)."""
    try:
        value = float(text.strip())
    except ValueError:
        return ""
    try:
        param.validate(int(value) if param.kind == "int" and value == int(value) else value)
    except (ValueError, TypeError, OverflowError):
        return (f"{param.label}: {text.strip()} is outside the allowed range {param.range_text()}; "
                f"kept {kept}.")
    return ""


def say_why(box, text: str) -> None:
    """A spin box's fixup: a typed value out of range is reverted, and now says why: the
    ``rejected`` signal, which the form forwards to its section's status bar sentence."""
    message = out_of_range_message(box._param, text, box.textFromValue(box.value()))
    if message:
        box.rejected.emit(message)


class IntSpinBox(QSpinBox):
    """QSpinBox that says why a typed value out of range is not taken."""
    rejected = Signal(str)

    def __init__(self, param: Param, parent=None):
        super().__init__(parent)
        self._param = param

    def validate(self, text: str, pos: int):
        stripped = text.strip()
        if stripped in ("", "-", "+"):
            return QValidator.Intermediate, text, pos
        try:
            value = int(stripped)
        except ValueError:
            return QValidator.Invalid, text, pos
        # out of range: Intermediate (not Invalid, which silently drops the keystroke) so that
        # the fixup can say why the value was not taken
        ok = self.minimum() <= value <= self.maximum()
        return (QValidator.Acceptable if ok else QValidator.Intermediate), text, pos

    def fixup(self, text: str) -> None:
        say_why(self, text)


class NumberSpinBox(QDoubleSpinBox):
    """A spin box that shows numbers compactly (0.05, 1e-08) and steps by factors on a log scale."""
    rejected = Signal(str)    # a typed value out of range was not taken: the sentence says why

    def __init__(self, param: Param, parent=None):
        super().__init__(parent)
        self._param = param
        self.setDecimals(max(param.decimals, 12))
        self.setRange(*widget_range(param))
        self.setKeyboardTracking(False)
        self.setAccelerated(True)
        if not param.log:
            self.setSingleStep((param.maximum - param.minimum) / 100)

    def textFromValue(self, value: float) -> str:
        return f"{value:.4g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        stripped = text.strip()
        if stripped in ("", "-", ".", "e", "-.") or stripped.endswith(("e", "e-", "e+")):
            return QValidator.Intermediate, text, pos
        try:
            value = float(stripped)
        except ValueError:
            return QValidator.Invalid, text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.Acceptable, text, pos
        return QValidator.Intermediate, text, pos

    def fixup(self, text: str) -> None:
        say_why(self, text)

    def stepBy(self, steps: int) -> None:
        if self._param.log:
            self.setValue(min(max(float(f"{self.value() * 10 ** (0.1 * steps):.3g}"), self.minimum()), self.maximum()))
        else:
            super().stepBy(steps)


class ParamWidget(QWidget):
    """One parameter: label, slider and spin box (numbers), check box (bool) or combo box (choice)."""
    valueChanged = Signal(object)
    rejected = Signal(str)     # a typed value was out of range and not taken: why, as a sentence

    def __init__(self, param: Param, value: Any = None, parent=None):
        super().__init__(parent)
        self.param = param
        self.label = QLabel(param.label)
        tip = f"<b>{param.label}</b><br>{param.help}<br><i>Allowed: {param.range_text()}</i>"
        self.setToolTip(tip)
        self.label.setToolTip(tip)
        self.slider: QSlider | None = None
        self.editor: QWidget
        self._syncing = False
        value = param.default if value is None else value

        if param.kind == "bool":
            self.editor = QCheckBox()
            self.editor.setChecked(bool(value))
            self.editor.toggled.connect(lambda v: self.valueChanged.emit(bool(v)))
        elif param.kind == "choice":
            self.editor = QComboBox()
            for c in param.choices:
                self.editor.addItem(str(c), c)
            self.editor.setCurrentIndex(list(param.choices).index(value))
            self.editor.currentIndexChanged.connect(lambda i: self.valueChanged.emit(self.editor.itemData(i)))
        else:
            self.slider = QSlider(Qt.Horizontal)
            self.slider.setRange(0, SLIDER_STEPS)
            self.slider.setMinimumWidth(50)
            if param.kind == "int":
                self.editor = IntSpinBox(param)
                self.editor.setRange(int(param.minimum), int(param.maximum))
                self.editor.setKeyboardTracking(False)
                if param.maximum - param.minimum <= SLIDER_STEPS and not param.log:
                    self.slider.setRange(int(param.minimum), int(param.maximum))
            else:
                self.editor = NumberSpinBox(param)
            self.editor.rejected.connect(self.rejected)
            self.editor.setValue(value)
            self.slider.setValue(self._to_slider(value))
            self.slider.valueChanged.connect(self._slider_moved)
            self.editor.valueChanged.connect(self._editor_changed)
            self.slider.setToolTip(tip)
        self.editor.setToolTip(tip)

    # slider position <-> value
    def _exact_int_slider(self) -> bool:
        return self.param.kind == "int" and self.slider.maximum() == self.param.maximum and \
            self.slider.minimum() == self.param.minimum

    def _to_slider(self, value: float) -> int:
        p = self.param
        if self._exact_int_slider():
            return int(value)
        if p.log:
            frac = (math.log10(value) - math.log10(p.minimum)) / (math.log10(p.maximum) - math.log10(p.minimum))
        else:
            frac = (value - p.minimum) / (p.maximum - p.minimum)
        return round(min(max(frac, 0.0), 1.0) * SLIDER_STEPS)

    def _from_slider(self, position: int) -> float:
        p = self.param
        if self._exact_int_slider():
            return position
        frac = position / SLIDER_STEPS
        if p.log:
            value = 10 ** (math.log10(p.minimum) + frac * (math.log10(p.maximum) - math.log10(p.minimum)))
            value = float(f"{value:.3g}")  # slider positions land on readable numbers
        else:
            value = p.minimum + frac * (p.maximum - p.minimum)
            value = round(value, p.decimals)
        lo, hi = widget_range(p)
        value = min(max(value, lo), hi)
        return int(round(value)) if p.kind == "int" else value

    def _slider_moved(self, position: int) -> None:
        if self._syncing:
            return
        self._syncing = True
        self.editor.setValue(self._from_slider(position))
        self._syncing = False
        self.valueChanged.emit(self.value())

    def _editor_changed(self, value) -> None:
        if self._syncing:
            return
        self._syncing = True
        self.slider.setValue(self._to_slider(value))
        self._syncing = False
        self.valueChanged.emit(self.value())

    def value(self):
        if self.param.kind == "bool":
            return self.editor.isChecked()
        if self.param.kind == "choice":
            return self.editor.currentData()
        v = self.editor.value()
        return int(v) if self.param.kind == "int" else float(v)

    def set_value(self, value) -> None:
        """Set programmatically; emits valueChanged once if the value changed."""
        value = self.param.validate(value)
        if value == self.value():
            return
        if self.param.kind == "bool":
            self.editor.setChecked(value)
        elif self.param.kind == "choice":
            self.editor.setCurrentIndex(list(self.param.choices).index(value))
        else:
            self.editor.setValue(value)  # the editor's signal syncs the slider and emits


class ParamForm(QWidget):
    """A grid of ParamWidgets; emits ``changed(name, value)``, and ``rejected(sentence)`` when a
    typed value was out of range and not taken."""
    changed = Signal(str, object)
    rejected = Signal(str)

    def __init__(self, params: Iterable[Param], values: dict | None = None, parent=None):
        super().__init__(parent)
        values = values or {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        self.widgets: dict[str, ParamWidget] = {}
        for row, p in enumerate(params):
            w = ParamWidget(p, values.get(p.name), self)
            self.widgets[p.name] = w
            grid.addWidget(w.label, row, 0)
            if w.slider is not None:
                grid.addWidget(w.slider, row, 1)
                grid.addWidget(w.editor, row, 2)
            else:
                grid.addWidget(w.editor, row, 1, 1, 2)
            w.valueChanged.connect(lambda v, name=p.name: self.changed.emit(name, v))
            w.rejected.connect(self.rejected)

    def values(self) -> dict[str, Any]:
        return {name: w.value() for name, w in self.widgets.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        for name, v in values.items():
            self.widgets[name].set_value(v)

    def __getitem__(self, name: str) -> ParamWidget:
        return self.widgets[name]


def row(*widgets, stretch_last: bool = False) -> QWidget:
    """A horizontal strip of widgets without margins."""
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        lay.addWidget(w)
    if not stretch_last:
        lay.addStretch(1)
    return box
