"""`make bench`: run every benchmark script in this folder and print their tables.

Benchmarks are measurements, not pass/fail tests: the machines are shared and noisy, so each
script compares against a baseline measured in the same run and prints ratios.
"""
import importlib
import os
import sys
import traceback
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

ORDER = ["first_paint", "bench_optimizers"]


def main() -> int:
    names = ORDER + sorted(p.stem for p in HERE.glob("bench_*.py") if p.stem not in ORDER)
    failed = []
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        try:
            importlib.import_module(f"benchmarks.{name}").main()
        except Exception:
            traceback.print_exc()
            failed.append(name)
    if failed:
        print("\nbenchmarks that failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
