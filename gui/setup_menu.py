"""The window's set-up commands: File → Save set-up… (Ctrl+S) and Open set-up… (Ctrl+O), View →
Tutorial values (Ctrl+R, the current section), the Scenarios menu (grouped by topic) and the
banner that says what the class should watch. The logic lives in :mod:`gui.setups`; this module
only wires it to menus, dialogs and the status bar."""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLabel, QMenu, QMessageBox, QToolButton, QVBoxLayout,
                               QWidget)

from gui import panels, settings
from gui import setups as S

FILTER = "Training Lab set-ups (*.json);;All files (*)"


class SetupCommands(QObject):
    """Menus, dialogs and the scenario banner of one window."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.scenario: S.Scenario | None = None
        self._build_actions()
        self._build_banner()
        self._build_scenarios_menu()
        window.tabs.currentChanged.connect(self._topic_changed)

    # ------------------------------------------------------------ menus
    def _build_actions(self) -> None:
        w = self.window
        self.save_action = QAction("&Save set-up…", w)
        self.save_action.setShortcut(QKeySequence.Save)
        self.save_action.setToolTip("Save every topic's values, the current topic and tab to a file")
        self.save_action.triggered.connect(self.save_dialog)
        self.open_action = QAction("&Open set-up…", w)
        self.open_action.setShortcut(QKeySequence.Open)
        self.open_action.setToolTip("Open a set-up saved before (or a scenario file)")
        self.open_action.triggered.connect(self.open_dialog)
        first = w.file_menu.actions()[0] if w.file_menu.actions() else None
        w.file_menu.insertAction(first, self.open_action)
        w.file_menu.insertAction(first, self.save_action)
        if first is not None:
            w.file_menu.insertSeparator(first)
        self.reset_action = QAction("&Tutorial values (this section)", w)
        self.reset_action.setShortcut(QKeySequence("Ctrl+R"))
        self.reset_action.setToolTip("Back to the tutorial's values in the section on screen")
        self.reset_action.triggered.connect(self.reset_current)
        w.view_menu.addSeparator()
        w.view_menu.addAction(self.reset_action)

    def _build_scenarios_menu(self) -> None:
        w = self.window
        self.scenarios_menu = QMenu("S&cenarios", w)
        self.scenarios_menu.setToolTipsVisible(True)
        help_menu = next((a for a in w.menuBar().actions() if a.text().replace("&", "") == "Help"), None)
        if help_menu is not None:
            w.menuBar().insertMenu(help_menu, self.scenarios_menu)
        else:
            w.menuBar().addMenu(self.scenarios_menu)
        self.scenario_actions: dict[str, QAction] = {}
        titles = {e.key: e.title for e in panels.REGISTRY}
        for scenario in S.scenarios():
            sub = next((a.menu() for a in self.scenarios_menu.actions()
                        if a.menu() is not None and a.menu().title() == titles.get(scenario.topic)), None)
            if sub is None:
                sub = self.scenarios_menu.addMenu(titles.get(scenario.topic, scenario.topic))
                sub.setToolTipsVisible(True)
            act = QAction(scenario.title, w)
            act.setToolTip(scenario.watch)
            act.setStatusTip(scenario.watch)
            act.triggered.connect(lambda _=False, s=scenario: self.open_scenario(s))
            sub.addAction(act)
            self.scenario_actions[scenario.name] = act

    def _build_banner(self) -> None:
        """A line above the tabs (the central widget becomes the banner over the tabs; a tool bar
        widened the window by its own width in presentation mode)."""
        self.banner = QFrame()
        self.banner.setFrameShape(QFrame.StyledPanel)
        self.banner_label = QLabel()
        self.banner_label.setTextFormat(Qt.RichText)
        self.banner_label.setWordWrap(True)
        self.banner_label.setMinimumWidth(100)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Hide this line")
        close.clicked.connect(self.hide_banner)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(8, 4, 4, 4)
        row.addWidget(self.banner_label, 1)
        row.addWidget(close, 0, Qt.AlignTop)
        self.banner.setVisible(False)
        tabs = self.window.takeCentralWidget()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(tabs, 1)
        self.window.setCentralWidget(central)

    # ------------------------------------------------------------ commands
    @Slot()
    def reset_current(self) -> None:
        from gui.section_panel import SectionPanel
        panel = self.window.panel()
        if not isinstance(panel, SectionPanel):
            self.window.statusBar().showMessage("This tab has no values to reset", 4000)
            return
        section = panel.section(panel.current_section())
        section.reset()
        self.window.statusBar().showMessage(f"{section.title}: the tutorial's values", 6000)

    def open_scenario(self, scenario: S.Scenario) -> None:
        try:
            self.window.apply_setup(scenario.setup)
        except ValueError as exc:   # a shipped file: the tests open every one, but say so rather than crash
            self._error("Cannot open the scenario", str(exc))
            return
        self._show_scenario(scenario)

    def _show_scenario(self, scenario: S.Scenario) -> None:
        self.scenario = scenario
        self.banner_label.setText(f"<b>{html.escape(scenario.title)}</b> &nbsp;·&nbsp; Watch: "
                                  f"{html.escape(scenario.watch)}")
        self.banner.setVisible(True)
        self.window.statusBar().showMessage(f"Watch: {scenario.watch}", 30000)

    @Slot()
    def hide_banner(self) -> None:
        self.banner.setVisible(False)
        self.scenario = None

    @Slot(int)
    def _topic_changed(self, index: int) -> None:
        if self.scenario is not None and panels.REGISTRY[index].key != self.scenario.topic:
            self.hide_banner()

    def save_to(self, path) -> None:
        S.write_file(path, self.window.setup())
        settings.set_last_folder(str(Path(path).parent))
        self.window.statusBar().showMessage(f"Set-up saved to {path}", 6000)

    def open_from(self, path) -> None:
        """Open a set-up file; raises ValueError (one line) and changes nothing if it is bad."""
        data = S.read_file(path)
        self.window.apply_setup(data)
        settings.set_last_folder(str(Path(path).parent))
        if data.get("title") and data.get("watch"):     # a lecturer's own scenario: its banner too
            self._show_scenario(S.Scenario(Path(path).stem, data["title"], data["watch"],
                                           self.window.setup()["topic"], data))
        else:
            self.hide_banner()
            self.window.statusBar().showMessage(f"Set-up opened from {path}", 6000)

    @Slot()
    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save set-up", self._suggested(), FILTER)
        if not path:
            return
        if not Path(path).suffix:
            path += ".json"
        try:
            self.save_to(path)
        except OSError as exc:
            self._error("Cannot save the set-up", f"{path}: {exc.strerror or exc}")

    @Slot()
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open set-up", settings.last_folder(), FILTER)
        if not path:
            return
        try:
            self.open_from(path)
        except ValueError as exc:
            self._error("Cannot open the set-up", str(exc))

    def _suggested(self) -> str:
        name = f"{panels.REGISTRY[self.window.tabs.currentIndex()].key}-setup.json"
        folder = settings.last_folder()
        return str(Path(folder) / name) if folder else name

    def _error(self, title: str, message: str) -> None:
        self.window.statusBar().showMessage(message, 15000)
        QMessageBox.warning(self.window, title, f"{html.escape(message)}<br><br>Nothing was changed.")
