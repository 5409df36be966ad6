"""`make bench`: run every benchmark script in this folder and print their tables.

Benchmarks are measurements, not pass/fail tests: the machines are shared and noisy, so each
script compares against a baseline measured in the same run and prints ratios.

The frame and slider-to-repaint benchmarks (DISPLAY) run twice: off-screen, then on a real X
server (Xvfb, Qt's xcb platform), printed one after the other. Off-screen hides what it costs to
flush what was painted to a window system. ``--display-only`` runs just the Xvfb half.
"""
import importlib
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from engine.blas import single_thread_environment  # noqa: E402

single_thread_environment()   # as the app runs: one BLAS thread (engine/blas.py)

ORDER = ["first_paint", "bench_optimizers"]
DISPLAY = ["bench_optimizers", "bench_explain", "bench_losses_gui", "bench_regularization_gui"]
XVFB = ["xvfb-run", "-a", "-s", "-screen 0 1920x1200x24"]


def run_here(name: str) -> bool:
    try:
        importlib.import_module(f"benchmarks.{name}").main()
        return True
    except Exception:
        traceback.print_exc()
        return False


def run_on_xvfb(name: str) -> bool:
    if shutil.which("xvfb-run") is None:
        print("xvfb-run is not installed (make test-display installs it): skipped")
        return True
    code = f"import sys; sys.path.insert(0, {str(HERE.parent)!r}); import benchmarks.{name} as b; b.main()"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run(XVFB + [sys.executable, "-c", code], env=env, cwd=HERE.parent)
    return done.returncode == 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    failed = []
    if "--display-only" not in argv:
        names = ORDER + sorted(p.stem for p in HERE.glob("bench_*.py") if p.stem not in ORDER)
        for name in names:
            print(f"\n=== {name} (off-screen) ===", flush=True)
            if not run_here(name):
                failed.append(name)
    for name in DISPLAY:
        print(f"\n=== {name} (xcb on Xvfb: a real X server) ===", flush=True)
        if not run_on_xvfb(name):
            failed.append(f"{name} (Xvfb)")
    if failed:
        print("\nbenchmarks that failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
