"""The lecture hall: presentation mode fits a 1024x768 (and 1280x720) projector on every page, and
the stage view folds the controls to each section's key parameters and Run."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QPushButton, QSlider

from gui.fit_check import MIN_PLOT_HEIGHT, MIN_PLOT_SHARE, measure, pages
from gui.section_panel import SectionPanel
from gui.stage import stage


def settle(qtbot, panel):
    qtbot.waitUntil(panel.is_idle, timeout=60000)
    qtbot.wait(30)


SIZES = ((1024, 768), (1280, 720))


def test_presentation_fits_the_projector(window, qtbot):
    """Every page at 1024x768 and 1280x720: the window is not forced wider, no horizontal scroll
    bar, every topic's tab shown, and (stage view, the default) each section's key params and Run
    rows stay beside the plots."""
    window.set_presentation(True)
    assert stage().on and window.stage_action.isChecked()   # the stage view is presentation's default
    report, problems = [], []
    for name, panel in pages(window):
        settle(qtbot, panel)
        for width, height in SIZES:
            window.resize(width, height)
            qtbot.wait(30)
            fit = measure(window, f"{name} at {width}x{height}")
            problems += [p for p in fit.problems(width, height) if "plot" not in p]
            report.append(fit)
        if isinstance(panel, SectionPanel):
            section = panel.tabs.currentWidget()
            if section.controls_scroll is not None:
                assert section.stage_fold.active, name
            for key in section.key_params:
                w = section.param_widget(key)
                shown = [p for p in (getattr(w, "editor", None), getattr(w, "slider", None)) if p is not None]
                if shown and all(p.isHidden() for p in shown):
                    continue   # a row its section switched off (the pipeline's C while the model is an MLP)
                assert shown and all(p.isVisible() for p in shown), (name, key)
            for run in section.runs:
                if section.controls_scroll is not None and section.controls_scroll.isAncestorOf(run.button_row):
                    # every button the row shows stays in the strip (Run, or where a section hid its own
                    # Run because it recomputes by itself, as the race does, its Pin and Predict buttons)
                    shown = [b for b in run.button_row.findChildren(QPushButton) if not b.isHidden()]
                    assert shown and all(b.isVisible() for b in shown), name
                    assert run.run_button.isVisible() or section.key == "race", name
    assert not problems, "\n".join(problems)
    # on every page with plots the largest covers MIN_PLOT_SHARE of the window, none is too short
    short = [f"{f.page} {f.largest_share:.0%}" for f in report if f.plots and f.largest_share < MIN_PLOT_SHARE]
    tiny = [f"{f.page} {f.smallest_plot}" for f in report if 0 < f.smallest_plot[1] < MIN_PLOT_HEIGHT]
    assert not short and not tiny, (f"largest plot under {MIN_PLOT_SHARE:.0%}: {short}; "
                                    f"plots under {MIN_PLOT_HEIGHT} px: {tiny}")


def test_stage_view_folds_to_key_params_and_run(window, qtbot):
    from gui import panels
    window.tabs.setCurrentIndex(panels.REGISTRY.index(panels.find("strategies")))
    panel = window.panel_by_key("strategies")
    panel.show_section("schedules")
    section = panel.section("schedules")
    settle(qtbot, panel)
    keys = [section.param_widget(n) for n in section.key_params]
    others = [section.param_widget(p.name) for p in section.params if p.name not in section.key_params]
    assert others, "the test needs a section with more than its key params"
    shown = [w for w in others if w.label.isVisible()]
    assert section.lesson_box.isVisible() and shown
    wide = section.controls_scroll.width()

    qtbot.keyClick(window, Qt.Key_F6)   # one key folds the column ...
    qtbot.waitUntil(lambda: not section.lesson_box.isVisible())
    qtbot.wait(20)
    assert window.stage_action.isChecked()
    assert all(w.editor.isVisible() and w.label.isVisible() for w in keys)
    assert section.run_button.isVisible() and section.cancel_button.isVisible()
    assert not any(w.label.isVisible() or w.editor.isVisible() for w in others)
    assert section.controls_scroll.width() < wide   # the plots get the width
    # a key parameter still drives the section from the strip
    keys[0].set_value(keys[0].param.maximum)
    assert section.values()[keys[0].param.name] == keys[0].param.maximum

    qtbot.keyClick(window, Qt.Key_F6)   # ... and the same key brings everything back
    qtbot.waitUntil(lambda: section.lesson_box.isVisible())
    assert [w for w in others if w.label.isVisible()] == shown
    assert not window.stage_action.isChecked()
    settle(qtbot, panel)


def test_plots_take_turns_giving_the_paths_the_room_and_put_everything_back(window, qtbot):
    """In presentation's stage view the race's two plots are tabs (the paths first); leaving
    presentation mode puts them back side by side in their splitter, at the sizes they had."""
    from gui import panels
    window.tabs.setCurrentIndex(panels.REGISTRY.index(panels.find("optimizers")))
    panel = window.panel_by_key("optimizers")
    race = panel.section("race")
    plots = race.race_plots
    settle(qtbot, panel)
    sizes = plots.sizes()
    # the paths, then the column beside them (convergence first, then the explanation and the map)
    assert plots.indexOf(plots.contour) == 0 and plots.indexOf(race.side) == 1
    assert race.side.indexOf(plots.convergence) == 0
    window.set_presentation(True)
    qtbot.waitUntil(lambda: not plots.convergence.isVisible(), timeout=2000)
    assert plots.contour.isVisible() and plots.contour.width() > 0.8 * plots.width()
    window.set_presentation(False)
    qtbot.waitUntil(lambda: plots.convergence.isVisible(), timeout=2000)
    assert plots.count() == 2
    assert plots.indexOf(plots.contour) == 0 and plots.indexOf(race.side) == 1
    assert race.side.indexOf(plots.convergence) == 0
    # the column beside the paths gets its room back: the same share of the width (to a few pixels)
    def share(z):
        return z[1] / max(1, sum(z))
    qtbot.waitUntil(lambda: abs(share(plots.sizes()) - share(sizes)) < 0.03, timeout=5000)
    settle(qtbot, panel)


def test_controls_grow_with_the_text(window, qtbot):
    """Check boxes, slider handles and grooves grow with presentation mode's font (HallStyle)."""
    style = QApplication.style()
    box, slider = QCheckBox("x"), QSlider(Qt.Horizontal)
    qtbot.addWidget(box)
    qtbot.addWidget(slider)
    small = (box.sizeHint().height(), slider.sizeHint().height())
    window.set_presentation(True)
    qtbot.wait(10)
    from PySide6.QtWidgets import QStyle
    assert style.pixelMetric(QStyle.PM_IndicatorWidth) >= 0.8 * box.fontMetrics().height()
    assert box.sizeHint().height() > small[0] and slider.sizeHint().height() > small[1]


