"""Large arrays go back to the operating system when they are freed (glibc's allocator, tuned once).

Untuned, glibc keeps memory the app no longer uses (``make bench``'s stress benchmark: the peak under
random use is 14-20 MB lower tuned; a probe that runs every topic's defaults twice ended at 331-391 MB
untuned, 318-339 MB tuned). Two reasons:

- glibc serves allocations above a threshold (128 KB at start) with their own memory map, returned
  to the system on free; but each time such a block is freed the threshold *rises* to its size (up
  to 32 MB). After a few runs numpy's arrays of a few MB come from the heap instead, and a heap
  with one live block at its top cannot shrink.
- every thread that allocates gets a heap (an "arena") of its own; the worker, scikit-learn's
  fit helpers and the window each leave freed memory in theirs, which the others cannot reuse.

So the threshold is fixed at 256 KB (a fixed threshold is never adjusted) and there are at most two
arenas. Elsewhere than glibc (macOS, Windows, musl) nothing is done.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3     # glibc's mallopt parameters (malloc.h)
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 256 * 1024
ARENA_MAX = 2

_done: bool | None = None


def bound_allocator() -> bool:
    """Tune glibc's allocator once for the process; True when it was tuned (False elsewhere)."""
    global _done
    if _done is None:
        _done = False
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                mallopt = libc.mallopt
            except (OSError, AttributeError):     # musl and friends have no mallopt
                return False
            mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
            mallopt.restype = ctypes.c_int
            _done = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(mallopt(M_ARENA_MAX, ARENA_MAX))
    return _done
