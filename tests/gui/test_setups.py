"""Set-ups: save and open the whole lab, bad set-ups refused whole, Ctrl+R and the Tutorial
values button, --open from the command line, what the window remembers."""
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import main as app_main
from gui import panels, settings
from gui import setups as S
from tests.gui.helpers import plain, type_into

ROOT = Path(__file__).resolve().parents[2]


def test_round_trip_through_a_file(qtbot, window, new_window, tmp_path):
    race = window.panel_by_key("optimizers").section("race")
    type_into(qtbot, race.param_widget("SGD.lr").editor, "0.11")
    race.boxes["Adam"].setChecked(False)
    window.tabs.setCurrentIndex(panels.REGISTRY.index(panels.find("losses")))
    losses = window.panel()
    losses.show_section("outlier")
    outlier = losses.section("outlier")
    outlier.outlier.setPos(9.0, -5.0)            # as a drag would leave it
    outlier.band_check.setChecked(True)
    type_into(qtbot, losses.section("regression").param_widget("delta").editor, "10")
    saved = window.setup()
    assert saved["topic"] == "losses" and saved["section"] == "outlier"
    assert saved["topics"]["optimizers"]["race"]["SGD.lr"] == 0.11
    assert saved["topics"]["optimizers"]["race"]["Adam"] is False
    assert saved["topics"]["losses"]["outlier"]["outlier"] == [9.0, -5.0]
    assert saved["topics"]["regularization"]["penalties"]["alpha_lasso"] == 0.1   # never built: the tutorial's
    path = tmp_path / "class.json"
    window.setup_commands.save_to(path)
    assert json.loads(path.read_text()) == saved

    other = new_window()
    assert other.setup() != saved
    other.setup_commands.open_from(path)
    assert other.setup() == saved
    assert other.panel().section("outlier").band_check.isChecked()
    assert other.panel_by_key("optimizers").section("race").param_widget("SGD.lr").value() == 0.11


def test_a_set_up_file_with_a_title_and_a_watch_line_opens_as_a_scenario(window, tmp_path):
    path = tmp_path / "week3.json"
    mine = {**window.setup(), "title": "Week 3", "watch": "the bowl, slowly"}
    path.write_text(json.dumps(mine))
    window.setup_commands.open_from(path)
    assert window.setup_commands.banner.isVisible()
    assert "Week 3" in plain(window.setup_commands.banner_label)
    window.setup_commands.open_from(tmp_path / "week3.json")
    path.write_text(json.dumps(window.setup()))
    window.setup_commands.open_from(path)
    assert not window.setup_commands.banner.isVisible()


def test_a_setup_that_omits_a_section_leaves_it_at_the_tutorial_values(window):
    race = window.panel_by_key("optimizers").section("race")
    race.set_values({"SGD.lr": 0.3, "noise": 2.0})
    window.apply_setup({"schema": 1, "topics": {"optimizers": {"race": {"noise": 1.0}}}})
    assert race.values()["SGD.lr"] == race.tutorial_values()["SGD.lr"]
    assert race.values()["noise"] == 1.0
    window.apply_setup({"schema": 1})
    assert race.values() == race.tutorial_values()
    # a race given only its surface: that surface's preset and start, as choosing it in the lab would
    window.apply_setup({"schema": 1, "topics": {"optimizers": {"race": {"surface": "rosenbrock"}}}})
    assert race.values()["SGD.lr"] == 0.001 and (race.values()["start_x"], race.values()["start_y"]) == (-1.5, 2.5)


def test_every_scenario_opens_shows_what_to_watch_and_differs_from_the_defaults(qtbot, window):
    found = S.scenarios()
    assert len(found) >= 12
    assert len({s.topic for s in found}) >= 5
    defaults = window.setup()["topics"]
    for scenario in found:
        window.setup_commands.open_scenario(scenario)
        now = window.setup()
        assert now["topic"] == scenario.topic, scenario.name
        assert now["section"] == scenario.setup["section"], scenario.name
        section = scenario.setup["section"]
        assert now["topics"][scenario.topic][section] != defaults[scenario.topic][section], scenario.name
        for key, value in scenario.setup["topics"][scenario.topic][section].items():
            assert now["topics"][scenario.topic][section][key] == value, (scenario.name, key)
        assert window.setup_commands.banner.isVisible()
        assert scenario.watch in plain(window.setup_commands.banner_label)
        assert scenario.watch in window.statusBar().currentMessage()
        panel = window.panel()
        for s in panel.sections.values():   # every section with values has its Tutorial values button
            assert s.tutorial_button.isVisibleTo(s) == s.has_values(), s.key
        panel.cancel()
    window.tabs.setCurrentIndex(0)          # another topic: the banner goes
    assert not window.setup_commands.banner.isVisible()


def scenario(name):
    return next(s for s in S.scenarios() if s.name == name)