def test_pens_scale_with_the_device_pixel_ratio(monkeypatch):
    from gui import theme as T
    t = T.theme()
    one = t.pen_width, t.marker_size
    monkeypatch.setattr(T, "device_pixel_ratio", lambda: 2.0)
    assert (t.pen_width, t.marker_size) == (2 * one[0], 2 * one[1])


def test_seven_optimizers_leave_the_surface_its_room(window, qtbot):
    """Presentation at 1024x768 with all seven optimizers on: the key takes two entries a line, every
    optimizer is in it, and the surface keeps MIN_PLOT_SHARE of the window (one line each left it 26 %)."""
    from engine import optimizers as O
    from gui import panels
    window.set_presentation(True)
    window.resize(1024, 768)
    window.tabs.setCurrentIndex(panels.REGISTRY.index(panels.find("optimizers")))
    panel = window.panel_by_key("optimizers")
    race = panel.section("race")
    for box in race.boxes.values():
        box.setChecked(True)
    qtbot.waitUntil(lambda: len(race.paths) == len(O.ALL) and panel.is_idle(), timeout=60000)
    race.transport.set_frame(race.transport.last)
    race.draw_frame()
    qtbot.wait(50)
    text = race.summary.text()
    assert all(f"{name}</b>" in text for name in O.ALL) and text.count("<tr>") == 4
    contour = race.race_plots.contour
    assert contour.width() * contour.height() >= MIN_PLOT_SHARE * window.width() * window.height()
    assert race.summary.geometry().bottom() <= race.height()      # the last line is not cut
