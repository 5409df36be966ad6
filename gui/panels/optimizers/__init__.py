"""Optimizers lab: optimizers race on a loss surface, step by step.

One section (:mod:`gui.panels.optimizers.race`, shown without a tab bar). The engine computes
every path at once on the worker (``engine.surfaces.race_job``); the section then reveals them
frame by frame (:mod:`~gui.panels.optimizers.transport`), drawn by
:mod:`~gui.panels.optimizers.race_plots`; each optimizer's hyper-parameters sit in its
:mod:`~gui.panels.optimizers.optimizer_box`. "Explain" writes one optimizer's update out with its
numbers (:mod:`~gui.panels.optimizers.explain`); the hyper-parameter map
(:mod:`~gui.panels.optimizers.map_view`, :mod:`~gui.panels.optimizers.map_plot`) races a grid of settings at once.
"""
from __future__ import annotations

from gui.section_panel import SectionPanel
from gui.panels.optimizers.race import RaceSection


class OptimizersPanel(SectionPanel):
    title = "Optimizers"
    section_classes = (RaceSection,)
