"""BLAS runs on one thread in this app, and its thread count is never changed while the app runs.

Training small networks on this kind of machine is fastest with a single BLAS thread (idle
OpenBLAS threads spin after every large product and take the cores the window needs).

The count is set once, before anything computes, and never flipped back and forth: the app calls
BLAS from several threads at once (the window, the worker, scikit-learn's fit helper), and changing
OpenBLAS's thread count while another thread is inside a threaded BLAS call can deadlock (a run of
the test suite hung for good on CI while limits were entered and restored every epoch). So:

- ``main.py`` and the test suite call :func:`single_thread_environment` before numpy loads:
  OpenBLAS then never starts a thread pool, and :class:`limit_blas` has nothing to do.
- Where numpy was loaded first (a notebook, a benchmark), the first :class:`limit_blas` sets every
  BLAS library to one thread once, with threadpoolctl, for the rest of the process.

threadpoolctl scans the process's loaded libraries; doing that from several worker threads while
another thread is still importing scikit-learn/scipy crashed the process with a segmentation fault,
so the scan happens once, under a lock, after the native libraries this app uses are loaded.
"""
from __future__ import annotations

import os
import sys
import threading

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

_lock = threading.Lock()
_controller = None  # threadpoolctl.ThreadpoolController; False when unavailable
_single = False     # BLAS is known to run on one thread for the rest of the process
_limiter = None     # threadpoolctl's limit, kept for the life of the process


def single_thread_environment() -> None:
    """One BLAS/OpenMP thread for the process, when called before numpy loads (a user's setting wins)."""
    global _single
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    if "numpy" not in sys.modules and all(os.environ[name] == "1" for name in THREAD_VARIABLES):
        _single = True


def prepare():
    """Load the native libraries and scan them, once; returns the controller (False if unavailable)."""
    global _controller
    with _lock:
        if _controller is None:
            try:
                import sklearn.linear_model  # noqa: F401  load every native library before the scan
                import sklearn.neural_network  # noqa: F401
                import threadpoolctl
                _controller = threadpoolctl.ThreadpoolController()
            except Exception:  # not installed, or an unusual BLAS: run without a limit
                _controller = False
        return _controller


def blas_thread_counts() -> list[int]:
    """The thread count of every BLAS library loaded (empty when threadpoolctl cannot tell)."""
    controller = prepare()
    if not controller:
        return []
    return [info["num_threads"] for info in controller.info() if info["user_api"] == "blas"]


def ensure_single_threaded() -> None:
    """Set every BLAS library to one thread, once for the process (nothing to do after the environment did)."""
    global _single, _limiter
    if _single:
        return
    controller = prepare()
    with _lock:
        if _single:
            return
        if controller:
            try:
                from threadpoolctl import OpenBLASController
                OpenBLASController.clear_controlling_thread(force=True)
            except (ImportError, AttributeError):  # another threadpoolctl: nothing to hand over
                pass
            _limiter = controller.limit(limits=1, user_api="blas")
        _single = True


class limit_blas:
    """Context manager kept for the engine's callers: BLAS is single-threaded inside the block (and after it).

    ``threads`` other than 1 is not supported: the count is never changed once the app computes.
    """

    def __init__(self, threads: int = 1):
        if threads != 1:
            raise ValueError(f"BLAS runs on one thread in this app; limit_blas({threads}) is not supported")
        self.threads = threads

    def __enter__(self):
        ensure_single_threaded()
        return self

    def __exit__(self, *exc):
        return False


def single_threaded(gen, threads: int = 1):
    """Run a generator with BLAS single-threaded (kept for callers; the limit is process-wide)."""
    with limit_blas(threads):
        pass
    return (yield from gen)
