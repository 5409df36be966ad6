"""Import the heavy libraries the tabs need (pandas: about 0.4 s) on a background thread once
the window is up, so that the first show of a tab does not pay for them on the main thread.

Python's per-module import locks make this safe: a tab that needs pandas while it is still
being imported here waits for that import to finish instead of starting its own.
"""
from __future__ import annotations

import threading

MODULES = ("pandas",)
_started = False


def preload(modules=MODULES, then=None) -> threading.Thread | None:
    """Start the background import once (later calls do nothing); returns the thread. ``then()`` is
    called on that thread once the modules are imported."""
    global _started
    if _started:
        return None
    _started = True
    thread = threading.Thread(target=_import_all, args=(tuple(modules), then), name="training-lab-preload", daemon=True)
    thread.start()
    return thread


def _import_all(modules, then=None) -> None:
    import importlib
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:   # the tab that needs it will import it and report the error itself
            pass
    if then is not None:
        then()
