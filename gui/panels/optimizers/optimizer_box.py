"""One optimizer's group box: its check box takes it in or out of the race, its form holds its
hyper-parameters (a switched-off optimizer takes one line)."""
from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QGroupBox, QVBoxLayout

from engine import optimizers as O
from gui.params import ParamForm
from gui.theme import BLACK, BLUE, BLUISH_GREEN, ORANGE, REDDISH_PURPLE, SKY_BLUE, VERMILLION, theme

# colour of each optimizer: the tutorial's three get the most distinct colours
COLOURS = {"SGD": BLUE, "Momentum": VERMILLION, "Adam": BLUISH_GREEN, "Nesterov": REDDISH_PURPLE,
           "AdaGrad": ORANGE, "RMSprop": SKY_BLUE, "AdamW": BLACK}


class OptimizerBox(QGroupBox):
    """A check box to enable one optimizer plus the form of its hyper-parameters."""

    def __init__(self, name: str, form: ParamForm, enabled: bool):
        super().__init__(name)
        self.name = name
        self.setCheckable(True)
        self.setChecked(enabled)
        self.restyle()
        theme().changed.connect(self.restyle)
        self.form = form
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        lay.addWidget(form)
        self.setToolTip(O.ALL[name].__doc__ or name)
        form.setVisible(enabled)
        self.toggled.connect(form.setVisible)

    @Slot()
    def restyle(self) -> None:
        # a widget with a style sheet no longer follows QApplication.setFont, so the size is set here
        self.setStyleSheet(f"QGroupBox, QGroupBox * {{ font-size: {theme().font_pt}pt; }} "
                           f"QGroupBox::title {{ color: {COLOURS[self.name]}; font-weight: bold; }}")
