"""Transfer learning (tutorial section 5): one page, no sub-tabs (see page.py)."""
from gui.section_panel import SectionPanel
from gui.panels.transfer.page import TransferSection


class TransferPanel(SectionPanel):
    title = "Transfer learning"
    section_classes = (TransferSection,)
