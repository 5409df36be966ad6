"""Messages a student must be able to read: a typed value out of range says why it was not taken,
and the status bar speaks only for the tab in view."""
import pytest
from PySide6.QtCore import Qt

from engine.params import Param
from gui.params import ParamWidget
from tests.gui.helpers import type_into


@pytest.mark.parametrize("param, typed, kept, good", [
    (Param("rate", "dropout rate", 0.5, minimum=0.0, maximum=0.9, decimals=2), "3", "0.5", 0.25),
    (Param("epochs", "epochs", 20, kind="int", minimum=1, maximum=200), "500", "20", 7),
], ids=["float", "int"])
def test_a_typed_value_out_of_range_says_why_it_was_not_taken(qtbot, param, typed, kept, good):
    w = ParamWidget(param)
    qtbot.addWidget(w.editor)
    w.editor.show()
    said = []
    w.rejected.connect(said.append)
    type_into(qtbot, w.editor, typed)
    assert w.value() == param.default                    # reverted, as before...
    assert said and typed in said[-1] and "outside the allowed range" in said[-1]   # ...but now says why
    assert f"kept {kept}" in said[-1] and param.label in said[-1]
    said.clear()
    type_into(qtbot, w.editor, str(good))                # in range: taken, nothing said
    assert w.value() == good and not said


def test_a_section_forwards_the_reason_to_the_status_bar(qtbot, window):
    panel = window.panel_by_key("regularization")
    window.tabs.setCurrentWidget(panel)
    section = panel.section("penalties")
    editor = section.param_widget("alpha_lasso").editor
    type_into(qtbot, editor, "1e9")
    assert "outside the allowed range" in window.statusBar().currentMessage()
    panel.cancel()


def test_the_status_bar_keeps_no_other_tabs_message(qtbot, window):
    first = window.panel(0)
    first.status.emit("a sentence of the first tab")
    assert window.statusBar().currentMessage() == "a sentence of the first tab"
    window.tabs.setCurrentIndex(1)
    assert window.statusBar().currentMessage() == ""
    first.status.emit("a late sentence from the hidden tab")      # e.g. its run finishing
    assert window.statusBar().currentMessage() == ""
    window.panel(1).cancel()
    first.cancel()


def test_a_sub_tab_switch_clears_the_last_sub_tabs_sentence(qtbot, window):
    panel = window.panel_by_key("regularization")
    window.tabs.setCurrentWidget(panel)
    panel.status.emit("a sentence of the first sub-tab")
    assert window.statusBar().currentMessage() == "a sentence of the first sub-tab"
    panel.tabs.setCurrentIndex(1)
    assert window.statusBar().currentMessage() == ""
    panel.cancel()
