"""The main window: one tab per topic from the registry, a status bar, View and Help menus."""
from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QLabel, QMainWindow, QMessageBox, QProgressBar, QPushButton,
                               QTabWidget)

from gui import memory, panels
from gui.panels.base import TopicPanel
from gui.theme import theme

log = logging.getLogger(__name__)
OPEN_TURN_MS = 1         # a topic's first show: one turn of the event loop between its steps (_open_later)
PRELOAD_AFTER_MS = 1500   # after the first paint and the first tab's first run have started
FIRST_SHOW_LATEST_MS = 1000   # a topic that never paints (minimised window) computes after this anyway

SHORTCUTS_HTML = """
<h3>Keyboard shortcuts</h3>
<table cellspacing="6">
<tr><td><b>Space</b></td><td>play / pause the animation</td></tr>
<tr><td><b>Ctrl+Right</b> / <b>Ctrl+Left</b></td><td>one step forward / back (pauses)</td></tr>
<tr><td><b>Home</b> / <b>End</b></td><td>first / last step</td></tr>
<tr><td><b>Esc</b></td><td>cancel the running computation (and a prediction)</td></tr>
<tr><td><b>P</b></td><td>predict (hide the outcome, click it on the plot), then reveal</td></tr>
<tr><td><b>Ctrl+1 … Ctrl+9</b></td><td>switch topic</td></tr>
<tr><td><b>Ctrl+Shift+E</b></td><td>export the current tab as a PNG image</td></tr>
<tr><td><b>Ctrl+Shift+C</b></td><td>copy the current tab's image to the clipboard</td></tr>
<tr><td><b>F5</b></td><td>presentation mode (large fonts, thick lines)</td></tr>
<tr><td><b>F6</b></td><td>stage view: only key parameters and Run beside the plots</td></tr>
<tr><td><b>F11</b></td><td>full screen</td></tr>
<tr><td><b>Ctrl+R</b></td><td>tutorial values in the section on screen</td></tr>
<tr><td><b>Ctrl+S</b> / <b>Ctrl+O</b></td><td>save / open a set-up (every topic's values)</td></tr>
<tr><td><b>Ctrl+Q</b></td><td>quit</td></tr>
</table>
"""


class ReleaseAfterPaint(QObject):
    """Calls ``panel.release_first_show()`` in the turn after the panel's first paint (or after
    :data:`FIRST_SHOW_LATEST_MS` if it never paints: a minimised window). A fixed short timer was
    not enough: the page's first paint waits for its restyle turn, and the runs started before it."""

    def __init__(self, panel: TopicPanel):
        super().__init__(panel)
        self.panel = panel
        panel.installEventFilter(self)
        QTimer.singleShot(FIRST_SHOW_LATEST_MS, self, self.release)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(OPEN_TURN_MS, self, self.release)   # a real timer: after this paint's pass
        return False

    @Slot()
    def release(self) -> None:
        self.panel.removeEventFilter(self)
        self.panel.release_first_show()
        self.deleteLater()


