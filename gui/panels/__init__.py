"""Registry of topic tabs, in the order the tutorial teaches them.

Panels are imported and built lazily, the first time their tab is shown, so that start-up
pays only for the tab the user opens.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class TopicEntry:
    key: str        # used by --tab
    title: str      # the tab's text
    module: str
    cls: str

    def load(self):
        return getattr(importlib.import_module(self.module), self.cls)


REGISTRY: list[TopicEntry] = [
    TopicEntry("optimizers", "Optimizers", "gui.panels.optimizers", "OptimizersPanel"),
    TopicEntry("losses", "Loss functions", "gui.panels.losses", "LossesPanel"),
    TopicEntry("regularization", "Regularization", "gui.panels.regularization", "RegularizationPanel"),
    TopicEntry("strategies", "Training strategies", "gui.panels.strategies", "StrategiesPanel"),
    TopicEntry("transfer", "Transfer learning", "gui.panels.transfer", "TransferPanel"),
    TopicEntry("pipeline", "Hands-on pipeline", "gui.panels.pipeline", "PipelinePanel"),
    TopicEntry("reference", "Reference", "gui.panels.reference", "ReferencePanel"),
]


def find(name: str) -> TopicEntry:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    for entry in REGISTRY:
        if key in (entry.key, entry.title.lower().replace(" ", "_")):
            return entry
    raise ValueError(f"unknown tab {name!r}; choose one of: {', '.join(e.key for e in REGISTRY)}")
