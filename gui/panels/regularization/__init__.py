"""Regularization lab (tutorial section 2): penalties, their strength, dropout, early stopping.

Five sections, one module each (the sub-tab's key is its module's name):

1. penalties - the four linear models' coefficients as bar charts and the tutorial's table;
   the alpha and l1_ratio sliders refit directly on the main thread (about 6 ms).
2. strength - train/test R² against alpha for Ridge and Lasso and the coefficient paths,
   computed once; a line at the current alpha follows the sliders (and can be dragged).
3. dropout - one mask on a matrix of activations, then the over-fitting network trained with
   and without dropout, streaming.
4. early_stopping - a real training run (or the tutorial's simulated curve) with the best
   epoch, the patience window and the stop marked as soon as they are known.
5. mlp_l2 - the tutorial's MLPClassifier with alpha 0 and 0.01, and one alpha of your own.

The panel owns what the first two share: the "fits" job (:func:`engine.regularization.
strength_fits`: the sweep and the paths), which imports scikit-learn on a worker, never on the
main thread, and announces it with :attr:`RegularizationPanel.fits_ready`; and the one set of
penalty values both show (their forms are kept in step; the Penalties section fits, the Strength
section draws that fit).
"""
from __future__ import annotations

from PySide6.QtCore import Signal, Slot

from engine import regularization as R
from gui.lab import SectionPanel
from gui.panels.regularization.dropout import DropoutSection
from gui.panels.regularization.early_stopping import EarlyStoppingSection
from gui.panels.regularization.mlp_l2 import MlpL2Section
from gui.panels.regularization.penalties import PenaltiesSection
from gui.panels.regularization.strength import StrengthSection


class RegularizationPanel(SectionPanel):
    title = "Regularization"
    section_classes = (PenaltiesSection, StrengthSection, DropoutSection, EarlyStoppingSection, MlpL2Section)
    fits_ready = Signal(object)   # the StrengthFits (scikit-learn is imported)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.fits: R.StrengthFits | None = None
        penalties, strength = self.section("penalties"), self.section("strength")
        self.fits_ready.connect(penalties.set_ready)
        self.fits_ready.connect(strength.set_fits)
        penalties.fitted.connect(strength.set_penalties)
        # one set of penalty values: a change in either form is made in the other
        penalties.changed.connect(self._penalty_changed)
        strength.changed.connect(self._penalty_changed)
        self.fits_worker = self.make_worker("fits", on_finished=self._fits_done)
        self.fits_worker.start(R.strength_fits)

    @Slot(str, object)
    def _penalty_changed(self, name: str, value) -> None:
        for key in ("penalties", "strength"):
            self.section(key).set_values({name: value})   # no-op where it already is

    @Slot(object)
    def _fits_done(self, fits: R.StrengthFits) -> None:
        self.fits = fits
        self.fits_ready.emit(fits)

    def run_defaults(self) -> None:
        """The fits (if not done yet) and every training run with the current settings."""
        if self.fits is None and not self.fits_worker.busy:
            self.fits_worker.start(R.strength_fits)
        super().run_defaults()
