"""One place that limits BLAS threads, safely across threads.

Training small networks on this kind of machine is fastest with a single BLAS thread (idle
OpenBLAS threads spin after every large product), so training limits BLAS while an epoch runs.

threadpoolctl scans the process's loaded libraries; doing that from several worker threads
while another thread is still importing scikit-learn/scipy (loading shared libraries)
crashed the process with a segmentation fault. So the scan happens once, under a lock, after
the native libraries this app uses are loaded, and every limit goes through that one
controller, reference-counted so overlapping runs restore the original setting last.
"""
from __future__ import annotations

import threading

_lock = threading.Lock()
_controller = None  # threadpoolctl.ThreadpoolController; False when unavailable
_depth = 0
_limiter = None


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
                _limiter = controller.limit(limits=self.threads, user_api="blas")
            _depth += 1
        return self

    def __exit__(self, *exc):
        global _depth, _limiter
        with _lock:
            _depth -= 1
            if _depth == 0 and _limiter is not None:
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
