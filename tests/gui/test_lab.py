"""The Section model (gui/lab.py): state, validation, the run state machine, the tables."""
import threading

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from engine.params import Param
from gui.lab import RunSection, Section
from gui.section_panel import SectionPanel
from gui.runs import Run
from gui.plots import StyledPlot
from gui.tables import FrameTable

RATE = Param("rate", "rate", 0.5, minimum=0.0, maximum=1.0, help="a rate")
STEPS = Param("steps", "steps", 5, kind="int", minimum=1, maximum=1000, help="steps")
SPEED = Param("speed", "speed", 30, kind="int", minimum=1, maximum=100, help="speed")
GATE = threading.Event()     # a job waits on it after its first event (so a test can cancel it)
CLOSED = []


class Instant(Section):
    key, title, lesson = "instant", "Instant", "<b>lesson</b>"
    params = (RATE,)
    initial = {"rate": 0.25}
    key_params = ("rate",)

    def build(self):
        self.plot = StyledPlot("p")
        self.redraws = []
        self.set_body([self.make_form()], self.plot)

    def on_change(self, name, value):
        self.redraws.append((name, value))


class Streaming(RunSection):
    key, title = "streaming", "Streaming"
    params = (STEPS, RATE, SPEED)
    live_params = ("speed",)
    restart_ms = 10

    def build(self):
        self.plot = StyledPlot("p")
        self.drawn_counts = []
        self.set_body([self.run_row, self.make_form(("steps",)), self.make_form(("rate", "speed")), self.note],
                      self.plot)

    def job(self, steps, rate, speed):
        return self._gen(steps, rate)

    @staticmethod
    def _gen(steps, rate):
        try:
            for i in range(steps):
                if rate == 1.0:
                    raise ValueError("rate 1 is not allowed in this job")
                yield i
                if steps > 100:
                    GATE.wait(5)
            return sum(range(steps))
        finally:
            CLOSED.append(steps)

    def draw(self):
        self.drawn_counts.append(len(self.events))

    def show_result(self, result):
        self.note.setText(f"total {result}")


class Topic(SectionPanel):
    title = "Topic"
    section_classes = (Instant, Streaming)


@pytest.fixture
def panel(qtbot):
    p = Topic()
    qtbot.addWidget(p)
    p.resize(1000, 600)
    p.show()
    yield p
    GATE.set()
    p.shutdown()
    GATE.clear()


def test_values_start_at_the_tutorial_values_and_set_values_validates_first(panel):
    s = panel.section("instant")
    assert s.tutorial_values() == {"rate": 0.25} and s.values() == {"rate": 0.25}
    s.set_values({"rate": 0.75})
    assert s.values() == {"rate": 0.75} and s.redraws == [("rate", 0.75)]
    for bad, word in (({"rate": 2.0}, "rate"), ({"nope": 1}, "nope"), ({"rate": float("nan")}, "rate")):
        with pytest.raises(ValueError, match=word):
            s.set_values(bad)
    assert s.values() == {"rate": 0.75}
    s.reset()
    assert s.values() == {"rate": 0.25}


def test_set_values_changes_nothing_when_one_value_is_bad(panel):
    s = panel.section("streaming")
    with pytest.raises(ValueError, match="steps"):
        s.set_values({"rate": 0.1, "steps": 0})
    assert s.values()["rate"] == 0.5


def test_a_section_must_place_every_param_in_a_form():
    class Careless(Section):
        key = "careless"
        params = (RATE, STEPS)

        def build(self):
            self.make_form(("rate",))

    with pytest.raises(TypeError, match="steps"):
        Careless()


def test_a_run_streams_draws_and_ends_with_its_result(panel, qtbot):
    s = panel.section("streaming")
    with qtbot.waitSignal(s.done, timeout=5000) as done:
        panel.show_section("streaming")    # first show runs it
    assert done.args == [10] and s.result == 10
    assert s.events == [0, 1, 2, 3, 4]
    assert s.drawn_counts[-1] == 5 and s.note.text() == "total 10"
    assert s.run_button.text() == "Run" and not s.cancel_button.isEnabled()
    assert panel.is_idle()


def test_a_run_in_a_hidden_tab_draws_no_frames_until_shown_but_always_its_end(panel, qtbot):
    """Runs streaming in hidden tabs redrew their plots at frame rate (60 schedule redraws while the
    Lasso slider was measured on another topic); now they draw when seen, and when they end."""
    s = panel.section("streaming")
    assert not s.isVisible()
    ticks = []
    s.frame_timer.timeout.connect(lambda: ticks.append(len(s.events)))
    s.set_values({"steps": 200})          # waits on GATE after each event
    s.run()
    qtbot.waitUntil(lambda: len([t for t in ticks if t >= 1]) >= 3, timeout=5000)
    assert s.drawn_counts == [0]          # the start's cleared plot only
    panel.show_section("streaming")
    qtbot.waitUntil(lambda: s.drawn_counts[-1] >= 1, timeout=5000)
    panel.show_section("instant")
    GATE.set()
    qtbot.waitUntil(lambda: s.result is not None, timeout=10000)
    assert s.drawn_counts[-1] == 200 and not s.isVisible()   # the end is drawn, even hidden


