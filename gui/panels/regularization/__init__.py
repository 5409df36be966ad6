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
from gui.section_panel import SectionPanel
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
        super().__init__(parent)      # builds the Penalties section (the Strength one when first shown)
        self.fits: R.StrengthFits | None = None
        self.fits_worker = self.make_worker("fits", on_finished=self._fits_done)

    def on_first_show(self) -> None:
        self._start_fits()

    def _start_fits(self) -> None:
        """The Strength section's fits, once (they import scikit-learn on the worker)."""
        if self.fits is None and not self.fits_worker.busy:
            self.fits_worker.start(R.strength_fits)

    def on_section_built(self, section) -> None:
        """Wire the two sections that share the penalty values, whichever is built first."""
        if section.key not in ("penalties", "strength"):
            return
        # one set of penalty values: a change in either form is made in the other
        section.changed.connect(self._penalty_changed)
        built = self.built()
        if section.key == "penalties":
            self.fits_ready.connect(section.set_ready)
            if getattr(self, "fits", None) is not None:
                section.set_ready(self.fits)
            if "strength" in built:
                section.fitted.connect(built["strength"].set_penalties)
            return
        self.fits_ready.connect(section.set_fits)
        if getattr(self, "fits", None) is not None:
            section.set_fits(self.fits)
        penalties = built.get("penalties")
        if penalties is not None:
            penalties.fitted.connect(section.set_penalties)
            shared = {k: v for k, v in penalties.values().items() if k in section.values()}
            section.set_values(shared)
            if penalties.result is not None:
                section.set_penalties(penalties.result)

    @Slot(str, object)
    def _penalty_changed(self, name: str, value) -> None:
        built = self.built()
        for key in ("penalties", "strength"):
            if key in built:
                built[key].set_values({name: value})   # no-op where it already is

    @Slot(object)
    def _fits_done(self, fits: R.StrengthFits) -> None:
        self.fits = fits
        self.fits_ready.emit(fits)

    def run_defaults(self) -> None:
        """The fits (if not done yet) and every training run with the current settings."""
        self._start_fits()
        super().run_defaults()
