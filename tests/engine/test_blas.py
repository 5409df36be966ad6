"""BLAS runs on one thread, set once: its thread count never changes while the app computes.

Flipping OpenBLAS's thread count every epoch while other threads were inside BLAS calls is the
kind of thing that deadlocks; a run of the suite hung on CI while limits were entered and restored.
"""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from engine.blas import blas_thread_counts, limit_blas, prepare

ROOT = Path(__file__).resolve().parents[2]
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def in_fresh_process(code: str, keep_thread_variables=False) -> list:
    env = {k: v for k, v in os.environ.items() if keep_thread_variables or k not in THREAD_VARIABLES}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_app_starts_with_one_blas_thread():
    if not prepare():
        pytest.skip("threadpoolctl cannot read this BLAS")
    counts = in_fresh_process("import main, json, numpy; from engine.blas import blas_thread_counts; "
                              "print(json.dumps(blas_thread_counts()))")
    assert counts and all(n == 1 for n in counts)


def test_numpy_loaded_first_gets_one_thread_for_good_at_the_first_limit():
    """A notebook: numpy came first, with its default threads; the first limit (on a helper thread)
    sets one thread, and leaving the block does not bring the threads back."""
    if not prepare():
        pytest.skip("threadpoolctl cannot read this BLAS")
    before, inside, after = in_fresh_process(
        "import json, threading, numpy; from engine.blas import blas_thread_counts, limit_blas\n"
        "before = blas_thread_counts(); seen = []\n"
        "def run():\n"
        "    with limit_blas(1): seen.append(blas_thread_counts())\n"
        "t = threading.Thread(target=run); t.start(); t.join()\n"
        "print(json.dumps([before, seen[0], blas_thread_counts()]))")
    if (os.cpu_count() or 1) > 1:
        assert max(before) > 1           # numpy's default: a thread per core
    assert all(n == 1 for n in inside) and after == inside


def test_limits_on_two_threads_never_change_the_thread_count(monkeypatch):
    controller = prepare()
    if not controller:
        pytest.skip("threadpoolctl cannot control this BLAS")
    with limit_blas(1):
        pass
    changes = []
    monkeypatch.setattr(type(controller), "limit", lambda *a, **k: changes.append(k))
    a, b = limit_blas(1), limit_blas(1)
    a.__enter__()
    helper = threading.Thread(target=b.__enter__)
    helper.start()
    helper.join(10)
    a.__exit__(None, None, None)
    b.__exit__(None, None, None)
    assert changes == [] and all(n == 1 for n in blas_thread_counts())


def test_another_thread_count_is_refused_in_words():
    with pytest.raises(ValueError, match="one thread"):
        limit_blas(2)