def test_scenarios_show_what_their_watch_line_says(qtbot, window):
    """The cheap ones, measured (the training runs were checked on screenshots)."""
    commands = window.setup_commands
    commands.open_scenario(scenario("optimizers-1-sgd-diverges"))
    race = window.panel().section("race")
    qtbot.waitUntil(lambda: race.is_idle() and "SGD" in race.paths, timeout=20000)
    assert race.paths["SGD"].diverged_at is not None
    race.set_values({"SGD.lr": 0.09})
    qtbot.waitUntil(lambda: race.is_idle() and race.paths["SGD"].hyperparameters.get("lr") == 0.09, timeout=20000)
    assert race.paths["SGD"].diverged_at is None

    commands.open_scenario(scenario("losses-1-outlier-mse-vs-huber"))
    fit = window.panel().section("outlier").fit
    assert abs(fit.squared.slope - 0.5) > 0.15          # the squared-loss line tilts toward the outlier
    assert abs(fit.huber.slope - 0.5) < 0.05 and abs(fit.absolute.slope - 0.5) < 0.05

    commands.open_scenario(scenario("regularization-1-lasso-zeroes-noise"))
    penalties = window.panel().section("penalties")
    qtbot.waitUntil(lambda: penalties.result is not None and penalties.result.alpha("L1 (Lasso)") == 2.0,
                    timeout=30000)
    assert penalties.result.zeroed("L1 (Lasso)") == (15, 0)     # every noise coefficient, no informative one
    assert window.panel().section("strength").values()["alpha_lasso"] == 2.0   # the linked section follows


def test_scenario_menu_is_grouped_by_topic(window):
    menus = [a.menu() for a in window.setup_commands.scenarios_menu.actions() if a.menu() is not None]
    titles = [m.title() for m in menus]
    assert titles == [e.title for e in panels.REGISTRY if e.title in titles]
    assert sum(len(m.actions()) for m in menus) == len(S.scenarios())


def test_the_scenarios_are_shipped_as_package_data():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"scenarios/*.json"' in text
    assert all(p.parent.name == "scenarios" for p in S.scenario_files())


# ------------------------------------------------------------------ bad set-ups
def mutations(valid: dict, rng: random.Random, count: int):
    """(bad set-up, a key its error must name): seeded mutations of a valid set-up."""
    topics = valid["topics"]
    for _ in range(count):
        bad = json.loads(json.dumps(valid))
        kind = rng.choice(["top", "schema", "topic", "section", "topic_key", "section_key", "param_key",
                           "type", "nan", "range", "state", "not_dict"])
        tkey = rng.choice(sorted(topics))
        skey = rng.choice(sorted(topics[tkey]))
        values = bad["topics"][tkey][skey]
        if kind == "top":
            bad["colour"] = "blue"
            yield bad, "colour"
        elif kind == "schema":
            value = rng.choice([2, "1", True, None, 1.5, [1]])
            bad["schema"] = value
            yield bad, "schema"
        elif kind == "topic":
            bad["topic"] = rng.choice(["nope", 3, None])
            yield bad, "topic"
        elif kind == "section":
            bad["section"] = rng.choice(["nope", 7])
            yield bad, "section"
        elif kind == "topic_key":
            bad["topics"]["astrology"] = {}
            yield bad, "astrology"
        elif kind == "section_key":
            bad["topics"][tkey]["horoscope"] = {}
            yield bad, "horoscope"
        elif kind == "not_dict":
            bad["topics"][tkey][skey] = rng.choice([[], "x", 3, None])
            yield bad, skey
        elif kind == "param_key":
            values["lr_typo"] = 0.1
            yield bad, "lr_typo"
        elif not values:
            continue
        elif kind == "state":
            state = {"outlier": [rng.choice([math.nan, 1e9, "a"]), 1.0], "band": "yes",
                     "margin": math.nan, "scores": [0.1, 0.2], "relevance": ["x", 1, 2, 3],
                     "true_class": True, "gradient": 1, "y_true": "123"}
            name = rng.choice(sorted(state))
            bad["topics"]["losses"] = {"outlier": {}, "margins": {}, "ranking": {}, "classification": {},
                                       "regression": {}}
            section = {"outlier": "outlier", "band": "outlier", "margin": "margins", "scores": "ranking",
                       "relevance": "ranking", "true_class": "classification", "gradient": "classification",
                       "y_true": "regression"}[name]
            bad["topics"]["losses"][section][name] = state[name]
            yield bad, name
        else:
            name = rng.choice(sorted(values))
            p = values[name]
            if kind == "type":
                values[name] = rng.choice(["3", [1], {"a": 1}, None] + ([1] if isinstance(p, bool) else [True]))
            elif kind == "nan":
                if isinstance(p, (bool, str, list)):
                    continue
                values[name] = rng.choice([math.nan, math.inf, -math.inf])
            else:
                if isinstance(p, (bool, str, list)):
                    values[name] = "no such choice" if isinstance(p, str) else 2
                else:
                    values[name] = rng.choice([1e12, -1e12])
            yield bad, name