class MainWindow(QMainWindow):
    panel_built = Signal(object)

    def __init__(self, initial_tab: str | None = None, presentation: bool = False, freeze_long_lived: bool = False):
        """``freeze_long_lived``: the app's own window (main.py) hands its long-lived objects to the
        garbage collector's permanent generation after every build (gui/memory.py)."""
        super().__init__()
        self.freeze_long_lived = freeze_long_lived
        memory.tune()   # fewer malloc arenas before the workers start (main.py did it already; once is enough)
        self.setWindowTitle("Training Lab: how models are trained and tuned")
        self.resize(1280, 800)
        self._panels: dict[int, TopicPanel] = {}
        self._made: dict[int, TopicPanel] = {}   # built by _open_turn, not yet in their tab
        self.build_errors: list[str] = []  # tabs that could not be built (shown in the tab, reported by --smoke)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for entry in panels.REGISTRY:
            placeholder = QLabel(f"Loading {entry.title}…")
            placeholder.setAlignment(Qt.AlignCenter)
            self.tabs.addTab(placeholder, entry.title)
        self.setCentralWidget(self.tabs)
        self.statusBar().showMessage("Ready")
        self._build_busy_indicator()
        self._build_menus()
        self._build_setup_commands()
        if presentation:
            self.set_presentation(True)
        self._build_hall()
        start_index = panels.REGISTRY.index(panels.find(initial_tab)) if initial_tab else 0
        self.tabs.setCurrentIndex(start_index)
        self.tabs.currentChanged.connect(self._open_later)
        self.tabs.currentChanged.connect(self._clear_status)
        self._ensure_panel(start_index)
        QTimer.singleShot(PRELOAD_AFTER_MS, self, self._preload)

    # tabs
    def panel(self, index: int | None = None) -> TopicPanel:
        """The panel of tab ``index`` (default: the current tab), built on first use."""
        index = self.tabs.currentIndex() if index is None else index
        self._ensure_panel(index)
        return self._panels[index]

    def panel_by_key(self, key: str) -> TopicPanel:
        return self.panel(panels.REGISTRY.index(panels.find(key)))

    def built_panels(self) -> list[TopicPanel]:
        return list(self._panels.values())

    @Slot(int)
    def _open_later(self, index: int) -> None:
        """A topic shown for the first time opens in three turns of the event loop, so the window is
        never blocked by more than one of them (bench_stress: first show): its placeholder paints,
        its modules are imported, its panel is made (hidden), then it takes its tab and paints.
        ``panel()`` builds at once for anyone who needs the panel now."""
        if index >= 0 and index not in self._panels:
            self._next_turn(self._import_turn, index)

    def _next_turn(self, step, index: int) -> None:
        # a real timer, not singleShot(0): a posted event is handled in the same pass as the paint it causes
        QTimer.singleShot(OPEN_TURN_MS, self, lambda: step(index))

    def _import_turn(self, index: int) -> None:
        if index not in self._panels:
            try:
                panels.REGISTRY[index].load()
            except Exception:   # _make_panel says it in the tab
                pass
            self._next_turn(self._make_turn, index)

    def _make_turn(self, index: int) -> None:
        if index not in self._panels and index not in self._made:
            panel = self._make_panel(index)
            panel.hold_first_show()   # its runs start after its first paint (_ensure_panel)
            self._made[index] = panel
            self._next_turn(self._ensure_panel, index)

    @Slot(int)
    def _ensure_panel(self, index: int) -> None:
        if index < 0 or index in self._panels:
            return
        made = self._made.pop(index, None)
        panel = made or self._make_panel(index)
        self._insert_panel(index, panel)
        if made is not None:
            ReleaseAfterPaint(panel)

    def _make_panel(self, index: int) -> TopicPanel:
        """Import and build topic ``index``'s panel (not yet in its tab); a broken lab becomes a message."""
        entry = panels.REGISTRY[index]
        try:
            panel = entry.load()(self)
        except Exception as exc:  # one broken lab must not take the others down
            log.exception("building the %s tab failed", entry.title)
            self.build_errors.append(f"{entry.title}: {type(exc).__name__}: {exc}")
            self._stop_orphan_workers()
            message = QLabel(f"The {entry.title} lab could not be opened:\n{type(exc).__name__}: {exc}")
            message.setAlignment(Qt.AlignCenter)
            message.setWordWrap(True)
            panel = TopicPanel(self)
            panel.title = entry.title
            from PySide6.QtWidgets import QVBoxLayout
            QVBoxLayout(panel).addWidget(message)
        return panel

    def _insert_panel(self, index: int, panel: TopicPanel) -> None:
        entry = panels.REGISTRY[index]
        panel.status.connect(self._show_status)
        sub_tabs = getattr(panel, "tabs", None)
        if sub_tabs is not None:                 # a sub-tab switch clears the last sub-tab's sentence
            sub_tabs.currentChanged.connect(self._clear_status)
        for worker in panel.workers():
            worker.busy_changed.connect(self._update_busy)
        built = getattr(panel, "section_built", None)
        if built is not None:                    # a section built later (gui/lab.py): its workers too
            built.connect(self._section_built)
        self._panels[index] = panel
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        old = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, panel, entry.title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        old.deleteLater()
        self.panel_built.emit(panel)
        self._freeze_long_lived()

    def _freeze_long_lived(self) -> None:
        if self.freeze_long_lived:
            memory.freeze_long_lived()

    @Slot(object)
    def _section_built(self, section) -> None:
        for worker in section.workers():
            worker.busy_changed.connect(self._update_busy)
        self._freeze_long_lived()

    def _stop_orphan_workers(self) -> None:
        """Join the threads of a panel whose constructor raised (they would abort the process later)."""
        from gui.worker import live_workers
        owned = {id(w) for p in [*self._panels.values(), *self._made.values()] for w in p.workers()}
        for w in live_workers():
            if id(w) not in owned:
                w.shutdown()

    @Slot(str)
    def _show_status(self, message: str) -> None:
        # only the tab in view speaks: a run finishing in a hidden tab must not leave its
        # sentence under another tab (it has its own note under its controls)
        if self.sender() is not None and self.sender() is not self.tabs.currentWidget():
            return
        self.statusBar().showMessage(message, 15000)

    @Slot()
    def _preload(self) -> None:
        """pandas is imported on a background thread once the window is up (gui/preload.py), then
        frozen with the rest of what lives as long as the window."""
        from gui.preload import preload
        preload(then=memory.freeze_long_lived if self.freeze_long_lived else None)

    @Slot()
    def _clear_status(self, *_args) -> None:
        """A tab switch clears the last tab's sentence from the status bar."""
        self.statusBar().clearMessage()

    def _build_busy_indicator(self) -> None:
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # indeterminate: the engine's generators report events, not percentages
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running computation (Esc)")
        self.cancel_button.clicked.connect(self._cancel_current)
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self.busy_bar.hide()
        self.cancel_button.hide()
        self.tabs.currentChanged.connect(self._update_busy)

    @Slot()
    def _update_busy(self, *_args) -> None:
        index = self.tabs.currentIndex()
        busy = index in self._panels and any(w.busy for w in self._panels[index].workers())
        self.busy_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)

    @Slot()
    def _cancel_current(self) -> None:
        index = self.tabs.currentIndex()
        if index in self._panels:
            self._panels[index].cancel()
            self.statusBar().showMessage("Cancelled", 4000)

    # menus
    def _build_menus(self) -> None:
        view = self.view_menu = self.menuBar().addMenu("&View")
        self.presentation_action = QAction("&Presentation mode", self, checkable=True)
        self.presentation_action.setShortcut(QKeySequence(Qt.Key_F5))
        self.presentation_action.setToolTip("Large fonts and thick lines for projection in a lecture hall")
        self.presentation_action.toggled.connect(self.set_presentation)
        view.addAction(self.presentation_action)
        self.fullscreen_action = QAction("&Full screen", self, checkable=True)
        self.fullscreen_action.setShortcut(QKeySequence(Qt.Key_F11))
        self.fullscreen_action.toggled.connect(self.set_fullscreen)
        view.addAction(self.fullscreen_action)
        view.addSeparator()
        for i, entry in enumerate(panels.REGISTRY[:9]):
            act = QAction(entry.title, self)
            act.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            act.triggered.connect(lambda _=False, i=i: self.tabs.setCurrentIndex(i))
            view.addAction(act)
        cancel = QAction("Cancel running computation", self)
        cancel.setShortcut(QKeySequence(Qt.Key_Escape))
        cancel.triggered.connect(self._cancel_current)
        self.addAction(cancel)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.Quit)
        quit_action.triggered.connect(self.close)
        file_menu = self.file_menu = self.menuBar().addMenu("&File")
        self.open_data_action = QAction("Open &data…", self)
        self.open_data_action.setToolTip("Load a CSV file of your own into the Hands-on pipeline: the same "
                                         "baseline against your pipeline, on your data")
        self.open_data_action.triggered.connect(lambda: self.open_data())
        file_menu.addAction(self.open_data_action)
        file_menu.addSeparator()
        self._add_export_actions(file_menu)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self.menuBar().insertMenu(view.menuAction(), file_menu)
        help_menu = self.menuBar().addMenu("&Help")
        shortcuts = QAction("&Keyboard shortcuts", self)
        shortcuts.setShortcut(QKeySequence.HelpContents)
        shortcuts.triggered.connect(lambda: QMessageBox.information(self, "Keyboard shortcuts", SHORTCUTS_HTML))
        help_menu.addAction(shortcuts)
        about = QAction("&About Training Lab", self)
        about.triggered.connect(lambda: QMessageBox.about(
            self, "About Training Lab",
            "<p><b>Training Lab</b> turns the tutorial <i>Model Training and Optimization</i> into live labs: "
            "optimizers, losses, regularization, training strategies, transfer learning and a full pipeline.</p>"))
        help_menu.addAction(about)

    # export (gui/export.py)
    def _add_export_actions(self, menu) -> None:
        export = QAction("&Export tab image…", self)
        export.setShortcut(QKeySequence("Ctrl+Shift+E"))
        export.setToolTip("Save the current tab as a PNG at twice the screen resolution")
        export.triggered.connect(lambda: self.export_tab_image())
        menu.addAction(export)
        copy = QAction("&Copy tab image", self)
        copy.setShortcut(QKeySequence("Ctrl+Shift+C"))
        copy.setToolTip("Copy the current tab as an image, for a slide")
        copy.triggered.connect(self.copy_tab_image)
        menu.addAction(copy)
        handout = QAction("Save &handout…", self)
        handout.setToolTip("Compute every topic with the current settings and save one HTML file: lessons, "
                           "figures (pins included), tables and verdicts")
        handout.triggered.connect(lambda: self.save_handout())
        menu.addAction(handout)

    def open_data(self, path=None) -> None:
        """File → Open data…: the Hands-on pipeline's data dialog (gui/data_dialog.py) on its page."""
        panel = self.panel_by_key("pipeline")
        self.tabs.setCurrentWidget(panel)
        panel.section("exercise").data_switch.open_dialog(path)

    def tab_image(self):
        """The current tab as it looks now, at twice the screen resolution."""
        from gui.export import widget_image
        return widget_image(self.tabs.currentWidget(), 2.0)

    def export_tab_image(self, path: str | None = None):
        from gui.export import ask_path, save_image
        name = panels.REGISTRY[self.tabs.currentIndex()].key + ".png"
        path = path or ask_path(self, "Export tab image", name, ["PNG image (*.png)"])
        if not path:
            return None
        try:
            out = save_image(self.tab_image(), path if path.lower().endswith(".png") else path + ".png")
        except OSError as exc:
            self.statusBar().showMessage(f"Export failed: {exc}", 8000)
            return None
        self.statusBar().showMessage(f"Exported {out}", 8000)
        return out

    def save_handout(self, path: str | None = None, topics=None):
        """The handout (gui/report.py) of the window as it is: current settings, pins included."""
        from gui.export import ask_path
        from gui.report import write_report
        path = path or ask_path(self, "Save handout", "handout.html", ["HTML file (*.html)"])
        if not path:
            return None
        index = self.tabs.currentIndex()
        try:
            out, seconds, size = write_report(path, self, QApplication.instance(), topics=topics,
                                              say=lambda m: self.statusBar().showMessage(m))
        except (OSError, ValueError) as exc:
            self.statusBar().showMessage(f"The handout was not saved: {exc}", 8000)
            return None
        finally:
            self.tabs.setCurrentIndex(index)
        self.statusBar().showMessage(f"Saved the handout {out} ({size / 1e6:.1f} MB, {seconds:.0f} s)", 8000)
        return out

    @Slot()
    def copy_tab_image(self) -> None:
        from gui.export import copy_image
        copy_image(self.tab_image())
        self.statusBar().showMessage("The tab's image is on the clipboard", 4000)

    @Slot(bool)
    def set_presentation(self, on: bool) -> None:
        if self.presentation_action.isChecked() != on:
            self.presentation_action.setChecked(on)  # re-enters through toggled
            return
        theme().set_presentation(on)
        self.statusBar().showMessage("Presentation mode on (F5 to leave)" if on else "Presentation mode off", 4000)

    # the lecture hall (gui/hall.py, gui/stage.py): stage view, topic tabs that fit, controls that grow
    def _build_hall(self) -> None:
        from gui import hall
        from gui.stage import stage
        stage().set(theme().presentation)   # each window starts with the default of its mode
        self.stage_action = QAction("&Stage view", self, checkable=True)
        self.stage_action.setShortcut(QKeySequence(Qt.Key_F6))
        self.stage_action.setToolTip("Fold the controls to each section's key parameters and Run, so the plots "
                                     "get the width (on by default in presentation mode)")
        self.stage_action.setChecked(stage().on)
        self.stage_action.toggled.connect(stage().set)
        stage().changed.connect(self.stage_action.setChecked)
        view = self.presentation_action.associatedObjects()[-1]
        view.insertAction(self.fullscreen_action, self.stage_action)
        hall.install(self)

    def set_stage(self, on: bool) -> None:
        self.stage_action.setChecked(on)

    @Slot(bool)
    def set_fullscreen(self, on: bool) -> None:
        if self.fullscreen_action.isChecked() != on:
            self.fullscreen_action.setChecked(on)
            return
        self.showFullScreen() if on else self.showNormal()

    # set-ups (gui/setups.py: the logic; gui/setup_menu.py: menus, dialogs, scenario banner)
    def _build_setup_commands(self) -> None:
        from gui.setup_menu import SetupCommands
        self.remember_settings = False   # main.py turns it on: closing then saves geometry, topic, mode
        self.setup_commands = SetupCommands(self)

    def setup(self) -> dict:
        """Every topic's values, the current topic and section, as JSON data."""
        from gui import setups
        return setups.take(self)

    def apply_setup(self, setup: dict) -> None:
        """Show ``setup``; everything is checked first (``ValueError`` naming the key, nothing changed)."""
        from gui import setups
        setups.apply(self, setup)

    # lifecycle
    def shutdown(self) -> None:
        for panel in [*self._panels.values(), *self._made.values()]:   # (a panel made, not yet in its tab)
            panel.shutdown()

    def closeEvent(self, event) -> None:
        if self.remember_settings:
            from gui import settings
            settings.save(self)
        self.shutdown()
        super().closeEvent(event)


def run_smoke(window: MainWindow, app: QApplication, timeout_s: float = 50.0, only: str | None = None) -> list[str]:
    """Visit every tab (``only``: that one) and run its default computation to the end; returns
    error messages."""
    import time
    from PySide6.QtCore import QThread
    errors: list[str] = []
    for index, entry in enumerate(panels.REGISTRY):
        if only is not None and entry is not panels.find(only):
            continue
        window.tabs.setCurrentIndex(index)
        panel = window.panel(index)
        getattr(panel, "build_all", lambda: None)()   # sections are built lazily (gui/lab.py)
        for w in panel.workers():
            w.failed.connect(lambda m, t=entry.title: errors.append(f"{t}: {m}"))
        panel.run_defaults()
        deadline = time.perf_counter() + timeout_s
        while not panel.is_idle():
            app.processEvents()
            if time.perf_counter() > deadline:
                errors.append(f"{entry.title}: default computation did not finish in {timeout_s:.0f} s")
                break
            QThread.msleep(5)
        app.processEvents()
    return window.build_errors + errors
