"""What the Transfer learning page's plots and table share: the methods' colours and short
names, the size axis, and the bold legend swatch of its keys."""
from __future__ import annotations

import math

from engine import transfer as T
from gui.theme import BLUE, BLUISH_GREEN, VERMILLION
from gui.widgets import SOLID, swatch

COLOURS = {"scratch": BLUE, "fine-tune": VERMILLION, "freeze": BLUISH_GREEN}
SHORT = {"scratch": "scratch", "fine-tune": "fine-tune", "freeze": "frozen"}
METHODS = T.METHODS
SIZES = T.DEFAULT_SIZES
RELATEDNESS_GRID = T.DEFAULT_RELATEDNESS_GRID
Y_RANGE = (0.45, 1.0)


def key_swatch(colour: str, text: str, symbol: str = SOLID) -> str:
    """A bold coloured line symbol and its text, kept on one line."""
    return swatch(colour, text, symbol, bold=True, one_line=True)


def size_ticks():
    """The target sizes as ticks of a log10 axis."""
    return [[(math.log10(s), str(s)) for s in SIZES]]
