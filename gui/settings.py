"""What the window remembers between sessions (QSettings): its geometry, the last topic, whether
presentation mode was on, and the folder of the last set-up file.

``main.py`` reads :func:`remembered` before it builds the window (so only the remembered topic is
built) and turns remembering on; ``--fresh`` ignores what was remembered. The environment variable
``TRAINING_LAB_SETTINGS`` names an INI file to use instead of the user's settings (the tests point
it at a temporary file, so they never read or write the user's real settings).
"""
from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings

ENV = "TRAINING_LAB_SETTINGS"
ORGANISATION = APPLICATION = "Training Lab"


def store() -> QSettings:
    path = os.environ.get(ENV)
    if path:
        return QSettings(path, QSettings.IniFormat)
    return QSettings(QSettings.IniFormat, QSettings.UserScope, ORGANISATION, APPLICATION)


def remembered() -> dict:
    """{"topic": key or None, "presentation": bool, "geometry": QByteArray or None}."""
    s = store()
    topic = s.value("window/topic", "", type=str) or None
    geometry = s.value("window/geometry")
    return {"topic": topic, "presentation": s.value("window/presentation", False, type=bool),
            "geometry": geometry if isinstance(geometry, QByteArray) and not geometry.isEmpty() else None}


def save(window) -> None:
    from gui import panels
    from gui.theme import theme
    s = store()
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/topic", panels.REGISTRY[window.tabs.currentIndex()].key)
    s.setValue("window/presentation", bool(theme().presentation))
    s.sync()


def last_folder() -> str:
    return store().value("setups/folder", "", type=str)


def set_last_folder(folder: str) -> None:
    s = store()
    s.setValue("setups/folder", folder)
    s.sync()
