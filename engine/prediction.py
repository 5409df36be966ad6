"""Predict, then reveal: how far a class's prediction was from what the run did, in words.

The GUI (gui/predict.py) takes the click; this module judges it. A prediction is either a point
(x, y) (where an optimizer ends) or one number (an epoch, an accuracy, a loss). The error is the
distance (a point) or the signed difference outcome - prediction (a number); its size relative
to ``scale`` (the range the class could click in) gives the grade.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

# the grade from |error| / scale: at most 5 % "spot on", at most 15 % "close", else "far off"
GRADES = ((0.05, "spot on"), (0.15, "close"))
FAR = "far off"


@dataclass(frozen=True)
class Judgement:
    """One judged prediction. ``error``: the distance (a point) or outcome - prediction (a number);
    ``relative``: |error| / scale; ``sentence``: the whole verdict in words (plain text)."""
    predicted: object
    outcome: object
    error: float | None
    relative: float | None
    grade: str
    sentence: str
    short: str          # the error in a few words, for a label in the plot ("13 epochs earlier")


def grade(relative: float) -> str:
    for limit, word in GRADES:
        if relative <= limit:
            return word
    return FAR


def number_text(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def point_text(point, decimals: int) -> str:
    return f"({point[0]:.{decimals}f}, {point[1]:.{decimals}f})"


def _check_scale(scale: float) -> float:
    scale = float(scale)
    if not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    return scale


def judge_number(predicted: float, outcome: float | None, scale: float, *, you: str, happened: str,
                 missing: str = "there was nothing to compare with", decimals: int = 0, unit: str = "",
                 directions: tuple[str, str] = ("lower", "higher")) -> Judgement:
    """A predicted number against the outcome.

    ``you``: "you predicted epoch {p}"; ``happened``: "early stopping fired at epoch {o}" (``{p}``
    and ``{o}`` are the numbers at ``decimals``); ``missing``: what to say when there is no
    outcome (``outcome`` None: "early stopping never fired"); ``unit``: the error's unit
    ("epochs"); ``directions``: the words for an outcome below / above the prediction."""
    scale = _check_scale(scale)
    p = number_text(predicted, decimals)
    said = you.format(p=p)
    if outcome is None or not math.isfinite(outcome):
        return Judgement(predicted, None, None, None, "no outcome", f"{said[0].upper()}{said[1:]}; {missing}.",
                         missing)
    o = number_text(outcome, decimals)
    error = float(outcome) - float(predicted)
    relative = abs(error) / scale
    word = grade(relative)
    size = number_text(abs(error), decimals)
    if float(size) == 0:
        short = "exactly right"
    else:
        unit_text = f" {unit}" if unit else ""
        if unit and float(size) == 1 and unit.endswith("s"):
            unit_text = f" {unit[:-1]}"
        short = f"{size}{unit_text} {directions[0] if error < 0 else directions[1]}"
    sentence = f"{said[0].upper()}{said[1:]}; {happened.format(o=o)}: {short}. {word[0].upper()}{word[1:]}."
    return Judgement(predicted, outcome, error, relative, word, sentence, short)


def judge_point(predicted, outcome, scale: float, *, you: str, happened: str,
                missing: str = "there was nothing to compare with", decimals: int = 2) -> Judgement:
    """A predicted point (x, y) against the outcome: the error is their distance.

    ``you``: "you predicted Adam ends at {p}"; ``happened``: "it ended at {o}"; ``outcome`` None
    (the path diverged): ``missing``."""
    scale = _check_scale(scale)
    px, py = (float(v) for v in predicted)
    said = you.format(p=point_text((px, py), decimals))
    if outcome is None or not all(math.isfinite(v) for v in outcome):
        return Judgement((px, py), None, None, None, "no outcome", f"{said[0].upper()}{said[1:]}; {missing}.",
                         missing)
    ox, oy = (float(v) for v in outcome)
    error = math.hypot(ox - px, oy - py)
    relative = error / scale
    word = grade(relative)
    short = f"{error:.{decimals}f} away"
    sentence = (f"{said[0].upper()}{said[1:]}; {happened.format(o=point_text((ox, oy), decimals))}: {short}. "
                f"{word[0].upper()}{word[1:]}.")
    return Judgement((px, py), (ox, oy), error, relative, word, sentence, short)
