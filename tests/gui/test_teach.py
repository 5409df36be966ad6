"""Teaching with the lab: export (plots, tab images, tables), pinned runs, the handout (--report)."""
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton

from engine.params import Param
from gui import panels
from gui.lab import RunSection
from gui.section_panel import SectionPanel
from gui.pins import MAX_PINS
from gui.plots import StyledPlot
from gui.tables import FrameTable

RATE = Param("rate", "rate", 0.5, minimum=0.0, maximum=1.0, help="a rate")
STEPS = Param("steps", "steps", 20, kind="int", minimum=1, maximum=1000, help="steps")
SPEED = Param("speed", "speed", 30, kind="int", minimum=1, maximum=100, help="speed")


class Curves(RunSection):
    """A streaming section with one named curve, y = rate * step, and a results table."""
    key, title = "curves", "Curves"
    params = (STEPS, RATE, SPEED)
    live_params = ("speed",)
    restart_ms = 10

    def build(self):
        self.plot = StyledPlot("Growth", "step", "y")
        self.line = self.plot.curve(0, name="growth")
        self.plot.add_legend()
        self.table = FrameTable()
        self.set_body([self.run_row, self.make_form(), self.table, self.note], self.plot)

    def job(self, steps, rate, speed):
        return ((i, rate * i) for i in range(steps))

    def draw(self):
        self.line.setData([e[0] for e in self.events], [e[1] for e in self.events])

    def show_result(self, result):
        self.table.set_frame(pd.DataFrame({"step": [e[0] for e in self.events], "y": [e[1] for e in self.events]}))
        self.note.setText(f"{len(self.events)} steps")

    def plots(self):
        return {"growth": self.plot}

    def tables(self):
        return {"growth": self.table.frame}


class Topic(SectionPanel):
    title = "Topic"
    section_classes = (Curves,)


@pytest.fixture
def section(qtbot):
    p = Topic()
    qtbot.addWidget(p)
    p.resize(1000, 600)
    p.show()
    s = p.section("curves")
    qtbot.waitUntil(lambda: s.is_idle() and len(s.table.frame) == 20, timeout=5000)
    yield s
    p.shutdown()


def save_dialog_returns(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def rerun_with(qtbot, section, **values):
    with qtbot.waitSignal(section.done, timeout=5000):
        section.set_values(values)


# ------------------------------------------------------------------ export
def test_the_plot_menu_exports_png_svg_and_csv_that_read_back(section, tmp_path, monkeypatch):
    menu = section.plot.context_menu()
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts == ["Export PNG image…", "Export SVG drawing…", "Export CSV of the curves…", "Copy image"]
    for action, suffix in zip(menu.actions(), ("png", "svg", "csv")):
        save_dialog_returns(monkeypatch, tmp_path / f"plot.{suffix}")
        action.trigger()
    image = QImage(str(tmp_path / "plot.png"))
    assert not image.isNull() and image.width() >= 600
    assert image.width() == pytest.approx(2 * section.plot.width(), abs=2)
    root = ET.parse(tmp_path / "plot.svg").getroot()
    assert root.tag.endswith("svg") and root.iter("{http://www.w3.org/2000/svg}path") is not None
    assert "Growth" in (tmp_path / "plot.svg").read_text()     # the title is there, as text
    frame = pd.read_csv(tmp_path / "plot.csv")
    assert list(frame.columns) == ["curve", "x", "y"] and set(frame["curve"]) == {"growth"}
    np.testing.assert_allclose(frame["y"], 0.5 * np.arange(20))


def test_a_plot_export_to_a_missing_folder_says_so_in_the_status_bar(section, tmp_path, monkeypatch):
    from gui.export import save_plot_as
    save_dialog_returns(monkeypatch, tmp_path / "missing" / "plot.png")
    assert save_plot_as(section.plot, ".png") is None     # no exception reaches the user


def test_a_results_table_exports_its_frame_as_csv(section, tmp_path, monkeypatch):
    menu = section.table.context_menu()
    assert [a.text() for a in menu.actions()] == ["Export CSV…"]
    save_dialog_returns(monkeypatch, tmp_path / "table")        # the suffix is added
    menu.actions()[0].trigger()
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "table.csv"), section.table.frame)


