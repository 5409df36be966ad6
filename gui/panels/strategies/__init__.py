"""Training strategies lab (tutorial section 4): learning-rate schedules, batch size, gradient clipping.

Four sections, every curve from real training runs of engine.nn (engine.strategies):

1. ``schedules`` - the tutorial's four schedules (its figure, instant) and one SGD run per schedule;
2. ``batch_size`` - gradient noise measured next to its formula, and one run per batch size;
3. ``iterations`` - the tutorial's "batch size" cell, which varies SGDClassifier's max_iter;
4. ``clipping`` - the tutorial's clipping example (instant), and a run that explodes without it.

Every section streams its runs on its own worker (gui.lab.RunSection); scikit-learn is only ever
imported on a worker.
"""
from __future__ import annotations

from gui.section_panel import SectionPanel
from gui.panels.strategies.batch_size import BatchSizeSection
from gui.panels.strategies.clipping import ClippingSection
from gui.panels.strategies.iterations import IterationsSection
from gui.panels.strategies.schedules import SchedulesSection


class StrategiesPanel(SectionPanel):
    title = "Training strategies"
    section_classes = (SchedulesSection, BatchSizeSection, IterationsSection, ClippingSection)
