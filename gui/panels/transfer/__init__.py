"""Transfer learning (tutorial section 5): one page, no sub-tabs (see page.py)."""
from gui.lab import SectionPanel
from gui.panels.transfer.page import TransferSection


class TransferPanel(SectionPanel):
    title = "Transfer learning"
    section_classes = (TransferSection,)
    document_mode = True       # no frame around the page: it fills the tab as it always did
