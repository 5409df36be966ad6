"""Hands-on pipeline (tutorial section 6): one page, the tutorial's exercise and your own pipelines
(:mod:`gui.panels.pipeline.exercise`), shown without a tab bar."""
from gui.section_panel import SectionPanel
from gui.panels.pipeline.exercise import Exercise


class PipelinePanel(SectionPanel):
    title = "Hands-on pipeline"
    section_classes = (Exercise,)
