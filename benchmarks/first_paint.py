"""Time from process start to the first paint of a window: the app against a bare QMainWindow.

    python benchmarks/first_paint.py            # the comparison table (runs itself in subprocesses)
    python benchmarks/first_paint.py app|bare   # one measurement, printed in ms
"""
import time

T0 = time.perf_counter()

import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def measure_once(kind: str) -> None:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication([])
    if kind == "app":
        from gui.app import MainWindow
        from gui.theme import theme
        theme().apply_base()
        window = MainWindow()
    else:
        import pyqtgraph as pg
        window = QMainWindow()
        window.setCentralWidget(pg.PlotWidget())
    window.resize(1280, 800)
    painted = []

    class Watcher(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint and not painted and obj.isWidgetType() and obj.window() is window:
                painted.append(time.perf_counter() - T0)
                QTimer.singleShot(0, app.quit)
            return False

    watcher = Watcher()
    QApplication.instance().installEventFilter(watcher)
    window.show()
    QTimer.singleShot(10000, app.quit)
    app.exec()
    sklearn_loaded = "sklearn" in sys.modules
    window.close()
    print(f"{painted[0] * 1000:.1f} {int(sklearn_loaded)}")


def run(kind: str) -> tuple[float, bool]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, __file__, kind], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    ms, sk = out.stdout.split()
    return float(ms), sk == "1"


def main(repeats: int = 7) -> dict:
    app_ms, bare_ms, sklearn = [], [], False
    run("bare"), run("app")  # warm the file cache for both
    for _ in range(repeats):  # interleaved so machine load hits both alike
        b, _ = run("bare")
        a, sk = run("app")
        bare_ms.append(b)
        app_ms.append(a)
        sklearn |= sk
    a, b = statistics.median(app_ms), statistics.median(bare_ms)
    print("time to first paint (process start -> first paint), median of", repeats)
    print(f"  bare QMainWindow + PlotWidget : {b:7.1f} ms")
    print(f"  Training Lab MainWindow       : {a:7.1f} ms")
    print(f"  ratio                         : {a / b:7.2f}x   (goal <= 1.5x)")
    print(f"  scikit-learn imported at start: {'YES (bad)' if sklearn else 'no'}")
    return {"app_ms": a, "bare_ms": b, "ratio": a / b, "sklearn_at_start": sklearn}


if __name__ == "__main__":
    if len(sys.argv) > 1:
        measure_once(sys.argv[1])
    else:
        main()
