"""How presentation mode fits a projector: for every page (topic and sub-tab) at 1024x768 (and
1280x720 with --size 1280x720), the share of the window the largest plot gets, the shortest
visible plot and anything that does not fit (gui/fit_check.py says what is measured).

    python benchmarks/presentation_fit.py [--size WxH] [--no-stage] [topic keys]
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screenshots import settle  # noqa: E402  (the same wait as the screenshots')


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    size = "1024x768"
    if "--size" in argv:
        size = argv[argv.index("--size") + 1]
        argv.remove("--size")
        argv.remove(size)
    stage = "--no-stage" not in argv
    only = [a for a in argv if not a.startswith("--")]
    width, height = (int(v) for v in size.split("x"))
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    from gui.app import MainWindow
    from gui.fit_check import measure, pages
    from gui.theme import theme
    theme().apply_base()
    w = MainWindow(presentation=True)
    w.resize(width, height)
    w.show()
    w.set_stage(stage)
    problems, shares, ran = [], [], set()
    print(f"presentation mode at {size}, stage view {'on' if stage else 'off'}")
    print(f"{'page':44s} {'window':>7s} {'largest plot':>13s} {'shortest plot':>14s}")
    for name, panel in pages(w):
        if only and name.split("-")[0] not in only:
            continue
        tabs = getattr(panel, "tabs", None)
        shown = tabs.currentIndex() if tabs is not None else 0
        if id(panel) not in ran:   # run_defaults once per topic (it may show the first sub-tab again)
            ran.add(id(panel))
            panel.run_defaults()
            settle(app, panel)
            if tabs is not None:
                tabs.setCurrentIndex(shown)
        w.resize(width, height)
        settle(app, panel)
        fit = measure(w, name)
        shares.append(fit.largest_share)
        print(f"{name:44s} {fit.window_width:4d} px {fit.largest_share:12.0%} "
              f"{fit.smallest_plot[0]:6d}x{fit.smallest_plot[1]:<4d}")
        problems += fit.problems(width, height)
    if shares:
        shares.sort()
        print(f"median share {shares[len(shares) // 2]:.0%}, smallest {shares[0]:.0%}")
    print("\n".join(problems) if problems else "every page fits")
    w.close()
    app.processEvents()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
