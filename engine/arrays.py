"""Read-only arrays: what the engine hands out (results, cached data) cannot be changed in place."""
from __future__ import annotations

import numpy as np


def readonly(array) -> np.ndarray:
    """A private copy of ``array``, read-only: nobody else holds a writable view of it, so a caller
    that wants to change it must copy it first and cannot corrupt a cache or a shared result."""
    out = np.array(array)
    out.setflags(write=False)
    return out
