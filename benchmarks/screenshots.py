"""Render every sub-tab of every topic off-screen to screenshots/<topic>-<n>-<sub-tab>-<mode>.png
(``--out DIR`` to write elsewhere). Modes: ``normal`` and ``presentation`` at 1280x800 (presentation
with its default stage view), and the projector: ``projector-stage`` (presentation at 1024x768,
stage view on, as it starts) and ``projector-full`` (1024x768, stage view off: every control).

`make screenshots`. Look at them: this is what a student and the back row of a lecture hall see.
With --readme the Optimizers tab is also written to resources/screenshot.png for the README.
"""
import re
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


# (name, window size, stage view)
MODES = (("normal", (1280, 800), False), ("presentation", (1280, 800), True),
         ("projector-stage", (1024, 768), True), ("projector-full", (1024, 768), False))


def settle(app, panel, timeout_s=60.0):
    t0 = time.perf_counter()
    while not panel.is_idle() and time.perf_counter() - t0 < timeout_s:
        app.processEvents()
        time.sleep(0.005)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.005)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    from gui import panels
    from gui.app import MainWindow
    from gui.theme import theme
    theme().apply_base()
    out = ROOT / "screenshots"
    if "--out" in argv:
        out = Path(argv[argv.index("--out") + 1])
        argv = [a for a in argv if a not in ("--out", str(out))]
    out.mkdir(parents=True, exist_ok=True)
    only = [a for a in argv if not a.startswith("--")]
    w = MainWindow()
    w.resize(1280, 800)
    w.show()
    for index, entry in enumerate(panels.REGISTRY):
        if only and entry.key not in only:
            continue
        w.tabs.setCurrentIndex(index)
        panel = w.panel(index)
        panel.run_defaults()
        settle(app, panel)
        tabs = getattr(panel, "tabs", None)
        count = tabs.count() if tabs is not None else 1
        for sub in range(count):
            name = ""
            if tabs is not None and count > 1:
                tabs.setCurrentIndex(sub)
                name = "-" + re.sub(r"[^a-z0-9]+", "_", tabs.tabText(sub).lower()).strip("_")
            for mode, size, stage in MODES:
                w.set_presentation(mode != "normal")
                w.set_stage(stage)
                w.resize(*size)
                settle(app, panel)
                path = out / f"{entry.key}-{sub + 1}{name}-{mode}.png"
                w.grab().save(str(path))
                print(path)
                if "--readme" in argv and entry.key == "optimizers" and mode == "normal":
                    w.grab().save(str(ROOT / "resources" / "screenshot.png"))
            w.set_presentation(False)
            w.resize(1280, 800)
    w.close()


if __name__ == "__main__":
    main()
