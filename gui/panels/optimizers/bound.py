"""Parameters shown by a section's own widgets instead of a ParamForm's.

The Optimizers lab shows three kinds of parameters by widgets a form does not make: the surface
(a combo box listing the surfaces by title), each optimizer's switch (its group box's check) and
the start point (a click on the contour plot). A :class:`Bound` gives such a parameter what
:class:`gui.lab.Section` needs of a form's widget (``value()``, ``set_value()``, validated by the
Param) and a :class:`BoundForm` what it needs of a form (``widgets``, ``values()``), so
``values()``, ``set_values()`` and ``tutorial_values()`` cover them like any other parameter.
"""
from __future__ import annotations

from typing import Any, Callable

from engine.params import Param


class Bound:
    """``param`` read with ``read()`` and written with ``write(value)`` (the widget's own signal,
    or the writer, reports the change)."""

    def __init__(self, param: Param, read: Callable[[], Any], write: Callable[[Any], None], widget=None):
        self.param = param
        self.label = self.slider = None
        self.editor = widget   # the widget that shows it, if any (the stage view keeps it beside the plots)
        self._read = read
        self._write = write

    def value(self):
        return self._read()

    def set_value(self, value) -> None:
        value = self.param.validate(value)
        if value != self.value():
            self._write(value)


class BoundForm:
    """Bound parameters in the shape of a form (the section reports their changes itself)."""

    def __init__(self):
        self.widgets: dict[str, Bound] = {}

    def add(self, bound: Bound) -> Bound:
        self.widgets[bound.param.name] = bound
        return bound

    def values(self) -> dict[str, Any]:
        return {name: w.value() for name, w in self.widgets.items()}