def test_a_changed_parameter_restarts_once_a_live_one_does_not(panel, qtbot):
    s = panel.section("streaming")
    with qtbot.waitSignal(s.done, timeout=5000):
        s.run()
    with qtbot.waitSignal(s.done, timeout=5000):
        s.set_values({"steps": 3})
        s.set_values({"steps": 4})     # a drag: one restart after it pauses
    assert s.events == [0, 1, 2, 3]
    s.set_values({"speed": 50})
    assert not s.restart_timer.isActive() and panel.is_idle()


def test_cancel_closes_the_generator_and_says_so(panel, qtbot):
    s = panel.section("streaming")
    CLOSED.clear()
    s.set_values({"steps": 500})
    s.run()
    qtbot.waitUntil(lambda: len(s.events) >= 1, timeout=5000)
    assert s.run_button.text() == "Restart" and s.cancel_button.isEnabled()
    qtbot.keyClick(s.cancel_button, Qt.Key_Space)
    assert "Cancelled" in s.note.text() and not s.worker.busy
    GATE.set()
    qtbot.waitUntil(lambda: 500 in CLOSED, timeout=5000)   # the worker closed the generator
    assert s.result is None


def test_a_failing_job_reads_as_a_sentence(panel, qtbot):
    s = panel.section("streaming")
    s.set_values({"rate": 1.0})
    messages = []
    panel.status.connect(messages.append)
    s.run()
    qtbot.waitUntil(lambda: not s.worker.busy, timeout=5000)
    assert "The run failed" in s.note.text() and "rate 1 is not allowed" in s.note.text()
    assert messages == ["rate 1 is not allowed in this job"]


def test_frame_table_formats_sorts_by_value_and_reports_the_selected_frame_row(qtbot):
    table = FrameTable(formats={"acc": ".3f"}, sortable=True, select_rows=True, stretch="name")
    qtbot.addWidget(table)
    table.set_frame(pd.DataFrame({"name": ["a", "b", "c"], "acc": [0.9, 0.25, float("nan")], "n": [10, 9, 100]}))
    assert table.texts() == [["a", "0.900", "10"], ["b", "0.250", "9"], ["c", "–", "100"]]
    table.sortByColumn(2, Qt.AscendingOrder)      # by value: 9 < 10 < 100 (as text "100" < "9")
    assert table.column_texts("n") == ["9", "10", "100"]
    table.select_row(0)
    assert table.selected_row() == 0 and table.text(1, 0) == "a"
    table.fit_height()
    assert table.height() >= 3 * table.rowHeight(0)


class TwoRuns(Section):
    """A page with two streamed jobs side by side, each with its own Run."""
    key, title = "two", "Two"
    params = (STEPS,)

    def build(self):
        self.started_with = []
        self.sweep = Run(self, "sweep", lambda steps: Streaming._gen(steps, 0.5), on_start=self.started_with.append)
        self.curves = Run(self, "curves", lambda steps: Streaming._gen(steps + 1, 0.5))
        self.set_body([self.sweep.button_row, self.curves.button_row, self.make_form()], StyledPlot("p"))

    def on_change(self, name, value):
        self.sweep.schedule_restart()     # only the sweep depends on it here


def test_a_section_may_hold_several_runs_each_with_its_own_state(qtbot):
    s = TwoRuns()
    qtbot.addWidget(s)
    try:
        with qtbot.waitSignal(s.sweep.done, timeout=5000), qtbot.waitSignal(s.curves.done, timeout=5000):
            s.sweep.start()
            s.curves.start()
        assert s.sweep.result == 10 and s.curves.result == 15
        assert s.started_with == [{"steps": 5}]
        with qtbot.waitSignal(s.sweep.done, timeout=5000):
            s.set_values({"steps": 3})
        assert s.sweep.events == [0, 1, 2] and len(s.curves.events) == 6   # the curves did not restart
        assert s.is_idle() and len(s.workers()) == 2
    finally:
        s.shutdown()


def test_the_sections_cancel_and_idle_cover_every_run(qtbot):
    s = TwoRuns()
    qtbot.addWidget(s)
    try:
        s.set_values({"steps": 500})
        s.sweep.start()
        qtbot.waitUntil(lambda: len(s.sweep.events) >= 1, timeout=5000)
        assert not s.is_idle()
        s.cancel()
        assert s.is_idle() and "Cancelled" in s.sweep.note.text() and s.curves.note.text() == ""
        s.set_values({"steps": 4})           # the sweep has run: a restart is pending
        assert not s.is_idle()
    finally:
        GATE.set()
        s.shutdown()
        GATE.clear()


def test_a_panel_may_be_shut_down_twice(panel):
    panel.shutdown()    # a window closed twice (by hand, then by the test's teardown) shuts its panels twice
    panel.shutdown()


def test_frame_table_shows_a_placeholder_string_in_a_formatted_number_column(qtbot):
    # format(".6f") on "…" raised inside data(): an exception in a Qt virtual crashed the process
    table = FrameTable(formats={"r2": ".6f"})
    qtbot.addWidget(table)
    table.set_frame(pd.DataFrame({"model": ["a", "b"], "r2": ["…", 0.5]}))
    table.fit_height()
    assert table.texts() == [["a", "…"], ["b", "0.500000"]]
