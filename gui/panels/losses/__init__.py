"""Loss functions lab: every loss of the tutorial's section 1, live, with its gradient.

Sub-tabs (one module each): classification (BCE curves, an editable table of labels and
predictions, categorical cross-entropy through a softmax), regression (MSE/MAE/Huber curves and
the tutorial's outlier table), outlier (a scatter with one draggable point and the squared-,
absolute- and Huber-loss lines), margins (hinge, logistic, zero-one), ranking (the tutorial's four
items) and guide (the tutorial's selection guide, whose rows open the demos). The regression part
of the tutorial fills two tabs so that each stays readable at 18 pt on a 1280x800 projector.

Everything here is cheap: the engine's losses take microseconds and ``engine.robust_fit``'s
fast solvers refit the three lines in well under a millisecond (benchmarks/bench_losses_gui.py
measures slider-to-repaint and drag-to-repaint), so every section is instant: no worker.
"""
from __future__ import annotations

from PySide6.QtCore import Slot

from gui.section_panel import SectionPanel
from gui.panels.losses.classification import ClassificationSection
from gui.panels.losses.guide import GuideSection
from gui.panels.losses.margins import MarginsSection
from gui.panels.losses.outlier import OutlierSection
from gui.panels.losses.ranking import RankingSection
from gui.panels.losses.regression import RegressionSection

DEMO_HINTS = {
    "Binary cross-entropy": "Binary cross-entropy: the two curves and the table of the tutorial's predictions.",
    "Categorical cross-entropy": "Categorical cross-entropy: the three logit sliders and the softmax bars.",
    "MSE": "MSE: the blue curve; the outlier's squared error dominates the table.",
    "MAE": "MAE: drag the outlier; the dashed absolute-loss line barely moves.",
    "Huber": "Huber: the green curve; move δ between the tutorial's 1 and 10.",
    "Pairwise loss": "Pairwise ranking loss: try the good and the bad scores.",
    "Hinge / logistic": "Hinge and logistic loss against the margin; drag the grey line.",
}


class LossesPanel(SectionPanel):
    title = "Loss functions"
    section_classes = (ClassificationSection, RegressionSection, OutlierSection, MarginsSection, RankingSection,
                       GuideSection)
    document_mode = True

    def on_section_built(self, section) -> None:
        if section.key == "guide":
            section.open_demo.connect(self.open_demo)

    @Slot(str, str)
    def open_demo(self, key: str, loss: str) -> None:
        self.show_section(key)
        self.status.emit(DEMO_HINTS.get(loss, self.section(key).title))

    def run_defaults(self) -> None:
        """Every section back to the tutorial's values (one not built yet is at them); nothing runs
        in the background."""
        for section in self.built().values():
            section.reset()
        self.show_section("classification")
