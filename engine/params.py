"""Declarative parameters: each tunable value is declared once.

A :class:`Param` carries everything the rest of the app needs to know about a value:
its type, default, allowed range, whether a slider should move on a log scale, the help
text shown as a tooltip, and the validation the engine applies. The GUI builds widgets
from these declarations (``gui/params.py``); the engine calls :meth:`Param.validate`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    default: Any
    kind: str = "float"  # "float" | "int" | "bool" | "choice" | "text" (maximum: its length)
    minimum: float | None = None
    maximum: float | None = None
    log: bool = False
    choices: tuple = ()
    help: str = ""
    decimals: int = 4
    min_inclusive: bool = True
    max_inclusive: bool = True
    check: Callable[[Any], Any] | None = None   # a further check of a text (raises ValueError)

    def __post_init__(self):
        if self.kind not in ("float", "int", "bool", "choice", "text"):
            raise ValueError(f"Param {self.name}: unknown kind {self.kind!r}")
        if self.log and (self.minimum is None or self.minimum <= 0):
            raise ValueError(f"Param {self.name}: a log-scale parameter needs a positive minimum")

    def range_text(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(map(str, self.choices))
        if self.kind == "bool":
            return "True or False"
        if self.kind == "text":
            return "a text" + ("" if self.maximum is None else f" of at most {self.maximum:g} characters")
        lo = "-inf" if self.minimum is None else f"{self.minimum:g}"
        hi = "inf" if self.maximum is None else f"{self.maximum:g}"
        left = "[" if self.min_inclusive and self.minimum is not None else "("
        right = "]" if self.max_inclusive and self.maximum is not None else ")"
        return f"{left}{lo}, {hi}{right}"

    def validate(self, value):
        """Return ``value`` converted to this parameter's type, or raise ValueError."""
        if self.kind == "bool":
            if isinstance(value, (bool, int)) and value in (0, 1):
                return bool(value)
            raise ValueError(f"{self.name} must be True or False, got {value!r}")
        if self.kind == "choice":
            if value in self.choices:
                return value
            raise ValueError(f"{self.name} must be {self.range_text()}, got {value!r}")
        if self.kind == "text":
            if not isinstance(value, str) or (self.maximum is not None and len(value) > self.maximum):
                raise ValueError(f"{self.name} must be {self.range_text()}, got {value!r:.80}")
            if self.check is not None:
                try:
                    self.check(value)
                except ValueError as exc:
                    raise ValueError(f"{self.name}: {exc}") from None
            return value
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.name} must be a number in {self.range_text()}, got {value!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"{self.name} must be a finite number in {self.range_text()}, got {value!r}")
        if self.kind == "int":
            if number != int(number):
                raise ValueError(f"{self.name} must be a whole number in {self.range_text()}, got {value!r}")
            number = int(number)
        too_low = self.minimum is not None and (
            number < self.minimum or (not self.min_inclusive and number == self.minimum))
        too_high = self.maximum is not None and (
            number > self.maximum or (not self.max_inclusive and number == self.maximum))
        if too_low or too_high:
            raise ValueError(f"{self.name} must be in {self.range_text()}, got {value!r}")
        return number


@dataclass(frozen=True)
class ParamSet:
    """An ordered group of parameters with defaults and validation of a whole mapping."""
    params: tuple[Param, ...] = field(default_factory=tuple)

    def __iter__(self):
        return iter(self.params)

    def __getitem__(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def names(self) -> list[str]:
        return [p.name for p in self.params]

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def validate(self, values: dict[str, Any]) -> dict[str, Any]:
        unknown = set(values) - set(self.names())
        if unknown:
            raise ValueError(f"unknown parameter(s): {', '.join(sorted(unknown))}")
        out = self.defaults()
        for name, value in values.items():
            out[name] = self[name].validate(value)
        return out
