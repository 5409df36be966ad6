"""PySide6 6.12.0 on Python < 3.12 loses a reference to None on every void call and then aborts."""
import sys

from PySide6.QtCore import QObject


def test_void_calls_do_not_leak_references_to_none():
    obj = QObject()
    obj.setObjectName("warm-up")
    before = sys.getrefcount(None)
    for i in range(1000):
        obj.setObjectName("canary")
    after = sys.getrefcount(None)
    assert abs(after - before) < 50, f"refcount of None moved by {after - before} over 1000 void calls"
