"""Training Lab: start the desktop application.

    python main.py [--tab NAME] [--presentation] [--fullscreen] [--smoke] [--open FILE] [--fresh]
                   [--report OUT.html]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from engine.blas import single_thread_environment

single_thread_environment()   # before numpy loads: see engine/blas.py
_T0 = time.perf_counter()


def parse_args(argv=None):
    from gui.panels import REGISTRY
    parser = argparse.ArgumentParser(prog="training-lab", description="Interactive labs on how models are trained.")
    parser.add_argument("--tab", metavar="NAME", help="open on a topic: " + ", ".join(e.key for e in REGISTRY))
    parser.add_argument("--presentation", action="store_true", help="large fonts and thick lines for projection")
    parser.add_argument("--fullscreen", action="store_true", help="start full screen (F11 toggles)")
    parser.add_argument("--smoke", action="store_true",
                        help="open the window, visit every tab (only --tab's if given), run its default computation, "
                             "print timing, exit")
    parser.add_argument("--open", metavar="FILE", help="open a saved set-up (or a scenario file) at start")
    parser.add_argument("--fresh", action="store_true",
                        help="ignore the remembered window size, topic and presentation mode")
    parser.add_argument("--report", metavar="OUT.html",
                        help="compute every topic off-screen (with --open: that set-up) and write a self-contained "
                             "HTML handout, then exit")
    return parser.parse_args(argv)


def read_setup(args):
    """--open's set-up (None without it); ValueError with one line if the file is missing or malformed."""
    if not args.open:
        return None
    from gui.setups import read_file
    return read_file(args.open)


def open_setup(window, setup) -> str | None:
    """Show --open's set-up in ``window``; the problem in one line if it is invalid."""
    if setup is None:
        return None
    try:
        window.apply_setup(setup)
    except ValueError as exc:
        return str(exc)
    return None


def start_options(args, setup):
    """(first topic, presentation mode, geometry): the command line first, then the set-up's topic,
    then what the window remembered (ignored with --fresh, and by --smoke)."""
    from gui import settings
    from gui.panels import find
    memory = {"topic": None, "presentation": False, "geometry": None}
    if not (args.fresh or args.smoke or args.report):
        memory = settings.remembered()
    tab = args.tab or (setup or {}).get("topic") or memory["topic"]
    try:
        find(tab) if isinstance(tab, str) else None
    except ValueError:
        tab = None     # a remembered topic that no longer exists (a set-up's own is checked when it is applied)
    return (tab if isinstance(tab, str) else None), bool(args.presentation or memory["presentation"]), memory["geometry"]


def report_path_problem(path: str) -> str:
    """Why --report cannot write to ``path`` ("" when it can)."""
    from gui.report import check_output_path
    try:
        check_output_path(path)
    except ValueError as exc:
        return str(exc)
    return ""


def write_report(args, window, app) -> int:
    """--report: the handout of what the window computes (gui/report.py); progress on stderr."""
    from gui.report import write_report as write
    window.resize(1280, 800)
    window.show()   # on the off-screen platform: laid out at 1280x800, never on a screen
    try:
        out, seconds, size = write(args.report, window, app, say=lambda m: print(m, file=sys.stderr, flush=True),
                                   origin=f"the set-up {args.open}" if args.open else None)
    except (OSError, ValueError) as exc:
        print(f"training-lab: cannot write the report: {exc}", file=sys.stderr)
        return 2
    finally:
        window.close()
        app.processEvents()
    print(f"report: wrote {out} ({size / 1e6:.1f} MB) in {seconds:.0f} s", file=sys.stderr)
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    from gui.panels import REGISTRY, find
    if args.tab:
        try:
            find(args.tab)
        except ValueError as exc:
            print(f"training-lab: {exc}", file=sys.stderr)
            return 2
    if args.report:
        problem = report_path_problem(args.report)
        if problem:
            print(f"training-lab: cannot write the report: {problem}", file=sys.stderr)
            return 2
        os.environ["QT_QPA_PLATFORM"] = "offscreen"   # the handout is computed without showing a window
    try:
        setup = read_setup(args)
    except ValueError as exc:
        print(f"training-lab: {exc}", file=sys.stderr)
        return 2

    from PySide6.QtCore import QEvent, QObject, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet_offscreen(mode, context, message):
        # the off-screen platform (CI, --smoke) says this for every window; it means nothing to a user
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        qInstallMessageHandler(quiet_offscreen)

    from gui import memory
    memory.tune()   # fewer malloc arenas, before any thread starts (gui/memory.py)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Training Lab")
    from gui.app import MainWindow, run_smoke
    from gui.theme import theme
    theme().apply_base()
    tab, presentation, geometry = start_options(args, setup)
    window = MainWindow(initial_tab=tab, presentation=presentation, freeze_long_lived=True)
    problem = open_setup(window, setup)
    if problem:
        window.shutdown()      # join the threads the first tab started
        print(f"training-lab: {args.open}: {problem}", file=sys.stderr)
        return 2
    if args.tab and setup is not None:
        window.tabs.setCurrentIndex(REGISTRY.index(find(args.tab)))   # the explicit --tab wins
    if geometry is not None:
        window.restoreGeometry(geometry)
    window.remember_settings = not (args.smoke or args.report)

    if args.report:
        return write_report(args, window, app)

    first_paint: list[float] = []

    class PaintWatcher(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint and obj.isWidgetType() and obj.window() is window:
                first_paint.append(time.perf_counter() - _T0)
                app.removeEventFilter(self)  # one measurement; no Python filter on every later event
            return False

    watcher = PaintWatcher()
    QApplication.instance().installEventFilter(watcher)
    if args.fullscreen:
        window.set_fullscreen(True)
    else:
        window.show()

    if not args.smoke:
        return app.exec()

    app.processEvents()
    if not first_paint:
        window.repaint()
        app.processEvents()
    try:
        errors = run_smoke(window, app, only=args.tab)
    except Exception as exc:  # the smoke run reports, it does not hide
        errors = [f"{type(exc).__name__}: {exc}"]
    window.close()
    app.processEvents()
    paint = f"{first_paint[0] * 1000:.0f} ms" if first_paint else "never"
    print(f"time to first paint: {paint}")
    if errors:
        for e in errors:
            print(f"smoke error: {e}", file=sys.stderr)
        return 1
    print("smoke ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
