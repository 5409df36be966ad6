"""File → Open data…: the data dialog with good and bad files, and the page on your own data and back."""
import numpy as np
import pandas as pd
import pytest
from PySide6.QtWidgets import QDialog

from engine import pipeline as P
from gui import data_dialog as D
from gui.resources import resource_path
from tests.gui.pipeline.test_exercise import choose_model, rows, run

EXAMPLE = resource_path("wine.csv")


@pytest.fixture
def dialog(qtbot):
    d = D.DataDialog()
    qtbot.addWidget(d)
    d.show()
    return d


def bad_files(tmp_path):
    rng = np.random.default_rng(1)
    good = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40), "label": ["x", "y"] * 20})
    files = {}
    files["notes.csv"] = tmp_path / "notes.csv"
    files["notes.csv"].write_bytes(b"PK\x03\x04" + bytes(300))
    text = good.assign(city="Oslo")
    text.to_csv(tmp_path / "text.csv", index=False)
    files["text.csv"] = tmp_path / "text.csv"
    holes = good.copy()
    holes.loc[[0, 1], "a"] = np.nan
    holes.to_csv(tmp_path / "holes.csv", index=False)
    files["holes.csv"] = tmp_path / "holes.csv"
    good.head(12).to_csv(tmp_path / "short.csv", index=False)
    files["short.csv"] = tmp_path / "short.csv"
    good.assign(label="x").to_csv(tmp_path / "one.csv", index=False)
    files["one.csv"] = tmp_path / "one.csv"
    return files


def test_the_example_is_read_with_its_target_and_split_sizes(dialog):
    assert not dialog.ok.isEnabled()
    dialog.set_path(EXAMPLE)
    assert dialog.target.currentText() == "cultivar" and dialog.target.count() == 14
    train, val, test = dialog.data.sizes
    assert f"training {train}, validation {val}, test {test}" in dialog.summary.text()
    assert dialog.ok.isEnabled() and dialog.error.isHidden()


@pytest.mark.parametrize("name, words", [
    ("notes.csv", "not a CSV file"),
    ("text.csv", "1 feature column holds text, not numbers (city)"),
    ("holes.csv", "2 values are missing (a 2)"),
    ("short.csv", "has 12 data rows: at least 20"),
    ("one.csv", "single class"),
])
def test_a_bad_file_says_why_and_cannot_be_used(dialog, tmp_path, name, words):
    dialog.set_path(EXAMPLE)
    dialog.set_path(bad_files(tmp_path)[name])
    assert words in dialog.error.text() and dialog.error.isVisible()
    assert dialog.data is None and not dialog.ok.isEnabled()
    dialog.set_path(EXAMPLE)        # nothing lost: the next file is read as if nothing happened
    assert dialog.ok.isEnabled() and dialog.error.isHidden()


def test_a_target_that_cannot_be_used_and_then_one_that_can(dialog):
    dialog.set_path(EXAMPLE)
    dialog.set_target("alcohol")      # a measurement, not a class label
    assert "different numbers: this lab classifies" in dialog.error.text() and not dialog.ok.isEnabled()
    dialog.set_target("cultivar")
    assert dialog.ok.isEnabled() and dialog.data.target == "cultivar"


def accept_with(path, target=None):
    """DataDialog.exec replaced: the user types ``path`` (and picks ``target``) and presses OK if it can."""
    def exec_(self):
        self.set_path(path)
        if target:
            self.set_target(target)
        return QDialog.Accepted if self.ok.isEnabled() else QDialog.Rejected
    return exec_


def test_open_data_runs_the_baseline_and_your_pipeline_on_it_and_back_to_the_digits(qtbot, done, window,
                                                                                     monkeypatch, tmp_path):
    page = done
    digits_rows = rows(page)
    # a bad file from the menu: the dialog refuses it, the page keeps the digits
    monkeypatch.setattr(D.DataDialog, "exec", accept_with(bad_files(tmp_path)["text.csv"]))
    window.open_data_action.trigger()
    assert page.data_switch.user is None and rows(page) == digits_rows
    # the example
    monkeypatch.setattr(D.DataDialog, "exec", accept_with(EXAMPLE, "cultivar"))
    window.open_data_action.trigger()
    user = page.data_switch.user
    assert user is not None and user.name == "wine.csv"
    assert rows(page) == [] and page.pick is None and not page.steps.run_button.isEnabled()
    assert "training 113, validation 29, test 36" in page.data_switch.label.text()
    assert page.compare_plot.getAxis("bottom").labelText == "test accuracy (36 rows)"
    assert page.alpha_plot.isHidden()      # Step 2's choice of alpha belongs to the digits
    choose_model(page, P.LOGISTIC)
    result = run(qtbot, page)
    labels = [r[1] for r in rows(page)]
    assert labels == [P.BASELINE_LABEL, result.label] and page.baseline.step == 1
    assert result.comparison.n == user.sizes[2]
    # the mistakes: the wine's classes, a table of file rows instead of a gallery of digits
    view = page.mistakes
    assert view.found.class_names == user.class_names
    assert view.stack.currentWidget() is view.table
    shown = view.table.texts()
    assert len(shown) == view.found.n_wrong
    if shown:
        wrong = view.found.mistakes[0]
        assert shown[0][0] == str(user.test_rows[wrong.index])
    # a second run reuses the baseline fitted on these data
    run(qtbot, page)
    assert [r[1] for r in rows(page)].count(P.BASELINE_LABEL) == 1
    # back to the digits: their six rows and the steps again; the wine's rows wait
    page.data_switch.digits_button.click()
    assert rows(page) == digits_rows and page.steps.run_button.isEnabled()
    assert page.compare_plot.getAxis("bottom").labelText == "test accuracy (360 images)"
    assert page.alpha_plot.isVisible()
    assert page.mistakes.stack.currentWidget() is page.mistakes.gallery
    window.open_data_action.trigger()
    assert len(rows(page)) == 3


def test_a_big_file_is_read_on_a_worker_and_the_dialog_stops_it_when_closed(qtbot, monkeypatch, tmp_path):
    monkeypatch.setattr(D, "SYNC_BYTES", 0)      # every file counts as big
    dialog = D.DataDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_path(EXAMPLE)
    assert "Reading wine.csv" in dialog.summary.text() and not dialog.ok.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10000)
    assert dialog.ok.isEnabled() and dialog.data.target == "cultivar"
    dialog.set_path(bad_files(tmp_path)["text.csv"])
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10000)
    assert "holds text, not numbers (city)" in dialog.error.text() and not dialog.ok.isEnabled()
    dialog.reject()
    assert not dialog.reader.thread.isRunning()