def test_tab_image_is_twice_the_screen_resolution_and_ctrl_shift_c_copies_it(window, qtbot, tmp_path):
    out = window.export_tab_image(str(tmp_path / "tab"))
    image = QImage(str(out))
    tab = window.tabs.currentWidget()
    assert (image.width(), image.height()) == (2 * tab.width(), 2 * tab.height())
    QApplication.clipboard().clear()
    qtbot.keyClick(window, Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)
    copied = QApplication.clipboard().image()
    assert (copied.width(), copied.height()) == (image.width(), image.height())


# ------------------------------------------------------------------ pins
def ghost_data(section):
    return [(item.xData.copy(), item.yData.copy(), name) for item, name in section.plot.export_curves()
            if hasattr(item, "export_name")]


def test_a_pin_survives_a_new_run_and_names_the_changed_setting(section, qtbot):
    pin_button = next(b for b in section.run_row.findChildren(QPushButton) if b.text() == "Pin")
    qtbot.mouseClick(pin_button, Qt.LeftButton)
    assert section.pins.texts() == ["pin 1: same settings"]
    rerun_with(qtbot, section, rate=0.75)
    ghosts = ghost_data(section)
    assert len(ghosts) == 1
    x, y, name = ghosts[0]
    np.testing.assert_allclose(y, 0.5 * np.arange(20))          # the pinned run, not the new one
    np.testing.assert_allclose(section.line.yData, 0.75 * np.arange(20))
    assert name == "pin 1: rate 0.5 / growth"
    label = section.pins.pins[0].labels[0][1]
    assert label.toPlainText() == "pin 1: rate 0.5"
    ghost = section.pins.pins[0].ghosts[0][1]
    assert ghost.opts["pen"].style() == Qt.DashLine and ghost.opts["pen"].color().alphaF() < 0.5
    assert "growth" in section.plot.legend.text_entries() and len(section.plot.legend.text_entries()) == 1
    section.set_values({"speed": 90})                                 # a live setting does not count
    assert section.pins.texts() == ["pin 1: rate 0.5"]
    frame = pd.read_csv(__import__("io").StringIO(__import__("gui.export", fromlist=["x"])
                                                  .curves_frame(section.plot).to_csv(index=False)))
    assert set(frame["curve"]) == {"growth", "pin 1: rate 0.5 / growth"}


def test_pins_cap_at_three_and_clear(section, qtbot):
    for rate in (0.1, 0.2, 0.3, 0.4):
        rerun_with(qtbot, section, rate=rate)
        section.pins.pin()
    assert len(section.pins.pins) == MAX_PINS
    rerun_with(qtbot, section, rate=0.9)
    # the oldest (rate 0.1) went; each label names its own rate
    assert section.pins.texts() == ["pin 2: rate 0.2", "pin 3: rate 0.3", "pin 1: rate 0.4"]
    assert len(ghost_data(section)) == 3
    clear = next(b for b in section.run_row.findChildren(QPushButton) if b.text() == "Clear pins")
    assert clear.isEnabled()
    qtbot.mouseClick(clear, Qt.LeftButton)
    assert section.pins.pins == [] and ghost_data(section) == [] and not clear.isEnabled()
    items = section.plot.getPlotItem().items
    assert [i for i in items if isinstance(i, pg.PlotDataItem)] == [section.line]     # ghosts gone
    assert not any(isinstance(i, pg.TextItem) for i in section.plot.getPlotItem().vb.childItems())  # labels gone


def test_pin_waits_for_a_running_run(section, qtbot):
    section.set_values({"steps": 1000, "speed": 1})
    section.run()
    assert not section.is_idle()
    assert section.pins.pin() is None and section.pins.pins == []
    section.cancel()
    qtbot.waitUntil(section.is_idle, timeout=5000)


def test_the_race_pins_its_paths(window, qtbot):
    race = window.panel_by_key("optimizers").section("race")
    qtbot.waitUntil(lambda: bool(race.paths) and race.is_idle(), timeout=10000)
    pin = next(b for b in race.findChildren(QPushButton) if b.text() == "Pin")
    qtbot.mouseClick(pin, Qt.LeftButton)
    assert race.pins.pins and {id(p) for p, _ in race.pins.pins[0].ghosts} == \
        {id(race.race_plots.contour), id(race.race_plots.convergence)}
    with qtbot.waitSignal(race.done, timeout=5000):
        race.set_values({"SGD.lr": 0.08})
    assert race.pins.texts() == ["pin 1: SGD.lr 0.05"]


