"""File → Open data…: a CSV of your own for the Hands-on pipeline.

Choose a file (Browse…, or the example shipped in resources/), pick the target column; the dialog
says in words what was loaded (rows, features, classes, the split sizes) or what stops it
(:mod:`engine.pipeline.user_data` finds every problem). "Use these data" is enabled only for data
the pipeline can use; a bad file changes nothing. Tests drive it with :meth:`DataDialog.set_path`
and :meth:`DataDialog.set_target`, no native file dialog. A file over :data:`SYNC_BYTES` is read
on a worker thread (the dialog says so and stays responsive); smaller ones at once.
"""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout)

from engine.pipeline import user_data as U
from gui.panels.pipeline.verdict import WORSE
from gui.resources import resource_path
from gui.worker import Worker
from gui.widgets import rich_label

EXAMPLE = "wine.csv"
FILTER = "CSV files (*.csv *.txt *.tsv);;All files (*)"
SYNC_BYTES = 2_000_000    # read at once up to this size (a few ms); larger files on a worker


class DataDialog(QDialog):
    """A file, its target column, and what the pipeline would get (or why not)."""

    def __init__(self, parent=None, path=None):
        super().__init__(parent)
        self.setWindowTitle("Open data")
        self.table: U.CsvTable | None = None
        self.reader: Worker | None = None      # made for the first big file, stopped with the dialog
        self.data: U.UserData | None = None
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("a CSV file with a header line")
        self.path_edit.returnPressed.connect(lambda: self.set_path(self.path_edit.text()))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        example = QPushButton("Example")
        example.setToolTip(f"{EXAMPLE}: 178 wines, 13 measurements, 3 cultivars (scikit-learn's wine data)")
        example.clicked.connect(lambda: self.set_path(resource_path(EXAMPLE)))
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        file_row.addWidget(example)
        self.target = QComboBox()
        self.target.setToolTip("The column of class labels to predict; every other column is a feature")
        self.target.setEnabled(False)
        self.target.currentTextChanged.connect(self._target_changed)
        form = QFormLayout()
        form.addRow("File", file_row)
        form.addRow("Target column", self.target)
        self.summary = rich_label("")
        self.error = rich_label("")
        self.box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok = self.box.button(QDialogButtonBox.Ok)
        self.ok.setText("Use these data")
        self.ok.setEnabled(False)
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.summary)
        lay.addWidget(self.error)
        lay.addStretch(1)
        lay.addWidget(self.box)
        self.resize(620, 300)
        self._show("Choose a CSV file: one row per example, a header line, numeric feature columns and one "
                   "column of class labels.", "")
        if path:
            self.set_path(path)

    def _show(self, summary: str, error: str) -> None:
        self.summary.setText(summary)
        self.error.setText(f"<b style='color:{WORSE}'>{html.escape(error)}</b>" if error else "")
        self.error.setVisible(bool(error))
        self.ok.setEnabled(self.data is not None)

    @Slot()
    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open data", self.path_edit.text(), FILTER)
        if path:
            self.set_path(path)

    def set_path(self, path) -> None:
        """Read ``path``; on success offer its columns as targets (a guess selected)."""
        self.path_edit.setText(str(path))
        self.table = self.data = None
        self.target.blockSignals(True)
        self.target.clear()
        self.target.setEnabled(False)
        self.target.blockSignals(False)
        file = Path(path)
        size = file.stat().st_size if file.is_file() else 0
        if size > SYNC_BYTES and size <= U.MAX_BYTES:
            if self.reader is None:
                self.reader = Worker("csv-read", self)
                self.reader.finished.connect(self._read)
                self.reader.failed.connect(self._read_failed)
            self._show(f"Reading {html.escape(file.name)} ({size / 1e6:.0f} MB)&hellip;", "")
            self.reader.start(U.reading, file)
            return
        if self.reader is not None:
            self.reader.cancel()
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            table = U.read_csv(path)
        except ValueError as exc:
            self._read_failed(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self._read(table)

    def busy(self) -> bool:
        """A big file is being read."""
        return self.reader is not None and self.reader.busy

    @Slot(str)
    def _read_failed(self, message: str) -> None:
        self._show("Nothing was loaded.", message)

    @Slot(object)
    def _read(self, table: U.CsvTable) -> None:
        self.table = table
        self.target.blockSignals(True)
        self.target.addItems(self.table.columns)
        self.target.setEnabled(True)
        self.target.blockSignals(False)
        self.set_target(self.table.guess_target())

    def set_target(self, name: str) -> None:
        if self.target.currentText() == name:
            self._target_changed(name)
        else:
            self.target.setCurrentText(name)

    def done(self, result: int) -> None:
        if self.reader is not None:
            self.reader.shutdown()
        super().done(result)

    @Slot(str)
    def _target_changed(self, name: str) -> None:
        if self.table is None or not name:
            return
        self.data = None
        try:
            self.data = self.table.dataset(name)
        except ValueError as exc:
            self._show(f"Target '{html.escape(name)}': these data cannot be used as they are.", str(exc))
            return
        self._show(html.escape(self.data.summary()), "")


def ask_data(parent=None, path=None) -> U.UserData | None:
    """The modal dialog; the data chosen, or None when it was cancelled."""
    dialog = DataDialog(parent, path)
    try:
        return dialog.data if dialog.exec() == QDialog.Accepted else None
    finally:
        dialog.deleteLater()
