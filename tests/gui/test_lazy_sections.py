"""Sections are built lazily (gui/lab.py SectionPanel): a topic's first show builds the section
on screen only; the others are built when selected or asked for, and everything that walks a
topic's sections (set-ups, Ctrl+R, run_defaults, reports) still covers the ones not built."""
import pytest

from gui.section_panel import SectionPanel
from gui.panels.losses.regression import RegressionSection
from tests.gui.test_lab import GATE, Topic


@pytest.fixture
def topic(qtbot):
    p = Topic()
    qtbot.addWidget(p)
    p.resize(1000, 600)
    p.show()
    yield p
    GATE.set()
    p.shutdown()
    GATE.clear()


def test_only_the_section_on_screen_is_built_and_the_next_when_its_tab_is_chosen(qtbot, topic):
    assert list(topic.built()) == ["instant"]
    assert list(topic.sections) == ["instant", "streaming"] and "streaming" in topic.sections
    assert list(topic.built()) == ["instant"]          # listing the keys builds nothing
    assert topic.tabs.count() == 2 and topic.tabs.tabText(1) == "Streaming"
    topic.tabs.setCurrentIndex(1)                      # the student picks the second sub-tab
    assert list(topic.built()) == ["instant"]          # built after its placeholder has painted, not in the click
    qtbot.waitUntil(lambda: "streaming" in topic.built(), timeout=5000)
    streaming = topic.built()["streaming"]
    assert topic.tabs.currentWidget() is streaming and topic.current_section() == "streaming"
    qtbot.waitUntil(lambda: streaming.ran and streaming.is_idle(), timeout=5000)   # it ran at its first show
    assert streaming.note.text() == "total 10"
    assert streaming.worker in topic.workers()


def test_asking_for_a_section_builds_it_without_switching_to_it(topic):
    streaming = topic.section("streaming")
    assert set(topic.built()) == {"instant", "streaming"}
    assert topic.current_section() == "instant" and topic.tabs.widget(1) is streaming
    assert topic.section("streaming") is streaming     # built once
    with pytest.raises(KeyError):
        topic.section("nope")


def test_run_defaults_builds_and_runs_every_section(qtbot, topic):
    topic.run_defaults()
    assert set(topic.built()) == {"instant", "streaming"}
    qtbot.waitUntil(topic.is_idle, timeout=5000)
    assert topic.section("streaming").result == 10


def test_a_topic_opens_with_one_section_and_a_demo_link_reaches_one_not_built(qtbot, window):
    panel = window.panel_by_key("losses")
    window.tabs.setCurrentWidget(panel)
    assert list(panel.built()) == ["classification"]
    panel.show_section("guide")                        # built on selection, wired to its panel
    assert set(panel.built()) == {"classification", "guide"}
    panel.section("guide").open_demo.emit("outlier", "huber")
    assert panel.current_section() == "outlier" and "outlier" in panel.built()


def test_setups_cover_sections_not_built(qtbot, window):
    from gui.panels.regularization.dropout import DropoutSection
    panel = window.panel_by_key("regularization")
    window.tabs.setCurrentWidget(panel)
    setup = window.setup()
    assert setup["topics"]["regularization"]["dropout"] == DropoutSection.tutorial_values()
    assert "dropout" not in panel.built()
    # the tutorial's values need no section built; a changed value builds the section and shows it
    window.apply_setup(setup)
    assert "dropout" not in panel.built()
    setup["topics"]["regularization"]["dropout"]["rate"] = 0.3
    window.apply_setup(setup)
    assert panel.section("dropout").values()["rate"] == 0.3
    assert window.setup()["topics"]["regularization"]["dropout"]["rate"] == 0.3
    setup["topics"]["regularization"]["mlp_l2"] = {"alpha": -1.0}
    with pytest.raises(ValueError, match="alpha"):     # a bad value is named, as for a built one
        window.apply_setup(setup)
    assert "mlp_l2" not in panel.built()
    panel.cancel()


def test_a_section_holding_state_is_reported_whole(qtbot, window):
    panel = window.panel_by_key("losses")
    window.tabs.setCurrentWidget(panel)
    regression = window.setup()["topics"]["losses"]["regression"]   # built to report its table
    assert {k: regression[k] for k in RegressionSection.tutorial_values()} == RegressionSection.tutorial_values()
    assert "y_true" in regression


def test_ctrl_r_resets_a_section_built_on_selection(qtbot, window):
    panel = window.panel_by_key("losses")
    window.tabs.setCurrentWidget(panel)
    panel.show_section("regression")
    regression = panel.section("regression")
    regression.set_values({"delta": 2.5})
    window.setup_commands.reset_action.trigger()
    assert regression.values()["delta"] == RegressionSection.tutorial_values()["delta"]


def test_every_section_panel_builds_one_section_at_first_show(window):
    from gui import panels
    for index, entry in enumerate(panels.REGISTRY):
        window.tabs.setCurrentIndex(index)
        panel = window.panel(index)
        if isinstance(panel, SectionPanel):
            assert panel.current_section() in panel.built(), entry.key
            assert len(panel.built()) <= 2, (entry.key, list(panel.built()))   # Regularization: two in step


def test_strength_built_late_shows_the_penalties_values_and_fits(qtbot, window):
    panel = window.panel_by_key("regularization")
    window.tabs.setCurrentWidget(panel)
    penalties = panel.section("penalties")
    qtbot.waitUntil(lambda: panel.fits is not None and penalties.result is not None, timeout=60000)
    assert "strength" not in panel.built()
    penalties.set_values({"alpha_lasso": 0.5})
    panel.show_section("strength")                     # built now: in step with the penalties
    strength = panel.section("strength")
    assert strength.values()["alpha_lasso"] == 0.5
    assert strength.fits is panel.fits and strength.penalties is penalties.result
    strength.set_values({"alpha_ridge": 3.0})          # and kept in step both ways
    assert penalties.values()["alpha_ridge"] == 3.0
    qtbot.waitUntil(lambda: strength.penalties is penalties.result, timeout=5000)
    panel.cancel()