def test_bad_setups_raise_naming_the_key_and_change_nothing(qtbot, window):
    window.panel_by_key("losses")             # built: its state beyond the Params is checked too
    race = window.panel_by_key("optimizers").section("race")
    race.set_values({"SGD.lr": 0.07})
    before = window.setup()
    rng = random.Random(20261201)
    tried = 0
    for bad, key in mutations(before, rng, 300):
        with pytest.raises(ValueError) as info:
            window.apply_setup(bad)
        assert key in str(info.value), (key, str(info.value))
        assert window.setup() == before, key
        tried += 1
    assert tried > 200


def test_a_bad_value_in_a_topic_not_built_is_refused_without_building_it(window):
    index = panels.REGISTRY.index(panels.find("transfer"))
    with pytest.raises(ValueError, match="relatedness"):
        window.apply_setup({"schema": 1, "topics": {"transfer": {"transfer": {"relatedness": 2.0}}}})
    with pytest.raises(ValueError, match="colour"):
        window.apply_setup({"schema": 1, "topics": {"transfer": {"transfer": {"colour": 1}}}})
    assert S.built_panel(window, index) is None


def test_an_open_error_is_a_dialog_and_loses_nothing(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox
    path = tmp_path / "bad.json"
    path.write_text('{"schema": 1, "topics": {"optimizers": {"race": {"SGD.lr": -1}}}}')
    before = window.setup()
    shown = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    window.setup_commands.open_action.trigger()
    assert shown and "SGD.lr" in shown[0][1] and "Nothing was changed" in shown[0][1]
    assert window.setup() == before


# ------------------------------------------------------------------ Ctrl+R and the button
def test_ctrl_r_and_the_button_bring_back_the_tutorial_values(qtbot, window):
    race = window.panel_by_key("optimizers").section("race")
    type_into(qtbot, race.param_widget("SGD.lr").editor, "50")
    assert race.values()["SGD.lr"] == 50
    qtbot.keyClick(window, Qt.Key_R, Qt.ControlModifier)
    assert race.values() == race.tutorial_values()

    window.tabs.setCurrentIndex(panels.REGISTRY.index(panels.find("losses")))
    losses = window.panel()
    losses.show_section("outlier")
    outlier = losses.section("outlier")
    outlier.outlier.setPos(9.0, -5.0)
    qtbot.keyClick(window, Qt.Key_R, Qt.ControlModifier)
    assert outlier.values()["outlier"] == outlier.home()
    margins = losses.section("margins")           # another section is left alone by Ctrl+R
    margins.set_values({"slopes": True})
    qtbot.keyClick(window, Qt.Key_R, Qt.ControlModifier)
    assert margins.values()["slopes"] is True
    losses.show_section("margins")
    qtbot.mouseClick(margins.tutorial_button, Qt.LeftButton)
    assert margins.values()["slopes"] is False


# ------------------------------------------------------------------ the command line
def test_open_errors_exit_2_with_one_line(qtbot, tmp_path, capsys):
    bad_json = tmp_path / "broken.json"
    bad_json.write_text('{"schema": 1, "topics": ')
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({"schema": 1, "topics": {"strategies": {"clipping": {"lr": math.nan}}}}))
    for path, words in ((tmp_path / "missing.json", "no such file"), (bad_json, "not valid JSON"),
                        (invalid, "clipping.lr")):
        assert app_main.main(["--open", str(path)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and words in err and str(path) in err, err


def test_open_error_from_a_real_process_has_no_traceback(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--open", str(path), "--smoke"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "JSON object" in out.stderr
    assert "Traceback" not in out.stderr


def test_open_composes_with_smoke_and_presentation(tmp_path):
    scenario = S.scenario_files()[0]
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--open", str(scenario), "--presentation",
                          "--smoke", "--tab", "reference"],
                         capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "smoke ok" in out.stdout


# ------------------------------------------------------------------ what the window remembers
def test_the_window_remembers_topic_and_mode_and_fresh_ignores_it(new_window):
    from gui.theme import theme
    w = new_window()
    w.remember_settings = True
    w.tabs.setCurrentIndex(panels.REGISTRY.index(panels.find("reference")))
    w.set_presentation(True)
    w.close()
    theme().set_presentation(False)
    memory = settings.remembered()
    assert memory["topic"] == "reference" and memory["presentation"] is True
    assert memory["geometry"] is not None
    tab, presentation, geometry = app_main.start_options(app_main.parse_args([]), None)
    assert (tab, presentation) == ("reference", True) and geometry is not None
    assert app_main.start_options(app_main.parse_args(["--fresh"]), None) == (None, False, None)
    assert app_main.start_options(app_main.parse_args(["--tab", "losses"]), None)[0] == "losses"
    assert app_main.start_options(app_main.parse_args([]), {"topic": "transfer"})[0] == "transfer"


def test_a_window_not_asked_to_remember_writes_nothing(new_window):
    w = new_window()
    w.close()
    assert settings.remembered()["topic"] is None