# ------------------------------------------------------------------ the handout
def report_sections(text):
    """{topic title: its HTML} from the handout."""
    parts = re.split(r"<h2>(.*?)</h2>", text)
    return dict(zip(parts[1::2], parts[2::2]))


def png_widths(text):
    import base64
    import struct
    return [struct.unpack(">I", base64.b64decode(b)[16:20])[0]
            for b in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", text)]


def test_the_report_of_some_topics_has_lessons_figures_tables_and_pins(window, qtbot, tmp_path):
    from gui.report import write_report
    margins = window.panel_by_key("losses").section("margins")
    margins.pins.pin()
    progress = []
    out, seconds, size = write_report(tmp_path / "handout.html", window, QApplication.instance(),
                                      topics=["losses", "reference"], say=progress.append)
    text = out.read_text(encoding="utf-8")
    assert size == len(text.encode("utf-8")) and seconds > 0
    topics = report_sections(text)
    assert list(topics) == ["Loss functions", "Reference"]
    losses = topics["Loss functions"]
    for section in window.panel_by_key("losses").sections.values():
        assert f"<h3>{section.title}</h3>" in losses
    assert losses.count("<img") >= 7 and min(png_widths(losses)) >= 600
    assert losses.count('class="dataframe data"') == 6              # every section lists a table
    assert "Pinned runs (dashed ghosts): pin 1: same settings" in losses
    assert "<h3>Quick reference</h3>" in topics["Reference"]
    assert progress[0] == "report: Loss functions (1/2)…"
    assert "src=\"http" not in text and "<script" not in text        # self-contained, nothing to run


def test_file_save_handout_keeps_the_windows_pins_and_tab(window, qtbot, tmp_path):
    race = window.panel_by_key("optimizers").section("race")
    qtbot.waitUntil(lambda: bool(race.paths) and race.is_idle(), timeout=10000)
    race.pins.pin()
    with qtbot.waitSignal(race.done, timeout=5000):
        race.set_values({"SGD.lr": 0.02})
    out = window.save_handout(str(tmp_path / "class.html"), topics=["optimizers"])
    text = out.read_text(encoding="utf-8")
    assert "Pinned runs (dashed ghosts): pin 1: SGD.lr 0.05" in text
    assert window.tabs.currentIndex() == 0 and "Saved the handout" in window.statusBar().currentMessage()
    assert window.save_handout(str(tmp_path / "missing" / "x.html")) is None
    assert "does not exist" in window.statusBar().currentMessage()


def test_the_report_of_an_opened_set_up_shows_its_values(window, tmp_path):
    import json
    from pathlib import Path
    from gui.report import write_report
    root = Path(__file__).resolve().parents[2]
    scenario = json.loads((root / "resources/scenarios/optimizers-1-sgd-diverges.json").read_text())
    lr = scenario["topics"]["optimizers"]["race"]["SGD.lr"]
    out, _, _ = write_report(tmp_path / "s.html", window, QApplication.instance(), setup=scenario,
                             topics=["optimizers"], origin="the set-up sgd.json")
    text = out.read_text(encoding="utf-8")
    assert "from the set-up sgd.json" in text
    race = window.panel_by_key("optimizers").section("race")
    assert race.values()["SGD.lr"] == lr
    assert race.tables()["race"].to_html(index=False, na_rep="–", float_format=lambda v: f"{v:.4g}",
                                          border=0, classes="data") in text     # the set-up's race, not the default


def test_main_report_rejects_a_bad_path_with_one_line_and_status_2(tmp_path, capsys):
    import main
    assert main.main(["--report", str(tmp_path / "no" / "such" / "out.html")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0]
    assert main.main(["--report", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_main_report_writes_every_topic(tmp_path):
    """The whole handout, once, as a lecturer runs it (about 45 s here)."""
    import subprocess
    import sys
    from pathlib import Path
    out = tmp_path / "handout.html"
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, str(root / "main.py"), "--report", str(out)], cwd=root,
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    topics = report_sections(text)
    assert list(topics) == [e.title for e in panels.REGISTRY]
    for title, body in topics.items():
        if title != "Reference":
            assert "<img" in body and 'class="dataframe data"' in body, title
        if title not in ("Loss functions", "Reference"):     # the streaming topics say how their runs ended
            assert 'class="note"' in body, title
    assert min(png_widths(text)) >= 600
    assert "report: Optimizers (1/7)…" in run.stderr and "report: wrote" in run.stderr
    assert "Traceback" not in run.stderr
