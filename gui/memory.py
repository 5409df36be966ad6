"""Memory housekeeping for glibc's malloc: fewer arenas, freed memory handed back to the system.

Measured (benchmarks/bench_stress.py, every topic's defaults run twice): glibc gives each thread
that allocates under contention its own arena (up to 8 per core), and memory freed by numpy in
the worker threads stays in those arenas' free lists; ``malloc_trim(0)`` gave back ~100 MB of
~500 MB. So:

- :func:`tune` caps the arenas at two (call it before the worker threads start);
- :func:`request_trim` asks for a ``malloc_trim(0)`` (a Worker does after every job); a
  background thread does it once the requests pause for :data:`DEBOUNCE_S`, so the window never
  waits for it (about 10 ms).

A fixed mmap threshold would return more (numpy's large arrays would bypass the heap), but it
made a numpy loop over 600 KB arrays 2.5x slower: not used.

Python's garbage collector: a full collection walks every object it tracks, and runs whenever the
objects that survived younger collections grow by a quarter (building a page does). With the
imports and the pages in it (~100 000 objects) one took 51-96 ms, on whichever thread allocated:
a worker's held the GIL, so the window froze either way, in the middle of a topic's first show
or of a slider drag. :func:`freeze_long_lived` moves what lives as long as the window (modules,
classes, built pages) to the collector's permanent generation; the app does it at start-up,
after every topic or section it builds and after the background imports (``MainWindow(...,
freeze_long_lived=True)``). A full collection then took 26-32 ms. What is frozen is never
examined for reference cycles again: garbage in a cycle among frozen objects would be kept, so
only long-lived things are frozen, after a collection of the young generations, and a window
made for a test does not freeze.

Elsewhere (musl, macOS, Windows) everything here does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading

M_ARENA_MAX = -8      # glibc's mallopt parameter number
ARENA_MAX = 2
DEBOUNCE_S = 0.5

_libc = None
_lock = threading.Lock()
_wanted = threading.Event()
_thread: threading.Thread | None = None
trims = 0             # how many trims ran (read by the tests)


def libc():
    """glibc with ``malloc_trim`` and ``mallopt``, or None."""
    global _libc
    if _libc is None:
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _libc = lib if hasattr(lib, "malloc_trim") and hasattr(lib, "mallopt") else False
        except OSError:
            _libc = False
    return _libc or None


def tune() -> bool:
    """Cap malloc's arenas at :data:`ARENA_MAX` (once is enough); whether it applied."""
    lib = libc()
    return bool(lib and lib.mallopt(M_ARENA_MAX, ARENA_MAX))


def trim() -> bool:
    """``malloc_trim(0)`` now, on the calling thread; whether memory was given back."""
    global trims
    lib = libc()
    if lib is None:
        return False
    trims += 1
    return bool(lib.malloc_trim(0))


def request_trim() -> None:
    """Ask for a trim soon, on the background thread (any thread may ask; cheap)."""
    global _thread
    if libc() is None:
        return
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_loop, name="training-lab-trim", daemon=True)
            _thread.start()
    _wanted.set()


def _loop() -> None:
    while True:
        _wanted.wait()
        # wait until the requests pause: a burst of finished jobs is one trim
        while True:
            _wanted.clear()
            if not _wanted.wait(DEBOUNCE_S):
                break
        trim()


def freeze_long_lived() -> None:
    """Collect the young generations, then move every object the collector tracks to its
    permanent generation (``gc.freeze``; ``gc.get_freeze_count`` walks them all: 10 ms)."""
    gc.collect(1)
    gc.freeze()
