"""The tutorial's loss selection guide."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LossGuideRow:
    task: str
    loss: str
    when_to_use: str
    demo: str  # which part of the Loss functions tab shows it


#: The tutorial's loss selection guide, with the demo each row opens.
SELECTION_GUIDE: tuple[LossGuideRow, ...] = (
    LossGuideRow("Binary classification", "Binary cross-entropy", "Standard binary classification",
                 "classification"),
    LossGuideRow("Multi-class classification", "Categorical cross-entropy", "Mutually exclusive classes",
                 "classification"),
    LossGuideRow("Regression", "MSE", "Standard regression, sensitive to outliers", "regression"),
    LossGuideRow("Regression", "MAE", "Robust to outliers", "regression"),
    LossGuideRow("Regression", "Huber", "Balance between MSE and MAE", "regression"),
    LossGuideRow("Ranking", "Pairwise loss", "Learning to rank", "ranking"),
)
