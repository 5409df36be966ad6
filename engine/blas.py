"""One place that limits BLAS threads, safely across threads.

Training small networks on this kind of machine is fastest with a single BLAS thread (idle
OpenBLAS threads spin after every large product), so training limits BLAS while an epoch runs.

threadpoolctl scans the process's loaded libraries; doing that from several worker threads
while another thread is still importing scikit-learn/scipy (loading shared libraries)
crashed the process with a segmentation fault. So the scan happens once, under a lock, after
the native libraries this app uses are loaded, and every limit goes through that one
controller, reference-counted so overlapping runs restore the original setting last.

threadpoolctl (3.8) also lets only one thread change OpenBLAS's process-wide thread count: the
first thread that ever set it, for as long as that thread lives; from any other thread a limit
"silently does nothing" (measured: MLP fits 5-30x slower). Every change made here happens
under this module's lock, so it hands that control to the thread making the change.
"""
from __future__ import annotations

import threading

_lock = threading.Lock()
_controller = None  # threadpoolctl.ThreadpoolController; False when unavailable
_depth = 0
_limiter = None


def _take_control() -> None:
    try:
        from threadpoolctl import OpenBLASController
        OpenBLASController.clear_controlling_thread(force=True)
    except (ImportError, AttributeError):  # another threadpoolctl: nothing to hand over
        pass


def prepare():
    """Load the native libraries and scan them, once; returns the controller (False if unavailable)."""
    global _controller
    if _controller is None:
        try:
            import sklearn.linear_model  # noqa: F401  load every native library before the scan
            import sklearn.neural_network  # noqa: F401
            import threadpoolctl
            _controller = threadpoolctl.ThreadpoolController()
        except Exception:  # not installed, or an unusual BLAS: run without a limit
            _controller = False
    return _controller


class limit_blas:
    """Context manager: at most ``threads`` BLAS threads inside the block (nesting and threads allowed)."""

    def __init__(self, threads: int = 1):
        self.threads = threads

    def __enter__(self):
        global _depth, _limiter
        with _lock:
            controller = prepare()
            if controller and _depth == 0:
                _take_control()
                _limiter = controller.limit(limits=self.threads, user_api="blas")
            _depth += 1
        return self

    def __exit__(self, *exc):
        global _depth, _limiter
        with _lock:
            _depth -= 1
            if _depth == 0 and _limiter is not None:
                _take_control()  # the last run to leave may be on another thread than the first
                _limiter.restore_original_limits()
                _limiter = None
        return False


def single_threaded(gen, threads: int = 1):
    """Run a generator with BLAS limited while it computes, unlimited while its consumer works."""
    while True:
        try:
            with limit_blas(threads):
                event = next(gen)
        except StopIteration as done:
            return done.value
        yield event
