"""The engine must stay usable from a notebook: importing any engine module loads no Qt."""
import importlib
import pkgutil
import subprocess
import sys

import engine


def test_every_engine_module_imports_without_qt():
    names = [m.name for m in pkgutil.iter_modules(engine.__path__, "engine.")]
    assert "engine.optimizers" in names
    code = (
        "import importlib, sys\n"
        f"for n in {names!r}: importlib.import_module(n)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'PyQt5', 'PyQt6')]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
